"""Access rules for periods and frameworks, plus getters that fetch and authorise in one call."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from scoring.models import Assessment, Framework, Period
from units import permissions as unit_permissions
from units.models import Role, User


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


def effective_deadline(assessment: Assessment):
    """The moment the sheet locks: the period's deadline, or a later one granted when reopened."""
    deadline = assessment.period.self_assessment_deadline
    if assessment.extended_until and (deadline is None or assessment.extended_until > deadline):
        return assessment.extended_until
    return deadline


def is_past_deadline(assessment: Assessment, now=None) -> bool:
    deadline = effective_deadline(assessment)
    return deadline is not None and (now or timezone.now()) > deadline


def can_view_assessment(user: User, assessment: Assessment) -> bool:
    """The unit sees its own sheet; outside it, only the secretariat, and after submission the
    council (never for a unit its member belongs to) and leadership."""
    if unit_permissions.is_administrator(user) or unit_permissions.is_secretary(user):
        return True
    if assessment.unit_id in unit_permissions.roles_of(user).unit_ids(Role.UNIT_STAFF, Role.UNIT_HEAD):
        return True
    if assessment.state == Assessment.State.DRAFT:
        return False
    if unit_permissions.is_council_member(user):
        return not unit_permissions.belongs_to_unit(user, assessment.unit_id)
    return unit_permissions.is_leadership(user)


def can_edit_self_assessment(user: User, assessment: Assessment, now=None) -> bool:
    unit_roles = unit_permissions.roles_of(user).unit_ids(Role.UNIT_STAFF, Role.UNIT_HEAD)
    return (
        assessment.unit_id in unit_roles
        and assessment.state == Assessment.State.DRAFT
        and assessment.period.state == Period.State.SELF_ASSESSMENT
        and not is_past_deadline(assessment, now)
    )


def can_submit_assessment(user: User, assessment: Assessment) -> bool:
    """Only the head submits, and still may after the deadline (the submission is then marked late)."""
    return (
        unit_permissions.is_unit_head(user, assessment.unit_id)
        and assessment.state == Assessment.State.DRAFT
        and assessment.period.state == Period.State.SELF_ASSESSMENT
    )


def can_reopen_assessment(user: User, assessment: Assessment) -> bool:
    return unit_permissions.is_secretary(user) and assessment.period.state == Period.State.SELF_ASSESSMENT


def get_assessment_for_view(user: User, pk: int) -> Assessment:
    """Fetch and authorise in one call; 404 both for a missing sheet and for someone else's."""
    assessment = get_object_or_404(
        Assessment.objects.select_related("period__authority", "unit__block", "framework", "submitted_by"), pk=pk
    )
    if not can_view_assessment(user, assessment):
        raise Http404
    return assessment


def visible_assessment_filter(user: User) -> Q:
    """can_view_assessment as a query filter, for lists (keep the two in step)."""
    if unit_permissions.is_administrator(user) or unit_permissions.is_secretary(user):
        return Q()
    roles = unit_permissions.roles_of(user)
    visible = Q(unit_id__in=roles.unit_ids(Role.UNIT_STAFF, Role.UNIT_HEAD))
    if unit_permissions.is_council_member(user):
        own = set(roles.unit_ids())
        if roles.home_unit_id:
            own.add(roles.home_unit_id)
        visible |= Q(state=Assessment.State.SUBMITTED) & ~Q(unit_id__in=own)
    elif unit_permissions.is_leadership(user):
        visible |= Q(state=Assessment.State.SUBMITTED)
    return visible


def can_see_council_scores(user: User, assessment: Assessment) -> bool:
    """The council's rounds reach the unit only with the preliminary results."""
    if unit_permissions.is_administrator(user) or unit_permissions.is_secretary(user):
        return True
    if unit_permissions.is_council_member(user) and not unit_permissions.belongs_to_unit(user, assessment.unit_id):
        return True
    return assessment.period.state in (Period.State.PRELIMINARY, Period.State.PUBLISHED)
