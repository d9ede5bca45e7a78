"""Write the people workbook (the format `people_import` reads)."""

from units.workbooks.books import PEOPLE
from units.workbooks.commands import BookExportCommand


class Command(BookExportCommand):
    help = "Xuất người dùng và phân quyền ra tệp Excel (.xlsx)."
    book = PEOPLE
