"""Reads of the council's pages (secretary dashboard, membership, chair's finalisation), each in a fixed
number of queries whatever the number of units, criteria and members."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from django.db import connections
from django.db.models import (
    QuerySet,
)
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from scoring.appraisal.selectors import AppraisalCounts, AppraisalGap, appraisal_counts, block_appraisal_gaps
from scoring.models import (
    POINTS,
    AppraisalAssignment,
    Assessment,
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
from scoring.permissions.appraisal import hidden_unit_ids, member_conflicted_unit_ids, with_conflicted_unit_ids
from scoring.permissions.council import COUNCIL_ELIGIBLE_ROLES
from scoring.results.versions import kept, stamp_to_keep
from scoring.templatetags import scoring_state
from scoring.text import percent_done
from units.models import Unit, User


def days_until(moment: datetime | None, today: date | None = None) -> int | None:
    """Whole days left until a deadline (negative once passed), counted in local dates."""
    if moment is None:
        return None
    return (timezone.localdate(moment) - (today or timezone.localdate())).days


# ---------------------------------------------------------------------------------------------
# Units


@dataclass(slots=True)
class SheetUnit:
    """The unit of a Sheet: its name (what str() gives, as for a Unit) and its block."""

    pk: int
    name: str
    block_id: int
    block_name: str

    def __str__(self) -> str:
        return self.name


@dataclass(slots=True)
class Sheet:
    """A period's sheet as the council's pages read it, from one values() row rather than three model objects
    (600 objects took ~3.5 ms to build at 200 units, their row tuples 0.6 ms). It answers what member_workloads,
    block_statuses and block_appraisal_gaps ask of an Assessment: pk, unit_id, unit (name, block_id),
    framework_id, state, and the leaf_count and round_one AppraisalCounts.count_on sets."""

    pk: int
    unit_id: int
    framework_id: int
    state: str
    is_late: bool
    extended_until: datetime | None
    unit: SheetUnit
    flagged_explanations: int
    open_explanations: int
    answered_explanations: int
    next_explanation_deadline: datetime | None
    leaf_count: int = 0
    round_one: int = 0

    @property
    def is_submitted(self) -> bool:
        return self.state == Assessment.State.SUBMITTED


@dataclass(frozen=True)
class DaysLeft:
    """How a deadline reads in a table cell: its words, their colour and whether they stand out (today), worked out
    once a page so the markup only places them (council_progress.days_left)."""

    text: str
    css: str = ""
    is_today: bool = False

    @classmethod
    def of(cls, days: int | None) -> "DaysLeft":
        if days is None:
            return cls("—", "text-muted")
        if days > 0:
            return cls(ngettext("còn %(days)s ngày", "còn %(days)s ngày", days) % {"days": days})
        if days == 0:
            return cls(_("hôm nay"), "text-warning-emphasis", is_today=True)
        return cls(_("quá hạn %(late)s ngày") % {"late": -days}, "text-danger")


class _RowWords:
    """The translated words every row of a page shares, looked up once a page rather than once a row."""

    def __init__(self, now: datetime) -> None:
        self.now, self.today = now, timezone.localdate(now)
        self.progress = _("Thẩm định vòng 1 của %(unit)s")
        self.answered = _("%(n)s đã trả lời")
        self.overdue = _("Quá hạn, chưa nộp")
        self.states = {state: str(label) for state, label in Assessment.State.choices}
        tones = scoring_state.STATE_TONES[Assessment]
        self.tones = {state: tones.get(state, scoring_state.DEFAULT_TONE) for state in Assessment.State.values}
        self._days: dict[datetime | None, DaysLeft] = {}

    def days_left(self, moment: datetime | None) -> DaysLeft:
        """The days left until a deadline, worked out once a moment: most rows share the period's deadlines."""
        if moment not in self._days:
            self._days[moment] = DaysLeft.of(days_until(moment, self.today))
        return self._days[moment]


