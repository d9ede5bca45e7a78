"""Appraisal pages: queue and workspace permissions, htmx rows, stale pages, filters and query counts."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring.models import (
    AdjustmentEntry,
    AdjustmentItem,
    AppraisalAssignment,
    Assessment,
    BlockFinalisation,
    CouncilMembership,
    Criterion,
    ExplanationRequest,
    Score,
    ScoreChange,
    Stage,
)
from tests.factories import (
    AssessmentFactory,
    ScoreFactory,
    UnitFactory,
    cite,
    in_appraisal,
    seat,
    user_with_role,
    wide_framework,
)
from units.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(sheets):
    """Hạ Đình submitted and assigned to one member; Kim Giang still drafting; the people of the matrix."""
    period, unit, other_unit = sheets.period, sheets.unit, sheets.other_unit
    people = {
        "staff": user_with_role(Role.UNIT_STAFF, unit=unit),
        "head": sheets.head,
        "other_staff": user_with_role(Role.UNIT_STAFF, unit=other_unit),
        "member": seat(period, unit=unit),
        "unassigned_member": seat(period),
        "conflicted_member": seat(period, unit=unit, home_unit=unit),
        "secretary": user_with_role(Role.COUNCIL_SECRETARY),
        "leadership": user_with_role(Role.LEADERSHIP),
        "chair": seat(period, is_chair=True),
    }
    AppraisalAssignment.objects.create(period=period, member=people["member"], unit=other_unit)  # a draft: not shown
    criteria = {c.code: c for c in Criterion.objects.filter(framework=sheets.framework)}
    return sheets.assessment, sheets.draft, criteria, people


def save(client, assessment, criterion, *, stage="round1", htmx=True, version=0, **fields):
    prefix = {"round1": "r1", "round2": "r2"}[stage]
    data = {f"{prefix}-{criterion.pk}-{name}": value for name, value in fields.items()}
    data[f"{prefix}-{criterion.pk}-version"] = version
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(
        reverse("appraisal_score_save", args=[assessment.pk, criterion.pk, stage]), data, headers=headers
    )


MATRIX = [
    # who, queue shows the sheet, workspace status, save status
    ("staff", False, 404, 404),
    ("head", False, 404, 404),
    ("other_staff", False, 404, 404),
    ("member", True, 200, 200),
    ("unassigned_member", False, 404, 404),
    ("conflicted_member", False, 404, 404),
    ("secretary", False, 404, 404),
    ("leadership", False, 404, 404),
    ("chair", True, 200, 200),
]


@pytest.mark.parametrize(("who", "listed", "workspace_status", "save_status"), MATRIX)
def test_permission_matrix(client, council, who, listed, workspace_status, save_status):
    assessment, _, criteria, people = council
    client.force_login(people[who])

    queue = client.get(reverse("appraisal_queue"))
    assert queue.status_code == 200
    assert ("UBND phường Hạ Đình" in queue.content.decode()) is listed

    assert client.get(reverse("appraisal_workspace", args=[assessment.pk])).status_code == workspace_status

    response = save(client, assessment, criteria["2.1"], value="1", explanation="Thiếu biên bản")
    assert response.status_code == save_status
    saved = Score.objects.filter(stage=Stage.ROUND_1)
    if save_status == 200:
        assert list(saved.values_list("points", "updated_by")) == [(Decimal("1"), people[who].pk)]
    else:
        assert not saved.exists()
        assert not ScoreChange.objects.exists()


def test_anonymous_people_are_sent_to_log_in_and_nothing_is_saved(client, council):
    assessment, _, criteria, _ = council
    for url in (reverse("appraisal_queue"), reverse("appraisal_workspace", args=[assessment.pk])):
        response = client.get(url)
        assert (response.status_code, response.url) == (302, f"{reverse('login')}?next={url}")
    response = save(client, assessment, criteria["2.1"], value="1", explanation="x")
    assert response.status_code == 302
    assert not Score.objects.filter(stage=Stage.ROUND_1).exists()


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("secretary", "Bạn không phải thành viên Hội đồng thẩm định kỳ"),
        ("leadership", "Bạn không phải thành viên Hội đồng thẩm định kỳ"),
        ("unassigned_member", "Bạn chưa được phân công thẩm định đơn vị hoặc lĩnh vực nào. Thư ký Hội đồng phân công"),
    ],
)
def test_the_queue_says_what_to_do_when_it_is_empty(client, council, who, message):
    _, _, _, people = council
    client.force_login(people[who])
    assert message in client.get(reverse("appraisal_queue")).content.decode()


def test_an_unsubmitted_sheet_is_not_found_even_when_assigned(client, council):
    _, draft, criteria, people = council
    client.force_login(people["member"])
    assert client.get(reverse("appraisal_workspace", args=[draft.pk])).status_code == 404
    assert save(client, draft, criteria["2.1"], value="1", explanation="x").status_code == 404
    assert not Score.objects.filter(stage=Stage.ROUND_1).exists()


def test_the_workspace_shows_the_unit_and_the_council_side_by_side(client, council):
    assessment, _, criteria, people = council
    document = cite(
        assessment,
        criteria["1.1.1"],
        people["staff"],
        title="Kế hoạch CCHC năm 2023",
        original_name="ke-hoach.pdf",
        locator="trang 2",
    ).document
    client.force_login(people["member"])
    html = client.get(reverse("appraisal_workspace", args=[assessment.pk])).content.decode()
    assert html.count("data-appraisal-row") == 7
    assert f'href="{reverse("evidence_document_preview", args=[document.pk])}" target="_blank"' in html
    assert 'Kế hoạch CCHC năm 2023</a> <span class="text-muted">— trang 2</span>' in html
    assert f'id="id_r1-{criteria["1.1.1"].pk}-option"' in html
    assert f'<label class="form-label small mb-0" for="id_r1-{criteria["2.1"].pk}-value">Điểm</label>' in html
    assert "Đơn vị đánh dấu: không áp dụng" in html
    assert "Xác nhận “không áp dụng”" in html
    assert reverse("score_history", args=[assessment.pk, criteria["2.1"].pk]) in html
    assert "Ctrl</kbd>+<kbd>Enter" in html
    assert "js/appraisal.js" in html


def test_htmx_save_answers_with_the_row(client, council):
    assessment, _, criteria, people = council
    client.force_login(people["member"])
    response = save(client, assessment, criteria["2.1"], value="1", explanation="Thiếu biên bản quý IV")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(
        f'<section class="card appraisal-row mb-3 sheet-row-saved" id="row-{criteria["2.1"].pk}"'
    )
    assert "<html" not in html
    assert "✓ Đã lưu" in html
    assert 'data-testid="r1-points">1 điểm</span>' in html
    assert f'name="r1-{criteria["2.1"].pk}-version" value="1"' in html
    assert "khác tự chấm" in html
    # and the workspace's counters, swapped in place (out of band), as the page now counts them
    summary = html[html.index('id="ws-summary"') :]
    assert 'hx-swap-oob="true"' in summary.split(">", 1)[0]
    page = client.get(reverse("appraisal_workspace", args=[assessment.pk])).content.decode()
    for test_id in ("ws-progress", "ws-differs"):
        counted = summary.split(f'data-testid="{test_id}">', 1)[1].split("<", 1)[0]
        assert counted == page.split(f'data-testid="{test_id}">', 1)[1].split("<", 1)[0]
    assert 'data-testid="ws-progress">1/' in summary and 'data-testid="ws-differs">1<' in summary


def test_a_different_score_without_a_reason_shows_the_error_next_to_the_reason(client, council):
    assessment, _, criteria, people = council
    client.force_login(people["member"])
    html = save(client, assessment, criteria["2.1"], value="1").content.decode()
    field = f"id_r1-{criteria['2.1'].pk}-explanation"
    assert f'id="{field}" aria-invalid="true" aria-describedby="{field}-error"' in html
    assert (
        f'<div class="invalid-feedback" id="{field}-error">'
        "Điểm thẩm định (1) khác điểm tự chấm (1,25): hãy ghi lý do.</div>" in html
    )
    assert not Score.objects.filter(stage=Stage.ROUND_1).exists()


def test_a_stale_page_gets_the_conflict_message_and_the_newer_value(client, council):
    assessment, _, criteria, people = council
    client.force_login(people["chair"])
    save(client, assessment, criteria["2.1"], value="1", explanation="Thiếu biên bản")
    client.force_login(people["member"])
    html = save(
        client, assessment, criteria["2.1"], value="0.5", explanation="Thiếu số liệu", version=0
    ).content.decode()
    assert "Điểm này vừa được người khác cập nhật. Hãy xem giá trị mới rồi lưu lại nếu cần." in html
    assert f"Giá trị hiện tại: 1 điểm (do {people['chair'].full_name} lưu)." in html
    assert f'name="r1-{criteria["2.1"].pk}-version" value="1"' in html
    assert f'id="id_r1-{criteria["2.1"].pk}-value" value="1"' in html
    score = Score.objects.get(stage=Stage.ROUND_1)
    assert (score.points, score.updated_by, score.version) == (Decimal("1"), people["chair"], 1)


def test_without_htmx_a_save_redirects_to_the_row(client, council):
    assessment, _, criteria, people = council
    client.force_login(people["member"])
    response = save(client, assessment, criteria["2.1"], htmx=False, value="1.25")
    url = reverse("appraisal_workspace", args=[assessment.pk])
    assert (response.status_code, response.url) == (302, f"{url}#row-{criteria['2.1'].pk}")
    assert Score.objects.get(stage=Stage.ROUND_1).points == Decimal("1.25")


def test_an_area_member_sees_and_saves_only_their_area(client, council):
    assessment, _, criteria, people = council
    member = seat(assessment.period, area_code="2")
    client.force_login(member)
    html = client.get(reverse("appraisal_workspace", args=[assessment.pk])).content.decode()
    assert html.count("data-appraisal-row") == 3
    assert "Bạn được phân công lĩnh vực: 2." in html
    assert save(client, assessment, criteria["1.2"], achieved="7", required="8", explanation="x").status_code == 404
    assert not Score.objects.filter(stage=Stage.ROUND_1).exists()


def test_a_finalised_block_is_read_only_and_refuses_saves(client, council):
    assessment, _, criteria, people = council
    client.force_login(people["member"])
    save(client, assessment, criteria["2.1"], value="1.25")
    BlockFinalisation.objects.create(
        period=assessment.period, block=assessment.unit.block, finalised_by=people["chair"]
    )

    html = client.get(reverse("appraisal_workspace", args=[assessment.pk])).content.decode()
    assert "Khối này đã được Chủ tịch Hội đồng chốt kết quả thẩm định; điểm của Hội đồng chỉ còn xem được." in html
    assert "<form" not in html.split('id="main"')[1].split("<footer")[0]
    assert save(client, assessment, criteria["2.1"], value="1", explanation="x", version=1).status_code == 403
    flag = client.post(reverse("appraisal_flag", args=[assessment.pk, criteria["2.1"].pk]), {"message": "x"})
    assert flag.status_code == 403
    score = Score.objects.get(stage=Stage.ROUND_1)
    assert (score.points, score.version) == (Decimal("1.25"), 1)
    assert not ExplanationRequest.objects.exists()
    queue = client.get(reverse("appraisal_queue")).content.decode()
    assert "Khối đã chốt" in queue


def test_a_member_proposes_and_withdraws_an_explanation_request(client, council):
    assessment, _, criteria, people = council
    client.force_login(people["member"])
    url = reverse("appraisal_flag", args=[assessment.pk, criteria["2.1"].pk])
    prefix = f"flag-{criteria['2.1'].pk}"

    empty = client.post(url, {f"{prefix}-message": " "}, headers={"HX-Request": "true"}).content.decode()
    assert "Hãy ghi nội dung đơn vị cần giải trình hoặc bổ sung." in empty
    assert not ExplanationRequest.objects.exists()

    html = client.post(url, {f"{prefix}-message": "Bổ sung biên bản"}, headers={"HX-Request": "true"}).content.decode()
    request = ExplanationRequest.objects.get()
    assert (request.criterion, request.state, request.message) == (criteria["2.1"], "flagged", "Bổ sung biên bản")
    assert 'data-testid="request-message">Bổ sung biên bản</dd>' in html
    assert "Rút đề nghị giải trình" in html

    withdraw = reverse("appraisal_flag_withdraw", args=[assessment.pk, criteria["2.1"].pk])
    assert client.post(withdraw, headers={"HX-Request": "true"}).status_code == 200
    assert not ExplanationRequest.objects.exists()


def test_round_two_input_appears_once_the_unit_has_answered(client, council):
    assessment, _, criteria, people = council
    client.force_login(people["member"])
    save(client, assessment, criteria["2.1"], value="0.5", explanation="Thiếu biên bản")
    request = ExplanationRequest.objects.create(
        assessment=assessment,
        criterion=criteria["2.1"],
        message="Bổ sung biên bản",
        requested_by=people["member"],
        state=ExplanationRequest.State.SENT,
        sent_at=timezone.now(),
        deadline=timezone.now() + timedelta(days=2),
    )
    refused = save(client, assessment, criteria["2.1"], stage="round2", value="1", explanation="Đã bổ sung")
    assert refused.status_code == 403
    assert not Score.objects.filter(stage=Stage.ROUND_2).exists()

    ExplanationRequest.objects.filter(pk=request.pk).update(state="answered", answer="Đã tải biên bản 12/BB")
    page = client.get(reverse("appraisal_workspace", args=[assessment.pk])).content.decode()
    assert 'data-testid="request-answer">Đã tải biên bản 12/BB</dd>' in page
    assert f'id="id_r2-{criteria["2.1"].pk}-value"' in page
    html = save(
        client, assessment, criteria["2.1"], stage="round2", value="1", explanation="Biên bản hợp lệ"
    ).content.decode()
    assert "Thẩm định vòng 2 · 1 điểm" in html
    rounds = dict(Score.objects.filter(criterion=criteria["2.1"]).values_list("stage", "points"))
    assert rounds == {"self": Decimal("1.25"), "round1": Decimal("0.5"), "round2": Decimal("1")}


def test_bonus_and_penalty_are_saved_within_the_caps(client, council):
    assessment, _, _, people = council
    framework = assessment.framework
    framework.bonus_cap = Decimal("1")
    framework.save()
    item = AdjustmentItem.objects.create(
        framework=framework, kind="bonus", code="T1", title="Sáng kiến CCHC", max_points=Decimal("2")
    )
    client.force_login(people["member"])
    url = reverse("appraisal_adjustment_save", args=[assessment.pk, item.pk])
    over = client.post(
        url,
        {f"adj-{item.pk}-points": "1,5", f"adj-{item.pk}-reason": "Sáng kiến"},
        headers={"HX-Request": "true"},
    )
    assert "Tổng điểm thưởng sẽ là 1,5, vượt mức trần 1." in over.content.decode()
    assert not AdjustmentEntry.objects.exists()
    ok = client.post(
        url, {f"adj-{item.pk}-points": "1", f"adj-{item.pk}-reason": "Sáng kiến số 3"}, headers={"HX-Request": "true"}
    )
    assert ok.content.decode().lstrip().startswith('<section id="adjustments"')
    assert list(AdjustmentEntry.objects.values_list("points", "reason")) == [(Decimal("1"), "Sáng kiến số 3")]


def test_filters_keep_only_the_matching_criteria(client, council):
    assessment, _, criteria, people = council
    client.force_login(people["member"])
    save(client, assessment, criteria["2.1"], value="1", explanation="Thiếu biên bản")
    save(client, assessment, criteria["2.2"], occurrences="1")
    url = reverse("appraisal_workspace", args=[assessment.pk])
    assert client.get(url, {"only": "todo"}).content.decode().count("data-appraisal-row") == 5
    assert client.get(url, {"only": "differs"}).content.decode().count("data-appraisal-row") == 1
    # no evidence was linked; 1.3 is not applicable and 2.3 is a survey
    assert client.get(url, {"only": "evidence"}).content.decode().count("data-appraisal-row") == 5
    queue = client.get(reverse("appraisal_queue")).content.decode()
    assert re.search(r'data-testid="progress">2/7<', queue)
    assert 'data-testid="differs">1<' in queue
    assert f'data-testid="evidence-missing"><a href="{url}?only=evidence">5</a><' in queue
    assert 'data-testid="evidence-reason">0<' in queue  # no reason was written for any of them
    assert client.get(url, {"only": "reason"}).content.decode().count("data-appraisal-row") == 0
    assert (
        client.get(reverse("appraisal_queue"), {"only": "differs"}).content.decode().count('data-testid="queue-row"')
        == 1
    )
    save(client, assessment, criteria["2.1"], value="1.25", explanation="", version=1)
    assert (
        client.get(reverse("appraisal_queue"), {"only": "differs"}).content.decode().count('data-testid="queue-row"')
        == 0
    )


# ---------------------------------------------------------------------------------------------
# Query counts on a 25-unit period with a 120-criterion framework


@pytest.fixture
def big_period():
    framework = wide_framework(areas=6, leaves_per_area=20)
    period = in_appraisal(framework)
    head = user_with_role(Role.UNIT_HEAD, unit=UnitFactory(block=framework.block))
    units = [UnitFactory(block=framework.block, name=f"UBND phường Số {n:02}") for n in range(25)]
    assessments = Assessment.objects.bulk_create(
        AssessmentFactory.build(framework=framework, unit=unit, submitted=True, submitted_by=head) for unit in units
    )
    leaves = list(Criterion.objects.filter(framework=framework).exclude(rule_type="").prefetch_related("options"))
    Score.objects.bulk_create(
        ScoreFactory.build(
            assessment=assessment,
            criterion=leaf,
            stage=stage,
            option=leaf.options.all()[0],
            updated_by=head,
            explanation="Đủ hồ sơ",
        )
        for assessment in assessments
        for stage, leaf_slice in ((Stage.SELF, leaves), (Stage.ROUND_1, leaves[:30]))
        for leaf in leaf_slice
    )
    member = seat(period)
    AppraisalAssignment.objects.bulk_create(
        AppraisalAssignment(period=period, member=member, unit=unit) for unit in units
    )
    return assessments, member


def test_the_queue_of_25_sheets_runs_a_fixed_number_of_queries(client, big_period, django_assert_num_queries):
    _, member = big_period
    client.force_login(member)
    # session, user, current period, membership, assignments, conflicts, finalisations, roles, sheets with counts,
    # unread notices (the bell in base.html), whether a council member chairs an open council (navigation), cycle banner
    with django_assert_num_queries(12):
        response = client.get(reverse("appraisal_queue"))
    html = response.content.decode()
    assert html.count('data-testid="queue-row"') == 25
    assert html.count('data-testid="progress">30/120<') == 25


def test_the_workspace_of_120_criteria_runs_a_fixed_number_of_queries(client, big_period, django_assert_num_queries):
    assessments, member = big_period
    client.force_login(member)
    # session, user, sheet, membership, assignments, conflicts, finalisations, roles, criteria, options,
    # scores, explanation requests, evidence links, adjustment entries, adjustment items, unread notices (the bell),
    # whether a council member chairs an open council (navigation), cycle banner
    with django_assert_num_queries(18):
        response = client.get(reverse("appraisal_workspace", args=[assessments[0].pk]))
    html = response.content.decode()
    assert html.count("data-appraisal-row") == 120
    assert 'data-testid="ws-progress">30/120<' in html


def test_the_pages_answer_without_a_browser(client, council):
    """Smoke: both pages render for a member with the page furniture the browser journey relies on."""
    assessment, _, _, people = council
    client.force_login(people["member"])
    queue = client.get(reverse("appraisal_queue"))
    workspace = client.get(reverse("appraisal_workspace", args=[assessment.pk]))
    assert (queue.status_code, workspace.status_code) == (200, 200)
    assert reverse("appraisal_workspace", args=[assessment.pk]) in queue.content.decode()
    assert 'id="shortcuts"' in workspace.content.decode()
    assert CouncilMembership.objects.filter(user=people["member"]).count() == 1


@pytest.mark.parametrize(("area_code", "on_unit", "progress"), [("2", False, "1/3"), ("1", True, "1/4")])
def test_queue_progress_counts_only_the_members_criteria(client, council, area_code, on_unit, progress):
    assessment, _, criteria, people = council
    member = seat(assessment.period, unit=assessment.unit if on_unit else None, area_code=area_code)
    client.force_login(people["chair"])
    save(client, assessment, criteria["1.1.1"], option=criteria["1.1.1"].options.get(label="Kịp thời").pk)
    save(client, assessment, criteria["2.1"], value="1.25")
    ExplanationRequest.objects.create(
        assessment=assessment, criterion=criteria["2.2"], message="Giải trình", requested_by=people["chair"]
    )
    client.force_login(member)
    html = client.get(reverse("appraisal_queue")).content.decode()
    assert html.count('data-testid="queue-row"') == 1
    assert f'data-testid="progress">{progress}<' in html
    assert f'data-testid="open-requests">{1 if area_code == "2" else 0}<' in html
