"""Issue "Self-assessment with evidence": staff fill the sheet in Chromium, attach a PDF, the head submits it."""

from decimal import Decimal

import pytest
from playwright.sync_api import Locator, Page, expect

from evidence.models import EvidenceLink
from scoring.models import Assessment, Criterion, Score, Stage
from tests.e2e.helpers import login, pdf_document
from tests.factories import open_sheet, user_with_role
from units.models import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/journey-sheet.png"


@pytest.fixture
def sheet():
    """A ward's fresh sheet in an open period (deadline in a week), its focal officer and its head."""
    assessment = open_sheet(name="UBND phường Hạ Đình")
    staff = user_with_role(Role.UNIT_STAFF, unit=assessment.unit, full_name="Vũ Thị Lan")
    head = user_with_role(Role.UNIT_HEAD, unit=assessment.unit, full_name="Trần Văn Hùng")
    criteria = {c.code: c for c in Criterion.objects.filter(framework_id=assessment.framework_id)}
    return assessment, criteria, staff, head


@pytest.fixture
def plan_pdf(tmp_path):
    return pdf_document(tmp_path / "Kế hoạch CCHC 2024.pdf", "Kế hoạch CCHC năm 2024", "UBND phường Hạ Đình")


def save_row(page: Page, row: Locator, *, points: str, total: str, index: str) -> None:
    """Click "Lưu" and wait for htmx to swap the row (saved badge) and the summary panel (running total)."""
    row.get_by_role("button", name="Lưu", exact=True).click()
    expect(row.get_by_role("status")).to_have_text("✓ Đã lưu")
    expect(row.locator("[data-testid^='points-']")).to_have_text(f"{points} điểm")
    expect(page.get_by_test_id("total-points")).to_have_text(total)
    expect(page.get_by_test_id("index")).to_have_text(index)


def give_reasons(row: Locator, explanation: str, no_evidence_reason: str = "") -> None:
    row.get_by_label("Giải thích").fill(explanation)
    if no_evidence_reason:
        row.get_by_label("Lý do không có tài liệu kiểm chứng").fill(no_evidence_reason)


