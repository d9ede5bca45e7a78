"""Geometry of the server-rendered SVG pictures (the templates only place what is computed here).

Coordinates are plain strings with a dot (never localised into "12,5"); the figures printed beside the marks are
left as Decimals for the template to format in the reader's language. Every picture is laid out for a narrow
screen first: a unit's name sits on its own line above its marks, so a 400-unit-wide drawing stays legible when
it is shrunk to a 390-pixel phone.

The index axis starts near the data, not at 0 (bars that all reach 95 % of a 0–100 axis look the same); the
picture then says so in its title and marks the cut with a break on the axis line.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

WIDTH = 400
LEFT = 8
RIGHT = 52  # room for the value written after the last mark
TOP = 26  # tick labels
ROW = 32  # one unit: its name, then its marks
TICK_STEPS = (Decimal("0.5"), Decimal(1), Decimal(2), Decimal(5), Decimal(10), Decimal(20), Decimal(25))
HUNDRED = Decimal(100)


def _number(value: Decimal | float | int) -> str:
    """A coordinate as SVG wants it: a dot, at most one decimal."""
    return f"{Decimal(value).quantize(Decimal('0.1')):f}"


@dataclass(frozen=True)
class Axis:
    """An index axis from `low` to `high` (percent) mapped onto the x range [left, right]."""

    low: Decimal
    high: Decimal
    step: Decimal
    left: int = LEFT
    right: int = WIDTH - RIGHT

    @property
    def starts_at_zero(self) -> bool:
        return self.low == 0

    def x(self, value: Decimal) -> Decimal:
        value = min(max(value, self.low), self.high)
        return self.left + (value - self.low) * (self.right - self.left) / (self.high - self.low)

    @property
    def ticks(self) -> list[dict]:
        ticks, value = [], self.low
        while value <= self.high:
            ticks.append({"value": value, "x": _number(self.x(value))})
            value += self.step
        return ticks


def index_axis(values: Iterable[Decimal | None], *, left: int = LEFT, right: int = WIDTH - RIGHT) -> Axis:
    """An axis that starts a little below the lowest index and ends a little above the highest (within 0–100),
    on round ticks, with four to eight ticks."""
    present = [value for value in values if value is not None]
    if not present:
        return Axis(Decimal(0), HUNDRED, Decimal(25), left, right)
    lowest, highest = min(present), max(present)
    spread = max(highest - lowest, Decimal(1))
    for step in TICK_STEPS:
        low = max(Decimal(0), ((lowest - spread / 10) / step).to_integral_value(ROUND_FLOOR) * step)
        high = min(HUNDRED, ((highest + spread / 20) / step).to_integral_value(ROUND_CEILING) * step)
        if high <= low:
            high = min(HUNDRED, low + step)
        if (high - low) / step <= 7:
            return Axis(low, high, step, left, right)
    return Axis(Decimal(0), HUNDRED, Decimal(25), left, right)


@dataclass(frozen=True)
class Mark:
    """One unit's line of a picture."""

    name: str
    label_y: str
    y: str
    value: Decimal | None
    x: str = ""
    previous: Decimal | None = None
    previous_x: str = ""
    value_x: str = ""
    direction: str = ""  # "up", "down", "same", or "" (nothing to compare)
    is_ranked: bool = True
    rank: int | None = None


@dataclass(frozen=True)
class Picture:
    """What a template needs to draw one chart: size, axis, one mark per unit, and the words around it."""

    title: str
    description: str
    width: str
    height: str
    axis: Axis
    axis_y: str
    axis_bottom: str
    marks: list[Mark] = field(default_factory=list)
    break_path: str = ""  # the zigzag drawn on the axis line where it does not start at 0


def _frame(count: int) -> tuple[int, int]:
    bottom = TOP + count * ROW
    return bottom, bottom + 6


def _break(axis: Axis, bottom: int) -> str:
    if axis.starts_at_zero:
        return ""
    x = axis.left
    return f"M{x - 4} {bottom - 10} l4 -4 l4 4 M{x - 4} {bottom - 4} l4 -4 l4 4"


def index_bars(rows: Sequence, *, title: str, description: str, axis: Axis | None = None) -> Picture:
    """Horizontal bars of each unit's index (rows: published ResultRow, in ranking order) on an axis that starts
    near the lowest index (or on `axis`, shared by the pages of a long block in print)."""
    axis = axis or index_axis(row.index for row in rows)
    marks = []
    for number, row in enumerate(rows):
        x = axis.x(row.index) if row.index is not None else Decimal(axis.left)
        marks.append(
            _unit_mark(
                row,
                number,
                middle=15,
                x=_number(x - axis.left),  # the bar's width
                value_x=_number(x + 4),
            )
        )
    return _picture(marks, axis, title=title, description=description)


def _unit_mark(row: Any, number: int, *, middle: int, **drawing: Any) -> Mark:
    """The mark of the unit on the number-th line: its name and rank from the row, its shape at `middle` pixels
    below the line's top."""
    top = TOP + number * ROW
    return Mark(
        name=row.unit_name,
        label_y=str(top + 11),
        y=str(top + middle),
        value=row.index,
        is_ranked=row.is_ranked,
        rank=row.rank,
        **drawing,
    )


