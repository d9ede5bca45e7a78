"""Settings shared by every environment; values come from the environment (12-factor)."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "cchc_portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "import_export",
    "units",
    "scoring",
    "evidence",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cchc_portal.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: private, no-store on whatever a signed-in person is sent (public published files excepted).
    "cchc_portal.middleware.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "cchc_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "units.context_processors.roles",
                "scoring.context_processors.cycle",
            ],
        },
    },
]

WSGI_APPLICATION = "cchc_portal.wsgi.application"


# How long a write waits for SQLite's write lock before giving up ("database is locked").
SQLITE_BUSY_TIMEOUT_SECONDS = 20


def database_from_env(default_url: str) -> dict:
    """The database of DATABASE_URL (else default_url), with the connection settings every setting file shares."""
    database = env.db("DATABASE_URL", default=default_url)
    database["ATOMIC_REQUESTS"] = False
    database.setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
    # A persistent connection that died with a database restart is replaced before use, not shown as a 500.
    database.setdefault("CONN_HEALTH_CHECKS", True)
    if database["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL's JIT compiles a query whose estimated cost passes jit_above_cost; for the portal's pages,
        # which read a few thousand rows, compiling took 0.7-5.7 s of a 7-30 ms query (docs/benchmarks.md).
        database.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    elif database["ENGINE"] == "django.db.backends.sqlite3":
        options = database.setdefault("OPTIONS", {})
        # A transaction that reads, then writes, cannot upgrade its lock while another writer holds one: SQLite
        # answers "database is locked" at once (a 500) instead of waiting. Taking the write lock when the
        # transaction starts makes simultaneous saves queue for up to `timeout` seconds, after which the second
        # save reads the first one's version and gets the stale-page message (tests/faults/test_simultaneous_saves).
        options.setdefault("transaction_mode", "IMMEDIATE")
        options.setdefault("timeout", SQLITE_BUSY_TIMEOUT_SECONDS)
    return database


def folder_storage(location: str | None) -> dict:
    """Files in a folder of this server (None: MEDIA_ROOT), private: no base URL, so they are only ever served
    through the permission-checked views."""
    return {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": location, "base_url": None},
    }


# SQLite file by default: zero set-up for a newcomer. DATABASE_URL switches to PostgreSQL.
DATABASES = {"default": database_from_env(f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}

# Each process keeps its own memory cache: it holds rendered pages that never change once made (a published
# ranking), so workers need not share it; each renders such a page once and then serves it from memory.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cchc"}}
# Counters of the survey answer page's rate limit. In memory by default, so each worker counts on its own (the
# limit a client meets is then up to workers × the figure below); a shared cache (`dbcache://survey_rate` after
# `manage.py createcachetable`, or a Redis URL) makes it exact across workers and machines.
CACHES["survey"] = env.cache_url("SURVEY_CACHE_URL", default="locmemcache://survey")
# Requests per client address and window (seconds) on the public answer page, and lookups of links that do not
# exist (someone guessing). Generous: a one-stop shop's Wi-Fi or a mobile carrier's NAT puts many honest
# respondents behind one address; links carry 192 random bits, so the second limit is about load, not guessing.
SURVEY_RATE_LIMIT = env("SURVEY_RATE_LIMIT", default="120/300")
SURVEY_MISS_LIMIT = env("SURVEY_MISS_LIMIT", default="20/900")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "units.User"
AUTHENTICATION_BACKENDS = [
    "units.backends.RoleBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Ho_Chi_Minh")
USE_I18N = True
FORMAT_MODULE_PATH = ["cchc_portal.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "staticfiles")

# Evidence lives outside any publicly served folder and is only sent through permission-checked views.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Console e-mail in development; set EMAIL_BACKEND (and EMAIL_HOST etc.) for a real server.
MAILERS = {"default": {"BACKEND": env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="cchc@localhost")
# The portal's public address, for links in e-mails.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# How long the link in an activation e-mail (a new account's first password) stays valid. The portal has no
# "forgot password" page, so Django's password-reset token serves activation only.
PASSWORD_RESET_TIMEOUT = env.int("ACCOUNT_ACTIVATION_DAYS", default=7) * 24 * 60 * 60

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint, fontTools and pikepdf (qpdf) narrate every step at INFO; keep their warnings only.
    "loggers": {
        **{name: {"level": "WARNING"} for name in ("weasyprint", "fontTools", "pikepdf")},
        # pyHanko logs every untrusted or damaged signature it is shown with a traceback: the verification page
        # reports those to the visitor; keep pyHanko's own errors only.
        **{name: {"level": "ERROR"} for name in ("pyhanko", "pyhanko_certvalidator")},
    },
}

# ---------------------------------------------------------------------------------------------
# Evidence (tài liệu kiểm chứng) — owned by the evidence app.
# Files are stored under generated content-addressed names in their own storage, outside any
# publicly served folder (no base URL): they are only ever sent through permission-checked views.
# Point STORAGES["evidence"] at object storage in a deployment; code only uses storages["evidence"].
# ---------------------------------------------------------------------------------------------
EVIDENCE_MAX_UPLOAD_BYTES = env.int("EVIDENCE_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
EVIDENCE_MAX_FILES_PER_UPLOAD = env.int("EVIDENCE_MAX_FILES_PER_UPLOAD", default=10)
# Allowed content types (as sniffed from the bytes) and the extensions each may carry.
EVIDENCE_ALLOWED_TYPES = {
    "application/pdf": ["pdf"],
    "application/msword": ["doc"],
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ["docx"],
    "application/vnd.ms-excel": ["xls"],
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ["xlsx"],
    "application/vnd.oasis.opendocument.text": ["odt"],
    "application/vnd.oasis.opendocument.spreadsheet": ["ods"],
    "image/png": ["png"],
    "image/jpeg": ["jpg", "jpeg"],
}
# Office files are zip archives: refuse archives that would expand beyond this or compress too well.
EVIDENCE_ZIP_MAX_UNCOMPRESSED_BYTES = env.int("EVIDENCE_ZIP_MAX_UNCOMPRESSED_BYTES", default=100 * 1024 * 1024)
EVIDENCE_ZIP_MAX_RATIO = env.int("EVIDENCE_ZIP_MAX_RATIO", default=100)
STORAGES["evidence"] = folder_storage(env("EVIDENCE_ROOT", default=MEDIA_ROOT("evidence")))
# Uploads above 2.5 MB go to a temporary file instead of memory; form fields stay small.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# --- end of evidence settings ---------------------------------------------------------------

# ---------------------------------------------------------------------------------------------
# Production hardening — owned by the deployment work (issue 8). Applies to every environment so
# that development and tests run under the same Content-Security-Policy and login throttling.
# ---------------------------------------------------------------------------------------------
from datetime import timedelta  # noqa: E402

from django.utils.csp import CSP  # noqa: E402

# Content-Security-Policy (Django 6): scripts only from our own static files. No inline <script> and
# no on...= handlers anywhere; an unavoidable inline script must carry nonce="{{ csp_nonce }}"
# (the nonce only appears in the header on pages that use it). htmx 2 needs no eval. Inline style
# attributes stay allowed (progress bars, htmx's indicator style).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
)
TEMPLATES[0]["OPTIONS"]["context_processors"].append("django.template.context_processors.csp")
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from one
# address, that pair is locked for AXES_COOLOFF_MINUTES. The axes backend only watches; RoleBackend
# still authenticates and answers permissions.
INSTALLED_APPS.append("axes")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The access log (every successful login) is not needed: failures and lockouts are what matter.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False  # no start-up banner on every manage.py command


# Evidence in S3-compatible object storage (MinIO, Ceph, AWS, Viettel/FPT cloud...) when
# EVIDENCE_STORAGE=s3; otherwise the local folder configured above. Private bucket: files are only
# ever streamed through the permission-checked views, never linked directly.
def s3_storage(location: str) -> dict:
    """A private S3-compatible bucket folder (the AWS_* variables), for evidence or built result files."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "location": location,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "access_key": env("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }


