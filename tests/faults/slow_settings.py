"""Settings of the app servers the fault tests start: the test settings, their own database and evidence
folder (from the environment), and the pause hook below. Never used outside tests/faults."""

import os

from cchc_portal.settings.base import database_from_env
from cchc_portal.settings.test import *  # noqa: F403
from cchc_portal.settings.test import MIDDLEWARE, STORAGES

# The connection options every deployment gets (SQLite's transaction mode and busy timeout included).
DATABASES = {"default": database_from_env(os.environ["FAULTS_DATABASE_URL"])}
STORAGES["evidence"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": os.environ["FAULTS_EVIDENCE_ROOT"], "base_url": None},
}
MIDDLEWARE = ["tests.faults.pause.PauseMiddleware", *MIDDLEWARE]
ALLOWED_HOSTS = ["127.0.0.1"]
