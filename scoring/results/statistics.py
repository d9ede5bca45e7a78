"""Block and area statistics of a published snapshot, compared with the previous published year.

Statistics are taken over the ranked units of each block (a unit assessed but not ranked is listed, not
counted). Averages are summed in the database as whole hundredths (exact) and divided here with round-half-up
to two decimals; the median and the neighbour spreads come from the ordered per-unit values (a few hundred at
most). Between neighbours the spread is the absolute difference of consecutive units in ranking order.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Max, Min, Sum

from scoring.models import ResultAreaRow, ResultPublication, ResultRow
from scoring.results.compute import cents
from scoring.results.history import Comparison, UnitChange, year_over_year

HUNDREDTH = Decimal("0.01")


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def _average(total_cents: int | None, count: int) -> Decimal | None:
    if not count or total_cents is None:
        return None
    return _quantize(Decimal(total_cents) / count / 100)


def median(values: list[Decimal]) -> Decimal | None:
    """The middle value; the mean of the two middle values (rounded half up to 0.01) for an even count."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return _quantize((ordered[middle - 1] + ordered[middle]) / 2)


@dataclass(frozen=True)
class Spread:
    """Differences between neighbouring ranked units: smallest, largest and average (None with fewer than two)."""

    minimum: Decimal | None = None
    maximum: Decimal | None = None
    average: Decimal | None = None

    @classmethod
    def of(cls, values: list[Decimal]) -> "Spread":
        differences = [abs(first - second) for first, second in zip(values, values[1:], strict=False)]
        if not differences:
            return cls()
        return cls(min(differences), max(differences), _quantize(sum(differences) / len(differences)))


@dataclass(frozen=True)
class MostImproved:
    unit_id: int
    unit_name: str
    change: UnitChange


@dataclass(frozen=True)
class BlockStatistics:
    """A block's figures for one publication; changes are None when there is no previous published year."""

    block_id: int
    block_name: str
    count: int  # every unit listed in the block
    ranked_count: int  # the units the statistics are taken over
    average_points: Decimal | None
    average_index: Decimal | None
    median_points: Decimal | None
    median_index: Decimal | None
    highest_points: Decimal | None
    highest_index: Decimal | None
    lowest_points: Decimal | None
    lowest_index: Decimal | None
    gap_points: Decimal | None  # first ranked unit's points minus the last ranked unit's
    gap_index: Decimal | None
    previous_gap_points: Decimal | None
    previous_gap_index: Decimal | None
    neighbour_points: Spread
    neighbour_index: Spread
    improved: int  # by index, units ranked this year and published last year
    declined: int
    unchanged: int
    new_count: int  # ranked this year, not published last year
    most_improved: MostImproved | None
    previous_year: int | None

    @property
    def gap_points_change(self) -> Decimal | None:
        if self.gap_points is None or self.previous_gap_points is None:
            return None
        return self.gap_points - self.previous_gap_points

    @property
    def gap_index_change(self) -> Decimal | None:
        if self.gap_index is None or self.previous_gap_index is None:
            return None
        return self.gap_index - self.previous_gap_index


@dataclass(frozen=True)
class AreaAverage:
    """An area's average component index across a block's ranked units."""

    code: str
    title: str
    position: int
    count: int
    average_index: Decimal | None
    average_points: Decimal | None
    is_strongest: bool = False
    is_weakest: bool = False


@dataclass(frozen=True)
class AreaComparison:
    """One unit's area against the block average (difference in index points)."""

    code: str
    title: str
    points: Decimal
    adjusted_max: Decimal
    index: Decimal | None
    block_average: Decimal | None
    difference: Decimal | None
    is_not_applicable: bool = field(default=False)


def _ranked(rows: Iterable[ResultRow]) -> list[ResultRow]:
    return sorted((row for row in rows if row.is_ranked), key=lambda row: (row.rank or 0, row.position))


def _gap(ranked: list[ResultRow]) -> tuple[Decimal | None, Decimal | None]:
    """First minus last ranked unit, in points and in index."""
    if len(ranked) < 2:
        return None, None
    first, last = ranked[0], ranked[-1]
    index_gap = None if first.index is None or last.index is None else first.index - last.index
    return first.points - last.points, index_gap


