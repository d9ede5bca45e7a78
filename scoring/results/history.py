"""Year-over-year reads of published snapshots: a year against the previous one, a unit over the years, and the
heads' accountability table.

Every figure comes from the latest published version of each period (or from the version asked for), never from
live scores. A year is compared with the most recent earlier published year of the same authority; units are
matched by unit id, or, for a unit created by a reorganisation, by the unit it continues (the predecessor the
secretary named, recorded in the published row); a rank is only compared inside the same block (block id).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from scoring.models import ResultPublication, ResultRow


@dataclass(frozen=True)
class UnitChange:
    """How one unit moved since the previous published year; `is_new` when it was not published then ("mới")."""

    unit_id: int
    is_new: bool
    previous_year: int | None = None
    previous_points: Decimal | None = None
    previous_adjusted_max: Decimal | None = None
    previous_index: Decimal | None = None
    previous_rank: int | None = None
    points_change: Decimal | None = None
    index_change: Decimal | None = None
    rank_change: int | None = None  # positive: moved up (rank 5 → 3 is +2); None when new, unranked or block changed
    previous_unit_name: str = ""  # the unit compared with, when it is the predecessor this unit continues

    @property
    def rank_steps(self) -> int | None:
        """How many places the unit moved, up or down."""
        return None if self.rank_change is None else abs(self.rank_change)

    @property
    def direction(self) -> str:
        """ "up", "down" or "same" by the index (what the ranking uses); "" when there is nothing to compare."""
        if self.index_change is None:
            return ""
        return "up" if self.index_change > 0 else "down" if self.index_change < 0 else "same"


@dataclass(frozen=True)
class Comparison:
    """A publication next to the previous year's latest publication of the same authority."""

    publication: ResultPublication
    previous: ResultPublication | None
    changes: dict[int, UnitChange] = field(default_factory=dict)  # by unit id; empty when there is no previous year
    previous_rows: list[ResultRow] = field(default_factory=list)

    def of(self, unit_id: int) -> UnitChange | None:
        return self.changes.get(unit_id)


@dataclass(frozen=True)
class HistoryEntry:
    """A unit's published figures for one year, with the change from the unit's previous published year."""

    year: int
    publication_id: int
    version: int
    unit_id: int  # the unit itself, or (in its earlier years) the unit it continues
    block_id: int
    block_name: str
    unit_name: str
    head_name: str
    points: Decimal
    adjusted_max: Decimal
    index: Decimal | None
    rank: int | None
    is_ranked: bool
    band: str
    change: UnitChange


@dataclass(frozen=True)
class HeadsRow:
    """One unit of the publication: its entry per year of `HeadsTable.years` (None where it was not published)."""

    unit_id: int
    unit_name: str
    block_id: int
    block_name: str
    entries: list[HistoryEntry | None]

    @property
    def current(self) -> HistoryEntry | None:
        return self.entries[-1] if self.entries else None


@dataclass(frozen=True)
class HeadsTable:
    years: list[int]
    rows: list[HeadsRow]


def latest_publications(authority_id: int) -> QuerySet[ResultPublication]:
    """The latest published version of every period of the authority, oldest year first."""
    newer = ResultPublication.objects.filter(period=OuterRef("period"), version__gt=OuterRef("version"))
    return (
        ResultPublication.objects.filter(period__authority_id=authority_id)
        .exclude(Exists(newer))
        .select_related("period")
        .order_by("period__year")
    )


def previous_publication(publication: ResultPublication) -> ResultPublication | None:
    """The latest version of the most recent earlier published year of the same authority (one query)."""
    period = publication.period
    return (
        latest_publications(period.authority_id).filter(period__year__lt=period.year).order_by("-period__year").first()
    )


def unit_change(row: ResultRow, previous: ResultRow | None, *, previous_year: int | None = None) -> UnitChange:
    """The change of one unit between two published rows; a missing previous row makes the unit new."""
    if previous is None:
        return UnitChange(unit_id=row.unit_id, is_new=True)
    is_comparable_rank = (
        row.block_id == previous.block_id
        and row.is_ranked
        and previous.is_ranked
        and None not in (row.rank, previous.rank)
    )
    return UnitChange(
        unit_id=row.unit_id,
        is_new=False,
        previous_unit_name=previous.unit_name if previous.unit_id != row.unit_id else "",
        previous_year=previous_year,
        previous_points=previous.points,
        previous_adjusted_max=previous.adjusted_max,
        previous_index=previous.index,
        previous_rank=previous.rank,
        points_change=row.points - previous.points,
        index_change=None if row.index is None or previous.index is None else row.index - previous.index,
        rank_change=previous.rank - row.rank if is_comparable_rank else None,
    )


