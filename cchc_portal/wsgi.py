"""The WSGI application gunicorn serves (deploy/gunicorn.conf.py, deploy/systemd/cchc-portal.service); the
portal has no ASGI entry point, since nothing in it needs one."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc_portal.settings.prod")

application = get_wsgi_application()