if env("EVIDENCE_STORAGE", default="local") == "s3":
    STORAGES["evidence"] = s3_storage(env("AWS_LOCATION", default="evidence"))
# Set (e.g. "/_protected/evidence/") when nginx serves evidence files itself from the evidence folder:
# the download views then answer with X-Accel-Redirect after their permission checks.
EVIDENCE_X_ACCEL_PREFIX = env("EVIDENCE_X_ACCEL_PREFIX", default="")
# --- end of production hardening ----------------------------------------------------------------

# ---------------------------------------------------------------------------------------------
# Background work (django.tasks) and built files — owned by the background-work part of issue 8.
# TASKS_BACKEND=immediate (the default: development and tests) runs a task inside the request that
# enqueues it, so `make run` needs no second process. TASKS_BACKEND=db (production, set in
# /etc/cchc-portal/env) queues tasks in the database (django-tasks-db); `manage.py db_worker` runs them.
# ---------------------------------------------------------------------------------------------
INSTALLED_APPS.append("django_tasks_db")  # its tables exist in every environment, so switching is one variable
TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "db": "django_tasks_db.DatabaseBackend",
}
TASKS = {"default": {"BACKEND": TASK_BACKENDS[env("TASKS_BACKEND", default="immediate")]}}
# Year result files (annex PDF, Excel workbook) built from a published snapshot, which never changes:
# each is built once and kept. Private (no base URL): served only through permission-checked views.
# Files are named results/<year>/...; without EXPORTS_ROOT they sit in MEDIA_ROOT (read when used, so
# the test settings' temporary MEDIA_ROOT applies). Several app servers and workers must share this
# storage: a shared folder (NFS) or, with EXPORTS_STORAGE=s3, the evidence bucket's S3 settings.
STORAGES["exports"] = folder_storage(env("EXPORTS_ROOT", default=None))
if env("EXPORTS_STORAGE", default="local") == "s3":
    STORAGES["exports"] = s3_storage(env("EXPORTS_AWS_LOCATION", default="exports"))
