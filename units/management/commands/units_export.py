"""Write the organisation workbook (the format `units_import` reads)."""

from units.workbooks.books import ORGANISATION
from units.workbooks.commands import BookExportCommand


class Command(BookExportCommand):
    help = "Xuất danh mục khối và đơn vị ra tệp Excel (.xlsx)."
    book = ORGANISATION
