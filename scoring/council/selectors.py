"""Reads of the council's pages (secretary dashboard, membership, chair's finalisation), each in a fixed
number of queries whatever the number of units, criteria and members."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, F, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Abs, Coalesce
from django.utils import timezone

from scoring.appraisal.selectors import AppraisalGap, appraisal_gaps
from scoring.frameworks.selectors import area_code_of
from scoring.models import (
    POINTS,
    AppraisalAssignment,
    Assessment,
    BlockFinalisation,
    ConflictDeclaration,
    CouncilMembership,
    Criterion,
    ExplanationRequest,
    Framework,
    Period,
    RuleType,
    Score,
    SignedDocument,
    Stage,
)
from scoring.permissions.appraisal import hidden_unit_ids
from scoring.permissions.council import COUNCIL_ELIGIBLE_ROLES
from scoring.signing.selectors import minutes_by_block
from units.models import RoleAssignment, Unit, User


def days_until(moment: datetime | None) -> int | None:
    """Whole days left until a deadline (negative once passed), counted in local dates."""
    if moment is None:
        return None
    return (timezone.localdate(moment) - timezone.localdate()).days


def _count(queryset: QuerySet, group_by: str) -> Coalesce:
    """A correlated COUNT, so several counts on one row do not multiply each other's joins."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# ---------------------------------------------------------------------------------------------
# Units


@dataclass
class UnitRow:
    assessment: Assessment
    deadline: datetime | None  # the sheet's own lock time (period deadline or a later extension)

    @property
    def is_overdue(self) -> bool:
        return (
            self.assessment.state == Assessment.State.DRAFT
            and self.deadline is not None
            and timezone.now() > self.deadline
        )

    @property
    def progress_percent(self) -> int:
        a = self.assessment
        return round(100 * a.round_one / a.leaf_count) if a.leaf_count else 0

    @property
    def days_to_self_deadline(self) -> int | None:
        return days_until(self.deadline) if self.assessment.state == Assessment.State.DRAFT else None

    @property
    def days_to_explanation(self) -> int | None:
        return days_until(self.assessment.next_explanation_deadline)


@dataclass
class UnitProgress:
    rows: list[UnitRow]
    hidden_count: int  # sheets left out for the viewer (conflict of interest): counted, never named


def unit_progress(period: Period, *, viewer: User | None = None) -> UnitProgress:
    """Every sheet of the period with its state, round-1 progress and open explanations, counted in SQL (1 query);
    a viewer's conflicted units (hidden_unit_ids) are left out and only counted."""
    hidden = hidden_unit_ids(viewer, period) if viewer is not None else frozenset()
    open_states = [ExplanationRequest.State.FLAGGED, ExplanationRequest.State.SENT]
    assessments = (
        Assessment.objects.filter(period=period)
        .select_related("unit__block")
        .annotate(
            leaf_count=_count(
                Criterion.objects.filter(framework=OuterRef("framework_id")).exclude(rule_type=""), "framework"
            ),
            round_one=_count(Score.objects.filter(assessment=OuterRef("pk"), stage=Stage.ROUND_1), "assessment"),
            open_explanations=_count(
                ExplanationRequest.objects.filter(assessment=OuterRef("pk"), state__in=open_states), "assessment"
            ),
            answered_explanations=_count(
                ExplanationRequest.objects.filter(assessment=OuterRef("pk"), state=ExplanationRequest.State.ANSWERED),
                "assessment",
            ),
            next_explanation_deadline=Subquery(
                ExplanationRequest.objects.filter(assessment=OuterRef("pk"), state=ExplanationRequest.State.SENT)
                .order_by()
                .values("assessment")
                .annotate(first=Min("deadline"))
                .values("first")[:1]
            ),
        )
        .order_by("unit__block__position", "unit__position", "unit__name")
    )
    progress = UnitProgress(rows=[], hidden_count=0)
    for assessment in assessments:
        if assessment.unit_id in hidden:
            progress.hidden_count += 1
            continue
        deadline = period.self_assessment_deadline
        if assessment.extended_until and (deadline is None or assessment.extended_until > deadline):
            deadline = assessment.extended_until
        progress.rows.append(UnitRow(assessment, deadline))
    return progress


# ---------------------------------------------------------------------------------------------
# Members and their workload


