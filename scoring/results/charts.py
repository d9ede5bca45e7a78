"""Geometry of the published page's charts, as pure functions of the figures (the template only places it)."""

from decimal import Decimal

from scoring.models import ResultRow

LABEL_WIDTH, PLOT_WIDTH, BAR_HEIGHT, GAP, TOP = 250, 430, 16, 6, 22
LABEL_LENGTH = 36  # longer unit names are cut, with the full name kept for the tooltip


def bar_chart(rows: list[ResultRow], *, title: str) -> dict:
    """A horizontal bar chart of the index per unit (0–100 %), drawn as inline SVG by the template.

    Coordinates are plain strings (never localised into "12,5") so the template only places them; the table beside
    the chart stays the source of the figures.
    """
    bars = []
    for number, row in enumerate(rows):
        index = min(row.index or Decimal(0), Decimal(100))
        width = (index * PLOT_WIDTH / 100).quantize(Decimal("0.1"))
        y = TOP + number * (BAR_HEIGHT + GAP)
        bars.append(
            {
                "label": row.unit_name
                if len(row.unit_name) <= LABEL_LENGTH
                else row.unit_name[: LABEL_LENGTH - 1] + "…",
                "name": row.unit_name,
                "index": row.index,
                "is_ranked": row.is_ranked,
                "y": str(y),
                "text_y": str(y + BAR_HEIGHT - 4),
                "width": str(width),
                "value_x": str(LABEL_WIDTH + width + 4),
            }
        )
    height = TOP + len(rows) * (BAR_HEIGHT + GAP)
    return {
        "title": title,
        "bars": bars,
        "label_x": str(LABEL_WIDTH - 6),
        "bar_x": str(LABEL_WIDTH),
        "bar_height": str(BAR_HEIGHT),
        "width": str(LABEL_WIDTH + PLOT_WIDTH + 50),
        "height": str(height + 4),
        "axis_bottom": str(height),
        "ticks": [
            {"value": value, "x": str(LABEL_WIDTH + PLOT_WIDTH * value // 100)} for value in (0, 25, 50, 75, 100)
        ],
    }
