"""Remediation plans: the head records one for a weak criterion of a published year, then reports its progress."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.models import AuditEvent, Period, RemediationPlan
from scoring.permissions.plans import can_record_plan, can_update_plan
from scoring.plans.selectors import weak_criteria
from units.models import Unit, User


@transaction.atomic
def plan_record(
    *,
    actor: User,
    period: Period,
    unit: Unit,
    criterion_code: str,
    action: str,
    owner: str,
    due_date: datetime.date | None,
) -> RemediationPlan:
    """A plan for one criterion on which the unit lost points in the published year (one plan per criterion)."""
    if not can_record_plan(actor, unit.pk, period):
        raise PermissionDenied(_("Chỉ người đứng đầu đơn vị lập kế hoạch khắc phục, sau khi kết quả được công bố."))
    weak = {criterion.code: criterion for criterion in weak_criteria(period, unit.pk)}
    errors = []
    if criterion_code not in weak:
        errors.append(
            _("Tiêu chí %(code)s không bị mất điểm trong kết quả năm %(year)s.")
            % {
                "code": criterion_code or "—",
                "year": period.year,
            }
        )
    if not action.strip():
        errors.append(_("Hãy ghi biện pháp khắc phục."))
    if not owner.strip():
        errors.append(_("Hãy ghi người hoặc bộ phận thực hiện."))
    if due_date is None:
        errors.append(_("Hãy chọn hạn hoàn thành (ngày/tháng/năm)."))
    elif due_date < timezone.localdate():
        errors.append(_("Hạn hoàn thành không được trước hôm nay."))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            plan = RemediationPlan.objects.create(
                period=period,
                unit=unit,
                criterion_code=criterion_code,
                criterion_title=weak[criterion_code].title,
                action=action.strip(),
                owner=owner.strip(),
                due_date=due_date,
                created_by=actor,
            )
    except IntegrityError:
        raise ValidationError(
            _("Tiêu chí %(code)s đã có kế hoạch khắc phục; hãy cập nhật tiến độ của kế hoạch đó.")
            % {"code": criterion_code}
        ) from None
    AuditEvent.objects.create(
        actor=actor,
        action="plan.record",
        period=period,
        summary=_("Lập kế hoạch khắc phục tiêu chí %(code)s của %(unit)s")
        % {"code": criterion_code, "unit": unit.name},
        data={"plan": plan.pk, "unit": unit.pk, "code": criterion_code, "due_date": due_date.isoformat()},
    )
    return plan


@transaction.atomic
def plan_progress_update(*, actor: User, plan: RemediationPlan, status: str, note: str) -> RemediationPlan:
    """The head reports how far the plan has got; every report is kept in the audit trail."""
    plan = RemediationPlan.objects.select_for_update().select_related("unit", "period").get(pk=plan.pk)
    if not can_update_plan(actor, plan):
        raise PermissionDenied(_("Chỉ người đứng đầu đơn vị cập nhật tiến độ kế hoạch khắc phục."))
    if status not in RemediationPlan.Status.values:
        raise ValidationError(_("Hãy chọn một tiến độ trong danh sách."))
    if status == RemediationPlan.Status.DONE and not note.strip():
        raise ValidationError(_("Hãy ghi kết quả đã làm được khi báo hoàn thành."))
    old_status = plan.status
    plan.status, plan.progress_note, plan.progress_updated_at = status, note.strip(), timezone.now()
    plan.save(update_fields=["status", "progress_note", "progress_updated_at"])
    AuditEvent.objects.create(
        actor=actor,
        action="plan.progress",
        period=plan.period,
        summary=_("Cập nhật tiến độ kế hoạch khắc phục tiêu chí %(code)s của %(unit)s: %(status)s")
        % {"code": plan.criterion_code, "unit": plan.unit.name, "status": plan.get_status_display()},
        data={"plan": plan.pk, "from": old_status, "to": status},
    )
    return plan