@dataclass
class MemberLoad:
    membership: CouncilMembership
    assignments: list[AppraisalAssignment] = field(default_factory=list)
    conflicts: list[ConflictDeclaration] = field(default_factory=list)
    to_appraise: int = 0
    done: int = 0
    hidden_assignments: int = 0  # assignments to units the viewer is conflicted with: counted, never named

    @property
    def user(self) -> User:
        return self.membership.user

    @property
    def remaining(self) -> int:
        return self.to_appraise - self.done

    @property
    def progress_percent(self) -> int:
        return round(100 * self.done / self.to_appraise) if self.to_appraise else 0


def member_workloads(period: Period, *, viewer: User | None = None) -> list[MemberLoad]:
    """Per member: assignments, declared conflicts, and how many assigned criteria are (still) to appraise.

    Leaf counts and round-1 counts are aggregated in SQL per sheet and area; only those few totals are
    combined here, in six queries whatever the number of units, criteria or members. For a viewer conflicted
    with some units (hidden_unit_ids), those units' sheets count in nobody's figures and their assignments
    are only counted.
    """
    hidden = hidden_unit_ids(viewer, period) if viewer is not None else frozenset()
    loads = {
        membership.user_id: MemberLoad(membership)
        for membership in CouncilMembership.objects.filter(period=period)
        .select_related("user")
        .order_by("-is_chair", "user__full_name", "user__username")
    }
    for assignment in (
        AppraisalAssignment.objects.filter(period=period, member_id__in=loads)
        .select_related("unit")
        .order_by("unit__position", "unit__name", "area_code")
    ):
        if assignment.unit_id in hidden:
            loads[assignment.member_id].hidden_assignments += 1
        else:
            loads[assignment.member_id].assignments.append(assignment)
    for conflict in ConflictDeclaration.objects.filter(period=period, member_id__in=loads).select_related("unit"):
        loads[conflict.member_id].conflicts.append(conflict)
    unit_roles: dict[int, set[int]] = {}
    for user_id, unit_id in RoleAssignment.objects.filter(user_id__in=loads, unit__isnull=False).values_list(
        "user_id", "unit_id"
    ):
        unit_roles.setdefault(user_id, set()).add(unit_id)
    sheets: dict[int, int] = {}
    sheet_framework: dict[int, int] = {}
    for sheet_id, unit_id, framework_id in (
        Assessment.objects.filter(period=period, state=Assessment.State.SUBMITTED)
        .exclude(unit_id__in=hidden)
        .values_list("pk", "unit_id", "framework_id")
    ):
        sheets[sheet_id] = unit_id
        sheet_framework[sheet_id] = framework_id
    leaves: dict[tuple[int, str], int] = {
        (row["framework_id"], row["area"]): row["n"]
        for row in Criterion.objects.filter(framework__period=period)
        .exclude(rule_type="")
        .annotate(area=area_code_of("code"))
        .values("framework_id", "area")
        .annotate(n=Count("pk"))
    }
    done: dict[tuple[int, str], int] = {
        (row["assessment_id"], row["area"]): row["n"]
        for row in Score.objects.filter(assessment_id__in=sheets, stage=Stage.ROUND_1)
        .annotate(area=area_code_of("criterion__code"))
        .values("assessment_id", "area")
        .annotate(n=Count("pk"))
    }
    areas_of_framework: dict[int, list[str]] = {}
    for framework_id, area in leaves:
        areas_of_framework.setdefault(framework_id, []).append(area)
    for load in loads.values():
        excluded = unit_roles.get(load.user.pk, set()) | {c.unit_id for c in load.conflicts}
        if load.user.home_unit_id:
            excluded.add(load.user.home_unit_id)
        covered: set[tuple[int, str]] = set()
        for assignment in load.assignments:
            for sheet_id, unit_id in sheets.items():
                if unit_id in excluded or (assignment.unit_id and assignment.unit_id != unit_id):
                    continue
                areas = areas_of_framework.get(sheet_framework[sheet_id], [])
                if assignment.area_code:
                    areas = [area for area in areas if area == assignment.area_code]
                covered.update((sheet_id, area) for area in areas)
        load.to_appraise = sum(leaves.get((sheet_framework[sheet], area), 0) for sheet, area in covered)
        load.done = sum(done.get(pair, 0) for pair in covered)
    return list(loads.values())


def council_candidates(period: Period) -> QuerySet[User]:
    """People who may be seated on the council and are not yet."""
    return (
        User.objects.filter(
            is_active=True, role_assignments__role__in=COUNCIL_ELIGIBLE_ROLES, role_assignments__unit__isnull=True
        )
        .exclude(council_memberships__period=period)
        .distinct()
        .order_by("full_name", "username")
    )


