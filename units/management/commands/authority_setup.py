"""Name the installation's one authority (or rename it): the body that runs the assessment."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from units.models import Authority
from units.services import authority_setup


class Command(BaseCommand):
    help = "Khai báo (hoặc sửa) tên và cấp của cơ quan đánh giá — mỗi cài đặt chỉ có một cơ quan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="Tên đầy đủ, ví dụ “UBND thành phố Hải Phòng”.")
        parser.add_argument("--short-name", default="", help="Tên ngắn, ví dụ “Hải Phòng”.")
        parser.add_argument("--level", required=True, choices=Authority.Level.values, help="Cấp của cơ quan.")

    def handle(self, *args, **options) -> None:
        try:
            authority = authority_setup(
                actor=None, name=options["name"], level=options["level"], short_name=options["short_name"]
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Cơ quan đánh giá: {authority.name} ({authority.get_level_display().lower()}).")
        )
