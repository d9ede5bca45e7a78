"""The annex PDF of the publication decision, and a one-unit scorecard (WeasyPrint)."""

import dataclasses
from decimal import Decimal

from django.template.loader import render_to_string

from scoring.results.exports.data import Block, PublishedResults, by_code

PDF_CONTENT_TYPE = "application/pdf"


@dataclasses.dataclass
class AreaTable:
    """Component index of every area for every unit of a block, with the block average per area."""

    columns: list[tuple[str, str]]
    lines: list[tuple[object, list[Decimal | None]]]
    averages: list  # statistics.AreaAverage or None, per column


def area_table(block: Block, averages: list) -> AreaTable:
    """`averages` are the block's statistics.AreaAverage (over ranked units, like the published page)."""
    titles = by_code((area for row in block.rows for area in row.area_list), lambda area: area.title)
    codes = list(titles)
    lines = []
    for row in block.rows:
        index_of = {area.code: area.index for area in row.area_list}
        lines.append((row, [index_of.get(code) for code in codes]))
    average_of = {area.code: area for area in averages}
    return AreaTable(
        columns=[(code, titles[code]) for code in codes],
        lines=lines,
        averages=[average_of.get(code) for code in codes],
    )


@dataclasses.dataclass(frozen=True)
class PrintedLine:
    """One unit's line of the printed chart: positions are percents of a track (strings with a dot)."""

    row: object
    previous: Decimal | None
    direction: str
    dot: str  # this year's dot on the dumbbell track
    previous_dot: str
    segment_left: str
    segment_width: str
    bar: str  # the bar's length on the bars track


def _percent(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.1')):f}"


def printed_chart(block: Block, *, previous_year: int | None) -> dict:
    """The overview's two pictures of a block for print, drawn with boxes rather than SVG (a PDF of 200 units draws
    it in a fraction of the time): last year → this year and the index bars, each on an axis that starts near the
    data (dashboard.charts.index_axis), one table row per unit so a long block breaks across pages."""
    from scoring.results.dashboard import charts

    lines = [(row, row.change) for row in block.rows]
    bars_axis = charts.index_axis(row.index for row in block.rows)
    dumbbell_axis = charts.dumbbell_axis(lines)

    def position(axis: charts.Axis, value: Decimal | None) -> Decimal | None:
        if value is None:
            return None
        value = min(max(value, axis.low), axis.high)
        return (value - axis.low) * 100 / (axis.high - axis.low)

    printed = []
    for row, change in lines:
        previous = change.previous_index if change and not change.is_new and previous_year else None
        dot, previous_dot = position(dumbbell_axis, row.index), position(dumbbell_axis, previous)
        ends = [value for value in (dot, previous_dot) if value is not None]
        printed.append(
            PrintedLine(
                row=row,
                previous=previous,
                direction=change.direction if previous is not None else "",
                dot=_percent(dot) if dot is not None else "",
                previous_dot=_percent(previous_dot) if previous_dot is not None else "",
                segment_left=_percent(min(ends)) if len(ends) == 2 else "",
                segment_width=_percent(max(ends) - min(ends)) if len(ends) == 2 else "",
                bar=_percent(position(bars_axis, row.index) or Decimal(0)),
            )
        )
    return {
        "lines": printed,
        "bars_axis": bars_axis,
        "dumbbell_axis": dumbbell_axis,
        "has_previous": previous_year is not None,
    }


def _pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango costs time every process pays otherwise

    return HTML(string=html).write_pdf()


def annex_html(results: PublishedResults, *, signature: dict | None = None) -> str:
    """`signature` (scoring/signing/documents.py) adds the verification section with the signature's slot."""
    blocks = [
        {
            "block": block,
            "areas": area_table(block, results.area_averages.get(block.id, [])),
            "statistics": results.statistics.get(block.id),
            "chart": printed_chart(block, previous_year=results.previous_year),
        }
        for block in results.blocks
    ]
    return render_to_string(
        "scoring/results/pdf/annex.html",
        {
            "results": results,
            "publication": results.publication,
            "period": results.publication.period,
            "blocks": blocks,
            "signature": signature,
        },
    )


def year_pdf(publication) -> bytes:
    """The whole year's annex of one publication (direct download and background build alike)."""
    from scoring.results.exports.data import published_results

    return annex_pdf(published_results(publication, with_areas=True, with_statistics=True))


def annex_pdf(results: PublishedResults) -> bytes:
    return _pdf(annex_html(results))


def scorecard_html(results: PublishedResults, row, *, block_size: int) -> str:
    areas = {area.code: area for area in row.area_list}
    sections: list[dict] = []
    for criterion in row.criterion_list:
        area_code = criterion.code.split(".")[0]
        if not sections or sections[-1]["code"] != area_code:
            sections.append({"code": area_code, "area": areas.get(area_code), "criteria": []})
        sections[-1]["criteria"].append(criterion)
    return render_to_string(
        "scoring/results/pdf/scorecard.html",
        {
            "results": results,
            "publication": results.publication,
            "period": results.publication.period,
            "row": row,
            "block_size": block_size,
            "sections": sections,
            "not_applicable_count": sum(1 for criterion in row.criterion_list if criterion.is_not_applicable),
        },
    )


def scorecard_pdf(results: PublishedResults, row, *, block_size: int) -> bytes:
    return _pdf(scorecard_html(results, row, block_size=block_size))
