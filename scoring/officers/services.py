"""The head names the officer who prepares each criterion of the unit's sheet."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from scoring.models import Assessment, AuditEvent, Criterion, CriterionPreparer
from scoring.permissions.officers import can_assign_preparers, eligible_officers
from units.models import User


@transaction.atomic
def preparers_assign(*, actor: User, assessment: Assessment, officers: dict[int, int | None]) -> int:
    """Set the officer of each criterion given (criterion id → user id, None to clear); returns how many changed.

    All or nothing: one unknown criterion or officer refuses the whole change."""
    assessment = Assessment.objects.select_for_update().select_related("period", "unit").get(pk=assessment.pk)
    if not can_assign_preparers(actor, assessment):
        raise PermissionDenied(_("Chỉ người đứng đầu đơn vị phân công cán bộ chuẩn bị, khi phiếu đang tự đánh giá."))
    leaves = set(
        Criterion.objects.filter(framework_id=assessment.framework_id, pk__in=officers)
        .exclude(rule_type="")
        .values_list("pk", flat=True)
    )
    people = {user.pk: user for user in eligible_officers(assessment.unit_id)}
    errors = [_("Tiêu chí không thuộc phiếu của đơn vị.") for criterion_id in officers if criterion_id not in leaves][
        :1
    ]
    errors += [
        _("Người được phân công phải là cán bộ của %(unit)s.") % {"unit": assessment.unit.name}
        for officer_id in {officer for officer in officers.values() if officer is not None}
        if officer_id not in people
    ][:1]
    if errors:
        raise ValidationError(errors)
    current = dict(
        CriterionPreparer.objects.filter(assessment=assessment, criterion_id__in=officers).values_list(
            "criterion_id", "officer_id"
        )
    )
    changed = {
        criterion_id: officer for criterion_id, officer in officers.items() if current.get(criterion_id) != officer
    }
    if not changed:
        return 0
    CriterionPreparer.objects.filter(
        assessment=assessment, criterion_id__in=[key for key, officer in changed.items() if officer is None]
    ).delete()
    for criterion_id, officer_id in changed.items():
        if officer_id is not None:
            CriterionPreparer.objects.update_or_create(
                assessment=assessment,
                criterion_id=criterion_id,
                defaults={"officer_id": officer_id, "assigned_by": actor},
            )
    AuditEvent.objects.create(
        actor=actor,
        action="preparers.assign",
        period=assessment.period,
        summary=_("Phân công cán bộ chuẩn bị %(count)s tiêu chí của %(unit)s")
        % {"count": len(changed), "unit": assessment.unit.name},
        data={"assessment": assessment.pk, "changes": {str(key): value for key, value in changed.items()}},
    )
    return len(changed)
