import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring.models import Assessment, AuditEvent, Criterion, Period, Score, ScoreChange, SignedDocument, Stage
from scoring.sheets.selectors import load_sheet_summary, sheet_figures
from tests.factories import (
    PASSWORD,
    cite,
    fill_sheet,
    open_wide_sheet,
    post_self_score,
)

pytestmark = pytest.mark.django_db


def as_user(client, user):
    client.force_login(user)
    return client


def test_inputs_the_rule_does_not_read_are_not_stored(client, sheet):
    # given a crafted request sending every input to a percent-band criterion
    assessment, criteria, people = sheet
    response = post_self_score(
        as_user(client, people["staff"]),
        assessment,
        criteria["1.1.2"],
        percent="92,5",
        achieved="7",
        required="8",
        value="abc",
        is_yes="yes",
        occurrences="3",
    )
    # then the score keeps only its rule's input, and the inputs it does not read raise no error either
    assert response.status_code == 200
    score = Score.objects.get(assessment=assessment, criterion=criteria["1.1.2"], stage=Stage.SELF)
    assert (score.percent, score.points) == (Decimal("92.5"), Decimal("2"))
    assert [score.achieved, score.required, score.value, score.is_yes, score.occurrences] == [None] * 5


def test_opening_the_period_gives_every_active_unit_a_sheet(sheet):
    assessment, _, _ = sheet
    assert Assessment.objects.filter(period=assessment.period).count() == 2
    assert assessment.state == Assessment.State.DRAFT


@pytest.mark.parametrize(
    ("code", "fields", "points"),
    [
        ("1.1.2", {"percent": "92,5"}, Decimal("2")),
        ("1.2", {"achieved": "7", "required": "8"}, Decimal("1.75")),
        ("1.3", {"is_yes": "yes"}, Decimal("1")),
        ("2.1", {"value": "1.25"}, Decimal("1.25")),
        ("2.2", {"occurrences": "1"}, Decimal("1")),
    ],
)
def test_staff_save_each_rule_and_points_follow(client, sheet, code, fields, points):
    assessment, criteria, people = sheet
    response = post_self_score(
        as_user(client, people["staff"]), assessment, criteria[code], explanation="Theo báo cáo năm", **fields
    )
    assert response.status_code == 200
    score = Score.objects.get(assessment=assessment, criterion=criteria[code], stage=Stage.SELF)
    assert score.points == points
    assert score.version == 1
    html = response.content.decode()
    assert "Đã lưu" in html
    assert 'id="sheet-summary"' in html and 'hx-swap-oob="true"' in html
    change = ScoreChange.objects.get(score=score)
    assert (change.actor, change.old_points, change.new_points, change.reason) == (
        people["staff"],
        None,
        points,
        "Theo báo cáo năm",
    )


def test_a_level_is_chosen_by_option(client, sheet):
    assessment, criteria, people = sheet
    late = criteria["1.1.1"].options.get(label="Không kịp thời")
    post_self_score(as_user(client, people["staff"]), assessment, criteria["1.1.1"], option=late.pk)
    assert Score.objects.get(criterion=criteria["1.1.1"]).points == Decimal("0.5")


