"""Issue "The whole year in a browser": one journey through a whole year, each step by the role that does it.

The ORM only prepares last year (published), the people and their roles, and moves deadlines (the clock).
"""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Locator, Page, expect

from scoring.models import Assessment, Criterion, Objection, Period, Score, Stage
from tests.e2e.helpers import accept_objection, alert, cells, login, navigation, pdf_document
from tests.factories import (
    AuthorityFactory,
    BlockFactory,
    FrameworkFactory,
    UnitFactory,
    publish_snapshot,
    small_framework,
    user_with_role,
)
from tests.pdfs import pdf_text
from units.models import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LAST_YEAR, YEAR = 2024, 2025
AUTHORITY = "UBND quận Thanh Xuân"
DEPARTMENTS, WARDS = "Khối cơ quan chuyên môn", "Khối phường"
JUSTICE, HA_DINH = "Phòng Tư pháp", "UBND phường Hạ Đình"
REASON_LABEL = "Lý do của Hội đồng (bắt buộc khi khác điểm tự chấm)"
ROUND_ONE_REASON = "Sổ theo dõi một cửa cho thấy 12 hồ sơ quá hạn chưa được tính."
REQUEST = "Bổ sung sổ theo dõi hồ sơ quý IV và giải trình 12 hồ sơ quá hạn."
ANSWER = "12 hồ sơ quá hạn do hệ thống một cửa gián đoạn tháng 11; đơn vị đã bổ sung sổ theo dõi."
ROUND_TWO_REASON = "Giải trình hợp lý cho 6 hồ sơ; 6 hồ sơ còn lại vẫn quá hạn."
OBJECTION = "Sổ theo dõi hồ sơ quý IV đã được lưu tại bộ phận một cửa, đề nghị Hội đồng xem xét lại."
RESOLUTION = "Sổ theo dõi bổ sung hợp lệ; còn 3 hồ sơ trễ hạn nên chấm 1,25 điểm."
DECISION_NUMBER = "27/QĐ-UBND"
DECISION_DATE = datetime.date(YEAR + 1, 1, 20)


@pytest.fixture
def last_year():
    """Last year published for a department and a ward (its frameworks are this year's starting point), the people."""
    authority = AuthorityFactory(name=AUTHORITY)
    departments = BlockFactory(authority=authority, code="co-quan", name=DEPARTMENTS, position=0)
    wards = BlockFactory(authority=authority, code="phuong", name=WARDS, position=1)
    previous = Period.objects.create(authority=authority, year=LAST_YEAR)
    for block in (departments, wards):
        small_framework(FrameworkFactory(period=previous, block=block, name=f"Bộ chỉ số {block.name} năm {LAST_YEAR}"))
    justice = UnitFactory(block=departments, name=JUSTICE, code="tu-phap", position=0)
    ha_dinh = UnitFactory(block=wards, name=HA_DINH, code="ha-dinh", position=0)
    publish_snapshot(
        previous,
        [
            {"unit": justice, "points": "8", "max_points": "10", "adjusted_max": "10", "index": "80", "rank": 1}
            | {"block_name": DEPARTMENTS},
            {"unit": ha_dinh, "points": "7.5", "max_points": "10", "adjusted_max": "10", "index": "75", "rank": 1}
            | {"block_name": WARDS},
        ],
    )
    people = {
        "secretary": user_with_role(Role.COUNCIL_SECRETARY, full_name="Ngô Thị Thư"),
        "leader": user_with_role(Role.LEADERSHIP, full_name="Trần Thị Lãnh Đạo"),
        "justice_staff": user_with_role(Role.UNIT_STAFF, unit=justice, full_name="Lê Thị Mai"),
        "justice_head": user_with_role(Role.UNIT_HEAD, unit=justice, full_name="Nguyễn Văn Toàn"),
        "ward_staff": user_with_role(Role.UNIT_STAFF, unit=ha_dinh, full_name="Vũ Thị Lan"),
        "ward_head": user_with_role(Role.UNIT_HEAD, unit=ha_dinh, full_name="Trần Văn Hùng"),
        "member": user_with_role(Role.COUNCIL_MEMBER, full_name="Phạm Thị Thẩm Định"),
        "member2": user_with_role(Role.COUNCIL_MEMBER, full_name="Hoàng Văn Minh"),
        "chair": user_with_role(Role.COUNCIL_MEMBER, full_name="Đỗ Văn Chủ Tịch"),
    }
    return {"justice": justice, "ha_dinh": ha_dinh}, people


