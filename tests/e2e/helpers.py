"""Small steps shared by the browser journeys."""

from playwright.sync_api import Locator, Page, expect

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
