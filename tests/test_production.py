"""Production hardening: Content-Security-Policy, no inline scripts, login throttling, /healthz, X-Accel."""

import importlib
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from weasyprint import HTML

from evidence.services import documents_upload
from scoring.models import Criterion, Period
from tests.factories import (
    PASSWORD,
    AssessmentFactory,
    UnitFactory,
    mark_submitted,
    seat,
    small_framework,
    user_with_role,
)
from tests.world import row_counts
from units.models import Role

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
SCRIPT_SOURCE = re.compile(r"<script\b[^>]*\ssrc=\"([^\"]+)\"", re.IGNORECASE)
LOCKOUT_MESSAGE = "Tài khoản bị tạm khóa do nhập sai mật khẩu 5 lần liên tiếp. Vui lòng thử lại sau 15 phút."


def policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.fixture
def portal(evidence_root):
    """A period in appraisal: a submitted sheet with a cited PDF, its council member, and the secretariat."""
    framework = small_framework()
    period = framework.period
    unit = UnitFactory(block=framework.block, name="UBND phường Hạ Đình")
    head = user_with_role(Role.UNIT_HEAD, unit=unit)
    staff = user_with_role(Role.UNIT_STAFF, unit=unit)
    Period.objects.filter(pk=period.pk).update(
        state=Period.State.SELF_ASSESSMENT, self_assessment_deadline=timezone.now() + timedelta(days=7)
    )
    period.refresh_from_db()
    assessment = AssessmentFactory(framework=framework, unit=unit)
    (document,) = documents_upload(
        actor=staff,
        assessment=assessment,
        uploads=[SimpleUploadedFile("ke-hoach.pdf", HTML(string="<h1>Kế hoạch CCHC</h1>").write_pdf())],
        title="Kế hoạch CCHC",
        criterion=Criterion.objects.get(framework=framework, code="1.1.1"),
    )
    mark_submitted(assessment, head)
    Period.objects.filter(pk=period.pk).update(state=Period.State.APPRAISAL)
    return {
        "framework": framework,
        "period": period,
        "assessment": assessment,
        "document": document,
        "staff": staff,
        "head": head,
        "member": seat(period, unit=unit),
        "secretary": user_with_role(Role.COUNCIL_SECRETARY),
    }


# --- Content-Security-Policy ------------------------------------------------------------------------


def test_every_page_carries_the_content_security_policy(client, portal):
    assert policy(client.get(reverse("login"))) == EXPECTED_CSP
    client.force_login(portal["secretary"])
    assert policy(client.get(reverse("home"))) == EXPECTED_CSP
    # Django's admin puts the nonce on its own <script src> tags: the header then names it too.
    admin_policy = policy(client.get(reverse("admin:index")))
    assert re.fullmatch(r"'self' 'nonce-[\w-]{22}'", admin_policy.pop("script-src"))
    assert admin_policy == {name: value for name, value in EXPECTED_CSP.items() if name != "script-src"}


def test_evidence_files_keep_their_own_sandbox_policy(client, portal):
    client.force_login(portal["staff"])
    response = client.get(reverse("evidence_document_download", args=[portal["document"].pk]))
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == "sandbox"


def main_pages(portal) -> list[tuple[str, str]]:
    assessment, year = portal["assessment"], portal["period"].year
    return [
        ("secretary", reverse("home")),
        ("secretary", reverse("period_list")),
        ("secretary", reverse("period_detail", args=[year])),
        ("secretary", reverse("framework_detail", args=[portal["framework"].pk])),
        ("secretary", reverse("assessment_list")),
        ("secretary", reverse("assessment_sheet", args=[assessment.pk])),
        ("secretary", reverse("council_overview", args=[year])),
        ("secretary", reverse("council_members", args=[year])),
        ("secretary", reverse("audit_list")),
        ("secretary", reverse("audit_list") + "?kind=scores"),
        ("secretary", reverse("notice_list")),
        ("secretary", reverse("admin:index")),
        ("staff", reverse("home")),
        ("staff", reverse("assessment_sheet", args=[assessment.pk])),
        ("staff", reverse("evidence_library", args=[assessment.pk])),
        ("member", reverse("appraisal_queue")),
        ("member", reverse("appraisal_workspace", args=[assessment.pk])),
        ("staff", reverse("password_change")),
    ]


