"""Write a block's framework of one year to an .xlsx file (the format `framework_import` reads)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scoring.frameworks.workbook import framework_export
from scoring.models import Framework, Period
from units.models import Authority, Block


def add_target_arguments(parser: CommandParser) -> None:
    parser.add_argument("--year", type=int, required=True, help="Năm đánh giá, ví dụ 2023.")
    parser.add_argument("--block", required=True, help="Mã khối (Block.code), ví dụ phuong.")
    parser.add_argument("--authority", help="Tên cơ quan đánh giá; bỏ qua nếu hệ thống chỉ có một cơ quan.")


def resolve_authority(name: str | None) -> Authority:
    if name:
        authority = Authority.objects.filter(name=name).first()
        if authority is None:
            raise CommandError(f"Không có cơ quan đánh giá “{name}”.")
        return authority
    authorities = list(Authority.objects.order_by("id")[:2])
    if not authorities:
        raise CommandError("Chưa có cơ quan đánh giá nào.")
    if len(authorities) > 1:
        raise CommandError('Có nhiều cơ quan đánh giá; hãy chọn bằng --authority "<tên cơ quan>".')
    return authorities[0]


def resolve_period_and_block(options: dict) -> tuple[Period, Block]:
    authority = resolve_authority(options["authority"])
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
