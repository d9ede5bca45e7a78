"""Units created by a reorganisation: “mới” in year-over-year figures, unless the secretary names the unit they
continue — then they are compared with it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from scoring.models import ResultRow
from scoring.results.history import unit_history, year_over_year
from scoring.results.statistics import block_statistics
from tests import factories
from units.models import Role

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def reorganised():
    """2024: wards Cũ A (88, rank 1) and Cũ B (80, 2). 2025: Mới (merged from both, continues Cũ B) 90 (1),
    Lập (new, continues nothing) 85 (2)."""
    authority = factories.AuthorityFactory()
    block = factories.BlockFactory(authority=authority, name="UBND phường")
    old_a = factories.UnitFactory(block=block, name="UBND phường Cũ A", is_active=False)
    old_b = factories.UnitFactory(block=block, name="UBND phường Cũ B", is_active=False)
    merged = factories.UnitFactory(block=block, name="UBND phường Mới", predecessor=old_b)
    created = factories.UnitFactory(block=block, name="UBND phường Lập")
    factories.publish_snapshot(
        factories.PeriodFactory(authority=authority, year=2024),
        [
            {"unit": old_a, "points": "88", "adjusted_max": "100", "index": "88", "rank": 1},
            {"unit": old_b, "points": "80", "adjusted_max": "100", "index": "80", "rank": 2},
        ],
    )
    publication = factories.publish_snapshot(
        factories.PeriodFactory(authority=authority, year=2025),
        [
            {"unit": merged, "points": "90", "adjusted_max": "100", "index": "90", "rank": 1, "predecessor": old_b},
            {"unit": created, "points": "85", "adjusted_max": "100", "index": "85", "rank": 2},
        ],
    )
    return {"publication": publication, "merged": merged, "created": created, "old_b": old_b}


def test_a_unit_that_continues_another_is_compared_with_it(reorganised):
    comparison = year_over_year(reorganised["publication"])

    merged = comparison.of(reorganised["merged"].pk)
    assert (merged.is_new, merged.previous_year, merged.points_change, merged.index_change, merged.rank_change) == (
        False,
        2024,
        D("10.00"),
        D("10.00"),
        1,
    )
    assert merged.previous_unit_name == "UBND phường Cũ B"
    created = comparison.of(reorganised["created"].pk)
    assert (created.is_new, created.points_change, created.previous_unit_name) == (True, None, "")


def test_block_statistics_count_only_the_unit_that_continues_nothing_as_new(reorganised):
    statistics = block_statistics(reorganised["publication"])

    [block] = statistics
    assert (block.new_count, block.improved, block.declined) == (1, 1, 0)


def test_the_unit_history_leads_with_the_years_of_the_unit_it_continues(reorganised):
    history = unit_history(reorganised["publication"], reorganised["merged"].pk)

    assert [(entry.year, entry.unit_name, entry.points, entry.change.is_new) for entry in history] == [
        (2024, "UBND phường Cũ B", D("80.00"), False),
        (2025, "UBND phường Mới", D("90.00"), False),
    ]
    assert history[-1].change.points_change == D("10.00")


def test_the_published_unit_page_says_what_it_is_compared_with(client, reorganised):
    client.force_login(factories.user_with_role(Role.LEADERSHIP))
    response = client.get(reverse("results_published_unit", args=[2025, reorganised["merged"].pk]))
    created = client.get(reverse("results_published_unit", args=[2025, reorganised["created"].pk]))

    page = response.content.decode()
    assert "So với năm 2024" in page
    assert "so với UBND phường Cũ B, đơn vị được tiếp nối" in page
    assert f'href="{reverse("results_published_unit", args=[2024, reorganised["old_b"].pk])}"' in page
    assert "chưa có kết quả năm trước" in created.content.decode()


def test_publication_records_the_unit_each_unit_continues():
    framework = factories.small_framework()
    period = factories.in_appraisal(framework)
    old = factories.UnitFactory(block=framework.block, name="UBND phường Cũ", is_active=False)
    sheet = factories.unit_sheet(framework, "UBND phường Mới", predecessor=old)
    factories.enter_scores(sheet, factories.full_minus(c1_2="1"))
    secretary, leader = factories.user_with_role(Role.COUNCIL_SECRETARY), factories.user_with_role(Role.LEADERSHIP)

    factories.publish_results(period, secretary, leader, number="1/QĐ-UBND")

    rows = ResultRow.objects.values_list("unit_name", "predecessor__name")
    assert list(rows) == [("UBND phường Mới", "UBND phường Cũ")]
