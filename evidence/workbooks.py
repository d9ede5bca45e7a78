"""The one intake for uploaded Excel workbooks: every import (sheet, survey, framework, units and people) reads
through here, so a hostile file is refused the same way, early and cheaply, whichever page it reaches.

Order of the checks, cheapest first, and nothing is parsed before the archive has passed:
1. size of the upload, and the signature (an old .xls or an encrypted workbook is an OLE file, not a zip);
2. the zip directory: number of members, total unpacked size, compression ratio of each member, macro parts;
3. every XML member's prolog: no DTD and no entity declarations (Excel never writes them; they are how
   "billion laughs" and external-entity attacks start), in UTF-8 or UTF-16 alike (evidence files of the
   Office and OpenDocument kinds go through the same check, `xml_prolog`);
4. each worksheet's declared dimension (`<dimension ref="A1:XFD1"/>`) against the row, column and cell caps;
5. streaming, read-only parsing (openpyxl), still counting rows, columns and cells as they come.
Each refusal is a ValidationError whose Vietnamese message names the limit that was passed.
"""

import enum
import io
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

XLSX_SIGNATURE = b"PK\x03\x04"
XLS_SIGNATURE = b"\xd0\xcf\x11\xe0"  # OLE: Excel 97–2003, or any password-protected workbook
MEGABYTE = 1024 * 1024
MACRO_MARKERS = ("vbaproject.bin", "vbadata.xml", "activex", "macrosheets/")
# How far into an XML member its prolog (declaration, comments, DOCTYPE) may run before the root element.
PROLOG_BYTES = 64 * 1024
# Members that office programs parse as XML, by name (OOXML parts and relationships, VML, ODF's RDF metadata).
XML_SUFFIXES = (".xml", ".rels", ".vml", ".rdf")
DECLARED_ENCODING = re.compile(rb"^<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([^\"']*)[\"']", re.IGNORECASE)
# Encodings in which "<!DOCTYPE" is the same ASCII bytes (UTF-16/32 once their NUL bytes are dropped). Office Open
# XML and OpenDocument are UTF-8 or UTF-16; anything else (UTF-7, EBCDIC…) could spell a declaration unseen.
READABLE_ENCODINGS = frozenset(
    {"utf-8", "utf8", "utf-16", "utf-16le", "utf-16be", "utf-32", "us-ascii", "ascii", "iso-8859-1", "latin1"}
)


@dataclass(frozen=True)
class Limits:
    """What one kind of import may hold; the defaults suit every workbook the portal itself writes."""

    max_rows: int
    max_columns: int = 40
    max_bytes: int = 5 * MEGABYTE
    max_unpacked_bytes: int = 25 * MEGABYTE
    max_members: int = 200
    max_ratio: int = 100  # unpacked / packed, per member larger than RATIO_FLOOR

    @property
    def max_cells(self) -> int:
        return self.max_rows * self.max_columns


RATIO_FLOOR = MEGABYTE  # small members compress well (repeated XML tags) and cost nothing to read


Row = tuple[int, tuple]  # (Excel line, cell values)


def read_rows(
    file: BinaryIO | bytes, *, limits: Limits, what: str, sheet: str | None = None, percent_as_typed: bool = True
) -> list[Row]:
    """(Excel line, values) of the named worksheet, else the first, after every check above."""
    book = _open(file, limits=limits, what=what)
    try:
        title = sheet if sheet in book.sheetnames else book.sheetnames[0]
        return _rows(book[title], title, limits=limits, what=what, percent_as_typed=percent_as_typed)
    finally:
        book.close()


def read_sheets(
    file: BinaryIO | bytes, *, limits: Limits, what: str, sheets: Iterable[str] | None = None
) -> dict[str, list[Row]]:
    """Rows of several worksheets by title (all of them when `sheets` is None; missing titles are left out).
    The caps hold per worksheet, and the cell cap for the whole workbook."""
    book = _open(file, limits=limits, what=what)
    try:
        wanted = book.sheetnames if sheets is None else [title for title in sheets if title in book.sheetnames]
        found: dict[str, list[Row]] = {}
        cells = 0
        for title in wanted:
            found[title] = _rows(book[title], title, limits=limits, what=what, percent_as_typed=True, start=cells)
            cells += sum(len(values) for _line, values in found[title])
        return found
    finally:
        book.close()