class UnitRow:
    """One sheet's row of the council's progress table, its words and figures worked out once in Python: the row is
    rendered 200 times, and every template tag of it counts (60-80 µs a row when the template worked them out)."""

    __slots__ = (
        "answered_text",
        "assessment",
        "block_name",
        "explanation_due",
        "is_late",
        "leaf_count",
        "open_explanations",
        "pk",
        "progress_label",
        "progress_percent",
        "round_one",
        "round_one_text",
        "self_due",
        "state_label",
        "state_tone",
        "unit_name",
    )

    def __init__(self, assessment: Sheet, deadline: datetime | None, words: _RowWords) -> None:
        """`deadline` is the sheet's own lock time (period deadline or a later extension); `words.now` one clock for
        every row of a page. Figures are text already: the template would localise each number again."""
        is_draft = assessment.state == Assessment.State.DRAFT
        self.assessment, self.pk = assessment, assessment.pk
        self.unit_name, self.block_name = assessment.unit.name, assessment.unit.block_name
        if is_draft and deadline is not None and words.now > deadline:
            self.state_tone, self.state_label = "danger", words.overdue
        else:
            self.state_tone, self.state_label = words.tones[assessment.state], words.states[assessment.state]
        self.is_late = assessment.is_submitted and assessment.is_late
        round_one, leaf_count = assessment.round_one, assessment.leaf_count
        self.round_one, self.leaf_count = str(round_one), str(leaf_count)
        if assessment.is_submitted:
            self.progress_label = words.progress % {"unit": self.unit_name}
            self.round_one_text = f"{round_one}/{leaf_count}"
        else:
            self.progress_label = self.round_one_text = ""
        self.progress_percent = str(percent_done(round_one, leaf_count))
        self.open_explanations = str(assessment.open_explanations) if assessment.open_explanations else ""
        answered = assessment.answered_explanations
        self.answered_text = words.answered % {"n": answered} if answered else ""
        self.self_due = words.days_left(deadline if is_draft else None)
        self.explanation_due = words.days_left(assessment.next_explanation_deadline)


@dataclass
class UnitProgress:
    rows: list[UnitRow]
    hidden_count: int  # sheets left out for the viewer (conflict of interest): counted, never named
    sheets: list[Sheet] = field(default_factory=list)  # every sheet, hidden ones too: for figures never shown
    counts: AppraisalCounts = field(default_factory=AppraisalCounts)
    stamp: tuple[str, int] | None = None  # the version of the period's results the counts were kept under

    @property
    def has_explanation_requests(self) -> bool:
        """Whether any sheet of the period (hidden ones too) has an explanation request in any state: without one,
        nothing is left to settle (requests_to_settle) and the page need not ask."""
        return any(sheet.open_explanations or sheet.answered_explanations for sheet in self.sheets)

    @property
    def explanation_totals(self) -> dict[str, int]:
        """Explanation requests of the sheets shown, by state (the hidden sheets' are left out)."""
        flagged = sum(row.assessment.flagged_explanations for row in self.rows)
        return {
            ExplanationRequest.State.FLAGGED: flagged,
            ExplanationRequest.State.SENT: sum(row.assessment.open_explanations for row in self.rows) - flagged,
            ExplanationRequest.State.ANSWERED: sum(row.assessment.answered_explanations for row in self.rows),
        }


# Every sheet of a period with its unit and block, and its explanation requests counted by state in one grouped pass
# (not four correlated counts a sheet). Written out: built through the ORM, its four filtered aggregates took 2.8 ms
# of compiling and converting at 200 units, the statement itself 0.3 ms.
PROGRESS_SQL = """
SELECT sheet.id, sheet.unit_id, sheet.framework_id, sheet.state, sheet.is_late, sheet.extended_until,
    unit.name, unit.block_id, block.name,
    COUNT(CASE WHEN request.state = %(flagged)s THEN 1 END),
    COUNT(CASE WHEN request.state IN (%(flagged)s, %(sent)s) THEN 1 END),
    COUNT(CASE WHEN request.state = %(answered)s THEN 1 END),
    MIN(CASE WHEN request.state = %(sent)s THEN request.deadline END)
FROM scoring_assessment sheet
JOIN units_unit unit ON unit.id = sheet.unit_id
JOIN units_block block ON block.id = unit.block_id
LEFT JOIN scoring_explanationrequest request ON request.assessment_id = sheet.id
WHERE sheet.period_id = %(period)s
GROUP BY sheet.id, unit.id, block.id
ORDER BY block.position, unit.position, unit.name
"""


