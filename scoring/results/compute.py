"""Live results, computed in the database from stored scores on every read.

Each sum is a common table expression (django-cte) grouped once per sheet, area or framework and joined to
the rows it belongs to, so a score row is read once however many figures derive from it. Sums of two-decimal
amounts are exact and are turned into whole hundredths of a point once per group; the index is computed in
whole hundredths of a percent by integer arithmetic with round-half-up, so neither SQLite's floating point
nor Python's floats can move a figure or split a tie.
"""

from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, DenseRank, Greatest, Least, Rank, Round
from django.db.models.lookups import Exact
from django.db.models.sql.constants import LOUTER
from django.utils.translation import get_language, gettext_lazy
from django_cte import CTE, with_cte

from scoring.frameworks.selectors import area_code_of
from scoring.models import (
    AdjustmentEntry,
    AdjustmentItem,
    Assessment,
    ClassificationBand,
    Criterion,
    Objection,
    Period,
    RankingExclusion,
    ResultsConfig,
    RuleType,
    Score,
    Stage,
)
from scoring.results.versions import kept, stamp_to_keep
from units.models import Role, RoleAssignment

COUNCIL_STAGES = (Stage.ROUND_1, Stage.ROUND_2)
ZERO = Value(0, output_field=IntegerField())
AMOUNT = DecimalField(max_digits=9, decimal_places=2)


def cents(expression) -> Cast:
    """A two-decimal amount as an exact whole number of hundredths."""
    return Cast(Round(ExpressionWrapper(expression * Value(100), output_field=AMOUNT)), IntegerField())


def amount(cents_expression) -> ExpressionWrapper:
    """Hundredths back to a two-decimal Decimal (quantized by the database converter)."""
    return ExpressionWrapper(cents_expression * Value(Decimal("0.01")), output_field=AMOUNT)


# What the results say of a unit the council has not scored yet, in place of a rank.
NOT_APPRAISED = gettext_lazy("Chưa thẩm định")


def index_hundredths(total, maximum) -> Case:
    """total / maximum × 100 in hundredths of a percent, rounded half up, by integer division (total ≥ 0)."""
    return Case(
        When(
            Q(**{f"{maximum}__gt": 0}),
            then=ExpressionWrapper(
                (F(total) * Value(20000) + F(maximum)) / (F(maximum) * Value(2)), output_field=IntegerField()
            ),
        ),
        default=None,
        output_field=IntegerField(),
    )


def final_scores() -> QuerySet[Score]:
    """The score that counts per criterion: round 2 where the council re-scored it, else round 1.

    The unit's own score never counts: a criterion the council did not score is worth 0.
    """
    overridden = Score.objects.filter(
        assessment=OuterRef("assessment"), criterion=OuterRef("criterion"), stage=Stage.ROUND_2
    ).filter(Exact(OuterRef("stage"), Stage.ROUND_1))
    # One NOT EXISTS whose condition holds only for a round-1 score: the database answers it with one anti-join.
    return Score.objects.filter(stage__in=COUNCIL_STAGES).exclude(Exists(overridden))


def survey_parts(period: Period) -> list[dict]:
    """Each block's survey points in the period ({"block": name, "points": Decimal}), in block order."""
    return list(
        Criterion.objects.filter(framework__period=period, rule_type=RuleType.SURVEY)
        .values(block=F("framework__block__name"))
        .annotate(points=Sum("max_points"))
        .order_by("framework__block__position", "framework__block_id")
    )


def results_config(period: Period) -> ResultsConfig:
    """The period's ranking rule and visibility (defaults when the secretariat never set them)."""
    config = ResultsConfig.objects.filter(period=period).first()
    return config or ResultsConfig(period=period)


def _band_label(period_id):
    bands = (
        ClassificationBand.objects.filter(period_id=period_id)
        .annotate(min_hundredths=cents(F("min_index")))
        .filter(min_hundredths__lte=OuterRef("index_hundredths"))
        .order_by("-min_index")
        .values("label")[:1]
    )
    return Coalesce(Subquery(bands), Value(""))


def _final_cents() -> tuple[Cast, Cast]:
    """Over a group of final scores: the hundredths of their points, and of the maxima of those not applicable.

    Every amount has two decimals, so each sum is exact (also as SQLite's floats, far below a hundredth off) and
    is turned into hundredths once per group rather than once per row.
    """
    points = cents(Sum("points", default=Decimal(0)))
    not_applicable = cents(Sum("criterion__max_points", filter=Q(is_not_applicable=True), default=Decimal(0)))
    return points, not_applicable


