"""Reads for the appraisal council's pages: the queue of sheets and the side-by-side workspace."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import lru_cache

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from evidence.models import EvidenceLink
from evidence.selectors import links_by_criterion
from scoring.frameworks.selectors import FrameworkTree, TreeNode, area_code_of, framework_tree
from scoring.models import (
    AdjustmentEntry,
    AdjustmentItem,
    Assessment,
    Criterion,
    ExplanationRequest,
    Period,
    RuleType,
    Score,
    Stage,
)
from scoring.permissions.appraisal import (
    CouncilSeat,
    appraisable_assessments,
    appraisal_workspaces,
    council_seat,
    hidden_unit_ids,
)
from scoring.results.versions import kept
from scoring.text import percent_done
from units.models import User

FILTERS = ("todo", "differs", "evidence", "reason")


def seat_has_work(seat: CouncilSeat) -> bool:
    return seat.is_chair or bool(seat.unit_ids or seat.area_codes or seat.unit_areas)


@dataclass
class AppraisalProgress:
    """A member's counts over their own criteria of one sheet: the queue's row and the workspace's summary."""

    assigned_count: int
    appraised_count: int
    differs_count: int
    evidence_missing_count: int  # no document, no reason
    evidence_reason_count: int  # no document, a reason written
    open_requests_count: int  # explanation requests without their round-2 score

    @property
    def progress_percent(self) -> int:
        return percent_done(self.appraised_count, self.assigned_count)


@dataclass
class QueueSheet(AppraisalProgress):
    """One sheet of the queue: its unit and block, the member's counts, and whether they may still score it."""

    pk: int = 0
    unit_name: str = ""
    block_name: str = ""
    is_finalised: bool = False
    can_appraise: bool = False