@pytest.mark.parametrize(
    ("code", "fields", "message"),
    [
        ("2.1", {"value": "1.6"}, "Điểm phải từ 0 đến 1,5."),
        ("2.1", {"value": "-0.25"}, "Điểm phải từ 0 đến 1,5."),
        ("2.1", {"value": "0.3"}, "Điểm phải là bội số của 0,25."),
        ("2.1", {"value": "NaN"}, "điểm phải là một số hữu hạn."),
        ("2.1", {"value": "mười"}, "điểm phải là một số."),
        ("1.1.2", {"percent": "120"}, "Tỷ lệ phải từ 0 đến 100%."),
        ("1.2", {"achieved": "9", "required": "8"}, "Số đạt không được lớn hơn số yêu cầu."),
        ("2.2", {"occurrences": "-1"}, "Số lần phải là số nguyên không âm."),
        ("1.3", {}, "Hãy chọn Có hoặc Không."),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_saved(client, sheet, code, fields, message):
    assessment, criteria, people = sheet
    response = post_self_score(as_user(client, people["staff"]), assessment, criteria[code], **fields)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'aria-invalid="true"' in html
    assert not Score.objects.exists()
    assert not ScoreChange.objects.exists()


def test_without_htmx_errors_come_back_as_messages_on_the_sheet(client, sheet):
    assessment, criteria, people = sheet
    response = post_self_score(as_user(client, people["staff"]), assessment, criteria["2.1"], htmx=False, value="9")
    assert response.status_code == 302
    page = client.get(response.url)
    assert "2.1: Điểm phải từ 0 đến 1,5." in page.content.decode()
    assert not Score.objects.exists()


def test_two_people_saving_from_stale_pages_do_not_overwrite_each_other(client, sheet):
    assessment, criteria, people = sheet
    post_self_score(as_user(client, people["staff"]), assessment, criteria["2.1"], value="1.5", version=0)
    response = post_self_score(as_user(client, people["head"]), assessment, criteria["2.1"], value="0.5", version=0)
    html = response.content.decode()
    assert "Điểm này vừa được người khác cập nhật." in html
    assert 'value="1,5"' in html  # the newer value is shown to the second person
    score = Score.objects.get(criterion=criteria["2.1"])
    assert (score.points, score.version, score.updated_by) == (Decimal("1.5"), 1, people["staff"])
    assert ScoreChange.objects.count() == 1


def test_not_applicable_needs_a_reason_and_lowers_the_maximum(client, sheet):
    assessment, criteria, people = sheet
    as_user(client, people["staff"])
    response = post_self_score(client, assessment, criteria["1.3"], is_not_applicable="on")
    assert "Hãy ghi lý do tiêu chí không áp dụng với đơn vị." in response.content.decode()
    assert not Score.objects.exists()
    post_self_score(
        client, assessment, criteria["1.3"], is_not_applicable="on", explanation="Phường không có đơn vị trực thuộc"
    )
    score = Score.objects.get(criterion=criteria["1.3"])
    assert (score.is_not_applicable, score.points) == (True, None)
    post_self_score(client, assessment, criteria["2.1"], value="1.5")
    page = client.get(reverse("assessment_sheet", args=[assessment.pk])).content.decode()
    assert '<span class="display-6 fw-semibold" data-testid="total-points">1,5</span> / 8 điểm' in page


def test_not_applicable_is_refused_where_the_framework_does_not_allow_it(client, sheet):
    assessment, criteria, people = sheet
    post_self_score(
        as_user(client, people["staff"]), assessment, criteria["2.1"], is_not_applicable="on", explanation="x"
    )
    # the form has no such field for this criterion, so the mark is ignored and the missing score is reported
    assert not Score.objects.exists()


def test_area_totals_and_index_are_computed_from_stored_scores(client, sheet):
    assessment, criteria, people = sheet
    as_user(client, people["staff"])
    post_self_score(client, assessment, criteria["1.1.2"], percent="75")  # 1
    post_self_score(client, assessment, criteria["1.2"], achieved="1", required="2")  # 1
    post_self_score(client, assessment, criteria["2.2"], occurrences="2")  # 0.5
    from scoring.sheets.selectors import load_sheet_summary

    summary = load_sheet_summary(assessment)
    assert [(a.criterion.code, a.points, a.adjusted_max) for a in summary.areas] == [
        ("1", Decimal("2"), Decimal("6")),
        ("2", Decimal("0.5"), Decimal("3")),  # the survey point (2.3) is the council's
    ]
    assert summary.points == Decimal("2.5")
    assert summary.adjusted_max == Decimal("9")  # the survey's point is not the unit's to score
    assert summary.index == Decimal("27.78")
    assert [c.code for c in summary.unscored] == ["1.1.1", "1.3", "2.1"]  # 2.3 (survey) is the council's


def figures_of(summary) -> tuple:
    return (
        [
            (area.criterion.code, area.points, area.not_applicable_max, area.council_max, area.adjusted_max, area.index)
            for area in summary.areas
        ],
        summary.leaf_count,
        summary.scored_count,
        summary.evidence_missing_count,
        summary.council_max,
        summary.points,
        summary.max_points,
        summary.adjusted_max,
        summary.index,
        summary.progress_percent,
    )


def test_the_summary_counted_in_sql_gives_the_figures_of_the_full_summary(client, sheet):
    assessment, criteria, people = sheet
    assert figures_of(sheet_figures(assessment)) == figures_of(load_sheet_summary(assessment))
    # given: cited, a reason instead of evidence, neither, not applicable, unscored, and the council's survey
    as_user(client, people["staff"])
    post_self_score(client, assessment, criteria["1.1.1"], option=criteria["1.1.1"].options.get(label="Kịp thời").pk)
    cite(assessment, criteria["1.1.1"], people["staff"])
    post_self_score(client, assessment, criteria["1.1.2"], percent="75", no_evidence_reason="Bản giấy")
    post_self_score(client, assessment, criteria["1.2"], achieved="1", required="2")
    post_self_score(
        client, assessment, criteria["1.3"], is_not_applicable="on", explanation="Không có đơn vị trực thuộc"
    )
    post_self_score(client, assessment, criteria["2.1"], value="1.25", no_evidence_reason="Số liệu một cửa")
    # when
    figures = sheet_figures(assessment)
    # then
    assert figures_of(figures) == figures_of(load_sheet_summary(assessment))
    assert figures_of(figures) == (
        [
            ("1", Decimal("3"), Decimal("1"), Decimal("0"), Decimal("5"), Decimal("60.00")),
            ("2", Decimal("1.25"), Decimal("0"), Decimal("1"), Decimal("3"), Decimal("41.67")),
        ],
        6,
        5,
        1,  # 1.2: scored, evidence required, neither cited nor explained
        Decimal("1"),
        Decimal("4.25"),
        Decimal("10"),
        Decimal("8"),
        Decimal("53.13"),  # 53.125, rounded half up as in the published results
        83,
    )


def test_a_saved_row_answers_with_the_row_and_the_summary_in_a_fixed_number_of_queries(
    client, django_assert_num_queries
):
    assessment, staff = open_wide_sheet()
    client.force_login(staff)
    leaves = list(Criterion.objects.filter(framework_id=assessment.framework_id).exclude(rule_type="").order_by("id"))
    for criterion in leaves[:60]:
        post_self_score(client, assessment, criterion, option=criterion.options.first().pk)
    missed = leaves[0].options.get(label="Không đạt")
    # session, user, sheet, roles, criterion, options; the save: savepoint, lock the sheet, lock the score,
    # savepoint, update, release, history row, release; the answer: this criterion's evidence, areas, figures,
    # the criteria lacking evidence (each one a link), last year's score and plan, its preparer
    with django_assert_num_queries(20):
        response = post_self_score(client, assessment, leaves[0], option=missed.pk, version=1)
    html = response.content.decode()
    assert "data-saved" in html
    assert html.count('class="card sheet-row') == 1
    assert "<span>60/120</span>" in html
    assert '<span class="display-6 fw-semibold" data-testid="total-points">59</span> / 120 điểm' in html
    # the summary panel alone (refreshed after evidence changes): session, user, sheet, roles, areas, figures,
    # the criteria lacking evidence
    with django_assert_num_queries(7):
        response = client.get(reverse("assessment_summary", args=[assessment.pk]), headers={"HX-Request": "true"})
    assert "<span>60/120</span>" in response.content.decode()


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', html)


def _row_of(html: str, criterion: Criterion) -> str:
    """One row of the sheet, from its <section> to the end of its evidence box."""
    start = html.index('<section class="card sheet-row')
    start = html.index(f'id="row-{criterion.pk}"', start)
    return _without_tokens(html[html.rindex("<section", 0, start) : html.index("</section>", start)])


def test_the_answer_to_a_save_is_the_row_the_sheet_shows(client, sheet):
    # given a criterion with a cited document, last year's nothing, and a first score
    assessment, criteria, people = sheet
    cite(assessment, criteria["1.2"], people["staff"], title="Báo cáo <quý> 3", locator="trang 4")
    as_user(client, people["staff"])
    # when the row is saved through htmx
    response = post_self_score(client, assessment, criteria["1.2"], achieved="9", required="10", explanation="Đạt")
    answer = _row_of(response.content.decode(), criteria["1.2"])
    page = _row_of(client.get(reverse("assessment_sheet", args=[assessment.pk])).content.decode(), criteria["1.2"])
    # then the answer is the page's row, marked as saved
    assert "Báo cáo &lt;quý&gt; 3" in page and "— trang 4" in page and 'data-testid="points-1.2"' in page
    saved = '<div class="text-success small mb-1" role="status" data-saved>✓ Đã lưu</div>'
    assert saved in answer
    assert answer.replace(" sheet-row-saved", "").replace(saved, "").split() == page.split()


def test_an_evidence_answer_lists_the_documents_as_the_sheet_row_does(client, sheet):
    assessment, criteria, people = sheet
    link = cite(assessment, criteria["1.2"], people["staff"], title="Quyết định “số 5”")
    as_user(client, people["staff"])
    sheet_url = reverse("assessment_sheet", args=[assessment.pk])
    response = client.post(
        reverse("evidence_link_locator", args=[link.pk]),
        {"locator": "mục 2"},
        headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{sheet_url}"},
    )
    answer = _without_tokens(response.content.decode())
    page = _row_of(client.get(sheet_url).content.decode(), criteria["1.2"])

    def listed(html: str) -> str:
        return html[html.index('<ul class="list-unstyled small mb-1">') : html.index("</ul>") + 5]

    assert "— mục 2" in listed(answer)
    assert listed(answer) == listed(page)


def test_staff_cannot_edit_after_the_deadline_and_nothing_changes(client, sheet):
    assessment, criteria, people = sheet
    post_self_score(as_user(client, people["staff"]), assessment, criteria["2.1"], value="1")
    Period.objects.filter(pk=assessment.period_id).update(
        self_assessment_deadline=timezone.now() - timedelta(minutes=1)
    )
    response = post_self_score(client, assessment, criteria["2.1"], value="1.5", version=1)
    assert response.status_code == 403
    assert Score.objects.get(criterion=criteria["2.1"]).points == Decimal("1")
    page = client.get(reverse("assessment_sheet", args=[assessment.pk])).content.decode()
    assert LOCKED in page
    assert READ_ONLY not in page
    assert "score-form" not in page


LOCKED = "Phiếu đã khóa vì đã quá hạn tự đánh giá; chỉ Thư ký Hội đồng mở lại được."
READ_ONLY = "Bạn chỉ có quyền xem phiếu này."


def test_the_sheet_says_whether_it_is_locked_or_only_readable_by_this_person(client, sheet):
    assessment, _criteria, people = sheet
    url = reverse("assessment_sheet", args=[assessment.pk])
    notes = {}
    for moment, deadline in [("open", timezone.now() + timedelta(days=1)), ("late", timezone.now())]:
        Period.objects.filter(pk=assessment.period_id).update(self_assessment_deadline=deadline)
        for who in ("staff", "secretary"):
            page = as_user(client, people[who]).get(url).content.decode()
            notes[moment, who] = [note for note in (LOCKED, READ_ONLY) if note in page]
    assert notes == {
        ("open", "staff"): [],
        ("open", "secretary"): [READ_ONLY],
        ("late", "staff"): [LOCKED],
        ("late", "secretary"): [LOCKED],
    }


SHEET_ACCESS = {
    "staff": 200, "head": 200, "other_staff": 404, "member": 404, "conflicted_member": 404, "secretary": 200,
    "leadership": 404,
}  # fmt: skip


@pytest.mark.parametrize(("who", "status"), SHEET_ACCESS.items())
def test_unsubmitted_sheet_access_matrix(client, sheet, who, status):
    assessment, criteria, people = sheet
    as_user(client, people[who])
    assert client.get(reverse("assessment_sheet", args=[assessment.pk])).status_code == status
    assert client.get(reverse("assessment_submit", args=[assessment.pk])).status_code == status
    assert client.get(reverse("score_history", args=[assessment.pk, criteria["2.1"].pk])).status_code == status


@pytest.mark.parametrize("who", ["other_staff", "member", "conflicted_member", "secretary", "leadership"])
def test_only_the_unit_writes_its_own_scores(client, sheet, who):
    assessment, criteria, people = sheet
    response = post_self_score(as_user(client, people[who]), assessment, criteria["2.1"], value="1.5")
    assert response.status_code in (403, 404)
    assert not Score.objects.exists()


def test_anonymous_is_sent_to_login_for_every_sheet_url(client, sheet):
    assessment, criteria, _ = sheet
    urls = [
        reverse("assessment_sheet", args=[assessment.pk]),
        reverse("assessment_submit", args=[assessment.pk]),
        reverse("score_history", args=[assessment.pk, criteria["2.1"].pk]),
        reverse("assessment_list"),
    ]
    for url in urls:
        assert client.get(url).status_code == 302
    assert client.post(reverse("score_save", args=[assessment.pk, criteria["2.1"].pk]), {}).status_code == 302
    assert not Score.objects.exists()


def test_head_cannot_submit_an_incomplete_sheet(client, sheet):
    assessment, criteria, people = sheet
    as_user(client, people["head"])
    post_self_score(client, assessment, criteria["2.1"], value="1.5")
    response = client.post(reverse("assessment_submit", args=[assessment.pk]), follow=True)
    html = response.content.decode()
    assert "Tiêu chí 1.1.1 chưa được chấm điểm." in html
    assert "Tiêu chí 2.1 chưa có tài liệu kiểm chứng hoặc lý do không có." in html
    assessment.refresh_from_db()
    assert assessment.state == Assessment.State.DRAFT
    assert not AuditEvent.objects.filter(action="assessment.submit").exists()


def test_head_submits_and_the_sheet_locks(client, sheet):
    assessment, criteria, people = sheet
    as_user(client, people["staff"])
    fill_sheet(client, assessment, criteria)
    staff_submit = client.post(reverse("assessment_submit", args=[assessment.pk]))
    assert staff_submit.status_code == 403
    as_user(client, people["head"])
    summary = client.get(reverse("assessment_submit", args=[assessment.pk])).content.decode()
    assert 'data-testid="summary-points">9 / 9<' in summary
    response = client.post(reverse("assessment_submit", args=[assessment.pk]), {"confirm": "on"}, follow=True)
    assert "Đã nộp phiếu tự đánh giá. Phiếu đã khóa, chờ Hội đồng thẩm định." in response.content.decode()
    assessment.refresh_from_db()
    assert (assessment.state, assessment.submitted_by, assessment.is_late) == ("submitted", people["head"], False)
    # the submission's receipt is recorded with the sheet as submitted, and the summary links to its signed PDF
    (receipt,) = SignedDocument.objects.filter(kind=SignedDocument.Kind.RECEIPT, assessment=assessment)
    assert (receipt.content["total"], receipt.content["submitted_at"]) == ("9.00", assessment.submitted_at.isoformat())
    summary = client.get(reverse("assessment_submit", args=[assessment.pk])).content.decode()
    assert reverse("signing_document_pdf", args=[receipt.reference]) in summary
    assert (
        post_self_score(as_user(client, people["staff"]), assessment, criteria["2.1"], value="1", version=1).status_code
        == 403
    )
    assert Score.objects.get(criterion=criteria["2.1"]).points == Decimal("1.5")


def test_a_submission_after_the_deadline_is_marked_late(client, sheet):
    assessment, criteria, people = sheet
    fill_sheet(as_user(client, people["staff"]), assessment, criteria)
    Period.objects.filter(pk=assessment.period_id).update(self_assessment_deadline=timezone.now() - timedelta(hours=1))
    head = as_user(client, people["head"])
    response = head.post(reverse("assessment_submit", args=[assessment.pk]), {"confirm": "on"}, follow=True)
    assert "Đã nộp phiếu sau hạn; phiếu được ghi nhận là nộp muộn." in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.is_late is True


def test_after_submission_council_and_leadership_read_but_a_conflicted_member_does_not(client, sheet):
    assessment, criteria, people = sheet
    fill_sheet(as_user(client, people["staff"]), assessment, criteria)
    as_user(client, people["head"]).post(reverse("assessment_submit", args=[assessment.pk]), {"confirm": "on"})
    for who, status in [("member", 200), ("leadership", 200), ("conflicted_member", 404), ("other_staff", 404)]:
        assert as_user(client, people[who]).get(reverse("assessment_sheet", args=[assessment.pk])).status_code == status


def test_only_the_secretary_reopens_with_a_reason_and_a_new_deadline(client, sheet):
    assessment, criteria, people = sheet
    fill_sheet(as_user(client, people["staff"]), assessment, criteria)
    as_user(client, people["head"]).post(reverse("assessment_submit", args=[assessment.pk]), {"confirm": "on"})
    url = reverse("assessment_reopen", args=[assessment.pk])
    assert as_user(client, people["head"]).post(url, {"reason": "Bổ sung"}).status_code == 403
    as_user(client, people["secretary"])
    response = client.post(url, {"reason": ""}, follow=True)
    assert "Trường này là bắt buộc." in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.state == Assessment.State.SUBMITTED
    until = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    client.post(url, {"reason": "Đơn vị xin bổ sung tài liệu tiêu chí 2.1", "extended_until": until})
    assessment.refresh_from_db()
    assert assessment.state == Assessment.State.DRAFT
    assert assessment.extended_until is not None
    event = AuditEvent.objects.get(action="assessment.reopen")
    assert (event.actor, event.data["reason"]) == (people["secretary"], "Đơn vị xin bổ sung tài liệu tiêu chí 2.1")


def test_history_shows_who_changed_what_and_why(client, sheet):
    assessment, criteria, people = sheet
    post_self_score(as_user(client, people["staff"]), assessment, criteria["2.1"], value="1", explanation="Lần đầu")
    post_self_score(
        as_user(client, people["head"]), assessment, criteria["2.1"], value="1.25", version=1, explanation="Đã rà soát"
    )
    html = client.get(reverse("score_history", args=[assessment.pk, criteria["2.1"].pk])).content.decode()
    assert html.index("Đã rà soát") < html.index("Lần đầu")
    assert people["head"].full_name in html and people["staff"].full_name in html
    assert ScoreChange.objects.filter(score__criterion=criteria["2.1"]).count() == 2


def test_the_sheet_of_a_120_criterion_framework_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    assessment, staff = open_wide_sheet()
    client.force_login(staff)
    for criterion in Criterion.objects.filter(framework_id=assessment.framework_id).exclude(rule_type="")[:60]:
        post_self_score(client, assessment, criterion, option=criterion.options.first().pk)
    # session, user, sheet, roles, criteria, options, scores, evidence links, library, last year's scores and plans,
    # the preparers, unread notices, cycle banner (the area totals are added up from the scores; no council seat:
    # the unit's own staff never see the council's scores before the preliminary results, whatever their seat)
    with django_assert_num_queries(13):
        response = client.get(reverse("assessment_sheet", args=[assessment.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('class="card sheet-row') == 120


def test_login_with_demo_password_factory_still_works(client, sheet):
    _, _, people = sheet
    assert client.login(username=people["staff"].username, password=PASSWORD)


def test_survey_points_are_not_scored_by_the_unit(client, sheet):
    assessment, criteria, people = sheet
    response = post_self_score(as_user(client, people["staff"]), assessment, criteria["2.3"], value="1")
    assert response.status_code == 404
    assert not Score.objects.exists()
    page = client.get(reverse("assessment_sheet", args=[assessment.pk])).content.decode()
    assert "Điểm điều tra xã hội học do Hội đồng nhập từ kết quả khảo sát" in page
    assert "Chưa gồm 1 điểm điều tra xã hội học do Hội đồng nhập." in page


def test_a_submitted_sheet_reads_at_a_fixed_number_of_queries(client, django_assert_num_queries):
    assessment, staff = open_wide_sheet()
    client.force_login(staff)
    for criterion in Criterion.objects.filter(framework_id=assessment.framework_id).exclude(rule_type=""):
        post_self_score(
            client, assessment, criterion, option=criterion.options.first().pk, no_evidence_reason="Bản giấy"
        )
    Assessment.objects.filter(pk=assessment.pk).update(
        state=Assessment.State.SUBMITTED, submitted_at=timezone.now(), submitted_by=staff
    )
    # session, user, sheet, roles, criteria, scores with their chosen levels, evidence links, explanation requests,
    # last year's scores and plans, the preparers, unread notices, cycle banner (no library: nothing can be cited on
    # a locked sheet; no options: nothing is edited; no area totals nor council seat, as above)
    with django_assert_num_queries(12):
        response = client.get(reverse("assessment_sheet", args=[assessment.pk]))
    html = response.content.decode()
    assert html.count('<dd class="col-sm-9">Đạt → <strong>1</strong></dd>') == 120  # the chosen level named
    assert "score-form" not in html


# --- Finding one's way in a long sheet: filters, area, jump list, warnings that link ---------------------------


def shown_rows(html: str) -> list[str]:
    """The criteria codes of the sheet's rows, in page order."""
    import re

    return re.findall(r'<h3 class="h6 mb-1" id="title-\d+"><span class="text-muted">([\d.]+)</span>', html)


def test_the_sheet_filters_keep_only_the_matching_criteria_and_count_each_filter(client, sheet):
    # given 2.1 scored without evidence or reason, 1.3 scored with a reason and 1.2 with a cited document
    assessment, criteria, people = sheet
    as_user(client, people["staff"])
    post_self_score(client, assessment, criteria["2.1"], value="1.5")
    post_self_score(client, assessment, criteria["1.3"], is_yes="yes", no_evidence_reason="Biên bản lưu bản giấy")
    post_self_score(client, assessment, criteria["1.2"], achieved="9", required="10")
    cite(assessment, criteria["1.2"], people["staff"], original_name="bao-cao.pdf")
    url = reverse("assessment_sheet", args=[assessment.pk])

    # when each filter is chosen, then only its criteria are rows, and every filter shows its count
    everything = client.get(url).content.decode()
    assert shown_rows(everything) == ["1.1.1", "1.1.2", "1.2", "1.3", "2.1", "2.2", "2.3"]
    assert 'data-testid="filter-unscored">Chưa chấm <span class="badge text-bg-light border">3</span>' in everything
    assert 'data-testid="filter-no_evidence">Thiếu tài liệu kiểm chứng <span class="badge text-bg-light border">1<' in (
        everything
    )
    assert 'data-testid="filter-reason">Có lý do không có tài liệu <span class="badge text-bg-light border">1<' in (
        everything
    )
    assert 'data-testid="filter-differs"' not in everything  # the council's scores are not the unit's to see yet
    assert shown_rows(client.get(url, {"only": "unscored"}).content.decode()) == ["1.1.1", "1.1.2", "2.2"]
    assert shown_rows(client.get(url, {"only": "no_evidence"}).content.decode()) == ["2.1"]
    assert shown_rows(client.get(url, {"only": "reason"}).content.decode()) == ["1.3"]
    by_area = client.get(url, {"area": "2"}).content.decode()
    assert shown_rows(by_area) == ["2.1", "2.2", "2.3"]
    assert "Đang hiện 3 / 3 tiêu chí." in by_area
    both = client.get(url, {"area": "1", "only": "unscored"}).content.decode()
    assert shown_rows(both) == ["1.1.1", "1.1.2"]
    assert "Đang hiện 2 / 4 tiêu chí." in both
    # headings stay above the rows they hold, and nothing matching says so
    assert '<h2 class="h6 mt-3 text-muted" id="row-{}">1.1. '.format(criteria["1.1"].pk) in both
    assert '<h2 class="h5 mt-4 sheet-area" id="row-{}">2. '.format(criteria["2"].pk) not in both
    empty = client.get(url, {"area": "2", "only": "reason"}).content.decode()
    assert shown_rows(empty) == []
    assert "Không có tiêu chí nào khớp bộ lọc này." in empty
    # an unknown filter or area shows the whole sheet
    assert len(shown_rows(client.get(url, {"only": "nonsense", "area": "9"}).content.decode())) == 7


def test_the_council_differs_filter_appears_once_the_unit_may_see_the_councils_scores(client, sheet):
    assessment, criteria, people = sheet
    as_user(client, people["staff"])
    post_self_score(client, assessment, criteria["2.1"], value="1.5")
    post_self_score(client, assessment, criteria["2.2"], occurrences="0")
    council = {"stage": Stage.ROUND_1, "assessment": assessment, "updated_by": people["member"]}
    Score.objects.create(criterion=criteria["2.1"], value=Decimal("1"), points=Decimal("1"), **council)
    Score.objects.create(criterion=criteria["2.2"], occurrences=0, points=Decimal("1.5"), **council)
    Period.objects.filter(pk=assessment.period_id).update(state=Period.State.PRELIMINARY)
    html = client.get(reverse("assessment_sheet", args=[assessment.pk]), {"only": "differs"}).content.decode()
    assert shown_rows(html) == ["2.1"]
    assert '<span class="badge text-bg-dark" data-testid="council-2.1">Hội đồng: 1</span>' in html


def test_the_jump_list_without_javascript_opens_the_whole_sheet_at_the_criterion(client, sheet):
    assessment, criteria, people = sheet
    url = reverse("assessment_sheet", args=[assessment.pk])
    response = as_user(client, people["staff"]).get(url, {"goto": criteria["2.2"].pk, "only": "reason"})
    assert response.status_code == 302
    assert response["Location"] == f"{url}#row-{criteria['2.2'].pk}"
    page = client.get(url).content.decode()
    assert f'<option value="{criteria["2.2"].pk}">2.2 Hồ sơ trễ hạn</option>' in page


def test_each_missing_evidence_warning_links_to_its_criterion(client, sheet):
    assessment, criteria, people = sheet
    as_user(client, people["staff"])
    post_self_score(client, assessment, criteria["2.1"], value="1.5")
    answer = post_self_score(
        client, assessment, criteria["1.3"], is_yes="yes"
    ).content.decode()  # the panel after a save
    url = reverse("assessment_sheet", args=[assessment.pk])
    for html in (answer, client.get(url).content.decode()):
        assert (
            "1 tiêu chí thiếu tài liệu kiểm chứng" not in html
            and "2 tiêu chí thiếu tài liệu kiểm chứng:" in html
            and f'<a class="text-danger" href="{url}#row-{criteria["1.3"].pk}">1.3</a>' in html
            and f'<a class="text-danger" href="{url}#row-{criteria["2.1"].pk}">2.1</a>' in html
            and f'<a href="{url}?only=unscored">4 tiêu chí chưa chấm</a>' in html
        )


def test_the_heads_blockers_link_to_their_criteria(client, sheet):
    assessment, criteria, people = sheet
    post_self_score(as_user(client, people["staff"]), assessment, criteria["2.1"], value="1.5")
    html = as_user(client, people["head"]).get(reverse("assessment_submit", args=[assessment.pk])).content.decode()
    url = reverse("assessment_sheet", args=[assessment.pk])
    assert (
        f'<li><a class="alert-link" href="{url}#row-{criteria["1.1.1"].pk}">'
        "Tiêu chí 1.1.1 chưa được chấm điểm.</a></li>" in html
    )
    assert (
        f'<li><a class="alert-link" href="{url}#row-{criteria["2.1"].pk}">'
        "Tiêu chí 2.1 chưa có tài liệu kiểm chứng hoặc lý do không có.</a></li>" in html
    )


def test_submitting_asks_for_confirmation_and_says_what_will_be_locked(client, sheet):
    assessment, criteria, people = sheet
    fill_sheet(as_user(client, people["staff"]), assessment, criteria)
    as_user(client, people["head"])
    url = reverse("assessment_submit", args=[assessment.pk])
    page = client.get(url).content.decode()
    assert "điểm, giải thích và lý do của 6 tiêu chí đã chấm" in page
    assert "0 trích dẫn tài liệu kiểm chứng" in page
    assert "tổng điểm tự đánh giá 9 / 9 (chỉ số 100,00%)" in page
    # when the head clicks without ticking the confirmation, then nothing is submitted
    refused = client.post(url, {}, follow=True).content.decode()
    assert "Hãy đánh dấu ô xác nhận đã kiểm tra phiếu trước khi nộp; phiếu chưa được nộp." in refused
    assessment.refresh_from_db()
    assert (assessment.state, assessment.submitted_at) == (Assessment.State.DRAFT, None)
    assert not AuditEvent.objects.filter(action="assessment.submit").exists()
    # when they confirm, the sheet is submitted
    client.post(url, {"confirm": "on"})
    assessment.refresh_from_db()
    assert assessment.state == Assessment.State.SUBMITTED
    assert AuditEvent.objects.filter(action="assessment.submit").count() == 1
