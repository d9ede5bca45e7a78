"""Who may see periods and frameworks, and manage them."""

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.shortcuts import get_object_or_404

from scoring.models import Framework, Period
from units.models import User
from units.roles import is_administrator, is_council_member, is_leadership, is_secretary, roles_of


def can_view_period(user: User, period: Period) -> bool:
    """Drafts belong to the secretariat; once opened, every person with a role may follow the period."""
    if can_manage_frameworks(user):
        return True
    if period.state == Period.State.DRAFT:
        return is_leadership(user) or is_council_member(user)
    return can_view_frameworks(user)


def get_period_for(user: User, year: int, may: Callable[[User, Period], bool]) -> Period:
    """The period of `year` when `may(user, period)`; 404 alike for a missing year and one the person may not see."""
    period = get_object_or_404(Period.objects.select_related("authority"), year=year)
    if not may(user, period):
        raise Http404
    return period


def get_period_for_view(user: User, year: int) -> Period:
    return get_period_for(user, year, can_view_period)


def get_framework_for_view(user: User, pk: int) -> Framework:
    framework = get_object_or_404(Framework.objects.select_related("period__authority", "block", "cloned_from"), pk=pk)
    if not can_view_period(user, framework.period):
        raise Http404
    return framework


def can_manage_frameworks(user: User | AnonymousUser) -> bool:
    return is_secretary(user) or is_administrator(user)


def can_open_period(user: User | AnonymousUser, period: Period) -> bool:
    """The secretariat opens self-assessment once, from a period still being prepared."""
    return can_manage_frameworks(user) and period.state == Period.State.DRAFT


def can_view_frameworks(user: User | AnonymousUser) -> bool:
    """Criteria frameworks are the rules of the game: every person with a role may read them."""
    return is_administrator(user) or not roles_of(user).is_empty