# The queue in one statement. Each count is a pass grouped once per sheet over the period (the six correlated counts
# it replaces were evaluated on every sheet's row: 17 ms of PostgreSQL and, built through the ORM, 9 ms of Python at
# 200 units). Every pass keeps only the member's own criteria: {assigned} is their assignment over sheet.unit_id and
# leaf.area, {assigned_row} and {assigned_request} the same over a score's or a request's criterion (looked up in
# queue_criteria once, as a hashed set). {criteria}, {sheets} and {appraisable} are ORM-compiled subqueries: the
# period's criteria with their area, and the permission twins appraisal_workspaces and appraisable_assessments. The
# round-1 pass reads the scores of {scope}, the period's submitted sheets (or the one asked for) as a plain table, so
# PostgreSQL walks each sheet's scores by index (from the CTE it merged the whole score index). {only} is a queue
# filter. Placeholders (%s) are filled in the order they appear, as appraisal_queue lists them.
QUEUE_SQL = """
WITH queue_criteria AS ({criteria}),
queue_sheets AS (
    SELECT sheet.id, sheet.unit_id, sheet.framework_id FROM scoring_assessment sheet WHERE sheet.id IN ({sheets})
),
queue_framework_areas AS (
    SELECT framework_id, area, COUNT(*) AS leaf_count FROM queue_criteria WHERE is_leaf GROUP BY framework_id, area
),
queue_leaves AS (
    SELECT sheet.id AS sheet_id, SUM(leaf.leaf_count) AS assigned_count
    FROM queue_sheets sheet JOIN queue_framework_areas leaf ON leaf.framework_id = sheet.framework_id
    WHERE {assigned}
    GROUP BY sheet.id
),
queue_round_one AS (
    SELECT council.assessment_id AS sheet_id, COUNT(*) AS appraised_count,
        SUM(CASE WHEN EXISTS (
            SELECT 1 FROM scoring_score own
            WHERE own.assessment_id = council.assessment_id AND own.criterion_id = council.criterion_id
            AND own.stage = %s AND (own.is_not_applicable <> council.is_not_applicable
                OR (NOT own.is_not_applicable AND own.points <> council.points))
        ) THEN 1 ELSE 0 END) AS differs_count
    FROM scoring_assessment sheet JOIN scoring_score council ON council.assessment_id = sheet.id
    WHERE {scope} AND council.stage = %s AND ({assigned_row})
    GROUP BY council.assessment_id
),
queue_evidence AS (
    SELECT sheet.id AS sheet_id,
        SUM(CASE WHEN own.no_evidence_reason = '' OR own.id IS NULL THEN 1 ELSE 0 END) AS evidence_missing_count,
        SUM(CASE WHEN own.no_evidence_reason <> '' THEN 1 ELSE 0 END) AS evidence_reason_count
    FROM queue_sheets sheet
    JOIN queue_criteria leaf ON leaf.framework_id = sheet.framework_id AND leaf.is_leaf AND leaf.needs_evidence
    LEFT JOIN scoring_score own ON own.assessment_id = sheet.id AND own.criterion_id = leaf.id AND own.stage = %s
    WHERE (own.id IS NULL OR NOT own.is_not_applicable) AND ({assigned}) AND NOT EXISTS (
        SELECT 1 FROM evidence_evidencelink link WHERE link.assessment_id = sheet.id AND link.criterion_id = leaf.id
    )
    GROUP BY sheet.id
),
queue_requests AS (
    SELECT request.assessment_id AS sheet_id, COUNT(*) AS open_requests_count
    FROM queue_sheets sheet JOIN scoring_explanationrequest request ON request.assessment_id = sheet.id
    WHERE ({assigned_request}) AND NOT EXISTS (
        SELECT 1 FROM scoring_score council WHERE council.assessment_id = request.assessment_id
        AND council.criterion_id = request.criterion_id AND council.stage = %s
    )
    GROUP BY request.assessment_id
),
queue AS (
    SELECT sheet.id, unit.name AS unit_name, unit.block_id, block.name AS block_name,
        sheet.id IN ({appraisable}) AS can_appraise, unit.position AS unit_position, block.position AS block_position,
        COALESCE(leaves.assigned_count, 0) AS assigned_count,
        COALESCE(round_one.appraised_count, 0) AS appraised_count,
        COALESCE(round_one.differs_count, 0) AS differs_count,
        COALESCE(evidence.evidence_missing_count, 0) AS evidence_missing_count,
        COALESCE(evidence.evidence_reason_count, 0) AS evidence_reason_count,
        COALESCE(requests.open_requests_count, 0) AS open_requests_count
    FROM queue_sheets sheet
    JOIN units_unit unit ON unit.id = sheet.unit_id
    JOIN units_block block ON block.id = unit.block_id
    LEFT JOIN queue_leaves leaves ON leaves.sheet_id = sheet.id
    LEFT JOIN queue_round_one round_one ON round_one.sheet_id = sheet.id
    LEFT JOIN queue_evidence evidence ON evidence.sheet_id = sheet.id
    LEFT JOIN queue_requests requests ON requests.sheet_id = sheet.id
)
SELECT id, unit_name, block_id, block_name, can_appraise, assigned_count, appraised_count, differs_count,
    evidence_missing_count, evidence_reason_count, open_requests_count
FROM queue WHERE {only}
ORDER BY block_position, unit_position, unit_name
"""

QUEUE_ONLY = {
    "": "1 = 1",
    "todo": "appraised_count < assigned_count",
    "differs": "differs_count > 0",
    "evidence": "evidence_missing_count > 0",
}


def _assigned_sql(seat: CouncilSeat, criterion: str | None = None) -> tuple[str, list]:
    """The member's assignment as SQL over a pass's sheet.unit_id and leaf.area (or, with criterion, the column of a
    row's criterion): whole units, areas everywhere, and an area of one unit; the chair has every criterion."""
    if seat.is_chair:
        return "1 = 1", []

    def in_areas(codes: list[str]) -> str:
        listed = ", ".join(["%s"] * len(codes))
        if criterion is None:
            return f"leaf.area IN ({listed})"
        return f"{criterion} IN (SELECT id FROM queue_criteria WHERE area IN ({listed}))"

    parts, params = [], []
    if seat.unit_ids:
        parts.append(f"sheet.unit_id IN ({', '.join(['%s'] * len(seat.unit_ids))})")
        params += sorted(seat.unit_ids)
    if seat.area_codes:
        parts.append(in_areas(sorted(seat.area_codes)))
        params += sorted(seat.area_codes)
    for unit_id, code in sorted(seat.unit_areas):
        parts.append(f"(sheet.unit_id = %s AND {in_areas([code])})")
        params += [unit_id, code]
    return " OR ".join(parts) or "1 = 0", params


