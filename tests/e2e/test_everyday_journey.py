"""Everyday work in Chromium: a long sheet's filters and jump list, warnings that take you to what they count
(the unit's, the head's, the secretary's and the chair's), and a submission that asks before it locks the sheet."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from scoring.models import Assessment, CouncilMembership, Criterion, ExplanationRequest, Period
from scoring.rules import Entry
from scoring.sheets.services import ScoreInput, self_score_record
from tests.e2e.helpers import login
from tests.factories import AssessmentFactory, UnitFactory, open_sheet, small_framework, user_with_role
from units.models import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CONFIRM = "Tôi đã kiểm tra phiếu và chịu trách nhiệm về kết quả tự đánh giá."


@pytest.fixture
def ward():
    """A ward's sheet with 2.1 scored without evidence or reason, 1.3 with a reason; the rest unscored."""
    assessment = open_sheet(name="UBND phường Hạ Đình")
    unit, framework = assessment.unit, assessment.framework
    staff = user_with_role(Role.UNIT_STAFF, unit=unit, full_name="Vũ Thị Lan")
    head = user_with_role(Role.UNIT_HEAD, unit=unit, full_name="Trần Văn Hùng")
    secretary = user_with_role(Role.COUNCIL_SECRETARY, full_name="Nguyễn Thu Hà")
    criteria = {c.code: c for c in Criterion.objects.filter(framework=framework)}
    self_score_record(
        actor=staff,
        assessment=assessment,
        criterion=criteria["2.1"],
        data=ScoreInput(entry=Entry(value=Decimal("1.5"))),
        expected_version=0,
    )
    self_score_record(
        actor=staff,
        assessment=assessment,
        criterion=criteria["1.3"],
        data=ScoreInput(entry=Entry(is_yes=True), no_evidence_reason="Biên bản lưu bản giấy"),
        expected_version=0,
    )
    return assessment, criteria, staff, head, secretary


def row_codes(page) -> list[str]:
    return page.locator(".sheet-row h3 .text-muted").all_inner_texts()