def test_no_page_has_inline_scripts_or_event_handler_attributes(client, portal):
    pages = main_pages(portal)
    for who, url in pages:
        client.force_login(portal[who])
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert INLINE_SCRIPT.findall(html) == [], url
        assert INLINE_HANDLER.findall(html) == [], url
        assert "javascript:" not in html.lower(), url
        assert all(source.startswith("/static/") for source in SCRIPT_SOURCE.findall(html)), url
    client.logout()
    html = client.get(reverse("login")).content.decode()
    assert INLINE_SCRIPT.findall(html) == []
    assert INLINE_HANDLER.findall(html) == []


def test_the_language_switcher_is_wired_by_the_static_script(client):
    html = client.get(reverse("login")).content.decode()
    assert 'id="language-select" name="language" class="form-select form-select-sm" data-submit-on-change>' in html
    assert '<script src="/static/js/portal.js"></script>' in html
    assert "data-submit-on-change" in (ROOT / "static" / "js" / "portal.js").read_text()


# --- Login throttling (django-axes) ------------------------------------------------------------------


@pytest.fixture
def axes_on(settings):
    """The test settings switch axes off for the test client's login(); these tests use the real form."""
    settings.AXES_ENABLED = True
    return settings


def log_in(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_account_with_the_vietnamese_message(client, axes_on):
    # given
    person = user_with_role(Role.UNIT_STAFF, unit=UnitFactory())
    for _ in range(4):
        assert log_in(client, person.username, "sai-mat-khau").status_code == 200

    # when the fifth attempt fails too
    fifth = log_in(client, person.username, "sai-mat-khau")

    # then the account is locked, even for the right password
    assert fifth.status_code == 429
    assert LOCKOUT_MESSAGE in fifth.content.decode()
    with_right_password = log_in(client, person.username, PASSWORD)
    assert with_right_password.status_code == 429
    assert LOCKOUT_MESSAGE in with_right_password.content.decode()
    assert "_auth_user_id" not in client.session
    assert policy(with_right_password) == EXPECTED_CSP


def test_the_right_password_still_works_before_the_limit_and_resets_the_count(client, axes_on):
    person = user_with_role(Role.UNIT_STAFF, unit=UnitFactory())
    for _ in range(4):
        log_in(client, person.username, "sai-mat-khau")

    response = log_in(client, person.username, PASSWORD)

    assert (response.status_code, response.url) == (302, reverse("home"))
    assert client.session["_auth_user_id"] == str(person.pk)
    assert AccessAttempt.objects.filter(username=person.username).count() == 0


def test_a_lockout_is_per_person_and_ends_after_the_cool_off(client, axes_on):
    person = user_with_role(Role.UNIT_STAFF, unit=UnitFactory())
    colleague = user_with_role(Role.UNIT_STAFF, unit=UnitFactory())
    for _ in range(5):
        log_in(client, person.username, "sai-mat-khau")
    assert log_in(client, person.username, PASSWORD).status_code == 429

    # a colleague at the same address is not locked out
    assert log_in(client, colleague.username, PASSWORD).status_code == 302
    client.logout()

    # fifteen minutes later the person may try again
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert log_in(client, person.username, PASSWORD).status_code == 302


def test_production_counts_failures_per_client_address_behind_nginx(monkeypatch, rf):
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    prod = importlib.import_module("cchc_portal.settings.prod")
    request = rf.get("/", HTTP_X_REAL_IP="203.0.113.7", REMOTE_ADDR="127.0.0.1")
    assert prod.AXES_CLIENT_IP_CALLABLE(request) == "203.0.113.7"
    assert prod.AXES_CLIENT_IP_CALLABLE(rf.get("/", REMOTE_ADDR="198.51.100.2")) == "198.51.100.2"
    assert prod.AUTHENTICATION_BACKENDS == [
        "axes.backends.AxesStandaloneBackend",
        "units.backends.RoleBackend",
        "units.sso.PortalOIDCBackend",  # answers no one unless single sign-on is configured
    ]
    assert (prod.AXES_FAILURE_LIMIT, prod.AXES_COOLOFF_TIME) == (5, timedelta(minutes=15))
    assert prod.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


# --- /healthz ---------------------------------------------------------------------------------------


def test_health_answers_ok_without_login_or_session(client, evidence_root, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "storage": "ok"}
    assert "sessionid" not in response.cookies
    assert "no-store" in response.headers["Cache-Control"]
    assert [path for path in evidence_root.rglob("*") if path.is_file()] == []  # the probe is gone


def test_health_says_503_when_the_evidence_storage_cannot_be_written(client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": "/dev/null/evidence", "base_url": None},  # below a file: never writable
        },
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "storage": "error"}


