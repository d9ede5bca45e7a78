"""Load a demo. The default profile is the Thanh Xuân district: organisation, one login per role, the 2021–2023
frameworks, the published results of 2021 and 2022, and 2023 part-way through self-assessment and appraisal.
`--profile province` loads a post-2025 city of 127 units in three blocks instead (scoring/demo/province.py).

Idempotent: every row is found by its natural key (authority name, block code, unit code, username,
period year, framework period + block, council member, assignment, score), so running it again changes
nothing but the demo passwords, which are reset. Frameworks that already have criteria are left alone
(they may be frozen or scored) and a year already published is skipped.
"""

import time
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from scoring.demo import accounts as demo
from scoring.demo import province
from scoring.demo.appraisal import seed_appraisal
from scoring.demo.dates import at, days_from_today
from scoring.demo.frameworks import YEARS, framework_spec, seed_framework
from scoring.demo.history import Cast, seed_history, set_deadlines
from scoring.demo.officers import seed_preparers
from scoring.demo.plans import seed_plans
from scoring.demo.progress import seed_self_assessment
from scoring.demo.province_seed import seed_province
from scoring.demo.survey import DemoSurvey, seed_survey
from scoring.frameworks.services import period_create, period_open_self_assessment
from scoring.models import Framework, Notice, Period
from units.models import Authority, Block, RoleAssignment, Unit, User
from units.selectors import the_authority

OPEN_YEAR = 2023


# Self-assessment, appraisal, explanation and objection deadlines of each year.
DEADLINES = {
    2021: (at(2021, 12, 10), at(2021, 12, 21), at(2021, 12, 24), at(2021, 12, 28)),
    2022: (at(2022, 12, 9), at(2022, 12, 20), at(2022, 12, 23), at(2022, 12, 27)),
}


def open_year_deadlines() -> tuple[datetime, ...]:
    """The open year's deadlines sit ahead of the day the demo is loaded, so every step can be played."""
    return tuple(days_from_today(days) for days in (14, 28, 35, 42))