@pytest.fixture
def plan_pdf(tmp_path):
    return pdf_document(tmp_path / "Kế hoạch CCHC 2025.pdf", "Kế hoạch CCHC năm 2025")


def criteria_of(unit) -> dict[str, Criterion]:
    return {c.code: c for c in Criterion.objects.filter(framework__period__year=YEAR, framework__block=unit.block)}


def fill_sheet(page: Page, criteria: dict[str, Criterion], plan_pdf: Path, *, manual: str, total: str) -> None:
    """The focal officer scores the six unit-scored criteria, attaching the plan as evidence to 1.1.1."""

    def row(code: str) -> Locator:
        return page.locator(f"#row-{criteria[code].pk}")

    def save(code: str, points: str) -> None:
        row(code).get_by_role("button", name="Lưu", exact=True).click()
        expect(row(code).get_by_role("status")).to_have_text("✓ Đã lưu")
        expect(row(code).locator("[data-testid^='points-']")).to_have_text(f"{points} điểm")

    def reasons(code: str) -> None:
        row(code).get_by_label("Giải thích").fill(f"Theo báo cáo CCHC năm {YEAR}, tiêu chí {code}.")
        if code != "1.1.1":
            row(code).get_by_label("Lý do không có tài liệu kiểm chứng").fill("Hồ sơ lưu bản giấy tại văn thư.")

    row("1.1.1").get_by_label("Mức đạt được").select_option(label="Kịp thời")
    reasons("1.1.1")
    save("1.1.1", "1")
    evidence = page.locator(f"#evidence-{criteria['1.1.1'].pk}")
    evidence.get_by_text("Thêm tài liệu kiểm chứng").click()
    evidence.get_by_label("Tải tệp lên (có thể chọn nhiều tệp)").set_input_files(plan_pdf)
    evidence.get_by_label("Trang / mục").fill("trang 2, mục II")
    evidence.get_by_role("button", name="Tải lên").click()
    expect(evidence.get_by_role("link", name="Kế hoạch CCHC 2025", exact=True)).to_be_visible()

    row("1.1.2").get_by_label("Tỷ lệ đạt (%)").press_sequentially("95")
    reasons("1.1.2")
    save("1.1.2", "2")
    row("1.2").get_by_label("Số đạt").press_sequentially("7")
    row("1.2").get_by_label("Số yêu cầu").press_sequentially("8")
    reasons("1.2")
    save("1.2", "1,75")
    row("1.3").get_by_label("Kết quả").select_option(label="Có")
    reasons("1.3")
    save("1.3", "1")
    row("2.1").get_by_label("Điểm").press_sequentially(manual)
    reasons("2.1")
    save("2.1", manual)
    row("2.2").get_by_label("Số lần vi phạm").press_sequentially("1")
    reasons("2.2")
    save("2.2", "1")
    expect(page.get_by_test_id("total-points")).to_have_text(total)
    expect(page.get_by_role("complementary", name="Tổng hợp điểm")).to_contain_text("6/6")


def open_sheet(page: Page, unit_name: str) -> None:
    page.get_by_role("link", name="Nhập phiếu tự đánh giá").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Phiếu tự đánh giá — {unit_name}")
    page.wait_for_load_state("load")