class BrokenConnection:
    def cursor(self):
        raise OperationalError("connection refused")


class BrokenConnections:
    def all(self):
        return [BrokenConnection()]


def test_health_says_503_when_the_database_does_not_answer(client, evidence_root, monkeypatch):
    monkeypatch.setattr("cchc_portal.health.connections", BrokenConnections())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error", "storage": "ok"}


def test_health_is_reachable_over_plain_http_when_everything_else_redirects(client, settings, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    prod = importlib.import_module("cchc_portal.settings.prod")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = prod.SECURE_REDIRECT_EXEMPT

    assert client.get("/healthz").status_code == 200
    assert client.get(reverse("login")).status_code == 301


# --- evidence through nginx (X-Accel-Redirect) and object storage -----------------------------------------


def test_downloads_go_through_nginx_when_the_accel_prefix_is_set(client, portal, settings):
    settings.EVIDENCE_X_ACCEL_PREFIX = "/_protected/evidence/"
    document = portal["document"]
    client.force_login(portal["staff"])

    response = client.get(reverse("evidence_document_download", args=[document.pk]))

    assert response.status_code == 200
    assert response.headers["X-Accel-Redirect"] == f"/_protected/evidence/{document.file.storage_name}"
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="ke-hoach.pdf"'
    assert response.content == b""  # nginx sends the bytes (and its own Content-Length)


def test_the_accel_download_is_still_refused_to_other_units(client, portal, settings):
    settings.EVIDENCE_X_ACCEL_PREFIX = "/_protected/evidence/"
    client.force_login(user_with_role(Role.UNIT_STAFF, unit=UnitFactory()))

    response = client.get(reverse("evidence_document_download", args=[portal["document"].pk]))

    assert response.status_code == 404
    assert "X-Accel-Redirect" not in response.headers


def test_evidence_storage_switches_to_s3_by_environment():
    environment = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE",)}
    environment.update(
        DJANGO_SETTINGS_MODULE="cchc_portal.settings.dev",
        EVIDENCE_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="cchc-evidence",
        AWS_S3_ENDPOINT_URL="https://s3.example.vn",
    )
    code = (
        "from django.core.files.storage import storages; s = storages['evidence']; "
        "print(type(s).__name__, s.bucket_name, s.location, s.endpoint_url, s.default_acl, s.file_overwrite)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "S3Storage cchc-evidence evidence https://s3.example.vn None False"


# --- cross-site request forgery ----------------------------------------------------------------------


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(portal):
    client = Client(enforce_csrf_checks=True)
    client.force_login(portal["secretary"])
    counts = row_counts()

    conflict = client.post(
        reverse("council_conflict_add", args=[portal["period"].year]),
        {"member": portal["member"].pk, "unit": portal["assessment"].unit_id, "reason": "Giả mạo"},
    )
    logout = client.post(reverse("logout"))

    assert (conflict.status_code, logout.status_code) == (403, 403)
    assert row_counts() == counts
    assert client.get(reverse("home")).status_code == 200  # still signed in: the forged logout did nothing