@lru_cache(maxsize=32)
def period_criteria_sql(using: str, period_id: int) -> tuple[str, tuple]:
    """The period's criteria as plain rows with their area code, whether they are leaves (scored) and whether they
    need evidence: the table QUEUE_SQL and COUNTS_SQL group by, the area worked out once a criterion rather than once
    a score. Its SQL depends on the database and the period's id only, never on the data, so it is compiled once a
    process for each period (the ORM's compiling took 0.5 ms of every council overview and appraisal queue)."""
    criteria = (
        Criterion.objects.using(using)
        .filter(framework__period_id=period_id)
        .annotate(
            area=area_code_of("code"),
            is_leaf=~Q(rule_type=""),
            needs_evidence=Q(evidence_required=True) & ~Q(rule_type=RuleType.SURVEY),
        )
        .values("id", "framework_id", "area", "is_leaf", "needs_evidence")
        .order_by()
    )
    return _subquery(criteria)


def _subquery(queryset: QuerySet) -> tuple[str, tuple]:
    """A queryset's SQL to embed in QUEUE_SQL; one that can match nothing (.none()) selects no row."""
    try:
        return queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:
        return "SELECT 0 WHERE 1 = 0", ()


def appraisal_queue(
    user: User, period: Period, *, only: str = "", assessment_id: int | None = None
) -> list[QueueSheet]:
    """The submitted sheets a member works on, with progress over only their own criteria, counted in SQL in one
    statement (QUEUE_SQL: grouped passes joined to the sheets), read as plain rows rather than model objects.

    With assessment_id, only that sheet (the workspace's counters after a save).
    """
    seat = council_seat(user, period)
    if not seat.is_member or not seat_has_work(seat):
        return []
    sheets = appraisal_workspaces(user, period)
    if assessment_id is not None:
        sheets = sheets.filter(pk=assessment_id)
    criteria_sql, criteria_params = period_criteria_sql(Criterion.objects.db, period.pk)
    sheets_sql, sheets_params = _subquery(sheets.values("pk").order_by())
    appraisable_sql, appraisable_params = _subquery(appraisable_assessments(user, period).values("pk").order_by())
    scope, scope_params = "sheet.period_id = %s AND sheet.state = %s", [period.pk, Assessment.State.SUBMITTED.value]
    if assessment_id is not None:
        scope, scope_params = "sheet.id = %s", [assessment_id]
    assigned, assigned_params = _assigned_sql(seat)
    assigned_row, assigned_row_params = _assigned_sql(seat, criterion="council.criterion_id")
    assigned_request, assigned_request_params = _assigned_sql(seat, criterion="request.criterion_id")
    sql = QUEUE_SQL.format(
        criteria=criteria_sql,
        sheets=sheets_sql,
        assigned=assigned,
        scope=scope,
        assigned_row=assigned_row,
        assigned_request=assigned_request,
        appraisable=appraisable_sql,
        only=QUEUE_ONLY.get(only, QUEUE_ONLY[""]),
    )
    params = [
        *criteria_params,
        *sheets_params,
        *assigned_params,  # queue_leaves
        Stage.SELF.value,  # queue_round_one
        *scope_params,
        Stage.ROUND_1.value,
        *assigned_row_params,
        Stage.SELF.value,  # queue_evidence
        *assigned_params,
        *assigned_request_params,  # queue_requests
        Stage.ROUND_2.value,
        *appraisable_params,  # queue
    ]
    with connections[sheets.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        QueueSheet(
            *(int(count) for count in counts),
            pk=pk,
            unit_name=unit_name,
            block_name=block_name,
            is_finalised=block_id in seat.finalised_block_ids,
            can_appraise=bool(can_appraise),
        )
        for pk, unit_name, block_id, block_name, can_appraise, *counts in rows
    ]


