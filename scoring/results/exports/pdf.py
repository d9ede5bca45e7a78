"""The annex PDF of the publication decision, and a one-unit scorecard (WeasyPrint)."""

import dataclasses
from decimal import Decimal

from django.template.loader import render_to_string

from scoring.results.exports.data import Block, PublishedResults, code_key

PDF_CONTENT_TYPE = "application/pdf"


@dataclasses.dataclass
class AreaTable:
    """Component index of every area for every unit of a block, with the block average per area."""

    columns: list[tuple[str, str]]
    lines: list[tuple[object, list[Decimal | None]]]
    averages: list  # statistics.AreaAverage or None, per column


def area_table(block: Block, averages: list) -> AreaTable:
    """`averages` are the block's statistics.AreaAverage (over ranked units, like the published page)."""
    titles: dict[str, str] = {}
    for row in block.rows:
        for area in row.area_list:
            titles.setdefault(area.code, area.title)
    codes = sorted(titles, key=lambda code: (code_key(code), code))
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


PICTURE_ROWS = 30  # units per printed chart: an SVG drawing does not break across pages


def block_pictures(block: Block, *, year: int, previous_year: int | None) -> list[tuple]:
    """The overview's pictures of a block for print: (dumbbell or None, bars) per page of PICTURE_ROWS units, every
    page on the same axis."""
    from scoring.results.dashboard import charts
    from scoring.results.dashboard.selectors import bars_picture, dumbbell_picture

    lines = [(row, row.change) for row in block.rows]
    bars_axis = charts.index_axis(row.index for row in block.rows)
    dumbbell_axis = charts.dumbbell_axis(lines)
    pages = []
    for start in range(0, len(lines), PICTURE_ROWS):
        chunk = lines[start : start + PICTURE_ROWS]
        dumbbell = None
        if previous_year is not None:
            dumbbell = dumbbell_picture(
                chunk, block_name=block.name, year=year, previous=previous_year, axis=dumbbell_axis
            )
        bars = bars_picture([row for row, _change in chunk], block_name=block.name, year=year, axis=bars_axis)
        pages.append((dumbbell, bars))
    return pages


def _pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango costs time every process pays otherwise

    return HTML(string=html).write_pdf()


def annex_html(results: PublishedResults) -> str:
    blocks = [
        {
            "block": block,
            "areas": area_table(block, results.area_averages.get(block.id, [])),
            "statistics": results.statistics.get(block.id),
            "pictures": block_pictures(block, year=results.year, previous_year=results.previous_year),
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
