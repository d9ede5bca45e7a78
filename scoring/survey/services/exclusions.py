"""The council's exclusions of responses (and their restoration), each with a reason and an audit event."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.models import (
    AuditEvent,
)
from scoring.permissions.survey import (
    can_exclude_response,
)
from scoring.survey.models import SurveyResponse
from units.models import User

REASON_MAX_LENGTH = 2000


def _locked_for_exclusion(actor: User, response: SurveyResponse) -> SurveyResponse:
    """The response, locked, once the actor may exclude (or restore) it."""
    response = (
        SurveyResponse.objects.select_for_update(of=("self",))
        .select_related("survey__period", "unit")
        .get(pk=response.pk)
    )
    if not can_exclude_response(actor, response):
        raise PermissionDenied(_("Chỉ Hội đồng thẩm định loại phiếu trả lời, trước khi khối được chốt."))
    return response


def _save_exclusion(actor: User, response: SurveyResponse, action: str, summary: str, **data: str) -> None:
    """Store whether the response counts, and the audit event that says who decided it and why."""
    response.save(update_fields=["is_excluded", "exclusion_reason", "excluded_by", "excluded_at"])
    AuditEvent.objects.create(
        actor=actor,
        action=action,
        period=response.survey.period,
        summary=summary,
        data={"survey_id": response.survey_id, "response_id": response.pk, **data},
    )


@transaction.atomic
def response_exclude(*, actor: User, response: SurveyResponse, reason: str) -> SurveyResponse:
    """Leave one response out of the points, with a reason; never automatic, always audited."""
    response = _locked_for_exclusion(actor, response)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do loại phiếu trả lời.")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": _("Lý do dài quá %(max)s ký tự.") % {"max": REASON_MAX_LENGTH}})
    if response.is_excluded:
        raise ValidationError(_("Phiếu trả lời này đã bị loại."))
    response.is_excluded = True
    response.exclusion_reason = reason
    response.excluded_by = actor
    response.excluded_at = timezone.now()
    _save_exclusion(
        actor,
        response,
        "survey.response_exclude",
        _("Loại phiếu trả lời số %(number)s của %(unit)s") % {"number": response.pk, "unit": response.unit},
        reason=reason,
    )
    return response


@transaction.atomic
def response_restore(*, actor: User, response: SurveyResponse, reason: str) -> SurveyResponse:
    """Count an excluded response again (the exclusion and its reason stay in the audit trail)."""
    response = _locked_for_exclusion(actor, response)
    if not response.is_excluded:
        raise ValidationError(_("Phiếu trả lời này đang được tính."))
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do tính lại phiếu trả lời.")})
    previous = response.exclusion_reason
    response.is_excluded, response.exclusion_reason, response.excluded_by, response.excluded_at = False, "", None, None
    _save_exclusion(
        actor,
        response,
        "survey.response_restore",
        _("Tính lại phiếu trả lời số %(number)s của %(unit)s") % {"number": response.pk, "unit": response.unit},
        reason=reason.strip(),
        previous_reason=previous,
    )
    return response