# ---------------------------------------------------------------------------------------------
# Workspace


def round_two_open(request: ExplanationRequest | None, now: datetime | None = None) -> bool:
    """Round 2 scores a criterion once its explanation was answered or its deadline has passed.

    Takes the already-loaded request so list pages ask no query per row (services.appraisal uses it too).
    """
    if request is None or request.state == ExplanationRequest.State.FLAGGED:
        return False
    return request.state == ExplanationRequest.State.ANSWERED or (now or timezone.now()) > request.deadline


@dataclass
class AppraisalRow:
    node: TreeNode
    own: Score | None
    round_one: Score | None
    round_two: Score | None
    request: ExplanationRequest | None
    links: list = field(default_factory=list)
    is_round_two_open: bool = False

    @property
    def criterion(self) -> Criterion:
        return self.node.criterion

    @property
    def area_code(self) -> str:
        return self.criterion.code.split(".")[0]

    @property
    def is_appraised(self) -> bool:
        return self.round_one is not None

    @property
    def differs(self) -> bool:
        """Round 1 disagrees with the unit (same test as the service's reason rule, survey aside)."""
        if self.round_one is None or self.own is None:
            return False
        return (
            self.own.is_not_applicable != self.round_one.is_not_applicable or self.own.points != self.round_one.points
        )

    @property
    def evidence_uncited(self) -> bool:
        criterion = self.criterion
        if not criterion.evidence_required or criterion.rule_type == RuleType.SURVEY:
            return False
        return not self.links and not (self.own is not None and self.own.is_not_applicable)

    @property
    def evidence_missing(self) -> bool:
        """No document and no reason written for it (a reason given is counted apart: evidence_reason)."""
        return self.evidence_uncited and not (self.own is not None and self.own.no_evidence_reason)

    @property
    def evidence_reason(self) -> bool:
        """No document, but the unit wrote why."""
        return self.evidence_uncited and self.own is not None and bool(self.own.no_evidence_reason)


@dataclass
class Workspace:
    assessment: Assessment
    tree: FrameworkTree
    rows: list[AppraisalRow]
    areas: frozenset[str] | None  # None: every area

    @property
    def sorted_areas(self) -> list[str]:
        return sorted(self.areas or (), key=lambda code: (len(code), code))

    @property
    def area_titles(self) -> dict[str, str]:
        return {node.criterion.code: f"{node.criterion.code}. {node.criterion.title}" for node in self.tree.roots}

    @property
    def progress(self) -> AppraisalProgress:
        """The member's counts over the rows; the queue counts the same in SQL (appraisal_queue)."""
        rows = self.rows
        return AppraisalProgress(
            assigned_count=len(rows),
            appraised_count=sum(row.is_appraised for row in rows),
            differs_count=sum(row.differs for row in rows),
            evidence_missing_count=sum(row.evidence_missing for row in rows),
            evidence_reason_count=sum(row.evidence_reason for row in rows),
            open_requests_count=sum(row.request is not None and row.round_two is None for row in rows),
        )


