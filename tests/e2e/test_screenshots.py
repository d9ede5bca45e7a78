"""The README's screenshots, taken from the demo data on every run so they stay current (docs/screenshots/*.png)."""

import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from scoring.models import SignedDocument
from tests.e2e.helpers import sign_in_demo
from units.models import Unit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MAX_BYTES = 300 * 1024
VIEWPORT = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
# Bootstrap scrolls smoothly unless motion is reduced: a screenshot taken right after scrollIntoView() caught the
# page a few pixels into its scroll, with a blank band above the navigation bar and the filters still far below.
PHONE_PAGE = {"viewport": PHONE, "locale": "vi-VN", "is_mobile": True, "has_touch": True, "reduced_motion": "reduce"}


def shoot(page: Page, name: str) -> Path:
    """A viewport screenshot (not the full page): what a person sees first, small enough for the README."""
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size < MAX_BYTES, f"{path.name} is {path.stat().st_size} bytes"
    return path


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_readme_screenshots_are_taken_from_the_demo_data(live_server, browser, demo, tmp_path):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # The sheet, reached through the cycle banner's next step, as a ward's focal officer sees it.
    staff = browser.new_page(viewport=VIEWPORT, locale="vi-VN")
    sign_in_demo(staff, live_server, "canbo.hadinh")
    expect(staff.get_by_test_id("cycle-banner")).to_contain_text("Giai đoạn: Tự đánh giá")
    staff.get_by_test_id("cycle-next-step").click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text("UBND phường Hạ Đình")
    shoot(staff, "sheet")
    staff.close()

    # The same sheet on a phone: the filters, and the running total kept at the bottom of the screen.
    phone = browser.new_page(**PHONE_PAGE)
    sign_in_demo(phone, live_server, "canbo.hadinh")
    phone.get_by_test_id("cycle-next-step").click()
    phone.get_by_test_id("sheet-filters").evaluate("box => box.scrollIntoView()")
    phone.evaluate("window.scrollBy(0, -8)")
    expect(phone.get_by_test_id("sheet-filters")).to_be_in_viewport(ratio=1)
    expect(phone.get_by_test_id("running-total")).to_be_visible()
    shoot(phone, "sheet-phone")
    phone.close()

    # The appraisal workspace of a submitted ward, for a council member.
    member = browser.new_page(viewport=VIEWPORT, locale="vi-VN")
    sign_in_demo(member, live_server, "hoidong1")
    member.get_by_test_id("cycle-next-step").click()
    member.get_by_role("link", name="UBND phường Khương Đình").first.click()
    expect(member.get_by_role("heading", level=1)).to_contain_text("UBND phường Khương Đình")
    shoot(member, "appraisal-workspace")
    member.close()

    # The public 2022 ranking with its year-over-year columns, read anonymously.
    visitor = browser.new_page(viewport=VIEWPORT, locale="vi-VN", reduced_motion="reduce")  # no smooth scrolling
    visitor.goto(f"{live_server.url}/results/2022/")
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("2022")
    shoot(visitor, "ranking-2022")
    # The wards' block: its table with the changes since 2021, then the bar chart.
    visitor.get_by_role("heading", level=2, name="UBND phường").evaluate("h => h.scrollIntoView()")
    visitor.evaluate("window.scrollBy(0, -16)")
    shoot(visitor, "ranking-2022-wards")

    # The ranking on a phone: names on two lines at most, the index and the rank change in view.
    visitor_phone = browser.new_page(**PHONE_PAGE)
    visitor_phone.goto(f"{live_server.url}/results/2022/")
    wards = visitor_phone.get_by_role("heading", level=2, name="UBND phường")
    wards.evaluate("h => h.scrollIntoView()")
    expect(wards).to_be_in_viewport()
    shoot(visitor_phone, "ranking-2022-phone")
    visitor_phone.close()

    # One unit's published result.
    ha_dinh = Unit.objects.get(name="UBND phường Hạ Đình")
    visitor.goto(f"{live_server.url}/results/2022/published/units/{ha_dinh.pk}/")
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("UBND phường Hạ Đình")
    shoot(visitor, "unit-result-2022")

    # The public overview of 2022: headline figures, the sentence, last year → this year and the honest bars.
    visitor.goto(f"{live_server.url}/results/2022/overview/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Tổng quan kết quả Chỉ số CCHC năm 2022")
    shoot(visitor, "overview-2022")

    # Leadership's home page is the dashboard of the newest published year.
    leader = browser.new_page(viewport=VIEWPORT, locale="vi-VN")
    sign_in_demo(leader, live_server, "lanhdao")
    expect(leader.get_by_test_id("leadership-dashboard")).to_contain_text("thu hẹp từ 14,3 xuống 4,5 điểm")
    leader.get_by_test_id("leadership-dashboard").evaluate("section => section.scrollIntoView()")
    leader.evaluate("window.scrollBy(0, -8)")
    shoot(leader, "leadership-home")
    leader.close()

    # Page 1 of the 2022 annex PDF, as served to the public.
    response = visitor.request.get(f"{live_server.url}/results/2022/ket-qua-2022.pdf")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    annex = tmp_path / "annex.pdf"
    annex.write_bytes(response.body())
    prefix = tmp_path / "annex-page"
    subprocess.run(
        ["pdftoppm", "-png", "-f", "1", "-l", "1", "-scale-to", "1000", "-singlefile", str(annex), str(prefix)],
        check=True,
    )
    page_png = SCREENSHOTS / "annex-2022-page-1.png"
    page_png.write_bytes((tmp_path / "annex-page.png").read_bytes())
    assert page_png.stat().st_size < MAX_BYTES
    visitor.close()

    # The signed 2022 annex checked on the public verification page.
    reference = SignedDocument.objects.get(kind=SignedDocument.Kind.ANNEX, period__year=2022).reference
    visitor_page = browser.new_page(viewport=VIEWPORT, locale="vi-VN")
    response = visitor_page.request.get(f"{live_server.url}/signed/{reference}.pdf")
    assert response.status == 200
    signed = tmp_path / "annex-signed.pdf"
    signed.write_bytes(response.body())
    visitor_page.goto(f"{live_server.url}/verify/")
    visitor_page.get_by_label("Tệp PDF cần kiểm tra").set_input_files(str(signed))
    visitor_page.get_by_role("button", name="Kiểm tra", exact=True).click()
    expect(visitor_page.get_by_test_id("verification")).to_have_attribute("data-verdict", "intact")
    visitor_page.get_by_test_id("verification").evaluate("section => section.scrollIntoView()")
    visitor_page.evaluate("window.scrollBy(0, -120)")
    shoot(visitor_page, "verify-annex-2022")
    visitor_page.close()
