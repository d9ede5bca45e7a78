"""Issue "Trust anyone can check": leadership signs in through the province's single sign-on (a real OpenID Connect
provider process on loopback), publishes the year, downloads the signed annex, and a visitor checks it on the public
verification page; the same file with one changed byte reads "altered"."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from scoring.models import BlockFinalisation, Period, Stage
from tests.factories import (
    FULL,
    UnitFactory,
    full_minus,
    release_preliminary,
    standard_bands,
    submitted_sheet,
    user_with_role,
    ward_framework,
)
from tests.factories import enter_scores as score
from tests.pdfs import pdf_text
from units.models import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

YEAR = 2023
AUTHORITY = "UBND quận Thanh Xuân"
LEADER = "Trần Thị Lãnh Đạo"
SCREENSHOT = "/tmp/journey-trust-verify.png"


@pytest.fixture
def preliminary_year():
    framework = ward_framework(YEAR, authority=AUTHORITY)
    period, block = framework.period, framework.block
    standard_bands(period)
    secretary = user_with_role(Role.COUNCIL_SECRETARY)
    leader = user_with_role(Role.LEADERSHIP, full_name=LEADER, username="lanhdao", email="lanhdao@thanhxuan.gov.vn")
    for position, (name, scores) in enumerate(
        [("UBND phường Hạ Đình", FULL), ("UBND phường Kim Giang", full_minus(c2_1="0.5"))]
    ):
        unit = UnitFactory(block=block, name=name, position=position)
        sheet = submitted_sheet(framework, unit, leader, days_ago=30)
        score(sheet, FULL, stage=Stage.SELF)
        score(sheet, scores)
    BlockFinalisation.objects.create(period=period, block=block, finalised_by=secretary)
    release_preliminary(period, secretary, hours=24)
    Period.objects.filter(pk=period.pk).update(objection_deadline=timezone.now() - datetime.timedelta(minutes=1))
    return period


def test_sign_in_through_the_provider_publish_and_verify_the_signed_annex(
    live_server, page: Page, new_context, preliminary_year, sso, tmp_path
):
    sso.set_person("vneid-0790", {"email": "LanhDao@ThanhXuan.gov.vn", "name": "Tên theo VNeID"})

    # 1. leadership signs in through the province's sign-on: no password, the account is found by e-mail
    page.goto(f"{live_server.url}/results/{YEAR}/live/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/results/{YEAR}/live/")
    page.get_by_role("link", name="Đăng nhập qua Cổng đăng nhập một lần").click()
    expect(page).to_have_url(f"{sso.url}/oauth2/authorize?" + page.url.split("?", 1)[1])
    page.get_by_label("Subject").fill("vneid-0790")
    page.get_by_role("button", name="Authorize", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Kết quả tạm tính năm {YEAR} Công bố sơ bộ")
    expect(page.get_by_role("navigation", name="Điều hướng chính")).to_contain_text(LEADER)

    # 2. and publishes the year with the decision's number and date
    publishing = page.locator("section.card").filter(has_text="Phê duyệt và công bố kết quả")
    publishing.get_by_label("Số quyết định").fill("15/QĐ-UBND")
    publishing.get_by_label("Ngày ký").fill("2024-01-16")
    publishing.get_by_role("button", name="Công bố", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("Đã công bố kết quả (lần 1).")

    # 3. downloads the annex signed with the authority's certificate
    with page.expect_download() as download:
        page.get_by_role("link", name="Phụ lục có chữ ký số (PDF)").click()
    signed = tmp_path / "phu-luc-ky-so.pdf"
    download.value.save_as(signed)
    assert download.value.suggested_filename == f"Phu-luc-ket-qua-CCHC-{YEAR}-ky-so.pdf"
    text = pdf_text(signed)
    assert "ĐÃ KÝ SỐ" in text and f"Ký bởi: {AUTHORITY}" in text

    # 4. a visitor without an account checks it on the public verification page
    visitor = new_context().new_page()
    visitor.goto(f"{live_server.url}/results/")
    visitor.get_by_role("link", name="Kiểm tra văn bản ký số").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Kiểm tra văn bản ký số")
    visitor.get_by_label("Tệp PDF cần kiểm tra").set_input_files(str(signed))
    visitor.get_by_role("button", name="Kiểm tra", exact=True).click()
    result = visitor.get_by_test_id("verification")
    expect(result).to_have_attribute("data-verdict", "intact")
    expect(result.get_by_role("status")).to_have_text("Văn bản nguyên vẹn — không bị thay đổi kể từ khi ký.")
    expect(result.get_by_test_id("signature")).to_contain_text(AUTHORITY)
    expect(result.get_by_test_id("signature")).to_contain_text("Hợp lệ")
    expect(result.get_by_test_id("subject")).to_have_text(
        f"Phụ lục kết quả Chỉ số CCHC năm {YEAR} của {AUTHORITY}, lần công bố 1 (Quyết định số 15/QĐ-UBND)"
    )
    expect(result.get_by_test_id("copy")).to_have_text("Trùng khớp từng byte với bản Cổng đã ký.")
    visitor.screenshot(path=SCREENSHOT, full_page=True)

    # 5. the same file with one byte changed reads "altered"
    content = signed.read_bytes()
    altered = bytearray(content)
    altered[content.index(b"stream", content.index(b"/Contents")) + 100] ^= 0x01
    changed = tmp_path / "phu-luc-da-sua.pdf"
    changed.write_bytes(bytes(altered))
    visitor.get_by_label("Tệp PDF cần kiểm tra").set_input_files(str(changed))
    visitor.get_by_role("button", name="Kiểm tra", exact=True).click()
    expect(visitor.get_by_test_id("verification")).to_have_attribute("data-verdict", "altered")
    expect(visitor.get_by_role("alert").first).to_contain_text("Văn bản đã bị thay đổi")
