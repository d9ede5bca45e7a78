"""The province demo (`seed_demo --profile province`): a post-2025 city of 14 departments, 45 wards and 68
communes and special zones, loaded through the onboarding workbooks; 2025 published, 2026 in progress."""

from decimal import Decimal
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Max, Min
from django.test import Client, TestCase

from scoring.demo import province
from scoring.frameworks.services import framework_problems
from scoring.models import (
    AdjustmentItem,
    Assessment,
    AuditEvent,
    ClassificationBand,
    Framework,
    Notice,
    Period,
    ResultPublication,
    ResultRow,
)
from tests.world import row_counts
from units.models import Authority, Role, RoleAssignment, Unit, User
from units.services import organisation_import, people_import
from units.workbooks.books import ORGANISATION, PEOPLE, export_book

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    """Seed once for the module, inside a transaction rolled back at the end; what the seed's commit runs in
    production (the notices its services send) runs too."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("seed_demo", "--profile", "province", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_one_city_three_blocks_of_14_45_and_68_units():
    authority = Authority.objects.get()
    assert (authority.name, authority.level) == ("UBND thành phố Hải Minh", "city")
    assert list(
        authority.blocks.annotate(count=Count("units")).order_by("position").values_list("code", "name", "count")
    ) == [("so-nganh", "Sở, ban, ngành", 14), ("phuong", "UBND phường", 45), ("xa", "UBND xã, đặc khu", 68)]
    assert Unit.objects.filter(code__startswith="dac-khu-").count() == 2


def test_every_unit_has_a_head_and_a_focal_officer_who_can_sign_in():
    for role in (Role.UNIT_HEAD, Role.UNIT_STAFF):
        assert RoleAssignment.objects.filter(role=role).values("unit").distinct().count() == 127
    assert User.objects.count() == 7 + 2 * 127
    assert Client().login(username="truong.phuong-an-binh", password=province.PASSWORD)
    head = User.objects.get(username="truong.xa-dong-tam")
    assert (head.job_title, head.home_unit.name, head.email) == (
        "Chủ tịch UBND xã Đồng Tâm",
        "UBND xã Đồng Tâm",
        "truong.xa-dong-tam@haiminh.gov.example",
    )


def test_units_and_people_came_through_the_secretarys_import():
    assert list(AuditEvent.objects.filter(action="units.import").values_list("data", flat=True)) == [
        {"Khối": {"created": 3, "updated": 0, "unchanged": 0}, "Đơn vị": {"created": 127, "updated": 0, "unchanged": 0}}
    ]
    assert list(AuditEvent.objects.filter(action="people.import").values_list("data", flat=True)) == [
        {
            "Người dùng": {"created": 261, "updated": 0, "unchanged": 0},
            "Phân quyền": {"created": 261, "updated": 0, "unchanged": 0},
        }
    ]


def test_the_workbooks_written_for_the_secretary_are_what_was_loaded(tmp_path: Path):
    call_command("seed_demo", "--write-workbooks", tmp_path, stdout=StringIO())

    organisation = organisation_import(actor=None, file=(tmp_path / "danh-muc-don-vi.xlsx").read_bytes())
    accounts = people_import(actor=None, file=(tmp_path / "nguoi-dung-va-phan-quyen.xlsx").read_bytes())

    assert (organisation.problems, organisation.changed) == ([], 0)
    assert (accounts.problems, accounts.changed) == ([], 0)
    assert organisation_import(actor=None, file=export_book(ORGANISATION)).changed == 0
    assert people_import(actor=None, file=export_book(PEOPLE)).changed == 0
    book = openpyxl.load_workbook(tmp_path / "nguoi-dung-va-phan-quyen.xlsx")
    assert book.sheetnames == ["Người dùng", "Phân quyền"]
    assert book["Phân quyền"].max_row == 1 + 260  # all but the administrator's, which only an administrator grants


@pytest.mark.parametrize("year", [2025, 2026])
def test_frameworks_have_eight_areas_of_100_points_plus_bonus_and_penalty(year):
    frameworks = Framework.objects.filter(period__year=year).select_related("period", "block")
    assert frameworks.count() == 3
    for framework in frameworks:
        areas = framework.criteria.filter(parent__isnull=True)
        assert areas.count() == 8
        assert sum(area.max_points for area in areas) == Decimal(100)
        assert framework_problems(framework) == []
        assert (
            list(framework.adjustment_items.values_list("kind", flat=True).order_by("kind", "position"))
            == [AdjustmentItem.Kind.BONUS] * 2 + [AdjustmentItem.Kind.PENALTY] * 3
        )
        assert (framework.bonus_cap, framework.penalty_cap) == (Decimal(3), Decimal(5))
        assert str(year) in framework.name


@pytest.mark.parametrize("year", [2025, 2026])
def test_excellent_from_93(year):
    bands = ClassificationBand.objects.filter(period__year=year).order_by("-min_index")
    assert list(bands.values_list("min_index", "label")) == [
        (Decimal(93), "Xuất sắc"),
        (Decimal(85), "Tốt"),
        (Decimal(75), "Khá"),
        (Decimal(60), "Trung bình"),
        (Decimal(0), "Yếu"),
    ]


def test_2025_is_published_in_three_blocks_from_73_to_96_points():
    publication = ResultPublication.objects.get(period__year=2025)
    assert (publication.decision_number, str(publication.decision_date)) == ("25/QĐ-UBND", "2026-01-09")
    rows = ResultRow.objects.filter(publication=publication)
    assert rows.count() == 127
    figures = rows.aggregate(low=Min("points"), high=Max("points"))
    assert Decimal(73) <= figures["low"] < Decimal(75)
    assert Decimal(95) <= figures["high"] < Decimal(96)
    for block, gap in (("so-nganh", "11.20"), ("phuong", "16.90"), ("xa", "20.40")):
        ranked = list(rows.filter(block__code=block).order_by("rank"))
        assert ranked[0].rank == 1
        assert ranked[0].band == "Xuất sắc"
        assert ranked[0].points - ranked[-1].points == Decimal(gap)
    assert set(rows.filter(points__gte=93).values_list("band", flat=True)) == {"Xuất sắc"}


def test_2026_is_open_for_self_assessment_for_every_unit():
    period = Period.objects.get(year=2026)
    assert period.state == Period.State.SELF_ASSESSMENT
    assert Assessment.objects.filter(period=period).count() == 127
    assert period.self_assessment_deadline > period.opened_at
    assert Framework.objects.filter(period=period, cloned_from__period__year=2025).count() == 3


def test_2025_results_notices_are_filed_as_read():
    # they lead to each unit's result (/results/2025/units/<id>/); the seed looked for /results/2025/ instead
    past = Notice.objects.filter(url__regex=r"^/results/2025/units/[0-9]+/$")
    assert past.count() >= 127
    assert not past.filter(read_at__isnull=True).exists()


def test_seeding_again_changes_nothing():
    before = row_counts()

    call_command("seed_demo", "--profile", "province", stdout=StringIO())

    assert row_counts() == before


def test_the_summary_names_the_accounts(demo):
    assert "Dữ liệu mẫu: UBND thành phố Hải Minh" in demo
    assert "  Khối UBND xã, đặc khu: 68 đơn vị" in demo
    assert "  2026 · UBND phường: 48 tiêu chí (36 tiêu chí chấm điểm) — kỳ tự đánh giá" in demo
    assert "  Tài khoản demo (mật khẩu HaiMinh@2026):" in demo