def _moment(value: datetime | str | None) -> datetime | None:
    """A date and time as a DateTimeField reads it: SQLite answers a written-out statement in UTC without its zone,
    as text when the column is computed."""
    if value is None:
        return None
    moment = parse_datetime(value) if isinstance(value, str) else value
    return timezone.make_aware(moment, UTC) if timezone.is_naive(moment) else moment


def unit_progress(period: Period, *, viewer: User | None = None) -> UnitProgress:
    """Every sheet of the period with its state, round-1 progress and explanations, counted in SQL (3 queries:
    PROGRESS_SQL, the results' version, appraisal_counts unless kept for that version); a viewer's conflicted units
    (hidden_unit_ids) are left out and only counted."""
    hidden = hidden_unit_ids(viewer, period) if viewer is not None else frozenset()
    stamp = stamp_to_keep(period.pk, Assessment.objects.db)
    State = ExplanationRequest.State
    with connections[Assessment.objects.db].cursor() as cursor:
        cursor.execute(
            PROGRESS_SQL,
            {"period": period.pk, **{state.name.lower(): state.value for state in State}},
        )
        rows = cursor.fetchall()
    sheets = [
        Sheet(
            pk,
            unit_id,
            framework_id,
            state,
            bool(late),
            _moment(extended),
            SheetUnit(unit_id, name, block_id, block),
            *explanations,
            _moment(deadline),
        )
        for pk, unit_id, framework_id, state, late, extended, name, block_id, block, *explanations, deadline in rows
    ]
    progress = UnitProgress(rows=[], hidden_count=0, sheets=sheets, stamp=stamp)
    words = _RowWords(timezone.now())
    progress.counts = appraisal_counts(period, [sheet.pk for sheet in progress.sheets], stamp=stamp)
    progress.counts.count_on(progress.sheets)
    for assessment in progress.sheets:
        if assessment.unit_id in hidden:
            progress.hidden_count += 1
            continue
        deadline = period.self_assessment_deadline
        if assessment.extended_until and (deadline is None or assessment.extended_until > deadline):
            deadline = assessment.extended_until
        progress.rows.append(UnitRow(assessment, deadline, words))
    return progress


# ---------------------------------------------------------------------------------------------
# Members and their workload


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


# ---------------------------------------------------------------------------------------------
# Differences, explanations, finalisation


@dataclass(frozen=True, slots=True)
class Difference:
    """A criterion where the council departs from the unit's own score: what a row of the overview's table shows."""

    assessment_id: int
    criterion_id: int
    unit_name: str
    criterion_code: str
    criterion_title: str
    self_points: Decimal
    council_points: Decimal
    difference: Decimal


