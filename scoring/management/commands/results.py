"""Print a year's published results as open data (the same bytes as the JSON and CSV endpoints)."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scoring.models import ResultPublication
from scoring.results.exports import opendata
from scoring.results.exports.data import published_results


class Command(BaseCommand):
    help = "In kết quả đã công bố của một năm ra màn hình dưới dạng JSON hoặc CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Năm đánh giá")
        parser.add_argument("--block", default="", help="Mã khối (mặc định: mọi khối)")
        parser.add_argument("--format", choices=["json", "csv"], default="json", help="json hoặc csv")
        parser.add_argument(
            "--publication", dest="publication_version", type=int, help="Lần công bố (mặc định: mới nhất)"
        )

    def handle(self, *args, year: int, block: str, format: str, publication_version: int | None, **options) -> None:
        publications = ResultPublication.objects.select_related("period__authority").filter(period__year=year)
        if publication_version is not None:
            publications = publications.filter(version=publication_version)
        publication = publications.order_by("-version").first()
        if publication is None:
            raise CommandError(f"Chưa có kết quả công bố cho năm {year}.")
        results = published_results(publication, block_code=block or None)
        if block and not results.rows:
            raise CommandError(f"Không có khối “{block}” trong kết quả năm {year}.")
        content = opendata.to_json(results) if format == "json" else opendata.to_csv(results)
        self.stdout.write(content.decode("utf-8"), ending="")