def _picture(marks: list[Mark], axis: Axis, *, title: str, description: str) -> Picture:
    """The frame around one mark per unit: its height, the axis above, the break when the axis starts above 0."""
    bottom, height = _frame(len(marks))
    return Picture(
        title=title,
        description=description,
        width=str(WIDTH),
        height=str(height),
        axis=axis,
        axis_y=str(TOP - 12),
        axis_bottom=str(bottom),
        marks=marks,
        break_path=_break(axis, bottom),
    )


def dumbbell_axis(lines: Sequence[tuple]) -> Axis:
    return index_axis(
        [row.index for row, _change in lines] + [change.previous_index for _row, change in lines if change]
    )


def dumbbell(lines: Sequence[tuple], *, title: str, description: str, axis: Axis | None = None) -> Picture:
    """Last year → this year per unit: `lines` are (row, change) pairs (history.UnitChange or None); a unit new
    this year has only this year's dot."""
    axis = axis or dumbbell_axis(lines)
    marks = []
    for number, (row, change) in enumerate(lines):
        previous = change.previous_index if change and not change.is_new else None
        x = axis.x(row.index) if row.index is not None else None
        previous_x = axis.x(previous) if previous is not None else None
        rightmost = max(value for value in (x, previous_x, Decimal(axis.left)) if value is not None)
        marks.append(
            _unit_mark(
                row,
                number,
                middle=21,
                x=_number(x) if x is not None else "",
                previous=previous,
                previous_x=_number(previous_x) if previous_x is not None else "",
                value_x=_number(rightmost + 8),
                direction=change.direction if change and not change.is_new else "",
            )
        )
    return _picture(marks, axis, title=title, description=description)


@dataclass(frozen=True)
class YearPoint:
    year: int
    index: Decimal | None
    rank: int | None
    x: str
    y: str
    label_y: str


@dataclass(frozen=True)
class YearsPicture:
    title: str
    description: str
    width: str
    height: str
    low: Decimal
    high: Decimal
    ticks: list[dict]
    points: list[YearPoint]
    path: str
    plot_left: str
    plot_right: str
    plot_bottom: str
    starts_at_zero: bool


def index_over_years(entries: Sequence, *, title: str, description: str) -> YearsPicture:
    """A unit's index in each published year (history.HistoryEntry, oldest first) as a line with labelled dots;
    the vertical axis starts near the data like the bars."""
    width, height, left, right, top, bottom = 400, 200, 40, 384, 24, 170
    axis = index_axis((entry.index for entry in entries), left=0, right=bottom - top)

    def y_of(value: Decimal) -> Decimal:
        return Decimal(bottom) - axis.x(value)  # the axis is laid out upwards from the bottom

    count = len(entries)
    points = []
    for number, entry in enumerate(entries):
        x = Decimal(left + 24) + (Decimal(right - left - 48) * number / (count - 1) if count > 1 else 0)
        if count == 1:
            x = Decimal(left + right) / 2
        y = y_of(entry.index) if entry.index is not None else Decimal(bottom)
        points.append(
            YearPoint(
                year=entry.year,
                index=entry.index,
                rank=entry.rank if entry.is_ranked else None,
                x=_number(x),
                y=_number(y),
                label_y=_number(y - 9),
            )
        )
    path = " ".join(
        f"{'M' if number == 0 else 'L'}{point.x} {point.y}"
        for number, point in enumerate(point for point in points if point.index is not None)
    )
    ticks = [{"value": tick["value"], "y": _number(y_of(tick["value"]))} for tick in axis.ticks]
    return YearsPicture(
        title=title,
        description=description,
        width=str(width),
        height=str(height + 10),
        low=axis.low,
        high=axis.high,
        ticks=ticks,
        points=points,
        path=path,
        plot_left=str(left),
        plot_right=str(right),
        plot_bottom=str(bottom),
        starts_at_zero=axis.starts_at_zero,
    )


# ---------------------------------------------------------------------------------------------
# Heat table: component index of each area for each unit, coloured by its distance from the block average

# Light tints only, so the dark figure printed in each cell keeps a contrast above 4.5:1.
ABOVE = ("#e3effa", "#c6dcf2", "#a9c9ea")
BELOW = ("#fdebd9", "#fbd3ae", "#f8bb84")
LEVEL_BOUNDS = (Decimal(2), Decimal(5))  # index points from the average: small, medium, large


def heat_level(difference: Decimal | None) -> tuple[str, str]:
    """(css colour, kind) for a cell `difference` index points from the block average."""
    if difference is None or difference == 0:
        return "", "same"
    size = abs(difference)
    level = 0 if size < LEVEL_BOUNDS[0] else 1 if size < LEVEL_BOUNDS[1] else 2
    return (ABOVE if difference > 0 else BELOW)[level], "above" if difference > 0 else "below"
