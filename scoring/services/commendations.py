"""Removing a commendation recorded by mistake (adding one is `scoring.services.results.commendation_add`)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from scoring.models import AuditEvent, Commendation
from scoring.results import access
from units.models import User


@transaction.atomic
def commendation_remove(*, actor: User, commendation: Commendation) -> None:
    """Delete a commendation; the audit event keeps what was removed."""
    commendation = Commendation.objects.select_for_update().select_related("period").get(pk=commendation.pk)
    if not access.can_manage_results(actor, commendation.period):
        raise PermissionDenied(_("Chỉ Thư ký Hội đồng sửa danh sách khen thưởng."))
    AuditEvent.objects.create(
        actor=actor,
        action="results.commend_remove",
        period=commendation.period,
        summary=str(commendation),
        data={"kind": commendation.kind, "name": commendation.name, "unit_id": commendation.unit_id},
    )
    commendation.delete()