def test_staff_fill_the_sheet_with_evidence_and_the_head_submits_it(
    live_server, page: Page, new_context, sheet, plan_pdf
):
    assessment, criteria, staff, head = sheet

    def row(code: str) -> Locator:
        return page.locator(f"#row-{criteria[code].pk}")

    # given: the focal officer signs in and opens the sheet from the home page
    login(page, live_server, staff)
    page.get_by_role("link", name="Nhập phiếu tự đánh giá").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Phiếu tự đánh giá — UBND phường Hạ Đình")
    page.wait_for_load_state("load")  # htmx binds its handlers once the scripts at the end of the page ran
    sheet_url = page.url
    page.evaluate("window.journeyMarker = 'no reload'")
    expect(page.get_by_test_id("total-points")).to_have_text("0")
    expect(row("2.3")).to_contain_text("đơn vị không tự chấm tiêu chí này")
    expect(row("2.3").get_by_role("button", name="Lưu", exact=True)).to_have_count(0)

    # 1.1.1 levels: pick a level from the list; the plan itself goes up as evidence
    row("1.1.1").get_by_label("Mức đạt được").select_option(label="Kịp thời")
    expect(row("1.1.1").locator(f"#preview-{criteria['1.1.1'].pk}")).to_have_text("→ 1 điểm")
    give_reasons(row("1.1.1"), "Kế hoạch ban hành ngày 28/12/2023, trước hạn.")
    save_row(page, row("1.1.1"), points="1", total="1", index="11,11%")
    evidence = page.locator(f"#evidence-{criteria['1.1.1'].pk}")
    expect(evidence).to_contain_text("Chưa có tài liệu kiểm chứng.")
    evidence.get_by_text("Thêm tài liệu kiểm chứng").click()
    evidence.get_by_label("Tải tệp lên (có thể chọn nhiều tệp)").set_input_files(plan_pdf)
    evidence.get_by_label("Trang / mục").fill("trang 2, mục II")
    evidence.get_by_role("button", name="Tải lên").click()
    expect(evidence.get_by_role("link", name="Kế hoạch CCHC 2024", exact=True)).to_be_visible()
    expect(evidence).to_contain_text("— trang 2, mục II")
    expect(evidence).not_to_contain_text("Chưa có tài liệu kiểm chứng.")

    # 1.1.2 bands: type a percentage, Vietnamese decimal comma
    row("1.1.2").get_by_label("Tỷ lệ đạt (%)").press_sequentially("92,5")
    expect(row("1.1.2").locator(f"#preview-{criteria['1.1.2'].pk}")).to_have_text("→ 2 điểm")
    give_reasons(row("1.1.2"), "37/40 nhiệm vụ hoàn thành.", "Báo cáo tổng kết đang trình ký.")
    save_row(page, row("1.1.2"), points="2", total="3", index="33,33%")

    # 1.2 ratio: achieved over required
    row("1.2").get_by_label("Số đạt").press_sequentially("7")
    row("1.2").get_by_label("Số yêu cầu").press_sequentially("8")
    expect(row("1.2").locator(f"#preview-{criteria['1.2'].pk}")).to_have_text("→ 1,75 điểm")
    give_reasons(row("1.2"), "7 trên 8 văn bản chỉ đạo đã thực hiện.", "Văn bản lưu bản giấy tại văn thư.")
    save_row(page, row("1.2"), points="1,75", total="4,75", index="52,78%")

    # 1.3 yes/no: pick Có
    row("1.3").get_by_label("Kết quả").select_option(label="Có")
    expect(row("1.3").locator(f"#preview-{criteria['1.3'].pk}")).to_have_text("→ 1 điểm")
    give_reasons(row("1.3"), "Đã kiểm tra 4 bộ phận.", "Biên bản kiểm tra lưu bản giấy.")
    save_row(page, row("1.3"), points="1", total="5,75", index="63,89%")

    # 2.1 manual: an out-of-range value is refused next to its field, then corrected
    value = row("2.1").get_by_label("Điểm")
    value.press_sequentially("1,6")
    expect(row("2.1").locator(f"#preview-{criteria['2.1'].pk}")).to_have_text("Điểm phải từ 0 đến 1,5.")
    give_reasons(row("2.1"), "Tỷ lệ hồ sơ đúng hạn 96%.", "Số liệu từ hệ thống một cửa.")
    row("2.1").get_by_role("button", name="Lưu", exact=True).click()
    expect(row("2.1").get_by_label("Điểm")).to_have_attribute("aria-invalid", "true")
    expect(row("2.1").get_by_label("Điểm")).to_have_accessible_description("Điểm phải từ 0 đến 1,5.")
    expect(row("2.1")).to_contain_text("chưa chấm")
    expect(page.get_by_test_id("total-points")).to_have_text("5,75")
    # the refused row was swapped in: let htmx finish settling (and bind its preview) before typing again
    page.wait_for_function("() => !document.querySelector('.htmx-added, .htmx-settling, .htmx-swapping')")
    row("2.1").get_by_label("Điểm").fill("")
    row("2.1").get_by_label("Điểm").press_sequentially("1,25")
    expect(row("2.1").locator(f"#preview-{criteria['2.1'].pk}")).to_have_text("→ 1,25 điểm")
    save_row(page, row("2.1"), points="1,25", total="7", index="77,78%")

    # 2.2 deduction: a count of late files
    row("2.2").get_by_label("Số lần vi phạm").press_sequentially("1")
    expect(row("2.2").locator(f"#preview-{criteria['2.2'].pk}")).to_have_text("→ 1 điểm")
    give_reasons(row("2.2"), "Một hồ sơ đất đai trễ hạn.", "Sổ theo dõi hồ sơ lưu bản giấy.")
    save_row(page, row("2.2"), points="1", total="8", index="88,89%")

    # then: all saved in place, no page load; the summary counts every unit-scored criterion
    expect(page).to_have_url(sheet_url)
    assert page.evaluate("window.journeyMarker") == "no reload"
    summary = page.get_by_role("complementary", name="Tổng hợp điểm")
    expect(summary).to_contain_text("6/6")
    expect(summary).to_contain_text("/ 9 điểm")
    expect(summary).to_contain_text("Chưa gồm 1 điểm điều tra xã hội học do Hội đồng nhập.")
    page.screenshot(path=SCREENSHOT, full_page=True)

    # when: the head signs in, reviews the summary and submits
    head_page = new_context().new_page()
    login(head_page, live_server, head)
    head_page.get_by_role("link", name="Nhập phiếu tự đánh giá").click()
    head_page.get_by_role("link", name="Xem tóm tắt và nộp phiếu").click()
    expect(head_page.get_by_test_id("summary-points")).to_have_text("8 / 9")
    expect(head_page.get_by_text("Chỉ số: 88,89% · Đã chấm 6/6")).to_be_visible()
    expect(head_page.get_by_text("việc phải hoàn thành trước khi nộp")).to_have_count(0)
    head_page.get_by_label("Tôi đã kiểm tra phiếu và chịu trách nhiệm về kết quả tự đánh giá.").check()
    head_page.get_by_role("button", name="Duyệt và nộp phiếu").click()

    # then: success, and the sheet is read-only for the head
    expect(head_page.get_by_role("alert")).to_have_text(
        "Đã nộp phiếu tự đánh giá. Phiếu đã khóa, chờ Hội đồng thẩm định."
    )
    expect(head_page).to_have_url(sheet_url)
    expect(head_page.get_by_text("Đã nộp", exact=True)).to_be_visible()
    expect(head_page.get_by_text("· Trần Văn Hùng")).to_be_visible()
    expect(head_page.get_by_role("button", name="Lưu", exact=True)).to_have_count(0)
    expect(head_page.get_by_text("Thêm tài liệu kiểm chứng")).to_have_count(0)

    # and the focal officer can no longer edit: the same sheet shows values, no score forms
    page.reload()
    expect(page.locator("form.score-form")).to_have_count(0)
    expect(page.get_by_role("button", name="Lưu", exact=True)).to_have_count(0)
    expect(row("2.1")).to_contain_text("1,25 điểm")
    expect(row("1.1.1").get_by_role("link", name="Kế hoạch CCHC 2024", exact=True)).to_be_visible()

    assessment.refresh_from_db()
    assert (assessment.state, assessment.submitted_by) == (Assessment.State.SUBMITTED, head)
    points = dict(
        Score.objects.filter(assessment=assessment, stage=Stage.SELF).values_list("criterion__code", "points")
    )
    assert points == {
        "1.1.1": Decimal("1"),
        "1.1.2": Decimal("2"),
        "1.2": Decimal("1.75"),
        "1.3": Decimal("1"),
        "2.1": Decimal("1.25"),
        "2.2": Decimal("1"),
    }
    link = EvidenceLink.objects.select_related("document").get(assessment=assessment)
    assert (link.criterion.code, link.document.title, link.locator) == (
        "1.1.1",
        "Kế hoạch CCHC 2024",
        "trang 2, mục II",
    )


