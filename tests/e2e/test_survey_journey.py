"""Issue "The survey inside the portal": the secretary sets up a survey, respondents answer through their QR links at
phone width, a second use of a link is refused, and the council sees the computed points on the unit's sheet."""

import datetime
import io
import re
import subprocess
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from scoring.models import AppraisalAssignment, CouncilMembership, Score, Stage
from scoring.survey.models import SurveyResponse
from tests.e2e.helpers import login
from tests.factories import (
    FULL,
    UnitFactory,
    enter_scores,
    submitted_sheet,
    user_with_role,
    ward_framework,
)
from tests.pdfs import pdf_text
from units.models import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

UNIT = "UBND phường Hạ Đình"
QUESTION = "Ông/Bà hài lòng thế nào với việc giải quyết hồ sơ tại bộ phận một cửa?"
PHONE = {"width": 390, "height": 844}
SCREENSHOT_PHONE = "/tmp/journey-survey-phone.png"
SCREENSHOT_FORM = "/tmp/journey-survey-form.png"
SCREENSHOT_RESULTS = "/tmp/journey-survey-results.png"
CARDS_PNG_PREFIX = "/tmp/journey-survey-cards"


@pytest.fixture
def appraisal():
    """A ward's sheet submitted and under appraisal, a council member assigned to it, and the secretary."""
    framework = ward_framework(
        2023, name="Bộ chỉ số khối phường 2023", deadline=timezone.now() - datetime.timedelta(days=3)
    )
    period, block = framework.period, framework.block
    unit = UnitFactory(block=block, code="ha-dinh", name=UNIT)
    head = user_with_role(Role.UNIT_HEAD, unit=unit, full_name="Trần Văn Hùng")
    sheet = submitted_sheet(framework, unit, head, days_ago=4)
    enter_scores(sheet, {code: points for code, points in FULL.items() if code != "2.3"}, stage=Stage.SELF)
    secretary = user_with_role(Role.COUNCIL_SECRETARY, full_name="Ngô Thị Thư")
    member = user_with_role(Role.COUNCIL_MEMBER, full_name="Phạm Thị Thẩm Định")
    CouncilMembership.objects.create(period=period, user=member, is_chair=True)
    AppraisalAssignment.objects.create(period=period, member=member, unit=unit)
    return {"period": period, "sheet": sheet, "secretary": secretary, "member": member}


def respondents_file() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Mã đơn vị", "Tên đơn vị", "Họ và tên", "Nhóm", "Điện thoại", "Thư điện tử"])
    sheet.append(["ha-dinh", UNIT, "Nguyễn Văn An", "Người dân", "0912345678", ""])
    sheet.append(["ha-dinh", UNIT, "Công ty CP Sông Hồng", "Doanh nghiệp", "", ""])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def phone_page(browser) -> Page:
    """A phone-sized page (is_mobile, touch); the shared context arguments would clash over the viewport."""
    return browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="vi-VN").new_page()


def answer_on_a_phone(browser, url: str, choice: str) -> Page:
    phone = phone_page(browser)
    phone.goto(url)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Khảo sát sự hài lòng về Khối phường năm 2023")
    expect(phone.get_by_text(f"Về việc giải quyết công việc tại: {UNIT}")).to_be_visible()
    question = phone.get_by_role("group", name=f"1. {QUESTION}")
    question.get_by_role("radio", name=choice, exact=True).check()
    phone.get_by_role("button", name="Gửi phiếu").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Cảm ơn Ông/Bà đã trả lời!")
    return phone