def counted_final_scores(period: Period) -> QuerySet[Score]:
    """The final scores of the period that count: without the survey's when the period has no survey."""
    finals = final_scores().filter(assessment__period=period)
    if not period.has_survey:
        finals = finals.exclude(criterion__rule_type=RuleType.SURVEY)
    return finals


def _sheet_sums(period: Period) -> CTE:
    """Per sheet of the period: its final scores summed once (criteria and not-applicable hundredths, count)."""
    points, not_applicable = _final_cents()
    return CTE(
        counted_final_scores(period)
        .order_by()
        .values("assessment_id")
        .annotate(criteria_cents=points, not_applicable_cents=not_applicable, appraised_count=Count("pk")),
        name="sheet_sums",
    )


def _framework_sums(period: Period) -> CTE:
    """Per framework of the period: its number of scored (leaf) criteria and its maximum in hundredths.

    In a period without survey the survey's criteria are left out of both: the index is taken over the rest."""
    leaves = ~Q(rule_type="")
    maximum = Sum(cents(F("max_points")), filter=Q(parent__isnull=True), default=0)
    if not period.has_survey:
        survey = Q(rule_type=RuleType.SURVEY)
        leaves &= ~survey
        maximum = maximum - Sum(cents(F("max_points")), filter=survey, default=0)
    return CTE(
        Criterion.objects.filter(framework__period=period)
        .order_by()
        .values("framework_id")
        .annotate(leaf_count=Count("pk", filter=leaves), max_cents=maximum),
        name="framework_sums",
    )


def _adjustment_sums(period: Period) -> CTE:
    """Per sheet: its bonus and penalty entries, each capped at its item's maximum, in hundredths."""
    capped_entry = cents(Least(F("points"), F("item__max_points")))
    return CTE(
        AdjustmentEntry.objects.filter(assessment__period=period)
        .order_by()
        .values("assessment_id")
        .annotate(
            bonus_raw_cents=Sum(capped_entry, filter=Q(item__kind=AdjustmentItem.Kind.BONUS), default=0),
            penalty_raw_cents=Sum(capped_entry, filter=Q(item__kind=AdjustmentItem.Kind.PENALTY), default=0),
        ),
        name="adjustment_sums",
    )


def _head_names() -> CTE:
    """Per unit: the name of its head (the first in alphabetical order when it has more than one)."""
    return CTE(
        RoleAssignment.objects.filter(role=Role.UNIT_HEAD)
        .order_by()
        .values("unit_id")
        .annotate(head_name=Min("user__full_name")),
        name="head_names",
    )


def _sheet_figures(period: Period, sums: list[CTE]) -> CTE:
    """Per sheet of the period, from the sums: totals, maxima and index in whole hundredths (one row per sheet)."""
    sheets, frameworks, adjustments = sums
    rows = Assessment.objects.filter(period=period)
    rows = sheets.join(rows, id=sheets.col.assessment_id, _join_type=LOUTER)
    rows = frameworks.join(rows, framework_id=frameworks.col.framework_id, _join_type=LOUTER)
    rows = adjustments.join(rows, id=adjustments.col.assessment_id, _join_type=LOUTER)
    return CTE(
        rows.order_by()
        .values("id")
        .alias(
            not_applicable_cents=Coalesce(sheets.col.not_applicable_cents, ZERO),
            bonus_raw_cents=Coalesce(adjustments.col.bonus_raw_cents, ZERO),
            penalty_raw_cents=Coalesce(adjustments.col.penalty_raw_cents, ZERO),
        )
        .annotate(
            criteria_cents=Coalesce(sheets.col.criteria_cents, ZERO),
            max_cents=Coalesce(frameworks.col.max_cents, ZERO),
            unappraised_count=Coalesce(frameworks.col.leaf_count, ZERO) - Coalesce(sheets.col.appraised_count, ZERO),
            appraised_count=Coalesce(sheets.col.appraised_count, ZERO),
            bonus_cents=Least(F("bonus_raw_cents"), cents(F("framework__bonus_cap"))),
            penalty_cents=Least(F("penalty_raw_cents"), cents(F("framework__penalty_cap"))),
            adjusted_max_cents=F("max_cents") - F("not_applicable_cents"),
        )
        .annotate(total_cents=Greatest(F("criteria_cents") + F("bonus_cents") - F("penalty_cents"), ZERO))
        .annotate(index_hundredths=index_hundredths("total_cents", "adjusted_max_cents")),
        name="sheet_figures",
    )


