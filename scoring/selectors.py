"""Reads that pages need, each in a bounded number of queries."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Left, StrIndex
from django.utils.translation import gettext as _

from scoring.models import (
    POINTS,
    AdjustmentItem,
    Assessment,
    Criterion,
    Framework,
    Period,
    RuleOption,
    RuleType,
    Score,
    Stage,
)
from units.models import Authority


@dataclass
class TreeNode:
    criterion: Criterion
    children: list["TreeNode"] = field(default_factory=list)

    @property
    def is_leaf(self) -> bool:
        return not self.children


@dataclass
class FrameworkTree:
    framework: Framework
    roots: list[TreeNode]
    nodes: list[TreeNode]  # every node, depth-first in code order

    @property
    def total(self) -> Decimal:
        return sum((node.criterion.max_points for node in self.roots), Decimal(0))

    @property
    def leaves(self) -> list[TreeNode]:
        return [node for node in self.nodes if node.is_leaf]


def build_tree(framework: Framework, criteria: Iterable[Criterion]) -> FrameworkTree:
    """Arrange already-loaded criteria into a tree ordered by code (1, 1.2, 1.10 — numerically)."""
    by_id = {criterion.id: TreeNode(criterion) for criterion in criteria}
    roots: list[TreeNode] = []
    for node in by_id.values():
        parent = by_id.get(node.criterion.parent_id)
        (parent.children if parent else roots).append(node)

    def key(node: TreeNode) -> tuple:
        return (node.criterion.code_key, node.criterion.position)

    ordered: list[TreeNode] = []

    def walk(nodes: list[TreeNode]) -> None:
        nodes.sort(key=key)
        for node in nodes:
            ordered.append(node)
            walk(node.children)

    walk(roots)
    return FrameworkTree(framework=framework, roots=roots, nodes=ordered)


def framework_tree(framework: Framework) -> FrameworkTree:
    """The whole tree with rule options in two queries, whatever its size."""
    criteria = Criterion.objects.filter(framework=framework).prefetch_related(
        Prefetch("options", queryset=RuleOption.objects.order_by("position", "id"))
    )
    return build_tree(framework, criteria)


def framework_adjustments(framework: Framework) -> QuerySet[AdjustmentItem]:
    return framework.adjustment_items.order_by("kind", "position", "id")


def periods_for(authority: Authority | None = None) -> QuerySet[Period]:
    periods = Period.objects.select_related("authority").annotate(framework_count=Count("frameworks"))
    if authority is not None:
        periods = periods.filter(authority=authority)
    return periods.order_by("-year")


def period_frameworks(period: Period) -> QuerySet[Framework]:
    return (
        Framework.objects.filter(period=period)
        .select_related("block", "period", "cloned_from__period")
        .annotate(criterion_count=Count("criteria"))
        .order_by("block__position", "block_id")
    )


def current_period(authority: Authority | None = None) -> Period | None:
    """The period people are working in: the newest one that is not a draft, else the newest."""
    periods = Period.objects.select_related("authority").order_by("-year")
    if authority is not None:
        periods = periods.filter(authority=authority)
    return periods.exclude(state=Period.State.DRAFT).first() or periods.first()


def council_users(period: Period) -> list:
    """The people sitting on the period's council."""
    from scoring.models import CouncilMembership

    return [membership.user for membership in CouncilMembership.objects.filter(period=period).select_related("user")]


def default_authority() -> Authority:
    """The authority this installation serves (one per installation; the first if several)."""
    return Authority.objects.order_by("id").first()


# ---------------------------------------------------------------------------------------------
# Scoresheets

HUNDRED = Decimal(100)
ZERO_POINTS = Value(Decimal(0), output_field=DecimalField(**POINTS))


def area_code_of(path: str):
    """SQL for the area code of a criterion code: "3" for "3.2.1" (the text before the first dot)."""
    return Left(path, StrIndex(Concat(path, Value(".")), Value(".")) - 1)


