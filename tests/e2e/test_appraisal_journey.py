"""Issue "Appraisal council": a member re-scores a sheet, the unit explains, round 2, the chair closes the block."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from scoring.appraisal.services import appraisal_record
from scoring.council.services import assignment_add, council_chair_set, council_member_add, period_start_appraisal
from scoring.frameworks.services import period_open_self_assessment
from scoring.models import Assessment, Criterion, Score, Stage
from scoring.rules import Entry
from scoring.sheets.services import ScoreInput, assessment_submit, self_score_record
from tests.e2e.helpers import login, navigation
from tests.factories import UnitFactory, small_framework, user_with_role
from units.models import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/journey-appraisal.png"
UNIT = "UBND phường Hạ Đình"
REASON_LABEL = "Lý do của Hội đồng (bắt buộc khi khác điểm tự chấm)"
ROUND_ONE_REASON = "Sổ theo dõi một cửa cho thấy 12 hồ sơ quá hạn chưa được tính."
REQUEST = "Bổ sung sổ theo dõi hồ sơ quý IV và giải trình 12 hồ sơ quá hạn."
ANSWER = "12 hồ sơ quá hạn do hệ thống một cửa gián đoạn tháng 11; đơn vị đã xin lỗi công dân và bổ sung sổ theo dõi."
ROUND_TWO_REASON = "Giải trình hợp lý cho 6 hồ sơ; 6 hồ sơ còn lại vẫn quá hạn."


def _entry(criterion: Criterion, inputs: dict) -> Entry:
    if "option" in inputs:
        return Entry(option_id=criterion.options.get(label=inputs["option"]).pk)
    return Entry(**inputs)


# The unit's own inputs for small_framework (2.3 is the survey: the council enters it, the unit does not).
OWN_INPUTS = {
    "1.1.1": {"option": "Kịp thời"},  # 1
    "1.1.2": {"percent": Decimal("95")},  # 2
    "1.2": {"achieved": Decimal("7"), "required": Decimal("8")},  # 1,75
    "1.3": {"is_yes": True},  # 1
    "2.1": {"value": Decimal("1.25")},  # 1,25
    "2.2": {"occurrences": 1},  # 1
}


@pytest.fixture
def council():
    """A ward's sheet self-scored and submitted by the unit, a period in appraisal, a member given the ward, a chair."""
    framework = small_framework()
    period = framework.period
    unit = UnitFactory(block=framework.block, name=UNIT)
    period_open_self_assessment(actor=None, period=period, deadline=timezone.now() + timedelta(days=7))
    staff = user_with_role(Role.UNIT_STAFF, unit=unit, full_name="Vũ Thị Lan")
    head = user_with_role(Role.UNIT_HEAD, unit=unit, full_name="Trần Văn Hùng")
    secretary = user_with_role(Role.COUNCIL_SECRETARY, full_name="Ngô Thị Thư")
    member = user_with_role(Role.COUNCIL_MEMBER, full_name="Phạm Thị Thẩm Định")
    chair = user_with_role(Role.COUNCIL_MEMBER, full_name="Đỗ Văn Chủ Tịch")
    criteria = {c.code: c for c in Criterion.objects.filter(framework=framework)}
    assessment = Assessment.objects.get(unit=unit)
    for code, inputs in OWN_INPUTS.items():
        self_score_record(
            actor=staff,
            assessment=assessment,
            criterion=criteria[code],
            data=ScoreInput(
                entry=_entry(criteria[code], inputs),
                explanation=f"Theo báo cáo CCHC năm, tiêu chí {code}.",
                no_evidence_reason="Hồ sơ lưu bản giấy tại văn thư.",
            ),
            expected_version=0,
        )
    assessment_submit(actor=head, assessment=assessment)
    period_start_appraisal(
        actor=secretary, period=period, appraisal_deadline=timezone.now() + timedelta(days=14), confirm_early=True
    )
    for person in (member, chair):
        council_member_add(actor=secretary, period=period, user=person)
    council_chair_set(actor=secretary, period=period, user=chair)
    assignment_add(actor=secretary, period=period, member=member, unit=unit)
    people = {"staff": staff, "head": head, "secretary": secretary, "member": member, "chair": chair}
    return assessment, criteria, people


