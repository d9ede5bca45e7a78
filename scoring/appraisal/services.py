"""Writes of the appraisal council: rounds of re-scoring, explanation requests, bonus/penalty, finalisation."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.appraisal.selectors import appraisal_gaps, round_two_open
from scoring.models import (
    AdjustmentEntry,
    AdjustmentItem,
    Assessment,
    AuditEvent,
    BlockFinalisation,
    Criterion,
    ExplanationRequest,
    Period,
    Score,
    Stage,
)
from scoring.notices.services import notify, unit_people
from scoring.permissions.appraisal import (
    APPRAISAL_STATES,
    can_answer_explanation,
    can_appraise_criterion,
    can_appraise_whole_sheet,
    is_hidden_by_conflict,
)
from scoring.permissions.council import can_finalise, can_manage_council
from scoring.sheets.services import ScoreInput, score_write
from scoring.signing.services import minutes_record
from scoring.text import number_text
from units.models import Block, User

COUNCIL_STAGES = (Stage.ROUND_1, Stage.ROUND_2)
ANSWER_MAX_LENGTH = 10_000


def _lock(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().select_related("period", "unit").get(pk=assessment.pk)


def _shown(points, is_not_applicable: bool) -> str:
    return _("không áp dụng") if is_not_applicable else number_text(points, empty="—")


def round_two_is_open(assessment: Assessment, criterion: Criterion, now=None) -> bool:
    """Round 2 scores a criterion once its explanation was answered or its deadline has passed."""
    return round_two_open(ExplanationRequest.objects.filter(assessment=assessment, criterion=criterion).first(), now)


@transaction.atomic
def appraisal_record(
    *,
    actor: User,
    assessment: Assessment,
    criterion: Criterion,
    stage: str,
    data: ScoreInput,
    expected_version: int,
) -> Score:
    """Record a council round's score; a reason is required wherever it differs from the unit's own score."""
    assessment = _lock(assessment)
    if stage not in COUNCIL_STAGES:
        raise ValidationError(_("Vòng chấm không hợp lệ."))
    if criterion.framework_id != assessment.framework_id or not criterion.rule_type:
        raise ValidationError(_("Tiêu chí không thuộc phiếu này."))
    if not can_appraise_criterion(actor, assessment, criterion):
        raise PermissionDenied(_("Bạn không được phân công thẩm định tiêu chí này, hoặc phiếu đã chốt."))
    if stage == Stage.ROUND_2 and not round_two_is_open(assessment, criterion):
        raise ValidationError(_("Vòng 2 chỉ chấm các tiêu chí đã có giải trình hoặc đã hết hạn giải trình."))
    points = _council_points(criterion, data)
    own = Score.objects.filter(assessment=assessment, criterion=criterion, stage=Stage.SELF).first()
    # Survey points have no self-score to differ from; everything else was scored by the unit before submission.
    differs = own is not None and (own.points != points or own.is_not_applicable != data.is_not_applicable)
    if differs and not data.explanation.strip():
        raise ValidationError(
            {
                "explanation": _("Điểm thẩm định (%(new)s) khác điểm tự chấm (%(own)s): hãy ghi lý do.")
                % {"new": _shown(points, data.is_not_applicable), "own": _shown(own.points, own.is_not_applicable)}
            }
        )
    return score_write(
        actor=actor,
        assessment=assessment,
        criterion=criterion,
        stage=stage,
        data=data,
        expected_version=expected_version,
    )


def _council_points(criterion: Criterion, data: ScoreInput):
    """The council confirms or rejects a not-applicable mark like any score; a rejected mark needs a score."""
    from scoring.sheets.services import points_for

    if data.is_not_applicable and not criterion.allows_not_applicable:
        raise ValidationError(
            _("Tiêu chí %(code)s không cho phép đánh dấu “không áp dụng”.") % {"code": criterion.code}
        )
    return points_for(criterion, data)


@transaction.atomic
def explanation_flag(*, actor: User, assessment: Assessment, criterion: Criterion, message: str) -> ExplanationRequest:
    """A member proposes asking the unit to explain a criterion; the secretary sends the proposals."""
    assessment = _lock(assessment)
    if not can_appraise_criterion(actor, assessment, criterion):
        raise PermissionDenied
    if not message.strip():
        raise ValidationError({"message": _("Hãy ghi nội dung đơn vị cần giải trình hoặc bổ sung.")})
    request, created = ExplanationRequest.objects.get_or_create(
        assessment=assessment, criterion=criterion, defaults={"message": message.strip(), "requested_by": actor}
    )
    if not created:
        if request.state != ExplanationRequest.State.FLAGGED:
            raise ValidationError(_("Yêu cầu giải trình tiêu chí này đã được gửi cho đơn vị."))
        request.message = message.strip()
        request.requested_by = actor
        request.save(update_fields=["message", "requested_by"])
    AuditEvent.objects.create(
        actor=actor,
        action="explanation.flag",
        period=assessment.period,
        summary=f"{assessment} {criterion.code}",
        data={"request_id": request.pk, "message": request.message},
    )
    return request


@transaction.atomic
def explanation_withdraw(*, actor: User, request: ExplanationRequest) -> None:
    request = (
        ExplanationRequest.objects.select_for_update()
        .select_related("assessment__period", "assessment__unit")
        .get(pk=request.pk)
    )
    if request.state != ExplanationRequest.State.FLAGGED:
        raise ValidationError(_("Yêu cầu đã gửi cho đơn vị thì không rút lại được."))
    if request.requested_by_id != actor.pk and not can_manage_council(actor, request.assessment.period):
        raise PermissionDenied
    AuditEvent.objects.create(
        actor=actor,
        action="explanation.withdraw",
        period=request.assessment.period,
        summary=f"{request.assessment} {request.criterion.code}",
        data={"message": request.message},
    )
    request.delete()


@transaction.atomic
def explanation_send(*, actor: User, period: Period, deadline, request_ids: list[int] | None = None) -> int:
    """The secretary sends the flagged requests to their units with one deadline; returns how many were sent."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    if not can_manage_council(actor, period) or period.state not in APPRAISAL_STATES:
        raise PermissionDenied
    if deadline is None or deadline <= timezone.now():
        raise ValidationError({"deadline": _("Hạn giải trình phải ở sau thời điểm hiện tại.")})
    requests = ExplanationRequest.objects.select_for_update().filter(
        assessment__period=period, state=ExplanationRequest.State.FLAGGED
    )
    if request_ids is not None:
        requests = requests.filter(pk__in=request_ids)
    requests = list(requests.select_related("assessment__unit", "criterion"))
    if not requests:
        raise ValidationError(_("Không có đề xuất giải trình nào để gửi."))
    now = timezone.now()
    for request in requests:
        request.state = ExplanationRequest.State.SENT
        request.sent_by = actor
        request.sent_at = now
        request.deadline = deadline
    ExplanationRequest.objects.bulk_update(requests, ["state", "sent_by", "sent_at", "deadline"])
    # The period enters the explanation phase from appraisal; while some units are still self-assessing
    # (the council may start on sheets already submitted), it stays in self-assessment so they can finish.
    if period.state == Period.State.APPRAISAL:
        period.state = Period.State.EXPLANATION
    period.explanation_deadline = max(deadline, period.explanation_deadline or deadline)
    period.save(update_fields=["state", "explanation_deadline"])
    by_assessment: dict[int, list[ExplanationRequest]] = {}
    for request in requests:
        by_assessment.setdefault(request.assessment_id, []).append(request)
    for items in by_assessment.values():
        assessment = items[0].assessment
        codes = ", ".join(sorted(r.criterion.code for r in items))
        notify(
            unit_people(assessment.unit_id),
            _("Hội đồng yêu cầu %(unit)s giải trình tiêu chí %(codes)s trước %(deadline)s.")
            % {
                "unit": assessment.unit,
                "codes": codes,
                "deadline": timezone.localtime(deadline).strftime("%H:%M %d/%m/%Y"),
            },
            url=reverse("explanation_list", args=[assessment.pk]),
        )
    AuditEvent.objects.create(
        actor=actor,
        action="explanation.send",
        period=period,
        summary=f"{len(requests)}",
        data={"request_ids": [r.pk for r in requests], "deadline": deadline.isoformat()},
    )
    return len(requests)