def test_a_document_uploaded_for_one_criterion_can_be_cited_for_another_without_a_reload(
    live_server, page: Page, sheet, plan_pdf
):
    assessment, criteria, staff, _ = sheet
    login(page, live_server, staff)
    page.get_by_role("link", name="Nhập phiếu tự đánh giá").click()
    page.wait_for_load_state("load")
    page.evaluate("window.journeyMarker = 'no reload'")
    # given: the library is empty, so there is nothing to cite yet; a plan goes up for 1.1.1
    first = page.locator(f"#evidence-{criteria['1.1.1'].pk}")
    first.get_by_text("Thêm tài liệu kiểm chứng").click()
    first.get_by_label("Tải tệp lên (có thể chọn nhiều tệp)").set_input_files(plan_pdf)
    expect(first.get_by_label("Hoặc chọn tài liệu đã có trong thư viện")).to_have_count(0)
    first.get_by_role("button", name="Tải lên").click()
    expect(first.get_by_role("link", name="Kế hoạch CCHC 2024", exact=True)).to_be_visible()

    # when: 1.2 cites the same document from the library
    other = page.locator(f"#evidence-{criteria['1.2'].pk}")
    other.get_by_text("Thêm tài liệu kiểm chứng").click()
    other.get_by_label("Hoặc chọn tài liệu đã có trong thư viện").select_option(label="Kế hoạch CCHC 2024")
    other.locator(f"#evidence-{criteria['1.2'].pk}-link-locator").fill("mục III")
    other.get_by_role("button", name="Gắn").click()

    # then: cited in place, no page load
    expect(other.get_by_role("link", name="Kế hoạch CCHC 2024", exact=True)).to_be_visible()
    expect(other).to_contain_text("— mục III")
    assert page.evaluate("window.journeyMarker") == "no reload"
    links = EvidenceLink.objects.filter(assessment=assessment).order_by("criterion__code")
    assert [(link.criterion.code, link.document.title, link.locator) for link in links] == [
        ("1.1.1", "Kế hoạch CCHC 2024", ""),
        ("1.2", "Kế hoạch CCHC 2024", "mục III"),
    ]