# --- end of background work ---------------------------------------------------------------------

# ---------------------------------------------------------------------------------------------
# Trust: signed documents and single sign-on — owned by the "trust anyone can check" issue.
# ---------------------------------------------------------------------------------------------
# The authority's signing certificate: a PKCS#12 file (key, certificate and its chain) and its password. The
# decision annex, the council's minutes and the heads' submission receipts are signed with it (PAdES).
# `make run` (seed_demo) creates a demo CA and signer under var/signing/ when these are unset in development.
SIGNING_PKCS12_PATH = env("SIGNING_PKCS12_PATH", default="")
SIGNING_PKCS12_PASSWORD = env("SIGNING_PKCS12_PASSWORD", default="")
# Extra trusted root certificates (PEM files, comma-separated), e.g. the national root CA and the CAs that issue
# the officials' USB tokens; the root of the portal's own chain is always trusted.
SIGNING_TRUST_ROOTS = env.list("SIGNING_TRUST_ROOTS", default=[])
SIGNING_LOCATION = env("SIGNING_LOCATION", default="")
# Sign a document as soon as the event that makes it (publication, finalisation, submission) is committed, through
# the task queue; off, it is signed when first downloaded (the same code).
SIGNING_ON_COMMIT = env.bool("SIGNING_ON_COMMIT", default=True)
SIGNING_MAX_UPLOAD_BYTES = env.int("SIGNING_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)

# Single sign-on through the province's OpenID Connect gateway (which also brokers VNeID), when
# OIDC_RP_CLIENT_ID is set. A person is matched to an existing account by OIDC_MATCH_CLAIM ("email" or
# "preferred_username"); nobody is created and no role comes from the provider.
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid email profile")
OIDC_MATCH_CLAIM = env("OIDC_MATCH_CLAIM", default="email")
OIDC_PROVIDER_NAME = env("OIDC_PROVIDER_NAME", default="")
OIDC_CREATE_USER = False
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
LOGIN_REDIRECT_URL_FAILURE = "login"
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"
# "all": everyone may also sign in with a local password; "administrators": only administrators may (for the
# day the province's sign-on is the only door for officials).
LOCAL_PASSWORD_LOGIN = env("LOCAL_PASSWORD_LOGIN", default="all")
AUTHENTICATION_BACKENDS.append("units.sso.PortalOIDCBackend")
# --- end of trust ---------------------------------------------------------------------------------