def check_archive(content: bytes, *, limits: Limits, what: str) -> None:
    """Steps 1–3 alone, without parsing any cell (evidence files share step 3 through `xml_prolog`)."""
    if len(content) > limits.max_bytes:
        raise ValidationError(
            _("Tệp lớn hơn %(limit)s MB; %(what)s không cần tệp lớn như vậy.")
            % {"limit": limits.max_bytes // MEGABYTE, "what": what},
            code="too_large",
        )
    if content.startswith(XLS_SIGNATURE):
        raise ValidationError(
            _(
                "Tệp .xls (Excel 97–2003) hoặc tệp Excel có đặt mật khẩu không được hỗ trợ; "
                "hãy bỏ mật khẩu và lưu lại dưới dạng Excel Workbook (.xlsx)."
            ),
            code="old_excel",
        )
    if not content.startswith(XLSX_SIGNATURE):
        raise _not_excel()
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            _check_members(members, limits)
            for member in members:
                if member.filename.lower().endswith(XML_SUFFIXES):
                    _check_prolog(archive, member)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
        raise _not_excel() from error


def _open(file: BinaryIO | bytes, *, limits: Limits, what: str):
    content = file if isinstance(file, bytes) else file.read(limits.max_bytes + 1)
    check_archive(content, limits=limits, what=what)
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds of errors on damaged or foreign zip files
        raise _not_excel() from error


def _check_members(members: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(members) > limits.max_members:
        raise ValidationError(
            _("Tệp có %(count)s thành phần bên trong, nhiều hơn giới hạn %(limit)s của một bảng tính thông thường.")
            % {"count": len(members), "limit": limits.max_members},
            code="too_many_members",
        )
    if any(marker in member.filename.lower() for member in members for marker in MACRO_MARKERS):
        raise ValidationError(
            _(
                "Tệp có chứa macro (VBA). Vì an toàn, cổng không nhận tệp có macro; "
                "hãy lưu lại dưới dạng Excel Workbook (.xlsx) không có macro rồi tải lên."
            ),
            code="macro",
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > limits.max_unpacked_bytes:
        raise ValidationError(
            _("Nội dung tệp sau khi giải nén lớn hơn %(limit)s MB; hãy dùng tệp xuất từ cổng.")
            % {"limit": limits.max_unpacked_bytes // MEGABYTE},
            code="too_large",
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR and ratio > limits.max_ratio:
            raise ValidationError(
                _(
                    "Tệp có một phần nén bất thường (giải nén ra gấp %(ratio)s lần, giới hạn %(limit)s lần); "
                    "vì an toàn, cổng không mở tệp này."
                )
                % {"ratio": int(ratio), "limit": limits.max_ratio},
                code="zip_bomb",
            )


def _check_prolog(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    prolog = xml_prolog(archive, member)
    if prolog is Prolog.DECLARES_DTD:
        raise ValidationError(
            _(
                "Tệp chứa khai báo DTD hoặc thực thể XML (<!DOCTYPE>, <!ENTITY>), điều Excel không bao giờ tạo ra; "
                "vì an toàn, cổng không mở tệp này."
            ),
            code="xml_declaration",
        )
    if prolog is Prolog.UNREADABLE:
        raise _not_excel()


class Prolog(enum.Enum):
    """What stands before the root element of one XML member."""

    CLEAN = "clean"
    DECLARES_DTD = "declares_dtd"  # a DOCTYPE or ENTITY declaration: refuse
    UNREADABLE = "unreadable"  # no root element in the first PROLOG_BYTES, or an encoding we cannot read it in


def xml_prolog(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> Prolog:
    """Look for a DOCTYPE or ENTITY declaration before the root element (the only place XML allows one),
    reading at most PROLOG_BYTES of the member; the caller has already checked the archive's sizes."""
    with archive.open(member) as stream:
        head = stream.read(PROLOG_BYTES)
    text = _ascii_view(head)
    if text is None:
        return Prolog.UNREADABLE
    declares = _declares_before_root(text)
    if declares:
        return Prolog.DECLARES_DTD
    if declares is None and len(head) == PROLOG_BYTES:
        return Prolog.UNREADABLE
    return Prolog.CLEAN


def _ascii_view(head: bytes) -> bytes | None:
    """The member's start with its markup as plain ASCII bytes, whatever Unicode encoding it is written in.

    UTF-16 and UTF-32 write each ASCII character beside NUL bytes, which a byte search would miss (an XML parser
    reads them, and expands the entities); dropping the NULs and the byte-order mark lines the markup up again.
    None when the text does not start as XML in a Unicode encoding: a parser could read it some other way."""
    text = head.replace(b"\0", b"")
    for mark in (b"\xef\xbb\xbf", b"\xfe\xff", b"\xff\xfe"):
        text = text.removeprefix(mark)
    text = text.lstrip(b" \t\r\n")
    if not text:
        return text
    if not text.startswith(b"<"):
        return None
    encoding = DECLARED_ENCODING.match(text)
    if encoding and encoding.group(1).decode("ascii", "replace").lower() not in READABLE_ENCODINGS:
        return None
    return text


def _declares_before_root(text: bytes) -> bool | None:
    """Walk the prolog markup by markup: True at a declaration (`<!` that opens no comment: DOCTYPE or ENTITY),
    False at the root element, None when the text ends first. Comments and processing instructions are skipped
    whole, since either may hold a `<` that is not markup (`<?x <a?>` must not pass for the root)."""
    position = 0
    while (start := text.find(b"<", position)) != -1:
        if text.startswith(b"<!--", start):
            end, width = text.find(b"-->", start + 4), 3
        elif text.startswith(b"<?", start):
            end, width = text.find(b"?>", start + 2), 2
        else:
            return text.startswith(b"<!", start)
        if end == -1:
            return None
        position = end + width
    return None


def _rows(worksheet, title: str, *, limits: Limits, what: str, percent_as_typed: bool, start: int = 0) -> list[Row]:
    _check_dimension(worksheet, title, limits=limits, what=what)
    rows: list[Row] = []
    cells = start
    for line, row in enumerate(worksheet.iter_rows(max_row=limits.max_rows + 1), start=1):
        if line > limits.max_rows:
            raise _too_many_rows(limits, what)
        values = tuple(_value(cell, percent_as_typed) for cell in row)
        while values and values[-1] is None:  # trailing empty cells, from a wide declared dimension
            values = values[:-1]
        if len(values) > limits.max_columns:
            raise _too_many_columns(title, len(values), limits, what)
        cells += len(values)
        if cells > limits.max_cells:
            raise _too_many_cells(title, limits, what)
        rows.append((line, values))
    return rows


def _check_dimension(worksheet, title: str, *, limits: Limits, what: str) -> None:
    """The worksheet's own claim of its used range (`<dimension ref=…>`), read before any cell is parsed.

    openpyxl pads every row to the declared width, so a claim of column XFD would cost 16,384 cells a row;
    a worksheet without a claim is held to the same caps row by row in _rows."""
    columns, rows = worksheet.max_column or 0, worksheet.max_row or 0
    if columns > limits.max_columns:
        raise _too_many_columns(title, columns, limits, what)
    if rows > limits.max_rows:
        raise _too_many_rows(limits, what)


def _value(cell, percent_as_typed: bool):
    """The cell's value; a number shown as a percentage (Excel stores 92% as 0.92) comes back as typed: 92."""
    value = getattr(cell, "value", None)
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if percent_as_typed and is_number and "%" in (getattr(cell, "number_format", None) or ""):
        return Decimal(repr(value)) * 100
    return value


def _not_excel() -> ValidationError:
    return ValidationError(
        _("Tệp không phải bảng tính Excel (.xlsx) đọc được; hãy dùng tệp xuất từ cổng hoặc lưu lại dưới dạng .xlsx."),
        code="not_xlsx",
    )


def _too_many_rows(limits: Limits, what: str) -> ValidationError:
    return ValidationError(
        _("Tệp có hơn %(count)s dòng; %(what)s không dài như vậy.") % {"count": limits.max_rows, "what": what},
        code="too_many_rows",
    )


def _too_many_columns(title: str, columns: int, limits: Limits, what: str) -> ValidationError:
    return ValidationError(
        _(
            "Trang tính “%(sheet)s” dùng đến cột %(column)s (%(count)s cột); %(what)s chỉ có tối đa %(limit)s cột. "
            "Hãy xóa các cột thừa rồi lưu lại."
        )
        % {
            "sheet": title,
            "column": get_column_letter(min(columns, 16384)),
            "count": columns,
            "what": what,
            "limit": limits.max_columns,
        },
        code="too_many_columns",
    )


def _too_many_cells(title: str, limits: Limits, what: str) -> ValidationError:
    return ValidationError(
        _("Trang tính “%(sheet)s” có hơn %(limit)s ô; %(what)s không lớn như vậy.")
        % {"sheet": title, "limit": limits.max_cells, "what": what},
        code="too_many_cells",
    )