def period_units(period: Period) -> QuerySet[Unit]:
    return (
        Unit.objects.filter(assessments__period=period)
        .select_related("block")
        .order_by("block__position", "position", "name")
    )


def period_areas(period: Period) -> list[Criterion]:
    """Areas of the period's frameworks (one per code, the first block's title)."""
    seen: dict[str, Criterion] = {}
    for area in Criterion.objects.filter(framework__period=period, parent__isnull=True).order_by(
        "framework__block__position", "position", "id"
    ):
        seen.setdefault(area.code, area)
    return sorted(seen.values(), key=lambda area: area.code_key)


# ---------------------------------------------------------------------------------------------
# Differences, explanations, finalisation


def largest_differences(period: Period, limit: int = 10, *, viewer: User | None = None) -> QuerySet[Score]:
    """Criteria where the council's latest round departs most from the unit's own score, computed in SQL; never
    of a unit the viewer is conflicted with."""
    hidden = hidden_unit_ids(viewer, period) if viewer is not None else frozenset()
    decimal = DecimalField(**POINTS)

    def points_at(stage: str) -> Subquery:
        return Subquery(
            Score.objects.filter(
                assessment=OuterRef("assessment_id"), criterion=OuterRef("criterion_id"), stage=stage
            ).values("points")[:1],
            output_field=decimal,
        )

    return (
        Score.objects.filter(assessment__period=period, stage=Stage.ROUND_1, points__isnull=False)
        .exclude(criterion__rule_type=RuleType.SURVEY)
        .exclude(assessment__unit_id__in=hidden)
        .annotate(self_points=points_at(Stage.SELF), round_two=points_at(Stage.ROUND_2))
        .annotate(council_points=Coalesce(F("round_two"), F("points"), output_field=decimal))
        .annotate(difference=Abs(F("council_points") - F("self_points"), output_field=decimal))
        .filter(self_points__isnull=False, difference__gt=Decimal(0))
        .select_related("assessment__unit", "criterion")
        .order_by("-difference", "assessment__unit__name", "criterion__code")[:limit]
    )


def flagged_explanations(period: Period) -> QuerySet[ExplanationRequest]:
    return (
        ExplanationRequest.objects.filter(assessment__period=period, state=ExplanationRequest.State.FLAGGED)
        .select_related("assessment__unit", "criterion", "requested_by")
        .order_by("assessment__unit__block__position", "assessment__unit__position", "criterion__code")
    )


def explanation_totals(period: Period, *, viewer: User | None = None) -> dict[str, int]:
    hidden = hidden_unit_ids(viewer, period) if viewer is not None else frozenset()
    rows = (
        ExplanationRequest.objects.filter(assessment__period=period)
        .exclude(assessment__unit_id__in=hidden)
        .values("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    totals = {state: 0 for state in ExplanationRequest.State.values}
    totals.update({row["state"]: row["n"] for row in rows})
    return totals


@dataclass
class BlockStatus:
    framework: Framework
    finalisation: BlockFinalisation | None
    blockers: list[AppraisalGap]
    submitted: int
    minutes: SignedDocument | None = None  # the council's signed minutes, made when the block is closed

    @property
    def block(self):
        return self.framework.block


def block_statuses(period: Period, *, viewer: User | None = None) -> list[BlockStatus]:
    """Per block of the period: closed or not, its minutes, and what still blocks closing it (three queries per
    block); the viewer's conflicted units block it too, counted without their name or figures (appraisal_gaps)."""
    minutes = minutes_by_block(period)
    finalisations = {
        f.block_id: f for f in BlockFinalisation.objects.filter(period=period).select_related("finalised_by")
    }
    frameworks = (
        Framework.objects.filter(period=period)
        .select_related("block")
        .annotate(
            submitted=Count("assessments", filter=Q(assessments__state=Assessment.State.SUBMITTED), distinct=True)
        )
        .order_by("block__position", "block_id")
    )
    statuses = []
    for framework in frameworks:
        finalisation = finalisations.get(framework.block_id)
        blockers = [] if finalisation else appraisal_gaps(period, framework.block, viewer=viewer)
        statuses.append(
            BlockStatus(framework, finalisation, blockers, framework.submitted, minutes.get(framework.block_id))
        )
    return statuses


def council_users(period: Period) -> list:
    """The people sitting on the period's council."""
    from scoring.models import CouncilMembership

    return [membership.user for membership in CouncilMembership.objects.filter(period=period).select_related("user")]