def block_statistics(
    publication: ResultPublication,
    *,
    rows: list[ResultRow] | None = None,
    comparison: Comparison | None = None,
) -> list[BlockStatistics]:
    """Statistics of every block in publication order: one aggregate query, plus one for the rows and two for
    the previous year when they are not passed in."""
    if rows is None:
        rows = list(ResultRow.objects.filter(publication=publication).order_by("position"))
    if comparison is None:
        comparison = year_over_year(publication, rows=rows)
    aggregates = {
        item["block_id"]: item
        for item in ResultRow.objects.filter(publication=publication, is_ranked=True)
        .order_by()
        .values("block_id")
        .annotate(
            ranked=Count("pk"),
            indexed=Count("index"),
            points_cents=Sum(cents(F("points"))),
            index_cents=Sum(cents(F("index"))),
            highest_points=Max("points"),
            lowest_points=Min("points"),
            highest_index=Max("index"),
            lowest_index=Min("index"),
        )
    }
    blocks: dict[int, list[ResultRow]] = {}
    for row in rows:
        blocks.setdefault(row.block_id, []).append(row)
    previous_blocks: dict[int, list[ResultRow]] = {}
    for row in comparison.previous_rows:
        previous_blocks.setdefault(row.block_id, []).append(row)
    previous_year = comparison.previous.period.year if comparison.previous else None

    result = []
    for block_id, block_rows in blocks.items():
        ranked = _ranked(block_rows)
        aggregate = aggregates.get(block_id, {})
        points = [row.points for row in ranked]
        indices = [row.index for row in ranked if row.index is not None]
        gap_points, gap_index = _gap(ranked)
        previous_gap_points, previous_gap_index = (
            _gap(_ranked(previous_blocks[block_id])) if block_id in previous_blocks else (None, None)
        )
        changes = [(row, comparison.of(row.unit_id)) for row in ranked]
        compared = [(row, change) for row, change in changes if change and change.index_change is not None]
        best = max(compared, key=lambda pair: pair[1].index_change, default=None)  # first in ranking on a tie
        result.append(
            BlockStatistics(
                block_id=block_id,
                block_name=block_rows[0].block_name,
                count=len(block_rows),
                ranked_count=len(ranked),
                average_points=_average(aggregate.get("points_cents"), aggregate.get("ranked", 0)),
                average_index=_average(aggregate.get("index_cents"), aggregate.get("indexed", 0)),
                median_points=median(points),
                median_index=median(indices),
                highest_points=aggregate.get("highest_points"),
                highest_index=aggregate.get("highest_index"),
                lowest_points=aggregate.get("lowest_points"),
                lowest_index=aggregate.get("lowest_index"),
                gap_points=gap_points,
                gap_index=gap_index,
                previous_gap_points=previous_gap_points,
                previous_gap_index=previous_gap_index,
                neighbour_points=Spread.of(points),
                neighbour_index=Spread.of(indices),
                improved=sum(1 for _row, change in compared if change.index_change > 0),
                declined=sum(1 for _row, change in compared if change.index_change < 0),
                unchanged=sum(1 for _row, change in compared if change.index_change == 0),
                new_count=sum(1 for _row, change in changes if change and change.is_new),
                most_improved=(
                    MostImproved(unit_id=best[0].unit_id, unit_name=best[0].unit_name, change=best[1])
                    if best and best[1].index_change > 0
                    else None
                ),
                previous_year=previous_year,
            )
        )
    return result


def area_averages(publication: ResultPublication, *, block_id: int | None = None) -> dict[int, list[AreaAverage]]:
    """Per block, each area's average component index over the ranked units, strongest and weakest marked
    (one query). An area that does not apply to a unit (no index) is left out of that area's average."""
    rows = ResultAreaRow.objects.filter(row__publication=publication, row__is_ranked=True, index__isnull=False)
    if block_id is not None:
        rows = rows.filter(row__block_id=block_id)
    grouped = (
        rows.order_by()
        .values("row__block_id", "code")
        .annotate(
            title=Min("title"),
            first_position=Min("position"),
            count=Count("pk"),
            index_cents=Sum(cents(F("index"))),
            points_cents=Sum(cents(F("points"))),
        )
    )
    blocks: dict[int, list[AreaAverage]] = {}
    for item in grouped:
        blocks.setdefault(item["row__block_id"], []).append(
            AreaAverage(
                code=item["code"],
                title=item["title"],
                position=item["first_position"],
                count=item["count"],
                average_index=_average(item["index_cents"], item["count"]),
                average_points=_average(item["points_cents"], item["count"]),
            )
        )
    for key, areas in blocks.items():
        areas.sort(key=lambda area: (area.position, area.code))
        values = [area.average_index for area in areas if area.average_index is not None]
        if len(set(values)) < 2:
            continue
        highest, lowest = max(values), min(values)
        blocks[key] = [
            AreaAverage(
                **{
                    **area.__dict__,
                    "is_strongest": area.average_index == highest,
                    "is_weakest": area.average_index == lowest,
                }
            )
            for area in areas
        ]
    return blocks


def unit_area_comparison(row: ResultRow, averages: list[AreaAverage]) -> list[AreaComparison]:
    """A unit's areas (its prefetched `areas`) next to the block averages from `area_averages`."""
    average_of = {area.code: area.average_index for area in averages}
    comparisons = []
    for area in row.areas.all():
        block_average = average_of.get(area.code)
        comparisons.append(
            AreaComparison(
                code=area.code,
                title=area.title,
                points=area.points,
                adjusted_max=area.adjusted_max,
                index=area.index,
                block_average=block_average,
                difference=None if area.index is None or block_average is None else area.index - block_average,
                is_not_applicable=area.adjusted_max == 0,
            )
        )
    return comparisons