def test_secretary_sets_up_respondents_answer_by_qr_link_and_the_council_sees_the_points(
    live_server, page: Page, new_context, browser, appraisal, tmp_path
):
    period, sheet = appraisal["period"], appraisal["sheet"]

    # 1. the secretary creates the block's questionnaire from the period's page
    login(page, live_server, appraisal["secretary"])
    page.goto(f"{live_server.url}/periods/{period.year}/")
    page.get_by_test_id("survey-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Khảo sát xã hội học năm 2023")
    page.get_by_label("Khối", exact=True).select_option(label="Khối phường")
    page.get_by_role("button", name="Tạo phiếu").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Khảo sát sự hài lòng về Khối phường năm 2023")
    expect(page.get_by_test_id("survey-problems")).to_contain_text(
        "Tiêu chí điều tra 2.3 chưa có câu hỏi nào tính điểm."
    )

    # 2. one question for criterion 2.3 with the default levels (100 / 60 / 20 / 0 %), then the window opens
    page.get_by_label("Tính điểm cho tiêu chí").select_option(label="2.3 Mức độ hài lòng của người dân (1 đ)")
    page.get_by_label("Câu hỏi", exact=True).fill(QUESTION)
    page.get_by_role("button", name="Thêm câu hỏi").click()
    expect(page.get_by_role("alert").filter(has_text="Đã thêm câu 1.")).to_be_visible()
    expect(page.get_by_test_id("questions")).to_contain_text(
        "Rất hài lòng (100%) · Hài lòng (60%) · Chưa hài lòng (20%) · Không hài lòng (0%)"
    )
    expect(page.get_by_test_id("survey-problems")).to_have_count(0)
    now = timezone.now()
    page.get_by_label("Mở nhận phiếu từ").fill(local(now - datetime.timedelta(minutes=5)))
    page.get_by_label("Hạn nhận phiếu").fill(local(now + datetime.timedelta(days=7)))
    page.get_by_role("button", name="Mở khảo sát").click()
    expect(page.get_by_role("alert").filter(has_text="Đã mở khảo sát")).to_be_visible()
    expect(page.get_by_role("button", name="Thêm câu hỏi")).to_have_count(0)  # frozen

    # 3. the named sample from Excel, and its cards with a QR code and the link printed under it
    page.get_by_role("link", name="Mẫu khảo sát").click()
    page.get_by_label("Tệp Excel danh sách (.xlsx)").set_input_files(
        files=[{"name": "mau.xlsx", "mimeType": "application/octet-stream", "buffer": respondents_file()}]
    )
    page.get_by_role("button", name="Nhập danh sách").click()
    expect(page.get_by_role("alert").filter(has_text="Đã nhập 2 người của 1 đơn vị")).to_be_visible()
    cards_link = page.get_by_role("link", name=f"Phiếu mời (PDF) {UNIT}")
    cards = page.request.get(live_server.url + cards_link.get_attribute("href"))
    assert cards.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "cards.pdf"
    pdf.write_bytes(cards.body())
    text = pdf_text(pdf)
    assert "Nguyễn Văn An" in text and "Công ty CP Sông Hồng" in text
    links = re.findall(r"http://\S+/s/[A-Za-z0-9_-]{32}/", text.replace("\n", ""))
    assert len(links) == 2
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(pdf), CARDS_PNG_PREFIX], check=True)
    # the printed address is the SITE_URL's; the browser reaches the same path on the live server
    paths = [re.sub(r"^http://[^/]+", "", link) for link in links]

    # 4. two respondents answer on their phones; the page passes axe-core's checks
    phone = phone_page(browser)
    phone.goto(live_server.url + paths[0])
    results = Axe().run(phone)
    assert results.violations_count == 0, results.generate_report()
    phone.screenshot(path=SCREENSHOT_FORM, full_page=True)
    phone.context.close()
    first = answer_on_a_phone(browser, live_server.url + paths[0], "Hài lòng")
    first.screenshot(path=SCREENSHOT_PHONE, full_page=True)
    answer_on_a_phone(browser, live_server.url + paths[1], "Rất hài lòng").context.close()

    # 5. the same link again is refused, and nothing more is stored
    first.goto(live_server.url + paths[0])
    expect(first.get_by_role("heading", level=1)).to_have_text("Phiếu đã được gửi")
    expect(first.get_by_role("alert")).to_contain_text("Mỗi đường dẫn chỉ dùng được một lần")
    assert first.get_by_role("button", name="Gửi phiếu").count() == 0
    assert SurveyResponse.objects.count() == 2
    first.context.close()

    # 6. the secretary closes the survey and records the computed points: (60 + 100) / 2 % of 1 point = 0,8
    page.get_by_role("link", name="Câu hỏi", exact=True).click()
    page.get_by_role("button", name="Đóng khảo sát ngay").click()
    page.get_by_role("link", name="Kết quả", exact=True).last.click()
    table = page.get_by_test_id("unit-points")
    expect(table).to_contain_text(UNIT)
    expect(table.locator("tbody tr").first).to_contain_text("100%")
    expect(table.locator("tbody tr").first.locator("strong")).to_have_text("0,8")
    page.get_by_role("button", name="Ghi điểm khảo sát (thẩm định vòng 1)").click()
    expect(page.get_by_role("alert").filter(has_text="Đã ghi 1 điểm khảo sát")).to_be_visible()
    page.screenshot(path=SCREENSHOT_RESULTS, full_page=True)

    # 7. the council member sees the points on the unit's sheet in the appraisal workspace
    member = new_context().new_page()
    login(member, live_server, appraisal["member"])
    member.goto(f"{live_server.url}/appraisal/{sheet.pk}/")
    expect(member.get_by_role("heading", level=1)).to_have_text(f"Thẩm định — {UNIT}")
    criterion_row = member.locator(f"#row-{sheet.framework.criteria.get(code='2.3').pk}")
    expect(criterion_row.get_by_test_id("r1-points")).to_have_text("0,8 điểm")
    expect(criterion_row).to_contain_text("Tính từ kết quả khảo sát trong cổng: 2 phiếu trả lời")
    stored = Score.objects.get(assessment=sheet, criterion__code="2.3", stage=Stage.ROUND_1)
    assert str(stored.points) == "0.80"
    assert Path(SCREENSHOT_PHONE).exists()
