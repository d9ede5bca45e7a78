"""Access rules for periods and frameworks, plus getters that fetch and authorise in one call."""

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from scoring.models import (
    AppraisalAssignment,
    Assessment,
    BlockFinalisation,
    ConflictDeclaration,
    CouncilMembership,
    Criterion,
    ExplanationRequest,
    Framework,
    Period,
)
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
    if unit_permissions.is_council_member(user) or council_seat(user, assessment.period).is_member:
        return not is_conflicted(user, assessment.unit_id, assessment.period)
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


def visible_assessment_filter(user: User, period: Period) -> Q:
    """can_view_assessment as a query filter, for lists (keep the two in step)."""
    if unit_permissions.is_administrator(user) or unit_permissions.is_secretary(user):
        return Q()
    roles = unit_permissions.roles_of(user)
    visible = Q(unit_id__in=roles.unit_ids(Role.UNIT_STAFF, Role.UNIT_HEAD))
    seat = council_seat(user, period)
    if unit_permissions.is_council_member(user) or seat.is_member:
        own = set(roles.unit_ids()) | seat.declared_conflicts
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
    if council_seat(user, assessment.period).is_member or unit_permissions.is_council_member(user):
        if not is_conflicted(user, assessment.unit_id, assessment.period):
            return True
    return assessment.period.state in (Period.State.PRELIMINARY, Period.State.PUBLISHED)


# ---------------------------------------------------------------------------------------------
# Appraisal council

APPRAISAL_STATES = frozenset({Period.State.SELF_ASSESSMENT, Period.State.APPRAISAL, Period.State.EXPLANATION})


@dataclass(frozen=True)
class CouncilSeat:
    """A person's place on one period's council: membership, chair, assignments and declared conflicts."""

    is_member: bool
    is_chair: bool
    unit_ids: frozenset[int]  # whole units assigned
    area_codes: frozenset[str]  # areas assigned across every unit
    unit_areas: frozenset[tuple[int, str]]  # an area of one unit
    declared_conflicts: frozenset[int]
    finalised_block_ids: frozenset[int]

    def areas_for(self, unit_id: int) -> frozenset[str] | None:
        """The areas this person appraises in the unit: None means every area, empty means none."""
        if self.is_chair or unit_id in self.unit_ids:
            return None
        return self.area_codes | frozenset(code for assigned, code in self.unit_areas if assigned == unit_id)


NO_SEAT = CouncilSeat(False, False, frozenset(), frozenset(), frozenset(), frozenset(), frozenset())


def council_seat(user: User, period: Period) -> CouncilSeat:
    """Read once per request and period (cached on the user object), so list pages stay at fixed queries."""
    if not user.is_authenticated:
        return NO_SEAT
    cache = user.__dict__.setdefault("_cchc_seats", {})
    if period.pk not in cache:
        membership = CouncilMembership.objects.filter(period=period, user=user).first()
        if membership is None:
            seat = NO_SEAT
        else:
            assignments = list(
                AppraisalAssignment.objects.filter(period=period, member=user).values_list("unit_id", "area_code")
            )
            seat = CouncilSeat(
                is_member=True,
                is_chair=membership.is_chair,
                unit_ids=frozenset(unit for unit, area in assignments if unit and not area),
                area_codes=frozenset(area for unit, area in assignments if area and not unit),
                unit_areas=frozenset((unit, area) for unit, area in assignments if unit and area),
                declared_conflicts=frozenset(
                    ConflictDeclaration.objects.filter(period=period, member=user).values_list("unit_id", flat=True)
                ),
                finalised_block_ids=frozenset(
                    BlockFinalisation.objects.filter(period=period).values_list("block_id", flat=True)
                ),
            )
        cache[period.pk] = seat
    return cache[period.pk]


def is_conflicted(user: User, unit_id: int, period: Period) -> bool:
    """Works at the unit, holds a role there, or declared a conflict: never appraises it, nor sees its discussion."""
    return unit_permissions.belongs_to_unit(user, unit_id) or unit_id in council_seat(user, period).declared_conflicts


def finalised_block_ids(user: User, period_id: int) -> frozenset[int]:
    """Blocks whose appraisal the chair has closed; read once per request and period (cached on the user)."""
    cache = user.__dict__.setdefault("_cchc_finalised", {})
    if period_id not in cache:
        cache[period_id] = frozenset(
            BlockFinalisation.objects.filter(period_id=period_id).values_list("block_id", flat=True)
        )
    return cache[period_id]


def is_block_finalised(assessment: Assessment, user: User | None = None) -> bool:
    if user is None:
        return BlockFinalisation.objects.filter(
            period_id=assessment.period_id, block_id=assessment.unit.block_id
        ).exists()
    return assessment.unit.block_id in finalised_block_ids(user, assessment.period_id)


def can_appraise(user: User, assessment: Assessment) -> bool:
    """A council member works on a submitted sheet they were given, never their own unit's, until the block closes."""
    seat = council_seat(user, assessment.period)
    if not seat.is_member or is_conflicted(user, assessment.unit_id, assessment.period):
        return False
    if assessment.state != Assessment.State.SUBMITTED or assessment.period.state not in APPRAISAL_STATES:
        return False
    if assessment.unit.block_id in seat.finalised_block_ids:
        return False
    areas = seat.areas_for(assessment.unit_id)
    return areas is None or bool(areas)


def can_appraise_whole_sheet(user: User, assessment: Assessment) -> bool:
    """Bonus and penalty concern the whole unit: only members given the whole sheet (or the chair) set them."""
    return (
        can_appraise(user, assessment) and council_seat(user, assessment.period).areas_for(assessment.unit_id) is None
    )


def can_appraise_criterion(user: User, assessment: Assessment, criterion: Criterion) -> bool:
    if not can_appraise(user, assessment):
        return False
    areas = council_seat(user, assessment.period).areas_for(assessment.unit_id)
    return areas is None or criterion.code.split(".")[0] in areas


def can_manage_council(user: User, period: Period) -> bool:
    """The secretary runs the council (administrators may stand in), until the results are published."""
    is_manager = unit_permissions.is_secretary(user) or unit_permissions.is_administrator(user)
    return is_manager and period.state != Period.State.PUBLISHED


def can_finalise(user: User, period: Period) -> bool:
    return council_seat(user, period).is_chair and period.state in APPRAISAL_STATES


def can_answer_explanation(user: User, request: ExplanationRequest, now=None) -> bool:
    """The unit answers a sent request until its deadline, while the appraisal of its block is still open."""
    assessment = request.assessment
    return (
        assessment.unit_id in unit_permissions.roles_of(user).unit_ids(Role.UNIT_STAFF, Role.UNIT_HEAD)
        and request.state in (ExplanationRequest.State.SENT, ExplanationRequest.State.ANSWERED)
        and (now or timezone.now()) <= request.deadline
        and assessment.period.state in APPRAISAL_STATES
        and not is_block_finalised(assessment, user)
    )
