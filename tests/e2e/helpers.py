"""Small steps shared by the browser journeys."""

from pathlib import Path

from playwright.sync_api import Locator, Page, expect
from weasyprint import HTML

from scoring.demo.accounts import DEMO_PASSWORD
from tests.factories import PASSWORD
from units.models import User


def login(page: Page, live_server, user: User) -> None:
    """Sign in through the real login form and wait for the home page's greeting."""
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Xin chào, {user.get_full_name()}")


def sign_in_demo(page: Page, live_server, username: str) -> None:
    """Sign in as one of the demo accounts (seed_demo) through the login form."""
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")


def navigation(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Điều hướng chính")


def alert(page: Page) -> Locator:
    return page.get_by_role("alert")


def cells(row: Locator) -> Locator:
    return row.locator(":scope > th, :scope > td")


def accept_objection(objection: Locator, opinion: str, **inputs: str) -> None:
    """The council accepts an objection and scores again: each input's label (before "(nếu chấp nhận)") → value."""
    objection.get_by_label("Quyết định").select_option(label="Chấp nhận, chấm lại")
    for label, value in inputs.items():
        objection.get_by_label(f"{label} (nếu chấp nhận)").fill(value)
    objection.get_by_label("Ý kiến giải quyết").fill(opinion)
    objection.get_by_role("button", name="Lưu").click()


def pdf_document(path: Path, heading: str, *paragraphs: str) -> Path:
    """A real PDF at `path` with a heading and paragraphs, as a unit scans or prints its evidence."""
    body = f"<h1>{heading}</h1>" + "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    path.write_bytes(
        HTML(string=f"<html><body style='font-family: \"Noto Sans\", sans-serif'>{body}</body></html>").write_pdf()
    )
    return path
