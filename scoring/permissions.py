"""Access rules for periods and frameworks, plus getters that fetch and authorise in one call."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from scoring.models import Framework, Period
from units import permissions as unit_permissions
from units.models import User


def can_view_period(user: User, period: Period) -> bool:
    """Drafts belong to the secretariat; once opened, every person with a role may follow the period."""
    if unit_permissions.can_manage_frameworks(user):
        return True
    if period.state == Period.State.DRAFT:
        return unit_permissions.is_leadership(user) or unit_permissions.is_council_member(user)
    return unit_permissions.can_view_frameworks(user)


def get_period_for_view(user: User, year: int) -> Period:
    period = get_object_or_404(Period.objects.select_related("authority"), year=year)
    if not can_view_period(user, period):
        raise Http404
    return period


def get_framework_for_view(user: User, pk: int) -> Framework:
    framework = get_object_or_404(Framework.objects.select_related("period__authority", "block", "cloned_from"), pk=pk)
    if not can_view_period(user, framework.period):
        raise Http404
    return framework
