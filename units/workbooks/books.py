"""A workbook is several worksheets imported together, all or nothing, and written back in the same shape.

Reading goes through the one safe intake (evidence/workbooks.py); each worksheet becomes a tablib dataset
fed to its resource. The worksheets of a book are imported in order inside one transaction, so the units
worksheet sees the blocks saved from the blocks worksheet a moment before; any problem anywhere, or a dry
run, rolls the whole book back.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.results import Result, RowResult
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from evidence.workbooks import Limits, read_sheets
from scoring.frameworks.cells import problems_by_line, worksheet_dataset
from units.models import Authority, User
from units.workbooks.cells import Directory
from units.workbooks.people import PersonResource, RoleResource
from units.workbooks.resources import BlockResource, SheetResource, UnitResource

CHANGED_TYPES = (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE)


@dataclass(frozen=True)
class Book:
    """A kind of workbook: its worksheets in import order, the intake's limits, the file name it is saved as."""

    key: str
    what: Promise  # how the intake's messages name it ("danh mục đơn vị")
    sheets: tuple[type[SheetResource], ...]
    limits: Limits
    filename: str
    needs_authority: bool = False

    @property
    def titles(self) -> list[str]:
        return [sheet.title for sheet in self.sheets]


ORGANISATION = Book(
    key="organisation",
    what=gettext_lazy("danh mục khối và đơn vị"),
    sheets=(BlockResource, UnitResource),
    limits=Limits(max_rows=5000, max_columns=20),
    filename="danh-muc-don-vi.xlsx",
    needs_authority=True,
)
PEOPLE = Book(
    key="people",
    what=gettext_lazy("danh sách người dùng và phân quyền"),
    sheets=(PersonResource, RoleResource),
    limits=Limits(max_rows=20000, max_columns=20),
    filename="nguoi-dung-va-phan-quyen.xlsx",
)


@dataclass
class BookData:
    """An uploaded workbook's worksheets of this book, as datasets by title (header on line 1)."""

    book: Book
    datasets: dict[str, tablib.Dataset]

    def __len__(self) -> int:  # django-import-export's admin refuses an empty dataset
        return max(1, sum(len(dataset) for dataset in self.datasets.values()))


def read_book(file: BinaryIO | bytes, book: Book) -> BookData:
    """The book's worksheets, through the safe intake; a workbook with none of them is refused."""
    sheets = read_sheets(file, limits=book.limits, what=str(book.what), sheets=book.titles)
    if not sheets:
        raise ValidationError(
            _("Tệp không có trang tính nào tên %(titles)s; hãy dùng tệp mẫu xuất từ cổng.")
            % {"titles": ", ".join(f"“{title}”" for title in book.titles)},
            code="no_sheet",
        )
    return BookData(book=book, datasets={title: worksheet_dataset(rows) for title, rows in sheets.items()})


@dataclass
class SheetOutcome:
    """One worksheet's rows after the import (or its dry run)."""

    title: str
    result: Result

    @property
    def headers(self) -> list[str]:
        return self.result.diff_headers

    @property
    def changed_rows(self) -> list[RowResult]:
        return [row for row in self.result.rows if row.import_type in CHANGED_TYPES]

    @property
    def created(self) -> int:
        return self.result.totals[RowResult.IMPORT_TYPE_NEW]

    @property
    def updated(self) -> int:
        return self.result.totals[RowResult.IMPORT_TYPE_UPDATE]

    @property
    def unchanged(self) -> int:
        return self.result.totals[RowResult.IMPORT_TYPE_SKIP]


class BookResult(Result):
    """A workbook's import: each worksheet's outcome, and every problem as “Trang “…”, dòng N: …”.

    Shaped like django-import-export's Result so that its admin views can show the preview and confirm."""

    def __init__(
        self,
        *,
        book: Book,
        sheets: Sequence[SheetOutcome] = (),
        problems: Sequence[str] = (),
        created_people: Sequence[User] = (),
        dry_run: bool = False,
    ) -> None:
        super().__init__()
        self.book = book
        self.sheets = list(sheets)
        self.problems = list(problems)
        self.created_people = list(created_people)
        self.dry_run = dry_run
        for sheet in self.sheets:
            for import_type, count in sheet.result.totals.items():
                self.totals[import_type] += count
            self.total_rows += sheet.result.total_rows

    def has_errors(self) -> bool:
        return bool(self.problems)

    def has_validation_errors(self) -> bool:
        return False

    @property
    def is_saved(self) -> bool:
        return not self.dry_run and not self.problems

    @property
    def changed(self) -> int:
        """Rows created or updated (or that would be, in a dry run)."""
        return self.totals[RowResult.IMPORT_TYPE_NEW] + self.totals[RowResult.IMPORT_TYPE_UPDATE]

    def sheet(self, title: str) -> SheetOutcome | None:
        return next((sheet for sheet in self.sheets if sheet.title == title), None)

    def summary(self) -> str:
        """“Khối: 3 mới, 0 cập nhật, 0 không đổi; Đơn vị: …”."""
        return "; ".join(
            _("%(sheet)s: %(created)s mới, %(updated)s cập nhật, %(unchanged)s không đổi")
            % {"sheet": sheet.title, "created": sheet.created, "updated": sheet.updated, "unchanged": sheet.unchanged}
            for sheet in self.sheets
        )


