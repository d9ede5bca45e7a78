"""The overview of a published year, per block: the headline figures, one plain sentence, and the data of its
pictures. Every figure is read from the frozen snapshot through scoring/results/statistics.py and history.py
(nothing is recomputed differently), in a fixed number of queries whatever the number of units:

publication rows (1), the previous year's publication and rows (2), this year's and the previous year's block
aggregates (2), area averages (1) and every unit's area rows for the heat table (1).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from scoring.models import ResultAreaRow, ResultPublication, ResultRow
from scoring.results.dashboard import charts
from scoring.results.exports.data import code_key
from scoring.results.history import Comparison, UnitChange, year_over_year
from scoring.results.published import publication_rows
from scoring.results.statistics import AreaAverage, BlockStatistics, area_averages, block_statistics
from scoring.templatetags.scoring_format import points as points_text
from scoring.text import localized_number


@dataclass(frozen=True)
class BandCount:
    label: str
    count: int


@dataclass(frozen=True)
class HeatCell:
    index: Decimal | None
    difference: Decimal | None  # index points from the block average
    colour: str
    kind: str  # "above", "below", "same"


@dataclass(frozen=True)
class HeatTable:
    columns: list[AreaAverage]  # the block's areas with their averages, in framework order
    lines: list[tuple[ResultRow, list[HeatCell]]]


@dataclass
class BlockOverview:
    statistics: BlockStatistics
    previous: BlockStatistics | None
    lines: list[tuple[ResultRow, UnitChange | None]]
    bands: list[BandCount]
    sentence: str = ""
    heat: HeatTable | None = None
    bars: charts.Picture | None = None
    dumbbell: charts.Picture | None = None

    @property
    def block_id(self) -> int:
        return self.statistics.block_id

    @property
    def block_name(self) -> str:
        return self.statistics.block_name

    @property
    def ranked(self) -> list[ResultRow]:
        return sorted((row for row, _ in self.lines if row.is_ranked), key=lambda row: (row.rank, row.position))

    @property
    def top(self) -> ResultRow | None:
        ranked = self.ranked
        return ranked[0] if ranked else None

    @property
    def bottom(self) -> ResultRow | None:
        ranked = self.ranked
        return ranked[-1] if len(ranked) > 1 else None

    @property
    def compared_count(self) -> int:
        return self.statistics.improved + self.statistics.declined + self.statistics.unchanged

    @property
    def average_index_change(self) -> Decimal | None:
        return _change(self.statistics.average_index, self.previous and self.previous.average_index)

    @property
    def median_index_change(self) -> Decimal | None:
        return _change(self.statistics.median_index, self.previous and self.previous.median_index)


@dataclass
class Overview:
    publication: ResultPublication
    previous: ResultPublication | None
    blocks: list[BlockOverview] = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.publication.period.year

    @property
    def previous_year(self) -> int | None:
        return self.previous.period.year if self.previous else None


def _change(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    return None if current is None or previous is None else current - previous


def band_counts(rows: list[ResultRow]) -> list[BandCount]:
    """Ranked units per published band, the highest band first (ordered by the best index that got it)."""
    counts: dict[str, int] = {}
    best: dict[str, Decimal] = {}
    for row in rows:
        if not row.is_ranked:
            continue
        label = row.band or "—"
        counts[label] = counts.get(label, 0) + 1
        best[label] = max(best.get(label, Decimal(-1)), row.index if row.index is not None else Decimal(-1))
    return [BandCount(label, counts[label]) for label in sorted(counts, key=lambda label: -best[label])]


def heat_table(
    rows: list[ResultRow], areas_of: dict[int, list[ResultAreaRow]], averages: list[AreaAverage]
) -> HeatTable:
    """Each unit's component index per area against the block average (from statistics.area_averages)."""
    columns = sorted(averages, key=lambda area: (code_key(area.code), area.code))
    lines = []
    for row in rows:
        index_of = {area.code: area.index for area in areas_of.get(row.pk, [])}
        cells = []
        for column in columns:
            index = index_of.get(column.code)
            difference = None if index is None or column.average_index is None else index - column.average_index
            colour, kind = charts.heat_level(difference)
            cells.append(HeatCell(index=index, difference=difference, colour=colour, kind=kind))
        lines.append((row, cells))
    return HeatTable(columns=columns, lines=lines)


