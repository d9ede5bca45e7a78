"""Read the people workbook (worksheets “Người dùng” and “Phân quyền”); new people get an activation e-mail."""

from django.core.management.base import CommandParser

from units.services import people_import
from units.workbooks.books import PEOPLE
from units.workbooks.commands import BookImportCommand


class Command(BookImportCommand):
    help = (
        "Nhập người dùng và phân quyền từ tệp Excel (.xlsx), tất cả hoặc không gì cả; người mới nhận thư kích hoạt "
        "để tự đặt mật khẩu."
    )
    book = PEOPLE
    service = people_import

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-activation", action="store_true", help="Không gửi thư kích hoạt (gửi sau từ trang quản trị)."
        )

    def import_options(self, options: dict) -> dict:
        return {"send_activation": not options["no_activation"]}

    def activation_note(self, options: dict) -> str:
        if options["no_activation"]:
            return "chưa gửi thư kích hoạt (gửi từ trang quản trị › Người dùng › “Gửi (lại) thư kích hoạt”)."
        return "đã gửi thư kích hoạt để tự đặt mật khẩu."
