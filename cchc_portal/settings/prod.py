"""Production: DEBUG off, SECRET_KEY required, HTTPS-only cookies and HSTS.

The Content-Security-Policy, login throttling (django-axes) and the evidence storage switch live in
base.py so that development and tests run under them too; docs/deploy.md lists every variable.
"""

from django.http import HttpRequest

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")  # no default: refuse to start without one

# nginx terminates TLS and says so in X-Forwarded-Proto (deploy/nginx.conf).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# The load balancer probes /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# htmx sends the token from the page (hx-headers), so no script needs to read the cookie.
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Sessions live in the database (any app server can serve any request) and end after
# SESSION_COOKIE_AGE seconds (default 8 hours) or when the browser closes (both set in base.py).
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Behind nginx every request comes from 127.0.0.1: login throttling must count the real client
# address, which nginx puts in X-Real-IP (it overwrites whatever the client sent).
TRUST_X_REAL_IP = env.bool("TRUST_X_REAL_IP", default=True)


def client_ip_address(request: HttpRequest) -> str | None:
    if TRUST_X_REAL_IP and request.META.get("HTTP_X_REAL_IP"):
        return request.META["HTTP_X_REAL_IP"]
    return request.META.get("REMOTE_ADDR")


AXES_CLIENT_IP_CALLABLE = client_ip_address

# Static files: collectstatic into STATIC_ROOT; whitenoise serves them with far-future caching
# (or nginx does, see deploy/nginx.conf).
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "staticfiles")  # noqa: F405

# Real mail in production: SMTP configured from the environment (EMAIL_HOST, EMAIL_PORT, ...).
MAILERS = {
    "default": {
        "BACKEND": env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend"),
        "OPTIONS": {
            "host": env("EMAIL_HOST", default="localhost"),
            "port": env.int("EMAIL_PORT", default=25),
            "username": env("EMAIL_HOST_USER", default=""),
            "password": env("EMAIL_HOST_PASSWORD", default=""),
            "use_tls": env.bool("EMAIL_USE_TLS", default=False),
        },
    }
}

LOGGING["formatters"] = {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}}  # noqa: F405
LOGGING["handlers"]["console"]["formatter"] = "plain"  # noqa: F405

# Background work runs in the `manage.py db_worker` process (see docs/deploy.md), not in web requests.
TASKS = {"default": {"BACKEND": TASK_BACKENDS[env("TASKS_BACKEND", default="db")]}}  # noqa: F405
