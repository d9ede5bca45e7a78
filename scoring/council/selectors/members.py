"""The council's members and their workload, and the units and areas a seat can be given."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import (
    QuerySet,
)

from scoring.appraisal.selectors import AppraisalCounts, appraisal_counts
from scoring.council.selectors.progress import Sheet
from scoring.models import (
    AppraisalAssignment,
    Assessment,
    ConflictDeclaration,
    CouncilMembership,
    Criterion,
    Period,
)
from scoring.permissions.appraisal import hidden_unit_ids, member_conflicted_unit_ids, with_conflicted_unit_ids
from scoring.permissions.council import COUNCIL_ELIGIBLE_ROLES
from scoring.text import percent_done
from units.models import Unit, User


@dataclass
class MemberLoad:
    membership: CouncilMembership
    assignments: list[AppraisalAssignment] = field(default_factory=list)
    conflicts: list[ConflictDeclaration] = field(default_factory=list)  # read only when asked (with_conflicts)
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
        return percent_done(self.done, self.to_appraise)


def member_workloads(
    period: Period,
    *,
    viewer: User | None = None,
    sheets: list[Assessment] | list[Sheet] | None = None,
    counts: AppraisalCounts | None = None,
    with_conflicts: bool = False,
) -> list[MemberLoad]:
    """Per member: assignments, and how many assigned criteria are (still) to appraise.

    Leaf counts and round-1 counts are aggregated in SQL per framework or sheet and area (appraisal_counts); only
    those few totals are combined here, in four queries whatever the number of units, criteria or members (two
    when the caller passes the period's sheets and their counts, as unit_progress read them; one more for the
    declared conflicts as objects, which the membership page lists). For a viewer conflicted with some units
    (hidden_unit_ids), those units' sheets count in nobody's figures and their assignments are only counted.
    """
    hidden = hidden_unit_ids(viewer, period) if viewer is not None else frozenset()
    memberships = with_conflicted_unit_ids(  # a member never appraises the units they are conflicted with
        CouncilMembership.objects.filter(period=period).select_related("user")
    ).order_by("-is_chair", "user__full_name", "user__username")
    loads = {membership.user_id: MemberLoad(membership) for membership in memberships}
    for assignment in (
        AppraisalAssignment.objects.filter(period=period, member_id__in=loads)
        .select_related("unit")
        .order_by("unit__position", "unit__name", "area_code")
    ):
        if assignment.unit_id in hidden:
            loads[assignment.member_id].hidden_assignments += 1
        else:
            loads[assignment.member_id].assignments.append(assignment)
    if with_conflicts:
        for conflict in ConflictDeclaration.objects.filter(period=period, member_id__in=loads).select_related("unit"):
            loads[conflict.member_id].conflicts.append(conflict)
    if sheets is None:
        sheets = Assessment.objects.filter(period=period, state=Assessment.State.SUBMITTED).only(
            "pk", "unit_id", "framework_id", "state"
        )
    sheet_unit: dict[int, int] = {}
    sheet_framework: dict[int, int] = {}
    unit_sheets: dict[int, list[int]] = {}
    for sheet in sheets:
        if sheet.state == Assessment.State.SUBMITTED and sheet.unit_id not in hidden:
            sheet_unit[sheet.pk] = sheet.unit_id
            sheet_framework[sheet.pk] = sheet.framework_id
            unit_sheets.setdefault(sheet.unit_id, []).append(sheet.pk)
    if counts is None:
        counts = appraisal_counts(period, sheet_unit)
    framework_areas = {framework: set(counts.areas_of(framework)) for framework in set(sheet_framework.values())}
    # Each area summed once over every sheet: an assignment of an area across units, the common kind, then weighs one
    # lookup rather than one a sheet; only the sheets of the units a member is excluded from or assigned alone are
    # looked at one by one. The sums go through the counts' own rows (a framework's leaves times its sheets, each
    # sheet's round-1 scores), not every sheet and area pair (1,200 at 200 units).
    area_totals: dict[str, list[int]] = {}  # area code → [leaves, round-1 scores] over every sheet counted
    sheets_of_framework = Counter(sheet_framework.values())
    for (framework, area), leaves in counts.leaves.items():
        if framework in sheets_of_framework:
            area_totals.setdefault(area, [0, 0])[0] += leaves * sheets_of_framework[framework]
    for (sheet_id, area), done in counts.done.items():
        if area in framework_areas.get(sheet_framework.get(sheet_id), ()):
            area_totals[area][1] += done
    every_area = set(area_totals)
    for load in loads.values():
        excluded = member_conflicted_unit_ids(load.membership)
        across: set[str] = set()  # areas assigned on every unit's sheet
        by_unit: dict[int, set[str]] = {}  # areas assigned on one unit's sheets
        for assignment in load.assignments:
            codes = {assignment.area_code} if assignment.area_code else every_area
            if assignment.unit_id:
                by_unit.setdefault(assignment.unit_id, set()).update(codes)
            else:
                across.update(codes)
        across &= every_area
        to_appraise = sum(area_totals[area][0] for area in across)
        done = sum(area_totals[area][1] for area in across)
        for unit_id in excluded | by_unit.keys():  # an excluded unit's sheets leave the sum; one unit's areas join it
            for sheet_id in unit_sheets.get(unit_id, []):
                framework = sheet_framework[sheet_id]
                if unit_id in excluded:
                    areas, sign = across & framework_areas[framework], -1
                else:
                    areas, sign = (by_unit[unit_id] & framework_areas[framework]) - across, 1
                for area in areas:
                    to_appraise += sign * counts.leaves.get((framework, area), 0)
                    done += sign * counts.done.get((sheet_id, area), 0)
        load.to_appraise, load.done = to_appraise, done
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
