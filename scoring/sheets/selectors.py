from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scoring.frameworks.selectors import FrameworkTree, area_code_of, framework_tree
from scoring.models import (
    POINTS,
    Assessment,
    Criterion,
    Period,
    RuleOption,
    RuleType,
    Score,
    Stage,
)
from scoring.text import percent_done

HUNDRED = Decimal(100)


ZERO_POINTS = Value(Decimal(0), output_field=DecimalField(**POINTS))


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
    def unscored_count(self) -> int:
        return self.leaf_count - self.scored_count

    @property
    def progress_percent(self) -> int:
        return percent_done(self.scored_count, self.leaf_count)


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
        return [message for _criterion, message in self.blocker_items]

    @property
    def blocker_items(self) -> list[tuple[Criterion, str]]:
        """The blockers with the criterion each one is about, so a page can link to it."""
        items = [(c, _("Tiêu chí %(code)s chưa được chấm điểm.") % {"code": c.code}) for c in self.unscored]
        items += [
            (c, _("Tiêu chí %(code)s chưa có tài liệu kiểm chứng hoặc lý do không có.") % {"code": c.code})
            for c in self.evidence_missing
        ]
        return items


def sheet_scores(
    assessment: Assessment, stage: str = Stage.SELF, *, with_option_label: bool = False
) -> dict[int, Score]:
    """The sheet's scores by criterion; with_option_label adds the chosen level's label (`option_label_chosen`),
    which is all a sheet nobody edits needs of the rule options."""
    scores = Score.objects.filter(assessment=assessment, stage=stage)
    if with_option_label:
        # Each score's level read by its key: a join made PostgreSQL hash every option of every year's frameworks
        # (3,240 at 200 units) for a sheet's 120 scores.
        chosen = RuleOption.objects.filter(pk=OuterRef("option_id")).order_by().values("label")
        scores = scores.annotate(option_label_chosen=Subquery(chosen))
    return {score.criterion_id: score for score in scores}


def evidence_counts(assessment: Assessment) -> dict[int, int]:
    from evidence.models import EvidenceLink

    rows = EvidenceLink.objects.filter(assessment=assessment).values("criterion_id").annotate(n=Count("id"))
    return {row["criterion_id"]: row["n"] for row in rows}


def evidence_link_count(assessment: Assessment) -> int:
    """How many evidence citations the sheet holds (what a submission locks with the scores)."""
    from evidence.models import EvidenceLink

    return EvidenceLink.objects.filter(assessment=assessment).count()


def sheet_summary(
    assessment: Assessment,
    *,
    tree: FrameworkTree,
    scores: dict[int, Score],
    evidence: dict[int, int],
    stage: str = Stage.SELF,
) -> SheetSummary:
    # The area totals are added up from the scores already loaded for the rows (sheet_figures counts the same in SQL
    # for the answers that load no rows; a test holds the two equal).
    areas = {node.criterion.code: AreaTotal(node.criterion, Decimal(0), Decimal(0)) for node in tree.roots}
    scored, unscored, evidence_missing, unexplained = [], [], [], []
    council_max = Decimal(0)
    for node in tree.leaves:
        criterion = node.criterion
        area = areas[criterion.code.split(".")[0]]
        score = scores.get(criterion.id)
        if score is not None:
            if score.points is not None:
                area.points += score.points
            if score.is_not_applicable:
                area.not_applicable_max += criterion.max_points
        if stage == Stage.SELF and criterion.rule_type == RuleType.SURVEY:
            council_max += criterion.max_points  # survey points come from the council's import, not the unit
            area.council_max += criterion.max_points
            continue
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
    evidence_missing: list[Criterion]
    council_max: Decimal = Decimal(0)

    @property
    def evidence_missing_count(self) -> int:
        return len(self.evidence_missing)


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

    # The criteria themselves, not only their number: the panel links to each one.
    evidence_missing = sorted(
        criteria.filter(children__isnull=True)
        .annotate(own=FilteredRelation("scores", condition=Q(scores__assessment=assessment, scores__stage=Stage.SELF)))
        .filter(is_unit_scored & Q(own__isnull=False) & lacks_evidence)
        .only("pk", "code", "position"),
        key=lambda criterion: (criterion.code_key, criterion.position),
    )
    return SheetFigures(
        areas,
        leaf_count=total("leaf_count"),
        scored_count=total("scored_count"),
        evidence_missing=evidence_missing,
        council_max=total("council_max", Decimal(0)),
    )


