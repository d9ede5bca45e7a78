"""What the portal's Excel files share: text cells that never run as formulas, and cells read as people type them."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from scoring.text import normalised_word, parse_decimal

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Text starting with one of these is a formula (or becomes one) in Excel, LibreOffice and CSV readers.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def xlsx_download(content: bytes, filename: str) -> HttpResponse:
    """A workbook the browser saves under `filename` (any text: non-ASCII names travel as RFC 6266 asks)."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")


@dataclass(frozen=True)
class Column:
    """A column of a workbook the portal writes and reads back: found by its header text, whatever its place."""

    key: str
    header: str
    width: int
    is_input: bool = False  # filled in by people (a sheet's scores)
    is_required: bool = False  # an import refuses a file without it


def write_header(sheet: Worksheet, columns: Iterable[Column]) -> None:
    """Line 1: each column's header, white on dark blue, and the column's width."""
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(1, index, column.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.column_dimensions[get_column_letter(index)].width = column.width


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


def header_positions(header: tuple[int, tuple] | None, columns: Sequence[Column]) -> dict[str, int]:
    """Map each known column's key to its 0-based position, found by header text so moved columns still import;
    a file without a required column is refused, each missing one named."""
    if header is None or all(is_blank(value) for value in header[1]):
        raise ValidationError(_("Tệp không có dòng tiêu đề ở dòng 1."), code="empty")
    by_text = {normalised_word(value): position for position, value in enumerate(header[1]) if not is_blank(value)}
    positions = {
        column.key: by_text[normalised_word(column.header)]
        for column in columns
        if normalised_word(column.header) in by_text
    }
    missing = [column.header for column in columns if column.is_required and column.key not in positions]
    if missing:
        raise ValidationError(
            [_("Dòng 1: Thiếu cột “%(column)s”.") % {"column": name} for name in missing], code="bad_headers"
        )
    return positions


def row_cells(values: Sequence, positions: dict[str, int]) -> dict[str, object]:
    """A row's cells by column, None where the row stops short (a reader leaves trailing blank cells out)."""
    return {key: (values[position] if position < len(values) else None) for key, position in positions.items()}
