"""Who may manage the council and read its overview."""

from scoring.models import Period
from scoring.permissions.appraisal import APPRAISAL_STATES, council_seat
from units.models import Role, User
from units.roles import is_administrator, is_leadership, is_secretary

# Who may sit on a council: the roles held across the authority, not inside one unit.
COUNCIL_ELIGIBLE_ROLES = frozenset({Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY, Role.LEADERSHIP})


def can_manage_council(user: User, period: Period) -> bool:
    """The secretary runs the council (administrators may stand in), until the results are published."""
    is_manager = is_secretary(user) or is_administrator(user)
    return is_manager and period.state != Period.State.PUBLISHED


def can_finalise(user: User, period: Period) -> bool:
    return council_seat(user, period).is_chair and period.state in APPRAISAL_STATES


def can_read_overview(user: User, period: Period) -> bool:
    """Leadership follows the appraisal; the chair reads it to decide when to close a block."""
    return (
        can_manage_council(user, period)
        or is_leadership(user)
        or is_secretary(user)
        or council_seat(user, period).is_chair
    )