# The council's latest round (round 2, else round 1) against the unit's own score, for the sheets given ({sheets}: one
# %s a sheet id). Each round-1 score finds its own score by index (the unique score per stage): there are few round-1
# scores of a period next to its 24,000 own ones at 200 units, so a join would hash every own score; the few round-2
# scores are joined (their partial index read once, not probed a row). The pairs are a materialised table: planned on
# its own (0.6 instead of 1.2 ms at 200 units), each own score looked up once rather than again for the sort and the
# outer filter, and only the pairs that differ meet their criterion, sheet and unit. Written out rather than built
# through the ORM, whose compiling of the five correlated subqueries took 2 ms of the overview.
DIFFERENCES_SQL = """
WITH scored AS MATERIALIZED (
    SELECT council.assessment_id, council.criterion_id,
        (SELECT own.points FROM scoring_score own WHERE own.assessment_id = council.assessment_id
            AND own.criterion_id = council.criterion_id AND own.stage = %s) AS self_points,
        COALESCE(second.points, council.points) AS council_points
    FROM scoring_score council
    LEFT JOIN scoring_score second ON second.assessment_id = council.assessment_id
        AND second.criterion_id = council.criterion_id AND second.stage = %s
    WHERE council.stage = %s AND council.points IS NOT NULL AND council.assessment_id IN ({sheets})
)
SELECT scored.assessment_id, scored.criterion_id, unit.name, criterion.code, criterion.title,
    scored.self_points, scored.council_points, ABS(scored.council_points - scored.self_points) AS difference
FROM scored
JOIN scoring_criterion criterion ON criterion.id = scored.criterion_id
JOIN scoring_assessment sheet ON sheet.id = scored.assessment_id
JOIN units_unit unit ON unit.id = sheet.unit_id
WHERE criterion.rule_type <> %s AND ABS(scored.council_points - scored.self_points) > 0
ORDER BY difference DESC, unit.name, criterion.code
LIMIT %s
"""

_CENT = Decimal(1).scaleb(-POINTS["decimal_places"])


def _points(value) -> Decimal:
    """A figure as a DecimalField reads it (SQLite answers numbers as floats)."""
    return value if isinstance(value, Decimal) else Decimal(str(value)).quantize(_CENT)


def largest_differences(
    sheet_ids: list[int], limit: int = 10, *, stamp: tuple[str, int] | None = None
) -> list[Difference]:
    """Criteria where the council's latest round departs most from the unit's own score, computed in SQL
    (DIFFERENCES_SQL), among `sheet_ids`: the sheets the viewer may see as unit_progress read them, so never of a
    unit the viewer is conflicted with. No own score, no difference. With the period's `stamp` (unit_progress read
    it), computed once per version of the results for these sheets: the triggers watch the council's rounds, the
    criteria, the units, and the own scores of every sheet the council has begun (3 ms of the database at 200
    units, 50 ms once every sheet's round 1 is scored)."""
    if not sheet_ids:
        return []
    using = Score.objects.db

    def compute() -> list[Difference]:
        sql = DIFFERENCES_SQL.format(sheets=", ".join(["%s"] * len(sheet_ids)))
        params = [Stage.SELF.value, Stage.ROUND_2.value, Stage.ROUND_1.value, *sheet_ids, RuleType.SURVEY.value, limit]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [
            Difference(assessment_id, criterion_id, unit, code, title, *map(_points, figures))
            for assessment_id, criterion_id, unit, code, title, *figures in rows
        ]

    return list(kept(("largest_differences", using, tuple(sheet_ids), limit), stamp, compute))


def flagged_of(requests: list[ExplanationRequest]) -> list[ExplanationRequest]:
    """The flagged ones among requests_to_settle (by unit name and criterion code), in the order of the council's
    list: block, then unit, as flagged_explanations."""
    flagged = [request for request in requests if request.state == ExplanationRequest.State.FLAGGED]
    return sorted(
        flagged, key=lambda request: (request.assessment.unit.block.position, request.assessment.unit.position)
    )


def flagged_explanations(period: Period) -> QuerySet[ExplanationRequest]:
    return (
        ExplanationRequest.objects.filter(assessment__period=period, state=ExplanationRequest.State.FLAGGED)
        .select_related("assessment__unit", "criterion", "requested_by")
        .order_by("assessment__unit__block__position", "assessment__unit__position", "criterion__code")
    )


@dataclass
class BlockStatus:
    """A block's card: closed or not (when and by whom, its signed minutes), and what still keeps it open."""

    block_id: int
    block_name: str
    finalised_at: datetime | None
    finalised_by: str  # the name the person's get_full_name gives
    minutes_reference: str | None  # the council's signed minutes, made when the block is closed
    blockers: list[AppraisalGap]  # the first ones at least (block_statuses' `listed`), in block_appraisal_gaps' order
    submitted: int
    blocker_count: int = 0  # every gap, the listed ones and those only counted

    @property
    def is_finalised(self) -> bool:
        return self.finalised_at is not None