def _index(value: Decimal | None) -> str:
    """An index as the pages print it: two decimals, the reader's decimal mark."""
    return localized_number(value, 2, empty="—")


def block_sentence(block: BlockOverview, *, previous_year: int | None) -> str:
    """One plain Vietnamese sentence (through gettext) that says what the block's figures say."""
    stats = block.statistics
    parts = []
    if block.average_index_change is not None:
        change = block.average_index_change
        if change > 0:
            trend = _("tăng %(change)s điểm %% so với năm %(year)s")
        elif change < 0:
            trend = _("giảm %(change)s điểm %% so với năm %(year)s")
        else:
            trend = _("bằng năm %(year)s")
        parts.append(
            _("%(block)s: chỉ số bình quân %(average)s%% (%(trend)s)")
            % {
                "block": stats.block_name,
                "average": _index(stats.average_index),
                "trend": trend % {"change": _index(abs(change)), "year": previous_year},
            }
        )
    else:
        parts.append(
            _("%(block)s: chỉ số bình quân %(average)s%%, trung vị %(median)s%%")
            % {"block": stats.block_name, "average": _index(stats.average_index), "median": _index(stats.median_index)}
        )
    compared = block.compared_count
    if compared:
        if stats.improved == compared:
            parts.append(_("cả %(count)s đơn vị đều tăng chỉ số") % {"count": compared})
        elif stats.declined == compared:
            parts.append(_("cả %(count)s đơn vị đều giảm chỉ số") % {"count": compared})
        else:
            parts.append(
                _("%(improved)s/%(count)s đơn vị tăng chỉ số, %(declined)s giảm")
                % {"improved": stats.improved, "count": compared, "declined": stats.declined}
            )
    sentence = "; ".join(parts) + "."
    if stats.gap_points is not None:
        values = {"previous": points_text(stats.previous_gap_points), "current": points_text(stats.gap_points)}
        if stats.gap_points_change is None:
            gap = _("Chênh lệch giữa đơn vị đứng đầu và đơn vị cuối bảng là %(current)s điểm.")
        elif stats.gap_points_change < 0:
            gap = _(
                "Chênh lệch giữa đơn vị đứng đầu và đơn vị cuối bảng thu hẹp từ %(previous)s xuống %(current)s điểm."
            )
        elif stats.gap_points_change > 0:
            gap = _(
                "Chênh lệch giữa đơn vị đứng đầu và đơn vị cuối bảng nới rộng từ %(previous)s lên %(current)s điểm."
            )
        else:
            gap = _("Chênh lệch giữa đơn vị đứng đầu và đơn vị cuối bảng giữ nguyên %(current)s điểm.")
        sentence += " " + gap % values
    if block.top is not None and block.bottom is not None:
        sentence += " " + _("Dẫn đầu: %(top)s (%(top_index)s%%); cuối bảng: %(bottom)s (%(bottom_index)s%%).") % {
            "top": block.top.unit_name,
            "top_index": _index(block.top.index),
            "bottom": block.bottom.unit_name,
            "bottom_index": _index(block.bottom.index),
        }
    return sentence


