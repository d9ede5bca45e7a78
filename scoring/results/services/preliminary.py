"""Writes of the preliminary stage: results released to the units, their objections filed and resolved."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.models import Assessment, AuditEvent, BlockFinalisation, Criterion, Objection, Period, Score, Stage
from scoring.notices.services import council_and_secretariat, notify, unit_people
from scoring.permissions.results import can_file_objection, can_release_preliminary, can_resolve_objection
from scoring.sheets.services import ScoreInput, score_write
from scoring.text import number_text
from units.models import User


def lock_period(period: Period) -> Period:
    return Period.objects.select_for_update().get(pk=period.pk)


@transaction.atomic
def results_release_preliminary(*, actor: User, period: Period, objection_deadline=None) -> Period:
    """Send the appraised results to the units, who may object until the deadline; every block must be closed."""
    period = lock_period(period)
    if not can_release_preliminary(actor, period):
        raise PermissionDenied(_("Chỉ Thư ký Hội đồng được công bố kết quả sơ bộ, khi kỳ đang thẩm định."))
    open_blocks = (
        period.frameworks.exclude(block_id__in=BlockFinalisation.objects.filter(period=period).values("block_id"))
        .select_related("block")
        .order_by("block__position")
    )
    problems = [_("Khối “%(block)s” chưa được chốt kết quả thẩm định.") % {"block": f.block} for f in open_blocks]
    if problems:
        raise ValidationError(problems)
    deadline = objection_deadline or period.objection_deadline
    if deadline is None or deadline <= timezone.now():
        raise ValidationError({"objection_deadline": _("Hãy đặt hạn kiến nghị là một thời điểm trong tương lai.")})
    period.objection_deadline = deadline
    period.state = Period.State.PRELIMINARY
    period.save(update_fields=["objection_deadline", "state"])
    AuditEvent.objects.create(
        actor=actor,
        action="results.release_preliminary",
        period=period,
        summary=_("Công bố kết quả sơ bộ năm %(year)s") % {"year": period.year},
        data={"objection_deadline": deadline.isoformat()},
    )
    message = _("Đã có kết quả sơ bộ năm %(year)s. Đơn vị có thể kiến nghị đến %(deadline)s.") % {
        "year": period.year,
        "deadline": timezone.localtime(deadline).strftime("%H:%M %d/%m/%Y"),
    }
    units = list(Assessment.objects.filter(period=period).values_list("unit_id", flat=True))

    def tell_units() -> None:  # each unit is sent to its own preliminary result
        for unit_id in units:
            notify(unit_people(unit_id), message, url=reverse("results_unit", args=[period.year, unit_id]))

    transaction.on_commit(tell_units)
    return period


def final_points(assessment: Assessment, criterion: Criterion) -> Decimal | None:
    score = (
        Score.objects.filter(assessment=assessment, criterion=criterion, stage__in=[Stage.ROUND_1, Stage.ROUND_2])
        .order_by("-stage")
        .first()
    )
    return score.points if score else None


@transaction.atomic
def objection_file(*, actor: User, assessment: Assessment, criterion: Criterion, text: str, now=None) -> Objection:
    """A unit disputes the council's score on one criterion, within the objection window."""
    assessment = Assessment.objects.select_for_update().select_related("period", "unit").get(pk=assessment.pk)
    if not can_file_objection(actor, assessment, now):
        raise PermissionDenied(_("Đã hết hạn kiến nghị hoặc bạn không có quyền kiến nghị cho đơn vị này."))
    if criterion.framework_id != assessment.framework_id or not criterion.rule_type:
        raise ValidationError(_("Tiêu chí không thuộc phiếu này."))
    if not text.strip():
        raise ValidationError({"text": _("Hãy ghi nội dung kiến nghị.")})
    if Objection.objects.filter(assessment=assessment, criterion=criterion).exists():
        raise ValidationError(_("Đơn vị đã kiến nghị về tiêu chí %(code)s.") % {"code": criterion.code})
    objection = Objection.objects.create(
        assessment=assessment,
        criterion=criterion,
        text=text.strip(),
        filed_by=actor,
        old_points=final_points(assessment, criterion),
    )
    AuditEvent.objects.create(
        actor=actor,
        action="results.objection_file",
        period=assessment.period,
        summary=f"{assessment.unit} {criterion.code}",
        data={"objection_id": objection.pk},
    )
    council = council_and_secretariat(assessment.period, about_unit_id=assessment.unit_id)
    message = _("%(unit)s kiến nghị về tiêu chí %(code)s.") % {"unit": assessment.unit, "code": criterion.code}
    url = reverse("results_unit", args=[assessment.period.year, assessment.unit_id])
    transaction.on_commit(lambda: notify(council, message, url=url))
    return objection


@transaction.atomic
def objection_resolve(
    *, actor: User, objection: Objection, accept: bool, reason: str, data: ScoreInput | None = None
) -> Objection:
    """The council accepts an objection with a new (round 2) score, or rejects it; either way with a reason."""
    objection = (
        Objection.objects.select_for_update().select_related("assessment__period", "criterion").get(pk=objection.pk)
    )
    assessment = objection.assessment
    if not can_resolve_objection(actor, assessment):
        raise PermissionDenied(_("Chỉ Thư ký hoặc Chủ tịch Hội đồng giải quyết kiến nghị khi kết quả còn sơ bộ."))
    if objection.state != Objection.State.FILED:
        raise ValidationError(_("Kiến nghị này đã được giải quyết."))
    if not reason.strip():
        raise ValidationError({"resolution": _("Hãy ghi ý kiến giải quyết kiến nghị.")})
    if accept:
        if data is None:
            raise ValidationError(_("Chấp nhận kiến nghị cần có điểm mới."))
        current = Score.objects.filter(
            assessment=assessment, criterion=objection.criterion, stage=Stage.ROUND_2
        ).first()
        score = score_write(
            actor=actor,
            assessment=assessment,
            criterion=objection.criterion,
            stage=Stage.ROUND_2,
            data=ScoreInput(entry=data.entry, is_not_applicable=data.is_not_applicable, explanation=reason),
            expected_version=current.version if current else 0,
        )
        objection.new_points = score.points
        objection.state = Objection.State.ACCEPTED
    else:
        objection.new_points = objection.old_points
        objection.state = Objection.State.REJECTED
    objection.resolution = reason.strip()
    objection.resolved_by = actor
    objection.resolved_at = timezone.now()
    objection.save()
    AuditEvent.objects.create(
        actor=actor,
        action="results.objection_resolve",
        period=assessment.period,
        summary=f"{objection.get_state_display()}: {objection.criterion.code}",
        data={
            "objection_id": objection.pk,
            "old": str(objection.old_points) if objection.old_points is not None else None,
            "new": str(objection.new_points) if objection.new_points is not None else None,
        },
    )
    people = unit_people(assessment.unit_id)
    message = _("Kiến nghị về tiêu chí %(code)s: %(state)s (%(old)s → %(new)s).") % {
        "code": objection.criterion.code,
        "state": objection.get_state_display().lower(),
        "old": number_text(objection.old_points, empty="—"),
        "new": number_text(objection.new_points, empty="—"),
    }
    url = reverse("results_unit", args=[assessment.period.year, assessment.unit_id])
    transaction.on_commit(lambda: notify(people, message, url=url))
    return objection
