"""Block and area statistics, year-over-year changes and heads' history, read from hand-made published snapshots.

2021 (block K): A 86/100 (rank 1), B 85/100 (2), C 70/100 (3).
2022 (block K): B 95.5/100 = 95.50 (1), A 85.5/95 = 90.00 (2), D (new) 90/100 = 90.00 (2), C 68.5/100 = 68.50 (4);
E 50/100 assessed but not ranked. A lost a criterion that did not apply: fewer points, higher index.
"""

import datetime
from decimal import Decimal

import pytest

from scoring.models import Period, ResultAreaRow, ResultPublication, ResultRow
from scoring.results.history import heads_accountability, previous_publication, unit_history, year_over_year
from scoring.results.statistics import Spread, area_averages, block_statistics, median, unit_area_comparison
from tests.factories import AuthorityFactory, BlockFactory, PeriodFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

D = Decimal


def publish_snapshot(period: Period, lines: list[dict], *, version: int = 1, correction: str = "") -> ResultPublication:
    """A publication written straight into the snapshot tables (what `results_publish` freezes), in bulk.

    Each line: unit, points, adjusted_max, index, rank (None: not ranked), optional max_points, head, band,
    predecessor (the unit it continues), reason and areas [(code, index)] (area points = index / 10 of a maximum of 10).
    """
    period.state = Period.State.PUBLISHED
    period.save(update_fields=["state"])
    publication = ResultPublication.objects.create(
        period=period,
        version=version,
        decision_number=f"{version}/QĐ-UBND",
        decision_date=datetime.date(period.year + 1, 1, 15),
        ranking_method="rank",
        correction_reason=correction,
        published_by=UserFactory(),
    )
    rows = ResultRow.objects.bulk_create(
        ResultRow(
            publication=publication,
            unit=line["unit"],
            block_id=line["unit"].block_id,
            predecessor=line.get("predecessor"),
            unit_name=line["unit"].name,
            block_name=line.get("block_name", "Khối phường"),
            position=position,
            is_ranked=line["rank"] is not None,
            rank=line["rank"],
            criteria_points=D(line["points"]),
            bonus=D(0),
            penalty=D(0),
            points=D(line["points"]),
            max_points=D(line.get("max_points", "100")),
            adjusted_max=D(line["adjusted_max"]),
            index=D(line["index"]),
            band=line.get("band", ""),
            head_name=line.get("head", ""),
            exclusion_reason=line.get("reason", ""),
        )
        for position, line in enumerate(lines)
    )
    ResultAreaRow.objects.bulk_create(
        ResultAreaRow(
            row=row,
            code=code,
            title=f"Lĩnh vực {code}",
            position=int(code),
            points=D(index) / 10,
            max_points=D(10),
            adjusted_max=D(10),
            index=D(index),
        )
        for row, line in zip(rows, lines, strict=True)
        for code, index in line.get("areas", [])
    )
    return publication


@pytest.fixture
def years():
    authority = AuthorityFactory()
    block = BlockFactory(authority=authority, name="Khối phường")
    units = {name: UnitFactory(block=block, name=f"UBND phường {name}") for name in "ABCDE"}
    first = publish_snapshot(
        PeriodFactory(authority=authority, year=2021),
        [
            {"unit": units["A"], "points": "86", "adjusted_max": "100", "index": "86", "rank": 1, "head": "Nguyễn An"},
            {"unit": units["B"], "points": "85", "adjusted_max": "100", "index": "85", "rank": 2, "head": "Lê Bình"},
            {"unit": units["C"], "points": "70", "adjusted_max": "100", "index": "70", "rank": 3, "head": "Phạm Cường"},
        ],
    )
    second = publish_snapshot(
        PeriodFactory(authority=authority, year=2022),
        [
            {
                "unit": units["B"],
                "points": "95.5",
                "adjusted_max": "100",
                "index": "95.5",
                "rank": 1,
                "head": "Lê Bình",
                "areas": [("1", "100"), ("2", "91"), ("3", "96")],
            },
            {
                "unit": units["A"],
                "points": "85.5",
                "adjusted_max": "95",
                "index": "90",
                "rank": 2,
                "head": "Trần Thị Hoa",
                "areas": [("1", "95"), ("2", "85"), ("3", "90")],
            },
            {
                "unit": units["D"],
                "points": "90",
                "adjusted_max": "100",
                "index": "90",
                "rank": 2,
                "head": "Võ Dũng",
                "areas": [("1", "90"), ("2", "90"), ("3", "93")],
            },
            {
                "unit": units["C"],
                "points": "68.5",
                "adjusted_max": "100",
                "index": "68.5",
                "rank": 4,
                "head": "Phạm Cường",
                "areas": [("1", "80"), ("2", "57"), ("3", "70")],
            },
            {
                "unit": units["E"],
                "points": "50",
                "adjusted_max": "100",
                "index": "50",
                "rank": None,
                "reason": "Mới sáp nhập",
                "areas": [("1", "10"), ("2", "10"), ("3", "10")],
            },
        ],
    )
    return {"first": first, "second": second, "units": units, "block": block}


