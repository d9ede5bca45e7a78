"""Write a block's framework of one year to an .xlsx file (the format `framework_import` reads)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scoring.frameworks.workbook import framework_export
from scoring.models import Framework, Period
from units.models import Block
from units.selectors import the_authority


def add_target_arguments(parser: CommandParser) -> None:
    parser.add_argument("--year", type=int, required=True, help="Năm đánh giá, ví dụ 2023.")
    parser.add_argument("--block", required=True, help="Mã khối (Block.code), ví dụ phuong.")


def resolve_period_and_block(options: dict) -> tuple[Period, Block]:
    authority = the_authority()
    if authority is None:
        raise CommandError("Chưa khai báo cơ quan đánh giá (manage.py authority_setup).")
    block = Block.objects.filter(authority=authority, code=options["block"]).first()
    if block is None:
        raise CommandError(f"{authority} không có khối mã “{options['block']}”.")
    period = Period.objects.filter(authority=authority, year=options["year"]).first()
    if period is None:
        raise CommandError(f"{authority} chưa có kỳ đánh giá năm {options['year']}.")
    return period, block


class Command(BaseCommand):
    help = "Xuất bộ chỉ số của một khối trong một năm ra tệp Excel (.xlsx)."

    def add_arguments(self, parser: CommandParser) -> None:
        add_target_arguments(parser)
        parser.add_argument("-o", "--output", required=True, type=Path, help="Tệp .xlsx sẽ ghi ra.")

    def handle(self, *args, **options) -> None:
        period, block = resolve_period_and_block(options)
        framework = Framework.objects.select_related("period", "block").filter(period=period, block=block).first()
        if framework is None:
            raise CommandError(f"Khối “{block}” chưa có bộ chỉ số năm {period.year}.")
        options["output"].write_bytes(framework_export(framework=framework))
        self.stdout.write(self.style.SUCCESS(f"Đã xuất “{framework}” ra {options['output']}."))