def appraisal_workspace(user: User, assessment: Assessment, *, criterion_id: int | None = None) -> Workspace:
    """The member's leaves of one sheet with the unit's score, evidence and the council's rounds, in fixed queries."""
    areas = council_seat(user, assessment.period).areas_for(assessment.unit_id)
    tree = framework_tree(assessment.framework)
    scores = Score.objects.filter(assessment=assessment).select_related("updated_by")
    requests = ExplanationRequest.objects.filter(assessment=assessment)
    if criterion_id is not None:
        scores = scores.filter(criterion_id=criterion_id)
        requests = requests.filter(criterion_id=criterion_id)
    by_stage: dict[tuple[int, str], Score] = {(score.criterion_id, score.stage): score for score in scores}
    by_criterion = {request.criterion_id: request for request in requests}
    links = links_by_criterion(assessment) if criterion_id is None else _links_of(assessment, criterion_id)
    now = timezone.now()
    rows = []
    for node in tree.leaves:
        criterion = node.criterion
        if criterion_id is not None and criterion.id != criterion_id:
            continue
        if areas is not None and criterion.code.split(".")[0] not in areas:
            continue
        stages = [by_stage.get((criterion.id, stage)) for stage in (Stage.SELF, Stage.ROUND_1, Stage.ROUND_2)]
        for score in stages:
            if score is not None:
                score.criterion = criterion  # already loaded with its options: no query when displayed
        request = by_criterion.get(criterion.id)
        rows.append(
            AppraisalRow(
                node=node,
                own=stages[0],
                round_one=stages[1],
                round_two=stages[2],
                request=request,
                links=links.get(criterion.id, []),
                is_round_two_open=round_two_open(request, now),
            )
        )
    return Workspace(assessment=assessment, tree=tree, rows=rows, areas=areas)


def _links_of(assessment: Assessment, criterion_id: int) -> dict[int, list[EvidenceLink]]:
    links = (
        EvidenceLink.objects.filter(assessment=assessment, criterion_id=criterion_id)
        .select_related("document__file")
        .order_by("document__title", "id")
    )
    return {criterion_id: list(links)}


def filter_rows(rows: list[AppraisalRow], only: str) -> list[AppraisalRow]:
    if only == "todo":
        return [row for row in rows if not row.is_appraised]
    if only == "differs":
        return [row for row in rows if row.differs]
    if only == "evidence":
        return [row for row in rows if row.evidence_missing]
    if only == "reason":
        return [row for row in rows if row.evidence_reason]
    return rows


@dataclass
class AdjustmentLine:
    item: AdjustmentItem
    entry: AdjustmentEntry | None


def adjustment_lines(assessment: Assessment) -> list[AdjustmentLine]:
    """Every bonus/penalty item of the sheet's framework with what the council gave (two queries)."""
    entries = {
        entry.item_id: entry
        for entry in AdjustmentEntry.objects.filter(assessment=assessment).select_related("entered_by")
    }
    items = AdjustmentItem.objects.filter(framework_id=assessment.framework_id).order_by("kind", "position", "id")
    return [AdjustmentLine(item, entries.get(item.pk)) for item in items]


@dataclass(frozen=True)
class AppraisalGap:
    """One thing that keeps a block from being closed, with the sheet and criterion it counts (a conflicted
    viewer's units are only counted: no sheet, so no page can name or link them)."""

    class Kind(StrEnum):
        ROUND_ONE = "round_one"  # criteria of a sheet without a round-1 score
        ROUND_TWO = "round_two"  # an explained criterion without its round-2 score
        FLAGGED = "flagged"  # a proposed explanation request not yet sent nor withdrawn
        CONFLICTED = "conflicted"  # units the viewer may not see, counted

    kind: Kind
    message: str
    assessment_id: int | None = None
    unit_id: int | None = None
    criterion_id: int | None = None
    area_code: str | None = None  # the criterion's area: a member assigned some areas sees only those rows

    def __str__(self) -> str:
        return self.message


@dataclass
class AppraisalCounts:
    """How many leaf criteria each framework has per area, and how many round-1 scores each sheet has per area."""

    leaves: dict[tuple[int, str], int] = field(default_factory=dict)  # (framework id, area code) → leaves
    done: dict[tuple[int, str], int] = field(default_factory=dict)  # (sheet id, area code) → round-1 scores

    def __post_init__(self) -> None:
        self._leaf_totals: dict[int, int] = {}
        self._done_totals: dict[int, int] = {}
        for (framework_id, _area), count in self.leaves.items():
            self._leaf_totals[framework_id] = self._leaf_totals.get(framework_id, 0) + count
        for (sheet_id, _area), count in self.done.items():
            self._done_totals[sheet_id] = self._done_totals.get(sheet_id, 0) + count

    def areas_of(self, framework_id: int) -> list[str]:
        return [area for framework, area in self.leaves if framework == framework_id]

    def count_on(self, sheets: Iterable[Assessment]) -> None:
        """Set each sheet's leaf_count and round_one (its round-1 scores)."""
        for sheet in sheets:
            sheet.leaf_count = self._leaf_totals.get(sheet.framework_id, 0)
            sheet.round_one = self._done_totals.get(sheet.pk, 0)


