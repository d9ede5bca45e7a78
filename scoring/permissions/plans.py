"""Who may see and write remediation plans: a unit's head records and updates its own; the unit's people read them;
leadership and the secretariat follow every plan. Nobody else sees them (a plan is the unit's work, not published)."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from scoring.models import Period, RemediationPlan
from units.models import Role, User
from units.roles import is_administrator, is_leadership, is_secretary, is_unit_head, roles_of


def follows_every_plan(user: User) -> bool:
    return is_leadership(user) or is_secretary(user) or is_administrator(user)


def can_open_plans(user: User) -> bool:
    """Who has a plans page (the navigation's link): those who follow every plan, and the units' people."""
    return follows_every_plan(user) or bool(roles_of(user).unit_ids(Role.UNIT_STAFF, Role.UNIT_HEAD))


def can_view_unit_plans(user: User, unit_id: int) -> bool:
    return follows_every_plan(user) or unit_id in roles_of(user).unit_ids(Role.UNIT_STAFF, Role.UNIT_HEAD)


def visible_plans_filter(user: User) -> Q:
    """can_view_unit_plans as a query filter, for lists (keep the two in step)."""
    if follows_every_plan(user):
        return Q()
    return Q(unit_id__in=roles_of(user).unit_ids(Role.UNIT_STAFF, Role.UNIT_HEAD))


def can_record_plan(user: User, unit_id: int, period: Period) -> bool:
    """The head answers personally for the unit's result: they plan, once the year is published."""
    return is_unit_head(user, unit_id) and period.state == Period.State.PUBLISHED


def can_update_plan(user: User, plan: RemediationPlan) -> bool:
    return is_unit_head(user, plan.unit_id)


def get_plan_for_view(user: User, pk: int) -> RemediationPlan:
    """Fetch and authorise in one call: 404 for a missing plan and for another unit's alike."""
    plan = get_object_or_404(RemediationPlan.objects.select_related("period", "unit__block"), pk=pk)
    if not can_view_unit_plans(user, plan.unit_id):
        raise Http404
    return plan