# Every framework of a period with its block, the block's finalisation, who closed it and the latest minutes signed
# for it, in one statement (the ORM's two queries, one with a correlated subquery, took 1.6 ms of compiling).
BLOCKS_SQL = """
SELECT framework.id, framework.block_id, block.name, finalisation.finalised_at,
    person.id, person.username, person.full_name, person.first_name, person.last_name,
    (SELECT document.reference FROM scoring_signeddocument document
        WHERE document.kind = %s AND document.period_id = framework.period_id
        AND document.block_id = framework.block_id
        ORDER BY document.created_at DESC, document.id DESC LIMIT 1)
FROM scoring_framework framework
JOIN units_block block ON block.id = framework.block_id
LEFT JOIN scoring_blockfinalisation finalisation
    ON finalisation.period_id = framework.period_id AND finalisation.block_id = framework.block_id
LEFT JOIN units_user person ON person.id = finalisation.finalised_by_id
WHERE framework.period_id = %s
ORDER BY block.position, framework.block_id
"""


def block_statuses(
    period: Period,
    *,
    viewer: User | None = None,
    progress: UnitProgress,
    requests: list[ExplanationRequest],
    listed: int | None = None,
) -> list[BlockStatus]:
    """Per block of the period: closed or not, its minutes, and what still blocks closing it, from the sheets
    unit_progress read and requests_to_settle, in one more query whatever the number of blocks (BLOCKS_SQL); the
    viewer's conflicted units block it too, counted without their name or figures (block_appraisal_gaps)."""
    with connections[Framework.objects.db].cursor() as cursor:
        cursor.execute(BLOCKS_SQL, [SignedDocument.Kind.MINUTES.value, period.pk])
        frameworks = cursor.fetchall()
    submitted = Counter(sheet.framework_id for sheet in progress.sheets if sheet.state == Assessment.State.SUBMITTED)
    # A block's round-1 gaps come first, one a sheet in the sheets' order: with `listed`, only the first `listed`
    # of a block are built and the others counted (a card lists 8 of up to 200). The viewer's hidden sheets all go,
    # counted by block_appraisal_gaps without a word of theirs.
    sheets, unlisted = progress.sheets, Counter()
    if listed is not None:
        visible = {row.pk for row in progress.rows}
        sheets, built = [], Counter()
        for sheet in progress.sheets:
            block_id = sheet.unit.block_id
            has_gap = sheet.state == Assessment.State.SUBMITTED and sheet.round_one < sheet.leaf_count
            if has_gap and sheet.pk in visible and built[block_id] >= listed:
                unlisted[block_id] += 1
                continue
            built[block_id] += has_gap and sheet.pk in visible
            sheets.append(sheet)
    gaps = block_appraisal_gaps(period, sheets, requests, viewer=viewer)
    statuses = []
    for framework_id, block_id, block_name, finalised_at, person_id, *name, minutes in frameworks:
        is_closed = finalised_at is not None
        blockers = [] if is_closed else gaps.get(block_id, [])
        count = 0 if is_closed else len(blockers) + unlisted[block_id]
        username, full_name, first_name, last_name = name
        person = User(username=username, full_name=full_name, first_name=first_name, last_name=last_name)
        statuses.append(
            BlockStatus(
                block_id,
                block_name,
                _moment(finalised_at),
                person.get_full_name() if person_id is not None else "",
                minutes if is_closed else None,
                blockers,
                submitted[framework_id],
                count,
            )
        )
    return statuses


def council_users(period: Period) -> list:
    """The people sitting on the period's council."""
    from scoring.models import CouncilMembership

    return [membership.user for membership in CouncilMembership.objects.filter(period=period).select_related("user")]
