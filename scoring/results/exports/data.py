"""The published figures an export needs, read in a fixed number of queries."""

import dataclasses
import datetime
from decimal import Decimal
from itertools import groupby

from django.db.models import F, QuerySet, Subquery
from django.utils import timezone

from scoring.models import ResultAreaRow, ResultCriterionRow, ResultPublication, ResultRow


@dataclasses.dataclass(frozen=True)
class Previous:
    """A unit's figures in the latest publication of the year before."""

    rank: int | None
    points: Decimal
    index: Decimal | None


@dataclasses.dataclass(frozen=True)
class Block:
    code: str
    name: str
    rows: list[ResultRow]


@dataclasses.dataclass
class PublishedResults:
    publication: ResultPublication
    rows: list[ResultRow]
    previous: dict[int, Previous]
    generated_at: datetime.datetime

    @property
    def year(self) -> int:
        return self.publication.period.year

    @property
    def has_previous(self) -> bool:
        return bool(self.previous)

    @property
    def blocks(self) -> list[Block]:
        """Rows are stored block by block (ranked units first), so grouping keeps the published order."""
        return [
            Block(code=rows[0].block_code, name=rows[0].block_name, rows=rows)
            for rows in (list(group) for _, group in groupby(self.rows, key=lambda row: row.block_id))
        ]


def code_key(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split(".") if part.isdigit())


def change(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    if current is None or previous is None:
        return None
    return current - previous


def rank_change(current: int | None, previous: int | None) -> int | None:
    """Places gained: positive when the unit moved up (from 5th to 3rd is +2)."""
    if current is None or previous is None:
        return None
    return previous - current


def previous_year(publication: ResultPublication) -> dict[int, Previous]:
    """The latest publication of the year before, per unit — one query (empty when there is none)."""
    latest = (
        ResultPublication.objects.filter(
            period__authority_id=publication.period.authority_id, period__year=publication.period.year - 1
        )
        .order_by("-version")
        .values("pk")[:1]
    )
    rows = ResultRow.objects.filter(publication=Subquery(latest)).values_list("unit_id", "rank", "points", "index")
    return {unit_id: Previous(rank=rank, points=points, index=index) for unit_id, rank, points, index in rows}


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
) -> PublishedResults:
    """Rows (one query), year-before figures (one), and optionally areas and criteria (one each).

    Areas and criteria are attached to each row as `area_list` and `criterion_list`.
    """
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
        areas = _narrowed(areas, block_code, unit_id)
        for area in areas:
            by_id[area.row_id].area_list.append(area)
    if rows and with_criteria:
        criteria = ResultCriterionRow.objects.filter(row__publication=publication).order_by("row_id", "position", "id")
        criteria = _narrowed(criteria, block_code, unit_id)
        for criterion in criteria:
            by_id[criterion.row_id].criterion_list.append(criterion)
    previous = previous_year(publication)
    for row in rows:
        before = previous.get(row.unit_id)
        row.previous = before
        row.change_points = change(row.points, before.points) if before else None
        row.change_index = change(row.index, before.index) if before else None
        row.change_rank = rank_change(row.rank, before.rank) if before else None
    return PublishedResults(publication=publication, rows=rows, previous=previous, generated_at=timezone.now())
