"""Writes on a unit's scoresheet: recording scores, submitting, reopening."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.models import Assessment, AuditEvent, Criterion, Period, RuleType, Score, ScoreChange, Stage
from scoring.notices.services import council_and_secretariat, notify
from scoring.permissions.sheets import (
    can_edit_self_assessment,
    can_reopen_assessment,
    can_submit_assessment,
    is_past_deadline,
)
from scoring.rules import ENTRY_FIELDS, Entry, Rule, compute_points, normalized
from scoring.sheets.selectors import load_sheet_summary
from scoring.signing.services import receipt_record
from units.models import Unit, User


class StaleScoreError(Exception):
    """Someone saved this score after the page was loaded; the newer score is attached."""

    def __init__(self, current: Score | None):
        super().__init__(_("Điểm này vừa được người khác cập nhật. Hãy xem giá trị mới rồi lưu lại nếu cần."))
        self.current = current


@dataclass(frozen=True)
class ScoreInput:
    entry: Entry
    is_not_applicable: bool = False
    explanation: str = ""
    no_evidence_reason: str = ""


def score_snapshot(score: Score | None) -> dict:
    """A score's inputs, points and texts as stored in its history (ScoreChange.old_values / new_values)."""
    if score is None:
        return {}
    values = {field: getattr(score, field) for field in ENTRY_FIELDS}
    values.update(
        points=score.points,
        is_not_applicable=score.is_not_applicable,
        explanation=score.explanation,
        no_evidence_reason=score.no_evidence_reason,
    )
    return {
        key: (str(value) if isinstance(value, Decimal) else value)
        for key, value in values.items()
        if value not in (None, "")
    }


def points_for(criterion: Criterion, data: ScoreInput) -> Decimal | None:
    """Validate the input against the criterion's rule; None for a not-applicable mark."""
    if data.is_not_applicable:
        if not criterion.allows_not_applicable:
            raise ValidationError(
                _("Tiêu chí %(code)s không cho phép đánh dấu “không áp dụng”.") % {"code": criterion.code}
            )
        if not data.explanation.strip():
            raise ValidationError({"explanation": _("Hãy ghi lý do tiêu chí không áp dụng với đơn vị.")})
        return None
    return compute_points(Rule.of(criterion), data.entry)


@transaction.atomic
def self_score_record(
    *, actor: User, assessment: Assessment, criterion: Criterion, data: ScoreInput, expected_version: int
) -> Score:
    """Save the unit's own score for one criterion, refusing stale pages, locked sheets and foreign units."""
    assessment = _locked_for_self_assessment(actor, assessment)
    _check_self_scored(assessment, criterion)
    return score_write(
        actor=actor,
        assessment=assessment,
        criterion=criterion,
        stage=Stage.SELF,
        data=data,
        expected_version=expected_version,
    )


@transaction.atomic
def self_scores_import(*, actor: User, assessment: Assessment, rows: list[tuple[Criterion, ScoreInput]]) -> int:
    """Save many of the unit's own scores at once (the sheet's Excel import), all or nothing; returns how many changed.

    The same checks, points and history rows as `self_score_record` row by row, in a number of queries that does
    not grow with the rows: the sheet is locked and its scores read once, the changes are written in bulk.
    """
    assessment = _locked_for_self_assessment(actor, assessment)
    for criterion, _data in rows:
        _check_self_scored(assessment, criterion)
    stored = {
        score.criterion_id: score
        for score in Score.objects.select_for_update().filter(assessment=assessment, stage=Stage.SELF)
    }
    changes = []
    for criterion, data in rows:
        points = points_for(criterion, data)
        _score, change = _score_fill(
            stored.get(criterion.id), actor=actor, assessment=assessment, criterion=criterion, data=data, points=points
        )
        if change is not None:
            changes.append(change)
    now = timezone.now()
    updated = [change.score for change in changes if change.score.pk is not None]
    for score in updated:
        score.updated_at = now  # bulk_update leaves auto_now to the caller
    try:
        Score.objects.bulk_create([change.score for change in changes if change.score.pk is None])
    except IntegrityError:  # cannot happen while the sheet is locked; refuse rather than save half the rows
        raise StaleScoreError(None) from None
    Score.objects.bulk_update(updated, _SCORE_FILLED_FIELDS)
    ScoreChange.objects.bulk_create(changes)
    return len(changes)


def _locked_for_self_assessment(actor: User, assessment: Assessment) -> Assessment:
    """The sheet, locked until the transaction ends, once the actor may still edit it (unit, state, deadline)."""
    assessment = Assessment.objects.select_for_update().select_related("period").get(pk=assessment.pk)
    if not can_edit_self_assessment(actor, assessment):
        raise PermissionDenied(_("Phiếu tự đánh giá đã khóa hoặc bạn không có quyền sửa."))
    return assessment


def _check_self_scored(assessment: Assessment, criterion: Criterion) -> None:
    """The unit scores the leaves of its own framework, except survey points."""
    if criterion.framework_id != assessment.framework_id or criterion.rule_type == "":
        raise ValidationError(_("Tiêu chí không thuộc phiếu này."))
    if criterion.rule_type == RuleType.SURVEY:
        raise ValidationError(_("Điểm điều tra xã hội học do Hội đồng nhập từ kết quả khảo sát, đơn vị không tự chấm."))