def publication_overview(publication: ResultPublication, *, with_pictures: bool = True) -> Overview:
    """The overview of every block of a publication (seven queries; five without the heat table's pictures)."""
    rows = list(publication_rows(publication))
    comparison = year_over_year(publication, rows=rows)
    statistics = block_statistics(publication, rows=rows, comparison=comparison)
    previous_statistics = _previous_statistics(comparison)
    averages = area_averages(publication) if with_pictures else {}
    areas_of: dict[int, list[ResultAreaRow]] = {}
    if with_pictures:
        for area in ResultAreaRow.objects.filter(row__publication=publication).order_by("row_id", "position"):
            areas_of.setdefault(area.row_id, []).append(area)
    by_block: dict[int, list[ResultRow]] = {}
    for row in rows:
        by_block.setdefault(row.block_id, []).append(row)
    overview = Overview(publication=publication, previous=comparison.previous)
    year, previous_year = publication.period.year, overview.previous_year
    for stats in statistics:
        block_rows = by_block[stats.block_id]
        block = BlockOverview(
            statistics=stats,
            previous=previous_statistics.get(stats.block_id),
            lines=[(row, comparison.of(row.unit_id)) for row in block_rows],
            bands=band_counts(block_rows),
        )
        block.sentence = block_sentence(block, previous_year=previous_year)
        if with_pictures:
            block.heat = heat_table(block_rows, areas_of, averages.get(stats.block_id, []))
            block.bars = bars_picture(block_rows, block_name=stats.block_name, year=year)
            if previous_year is not None:
                block.dumbbell = dumbbell_picture(
                    block.lines, block_name=stats.block_name, year=year, previous=previous_year
                )
        overview.blocks.append(block)
    return overview


def _previous_statistics(comparison: Comparison) -> dict[int, BlockStatistics]:
    """The previous year's block figures, as its own page shows them (one aggregate query: its rows are loaded)."""
    if comparison.previous is None:
        return {}
    alone = Comparison(publication=comparison.previous, previous=None)
    items = block_statistics(comparison.previous, rows=comparison.previous_rows, comparison=alone)
    return {item.block_id: item for item in items}


def bars_picture(
    rows: list[ResultRow], *, block_name: str, year: int, axis: charts.Axis | None = None
) -> charts.Picture:
    """The index bars of a block with their title and description (which say where the axis starts)."""
    picture = charts.index_bars(rows, title="", description="", axis=axis)
    axis = picture.axis
    values = {"block": block_name, "year": year, "low": points_text(axis.low), "high": points_text(axis.high)}
    if axis.starts_at_zero:
        title = _("Chỉ số CCHC năm %(year)s — %(block)s (trục từ 0 đến %(high)s%%)") % values
    else:
        title = _("Chỉ số CCHC năm %(year)s — %(block)s (trục bắt đầu từ %(low)s%%, không phải 0)") % values
    description = (
        _(
            "Thanh ngang: chỉ số (%%) của từng đơn vị theo thứ tự xếp hạng. Trục hoành chạy từ %(low)s%% đến "
            "%(high)s%% để thấy rõ khác biệt giữa các đơn vị; độ dài thanh không tỷ lệ với chỉ số tính từ 0. "
            "Số liệu đầy đủ ở bảng bên dưới."
        )
        % values
    )
    return charts.Picture(**{**picture.__dict__, "title": title, "description": description})


def dumbbell_picture(
    lines, *, block_name: str, year: int, previous: int, axis: charts.Axis | None = None
) -> charts.Picture:
    """Last year → this year per unit of a block, with its title and description."""
    picture = charts.dumbbell(lines, title="", description="", axis=axis)
    axis = picture.axis
    values = {
        "block": block_name,
        "year": year,
        "previous": previous,
        "low": points_text(axis.low),
        "high": points_text(axis.high),
    }
    title = _("Chỉ số năm %(previous)s → năm %(year)s — %(block)s") % values
    description = (
        _(
            "Mỗi đơn vị một dòng: chấm rỗng màu xám là chỉ số năm %(previous)s, chấm đặc màu đỏ là chỉ số năm "
            "%(year)s, đoạn nối là mức thay đổi. Trục hoành từ %(low)s%% đến %(high)s%%. Số liệu đầy đủ ở bảng "
            "bên dưới."
        )
        % values
    )
    return charts.Picture(**{**picture.__dict__, "title": title, "description": description})
