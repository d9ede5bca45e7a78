"""Production settings refuse to start without a secret and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    unset = ("SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")  # the last is set for browser tests only
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(DJANGO_SETTINGS_MODULE="cchc_portal.settings.prod", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )


def test_production_settings_require_a_secret_key():
    result = manage("check")
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_production_settings_pass_the_deployment_checks_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY="x" * 20 + "-k3Y-" + "y" * 40)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.django_db
def test_the_portal_speaks_vietnamese_to_an_english_browser_until_the_person_chooses_english(client):
    # given a browser that asks for English
    english_browser = {"Accept-Language": "en-US,en;q=0.9"}
    # then the portal answers in Vietnamese, its default
    page = client.get("/login/", headers=english_browser)
    assert '<html lang="vi">' in page.content.decode()
    assert "Đăng nhập" in page.content.decode()
    assert page["Content-Language"] == "vi"
    # when the person picks English with the switcher, then English it is, from the next page on
    chosen = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"}, headers=english_browser)
    assert chosen.status_code == 302
    page = client.get("/login/", headers={"Accept-Language": "vi"})
    assert '<html lang="en">' in page.content.decode()
    assert page["Content-Language"] == "en"
    # and back to Vietnamese the same way
    client.post("/i18n/setlang/", {"language": "vi", "next": "/login/"})
    assert '<html lang="vi">' in client.get("/login/", headers=english_browser).content.decode()


@pytest.mark.django_db
def test_every_page_names_an_icon_that_exists(client):
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (301, "/static/img/favicon.svg")
    assert (Path(__file__).resolve().parents[1] / "static" / "img" / "favicon.svg").read_text().startswith("<svg")