def index_of(points: Decimal, maximum: Decimal) -> Decimal | None:
    if not maximum:
        return None
    # Half up, as the results compute it (scoring/results/compute.py): the sheet must show the index it will get.
    return (points * HUNDRED / maximum).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class AreaTotal:
    criterion: Criterion
    points: Decimal
    not_applicable_max: Decimal
    council_max: Decimal = Decimal(0)  # survey maxima, left out of the unit's own total

    @property
    def adjusted_max(self) -> Decimal:
        return self.criterion.max_points - self.not_applicable_max - self.council_max

    @property
    def index(self) -> Decimal | None:
        return index_of(self.points, self.adjusted_max)


class SheetTotals:
    """The figures of a sheet's summary panel, from `areas`, `leaf_count` and `scored_count` of the subclass."""

    @property
    def points(self) -> Decimal:
        return sum((area.points for area in self.areas), Decimal(0))

    @property
    def max_points(self) -> Decimal:
        return sum((area.criterion.max_points for area in self.areas), Decimal(0))

    @property
    def adjusted_max(self) -> Decimal:
        """Maximum after not-applicable criteria, without the points the unit does not score itself."""
        return sum((area.adjusted_max for area in self.areas), Decimal(0))

    @property
    def index(self) -> Decimal | None:
        return index_of(self.points, self.adjusted_max)

    @property
    def progress_percent(self) -> int:
        return round(100 * self.scored_count / self.leaf_count) if self.leaf_count else 0


@dataclass
class SheetSummary(SheetTotals):
    areas: list[AreaTotal]
    leaf_count: int
    scored: list[Criterion]
    unscored: list[Criterion]
    evidence_missing: list[Criterion]
    unexplained: list[Criterion]
    council_max: Decimal = Decimal(0)  # maxima of criteria the unit does not score itself (survey)

    @property
    def scored_count(self) -> int:
        return len(self.scored)

    @property
    def evidence_missing_count(self) -> int:
        return len(self.evidence_missing)

    @property
    def blockers(self) -> list[str]:
        """Why the head cannot submit yet, one message per criterion."""
        messages = [_("Tiêu chí %(code)s chưa được chấm điểm.") % {"code": c.code} for c in self.unscored]
        messages += [
            _("Tiêu chí %(code)s chưa có tài liệu kiểm chứng hoặc lý do không có.") % {"code": c.code}
            for c in self.evidence_missing
        ]
        return messages


def area_points(assessment: Assessment, stage: str = Stage.SELF) -> dict[str, tuple[Decimal, Decimal]]:
    """Points and not-applicable maxima per area code, summed in the database (one query)."""
    rows = (
        Score.objects.filter(assessment=assessment, stage=stage)
        .annotate(area=area_code_of("criterion__code"))
        .values("area")
        .annotate(
            points=Coalesce(Sum("points"), ZERO_POINTS),
            not_applicable_max=Coalesce(
                Sum(Case(When(is_not_applicable=True, then=F("criterion__max_points")), default=ZERO_POINTS)),
                ZERO_POINTS,
            ),
        )
    )
    return {row["area"]: (row["points"], row["not_applicable_max"]) for row in rows}


def sheet_scores(assessment: Assessment, stage: str = Stage.SELF) -> dict[int, Score]:
    scores = Score.objects.filter(assessment=assessment, stage=stage).select_related("updated_by")
    return {score.criterion_id: score for score in scores}


def evidence_counts(assessment: Assessment) -> dict[int, int]:
    from evidence.models import EvidenceLink

    rows = EvidenceLink.objects.filter(assessment=assessment).values("criterion_id").annotate(n=Count("id"))
    return {row["criterion_id"]: row["n"] for row in rows}