# The counts behind AppraisalCounts in one statement over the same criteria table as QUEUE_SQL ({criteria}, with its
# area): leaves per framework and area, and round-1 scores per sheet and area ({sheets}: one %s a sheet id). Joining
# the scores to that small table spares working out a score's area from its criterion's code on each of the 24,000
# score rows of 200 sheets, and the ORM's compiling of a union of two grouped querysets (together 2.5 ms of the council
# overview at 200 units).
COUNTS_SQL = """
WITH counted_criteria AS ({criteria})
SELECT 'leaves', framework_id, area, COUNT(*) FROM counted_criteria WHERE is_leaf GROUP BY framework_id, area
UNION ALL
SELECT 'done', score.assessment_id, leaf.area, COUNT(*)
FROM scoring_score score JOIN counted_criteria leaf ON leaf.id = score.criterion_id
WHERE score.stage = %s AND score.assessment_id IN ({sheets})
GROUP BY score.assessment_id, leaf.area
"""


def appraisal_counts(
    period: Period, sheet_ids: Iterable[int], *, stamp: tuple[str, int] | None = None
) -> AppraisalCounts:
    """The period's leaf criteria per framework and area, and the given sheets' round-1 scores per area, grouped in
    SQL in one round trip (COUNTS_SQL; rows: kind, framework or sheet, area, count). Counted once per framework, not
    once per sheet: a correlated count of the framework's criteria on each sheet's row took 21 ms of the council
    overview's 27 ms query at 200 units. With the period's `stamp` (versions.stamp_to_keep), counted once per
    version of the results, whose triggers watch both the round-1 scores and the criteria (1.6 ms of the database
    at 200 units, 11 ms once every sheet's round 1 is scored). The counts are shared: read them, never change them."""
    sheet_ids = list(sheet_ids)
    using = Score.objects.db

    def count() -> AppraisalCounts:
        criteria_sql, criteria_params = period_criteria_sql(using, period.pk)
        sheets = ", ".join(["%s"] * len(sheet_ids)) or "NULL"  # IN (NULL) matches no sheet
        leaves: dict[tuple[int, str], int] = {}
        done: dict[tuple[int, str], int] = {}
        with connections[using].cursor() as cursor:
            cursor.execute(
                COUNTS_SQL.format(criteria=criteria_sql, sheets=sheets),
                [*criteria_params, Stage.ROUND_1.value, *sheet_ids],
            )
            for kind, owner, area, number in cursor.fetchall():
                (leaves if kind == "leaves" else done)[owner, area] = number
        return AppraisalCounts(leaves, done)

    return kept(("appraisal_counts", using, period.pk, tuple(sheet_ids)), stamp, count)


def requests_to_settle(period: Period, block=None) -> QuerySet:
    """The explanation requests that keep a block from closing: flagged ones (to send or withdraw), and sent or
    answered ones whose criterion has no round-2 score yet; by unit name and criterion code."""
    from scoring.models import ExplanationRequest

    round_two = Score.objects.filter(
        assessment=OuterRef("assessment"), criterion=OuterRef("criterion"), stage=Stage.ROUND_2
    )
    requests = ExplanationRequest.objects.filter(assessment__period=period).filter(
        Q(state=ExplanationRequest.State.FLAGGED)
        # round 2 of THIS criterion on THIS sheet (a join would match any round-2 score of the sheet)
        | Q(state__in=[ExplanationRequest.State.SENT, ExplanationRequest.State.ANSWERED]) & ~Exists(round_two)
    )
    if block is not None:
        requests = requests.filter(assessment__unit__block=block)
    return requests.select_related("assessment__unit__block", "criterion", "requested_by").order_by(
        "assessment__unit__name", "criterion__code"
    )


