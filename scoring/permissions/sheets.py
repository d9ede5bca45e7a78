"""Who may see, fill in, submit and reopen a unit's self-assessment sheet, plus the getter that fetches and
authorises in one call."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from scoring.models import Assessment, Period
from scoring.permissions.appraisal import council_seat, hidden_unit_ids
from units.models import Role, User
from units.roles import is_administrator, is_council_member, is_leadership, is_secretary, is_unit_head, roles_of


def effective_deadline(assessment: Assessment):
    """The moment the sheet locks: the period's deadline, or a later one granted when reopened."""
    deadline = assessment.period.self_assessment_deadline
    if assessment.extended_until and (deadline is None or assessment.extended_until > deadline):
        return assessment.extended_until
    return deadline


def is_past_deadline(assessment: Assessment, now=None) -> bool:
    deadline = effective_deadline(assessment)
    return deadline is not None and (now or timezone.now()) > deadline


def is_locked_at_deadline(assessment: Assessment, now=None) -> bool:
    """A sheet still in draft whose deadline passed during self-assessment: no one edits it until the secretary
    reopens it (the head may still submit it, marked late)."""
    return (
        assessment.state == Assessment.State.DRAFT
        and assessment.period.state == Period.State.SELF_ASSESSMENT
        and is_past_deadline(assessment, now)
    )


# Who sees which sheet, in three parts that can_view_assessment and its queryset twin visible_assessment_filter
# both read, so the two cannot drift apart.


def _sees_every_sheet(user: User) -> bool:
    return is_administrator(user) or is_secretary(user)


def _own_unit_ids(user: User) -> frozenset[int]:
    return roles_of(user).unit_ids(Role.UNIT_STAFF, Role.UNIT_HEAD)


def _hidden_submitted_unit_ids(user: User, period: Period) -> frozenset[int] | None:
    """Which units' submitted sheets the person may not see: None when they see no other unit's sheet, the
    council its conflicts of interest, leadership none."""
    if is_council_member(user) or council_seat(user, period).is_member:
        return hidden_unit_ids(user, period)
    return frozenset() if is_leadership(user) else None


def can_view_assessment(user: User, assessment: Assessment) -> bool:
    """The unit sees its own sheet; outside it, only the secretariat, and after submission the
    council (never for a unit its member belongs to) and leadership."""
    if _sees_every_sheet(user) or assessment.unit_id in _own_unit_ids(user):
        return True
    if assessment.state != Assessment.State.SUBMITTED:
        return False
    hidden = _hidden_submitted_unit_ids(user, assessment.period)
    return hidden is not None and assessment.unit_id not in hidden


def can_edit_self_assessment(user: User, assessment: Assessment, now=None) -> bool:
    unit_roles = roles_of(user).unit_ids(Role.UNIT_STAFF, Role.UNIT_HEAD)
    return (
        assessment.unit_id in unit_roles
        and assessment.state == Assessment.State.DRAFT
        and assessment.period.state == Period.State.SELF_ASSESSMENT
        and not is_past_deadline(assessment, now)
    )


def can_submit_assessment(user: User, assessment: Assessment) -> bool:
    """Only the head submits, and still may after the deadline (the submission is then marked late)."""
    return (
        is_unit_head(user, assessment.unit_id)
        and assessment.state == Assessment.State.DRAFT
        and assessment.period.state == Period.State.SELF_ASSESSMENT
    )


def can_reopen_assessment(user: User, assessment: Assessment) -> bool:
    return is_secretary(user) and assessment.period.state == Period.State.SELF_ASSESSMENT


def get_assessment_for_view(user: User, pk: int) -> Assessment:
    """Fetch and authorise in one call; 404 both for a missing sheet and for someone else's."""
    assessment = get_object_or_404(
        Assessment.objects.select_related("period", "unit", "framework", "submitted_by"), pk=pk
    )
    if not can_view_assessment(user, assessment):
        raise Http404
    return assessment


def visible_assessment_filter(user: User, period: Period) -> Q:
    """can_view_assessment as a query filter, for lists: the same three parts."""
    if _sees_every_sheet(user):
        return Q()
    visible = Q(unit_id__in=_own_unit_ids(user))
    hidden = _hidden_submitted_unit_ids(user, period)
    if hidden is not None:
        visible |= Q(state=Assessment.State.SUBMITTED) & ~Q(unit_id__in=hidden)
    return visible
