"""Local development: the README's run command uses these settings."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# Serve static files straight from the source folders (no collectstatic needed outside production).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The demo signing certificate that seed_demo creates under var/signing/ (never committed).
SIGNING_PKCS12_PATH = SIGNING_PKCS12_PATH or str(BASE_DIR / "var" / "signing" / "demo-signer.p12")  # noqa: F405
SIGNING_PKCS12_PASSWORD = SIGNING_PKCS12_PASSWORD or "demo-signing-only"  # noqa: F405