def _file_past_results_notices(years: Iterable[int], units: Iterable[Unit]) -> None:
    """Past years' results notices (preliminary results, objections) are history, not news: file them as read.

    They lead to each unit's result; registered on commit behind the notices the past years' services send then.
    """
    past_results = [reverse("results_unit", args=[year, unit.pk]) for year in years for unit in units]
    transaction.on_commit(
        lambda: Notice.objects.filter(read_at__isnull=True, url__in=past_results).update(read_at=timezone.now())
    )


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu mẫu (chạy lại an toàn): mặc định quận Thanh Xuân (đơn vị, tài khoản demo, bộ chỉ số "
        "2021–2023); --profile province: một thành phố sau sắp xếp 2025 với 127 đơn vị trong ba khối."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--profile",
            choices=("thanh-xuan", "province"),
            default="thanh-xuan",
            help="thanh-xuan (mặc định): quận Thanh Xuân 2021–2023; province: thành phố Hải Minh 2025–2026.",
        )
        parser.add_argument(
            "--write-workbooks",
            type=Path,
            metavar="THƯ_MỤC",
            help="Chỉ ghi hai tệp Excel (danh mục đơn vị, người dùng và phân quyền) của hồ sơ province vào thư mục, "
            "để Thư ký thử nhập trong trang quản trị (không có tài khoản quản trị hệ thống); không ghi gì vào cơ sở "
            "dữ liệu.",
        )

    def handle(self, *args, **options) -> None:
        if options["write_workbooks"]:
            self._write_workbooks(options["write_workbooks"])
            return
        # The demo's decisions, minutes and receipts are signed as they are made: the certificate comes first.
        if settings.SIGNING_PKCS12_PATH or settings.DEBUG:
            name = province.AUTHORITY["name"] if options["profile"] == "province" else demo.AUTHORITY["name"]
            call_command("signing_demo_certificate", authority=name, stdout=self.stdout)
        if options["profile"] == "province":
            self._province()
            return
        started = time.monotonic()
        with transaction.atomic():
            authority = _seed_authority()
            blocks = _seed_blocks(authority)
            units = _seed_units(blocks)
            users = _seed_accounts(units)
            frameworks = _seed_periods(authority, blocks, users=users)
            surveys = seed_survey(Period.objects.get(authority=authority, year=OPEN_YEAR), users["thuky"])
            seed_plans(users["truong.hadinh"])
            seed_preparers(users["truong.hadinh"], users["canbo.hadinh"])
            _file_past_results_notices(DEADLINES, units.values())
        self._summary(authority, frameworks, time.monotonic() - started)
        self._survey_summary(surveys)

    def _survey_summary(self, surveys: list[DemoSurvey]) -> None:
        write = self.stdout.write
        write(f"  Khảo sát sự hài lòng {OPEN_YEAR} đang mở (thuky: /surveys/{OPEN_YEAR}/):")
        for demo_survey in surveys:
            survey = demo_survey.survey
            answered, sample = survey.responses.count(), survey.respondents.count()
            write(f"    {survey.framework.block.name}: {answered} / {sample} người trong mẫu đã trả lời")
        link = next((demo_survey.untried_link for demo_survey in surveys if demo_survey.untried_link), "")
        if link:
            write(f"    Thử trả lời bằng đường dẫn dùng một lần của một người chưa trả lời: {link}")

    def _write_workbooks(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        organisation, accounts = province.workbooks(with_administrator=False)
        for name, content in (("danh-muc-don-vi.xlsx", organisation), ("nguoi-dung-va-phan-quyen.xlsx", accounts)):
            (directory / name).write_bytes(content)
            self.stdout.write(f"Đã ghi {directory / name}")

    def _province(self) -> None:
        started = time.monotonic()
        with transaction.atomic():
            authority = demo_authority(**province.AUTHORITY)
            frameworks = seed_province(authority, open_deadlines=open_year_deadlines())
            _file_past_results_notices([province.PUBLISHED_YEAR], Unit.objects.filter(block__authority=authority))
        self._summary(authority, frameworks, time.monotonic() - started, accounts=False)
        write = self.stdout.write
        write(f"  Tài khoản demo (mật khẩu {province.PASSWORD}):")
        for username in ("admin", "thuky", "lanhdao", *province.COUNCIL):
            person = next(p for p in province.people() if p.username == username)
            write(f"    {username:<16} {person.job_title}")
        write("    … và truong.<mã đơn vị>, canbo.<mã đơn vị> cho mọi đơn vị, ví dụ truong.phuong-an-binh.")

    def _summary(
        self, authority: Authority, frameworks: list[Framework], seconds: float, accounts: bool = True
    ) -> None:
        write = self.stdout.write
        write(self.style.SUCCESS(f"Dữ liệu mẫu: {authority} ({seconds:.1f} giây)"))
        for block in authority.blocks.annotate(unit_count=Count("units")):
            write(f"  Khối {block.name}: {block.unit_count} đơn vị")
        counted = Framework.objects.filter(pk__in=[f.pk for f in frameworks]).annotate(
            criterion_count=Count("criteria", distinct=True),
            leaf_count=Count("criteria", filter=Q(criteria__children__isnull=True), distinct=True),
        )
        for framework in counted.select_related("period", "block").order_by("period__year", "block__position"):
            write(
                f"  {framework.period.year} · {framework.block.name}: {framework.criterion_count} tiêu chí "
                f"({framework.leaf_count} tiêu chí chấm điểm) — kỳ {framework.period.get_state_display().lower()}"
            )
        if not accounts:
            return
        write(f"  Tài khoản demo (mật khẩu {demo.DEMO_PASSWORD}):")
        for username, description in demo.DEMO_LOGINS[: len(demo.FIRST_LOGINS)]:
            write(f"    {username:<16} {description}")
        others = len(demo.DEMO_LOGINS) - len(demo.FIRST_LOGINS)
        write(f"    … và {others} tài khoản khác: truong.<đơn vị> cho mọi đơn vị, canbo.<phường> cho mọi phường.")


def demo_authority(name: str, short_name: str, level: str) -> Authority:
    """The demo's authority; a database that already serves another one is left alone (one per installation)."""
    existing = the_authority()
    if existing is not None and existing.name != name:
        raise CommandError(
            f"Cơ sở dữ liệu này đã phục vụ “{existing}”; mỗi cài đặt chỉ có một cơ quan đánh giá. "
            f"Hãy nạp dữ liệu mẫu “{name}” vào một cơ sở dữ liệu riêng (DATABASE_URL khác)."
        )
    authority, _ = Authority.objects.update_or_create(name=name, defaults={"short_name": short_name, "level": level})
    return authority


def _seed_authority() -> Authority:
    return demo_authority(**demo.AUTHORITY)


def _seed_blocks(authority: Authority) -> dict[str, Block]:
    blocks = {}
    for code, name, position in demo.BLOCKS:
        blocks[code], _ = Block.objects.update_or_create(
            authority=authority, code=code, defaults={"name": name, "position": position}
        )
    return blocks


def _seed_units(blocks: dict[str, Block]) -> dict[str, Unit]:
    units = {}
    for block_code, block_units in demo.UNITS_BY_BLOCK.items():
        for position, unit in enumerate(block_units, start=1):
            units[unit.code], _ = Unit.objects.update_or_create(
                code=unit.code,
                defaults={"block": blocks[block_code], "name": unit.name, "position": position, "is_active": True},
            )
    return units


def _seed_accounts(units: dict[str, Unit]) -> dict[str, User]:
    # One hash for every demo account: hashing ~40 passwords one by one would take most of the run,
    # and the password is published anyway. Real accounts get their own salt via set_password().
    password = make_password(demo.DEMO_PASSWORD)
    users = {}
    for account in demo.DEMO_ACCOUNTS:
        user, _ = User.objects.update_or_create(
            username=account.username,
            defaults={
                "full_name": account.full_name,
                "job_title": account.job_title,
                "home_unit": units[account.home_unit] if account.home_unit else None,
                "is_active": True,
                "is_staff": account.is_superuser,
                "is_superuser": account.is_superuser,
                "password": password,
            },
        )
        unit = units[account.unit] if account.unit else None
        RoleAssignment.objects.get_or_create(user=user, role=account.role, unit=unit)
        users[account.username] = user
    return users


def _seed_periods(authority: Authority, blocks: dict[str, Block], *, users: dict[str, User]) -> list[Framework]:
    actor = users["admin"]
    cast = Cast(
        admin=actor,
        secretary=users["thuky"],
        members=(users["hoidong1"], users["hoidong2"]),
        leadership=users["lanhdao"],
    )
    frameworks = []
    previous: dict[str, Framework] = {}
    for year in YEARS:
        period = Period.objects.filter(authority=authority, year=year).first()
        if period is None:
            period = period_create(actor=actor, authority=authority, year=year)
            deadlines = DEADLINES[year] if year in DEADLINES else open_year_deadlines()
            set_deadlines(period, deadlines)
        for block_code, block in blocks.items():
            framework = _seed_framework(period, block, previous.get(block_code), actor=actor)
            previous[block_code] = framework
            frameworks.append(framework)
        if year in DEADLINES:
            seed_history(period, cast, DEADLINES[year])
        if year == OPEN_YEAR and period.state == Period.State.DRAFT:
            period = period_open_self_assessment(actor=actor, period=period, deadline=period.self_assessment_deadline)
        if year == OPEN_YEAR:
            seed_self_assessment(period)
            seed_appraisal(period, cast)
    return frameworks


def _seed_framework(period: Period, block: Block, previous: Framework | None, *, actor: User) -> Framework:
    """Each year's framework comes from that year's data (criteria change yearly), linked to last year's."""
    return seed_framework(period, block, framework_spec(block.code, period.year), actor=actor, cloned_from=previous)