def sheet_summary(
    assessment: Assessment,
    *,
    tree: FrameworkTree,
    scores: dict[int, Score],
    evidence: dict[int, int],
    stage: str = Stage.SELF,
) -> SheetSummary:
    totals = area_points(assessment, stage)
    areas = {
        node.criterion.code: AreaTotal(node.criterion, *totals.get(node.criterion.code, (Decimal(0), Decimal(0))))
        for node in tree.roots
    }
    scored, unscored, evidence_missing, unexplained = [], [], [], []
    council_max = Decimal(0)
    for node in tree.leaves:
        criterion = node.criterion
        if stage == Stage.SELF and criterion.rule_type == RuleType.SURVEY:
            council_max += criterion.max_points  # survey points come from the council's import, not the unit
            areas[criterion.code.split(".")[0]].council_max += criterion.max_points
            continue
        score = scores.get(criterion.id)
        if score is None:
            unscored.append(criterion)
            continue
        scored.append(criterion)
        if (
            criterion.evidence_required
            and not score.is_not_applicable
            and not evidence.get(criterion.id)
            and not score.no_evidence_reason
        ):
            evidence_missing.append(criterion)
        if not score.explanation:
            unexplained.append(criterion)
    leaf_count = len(scored) + len(unscored)
    return SheetSummary(list(areas.values()), leaf_count, scored, unscored, evidence_missing, unexplained, council_max)


def load_sheet_summary(assessment: Assessment, stage: str = Stage.SELF) -> SheetSummary:
    """The summary on its own (submission page, submit service): five queries."""
    return sheet_summary(
        assessment,
        tree=framework_tree(assessment.framework),
        scores=sheet_scores(assessment, stage),
        evidence=evidence_counts(assessment),
        stage=stage,
    )


@dataclass
class SheetFigures(SheetTotals):
    """The summary panel's figures without the criteria behind them (see sheet_figures)."""

    areas: list[AreaTotal]
    leaf_count: int
    scored_count: int
    evidence_missing_count: int
    council_max: Decimal = Decimal(0)


def sheet_figures(assessment: Assessment) -> SheetFigures:
    """The unit's own summary figures as sheet_summary gives them, counted in SQL (two queries).

    For the answers that re-render only the summary panel (a saved row, changed evidence): loading the
    whole tree, every score and every evidence link into Python for a handful of numbers was most of a
    save's time.
    """
    from evidence.models import EvidenceLink

    criteria = Criterion.objects.filter(framework_id=assessment.framework_id)
    roots = sorted(criteria.filter(parent=None), key=lambda criterion: (criterion.code_key, criterion.position))
    is_unit_scored = ~Q(rule_type=RuleType.SURVEY)  # survey points come from the council, not the unit
    is_cited = Exists(EvidenceLink.objects.filter(assessment=assessment, criterion=OuterRef("pk")))
    lacks_evidence = Q(evidence_required=True, own__is_not_applicable=False, own__no_evidence_reason="") & ~Q(is_cited)
    rows = (
        criteria.filter(children__isnull=True)  # the leaves, each with the sheet's own score if any
        .annotate(own=FilteredRelation("scores", condition=Q(scores__assessment=assessment, scores__stage=Stage.SELF)))
        .annotate(area=area_code_of("code"))
        .values("area")
        .annotate(
            points=Coalesce(Sum("own__points"), ZERO_POINTS),
            not_applicable_max=Coalesce(Sum("max_points", filter=Q(own__is_not_applicable=True)), ZERO_POINTS),
            council_max=Coalesce(Sum("max_points", filter=~is_unit_scored), ZERO_POINTS),
            leaf_count=Count("pk", filter=is_unit_scored),
            scored_count=Count("pk", filter=is_unit_scored & Q(own__isnull=False)),
            evidence_missing_count=Count("pk", filter=is_unit_scored & lacks_evidence),
        )
        .order_by()
    )
    by_area = {row["area"]: row for row in rows}
    areas = [
        AreaTotal(root, *(by_area[root.code][key] for key in ("points", "not_applicable_max", "council_max")))
        if root.code in by_area
        else AreaTotal(root, Decimal(0), Decimal(0))
        for root in roots
    ]

    def total(key: str, start: int | Decimal = 0) -> int | Decimal:
        return sum((row[key] for row in by_area.values()), start)

    return SheetFigures(
        areas,
        leaf_count=total("leaf_count"),
        scored_count=total("scored_count"),
        evidence_missing_count=total("evidence_missing_count"),
        council_max=total("council_max", Decimal(0)),
    )


