"""Read the organisation workbook (worksheets “Khối” and “Đơn vị”); nothing is saved unless every row is right."""

from units.services import organisation_import
from units.workbooks.books import ORGANISATION
from units.workbooks.commands import BookImportCommand


class Command(BookImportCommand):
    help = "Nhập danh mục khối và đơn vị từ tệp Excel (.xlsx), tất cả hoặc không gì cả; chạy lại an toàn."
    book = ORGANISATION
    service = organisation_import