def test_member_appraises_the_unit_explains_round_two_and_the_chair_closes_the_block(
    live_server, page: Page, new_context, council
):
    assessment, criteria, people = council
    period = assessment.period

    def row(code: str) -> Locator:
        return page.locator(f"#row-{criteria[code].pk}")

    # 1. the member finds the ward in the queue and opens its workspace
    login(page, live_server, people["member"])
    navigation(page).get_by_role("link", name="Thẩm định", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Phiếu cần thẩm định năm {period.year}")
    queued = page.get_by_test_id("queue-row")
    expect(queued).to_have_count(1)
    expect(queued.get_by_test_id("progress")).to_have_text("0/7")
    expect(queued).to_contain_text("Đang thẩm định")
    queued.get_by_role("link", name=UNIT).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Thẩm định — {UNIT}")
    page.wait_for_load_state("load")  # htmx and the keyboard script bind once the scripts at the end have run
    workspace_url = page.url
    page.evaluate("window.journeyMarker = 'no reload'")
    expect(row("2.1").locator(".appraisal-own")).to_contain_text("1,25 → 1,25")

    # the council agrees with 1.1.1: the form starts from the unit's inputs, no reason needed
    timely = criteria["1.1.1"].options.get(label="Kịp thời")
    expect(row("1.1.1").get_by_label("Mức đạt được")).to_have_value(str(timely.pk))
    row("1.1.1").get_by_role("button", name="Lưu vòng 1").click()
    expect(row("1.1.1").get_by_role("status")).to_have_text("✓ Đã lưu")
    expect(row("1.1.1").get_by_test_id("r1-points")).to_have_text("1 điểm")
    expect(row("1.1.1")).to_contain_text("khớp tự chấm")
    expect(page.get_by_test_id("ws-progress")).to_have_text("1/7")  # the counters follow each save

    # the council gives 2.1 less than the unit: without a reason it is refused next to the reason field
    row("2.1").get_by_label("Điểm", exact=True).fill("0,75")
    row("2.1").get_by_role("button", name="Lưu vòng 1").click()
    reason = row("2.1").get_by_label(REASON_LABEL)
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_accessible_description("Điểm thẩm định (0,75) khác điểm tự chấm (1,25): hãy ghi lý do.")
    expect(row("2.1")).to_contain_text("chưa thẩm định")
    expect(row("2.1").get_by_test_id("r1-points")).to_have_count(0)

    # with a reason, saved from the keyboard: Ctrl+Enter submits the form the cursor is in
    reason = row("2.1").get_by_label(REASON_LABEL)
    reason.fill(ROUND_ONE_REASON)
    reason.press("Control+Enter")
    expect(row("2.1").get_by_role("status")).to_have_text("✓ Đã lưu")
    expect(row("2.1").get_by_test_id("r1-points")).to_have_text("0,75 điểm")
    expect(row("2.1")).to_contain_text("khác tự chấm")
    expect(row("2.1")).to_be_focused()  # the keyboard stays on the row after the swap
    expect(page.get_by_test_id("ws-progress")).to_have_text("2/7")
    expect(page.get_by_test_id("ws-differs")).to_have_text("1")

    # and asks the unit to explain 2.1
    row("2.1").get_by_label("Nội dung đơn vị cần giải trình hoặc bổ sung").fill(REQUEST)
    row("2.1").get_by_role("button", name="Đề nghị giải trình").click()
    expect(row("2.1").get_by_role("status")).to_have_text(
        "✓ Đã ghi đề nghị giải trình; Thư ký Hội đồng sẽ gửi cho đơn vị."
    )
    expect(row("2.1").get_by_test_id("request-message")).to_have_text(REQUEST)
    expect(row("2.1").get_by_role("button", name="Sửa đề nghị giải trình")).to_be_visible()
    expect(row("2.1").get_by_test_id("r1-points")).to_have_text("0,75 điểm")
    expect(page).to_have_url(workspace_url)
    assert page.evaluate("window.journeyMarker") == "no reload"

    # 2. the secretary sends the proposal with a deadline three days ahead
    secretary = new_context().new_page()
    login(secretary, live_server, people["secretary"])
    navigation(secretary).get_by_role("link", name="Hội đồng", exact=True).click()
    expect(secretary.get_by_role("heading", level=1)).to_have_text(f"Hội đồng thẩm định năm {period.year}")
    proposals = secretary.locator("section[aria-labelledby='explanations-heading']")
    expect(proposals).to_contain_text("Đề xuất: 1 · Đã gửi, chờ trả lời: 0 · Đã giải trình: 0")
    proposal = proposals.get_by_role("row").filter(has_text="2.1")
    expect(proposal).to_contain_text(UNIT)
    expect(proposal).to_contain_text(REQUEST)
    expect(proposal).to_contain_text("Phạm Thị Thẩm Định")
    expect(proposal.get_by_role("checkbox", name=f"Gửi yêu cầu 2.1 của {UNIT}")).to_be_checked()
    deadline = (timezone.localtime() + timedelta(days=3)).replace(hour=17, minute=0, second=0, microsecond=0)
    proposals.get_by_label("Hạn giải trình").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    proposals.get_by_role("button", name="Gửi các yêu cầu đã chọn").click()
    expect(secretary.get_by_role("alert")).to_have_text("Đã gửi 1 yêu cầu giải trình cho các đơn vị.")
    expect(proposals).to_contain_text("Không có đề xuất giải trình nào chờ gửi.")
    expect(proposals).to_contain_text("Đề xuất: 0 · Đã gửi, chờ trả lời: 1 · Đã giải trình: 0")

    # 3. the focal officer sees the notice, opens the explanation page and answers
    staff = new_context().new_page()
    login(staff, live_server, people["staff"])
    expect(staff.get_by_test_id("unread-count")).to_have_text("1 chưa đọc")
    staff.get_by_test_id("notice-bell").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Thông báo")
    staff.get_by_role("link", name=f"Hội đồng yêu cầu {UNIT} giải trình tiêu chí 2.1 trước 17:00 ").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(f"Yêu cầu giải trình — {UNIT}")
    expect(staff.get_by_role("navigation", name="breadcrumb")).to_contain_text("Giải trình")
    request = staff.locator("section.card").filter(has_text="Chất lượng giải quyết hồ sơ")
    expect(request.get_by_test_id("message-2.1")).to_have_text(REQUEST)
    expect(request.get_by_test_id("self-2.1")).to_have_text("1,25")
    expect(request).to_contain_text("Chờ giải trình")
    expect(request).to_contain_text("còn 3 ngày")
    request.get_by_label("Nội dung giải trình của đơn vị").fill(ANSWER)
    request.get_by_role("button", name="Gửi giải trình").click()
    expect(staff.get_by_role("alert")).to_have_text("Đã gửi nội dung giải trình tiêu chí 2.1 cho Hội đồng thẩm định.")
    expect(request).to_contain_text("Đã giải trình")
    expect(request.get_by_role("button", name="Cập nhật giải trình")).to_be_visible()

    # 4. the member is told, reads the answer in the workspace and scores round 2
    page.reload()
    expect(page.get_by_test_id("unread-count")).to_have_text("1 chưa đọc")
    page.get_by_test_id("notice-bell").click()
    page.get_by_role("link", name=f"{UNIT} đã giải trình tiêu chí 2.1.").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Thẩm định — {UNIT}")
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("ws-progress")).to_have_text("2/7")
    expect(row("2.1").get_by_test_id("request-answer")).to_have_text(ANSWER)
    round_two = row("2.1").locator("form[data-stage='round2']")
    expect(round_two.get_by_label("Điểm", exact=True)).to_have_value("0,75")  # starts from round 1
    round_two.get_by_label("Điểm", exact=True).fill("1")
    round_two.get_by_label(REASON_LABEL).fill(ROUND_TWO_REASON)
    round_two.get_by_role("button", name="Lưu vòng 2").click()
    expect(row("2.1").get_by_role("status")).to_have_text("✓ Đã lưu")
    own, first, second = (row("2.1").locator(f".appraisal-{part}") for part in ("own", "round1", "explanation"))
    expect(own).to_contain_text("1,25 → 1,25 điểm")
    expect(first.get_by_test_id("r1-points")).to_have_text("0,75 điểm")
    expect(first.get_by_label(REASON_LABEL)).to_have_value(ROUND_ONE_REASON)
    expect(second.get_by_role("heading", name="Thẩm định vòng 2 · 1 điểm")).to_be_visible()
    expect(second.get_by_label(REASON_LABEL)).to_have_value(ROUND_TWO_REASON)
    for part in (own, first, second):  # side by side: one line of three columns
        expect(part).to_be_in_viewport()
    boxes = [part.bounding_box() for part in (own, first, second)]
    assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
    assert len({round(box["y"]) for box in boxes}) == 1
    row("2.1").scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOT, full_page=True)

    # 5. the rest of round 1 is entered (as the unit scored it; the survey from its results), the chair closes
    for code in ("1.1.2", "1.2", "1.3", "2.2", "2.3"):
        appraisal_record(
            actor=people["member"],
            assessment=assessment,
            criterion=criteria[code],
            stage=Stage.ROUND_1,
            data=ScoreInput(entry=_entry(criteria[code], OWN_INPUTS.get(code, {"value": Decimal("0.8")}))),
            expected_version=0,
        )
    chair = new_context().new_page()
    login(chair, live_server, people["chair"])
    # The chair holds only the council-member role, so the navigation offers no way to the council dashboard
    # (see test_the_chair_finds_the_council_dashboard_in_the_navigation): go there by its address.
    chair.goto(f"{live_server.url}/council/")
    expect(chair.get_by_role("heading", level=1)).to_have_text(f"Hội đồng thẩm định năm {period.year}")
    closing = chair.locator("section[aria-labelledby='finalise-heading']")
    expect(closing).to_contain_text("Sẵn sàng chốt")
    closing.get_by_role("button", name="Chốt kết quả thẩm định khối").click()
    expect(chair.get_by_role("alert")).to_have_text(f"Đã chốt kết quả thẩm định khối “{assessment.unit.block.name}”.")
    expect(closing).to_contain_text("Đã chốt")
    expect(closing).to_contain_text("Đỗ Văn Chủ Tịch")

    # then: the workspace is read-only for the member, the three scores still side by side
    page.reload()
    expect(page.get_by_test_id("read-only")).to_have_text(
        "Khối này đã được Chủ tịch Hội đồng chốt kết quả thẩm định; điểm của Hội đồng chỉ còn xem được."
    )
    expect(page.locator("form.appraisal-form")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^(Lưu|Đề nghị giải trình)"))).to_have_count(0)
    expect(page.get_by_test_id("ws-progress")).to_have_text("7/7")
    expect(row("2.1").locator(".appraisal-round1")).to_contain_text("0,75 → 0,75")
    expect(row("2.1").locator(".appraisal-explanation")).to_contain_text("Vòng 2: 1 → 1")

    scores = Score.objects.filter(assessment=assessment, criterion=criteria["2.1"]).order_by("stage")
    by_stage = {score.stage: (score.pk, score.points) for score in scores}
    assert {stage: points for stage, (_, points) in by_stage.items()} == {
        Stage.SELF: Decimal("1.25"),
        Stage.ROUND_1: Decimal("0.75"),
        Stage.ROUND_2: Decimal("1"),
    }
    assert len({pk for pk, _ in by_stage.values()}) == 3
    assert Score.objects.get(pk=by_stage[Stage.ROUND_2][0]).explanation == ROUND_TWO_REASON


def test_the_chair_finds_the_council_dashboard_in_the_navigation(live_server, page: Page, council):
    _, _, people = council
    login(page, live_server, people["chair"])
    expect(navigation(page).get_by_role("link", name="Hội đồng", exact=True)).to_be_visible(timeout=2000)
