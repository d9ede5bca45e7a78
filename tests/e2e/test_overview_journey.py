"""Leadership opens the portal and reads the year's story: the dashboard on the home page, then the full overview on
a phone, whose pictures Chromium draws as the ranking says (read back from screenshots)."""

import io

import pytest
from django.core.management import call_command
from PIL import Image
from playwright.sync_api import expect

from scoring.demo.accounts import DEMO_PASSWORD
from tests.scoring.results.dashboard.pictures import GREEN, RED, horizontal_runs

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_leadership_reads_the_year_on_the_home_page_and_the_pictures_on_a_phone(live_server, browser, demo):
    page = browser.new_page(viewport=PHONE, locale="vi-VN")
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill("lanhdao")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    dashboard = page.get_by_test_id("leadership-dashboard")
    expect(dashboard.get_by_role("heading", name="Kết quả Chỉ số CCHC năm 2022")).to_be_visible()
    expect(dashboard.get_by_test_id("block-sentence").first).to_contain_text("thu hẹp từ 14,3 xuống 4,5 điểm")
    expect(dashboard.get_by_test_id("block-sentence").nth(1)).to_contain_text("thu hẹp từ 8,9 xuống 3,36 điểm")

    dashboard.get_by_role("link", name="Tổng quan đầy đủ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổng quan kết quả Chỉ số CCHC năm 2022")
    assert page.evaluate("document.documentElement.scrollWidth") == PHONE["width"]  # nothing wider than the phone

    wards = page.get_by_test_id("overview-block").nth(1)
    bars_svg = wards.locator('svg[data-chart="bars"]')
    expect(bars_svg.locator("title").first).to_have_text(
        "Chỉ số CCHC năm 2022 — UBND phường (trục bắt đầu từ 94%, không phải 0)"
    )
    bars = horizontal_runs(Image.open(io.BytesIO(bars_svg.screenshot())), RED)
    lengths = [bar["right"] - bar["left"] for bar in bars]
    assert len(bars) == 11
    assert lengths == sorted(lengths, reverse=True)
    assert lengths[0] > 4 * lengths[-1]
    # The names above the bars are legible on the phone: at least 10 CSS pixels high.
    label = bars_svg.locator("text", has_text="1. UBND phường Kim Giang")
    assert label.bounding_box()["height"] >= 10

    dumbbell = horizontal_runs(Image.open(io.BytesIO(wards.locator('svg[data-chart="dumbbell"]').screenshot())), GREEN)
    assert len(dumbbell) == 11  # every ward improved: one green line each

    # The table alternative opens under the picture.
    wards.get_by_text("Xem dạng bảng").first.click()
    expect(wards.get_by_test_id("dumbbell-table").get_by_role("row", name="UBND phường Kim Giang")).to_contain_text(
        "93,72"
    )
    page.close()
