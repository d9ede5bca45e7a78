"""Reads for the appraisal council's pages: the queue of sheets and the side-by-side workspace."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import reduce
from operator import or_

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.db.models.sql.constants import LOUTER
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_cte import CTE, with_cte

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
from units.models import User

FILTERS = ("todo", "differs", "evidence", "reason")


def seat_has_work(seat: CouncilSeat) -> bool:
    return seat.is_chair or bool(seat.unit_ids or seat.area_codes or seat.unit_areas)


def _assigned(seat: CouncilSeat, *, unit: str, area: str | None = None, criterion: str | None = None) -> Q | None:
    """The criteria this member was given, as a filter over rows naming a unit and either an area (criteria) or a
    criterion (scores, requests); None means all."""
    if seat.is_chair:
        return None

    def in_areas(codes) -> Q:
        if area is not None:
            return Q(**{f"{area}__in": sorted(codes)})
        # Rows name their criterion: its area is looked up once (a hashed subplan), not joined for every row.
        return Q(
            **{
                f"{criterion}__in": Criterion.objects.alias(area=area_code_of("code"))
                .filter(area__in=sorted(codes))
                .values("pk")
            }
        )

    parts = []
    if seat.unit_ids:
        parts.append(Q(**{f"{unit}__in": sorted(seat.unit_ids)}))
    if seat.area_codes:
        parts.append(in_areas(seat.area_codes))
    parts += [Q(**{unit: unit_id}) & in_areas([code]) for unit_id, code in sorted(seat.unit_areas)]
    return reduce(or_, parts)


def _differs_from_self() -> Exists:
    """A round-1 score (the outer row) differs from the unit's own score of the same criterion."""
    return Exists(
        Score.objects.filter(
            assessment_id=OuterRef("assessment_id"), criterion_id=OuterRef("criterion_id"), stage=Stage.SELF
        ).filter(
            ~Q(is_not_applicable=OuterRef("is_not_applicable"))
            | (Q(is_not_applicable=False) & ~Q(points=OuterRef("points")))
        )
    )


@dataclass(frozen=True)
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
        return round(100 * self.appraised_count / self.assigned_count) if self.assigned_count else 0


@dataclass(frozen=True)
class QueueSheet(AppraisalProgress):
    """One sheet of the queue: its unit and block, the member's counts, and whether they may still score it."""

    pk: int = 0
    unit_name: str = ""
    block_name: str = ""
    is_finalised: bool = False
    can_appraise: bool = False


def _queue_counts(user: User, period: Period, assessment_id: int | None) -> tuple[list[CTE], list[tuple]]:
    """The queue's counts as grouped passes over the period (common table expressions, one row per sheet, joined to
    the sheets by their caller) rather than six correlated counts on every sheet's row; each pass reads only the
    criteria given to this member (by unit, by area, or both). The passes count every submitted sheet of the period
    (or the one sheet asked for); the caller's join keeps the member's own."""
    seat = council_seat(user, period)
    sheets = Assessment.objects.filter(period=period, state=Assessment.State.SUBMITTED)
    of_sheets = Q(assessment__period=period, assessment__state=Assessment.State.SUBMITTED)
    if assessment_id is not None:
        sheets, of_sheets = sheets.filter(pk=assessment_id), Q(assessment_id=assessment_id)
    # Leaves counted once per framework and area, then summed per sheet over the areas the member has in its unit.
    area_leaves = CTE(
        Criterion.objects.filter(framework__period=period)
        .exclude(rule_type="")
        .annotate(area=area_code_of("code"))
        .values("framework_id", "area")
        .annotate(leaf_count=Count("pk"))
        .order_by(),
        name="queue_area_leaves",
    )
    leaves = area_leaves.join(sheets, framework_id=area_leaves.col.framework_id)
    leaves = leaves.alias(area=area_leaves.col.area).filter(_assigned(seat, unit="unit_id", area="area") or Q())
    sheet_leaves = CTE(
        leaves.values("id").annotate(assigned_count=Sum(area_leaves.col.leaf_count)).order_by(),
        name="queue_leaves",
    )
    assigned_row = _assigned(seat, unit="sheet_unit_id", criterion="criterion_id") or Q()
    round_one = CTE(
        Score.objects.filter(of_sheets, stage=Stage.ROUND_1)
        .alias(sheet_unit_id=F("assessment__unit_id"))
        .filter(assigned_row)
        .values("assessment_id")
        .annotate(appraised_count=Count("pk"), differs_count=Count("pk", filter=_differs_from_self()))
        .order_by(),
        name="queue_round_one",
    )
    # Evidence: each (sheet, criterion needing a document) pair, told apart by its links and the unit's own score.
    sheet_rows = CTE(sheets.values("id", "unit_id", "framework_id"), name="queue_sheets")
    needing = (
        sheet_rows.join(Criterion.objects.filter(evidence_required=True), framework_id=sheet_rows.col.framework_id)
        .exclude(rule_type__in=["", RuleType.SURVEY])
        .annotate(sheet_id=sheet_rows.col.id)
        .alias(sheet_unit_id=sheet_rows.col.unit_id, area=area_code_of("code"))
        .filter(_assigned(seat, unit="sheet_unit_id", area="area") or Q())
    )
    own = Score.objects.filter(assessment_id=OuterRef("sheet_id"), criterion_id=OuterRef("pk"), stage=Stage.SELF)
    uncited = ~Exists(EvidenceLink.objects.filter(assessment_id=OuterRef("sheet_id"), criterion_id=OuterRef("pk")))
    uncited &= ~Exists(own.filter(is_not_applicable=True))
    with_reason = Exists(own.exclude(no_evidence_reason=""))
    evidence = CTE(
        needing.values("sheet_id")
        .annotate(
            evidence_missing_count=Count("pk", filter=uncited & ~with_reason),
            evidence_reason_count=Count("pk", filter=uncited & with_reason),
        )
        .order_by(),
        name="queue_evidence",
    )
    round_two = Score.objects.filter(
        assessment_id=OuterRef("assessment_id"), criterion_id=OuterRef("criterion_id"), stage=Stage.ROUND_2
    )
    requests = CTE(
        ExplanationRequest.objects.filter(of_sheets)
        .alias(sheet_unit_id=F("assessment__unit_id"))
        .filter(assigned_row)
        .exclude(Exists(round_two))
        .values("assessment_id")
        .annotate(open_requests_count=Count("pk"))
        .order_by(),
        name="queue_requests",
    )
    joined = [
        (sheet_leaves, sheet_leaves.col.id, ["assigned_count"]),
        (round_one, round_one.col.assessment_id, ["appraised_count", "differs_count"]),
        (evidence, evidence.col.sheet_id, ["evidence_missing_count", "evidence_reason_count"]),
        (requests, requests.col.assessment_id, ["open_requests_count"]),
    ]
    return [area_leaves, sheet_rows, *(cte for cte, _key, _names in joined)], joined