def assessments_visible_to(user, period: Period) -> QuerySet[Assessment]:
    """Sheets of a period with their progress counted in SQL, filtered to what the user may see."""
    from scoring.permissions import visible_assessment_filter

    leaf_count = Count("framework__criteria", filter=~Q(framework__criteria__rule_type=""), distinct=True)
    scored = Count("scores", filter=Q(scores__stage=Stage.SELF), distinct=True)
    return (
        Assessment.objects.filter(period=period)
        .filter(visible_assessment_filter(user, period))
        .select_related("unit__block", "submitted_by")
        .annotate(leaf_count=leaf_count, scored_count=scored)
        .order_by("unit__block__position", "unit__position", "unit__name")
    )


# ---------------------------------------------------------------------------------------------
# Appraisal


def _count_of(queryset: QuerySet, key: str) -> Coalesce:
    return Coalesce(Subquery(queryset.order_by().values(key).annotate(total=Count("pk")).values("total")[:1]), 0)


def appraisal_gaps(period: Period, block) -> list[str]:
    """Per submitted sheet of the block: criteria without a round-1 score and explanations without round 2."""
    from scoring.models import ExplanationRequest

    # Counted in subqueries: joining both the framework's criteria and the sheet's scores multiplied them
    # (126 criteria × 126 scores per sheet at 200 units: 0.9–3.4 s per block on the council overview).
    leaf_count = _count_of(Criterion.objects.filter(framework=OuterRef("framework")).exclude(rule_type=""), "framework")
    round_one = _count_of(Score.objects.filter(assessment=OuterRef("pk"), stage=Stage.ROUND_1), "assessment")
    assessments = (
        Assessment.objects.filter(period=period, unit__block=block, state=Assessment.State.SUBMITTED)
        .select_related("unit")
        .annotate(leaf_count=leaf_count, round_one=round_one)
        .order_by("unit__position", "unit__name")
    )
    gaps = [
        _("%(unit)s: còn %(count)s tiêu chí chưa thẩm định vòng 1.")
        % {"unit": assessment.unit, "count": assessment.leaf_count - assessment.round_one}
        for assessment in assessments
        if assessment.round_one < assessment.leaf_count
    ]
    waiting = (
        ExplanationRequest.objects.filter(
            assessment__period=period,
            assessment__unit__block=block,
            state__in=[ExplanationRequest.State.SENT, ExplanationRequest.State.ANSWERED],
        )
        .exclude(  # round 2 of THIS criterion on THIS sheet (a join would match any round-2 score of the sheet)
            Exists(
                Score.objects.filter(
                    assessment=OuterRef("assessment"), criterion=OuterRef("criterion"), stage=Stage.ROUND_2
                )
            )
        )
        .select_related("assessment__unit", "criterion")
        .order_by("assessment__unit__name", "criterion__code")
    )
    gaps += [
        _("%(unit)s: tiêu chí %(code)s chờ thẩm định vòng 2 sau giải trình.")
        % {"unit": request.assessment.unit, "code": request.criterion.code}
        for request in waiting
    ]
    flagged = ExplanationRequest.objects.filter(
        assessment__period=period, assessment__unit__block=block, state=ExplanationRequest.State.FLAGGED
    ).count()
    if flagged:
        gaps.append(
            _("Còn %(count)s đề xuất giải trình chưa gửi đơn vị (gửi hoặc rút lại trước khi chốt).")
            % {"count": flagged}
        )
    return gaps
