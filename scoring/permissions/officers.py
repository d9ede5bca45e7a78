"""Who names the officer preparing each criterion of a unit's sheet, who may be named, and who sees each officer's
results after publication."""

from django.db.models import QuerySet

from scoring.models import Assessment, Period
from units.models import Role, User
from units.roles import is_administrator, is_secretary, is_unit_head


def can_assign_preparers(user: User, assessment: Assessment) -> bool:
    """The head divides the work while the sheet is still being prepared."""
    return (
        is_unit_head(user, assessment.unit_id)
        and assessment.state == Assessment.State.DRAFT
        and assessment.period.state == Period.State.SELF_ASSESSMENT
    )


def eligible_officers(unit_id: int) -> QuerySet[User]:
    """The unit's own people (focal officers and the head), active, by name."""
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__unit_id=unit_id,
            role_assignments__role__in=[Role.UNIT_STAFF, Role.UNIT_HEAD],
        )
        .distinct()
        .order_by("full_name", "username")
    )


def can_view_officer_results(user: User, unit_id: int) -> bool:
    """Each officer's published results: the unit's head, and the secretariat (not the public, not other units)."""
    return is_unit_head(user, unit_id) or is_secretary(user) or is_administrator(user)
