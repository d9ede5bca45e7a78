"""What the portal's Excel files share: text cells that never run as formulas, and cells read as people type them."""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.cell import Cell

from scoring.text import normalised_word, parse_decimal

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Text starting with one of these is a formula (or becomes one) in Excel, LibreOffice and CSV readers.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class HeaderColumn(Protocol):
    key: str
    header: str


def set_text(cell: Cell, text: str) -> Cell:
    """Write user data as plain text: a leading = + - @ must never become a formula in Excel."""
    cell.value = text
    if text.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
        cell.quotePrefix = True  # Excel's own apostrophe: shown as typed, stored as text
    return cell


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: object) -> str:
    """A cell as text, trimmed; a date Excel made of the text reads back as people wrote it (31/12/2024)."""
    if is_blank(value):
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def code_text(value: object) -> str | None:
    """A criterion's code as written (“1.10”); None when Excel turned it into a decimal number."""
    if isinstance(value, float):
        return None  # "1.10" retyped by hand became 1.1; guessing would score the wrong criterion
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return str(value).strip()


def cell_decimal(value: object) -> Decimal | str | None:
    """A Decimal when the cell holds a number (decimal comma accepted, a trailing % dropped); otherwise the text
    as typed, so the caller reports it with its own message."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        return parse_decimal(value)
    text = value.strip().removesuffix("%").strip()
    number = parse_decimal(text)
    return text if number is None else number


def header_positions(header: tuple[int, tuple] | None, columns: Iterable[HeaderColumn]) -> dict[str, int]:
    """Map each known column's key to its 0-based position, found by header text so moved columns still import."""
    if header is None or all(is_blank(value) for value in header[1]):
        raise ValidationError(_("Tệp không có dòng tiêu đề ở dòng 1."), code="empty")
    by_text = {normalised_word(value): position for position, value in enumerate(header[1]) if not is_blank(value)}
    return {
        column.key: by_text[normalised_word(column.header)]
        for column in columns
        if normalised_word(column.header) in by_text
    }