def unit_results(period: Period, *, ranking_method: str | None = None) -> QuerySet[Assessment]:
    """Every sheet of the period with its totals, index, band and rank inside its block — one query.

    The sums are common table expressions, grouped once per sheet (final scores, adjustments) and once per
    framework (maxima); a fourth one derives each sheet's figures from them, and the ranking reads those figures
    as plain columns: the database reads each score row once and computes each figure once.

    Annotations (amounts as Decimal): criteria_points, bonus, penalty, points, max_points, adjusted_max, index
    (None when nothing applies), rank (None for units assessed but not ranked), band, head_name,
    unappraised_count, exclusion_reason. The figures behind them are whole hundredths, so none depends on
    floating point.
    """
    method = ranking_method or results_config(period).ranking_method
    sums = [_sheet_sums(period), _framework_sums(period), _adjustment_sums(period)]
    figures, heads = _sheet_figures(period, sums), _head_names()
    exclusion = RankingExclusion.objects.filter(period=period, unit=OuterRef("unit"))
    ranking = Rank() if method == ResultsConfig.RankingMethod.RANK else DenseRank()
    rows = figures.join(Assessment.objects.filter(period=period), id=figures.col.id)
    rows = heads.join(rows, unit_id=heads.col.unit_id, _join_type=LOUTER)
    return (
        with_cte(*sums, figures, heads, select=rows)
        .select_related("unit__block")
        .alias(index_hundredths=figures.col.index_hundredths)
        .annotate(
            criteria_points=amount(figures.col.criteria_cents),
            bonus=amount(figures.col.bonus_cents),
            penalty=amount(figures.col.penalty_cents),
            points=amount(figures.col.total_cents),
            max_points=amount(figures.col.max_cents),
            adjusted_max=amount(figures.col.adjusted_max_cents),
            index=amount(F("index_hundredths")),
            unappraised_count=figures.col.unappraised_count,
            appraised_count=figures.col.appraised_count,
            band=_band_label(period.pk),
            head_name=Coalesce(heads.col.head_name, Value("")),
        )
        .annotate(
            # A sheet the council has not scored at all has no result yet: its 0 % would rank it last (or tie
            # it with every other such unit), so it stands apart, "not appraised", like an excluded unit.
            is_appraised=Case(When(appraised_count__gt=0, then=Value(True)), default=Value(False)),
            is_ranked=Case(
                When(Exists(exclusion), then=Value(False)),
                When(appraised_count=0, then=Value(False)),
                default=Value(True),
            ),
            exclusion_reason=Case(
                When(Exists(exclusion), then=Subquery(exclusion.values("reason")[:1])),
                When(appraised_count=0, then=Value(str(NOT_APPRAISED))),
                default=Value(""),
                output_field=TextField(),
            ),
        )
        .annotate(
            # Units not ranked get their own partition, so they never take a rank from a ranked unit.
            rank_in_partition=Window(
                ranking,
                partition_by=[F("unit__block_id"), F("is_ranked")],
                order_by=F("index_hundredths").desc(nulls_last=True),
            ),
        )
        .order_by("unit__block__position", "unit__block_id", "-is_ranked", "rank_in_partition", "unit__position")
    )


def unit_result_rows(period: Period, *, ranking_method: str | None = None) -> list[Assessment]:
    """The rows of `unit_results(period)`, computed once per version of the period's results.

    The database adds one to the version whenever an input of the results changes (scoring/results/versions.py),
    in the same transaction, so a reader after a change always computes afresh, and readers of an unchanged period
    share one computation (then one query: the version). Only a reader outside a transaction uses and keeps
    computed rows: inside one, what it reads may be its own uncommitted writes (a publication computes afresh).
    The rows are shared between readers: read them, never change them."""
    method = ranking_method or results_config(period).ranking_method
    using = Assessment.objects.db
    key = ("unit_results", using, period.pk, method, get_language())
    return list(kept(key, stamp_to_keep(period.pk, using), lambda: list(unit_results(period, ranking_method=method))))


def rank_of(row: Assessment) -> int | None:
    return row.rank_in_partition if row.is_ranked else None


