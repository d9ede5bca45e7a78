"""What the four workbook commands share: read a file, run the import service, report like the admin does."""

from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from units.workbooks.books import Book, BookResult, export_book


class BookImportCommand(BaseCommand):
    book: Book
    service: Callable[..., BookResult]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Tệp .xlsx (dòng 1 của mỗi trang là tiêu đề cột).")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra và cho biết sẽ thay đổi gì.")

    def import_options(self, options: dict) -> dict:
        return {}

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        try:
            with path.open("rb") as file:
                result = type(self).service(
                    actor=None, file=file, dry_run=options["dry_run"], **self.import_options(options)
                )
        except ValidationError as error:
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError(f"Không đọc được tệp {path}.") from error
        if result.problems:
            for problem in result.problems:
                self.stderr.write(problem)
            raise CommandError(f"Nhập không thành công: {len(result.problems)} lỗi, chưa lưu gì.")
        if options["dry_run"]:
            self.stdout.write(f"Kiểm tra xong, không có lỗi (chưa lưu gì): {result.summary()}.")
            return
        self.stdout.write(self.style.SUCCESS(f"Đã nhập {self.book.what}: {result.summary()}."))
        if result.created_people:
            self.stdout.write(f"{len(result.created_people)} người mới: {self.activation_note(options)}")

    def activation_note(self, options: dict) -> str:
        return ""


class BookExportCommand(BaseCommand):
    book: Book

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, type=Path, help="Tệp .xlsx sẽ ghi ra.")

    def handle(self, *args, **options) -> None:
        options["output"].write_bytes(export_book(self.book))
        self.stdout.write(self.style.SUCCESS(f"Đã xuất {self.book.what} ra {options['output']}."))
