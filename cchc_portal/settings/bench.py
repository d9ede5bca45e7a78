"""Benchmark settings (`make bench`): production-like (DEBUG off, persistent connections) on PostgreSQL.

DATABASE_URL names the database to fill and measure; scripts/bench.py sets it to throwaway databases
(`cchc_bench_20`, `cchc_bench_200` on the local server by default) that it creates and drops itself.
"""

import tempfile

from .base import *  # noqa: F403
from .base import database_from_env, folder_storage

DEBUG = False
SECRET_KEY = "bench-only-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES = {"default": database_from_env("postgres://postgres@127.0.0.1:5432/cchc_bench")}
# As behind gunicorn in production: one connection per worker, kept between requests.
DATABASES["default"]["CONN_MAX_AGE"] = 600
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = tempfile.mkdtemp(prefix="cchc-bench-media-")
STORAGES["evidence"] = folder_storage(f"{MEDIA_ROOT}/evidence")  # noqa: F405
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
AXES_ENABLED = False
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405 — Django's test client drives the pages
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