@transaction.atomic
def explanation_answer(*, actor: User, request: ExplanationRequest, answer: str) -> ExplanationRequest:
    """The unit explains (and may add evidence) until the deadline; the answer then locks."""
    request = (
        ExplanationRequest.objects.select_for_update()
        .select_related("assessment__period", "assessment__unit", "criterion")
        .get(pk=request.pk)
    )
    if not can_answer_explanation(actor, request):
        raise PermissionDenied(_("Yêu cầu giải trình đã hết hạn hoặc bạn không phụ trách đơn vị."))
    if not answer.strip():
        raise ValidationError({"answer": _("Hãy ghi nội dung giải trình.")})
    if len(answer) > ANSWER_MAX_LENGTH:
        raise ValidationError({"answer": _("Nội dung giải trình dài quá %(max)s ký tự.") % {"max": ANSWER_MAX_LENGTH}})
    old = request.answer
    request.answer = answer.strip()
    request.state = ExplanationRequest.State.ANSWERED
    request.answered_by = actor
    request.answered_at = timezone.now()
    request.save(update_fields=["answer", "state", "answered_by", "answered_at"])
    AuditEvent.objects.create(
        actor=actor,
        action="explanation.answer",
        period=request.assessment.period,
        summary=f"{request.assessment} {request.criterion.code}",
        data={"old": old, "new": request.answer},
    )
    requester, assessment = request.requested_by, request.assessment
    if requester is not None and not is_hidden_by_conflict(requester, assessment.unit_id, assessment.period):
        notify(
            [requester],
            _("%(unit)s đã giải trình tiêu chí %(code)s.")
            % {"unit": request.assessment.unit, "code": request.criterion.code},
            url=f"{reverse('appraisal_workspace', args=[request.assessment_id])}#row-{request.criterion_id}",
        )
    return request