def test_median_takes_the_middle_value_or_the_mean_of_the_two_middle_values():
    assert median([D("3"), D("1"), D("2")]) == D("2")
    assert median([D("68.5"), D("95.5"), D("85.5"), D("90")]) == D("87.75")
    assert median([D("1.01"), D("1.02")]) == D("1.02")  # 1.015 rounded half up
    assert median([]) is None


def test_neighbour_spread_is_taken_between_consecutive_units():
    assert Spread.of([D("95.5"), D("85.5"), D("90"), D("68.5")]) == Spread(D("4.5"), D("21.5"), D("12.00"))
    assert Spread.of([D("90")]) == Spread(None, None, None)


def test_block_statistics_on_a_hand_checked_block(years, django_assert_num_queries):
    with django_assert_num_queries(4):  # rows, previous publication, previous rows, aggregates
        (statistics,) = block_statistics(years["second"])

    assert (statistics.block_id, statistics.block_name) == (years["block"].pk, "Khối phường")
    assert (statistics.count, statistics.ranked_count) == (5, 4)  # E is listed but not counted
    # points 95.5 + 85.5 + 90 + 68.5 = 339.5 / 4 = 84.875 → 84.88; index 95.5 + 90 + 90 + 68.5 = 344 / 4 = 86
    assert (statistics.average_points, statistics.average_index) == (D("84.88"), D("86.00"))
    assert (statistics.median_points, statistics.median_index) == (D("87.75"), D("90.00"))
    assert (statistics.highest_points, statistics.highest_index) == (D("95.50"), D("95.50"))
    assert (statistics.lowest_points, statistics.lowest_index) == (D("68.50"), D("68.50"))
    # first (B 95.5) minus last (C 68.5); in 2021 A 86 minus C 70
    assert (statistics.gap_points, statistics.gap_index) == (D("27.00"), D("27.00"))
    assert (statistics.previous_gap_points, statistics.previous_gap_index) == (D("16.00"), D("16.00"))
    assert (statistics.gap_points_change, statistics.gap_index_change) == (D("11.00"), D("11.00"))
    # in ranking order B, A, D, C: points 10, 4.5, 21.5 apart; index 5.5, 0, 21.5 apart
    assert statistics.neighbour_points == Spread(D("4.50"), D("21.50"), D("12.00"))
    assert statistics.neighbour_index == Spread(D("0.00"), D("21.50"), D("9.00"))
    assert (statistics.improved, statistics.declined, statistics.unchanged, statistics.new_count) == (2, 1, 0, 1)
    assert statistics.most_improved.unit_id == years["units"]["B"].pk
    assert statistics.most_improved.change.index_change == D("10.50")
    assert statistics.previous_year == 2021


def test_the_first_published_year_has_no_comparison(years):
    (statistics,) = block_statistics(years["first"])
    assert (statistics.average_points, statistics.median_points, statistics.gap_points) == (
        D("80.33"),
        D("85.00"),
        D("16.00"),
    )
    assert statistics.previous_gap_points is None and statistics.gap_points_change is None
    assert (statistics.improved, statistics.declined, statistics.new_count, statistics.most_improved) == (0, 0, 0, None)
    assert statistics.previous_year is None


def test_year_over_year_changes_with_a_new_unit_and_a_different_adjusted_maximum(years, django_assert_num_queries):
    units = years["units"]
    with django_assert_num_queries(3):
        comparison = year_over_year(years["second"])

    assert comparison.previous == years["first"]
    a, b, c, d = (comparison.of(units[name].pk) for name in "ABCD")
    # A lost points (86 → 85.5) but its maximum fell to 95: the index rose 86 → 90 and it still slipped 1 → 2
    assert (a.points_change, a.index_change, a.rank_change) == (D("-0.50"), D("4.00"), -1)
    assert (a.previous_points, a.previous_adjusted_max, a.previous_rank) == (D("86.00"), D("100.00"), 1)
    assert (a.direction, a.rank_steps) == ("up", 1)
    assert (b.points_change, b.index_change, b.rank_change) == (D("10.50"), D("10.50"), 1)
    assert (c.points_change, c.index_change, c.rank_change, c.direction) == (D("-1.50"), D("-1.50"), -1, "down")
    assert d.is_new and (d.points_change, d.index_change, d.rank_change, d.previous_rank) == (None, None, None, None)
    assert comparison.of(units["E"].pk).is_new