def appraisal_queue(
    user: User, period: Period, *, only: str = "", assessment_id: int | None = None
) -> list[QueueSheet]:
    """The submitted sheets a member works on, with progress over only their own criteria, counted in SQL in one
    query (grouped passes joined to the sheets) and read as plain values, not model objects.

    With assessment_id, only that sheet (the workspace's counters after a save).
    """
    seat = council_seat(user, period)
    if not seat.is_member or not seat_has_work(seat):
        return []
    sheets = appraisal_workspaces(user, period)
    if assessment_id is not None:
        sheets = sheets.filter(pk=assessment_id)
    ctes, joined = _queue_counts(user, period, assessment_id)
    counts = {name: Coalesce(getattr(cte.col, name), 0) for cte, _key, names in joined for name in names}
    rows = sheets
    for cte, key, _names in joined:
        rows = cte.join(rows, id=key, _join_type=LOUTER)
    rows = (
        with_cte(*ctes, select=rows)
        .annotate(**counts, can_appraise=Q(pk__in=appraisable_assessments(user, period).values("pk")))
        .order_by("unit__block__position", "unit__position", "unit__name")
    )
    if only == "todo":
        rows = rows.filter(appraised_count__lt=F("assigned_count"))
    elif only == "differs":
        rows = rows.filter(differs_count__gt=0)
    elif only == "evidence":
        rows = rows.filter(evidence_missing_count__gt=0)
    return [
        QueueSheet(
            **dict(zip(counts, figures, strict=True)),
            pk=pk,
            unit_name=unit_name,
            block_name=block_name,
            is_finalised=block_id in seat.finalised_block_ids,
            can_appraise=can_appraise,
        )
        for pk, unit_name, block_id, block_name, can_appraise, *figures in rows.values_list(
            "pk", "unit__name", "unit__block_id", "unit__block__name", "can_appraise", *counts
        )
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
    def assigned_count(self) -> int:
        return len(self.rows)

    @property
    def appraised_count(self) -> int:
        return sum(row.is_appraised for row in self.rows)

    @property
    def differs_count(self) -> int:
        return sum(row.differs for row in self.rows)

    @property
    def evidence_missing_count(self) -> int:
        return sum(row.evidence_missing for row in self.rows)

    @property
    def evidence_reason_count(self) -> int:
        return sum(row.evidence_reason for row in self.rows)

    @property
    def open_requests_count(self) -> int:
        return sum(row.request is not None and row.round_two is None for row in self.rows)

    @property
    def progress_percent(self) -> int:
        return round(100 * self.appraised_count / self.assigned_count) if self.assigned_count else 0


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


def appraisal_counts(period: Period, sheet_ids: Iterable[int]) -> AppraisalCounts:
    """The period's leaf criteria per framework and area, and the given sheets' round-1 scores per area, grouped in
    SQL in one round trip (rows: kind, framework or sheet, area, count). Counted once per framework, not once per
    sheet: a correlated count of the framework's criteria on each sheet's row took 21 ms of the council overview's
    27 ms query at 200 units."""
    leaf_rows = (
        Criterion.objects.filter(framework__period=period)
        .exclude(rule_type="")
        .annotate(kind=Value("leaves"), owner=F("framework_id"), area=area_code_of("code"))
        .values("kind", "owner", "area")
        .annotate(n=Count("pk"))
        .order_by()
    )
    done_rows = (
        Score.objects.filter(assessment_id__in=list(sheet_ids), stage=Stage.ROUND_1)
        .annotate(kind=Value("done"), owner=F("assessment_id"), area=area_code_of("criterion__code"))
        .values("kind", "owner", "area")
        .annotate(n=Count("pk"))
        .order_by()
    )
    leaves: dict[tuple[int, str], int] = {}
    done: dict[tuple[int, str], int] = {}
    for row in leaf_rows.union(done_rows, all=True).order_by():
        (leaves if row["kind"] == "leaves" else done)[row["owner"], row["area"]] = row["n"]
    return AppraisalCounts(leaves, done)


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
                _("%(unit)s: còn %(count)s tiêu chí chưa thẩm định vòng 1.")
                % {"unit": assessment.unit, "count": assessment.leaf_count - assessment.round_one},
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