def appraisal_gaps(period: Period, block, *, viewer: User | None = None) -> list[AppraisalGap]:
    """Per submitted sheet of the block: criteria without a round-1 score, explanations without round 2, and
    proposals not yet sent, each with the sheet (and criterion) it counts, in three queries.

    For a viewer conflicted with some units (hidden_unit_ids), those units still block the block but are only
    counted, without their name or figures: the chair must know the block cannot be closed yet, not why.
    """
    sheets = list(
        Assessment.objects.filter(period=period, unit__block=block, state=Assessment.State.SUBMITTED)
        .select_related("unit")
        .order_by("unit__position", "unit__name")
    )
    appraisal_counts(period, [sheet.pk for sheet in sheets]).count_on(sheets)
    requests = requests_to_settle(period, block)
    return block_appraisal_gaps(period, sheets, requests, viewer=viewer).get(block.pk, [])


def block_appraisal_gaps(
    period: Period, sheets: Iterable[Assessment], requests: Iterable, *, viewer: User | None = None
) -> dict[int, list[AppraisalGap]]:
    """appraisal_gaps of every block, by block id, from the sheets (in unit order, counted by
    AppraisalCounts.count_on) and requests_to_settle already read: no query of its own."""
    from scoring.models import ExplanationRequest

    hidden = hidden_unit_ids(viewer, period) if viewer is not None else frozenset()
    gaps: dict[int, list[AppraisalGap]] = {}
    hidden_with_gaps: dict[int, set[int]] = {}
    round_one_left = _("%(unit)s: còn %(count)s tiêu chí chưa thẩm định vòng 1.")  # looked up once, not once a sheet
    for assessment in sheets:
        if assessment.state != Assessment.State.SUBMITTED or assessment.round_one >= assessment.leaf_count:
            continue
        block_id = assessment.unit.block_id
        if assessment.unit_id in hidden:
            hidden_with_gaps.setdefault(block_id, set()).add(assessment.unit_id)
            continue
        gaps.setdefault(block_id, []).append(
            AppraisalGap(
                AppraisalGap.Kind.ROUND_ONE,
                round_one_left % {"unit": assessment.unit, "count": assessment.leaf_count - assessment.round_one},
                assessment_id=assessment.pk,
                unit_id=assessment.unit_id,
            )
        )
    requests = list(requests)
    for kind, state_is_flagged, message in (
        (AppraisalGap.Kind.ROUND_TWO, False, _("%(unit)s: tiêu chí %(code)s chờ thẩm định vòng 2 sau giải trình.")),
        (
            AppraisalGap.Kind.FLAGGED,
            True,
            _("%(unit)s: tiêu chí %(code)s có đề xuất giải trình chưa gửi đơn vị (gửi hoặc rút lại trước khi chốt)."),
        ),
    ):
        for request in requests:
            if (request.state == ExplanationRequest.State.FLAGGED) != state_is_flagged:
                continue
            unit = request.assessment.unit
            if unit.pk in hidden:
                hidden_with_gaps.setdefault(unit.block_id, set()).add(unit.pk)
                continue
            gaps.setdefault(unit.block_id, []).append(
                AppraisalGap(
                    kind,
                    message % {"unit": unit, "code": request.criterion.code},
                    assessment_id=request.assessment_id,
                    unit_id=unit.pk,
                    criterion_id=request.criterion_id,
                    area_code=request.criterion.code.split(".")[0],
                )
            )
    for block_id, units in hidden_with_gaps.items():
        gaps.setdefault(block_id, []).append(
            AppraisalGap(
                AppraisalGap.Kind.CONFLICTED,
                ngettext(
                    "%(count)s đơn vị bạn có xung đột lợi ích chưa thẩm định xong (không hiển thị tên và số liệu).",
                    "%(count)s đơn vị bạn có xung đột lợi ích chưa thẩm định xong (không hiển thị tên và số liệu).",
                    len(units),
                )
                % {"count": len(units)},
            )
        )
    return gaps
