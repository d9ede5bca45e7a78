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