def test_filters_jump_list_and_warning_links_on_the_sheet(live_server, page, ward):
    assessment, criteria, staff, _head, _secretary = ward
    login(page, live_server, staff)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    assert row_codes(page) == ["1.1.1", "1.1.2", "1.2", "1.3", "2.1", "2.2", "2.3"]

    # the filters: unscored, missing evidence, reason given; each keeps its criteria only
    filters = page.get_by_role("navigation", name="Lọc tiêu chí")
    filters.get_by_role("link", name="Chưa chấm").click()
    expect(page.get_by_test_id("filter-status")).to_have_text("Đang hiện 4 / 7 tiêu chí. Bỏ lọc, xem cả phiếu")
    assert row_codes(page) == ["1.1.1", "1.1.2", "1.2", "2.2"]
    filters.get_by_role("link", name="Thiếu tài liệu kiểm chứng").click()
    expect(page.locator(".sheet-row")).to_have_count(1)
    assert row_codes(page) == ["2.1"]
    filters.get_by_role("link", name="Có lý do không có tài liệu").click()
    expect(page.locator(".sheet-row")).to_have_count(1)
    assert row_codes(page) == ["1.3"]

    # the area filter (submits on change), then back to the whole sheet
    page.get_by_role("link", name="Bỏ lọc, xem cả phiếu").click()
    page.get_by_label("Lĩnh vực", exact=True).select_option("2")
    expect(page.locator(".sheet-row")).to_have_count(3)
    assert row_codes(page) == ["2.1", "2.2", "2.3"]
    page.get_by_role("link", name="Bỏ lọc, xem cả phiếu").click()
    expect(page.locator(".sheet-row")).to_have_count(7)

    # the jump list scrolls to the criterion and puts it in the address
    page.get_by_label("Đi tới tiêu chí").select_option(str(criteria["2.2"].pk))
    expect(page).to_have_url(f"{live_server.url}/assessments/{assessment.pk}/#row-{criteria['2.2'].pk}")
    expect(page.locator(f"#row-{criteria['2.2'].pk}")).to_be_in_viewport()

    # the warning names the criterion lacking evidence, and its link takes the officer there
    summary = page.get_by_label("Tổng hợp điểm")
    expect(summary.get_by_test_id("evidence-missing")).to_have_text("1 tiêu chí thiếu tài liệu kiểm chứng: 2.1")
    summary.get_by_role("link", name="2.1", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/assessments/{assessment.pk}/#row-{criteria['2.1'].pk}")
    expect(page.locator(f"#row-{criteria['2.1'].pk}")).to_be_in_viewport()
    summary.get_by_role("link", name="4 tiêu chí chưa chấm").click()
    expect(page.locator(".sheet-row")).to_have_count(4)


def test_the_heads_blockers_link_to_each_criterion_and_submission_asks_first(live_server, page, ward):
    assessment, criteria, staff, head, _secretary = ward
    login(page, live_server, head)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/submit/")
    blockers = page.get_by_test_id("blockers")
    expect(blockers.get_by_role("link")).to_have_count(5)
    blockers.get_by_role("link", name="Tiêu chí 2.1 chưa có tài liệu kiểm chứng hoặc lý do không có.").click()
    expect(page).to_have_url(f"{live_server.url}/assessments/{assessment.pk}/#row-{criteria['2.1'].pk}")
    expect(page.locator(f"#row-{criteria['2.1'].pk}")).to_be_in_viewport()
    expect(page.get_by_role("button", name="Duyệt và nộp phiếu")).to_have_count(0)  # the head reads, staff edit

    # given a complete sheet
    for code, entry in [
        ("1.1.1", Entry(option_id=criteria["1.1.1"].options.order_by("position").first().pk)),
        ("1.1.2", Entry(percent=Decimal("95"))),
        ("1.2", Entry(achieved=Decimal("10"), required=Decimal("10"))),
        ("2.1", Entry(value=Decimal("1.5"))),
        ("2.2", Entry(occurrences=0)),
    ]:
        self_score_record(
            actor=staff,
            assessment=assessment,
            criterion=criteria[code],
            data=ScoreInput(entry=entry, no_evidence_reason="Lưu bản giấy tại bộ phận một cửa"),
            expected_version=1 if code == "2.1" else 0,
        )
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/submit/")
    locked = page.get_by_test_id("locked-items")
    expect(locked).to_contain_text("điểm, giải thích và lý do của 6 tiêu chí đã chấm")
    expect(locked).to_contain_text("0 trích dẫn tài liệu kiểm chứng")
    expect(locked).to_contain_text("tổng điểm tự đánh giá 9 / 9 (chỉ số 100,00%)")

    # when the head clicks without confirming, the browser asks for the tick and nothing is submitted
    page.get_by_role("button", name="Duyệt và nộp phiếu").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tóm tắt phiếu tự đánh giá")
    assessment.refresh_from_db()
    assert assessment.state == Assessment.State.DRAFT
    # when they tick it, the sheet is submitted and locked
    page.get_by_label(CONFIRM).check()
    page.get_by_role("button", name="Duyệt và nộp phiếu").click()
    expect(page.get_by_role("alert")).to_have_text("Đã nộp phiếu tự đánh giá. Phiếu đã khóa, chờ Hội đồng thẩm định.")
    assessment.refresh_from_db()
    assert assessment.state == Assessment.State.SUBMITTED


def test_the_secretarys_dashboard_links_each_unit_to_its_sheet(live_server, page, ward):
    assessment, _criteria, _staff, _head, secretary = ward
    login(page, live_server, secretary)
    page.goto(f"{live_server.url}/council/{assessment.period.year}/")
    page.get_by_test_id("unit-link").filter(has_text="UBND phường Hạ Đình").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Phiếu tự đánh giá — UBND phường Hạ Đình")


def test_the_chairs_blockers_take_them_to_what_is_left_on_the_units_workspace(live_server, page):
    # given a submitted ward under appraisal: nothing appraised in round 1, criterion 2.1 explained and waiting for
    # round 2
    framework = small_framework()
    period = framework.period
    Period.objects.filter(pk=period.pk).update(state=Period.State.APPRAISAL)
    unit = UnitFactory(block=framework.block, name="UBND phường Khương Đình")
    assessment = AssessmentFactory(framework=framework, unit=unit, submitted=True)
    chair = user_with_role(Role.COUNCIL_MEMBER, full_name="Đỗ Văn Chủ Tịch")
    CouncilMembership.objects.create(period=period, user=chair, is_chair=True)
    explained = Criterion.objects.get(framework=framework, code="2.1")
    ExplanationRequest.objects.create(
        assessment=assessment, criterion=explained, message="Bổ sung biên bản", requested_by=chair,
        state=ExplanationRequest.State.ANSWERED, sent_at=timezone.now(), deadline=timezone.now() + timedelta(days=2),
        answer="Đã bổ sung biên bản họp",
    )  # fmt: skip
    login(page, live_server, chair)
    page.goto(f"{live_server.url}/council/{period.year}/")
    blockers = page.get_by_test_id("blockers")
    expect(blockers.get_by_role("link")).to_have_count(2)

    # when the chair follows the round-2 blocker, the workspace opens on the explained criterion
    round_two = "UBND phường Khương Đình: tiêu chí 2.1 chờ thẩm định vòng 2 sau giải trình."
    blockers.get_by_role("link", name=round_two).click()
    expect(page).to_have_url(f"{live_server.url}/appraisal/{assessment.pk}/#row-{explained.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thẩm định — UBND phường Khương Đình")
    expect(page.locator(f"#row-{explained.pk}")).to_be_in_viewport()

    # and the round-1 blocker opens the workspace filtered to the criteria not yet appraised
    page.go_back()
    blockers.get_by_role("link", name="UBND phường Khương Đình: còn 7 tiêu chí chưa thẩm định vòng 1.").click()
    expect(page).to_have_url(f"{live_server.url}/appraisal/{assessment.pk}/?only=todo")
    expect(page.locator("[data-appraisal-row]")).to_have_count(7)
