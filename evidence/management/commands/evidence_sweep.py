"""Remove evidence files left without a database row (e.g. a worker killed mid-upload)."""

import datetime

from django.core.management.base import BaseCommand

from evidence.services import evidence_orphans_sweep


class Command(BaseCommand):
    help = "Xóa các tệp tài liệu kiểm chứng không còn bản ghi nào trỏ tới (chạy định kỳ, ví dụ hằng ngày)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--older-than-minutes", type=int, default=60, help="chỉ xóa tệp cũ hơn số phút này")
        parser.add_argument("--dry-run", action="store_true", help="chỉ liệt kê, không xóa")

    def handle(self, *args, older_than_minutes: int, dry_run: bool, **options) -> None:
        orphans = evidence_orphans_sweep(older_than=datetime.timedelta(minutes=older_than_minutes), dry_run=dry_run)
        for name in orphans:
            self.stdout.write(name)
        verb = "Sẽ xóa" if dry_run else "Đã xóa"
        self.stdout.write(self.style.SUCCESS(f"{verb} {len(orphans)} tệp không có bản ghi."))