def test_the_latest_version_of_the_previous_year_is_the_one_compared(years):
    correction = publish_snapshot(
        years["first"].period,
        [{"unit": years["units"]["A"], "points": "88", "adjusted_max": "100", "index": "88", "rank": 1}],
        version=2,
        correction="Sửa điểm tiêu chí 1.2",
    )
    assert previous_publication(years["second"]) == correction
    change = year_over_year(years["second"]).of(years["units"]["A"].pk)
    assert (change.previous_points, change.index_change) == (D("88.00"), D("2.00"))


def test_a_rank_is_not_compared_across_blocks(years):
    other_block = BlockFactory(authority=years["block"].authority)
    ResultRow.objects.filter(publication=years["first"], unit=years["units"]["B"]).update(block=other_block)
    change = year_over_year(years["second"]).of(years["units"]["B"].pk)
    assert (change.is_new, change.index_change, change.rank_change) == (False, D("10.50"), None)


def test_area_averages_mark_the_strongest_and_weakest_area(years, django_assert_num_queries):
    with django_assert_num_queries(1):
        areas = area_averages(years["second"])[years["block"].pk]
    # ranked units only (E's 10s are left out): area 1 (100 + 95 + 90 + 80) / 4, area 2 (91 + 85 + 90 + 57) / 4,
    # area 3 (96 + 90 + 93 + 70) / 4
    assert [(a.code, a.average_index, a.is_strongest, a.is_weakest) for a in areas] == [
        ("1", D("91.25"), True, False),
        ("2", D("80.75"), False, True),
        ("3", D("87.25"), False, False),
    ]
    assert areas[0].average_points == D("9.13")  # 36.5 / 4 = 9.125, half up
    assert areas[0].count == 4


def test_a_units_areas_against_the_block_average(years):
    row = ResultRow.objects.prefetch_related("areas").get(publication=years["second"], unit=years["units"]["C"])
    averages = area_averages(years["second"], block_id=years["block"].pk)[years["block"].pk]
    comparison = unit_area_comparison(row, averages)
    assert [(a.code, a.index, a.block_average, a.difference) for a in comparison] == [
        ("1", D("80.00"), D("91.25"), D("-11.25")),
        ("2", D("57.00"), D("80.75"), D("-23.75")),
        ("3", D("70.00"), D("87.25"), D("-17.25")),
    ]


def test_a_units_history_over_the_published_years(years, django_assert_num_queries):
    units = years["units"]
    with django_assert_num_queries(1):
        history = unit_history(years["second"], units["A"].pk)
    assert [(e.year, e.points, e.adjusted_max, e.index, e.rank, e.head_name) for e in history] == [
        (2021, D("86.00"), D("100.00"), D("86.00"), 1, "Nguyễn An"),
        (2022, D("85.50"), D("95.00"), D("90.00"), 2, "Trần Thị Hoa"),
    ]
    first, second = history
    assert (first.change.is_new, first.change.index_change) == (False, None)  # nothing published before 2021
    assert (second.change.points_change, second.change.index_change, second.change.rank_change) == (
        D("-0.50"),
        D("4.00"),
        -1,
    )
    (only,) = unit_history(years["second"], units["D"].pk)
    assert (only.year, only.change.is_new) == (2022, True)
    assert [e.year for e in unit_history(years["first"], units["A"].pk)] == [2021]  # never later years


def test_heads_accountability_lists_each_years_head_beside_index_rank_and_change(years, django_assert_num_queries):
    units = years["units"]
    with django_assert_num_queries(1):
        table = heads_accountability(years["second"])
    assert table.years == [2021, 2022]
    assert [row.unit_name for row in table.rows] == [units[name].name for name in "BADCE"]
    a = next(row for row in table.rows if row.unit_id == units["A"].pk)
    assert [(e.head_name, e.index, e.rank) for e in a.entries] == [
        ("Nguyễn An", D("86.00"), 1),
        ("Trần Thị Hoa", D("90.00"), 2),
    ]
    assert (a.current.change.index_change, a.current.change.rank_change) == (D("4.00"), -1)
    d = next(row for row in table.rows if row.unit_id == units["D"].pk)
    assert d.entries[0] is None and d.entries[1].change.is_new