def import_book(*, actor: User | None, book: Book, data: BookData, dry_run: bool = False) -> BookResult:
    """Import every worksheet of the book in one transaction; any problem, or a dry run, saves nothing."""
    with transaction.atomic():
        # The one authority, locked: two imports of the same book never interleave.
        authority = Authority.objects.select_for_update().order_by("pk").first()
        if book.needs_authority and authority is None:
            return BookResult(book=book, problems=[_no_authority()], dry_run=dry_run)
        directory = Directory(actor=actor, authority=authority)
        resources = [(sheet, sheet(directory=directory)) for sheet in book.sheets if sheet.title in data.datasets]
        problems = [
            _("Trang “%(sheet)s”: %(message)s") % {"sheet": sheet.title, "message": message}
            for sheet, resource in resources
            for message in resource.header_problems(data.datasets[sheet.title].headers)
        ]
        if problems:
            return BookResult(book=book, problems=problems, dry_run=dry_run)
        outcomes = []
        for sheet, resource in resources:
            result = resource.import_data(
                data.datasets[sheet.title],
                dry_run=False,  # the book's transaction, not the sheet's, decides what stays
                raise_errors=False,
                use_transactions=True,
                rollback_on_validation_errors=False,
            )
            outcomes.append(SheetOutcome(title=sheet.title, result=result))
            problems += _sheet_problems(sheet.title, resource, result)
        if not problems and not any(outcome.result.total_rows for outcome in outcomes):
            problems.append(_("Tệp không có dòng dữ liệu nào (từ dòng 2 trở đi)."))
        if problems or dry_run:
            transaction.set_rollback(True)
    return BookResult(
        book=book, sheets=outcomes, problems=problems, created_people=directory.created_people, dry_run=dry_run
    )


def _no_authority() -> str:
    return _(
        "Chưa khai báo cơ quan đánh giá. Hãy khai báo tên và cấp của cơ quan một lần (trang quản trị › "
        "Cơ quan đánh giá, hoặc lệnh manage.py authority_setup) rồi nhập lại."
    )


def _sheet_problems(title: str, resource: SheetResource, result: Result) -> list[str]:
    """Every problem of every row of one worksheet, in line order."""
    problems = [
        _("Trang “%(sheet)s”, dòng %(line)s: %(message)s") % {"sheet": title, "line": line, "message": message}
        for line, message in problems_by_line(resource, result)
    ]
    problems += [
        _("Trang “%(sheet)s”: %(message)s") % {"sheet": title, "message": error.error} for error in result.base_errors
    ]
    return problems


# ---------------------------------------------------------------------------------------------
# Writing


@dataclass
class SheetRows:
    title: str
    headers: list[str]
    rows: list[Sequence] = field(default_factory=list)


def export_book(book: Book) -> bytes:
    """Everything stored, in the book's shape, so that importing the file again changes nothing."""
    authority = Authority.objects.order_by("pk").first()
    directory = Directory(actor=None, authority=authority)
    with translation.override("vi"):  # the file's words (role names) are the portal's own language
        sheets = []
        for sheet in book.sheets:
            dataset = sheet(directory=directory).export()
            sheets.append(SheetRows(title=sheet.title, headers=list(dataset.headers), rows=list(dataset)))
    return write_workbook(sheets)


def write_workbook(sheets: Sequence[SheetRows]) -> bytes:
    """An .xlsx with one worksheet per entry: bold header on line 1, frozen, columns as wide as their text."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.title)
        worksheet.append(sheet.headers)
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        widths = [len(header) for header in sheet.headers]
        for row in sheet.rows:
            worksheet.append(list(row))
            widths = [max(width, len(str(value or ""))) for width, value in zip(widths, row, strict=False)]
        for index, width in enumerate(widths, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 60)
        worksheet.freeze_panes = "A2"
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()
