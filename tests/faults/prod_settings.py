"""Production settings as deployed, run on loopback by the fault tests: only the static files come from the
source folders (no collectstatic in a test) and HTTPS is not enforced (no TLS proxy in front)."""

from cchc_portal.settings.prod import *  # noqa: F403
from cchc_portal.settings.prod import STORAGES

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
SECURE_SSL_REDIRECT = False