def area_results(period: Period, *, assessment_ids: list[int] | None = None) -> QuerySet[Criterion]:
    """One row per (sheet, area): area points, adjusted area maximum and component index — one query.

    Each row is an area criterion annotated with result_assessment_id; not-applicable criteria lower
    the area's maximum exactly as they lower the unit's. The final scores are summed once per (sheet, area)
    in a common table expression joined to the rows.
    """
    finals = counted_final_scores(period)
    if assessment_ids is not None:
        finals = finals.filter(assessment_id__in=assessment_ids)
    points, not_applicable = _final_cents()
    sums = CTE(
        finals.order_by()
        .annotate(area=area_code_of("criterion__code"))
        .values("assessment_id", "area")
        .annotate(points_cents=points, not_applicable_cents=not_applicable),
        name="area_sums",
    )
    rows = Criterion.objects.filter(framework__period=period, parent__isnull=True).annotate(
        result_assessment_id=F("framework__assessments__id"),
        result_unit_id=F("framework__assessments__unit_id"),
    )
    if assessment_ids is not None:
        rows = rows.filter(framework__assessments__id__in=assessment_ids)
    rows = sums.join(
        rows.exclude(result_assessment_id=None),
        Exact(F("result_assessment_id"), sums.col.assessment_id),  # the sheet already joined, not a new join
        code=sums.col.area,
        _join_type=LOUTER,
    )
    ctes, survey_cents = [sums], ZERO
    if not period.has_survey:  # each area's maximum without its survey criteria
        survey = CTE(
            Criterion.objects.filter(framework__period=period, rule_type=RuleType.SURVEY)
            .order_by()
            .annotate(area=area_code_of("code"))
            .values("framework_id", "area")
            .annotate(survey_cents=Sum(cents(F("max_points")))),
            name="area_survey",
        )
        rows = survey.join(rows, framework_id=survey.col.framework_id, code=survey.col.area, _join_type=LOUTER)
        ctes.append(survey)
        survey_cents = Coalesce(survey.col.survey_cents, ZERO)
    return (
        with_cte(*ctes, select=rows)
        .alias(
            points_cents=Coalesce(sums.col.points_cents, ZERO),
            not_applicable_cents=Coalesce(sums.col.not_applicable_cents, ZERO),
            survey_cents=survey_cents,
        )
        .alias(counted_max_cents=cents(F("max_points")) - F("survey_cents"))
        .alias(adjusted_max_cents=F("counted_max_cents") - F("not_applicable_cents"))
        .alias(index_hundredths=index_hundredths("points_cents", "adjusted_max_cents"))
        .annotate(
            points=amount(F("points_cents")),
            counted_max=amount(F("counted_max_cents")),  # the area's maximum, its survey left out in a year without
            adjusted_max=amount(F("adjusted_max_cents")),
            index=amount(F("index_hundredths")),
        )
        .order_by("result_assessment_id", "position", "id")
    )


def criterion_results(period: Period, *, assessment_ids: list[int] | None = None) -> QuerySet[Criterion]:
    """One row per (sheet, leaf criterion): self score, final council score and its reason — one query."""
    scores = Score.objects.filter(assessment=OuterRef("result_assessment_id"), criterion=OuterRef("pk"))
    own = scores.filter(stage=Stage.SELF)
    final = scores.filter(stage__in=COUNCIL_STAGES).order_by("-stage")  # "round2" sorts after "round1"
    objection = Objection.objects.filter(assessment=OuterRef("result_assessment_id"), criterion=OuterRef("pk"))
    rows = Criterion.objects.filter(framework__period=period).exclude(rule_type="")
    if not period.has_survey:
        rows = rows.exclude(rule_type=RuleType.SURVEY)
    if assessment_ids is not None:
        rows = rows.filter(framework__assessments__id__in=assessment_ids)
    return (
        rows.annotate(
            result_assessment_id=F("framework__assessments__id"),
            self_points=Subquery(own.values("points")[:1]),
            is_self_not_applicable=Coalesce(Subquery(own.values("is_not_applicable")[:1]), Value(False)),
            final_stage=Subquery(final.values("stage")[:1]),
            final_points=Subquery(final.values("points")[:1]),
            is_not_applicable=Coalesce(Subquery(final.values("is_not_applicable")[:1]), Value(False)),
            reason=Coalesce(Subquery(final.values("explanation")[:1]), Value(""), output_field=TextField()),
            objection_state=Subquery(objection.values("state")[:1]),
        )
        .exclude(result_assessment_id=None)
        .order_by("result_assessment_id", "position", "id")
    )
