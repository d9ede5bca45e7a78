"""Council services: rounds side by side, reasons, not-applicable marks, conflicts, areas, finalisation, caps."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from scoring import models
from scoring.appraisal.services import (
    adjustment_record,
    appraisal_record,
    block_finalise,
    explanation_answer,
    explanation_flag,
    explanation_send,
)
from scoring.permissions.appraisal import can_appraise, can_appraise_criterion
from scoring.permissions.sheets import can_view_assessment
from scoring.rules import Entry
from scoring.sheets.services import ScoreInput, StaleScoreError
from tests.factories import (
    seat,
    user_with_role,
)
from units.models import Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(sheets):
    """A period in appraisal: Hạ Đình submitted (1.3 marked not applicable), Kim Giang still drafting."""
    period, unit = sheets.period, sheets.unit
    people = {
        "head": sheets.head,
        "staff": user_with_role(Role.UNIT_STAFF, unit=unit),
        "member": seat(period, unit=unit),
        "other_member": seat(period, unit=unit),
        "chair": seat(period, is_chair=True),
        "secretary": user_with_role(Role.COUNCIL_SECRETARY),
    }
    criteria = {
        c.code: c for c in models.Criterion.objects.filter(framework=sheets.framework).prefetch_related("options")
    }
    return sheets.assessment, criteria, people


def record(actor, assessment, criterion, *, stage=models.Stage.ROUND_1, version=0, reason="", na=False, **entry):
    return appraisal_record(
        actor=actor,
        assessment=assessment,
        criterion=criterion,
        stage=stage,
        data=ScoreInput(entry=Entry(**entry), is_not_applicable=na, explanation=reason),
        expected_version=version,
    )


def fresh(user: User) -> User:
    """The same person read again, as on their next request (roles and council seat are cached per object)."""
    return User.objects.get(pk=user.pk)


def test_round_one_is_saved_beside_the_unchanged_self_score(council):
    assessment, criteria, people = council
    score = record(people["member"], assessment, criteria["2.1"], value="1", reason="Biên bản chỉ ghi 1 điểm")
    assert (score.stage, score.points, score.version, score.explanation) == (
        models.Stage.ROUND_1,
        Decimal("1"),
        1,
        "Biên bản chỉ ghi 1 điểm",
    )
    own = models.Score.objects.get(assessment=assessment, criterion=criteria["2.1"], stage=models.Stage.SELF)
    assert (own.points, own.version, own.explanation) == (Decimal("1.25"), 1, "Theo báo cáo năm")
    change = models.ScoreChange.objects.get(score=score)
    assert (change.actor, change.old_points, change.new_points, change.reason) == (
        people["member"],
        None,
        Decimal("1"),
        "Biên bản chỉ ghi 1 điểm",
    )


@pytest.mark.parametrize(
    ("code", "value", "points"),
    [
        pytest.param("2.1", "1,25", Decimal("1.25"), id="agreeing-with-the-unit"),
        pytest.param("2.3", "0.8", Decimal("0.8"), id="survey-points-have-no-self-score"),
    ],
)
def test_a_score_needs_no_reason_where_it_does_not_differ_from_the_unit(council, code, value, points):
    assessment, criteria, people = council
    score = record(people["member"], assessment, criteria[code], value=value)
    assert (score.points, score.explanation) == (points, "")


def test_a_different_score_needs_a_reason_and_nothing_is_saved_without_one(council):
    assessment, criteria, people = council
    with pytest.raises(ValidationError) as refused:
        record(people["member"], assessment, criteria["2.1"], value="1", reason="   ")
    assert refused.value.message_dict == {
        "explanation": ["Điểm thẩm định (1) khác điểm tự chấm (1,25): hãy ghi lý do."]
    }
    assert not models.Score.objects.filter(stage=models.Stage.ROUND_1).exists()
    assert models.ScoreChange.objects.count() == 0


def test_round_two_waits_for_the_explanation_then_all_three_rounds_stand_side_by_side(council):
    assessment, criteria, people = council
    criterion = criteria["2.1"]
    record(people["member"], assessment, criterion, value="0.5", reason="Thiếu biên bản kiểm tra")
    request = explanation_flag(
        actor=people["member"], assessment=assessment, criterion=criterion, message="Bổ sung biên bản kiểm tra"
    )
    message = "Vòng 2 chỉ chấm các tiêu chí đã có giải trình hoặc đã hết hạn giải trình."

    # when only proposed, and when sent but not yet answered
    with pytest.raises(ValidationError) as flagged:
        record(people["member"], assessment, criterion, stage=models.Stage.ROUND_2, value="1", reason="Đã bổ sung")
    assert flagged.value.messages == [message]
    explanation_send(actor=people["secretary"], period=assessment.period, deadline=timezone.now() + timedelta(days=3))
    with pytest.raises(ValidationError) as sent:
        record(people["member"], assessment, criterion, stage=models.Stage.ROUND_2, value="1", reason="Đã bổ sung")
    assert sent.value.messages == [message]
    assert not models.Score.objects.filter(stage=models.Stage.ROUND_2).exists()

    # then, once the unit answers
    request.refresh_from_db()
    explanation_answer(actor=people["staff"], request=request, answer="Đã tải lên biên bản số 12/BB")
    record(
        people["member"], assessment, criterion, stage=models.Stage.ROUND_2, value="1", reason="Biên bản 12/BB hợp lệ"
    )
    rounds = {
        score.stage: (score.points, score.explanation)
        for score in models.Score.objects.filter(assessment=assessment, criterion=criterion)
    }
    assert rounds == {
        models.Stage.SELF: (Decimal("1.25"), "Theo báo cáo năm"),
        models.Stage.ROUND_1: (Decimal("0.5"), "Thiếu biên bản kiểm tra"),
        models.Stage.ROUND_2: (Decimal("1"), "Biên bản 12/BB hợp lệ"),
    }


def test_round_two_opens_when_the_deadline_passes_without_an_answer(council):
    assessment, criteria, people = council
    criterion = criteria["2.2"]
    record(people["member"], assessment, criterion, occurrences="2", reason="Có 2 hồ sơ trễ hạn")
    explanation_flag(actor=people["member"], assessment=assessment, criterion=criterion, message="Giải trình hồ sơ trễ")
    explanation_send(actor=people["secretary"], period=assessment.period, deadline=timezone.now() + timedelta(days=1))
    models.ExplanationRequest.objects.update(deadline=timezone.now() - timedelta(minutes=1))
    score = record(
        people["member"], assessment, criterion, stage=models.Stage.ROUND_2, occurrences="2", reason="Không giải trình"
    )
    assert (score.stage, score.points) == (models.Stage.ROUND_2, Decimal("0.5"))


def test_the_council_confirms_a_not_applicable_mark_with_a_reason(council):
    assessment, criteria, people = council
    with pytest.raises(ValidationError) as refused:
        record(people["member"], assessment, criteria["1.3"], na=True)
    assert refused.value.message_dict == {"explanation": ["Hãy ghi lý do tiêu chí không áp dụng với đơn vị."]}
    assert not models.Score.objects.filter(stage=models.Stage.ROUND_1).exists()

    score = record(
        people["member"], assessment, criteria["1.3"], na=True, reason="Đúng, phường không có đơn vị trực thuộc"
    )
    assert (score.is_not_applicable, score.points) == (True, None)


def test_the_council_rejects_a_not_applicable_mark_by_scoring_it_with_a_reason(council):
    assessment, criteria, people = council
    with pytest.raises(ValidationError) as no_score:
        record(people["member"], assessment, criteria["1.3"], reason="Phường có tổ dân phố phải kiểm tra")
    assert no_score.value.messages == ["Hãy chọn Có hoặc Không."]
    with pytest.raises(ValidationError) as no_reason:
        record(people["member"], assessment, criteria["1.3"], is_yes=True)
    assert no_reason.value.message_dict == {
        "explanation": ["Điểm thẩm định (1) khác điểm tự chấm (không áp dụng): hãy ghi lý do."]
    }
    assert not models.Score.objects.filter(stage=models.Stage.ROUND_1).exists()

    score = record(
        people["member"], assessment, criteria["1.3"], is_yes=True, reason="Phường có tổ dân phố phải kiểm tra"
    )
    assert (score.is_not_applicable, score.points) == (False, Decimal("1"))


def test_a_second_member_saving_from_an_old_page_is_refused_and_overwrites_nothing(council):
    assessment, criteria, people = council
    record(people["member"], assessment, criteria["2.1"], value="1", reason="Thiếu số liệu quý IV")
    with pytest.raises(StaleScoreError) as stale:
        record(people["other_member"], assessment, criteria["2.1"], value="0.5", reason="Thiếu số liệu", version=0)
    assert str(stale.value) == "Điểm này vừa được người khác cập nhật. Hãy xem giá trị mới rồi lưu lại nếu cần."
    assert (stale.value.current.points, stale.value.current.updated_by) == (Decimal("1"), people["member"])
    score = models.Score.objects.get(stage=models.Stage.ROUND_1)
    assert (score.points, score.version, score.updated_by) == (Decimal("1"), 1, people["member"])
    assert models.ScoreChange.objects.count() == 1


def assert_kept_out(member: User, assessment: models.Assessment, criterion: models.Criterion) -> None:
    """The member neither appraises nor reads the sheet; the score they send is refused and nothing is stored."""
    assert can_appraise(member, assessment) is False
    assert can_view_assessment(member, assessment) is False
    with pytest.raises(PermissionDenied):
        record(member, assessment, criterion, value="1", reason="x")
    assert not models.Score.objects.filter(stage=models.Stage.ROUND_1).exists()


def test_a_member_who_works_at_the_unit_cannot_appraise_it(council):
    assessment, criteria, _ = council
    insider = seat(assessment.period, unit=assessment.unit, home_unit=assessment.unit)
    assert_kept_out(insider, assessment, criteria["2.1"])


def test_a_member_who_moves_unit_loses_the_new_unit_and_regains_the_old_one(council):
    assessment, criteria, people = council
    other = models.Assessment.objects.get(unit__name="UBND phường Kim Giang")
    other.state, other.submitted_at, other.submitted_by = (
        models.Assessment.State.SUBMITTED,
        timezone.now(),
        people["head"],
    )
    other.save()
    member = seat(assessment.period, unit=assessment.unit, home_unit=other.unit)
    models.AppraisalAssignment.objects.create(period=assessment.period, member=member, unit=other.unit)
    assert (can_appraise(member, assessment), can_appraise(member, other)) == (True, False)

    # when the person is transferred to Hạ Đình
    User.objects.filter(pk=member.pk).update(home_unit=assessment.unit)
    member = fresh(member)

    assert (can_appraise(member, assessment), can_appraise(member, other)) == (False, True)
    with pytest.raises(PermissionDenied):
        record(member, assessment, criteria["2.1"], value="1", reason="x")
    assert record(member, other, criteria["1.1.1"], option_id=criteria["1.1.1"].options.first().pk, reason="y")
    assert list(
        models.Score.objects.filter(stage=models.Stage.ROUND_1).values_list("assessment__unit__name", flat=True)
    ) == ["UBND phường Kim Giang"]


def test_a_declared_conflict_blocks_appraisal_and_hides_the_sheet(council):
    assessment, criteria, people = council
    models.ConflictDeclaration.objects.create(
        period=assessment.period,
        member=people["member"],
        unit=assessment.unit,
        reason="Vợ là công chức của phường",
        declared_by=people["secretary"],
    )
    assert_kept_out(fresh(people["member"]), assessment, criteria["2.1"])


def test_an_area_assignment_limits_the_criteria(council):
    assessment, criteria, _ = council
    member = seat(assessment.period, area_code="2")
    assert can_appraise_criterion(member, assessment, criteria["2.1"]) is True
    assert can_appraise_criterion(member, assessment, criteria["1.2"]) is False
    with pytest.raises(PermissionDenied) as refused:
        record(member, assessment, criteria["1.2"], achieved="7", required="8", reason="x")
    assert str(refused.value) == "Bạn không được phân công thẩm định tiêu chí này, hoặc phiếu đã chốt."
    assert not models.Score.objects.filter(stage=models.Stage.ROUND_1).exists()
    assert record(member, assessment, criteria["2.1"], value="1.25").points == Decimal("1.25")


def test_finalisation_lists_the_gaps_then_closes_the_block_and_freezes_the_council_scores(council):
    assessment, criteria, people = council
    block = assessment.unit.block
    record(people["member"], assessment, criteria["2.1"], value="1.25")
    explanation_flag(actor=people["member"], assessment=assessment, criterion=criteria["2.1"], message="Bổ sung")

    with pytest.raises(ValidationError) as refused:
        block_finalise(actor=people["chair"], period=assessment.period, block=block)
    assert refused.value.messages == [
        "UBND phường Hạ Đình: còn 6 tiêu chí chưa thẩm định vòng 1.",
        "UBND phường Hạ Đình: tiêu chí 2.1 có đề xuất giải trình chưa gửi đơn vị (gửi hoặc rút lại trước khi chốt).",
    ]
    assert not models.BlockFinalisation.objects.exists()
    with pytest.raises(PermissionDenied):
        block_finalise(actor=people["member"], period=assessment.period, block=block)

    # when every criterion has a round-1 score and the proposal is withdrawn
    models.ExplanationRequest.objects.all().delete()
    chair = people["chair"]
    record(chair, assessment, criteria["1.1.1"], option_id=criteria["1.1.1"].options.get(label="Kịp thời").pk)
    record(chair, assessment, criteria["1.1.2"], percent="95")
    record(chair, assessment, criteria["1.2"], achieved="7", required="8")
    record(chair, assessment, criteria["1.3"], na=True, reason="Đúng, không áp dụng")
    record(chair, assessment, criteria["2.2"], occurrences="1")
    record(chair, assessment, criteria["2.3"], value="0.75", reason="Kết quả khảo sát 75%")
    finalisation = block_finalise(actor=chair, period=assessment.period, block=block)

    assert (finalisation.block, finalisation.finalised_by) == (block, chair)
    (minutes,) = models.SignedDocument.objects.filter(
        kind=models.SignedDocument.Kind.MINUTES, period=assessment.period, block=block
    )
    assert (minutes.content["finalised_by"], minutes.content["block"]["name"]) == (chair.get_full_name(), block.name)
    assert models.AuditEvent.objects.filter(action="appraisal.finalise").count() == 1
    member = fresh(people["member"])
    assert can_appraise(member, assessment) is False
    with pytest.raises(PermissionDenied):
        record(member, assessment, criteria["2.1"], value="1", reason="Sửa sau khi chốt", version=1)
    assert models.Score.objects.get(stage=models.Stage.ROUND_1, criterion=criteria["2.1"]).points == Decimal("1.25")
    assert models.ScoreChange.objects.filter(score__stage=models.Stage.ROUND_1).count() == 7


@pytest.fixture
def adjustments(council):
    assessment, _, people = council
    framework = assessment.framework
    framework.bonus_cap, framework.penalty_cap = Decimal("2"), Decimal("1")
    framework.save()
    items = {
        code: models.AdjustmentItem.objects.create(
            framework=framework, kind=kind, code=code, title=title, max_points=Decimal(cap)
        )
        for code, kind, title, cap in [
            ("T1", models.AdjustmentItem.Kind.BONUS, "Sáng kiến CCHC được công nhận", "1.5"),
            ("T2", models.AdjustmentItem.Kind.BONUS, "Mô hình mới được nhân rộng", "1"),
            ("D1", models.AdjustmentItem.Kind.PENALTY, "Để xảy ra khiếu nại đông người", "1"),
        ]
    }
    return assessment, items, people


def test_an_adjustment_within_its_cap_is_recorded_with_its_reason(adjustments):
    assessment, items, people = adjustments
    entry = adjustment_record(
        actor=people["member"], assessment=assessment, item=items["T1"], points=Decimal("1.5"), reason="Sáng kiến số 3"
    )
    assert (entry.points, entry.reason, entry.entered_by) == (Decimal("1.5"), "Sáng kiến số 3", people["member"])


@pytest.mark.parametrize(
    ("code", "points", "reason", "errors"),
    [
        ("T1", "1.75", "Sáng kiến", {"points": ["Điểm phải từ 0 đến 1,5."]}),
        ("T1", "-0.5", "Sáng kiến", {"points": ["Điểm phải từ 0 đến 1,5."]}),
        ("T2", "1", "  ", {"reason": ["Hãy ghi lý do cộng / trừ điểm."]}),
        ("T2", "1", "Mô hình một cửa", {"points": ["Tổng điểm thưởng sẽ là 2,5, vượt mức trần 2."]}),
    ],
)
def test_adjustments_beyond_a_cap_are_refused_and_change_nothing(adjustments, code, points, reason, errors):
    assessment, items, people = adjustments
    adjustment_record(
        actor=people["member"], assessment=assessment, item=items["T1"], points=Decimal("1.5"), reason="Sáng kiến số 3"
    )
    with pytest.raises(ValidationError) as refused:
        adjustment_record(
            actor=people["member"], assessment=assessment, item=items[code], points=Decimal(points), reason=reason
        )
    assert refused.value.message_dict == errors
    assert list(models.AdjustmentEntry.objects.values_list("item__code", "points")) == [("T1", Decimal("1.5"))]
    assert models.AuditEvent.objects.filter(action="adjustment.record").count() == 1


def test_the_penalty_cap_is_separate_from_the_bonus_cap(adjustments):
    assessment, items, people = adjustments
    adjustment_record(
        actor=people["member"], assessment=assessment, item=items["T1"], points=Decimal("1.5"), reason="a"
    )
    entry = adjustment_record(
        actor=people["member"],
        assessment=assessment,
        item=items["D1"],
        points=Decimal("1"),
        reason="Khiếu nại đông người",
    )
    assert entry.points == Decimal("1")


def test_adjustments_are_refused_once_the_block_is_finalised(adjustments):
    assessment, items, people = adjustments
    models.BlockFinalisation.objects.create(
        period=assessment.period, block=assessment.unit.block, finalised_by=people["chair"]
    )
    with pytest.raises(PermissionDenied):
        adjustment_record(
            actor=fresh(people["member"]), assessment=assessment, item=items["T1"], points=Decimal("1"), reason="a"
        )
    assert not models.AdjustmentEntry.objects.exists()


def test_an_area_member_cannot_give_bonus_or_penalty(council):
    assessment, criteria, people = council
    area_member = seat(assessment.period, area_code="1")
    item = models.AdjustmentItem.objects.create(
        framework=assessment.framework,
        kind=models.AdjustmentItem.Kind.BONUS,
        code="T1",
        title="Sáng kiến",
        max_points=1,
    )
    with pytest.raises(PermissionDenied):
        adjustment_record(actor=area_member, assessment=assessment, item=item, points=Decimal("1"), reason="x")
    assert not models.AdjustmentEntry.objects.exists()


def test_sending_explanations_moves_appraisal_on_but_leaves_an_open_self_assessment_open(council):
    assessment, criteria, people = council
    explanation_flag(actor=people["member"], assessment=assessment, criterion=criteria["2.1"], message="Bổ sung")
    models.Period.objects.filter(pk=assessment.period_id).update(state=models.Period.State.SELF_ASSESSMENT)
    explanation_send(actor=people["secretary"], period=assessment.period, deadline=timezone.now() + timedelta(days=2))
    assert models.Period.objects.get(pk=assessment.period_id).state == models.Period.State.SELF_ASSESSMENT


def test_a_round_two_score_elsewhere_does_not_hide_a_pending_explanation(council):
    """Two explanations on one sheet: scoring round 2 on one leaves the other blocking finalisation."""
    from scoring.appraisal.selectors import appraisal_gaps

    assessment, criteria, people = council
    for code in ("2.1", "2.2"):
        explanation_flag(actor=people["member"], assessment=assessment, criterion=criteria[code], message="Bổ sung")
    explanation_send(actor=people["secretary"], period=assessment.period, deadline=timezone.now() + timedelta(days=2))
    models.ExplanationRequest.objects.update(state=models.ExplanationRequest.State.ANSWERED, answer="Đã bổ sung")
    record(
        people["member"], assessment, criteria["2.1"], stage=models.Stage.ROUND_2, value="1", reason="Sau giải trình"
    )
    gaps = [gap.message for gap in appraisal_gaps(assessment.period, assessment.unit.block)]
    assert f"{assessment.unit}: tiêu chí 2.2 chờ thẩm định vòng 2 sau giải trình." in gaps
    assert f"{assessment.unit}: tiêu chí 2.1 chờ thẩm định vòng 2 sau giải trình." not in gaps
