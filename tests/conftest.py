import os

import pytest
from django.db import transaction

# Shared helpers that assert (tests/factories.py) report their failures as test modules do.
pytest.register_assert_rewrite("tests.factories")

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive Debian's Chromium (Playwright's own browser download is not available here)."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "vi-VN", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture(scope="session", autouse=True)
def signing_certificate():
    """The authority's certificate for the session: a throwaway CA and signer where the test settings point."""
    from django.conf import settings

    from scoring.signing.certificates import ensure_demo_certificate

    ensure_demo_certificate(
        settings.SIGNING_PKCS12_PATH, password=settings.SIGNING_PKCS12_PASSWORD, authority_name="UBND quận Thanh Xuân"
    )


@pytest.fixture(scope="session")
def oidc_provider():
    """A real OpenID Connect provider process on loopback, shared by the sign-in tests of the session."""
    from tests.oidc import running_provider

    with running_provider() as provider:
        yield provider


@pytest.fixture
def sso(oidc_provider, settings):
    """Single sign-on switched on against the loopback provider for one test."""
    for name, value in oidc_provider.settings().items():
        setattr(settings, name, value)
    return oidc_provider


@pytest.fixture(autouse=True)
def empty_cache():
    """Rows rolled back by one test may reuse primary keys in the next: nothing cached may outlive its test."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=False):
        cache.clear()
    yield
    for cache in caches.all(initialized_only=False):
        cache.clear()


@pytest.fixture(autouse=True)
def vietnamese_by_default():
    """Each test starts in the portal's default language: a request in English must not leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def evidence_root(settings, tmp_path):
    """Evidence files go to this test's own folder (returned), so 'no file left behind' can be asserted exactly."""
    root = tmp_path / "evidence"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        },
    }
    return root


@pytest.fixture(scope="session")
def pdf_bytes() -> bytes:
    """A real PDF with Vietnamese text, as a unit would upload it."""
    from weasyprint import HTML

    html = (
        '<html><body style=\'font-family: "Noto Sans", "DejaVu Sans", sans-serif\'>'
        "<h1>Kế hoạch cải cách hành chính năm 2024</h1><p>UBND phường Hạ Đình</p></body></html>"
    )
    return HTML(string=html).write_pdf()


@pytest.fixture(scope="module")
def role_world(django_db_setup, django_db_blocker):
    """Built once per module inside a transaction that is rolled back at the end; each test runs in a savepoint
    of it (pytest-django's `db`), so what one test writes never reaches the next."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            from tests.world import build_world

            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
