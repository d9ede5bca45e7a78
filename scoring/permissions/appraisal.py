"""Who may appraise a unit: the council seat, conflicts of interest, and each predicate beside its queryset twin."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import CharField, Q, QuerySet
from django.db.models.expressions import RawSQL
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
    Period,
)
from units.models import Role, User
from units.roles import is_administrator, is_council_member, is_secretary, roles_of

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


def conflicted_unit_ids(user: User, seat: CouncilSeat) -> frozenset[int]:
    """Units the person works at, holds a role in, or declared a conflict with: the one source of is_conflicted."""
    return roles_of(user).belonging_unit_ids | seat.declared_conflicts


def is_conflicted(user: User, unit_id: int, period: Period) -> bool:
    """Works at the unit, holds a role there, or declared a conflict: never appraises it, nor sees its discussion."""
    return unit_id in conflicted_unit_ids(user, council_seat(user, period))


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


def appraisal_workspaces(user: User, period: Period) -> QuerySet[Assessment]:
    """get_assessment_for_appraisal over a period: the submitted sheets whose workspace opens for this person (given
    work on the unit, or an area everywhere; never a unit they are conflicted with)."""
    seat = council_seat(user, period)
    if not seat.is_member:
        return Assessment.objects.none()
    sheets = Assessment.objects.filter(period=period, state=Assessment.State.SUBMITTED).exclude(
        unit_id__in=conflicted_unit_ids(user, seat)
    )
    if not seat.is_chair and not seat.area_codes:
        sheets = sheets.filter(unit_id__in=set(seat.unit_ids) | {unit_id for unit_id, _ in seat.unit_areas})
    return sheets


def appraisable_assessments(user: User, period: Period) -> QuerySet[Assessment]:
    """can_appraise's twin: of the sheets whose workspace opens, those the person may still score (the period in
    appraisal, the block not finalised)."""
    if period.state not in APPRAISAL_STATES:
        return Assessment.objects.none()
    return appraisal_workspaces(user, period).exclude(unit__block_id__in=council_seat(user, period).finalised_block_ids)


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


def can_answer_explanation(user: User, request: ExplanationRequest, now=None) -> bool:
    """The unit answers a sent request until its deadline, while the appraisal of its block is still open."""
    assessment = request.assessment
    return (
        assessment.unit_id in roles_of(user).unit_ids(Role.UNIT_STAFF, Role.UNIT_HEAD)
        and request.state in (ExplanationRequest.State.SENT, ExplanationRequest.State.ANSWERED)
        and (now or timezone.now()) <= request.deadline
        and assessment.period.state in APPRAISAL_STATES
        and not is_block_finalised(assessment, user)
    )


def can_see_council_scores(user: User, assessment: Assessment) -> bool:
    """The council's rounds reach the unit only with the preliminary results."""
    if is_administrator(user) or is_secretary(user):
        return True
    if assessment.period.state in (Period.State.PRELIMINARY, Period.State.PUBLISHED):
        return True
    if assessment.unit_id in roles_of(user).belonging_unit_ids:
        return False  # the unit's own people are conflicted whatever their seat, so it is not read
    is_member = council_seat(user, assessment.period).is_member or is_council_member(user)
    return is_member and not is_conflicted(user, assessment.unit_id, assessment.period)


def conflicted_people(unit_id: int, period: Period) -> QuerySet[User]:
    """is_conflicted over people instead of units: who works at the unit, holds a role there, or declared a
    conflict with it in the period (keep in step with is_conflicted and with_conflicted_unit_ids)."""
    return User.objects.filter(
        Q(home_unit_id=unit_id)
        | Q(role_assignments__unit_id=unit_id, role_assignments__role__in=[Role.UNIT_STAFF, Role.UNIT_HEAD])
        | Q(declared_conflicts__period=period, declared_conflicts__unit_id=unit_id)
    ).distinct()


def with_conflicted_unit_ids(memberships: QuerySet[CouncilMembership]) -> QuerySet[CouncilMembership]:
    """is_conflicted over a whole council, in the memberships' own query: each row annotated with the units its
    member holds a role in and those they declared a conflict with in the membership's period, as one "3,17" text
    (member_conflicted_unit_ids reads it, with the member's home unit). Written out: the ORM's compiling of two
    correlated StringAgg subqueries took 2 ms of the council overview. Keep in step with conflicted_unit_ids."""
    if connection.vendor == "postgresql":
        ids = "STRING_AGG(CAST(owned.unit_id AS TEXT), ',')"
    else:
        ids = "GROUP_CONCAT(owned.unit_id, ',')"
    membership = CouncilMembership._meta.db_table
    roles = f'SELECT {ids} FROM units_roleassignment owned WHERE owned.user_id = "{membership}"."user_id"'
    declared = (
        f'SELECT {ids} FROM scoring_conflictdeclaration owned WHERE owned.member_id = "{membership}"."user_id" '
        f'AND owned.period_id = "{membership}"."period_id"'
    )
    return memberships.annotate(
        conflict_unit_ids=RawSQL(f"COALESCE(({roles}), '') || ',' || COALESCE(({declared}), '')", (), CharField())
    )


def member_conflicted_unit_ids(membership: CouncilMembership) -> frozenset[int]:
    """conflicted_unit_ids of a member read through with_conflicted_unit_ids: their home unit, their unit roles'
    units and the units they declared a conflict with."""
    home = membership.user.home_unit_id
    return frozenset(int(unit_id) for unit_id in membership.conflict_unit_ids.split(",") if unit_id) | (
        frozenset() if home is None else frozenset({home})
    )


def hidden_unit_ids(user: User, period: Period) -> frozenset[int]:
    """Units whose unpublished figures a person must not see: a council member never sees the units they are
    conflicted with, neither their sheet (can_view_assessment) nor any aggregate (live results, the council's
    dashboard, differences, block status, notices). The secretariat and administrators run the year and see all.

    Read from the roles and the council seat already cached for the request: no query of its own after them.
    """
    if not user.is_authenticated or is_administrator(user) or is_secretary(user):
        return frozenset()
    seat = council_seat(user, period)
    if not (seat.is_member or is_council_member(user)):
        return frozenset()
    return conflicted_unit_ids(user, seat)


def is_hidden_by_conflict(user: User, unit_id: int, period: Period) -> bool:
    """hidden_unit_ids for one unit: the detail pages' twin of the aggregates' filter."""
    return unit_id in hidden_unit_ids(user, period)


def can_open_workspace(user: User, unit_id: int, period: Period, area_code: str | None = None) -> bool:
    """A council member given work on the unit (in that area, when one is named), never their own unit's: the
    appraisal workspace of its submitted sheet opens for them (get_assessment_for_appraisal's rule, no query)."""
    seat = council_seat(user, period)
    if not seat.is_member or is_conflicted(user, unit_id, period):
        return False
    areas = seat.areas_for(unit_id)
    return areas is None or (area_code in areas if area_code else bool(areas))


def get_assessment_for_appraisal(user: User, pk: int) -> Assessment:
    """Fetch and authorise in one call: 404 unless a council member was given work on this submitted,
    unconflicted sheet (whether they may still write is can_appraise: the block may be finalised)."""
    assessment = get_object_or_404(
        Assessment.objects.select_related("period__authority", "unit__block", "framework"), pk=pk
    )
    if assessment.state != Assessment.State.SUBMITTED or not can_open_workspace(
        user, assessment.unit_id, assessment.period
    ):
        raise Http404
    return assessment
