"""Read a block's framework of one year from an .xlsx file; nothing is saved unless every row is right."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from scoring.frameworks.workbook import framework_for_import, framework_import
from scoring.management.commands.framework_export import add_target_arguments, resolve_period_and_block


class Command(BaseCommand):
    help = "Nhập bộ chỉ số của một khối trong một năm từ tệp Excel (.xlsx); tạo bộ chỉ số nếu chưa có."

    def add_arguments(self, parser: CommandParser) -> None:
        add_target_arguments(parser)
        parser.add_argument("file", type=Path, help="Tệp .xlsx (dòng 1 là tiêu đề cột).")

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        period, block = resolve_period_and_block(options)
        try:
            with transaction.atomic():  # a framework created here disappears again if the import fails
                framework = framework_for_import(actor=None, period=period, block=block)
                with path.open("rb") as file:
                    report = framework_import(actor=None, framework=framework, file=file)
        except ValidationError as error:
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError(f"Nhập không thành công: {len(error.messages)} lỗi, chưa lưu gì.") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nhập “{framework}”: {report.created} tiêu chí mới, cập nhật {report.updated} tiêu chí."
            )
        )
        if report.settings_changed:
            self.stdout.write(f"Cũng đã cập nhật: {', '.join(report.settings_changed)}.")