@transaction.atomic
def adjustment_record(
    *, actor: User, assessment: Assessment, item: AdjustmentItem, points: Decimal, reason: str
) -> AdjustmentEntry | None:
    """Give (or, with 0 points, withdraw) bonus or penalty points within the item's cap and the framework's cap."""
    assessment = _lock(assessment)
    if not can_appraise_whole_sheet(actor, assessment):
        raise PermissionDenied(_("Chỉ thành viên được giao cả phiếu (hoặc Chủ tịch Hội đồng) cho điểm thưởng / trừ."))
    if item.framework_id != assessment.framework_id:
        raise ValidationError(_("Mục thưởng / trừ không thuộc bộ chỉ số của phiếu này."))
    if points < 0 or points > item.max_points:
        raise ValidationError({"points": _("Điểm phải từ 0 đến %(max)s.") % {"max": number_text(item.max_points)}})
    existing = AdjustmentEntry.objects.filter(assessment=assessment, item=item).first()
    old = existing.points if existing else None
    if points == 0:
        if existing is not None:
            existing.delete()
        entry = None
    else:
        if not reason.strip():
            raise ValidationError({"reason": _("Hãy ghi lý do cộng / trừ điểm.")})
        framework = assessment.framework
        cap = framework.bonus_cap if item.kind == AdjustmentItem.Kind.BONUS else framework.penalty_cap
        others = AdjustmentEntry.objects.filter(assessment=assessment, item__kind=item.kind).exclude(
            item=item
        ).aggregate(total=Sum("points"))["total"] or Decimal(0)
        if others + points > cap:
            raise ValidationError(
                {
                    "points": _("Tổng %(kind)s sẽ là %(total)s, vượt mức trần %(cap)s.")
                    % {
                        "kind": item.get_kind_display().lower(),
                        "total": number_text(others + points),
                        "cap": number_text(cap),
                    }
                }
            )
        entry, _created = AdjustmentEntry.objects.update_or_create(
            assessment=assessment, item=item, defaults={"points": points, "reason": reason.strip(), "entered_by": actor}
        )
    AuditEvent.objects.create(
        actor=actor,
        action="adjustment.record",
        period=assessment.period,
        summary=f"{assessment} {item.code}",
        data={"old": str(old) if old is not None else None, "new": str(points), "reason": reason.strip()},
    )
    return entry


@transaction.atomic
def block_finalise(*, actor: User, period: Period, block: Block) -> BlockFinalisation:
    """The chair closes a block's appraisal: from then on its council scores are read-only."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    if not can_finalise(actor, period):
        raise PermissionDenied(_("Chỉ Chủ tịch Hội đồng được chốt kết quả thẩm định."))
    if BlockFinalisation.objects.filter(period=period, block=block).exists():
        raise ValidationError(_("Khối “%(block)s” đã được chốt.") % {"block": block})
    blockers = appraisal_gaps(period, block, viewer=actor)  # the chair's conflicted units: counted, not named
    if blockers:
        raise ValidationError([gap.message for gap in blockers])
    finalisation = BlockFinalisation.objects.create(period=period, block=block, finalised_by=actor)
    minutes_record(actor=actor, finalisation=finalisation)
    AuditEvent.objects.create(
        actor=actor, action="appraisal.finalise", period=period, summary=str(block), data={"block_id": block.pk}
    )
    return finalisation