def year_over_year(publication: ResultPublication, *, rows: Iterable[ResultRow] | None = None) -> Comparison:
    """Each unit of the publication against the previous published year (two queries, three without `rows`)."""
    previous = previous_publication(publication)
    if previous is None:
        return Comparison(publication=publication, previous=None)
    if rows is None:
        rows = ResultRow.objects.filter(publication=publication).order_by("position")
    previous_rows = list(ResultRow.objects.filter(publication=previous).order_by("position"))
    by_unit = {row.unit_id: row for row in previous_rows}
    year = previous.period.year
    changes = {row.unit_id: unit_change(row, _previous_of(row, by_unit), previous_year=year) for row in rows}
    return Comparison(publication=publication, previous=previous, changes=changes, previous_rows=previous_rows)


def _previous_of(row: ResultRow, previous_rows: dict[int, ResultRow]) -> ResultRow | None:
    """The unit's own previous row, else that of the unit it continues (unless that one was published too)."""
    found = previous_rows.get(row.unit_id)
    if found is None and row.predecessor_id is not None:
        found = previous_rows.get(row.predecessor_id)
    return found


def _entries(rows: Iterable[ResultRow]) -> dict[int, list[HistoryEntry]]:
    """Rows (from `_rows_over_years`, oldest year first) as history entries per unit.

    A unit is new in a year when an earlier year was published without it; in the authority's first published
    year nothing is compared.
    """
    entries: dict[int, list[HistoryEntry]] = {}
    previous_of: dict[int, ResultRow] = {}
    for row in rows:
        period = row.publication.period
        previous = _previous_of(row, previous_of)
        if previous is None and period.year == row.first_published_year:
            change = UnitChange(unit_id=row.unit_id, is_new=False)
        else:
            change = unit_change(row, previous, previous_year=previous.publication.period.year if previous else None)
        entries.setdefault(row.unit_id, []).append(
            HistoryEntry(
                year=period.year,
                publication_id=row.publication_id,
                version=row.publication.version,
                unit_id=row.unit_id,
                block_id=row.block_id,
                block_name=row.block_name,
                unit_name=row.unit_name,
                head_name=row.head_name,
                points=row.points,
                adjusted_max=row.adjusted_max,
                index=row.index,
                rank=row.rank,
                is_ranked=row.is_ranked,
                band=row.band,
                change=change,
            )
        )
        previous_of[row.unit_id] = row
    return entries


def _rows_over_years(publication: ResultPublication, unit_filter: Q) -> QuerySet[ResultRow]:
    """Rows of this publication and of the latest versions of the authority's earlier years."""
    period = publication.period
    earlier = latest_publications(period.authority_id).filter(period__year__lt=period.year)
    first_year = ResultPublication.objects.filter(period__authority_id=period.authority_id).order_by("period__year")
    return (
        ResultRow.objects.filter(unit_filter)
        .filter(Q(publication=publication) | Q(publication__in=earlier.values("pk")))
        .select_related("publication__period")
        .annotate(first_published_year=Subquery(first_year.values("period__year")[:1]))
        .order_by("publication__period__year", "position")
    )


def unit_history(publication: ResultPublication, unit_id: int) -> list[HistoryEntry]:
    """One unit over every published year up to the publication's year, oldest first (one query).

    The first entry is marked new; later ones carry the change from the unit's previous published year — or from
    the unit it continues, whose earlier years then lead the list (under that unit's name).
    """
    continued = ResultRow.objects.filter(unit_id=unit_id, predecessor__isnull=False).values("predecessor_id")
    rows = list(_rows_over_years(publication, Q(unit_id=unit_id) | Q(unit_id__in=continued)))
    own_years = {row.publication.period.year for row in rows if row.unit_id == unit_id}
    first_own = min(own_years, default=None)
    lineage = [
        row
        for row in rows
        if row.unit_id == unit_id or (first_own is not None and row.publication.period.year < first_own)
    ]
    return sorted((entry for entries in _entries(lineage).values() for entry in entries), key=lambda e: e.year)


def heads_accountability(publication: ResultPublication) -> HeadsTable:
    """Every unit of the publication with its head, index, rank and change in each published year (one query).

    The head is the one recorded at that year's publication, so a change of head shows year by year.
    """
    rows = list(
        _rows_over_years(publication, Q(unit__in=ResultRow.objects.filter(publication=publication).values("unit")))
    )
    years = sorted({row.publication.period.year for row in rows})
    entries = _entries(rows)
    current = [row for row in rows if row.publication_id == publication.pk]
    table = []
    for row in current:
        by_year = {entry.year: entry for entry in entries[row.unit_id]}
        table.append(
            HeadsRow(
                unit_id=row.unit_id,
                unit_name=row.unit_name,
                block_id=row.block_id,
                block_name=row.block_name,
                entries=[by_year.get(year) for year in years],
            )
        )
    return HeadsTable(years=years, rows=table)