def open_workspace(page: Page, unit_name: str) -> None:
    navigation(page).get_by_role("link", name="Thẩm định", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Phiếu cần thẩm định năm {YEAR}")
    page.get_by_test_id("queue-row").get_by_role("link", name=unit_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Thẩm định — {unit_name}")
    page.wait_for_load_state("load")


def agree_round_one(page: Page, criteria: dict[str, Criterion], codes) -> None:
    """The member accepts the unit's own inputs (the form starts from them): no reason needed."""
    for code in codes:
        row = page.locator(f"#row-{criteria[code].pk}")
        row.get_by_role("button", name="Lưu vòng 1").click()
        expect(row.get_by_role("status")).to_have_text("✓ Đã lưu")
        expect(row).to_contain_text("khớp tự chấm")


def in_days(days: int) -> str:
    moment = (timezone.localtime() + datetime.timedelta(days=days)).replace(hour=17, minute=0, second=0, microsecond=0)
    return moment.strftime("%Y-%m-%dT%H:%M")


def test_the_whole_year_from_opening_the_period_to_the_public_ranking(
    live_server, page: Page, new_context, last_year, plan_pdf, tmp_path
):
    units, people = last_year

    # 1. the secretary creates this year's period as a copy of last year's frameworks and opens self-assessment
    secretary = page
    login(secretary, live_server, people["secretary"])
    navigation(secretary).get_by_role("link", name="Kỳ đánh giá & bộ chỉ số", exact=True).click()
    expect(secretary.get_by_role("heading", level=1)).to_have_text("Kỳ đánh giá và bộ chỉ số")
    secretary.get_by_label("Năm đánh giá").fill(str(YEAR))
    secretary.get_by_label("Sao chép bộ chỉ số từ năm").select_option(label=str(LAST_YEAR))
    secretary.get_by_role("button", name="Tạo kỳ").click()
    expect(alert(secretary)).to_have_text(f"Đã tạo kỳ đánh giá năm {YEAR}.")
    expect(secretary.get_by_role("heading", level=1)).to_contain_text(f"Kỳ đánh giá năm {YEAR}")
    frameworks = secretary.get_by_role("table").locator("tbody tr")
    expect(frameworks).to_have_count(2)
    for framework in frameworks.all():
        expect(framework).to_contain_text(f"sao chép từ năm {LAST_YEAR}")
        expect(framework).to_contain_text("Hợp lệ")
    secretary.get_by_label("Hạn nộp phiếu tự đánh giá").fill(in_days(7))
    secretary.get_by_role("button", name="Mở kỳ tự đánh giá").click()
    expect(alert(secretary)).to_have_text(f"Đã mở kỳ tự đánh giá năm {YEAR}; các bộ chỉ số đã được khóa.")
    period = Period.objects.get(year=YEAR)
    criteria = {name: criteria_of(unit) for name, unit in units.items()}

    # 2. the focal officers of the department and of the ward fill their sheets, with evidence
    justice_staff = new_context().new_page()
    login(justice_staff, live_server, people["justice_staff"])
    open_sheet(justice_staff, JUSTICE)
    fill_sheet(justice_staff, criteria["justice"], plan_pdf, manual="1,5", total="8,25")
    ward_staff = new_context().new_page()
    login(ward_staff, live_server, people["ward_staff"])
    open_sheet(ward_staff, HA_DINH)
    fill_sheet(ward_staff, criteria["ha_dinh"], plan_pdf, manual="1,25", total="8")

    # 3. the department's head submits on time; the ward's head after the deadline (the clock moves past it)
    justice_head = new_context().new_page()
    login(justice_head, live_server, people["justice_head"])
    open_sheet(justice_head, JUSTICE)
    justice_head.get_by_role("link", name="Xem tóm tắt và nộp phiếu").click()
    expect(justice_head.get_by_test_id("summary-points")).to_have_text("8,25 / 9")
    justice_head.get_by_label("Tôi đã kiểm tra phiếu và chịu trách nhiệm về kết quả tự đánh giá.").check()
    justice_head.get_by_role("button", name="Duyệt và nộp phiếu").click()
    expect(alert(justice_head)).to_have_text("Đã nộp phiếu tự đánh giá. Phiếu đã khóa, chờ Hội đồng thẩm định.")
    expect(justice_head.get_by_text("Nộp muộn", exact=True)).to_have_count(0)

    Period.objects.filter(pk=period.pk).update(self_assessment_deadline=timezone.now() - datetime.timedelta(hours=1))
    ward_head = new_context().new_page()
    login(ward_head, live_server, people["ward_head"])
    # the home page offers the locked sheet for reading and for the late submission, no longer for entry
    ward_card = ward_head.get_by_role("region", name=HA_DINH)
    expect(ward_card).to_contain_text("Phiếu đã khóa vì đã quá hạn tự đánh giá; chỉ Thư ký Hội đồng mở lại được.")
    expect(ward_card.get_by_role("link", name="Nhập phiếu tự đánh giá")).to_have_count(0)
    ward_card.get_by_role("link", name="Xem tóm tắt và nộp phiếu").click()
    expect(ward_head.get_by_test_id("summary-points")).to_have_text("8 / 9")
    expect(ward_head.get_by_text("Đã quá hạn: phiếu sẽ được ghi nhận là nộp muộn.")).to_be_visible()
    ward_head.get_by_label("Tôi đã kiểm tra phiếu và chịu trách nhiệm về kết quả tự đánh giá.").check()
    ward_head.get_by_role("button", name="Duyệt và nộp phiếu").click()
    expect(ward_head.get_by_role("alert").filter(has_text="nộp muộn")).to_have_text(
        "Đã nộp phiếu sau hạn; phiếu được ghi nhận là nộp muộn."
    )
    expect(ward_head.get_by_text("Nộp muộn", exact=True)).to_be_visible()

    # 4. the secretary seats the council, names the chair, assigns the units and starts the appraisal
    navigation(secretary).get_by_role("link", name="Hội đồng", exact=True).click()
    expect(secretary.get_by_role("heading", level=1)).to_have_text(f"Hội đồng thẩm định năm {YEAR}")
    progress = secretary.locator("section[aria-labelledby='units-heading']")
    expect(progress.get_by_role("row").filter(has_text=HA_DINH)).to_contain_text("Nộp muộn")
    expect(progress.get_by_role("row").filter(has_text=JUSTICE)).not_to_contain_text("Nộp muộn")
    secretary.get_by_role("link", name="Thành viên, phân công & xung đột lợi ích").click()
    expect(secretary.get_by_role("heading", level=1)).to_contain_text("Thành viên, phân công và xung đột lợi ích")
    for key in ("member", "member2", "chair"):
        person = people[key]
        secretary.get_by_label("Người được đưa vào Hội đồng").select_option(
            label=f"{person.get_full_name()} ({person.username})"
        )
        secretary.get_by_role("button", name="Thêm vào Hội đồng").click()
        expect(alert(secretary)).to_have_text(f"Đã đưa {person} vào Hội đồng thẩm định.")
    members = secretary.locator("section[aria-labelledby='members-heading'] tbody tr")
    expect(members).to_have_count(3)
    members.filter(has_text="Đỗ Văn Chủ Tịch").get_by_role("button", name="Đặt làm Chủ tịch").click()
    expect(alert(secretary)).to_have_text("Đỗ Văn Chủ Tịch là Chủ tịch Hội đồng thẩm định.")
    assigning = secretary.locator("section[aria-labelledby='assign-heading']")
    for key, unit_name in (("member", HA_DINH), ("member2", JUSTICE)):
        person = people[key]
        assigning.get_by_label("Thành viên").select_option(label=f"{person.get_full_name()} ({person.username})")
        assigning.get_by_label("Đơn vị").select_option(label=unit_name)
        assigning.get_by_role("button", name="Phân công").click()
        expect(alert(secretary)).to_contain_text(f"Đã phân công {person}")
    expect(members.filter(has_text="Phạm Thị Thẩm Định")).to_contain_text(HA_DINH)
    expect(members.filter(has_text="Hoàng Văn Minh")).to_contain_text(JUSTICE)
    secretary.get_by_role("link", name=f"Hội đồng thẩm định năm {YEAR}").click()
    secretary.get_by_label("Hạn thẩm định").fill(in_days(14))
    secretary.get_by_role("button", name="Bắt đầu thẩm định").click()
    expect(alert(secretary)).to_have_text(f"Kỳ đánh giá năm {YEAR} đã chuyển sang giai đoạn thẩm định.")
    council_url = secretary.url

    # 5. the members appraise; the ward's member gives 2.1 less and asks the ward to explain it
    member = new_context().new_page()
    login(member, live_server, people["member"])
    open_workspace(member, HA_DINH)
    expect(member.get_by_text("nộp muộn", exact=True)).to_be_visible()
    ward = criteria["ha_dinh"]
    agree_round_one(member, ward, ("1.1.1", "1.1.2", "1.2", "1.3", "2.2"))
    low = member.locator(f"#row-{ward['2.1'].pk}")
    low.get_by_label("Điểm", exact=True).fill("0,75")
    low.get_by_label(REASON_LABEL).fill(ROUND_ONE_REASON)
    low.get_by_role("button", name="Lưu vòng 1").click()
    expect(low.get_by_role("status")).to_have_text("✓ Đã lưu")
    expect(low.get_by_test_id("r1-points")).to_have_text("0,75 điểm")
    low.get_by_label("Nội dung đơn vị cần giải trình hoặc bổ sung").fill(REQUEST)
    low.get_by_role("button", name="Đề nghị giải trình").click()
    expect(low.get_by_test_id("request-message")).to_have_text(REQUEST)

    member2 = new_context().new_page()
    login(member2, live_server, people["member2"])
    open_workspace(member2, JUSTICE)
    agree_round_one(member2, criteria["justice"], ("1.1.1", "1.1.2", "1.2", "1.3", "2.1", "2.2"))
    member2.reload()
    expect(member2.get_by_test_id("ws-progress")).to_have_text("6/7")  # the survey (2.3) comes from the import

    # 6. the secretary sends the request; the ward answers; the member scores round 2
    secretary.goto(council_url)
    proposals = secretary.locator("section[aria-labelledby='explanations-heading']")
    expect(proposals.get_by_role("row").filter(has_text="2.1")).to_contain_text(REQUEST)
    proposals.get_by_label("Hạn giải trình").fill(in_days(3))
    proposals.get_by_role("button", name="Gửi các yêu cầu đã chọn").click()
    expect(alert(secretary)).to_have_text("Đã gửi 1 yêu cầu giải trình cho các đơn vị.")

    ward_staff.reload()
    expect(ward_staff.get_by_test_id("unread-count")).to_have_text("1 chưa đọc")
    ward_staff.get_by_test_id("notice-bell").click()
    ward_staff.get_by_role("link", name=f"Hội đồng yêu cầu {HA_DINH} giải trình tiêu chí 2.1").click()
    expect(ward_staff.get_by_role("heading", level=1)).to_have_text(f"Yêu cầu giải trình — {HA_DINH}")
    request = ward_staff.locator("section.card").filter(has_text="Chất lượng giải quyết hồ sơ")
    expect(request.get_by_test_id("message-2.1")).to_have_text(REQUEST)
    request.get_by_label("Nội dung giải trình của đơn vị").fill(ANSWER)
    request.get_by_role("button", name="Gửi giải trình").click()
    expect(alert(ward_staff)).to_have_text("Đã gửi nội dung giải trình tiêu chí 2.1 cho Hội đồng thẩm định.")

    member.reload()
    member.wait_for_load_state("load")
    low = member.locator(f"#row-{ward['2.1'].pk}")
    expect(low.get_by_test_id("request-answer")).to_have_text(ANSWER)
    round_two = low.locator("form[data-stage='round2']")
    round_two.get_by_label("Điểm", exact=True).fill("1")
    round_two.get_by_label(REASON_LABEL).fill(ROUND_TWO_REASON)
    round_two.get_by_role("button", name="Lưu vòng 2").click()
    expect(low.get_by_role("status")).to_have_text("✓ Đã lưu")
    expect(
        low.locator(".appraisal-explanation").get_by_role("heading", name="Thẩm định vòng 2 · 1 điểm")
    ).to_be_visible()

    # 7. the secretary imports the survey points: template from the survey page, filled in, uploaded
    secretary.goto(council_url)
    secretary.get_by_role("link", name="Nhập điểm điều tra xã hội học").click()
    expect(secretary.get_by_role("heading", level=1)).to_have_text(f"Nhập điểm điều tra xã hội học — năm {YEAR}")
    secretary.wait_for_load_state("load")
    with secretary.expect_download() as template_download:
        secretary.get_by_role("link", name="Tải tệp mẫu (.xlsx)").click()
    template_path = tmp_path / template_download.value.suggested_filename
    template_download.value.save_as(template_path)
    workbook = load_workbook(template_path)
    sheet = workbook.active
    survey = {"tu-phap": Decimal("0.9"), "ha-dinh": Decimal("0.8")}
    rows = list(sheet.iter_rows(min_row=2))
    assert sorted((row[0].value, row[2].value) for row in rows) == [("ha-dinh", "2.3"), ("tu-phap", "2.3")]
    for row in rows:
        row[5].value = float(survey[row[0].value])
    filled = tmp_path / "diem-dieu-tra-da-dien.xlsx"
    workbook.save(filled)
    secretary.get_by_label("Tệp Excel kết quả điều tra (.xlsx)").set_input_files(filled)
    secretary.get_by_role("button", name="Nhập tệp").click()
    expect(alert(secretary)).to_have_text("Đã nhập 2 điểm điều tra xã hội học (thẩm định vòng 1).")

    # 8. the chair finalises both blocks
    chair = new_context().new_page()
    login(chair, live_server, people["chair"])
    navigation(chair).get_by_role("link", name="Hội đồng", exact=True).click()
    expect(chair.get_by_role("heading", level=1)).to_have_text(f"Hội đồng thẩm định năm {YEAR}")
    closing = chair.locator("section[aria-labelledby='finalise-heading']")
    for block in (DEPARTMENTS, WARDS):
        card = closing.locator(".card").filter(has=chair.get_by_role("heading", name=block))
        expect(card).to_contain_text("Sẵn sàng chốt")
        card.get_by_role("button", name="Chốt kết quả thẩm định khối").click()
        expect(alert(chair)).to_have_text(f"Đã chốt kết quả thẩm định khối “{block}”.")
        expect(card).to_contain_text("Đã chốt")

    # 9. the secretary releases the preliminary results
    navigation(secretary).get_by_role("link", name="Kết quả", exact=True).click()
    secretary.get_by_test_id("live-years").get_by_role("link", name=f"Năm {YEAR}").click()
    expect(secretary.get_by_role("heading", level=1)).to_have_text(f"Kết quả tạm tính năm {YEAR} Giải trình")
    objection_deadline = (timezone.localtime() + datetime.timedelta(days=3)).replace(
        hour=17, minute=0, second=0, microsecond=0
    )
    secretary.get_by_label("Hạn kiến nghị").fill(objection_deadline.strftime("%Y-%m-%dT%H:%M"))
    secretary.get_by_role("button", name="Công bố kết quả sơ bộ").click()
    expect(alert(secretary)).to_have_text("Đã công bố kết quả sơ bộ cho các đơn vị.")
    live_url = secretary.url

    # 10. the ward's head objects to the council's 2.1
    ward_head.goto(f"{live_server.url}/")
    navigation(ward_head).get_by_role("link", name="Kết quả", exact=True).click()
    ward_head.get_by_role("link", name=f"{HA_DINH} — {YEAR}").click()
    expect(ward_head.get_by_role("heading", level=1)).to_have_text(f"Kết quả của {HA_DINH} năm {YEAR}")
    criterion = ward_head.get_by_role("row").filter(
        has=ward_head.get_by_role("rowheader", name="2.1 Chất lượng giải quyết hồ sơ")
    )
    expect(cells(criterion).nth(3)).to_have_text("1,00")
    objecting = ward_head.locator("section.card").filter(has_text="Gửi kiến nghị")
    objecting.get_by_label("Tiêu chí", exact=True).select_option(label="2.1 Chất lượng giải quyết hồ sơ")
    objecting.get_by_label("Nội dung kiến nghị").fill(OBJECTION)
    objecting.get_by_role("button", name="Gửi kiến nghị").click()
    expect(alert(ward_head)).to_have_text("Đã gửi kiến nghị về tiêu chí 2.1.")

    # 11. the council (its secretary) accepts the objection with 1,25
    secretary.goto(live_url)
    expect(secretary.locator(".alert-warning")).to_have_text("Còn 1 kiến nghị chưa giải quyết.")
    secretary.get_by_role("link", name=HA_DINH).click()
    objection = secretary.locator(".card").filter(has_text=OBJECTION)
    accept_objection(objection, RESOLUTION, Điểm="1,25")
    expect(alert(secretary)).to_have_text("Đã giải quyết kiến nghị về tiêu chí 2.1.")
    expect(objection).to_contain_text("2.1 — Chấp nhận · Trần Văn Hùng")

    # 12. the objection window closes (the clock); the secretary makes results public; leadership publishes
    Period.objects.filter(pk=period.pk).update(objection_deadline=timezone.now() - datetime.timedelta(minutes=1))
    secretary.goto(live_url)
    secretary.get_by_role("link", name="Cấu hình kết quả (cách xếp hạng, xếp loại, không xếp hạng, công khai)").click()
    access = secretary.locator("section.card").filter(
        has=secretary.get_by_role("heading", name="Cách xếp hạng và công khai")
    )
    access.get_by_label("Công khai kết quả đã công bố (xem không cần đăng nhập)").check()
    access.get_by_role("button", name="Lưu").click()
    expect(alert(secretary)).to_have_text("Đã lưu cách xếp hạng và chế độ công khai.")
    # copying last year's frameworks does not copy the classification bands: the secretary sets them here
    grading = secretary.locator("section.card").filter(has=secretary.get_by_role("heading", name="Mức xếp loại"))
    for rows in ([("90", "Tốt"), ("0", "Yếu")], [("80", "Khá"), ("70", "Trung bình")]):
        start = grading.locator("tbody tr").count() - 2  # the form always ends with two blank rows
        for offset, (minimum, label) in enumerate(rows):
            grading.locator(f"#band-min-{start + offset}").fill(minimum)
            grading.locator(f"#band-label-{start + offset}").fill(label)
        grading.get_by_role("button", name="Lưu các mức xếp loại").click()
        expect(alert(secretary)).to_have_text("Đã lưu các mức xếp loại.")
    expect(grading.locator("tbody tr")).to_have_count(6)

    leader = new_context().new_page()
    login(leader, live_server, people["leader"])
    navigation(leader).get_by_role("link", name="Kết quả", exact=True).click()
    leader.get_by_test_id("live-years").get_by_role("link", name=f"Năm {YEAR}").click()
    expect(leader.get_by_role("heading", level=1)).to_have_text(f"Kết quả tạm tính năm {YEAR} Công bố sơ bộ")
    publishing = leader.locator("section.card").filter(has_text="Phê duyệt và công bố kết quả")
    publishing.get_by_label("Số quyết định").fill(DECISION_NUMBER)
    publishing.get_by_label("Ngày ký").fill(DECISION_DATE.isoformat())
    publishing.get_by_role("button", name="Công bố", exact=True).click()
    expect(alert(leader)).to_have_text("Đã công bố kết quả (lần 1).")

    # 13. an anonymous visitor reads the ranking and downloads the PDF annex and the workbook
    visitor = new_context(accept_downloads=True).new_page()
    visitor.goto(f"{live_server.url}/results/")
    expect(visitor.get_by_test_id("notice-bell")).to_have_count(0)
    published_years = visitor.get_by_test_id("published-years").locator("tbody tr")
    expect(published_years).to_have_count(1)
    expect(cells(published_years).nth(2)).to_have_text(f"Số {DECISION_NUMBER} ngày 20/01/{YEAR + 1}")
    published_years.get_by_role("link", name="Xếp hạng và thống kê").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(f"Kết quả Chỉ số CCHC năm {YEAR}")
    # Tư pháp: 8,25 + 0,9 survey = 9,15 / 10; Hạ Đình: 8 − 1,25 + 1,25 (objection) + 0,8 = 8,8 / 10
    departments = visitor.get_by_role("table", name=f"Bảng xếp hạng {DEPARTMENTS}").locator("tbody tr")
    expect(departments).to_have_count(1)
    expect(cells(departments).nth(1)).to_have_text(JUSTICE)
    expect(cells(departments).nth(2)).to_have_text("9,15 / 10")
    wards = visitor.get_by_role("table", name=f"Bảng xếp hạng {WARDS}").locator("tbody tr")
    expect(wards).to_have_count(1)
    expect(cells(wards).nth(1)).to_have_text(HA_DINH)
    expect(cells(wards).nth(2)).to_have_text("8,8 / 10")
    expect(cells(wards).nth(3)).to_have_text("88,00")
    expect(cells(wards).nth(4)).to_have_text("Khá")
    expect(cells(departments).nth(3)).to_have_text("91,50")
    expect(cells(departments).nth(4)).to_have_text("Tốt")
    expect(visitor.get_by_text(f"Thay đổi so với kết quả công bố năm {LAST_YEAR}")).to_be_visible()
    visitor.screenshot(path="/tmp/journey-full-year.png", full_page=True)

    downloads = visitor.get_by_role("group", name="Tải kết quả")
    with visitor.expect_download() as annex_download:
        downloads.get_by_role("link", name="Tải PDF (phụ lục quyết định)").click(modifiers=["Alt"])
    annex_path = tmp_path / annex_download.value.suggested_filename
    annex_download.value.save_as(annex_path)
    text = pdf_text(annex_path, layout=True)
    assert JUSTICE in text
    assert HA_DINH in text
    assert f"Kèm theo Quyết định số {DECISION_NUMBER} ngày 20/01/{YEAR + 1} của {AUTHORITY}" in text
    lines = [line.split() for line in text.splitlines()]
    assert ["1", "Phòng", "Tư", "pháp", "9,15", "10,00", "91,50", "Tốt"] in lines
    assert ["1", "UBND", "phường", "Hạ", "Đình", "8,80", "10,00", "88,00", "Khá"] in lines

    with visitor.expect_download() as workbook_download:
        downloads.get_by_role("link", name="Tải Excel").click()
    workbook_path = tmp_path / workbook_download.value.suggested_filename
    workbook_download.value.save_as(workbook_path)
    book = load_workbook(workbook_path)
    ranking = {
        title: [
            [cell.value for cell in row][:8] for row in book[title].iter_rows(min_row=2, max_row=book[title].max_row)
        ]
        for title in (DEPARTMENTS, WARDS)
    }
    assert ranking == {
        DEPARTMENTS: [[1, "tu-phap", JUSTICE, 9.15, 10, 10, 91.5, "Tốt"]],
        WARDS: [[1, "ha-dinh", HA_DINH, 8.8, 10, 10, 88, "Khá"]],
    }

    # then: what the browser did is what the database holds
    late = dict(Assessment.objects.filter(period=period).values_list("unit__code", "is_late"))
    assert late == {"tu-phap": False, "ha-dinh": True}
    assert Objection.objects.get().state == Objection.State.ACCEPTED
    assert Score.objects.get(
        assessment__unit=units["ha_dinh"], assessment__period=period, criterion__code="2.3", stage=Stage.ROUND_1
    ).points == Decimal("0.8")