def score_write(
    *, actor: User, assessment: Assessment, criterion: Criterion, stage: str, data: ScoreInput, expected_version: int
) -> Score:
    """Store one stage's score with its history row; callers have checked permission and locked the sheet.

    Shared by the unit's self-assessment, the council's rounds and the survey import so that every
    score in the portal is validated by the same rules and versioned the same way.
    """
    points = points_for(criterion, data)
    score = Score.objects.select_for_update().filter(assessment=assessment, criterion=criterion, stage=stage).first()
    current_version = score.version if score else 0
    if current_version != expected_version:
        raise StaleScoreError(score)
    score, change = _score_fill(
        score, actor=actor, assessment=assessment, criterion=criterion, data=data, points=points, stage=stage
    )
    if change is None:
        return score
    try:
        with transaction.atomic():
            score.save()
    except IntegrityError:  # created by someone else between our read and our insert
        raise StaleScoreError(
            Score.objects.filter(assessment=assessment, criterion=criterion, stage=stage).first()
        ) from None
    change.save()
    return score


# What _score_fill sets on a score (the fields a bulk update writes).
_SCORE_FILLED_FIELDS = (
    *ENTRY_FIELDS,
    "is_not_applicable",
    "points",
    "explanation",
    "no_evidence_reason",
    "updated_by",
    "updated_at",
    "version",
)


def _score_fill(
    score: Score | None,
    *,
    actor: User,
    assessment: Assessment,
    criterion: Criterion,
    data: ScoreInput,
    points: Decimal | None,
    stage: str = Stage.SELF,
) -> tuple[Score, ScoreChange | None]:
    """The score (a new one when None) with the input and its points applied, and the history row of the change:
    who, old and new points and values, why. None instead of a history row when nothing changed; saves nothing."""
    entry = normalized(data.entry, criterion.rule_type)
    before = score_snapshot(score)
    old_points = score.points if score else None
    if score is None:
        score = Score(assessment=assessment, criterion=criterion, stage=stage, version=0)
    for field in ENTRY_FIELDS:
        setattr(score, field, getattr(entry, field) if not data.is_not_applicable else None)
    score.is_not_applicable = data.is_not_applicable
    score.points = points
    score.explanation = data.explanation.strip()
    score.no_evidence_reason = data.no_evidence_reason.strip()
    score.updated_by = actor
    after = score_snapshot(score)
    if after == before:
        return score, None
    score.version += 1
    change = ScoreChange(
        score=score,
        actor=actor,
        old_points=old_points,
        new_points=points,
        old_values=before,
        new_values=after,
        reason=score.explanation,
    )
    return score, change


def assessments_ensure(*, period: Period) -> int:
    """Give every active unit that has a framework for its block a sheet in the period; returns how many were new."""
    frameworks = {framework.block_id: framework for framework in period.frameworks.all()}
    existing = set(Assessment.objects.filter(period=period).values_list("unit_id", flat=True))
    new = [
        Assessment(period=period, unit=unit, framework=frameworks[unit.block_id])
        for unit in Unit.objects.filter(is_active=True, block_id__in=frameworks).exclude(id__in=existing)
    ]
    Assessment.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def assessment_submit(*, actor: User, assessment: Assessment) -> Assessment:
    """The head submits: the sheet locks; after the deadline the submission is marked late."""
    assessment = Assessment.objects.select_for_update().select_related("period", "unit").get(pk=assessment.pk)
    if not can_submit_assessment(actor, assessment):
        raise PermissionDenied(_("Chỉ người đứng đầu đơn vị được nộp phiếu chưa nộp."))
    blockers = load_sheet_summary(assessment).blockers
    if blockers:
        raise ValidationError(blockers)
    now = timezone.now()
    assessment.state = Assessment.State.SUBMITTED
    assessment.submitted_at = now
    assessment.submitted_by = actor
    assessment.is_late = is_past_deadline(assessment, now)
    assessment.save(update_fields=["state", "submitted_at", "submitted_by", "is_late"])
    receipt_record(actor=actor, assessment=assessment)
    notify(
        council_and_secretariat(assessment.period, about_unit_id=assessment.unit_id),
        _("%(unit)s đã nộp phiếu tự đánh giá năm %(year)s%(late)s.")
        % {
            "unit": assessment.unit,
            "year": assessment.period.year,
            "late": _(" (nộp muộn)") if assessment.is_late else "",
        },
        url=reverse("assessment_sheet", args=[assessment.pk]),
    )
    AuditEvent.objects.create(
        actor=actor,
        action="assessment.submit",
        period=assessment.period,
        summary=str(assessment),
        data={"assessment_id": assessment.pk, "is_late": assessment.is_late},
    )
    return assessment


@transaction.atomic
def assessment_reopen(*, actor: User, assessment: Assessment, reason: str, extended_until=None) -> Assessment:
    """Only the secretary reopens a sheet, always with a reason, optionally past the common deadline."""
    assessment = Assessment.objects.select_for_update().select_related("period").get(pk=assessment.pk)
    if not can_reopen_assessment(actor, assessment):
        raise PermissionDenied(_("Chỉ Thư ký Hội đồng được mở lại phiếu trong giai đoạn tự đánh giá."))
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do mở lại phiếu.")})
    if extended_until is not None and extended_until <= timezone.now():
        raise ValidationError({"extended_until": _("Hạn mới phải ở sau thời điểm hiện tại.")})
    previous = {
        "state": assessment.state,
        "submitted_at": assessment.submitted_at.isoformat() if assessment.submitted_at else None,
    }
    assessment.state = Assessment.State.DRAFT
    assessment.submitted_at = None
    assessment.submitted_by = None
    assessment.is_late = False
    assessment.extended_until = extended_until or assessment.extended_until
    assessment.save(update_fields=["state", "submitted_at", "submitted_by", "is_late", "extended_until"])
    AuditEvent.objects.create(
        actor=actor,
        action="assessment.reopen",
        period=assessment.period,
        summary=str(assessment),
        data={
            "assessment_id": assessment.pk,
            "reason": reason.strip(),
            "previous": previous,
            "extended_until": extended_until.isoformat() if extended_until else None,
        },
    )
    return assessment
