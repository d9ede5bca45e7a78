"""The production settings, served on plain HTTP over loopback for the load test (`make load`).

Everything comes from prod.py (DEBUG off, database sessions, whitenoise's manifest storage, axes,
CSP, the connection settings read from DATABASE_URL); only what needs TLS is relaxed, because the
load generator talks to gunicorn directly on 127.0.0.1 without nginx in front: no redirect to HTTPS,
no HSTS, and cookies that a client sends back over http (a Secure cookie never comes back, so every
POST would fail its CSRF check and every page would look logged out).
"""

from .prod import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_PRELOAD = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
