"""Live results, computed in the database from stored scores on every read.

Amounts are summed as whole hundredths of a point (every score has two decimals), and the index is
computed in whole hundredths of a percent by integer arithmetic with round-half-up, so neither SQLite's
floating point nor Python's floats can move a figure or split a tie.
"""

from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
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
    Score,
    Stage,
)
from scoring.selectors import area_code_of
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


def _summed(queryset: QuerySet, expression, *, key: str = "assessment"):
    """A correlated SUM as a scalar subquery (0 when there is nothing to sum)."""
    return Coalesce(
        Subquery(queryset.order_by().values(key).annotate(total=Sum(expression)).values("total")[:1]),
        ZERO,
    )


def _counted(queryset: QuerySet, *, key: str = "assessment"):
    return Coalesce(
        Subquery(queryset.order_by().values(key).annotate(total=Count("pk")).values("total")[:1]),
        ZERO,
    )


def final_scores() -> QuerySet[Score]:
    """The score that counts per criterion: round 2 where the council re-scored it, else round 1.

    The unit's own score never counts: a criterion the council did not score is worth 0.
    """
    # A join rather than a correlated NOT EXISTS: these scores are themselves nested in subqueries, and a
    # second level of correlation would be re-aliased wrongly when Django copies the expression.
    return Score.objects.annotate(
        round_two=FilteredRelation(
            "criterion__scores",
            condition=Q(criterion__scores__stage=Stage.ROUND_2, criterion__scores__assessment=F("assessment")),
        )
    ).filter(Q(stage=Stage.ROUND_2) | Q(stage=Stage.ROUND_1, round_two__isnull=True))


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


def unit_results(period: Period, *, ranking_method: str | None = None) -> QuerySet[Assessment]:
    """Every sheet of the period with its totals, index, band and rank inside its block — one query.

    Annotations (hundredths as integers, amounts as Decimal): criteria_points, bonus, penalty, points,
    max_points, adjusted_max, index (None when nothing applies), rank (None for units assessed but not
    ranked), band, head_name, unappraised_count, exclusion_reason.
    """
    method = ranking_method or results_config(period).ranking_method
    final = final_scores().filter(assessment=OuterRef("pk"))
    entries = AdjustmentEntry.objects.filter(assessment=OuterRef("pk"))
    capped_entry = cents(Least(F("points"), F("item__max_points")))
    exclusion = RankingExclusion.objects.filter(period=period, unit=OuterRef("unit"))
    heads = RoleAssignment.objects.filter(unit=OuterRef("unit"), role=Role.UNIT_HEAD).values("user__full_name")[:1]
    leaves = Criterion.objects.filter(framework=OuterRef("framework")).exclude(rule_type="")
    roots = Criterion.objects.filter(framework=OuterRef("framework"), parent__isnull=True)
    ranking = Rank() if method == ResultsConfig.RankingMethod.RANK else DenseRank()
    return (
        Assessment.objects.filter(period=period)
        .select_related("unit__block", "framework")
        .annotate(
            criteria_cents=_summed(final, cents(Coalesce(F("points"), Value(Decimal(0))))),
            not_applicable_cents=_summed(final.filter(is_not_applicable=True), cents(F("criterion__max_points"))),
            appraised_count=_counted(final),
            leaf_count=_counted(leaves, key="framework"),
            max_cents=_summed(roots, cents(F("max_points")), key="framework"),
            bonus_raw_cents=_summed(entries.filter(item__kind=AdjustmentItem.Kind.BONUS), capped_entry),
            penalty_raw_cents=_summed(entries.filter(item__kind=AdjustmentItem.Kind.PENALTY), capped_entry),
        )
        .annotate(
            bonus_cents=Least(F("bonus_raw_cents"), cents(F("framework__bonus_cap"))),
            penalty_cents=Least(F("penalty_raw_cents"), cents(F("framework__penalty_cap"))),
            adjusted_max_cents=F("max_cents") - F("not_applicable_cents"),
            unappraised_count=F("leaf_count") - F("appraised_count"),
            is_ranked=~Exists(exclusion),
            exclusion_reason=Coalesce(Subquery(exclusion.values("reason")[:1]), Value("")),
            head_name=Coalesce(Subquery(heads), Value("")),
        )
        .annotate(total_cents=Greatest(F("criteria_cents") + F("bonus_cents") - F("penalty_cents"), ZERO))
        .annotate(index_hundredths=index_hundredths("total_cents", "adjusted_max_cents"))
        .annotate(
            criteria_points=amount(F("criteria_cents")),
            bonus=amount(F("bonus_cents")),
            penalty=amount(F("penalty_cents")),
            points=amount(F("total_cents")),
            max_points=amount(F("max_cents")),
            adjusted_max=amount(F("adjusted_max_cents")),
            index=amount(F("index_hundredths")),
            band=_band_label(period.pk),
            # Units not ranked get their own partition, so they never take a rank from a ranked unit.
            rank_in_partition=Window(
                ranking,
                partition_by=[F("unit__block_id"), F("is_ranked")],
                order_by=F("index_hundredths").desc(nulls_last=True),
            ),
        )
        .order_by("unit__block__position", "unit__block_id", "-is_ranked", "rank_in_partition", "unit__position")
    )


def rank_of(row: Assessment) -> int | None:
    return row.rank_in_partition if row.is_ranked else None


def area_results(period: Period, *, assessment_ids: list[int] | None = None) -> QuerySet[Criterion]:
    """One row per (sheet, area): area points, adjusted area maximum and component index — one query.

    Each row is an area criterion annotated with result_assessment_id; not-applicable criteria lower
    the area's maximum exactly as they lower the unit's.
    """
    final = (
        final_scores()
        .filter(assessment=OuterRef("result_assessment_id"))
        .annotate(area=area_code_of("criterion__code"))
        .filter(area=OuterRef("code"))
    )
    rows = Criterion.objects.filter(framework__period=period, parent__isnull=True).annotate(
        result_assessment_id=F("framework__assessments__id"),
        result_unit_id=F("framework__assessments__unit_id"),
    )
    if assessment_ids is not None:
        rows = rows.filter(framework__assessments__id__in=assessment_ids)
    return (
        rows.exclude(result_assessment_id=None)
        .annotate(
            points_cents=_summed(final, cents(Coalesce(F("points"), Value(Decimal(0))))),
            not_applicable_cents=_summed(final.filter(is_not_applicable=True), cents(F("criterion__max_points"))),
        )
        .annotate(adjusted_max_cents=cents(F("max_points")) - F("not_applicable_cents"))
        .annotate(index_hundredths=index_hundredths("points_cents", "adjusted_max_cents"))
        .annotate(
            points=amount(F("points_cents")),
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
