"""Each role signs in through the real login form in Chromium and lands on its own home page."""

import pytest
from playwright.sync_api import Page, expect

from scoring.models import Period
from tests.factories import PASSWORD, UnitFactory, small_framework, user_with_role
from units.models import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROLE_CARDS = [
    (Role.UNIT_STAFF, "UBND phường Khương Mai"),
    (Role.UNIT_HEAD, "UBND phường Khương Mai"),
    (Role.COUNCIL_MEMBER, "Thành viên Hội đồng thẩm định"),
    (Role.COUNCIL_SECRETARY, "Thư ký Hội đồng"),
    (Role.LEADERSHIP, "Lãnh đạo UBND"),
    (Role.ADMINISTRATOR, "Quản trị hệ thống"),
]


@pytest.mark.parametrize(("role", "card"), ROLE_CARDS)
def test_each_role_logs_in_and_sees_its_home(live_server, page: Page, role, card):
    framework = small_framework()
    Period.objects.filter(pk=framework.period_id).update(state=Period.State.SELF_ASSESSMENT)
    unit = UnitFactory(block=framework.block, name="UBND phường Khương Mai")
    user = user_with_role(
        role, unit=unit if role in (Role.UNIT_STAFF, Role.UNIT_HEAD) else None, full_name="Vũ Thị Lan"
    )

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Vũ Thị Lan")
    expect(page.get_by_role("heading", name=card)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "vi")


def test_a_wrong_password_is_refused_in_vietnamese(live_server, page: Page):
    user = user_with_role(Role.LEADERSHIP)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_contain_text("Vui lòng điền vào Tên đăng nhập và mật khẩu chính xác.")