def assessments_visible_to(user, period: Period) -> QuerySet[Assessment]:
    """Sheets of a period with their progress counted in SQL, filtered to what the user may see."""
    from scoring.permissions.sheets import visible_assessment_filter

    leaf_count = Count("framework__criteria", filter=~Q(framework__criteria__rule_type=""), distinct=True)
    scored = Count("scores", filter=Q(scores__stage=Stage.SELF), distinct=True)
    return (
        Assessment.objects.filter(period=period)
        .filter(visible_assessment_filter(user, period))
        .select_related("unit__block", "submitted_by")
        .annotate(leaf_count=leaf_count, scored_count=scored)
        .order_by("unit__block__position", "unit__position", "unit__name")
    )


# The sheet's filters: which rows a person wants to see among a hundred criteria (the council's workspace
# has its own); the key is the `only` query parameter, so a filtered sheet can be bookmarked or linked to.
SHEET_FILTERS = (
    ("unscored", gettext_lazy("Chưa chấm")),
    ("no_evidence", gettext_lazy("Thiếu tài liệu kiểm chứng")),
    ("reason", gettext_lazy("Có lý do không có tài liệu")),
    ("differs", gettext_lazy("Khác điểm Hội đồng")),
)


@dataclass
class SheetFilter:
    key: str
    label: str
    count: int
    is_active: bool


def council_final_scores(assessment: Assessment) -> dict[int, Score]:
    """The council's final score of each criterion: round 2 where it re-scored, else round 1 (one query)."""
    final: dict[int, Score] = {}
    for score in Score.objects.filter(assessment=assessment, stage__in=(Stage.ROUND_1, Stage.ROUND_2)):
        if score.stage == Stage.ROUND_2 or score.criterion_id not in final:
            final[score.criterion_id] = score
    return final


def _row_kinds(row, missing_ids: set[int]) -> set[str]:
    """Which of SHEET_FILTERS a leaf row (a scoring.sheets.rows.SheetRow) answers to."""
    criterion, score, council = row.node.criterion, row.score, row.council
    kinds = set()
    if score is None and criterion.rule_type != RuleType.SURVEY:
        kinds.add("unscored")
    if criterion.id in missing_ids:
        kinds.add("no_evidence")
    if score is not None and score.no_evidence_reason and not row.links:
        kinds.add("reason")
    if council is not None and (
        score is None or council.is_not_applicable != score.is_not_applicable or council.points != score.points
    ):
        kinds.add("differs")
    return kinds


def filter_sheet_rows(
    rows: list, *, only: str, area: str, missing_ids: set[int], with_council: bool
) -> tuple[list, list[SheetFilter], int]:
    """The rows a filter keeps (with the headings above them), each filter's count over the chosen area, and the
    number of criteria in that area."""
    keys = [key for key, _label in SHEET_FILTERS if with_council or key != "differs"]
    only = only if only in keys else ""
    counts = dict.fromkeys(keys, 0)
    kept_leaves, area_total = [], 0
    for row in rows:
        if not row.node.is_leaf:
            continue
        if area and row.node.criterion.code.split(".")[0] != area:
            continue
        area_total += 1
        kinds = _row_kinds(row, missing_ids)
        for kind in kinds & set(keys):
            counts[kind] += 1
        if not only or only in kinds:
            kept_leaves.append(row)
    kept_codes = {row.node.criterion.code for row in kept_leaves}
    kept_ids = {row.node.criterion.id for row in kept_leaves}
    visible = [
        row
        for row in rows
        if row.node.criterion.id in kept_ids
        or (not row.node.is_leaf and any(code.startswith(f"{row.node.criterion.code}.") for code in kept_codes))
    ]
    labels = dict(SHEET_FILTERS)
    filters = [SheetFilter(key, str(labels[key]), counts[key], key == only) for key in keys]
    return visible, filters, area_total
