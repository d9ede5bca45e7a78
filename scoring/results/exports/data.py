"""The published figures an export needs, read in a fixed number of queries."""

import dataclasses
import datetime
from collections.abc import Callable, Iterable
from itertools import groupby
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone

from scoring.models import ResultAreaRow, ResultCriterionRow, ResultPublication, ResultRow
from scoring.results.history import Comparison, year_over_year
from scoring.results.statistics import area_averages, block_statistics


@dataclasses.dataclass(frozen=True)
class Block:
    id: int
    code: str
    name: str
    rows: list[ResultRow]


@dataclasses.dataclass
class PublishedResults:
    """Rows carry `unit_code`, `block_code`, `change` (history.UnitChange or None), `area_list`, `criterion_list`."""

    publication: ResultPublication
    rows: list[ResultRow]
    comparison: Comparison
    generated_at: datetime.datetime
    statistics: dict = dataclasses.field(default_factory=dict)  # block id → statistics.BlockStatistics
    area_averages: dict = dataclasses.field(default_factory=dict)  # block id → [statistics.AreaAverage]

    @property
    def year(self) -> int:
        return self.publication.period.year

    @property
    def previous_year(self) -> int | None:
        return self.comparison.previous.period.year if self.comparison.previous else None

    @property
    def blocks(self) -> list[Block]:
        """Rows are stored block by block (ranked units first), so grouping keeps the published order."""
        return [
            Block(id=rows[0].block_id, code=rows[0].block_code, name=rows[0].block_name, rows=rows)
            for rows in (list(group) for _, group in groupby(self.rows, key=lambda row: row.block_id))
        ]


def code_key(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split(".") if part.isdigit())


def by_code[T](items: Iterable, value: Callable[[Any], T]) -> dict[str, T]:
    """The value of the first item of each code (an area, a criterion) across a block's rows, in code order
    (1.2 before 1.10): the columns of a block's tables."""
    found: dict[str, T] = {}
    for item in items:
        found.setdefault(item.code, value(item))
    return {code: found[code] for code in sorted(found, key=lambda code: (code_key(code), code))}


def _narrowed(query: QuerySet, block_code: str | None, unit_id: int | None) -> QuerySet:
    if block_code:
        query = query.filter(row__block__code=block_code)
    if unit_id is not None:
        query = query.filter(row__unit_id=unit_id)
    return query


def published_results(
    publication: ResultPublication,
    *,
    block_code: str | None = None,
    unit_id: int | None = None,
    with_areas: bool = False,
    with_criteria: bool = False,
    with_statistics: bool = False,
) -> PublishedResults:
    """Rows (one query), the previous published year (two), and on request areas and criteria (one each) and
    block statistics with area averages (two)."""
    rows_query = (
        ResultRow.objects.filter(publication=publication)
        .annotate(unit_code=F("unit__code"), block_code=F("block__code"))
        .order_by("position")
    )
    if block_code:
        rows_query = rows_query.filter(block__code=block_code)
    if unit_id is not None:
        rows_query = rows_query.filter(unit_id=unit_id)
    rows = list(rows_query)
    by_id = {row.pk: row for row in rows}
    for row in rows:
        row.area_list = []
        row.criterion_list = []
    if rows and with_areas:
        areas = ResultAreaRow.objects.filter(row__publication=publication).order_by("row_id", "position", "id")
        for area in _narrowed(areas, block_code, unit_id):
            by_id[area.row_id].area_list.append(area)
    if rows and with_criteria:
        criteria = ResultCriterionRow.objects.filter(row__publication=publication).order_by("row_id", "position", "id")
        for criterion in _narrowed(criteria, block_code, unit_id):
            by_id[criterion.row_id].criterion_list.append(criterion)
    comparison = year_over_year(publication, rows=rows)
    for row in rows:
        row.change = comparison.of(row.unit_id)
    results = PublishedResults(publication=publication, rows=rows, comparison=comparison, generated_at=timezone.now())
    if with_statistics and rows:
        if block_code or unit_id is not None:
            raise ValueError("Block statistics are taken over whole blocks.")
        results.statistics = {
            item.block_id: item for item in block_statistics(publication, rows=rows, comparison=comparison)
        }
        results.area_averages = area_averages(publication)
    return results
