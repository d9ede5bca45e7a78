"""Test settings: same database switch as dev (SQLite or DATABASE_URL), fast hashing, tmp media."""

import tempfile

from .base import *  # noqa: F403
from .base import folder_storage

DEBUG = False
SECRET_KEY = "test-only-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MEDIA_ROOT = tempfile.mkdtemp(prefix="cchc-test-media-")
STORAGES["evidence"] = folder_storage(f"{MEDIA_ROOT}/evidence")  # noqa: F405
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Serve static files straight from the source folders (no collectstatic needed outside production).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Django's test client `login()` calls authenticate() without a request, which django-axes refuses;
# the login-throttling tests switch axes on themselves (tests/test_production.py).
AXES_ENABLED = False
# A throwaway CA and signer made by tests/conftest.py for the session; signed when first downloaded.
SIGNING_PKCS12_PATH = f"{MEDIA_ROOT}/signing/test-signer.p12"
SIGNING_PKCS12_PASSWORD = "test-signing-only"
SIGNING_ON_COMMIT = False
