from django.utils.functional import SimpleLazyObject

from scoring.permissions.admin import can_use_admin
from scoring.permissions.periods import can_manage_frameworks
from scoring.permissions.plans import can_open_plans
from units.roles import NO_ROLES, is_administrator, is_council_member, is_leadership, is_secretary, roles_of


def roles(request) -> dict:
    """Expose the signed-in user's roles to templates (navigation per role) without extra queries."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": NO_ROLES}
    return {
        "user_roles": roles_of(user),
        "can_manage_frameworks": can_manage_frameworks(user),
        "can_use_admin": can_use_admin(user),
        "is_council_member": is_council_member(user),
        "can_follow_council": is_secretary(user) or is_leadership(user) or is_administrator(user),
        "can_open_plans": can_open_plans(user),
        # Lazy, and the navigation asks only for council members: the chair closes blocks on the council page.
        "is_council_chair": SimpleLazyObject(lambda: _chairs_an_open_council(user)),
        # Lazy: one COUNT, run only when a page draws the navbar (htmx fragments never pay for it).
        "unread_notice_count": SimpleLazyObject(lambda: user.notices.filter(read_at__isnull=True).count()),
    }


def _chairs_an_open_council(user) -> bool:
    from scoring.models import CouncilMembership, Period

    open_states = [Period.State.SELF_ASSESSMENT, Period.State.APPRAISAL, Period.State.EXPLANATION]
    return CouncilMembership.objects.filter(user=user, is_chair=True, period__state__in=open_states).exists()
