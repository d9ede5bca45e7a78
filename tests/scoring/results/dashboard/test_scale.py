"""The overview reads a fixed number of queries whatever the number of units; its sentence and pictures follow the
figures (narrowed or widened gap, decline, a first year with nothing to compare)."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from scoring.models import ResultsConfig
from scoring.results.dashboard import charts
from scoring.results.dashboard.selectors import publication_overview
from tests.factories import AuthorityFactory, BlockFactory, PeriodFactory, UnitFactory, publish_snapshot, user_with_role
from units.models import Role

pytestmark = pytest.mark.django_db

D = Decimal


def two_years(units_per_block: int, *, public: bool = True):
    """Two blocks of `units_per_block` units published in 2021 and 2022, seven areas each; every unit gains."""
    authority = AuthorityFactory()
    blocks = [BlockFactory(authority=authority, name=name) for name in ("Khối phòng", "Khối phường")]
    units = [UnitFactory(block=block, name=f"{block.name} {n}") for block in blocks for n in range(units_per_block)]
    publications = []
    for year, base in ((2021, 80), (2022, 90)):
        lines = []
        for block in blocks:
            block_units = [unit for unit in units if unit.block_id == block.pk]
            for rank, unit in enumerate(block_units, start=1):
                index = D(base) + D(units_per_block - rank) / 10
                lines.append(
                    {
                        "unit": unit,
                        "points": str(index),
                        "adjusted_max": "100",
                        "index": str(index),
                        "rank": rank,
                        "band": "Tốt" if index >= 90 else "Khá",
                        "block_name": block.name,
                        "areas": [(str(code), str(index)) for code in range(1, 8)],
                    }
                )
        publication = publish_snapshot(PeriodFactory(authority=authority, year=year), lines)
        ResultsConfig.objects.create(period=publication.period, is_public=public)
        publications.append(publication)
    return publications


@pytest.mark.parametrize("units_per_block", [3, 40])
def test_the_public_overview_takes_nine_queries_at_any_size(client, django_assert_num_queries, units_per_block):
    two_years(units_per_block)

    with django_assert_num_queries(9):
        response = client.get(reverse("results_overview", args=[2022]))

    assert response.status_code == 200
    assert response.content.decode().count('data-chart="dumbbell"') == 2
    rows = response.content.decode().count('<tr><th scope="row">Khối phường')
    assert rows == 2 * units_per_block  # the dumbbell's table and the heat table
    with django_assert_num_queries(1):  # then from the cache: who may see it
        client.get(reverse("results_overview", args=[2022]))


def test_a_warm_reader_gets_the_same_page_in_each_language(client):
    two_years(3)
    url = reverse("results_overview", args=[2022])

    def page() -> bytes:  # the main content: the CSRF token and script nonce around it change on every response
        return re.search(rb"<main.*</main>", client.get(url).content, re.DOTALL).group()

    cold, warm = page(), page()
    client.post(reverse("set_language"), {"language": "en", "next": url})
    english = page()

    assert warm == cold
    assert warm.count(b'data-chart="dumbbell"') == 2
    assert "Tổng quan kết quả Chỉ số CCHC năm 2022".encode() in warm
    assert b"Overview of the 2022 reform index results" in english and "Tổng quan kết quả".encode() not in english


@pytest.mark.parametrize("units_per_block", [3, 40])
def test_leaderships_home_takes_a_fixed_number_of_queries(client, django_assert_num_queries, units_per_block):
    two_years(units_per_block)
    client.force_login(user_with_role(Role.LEADERSHIP))

    with django_assert_num_queries(17):
        response = client.get(reverse("home"))

    assert 'data-testid="leadership-dashboard"' in response.content.decode()


def test_a_first_published_year_says_what_it_can():
    (first, _second) = two_years(3)

    overview = publication_overview(first)

    assert [block.sentence for block in overview.blocks] == [
        "Khối phòng: chỉ số bình quân 80,10%, trung vị 80,10%. Chênh lệch giữa đơn vị đứng đầu và đơn vị cuối "
        "bảng là 0,2 điểm. Dẫn đầu: Khối phòng 0 (80,20%); cuối bảng: Khối phòng 2 (80,00%).",
        "Khối phường: chỉ số bình quân 80,10%, trung vị 80,10%. Chênh lệch giữa đơn vị đứng đầu và đơn vị cuối "
        "bảng là 0,2 điểm. Dẫn đầu: Khối phường 0 (80,20%); cuối bảng: Khối phường 2 (80,00%).",
    ]
    assert all(block.dumbbell is None for block in overview.blocks)  # nothing to compare with


def test_a_decline_and_a_wider_gap_are_said_plainly():
    authority = AuthorityFactory()
    block = BlockFactory(authority=authority, name="Khối phường")
    a, b, c = (UnitFactory(block=block, name=f"UBND phường {name}") for name in "ABC")
    publish_snapshot(
        PeriodFactory(authority=authority, year=2021),
        [
            {"unit": a, "points": "90", "adjusted_max": "100", "index": "90", "rank": 1},
            {"unit": b, "points": "88", "adjusted_max": "100", "index": "88", "rank": 2},
            {"unit": c, "points": "87", "adjusted_max": "100", "index": "87", "rank": 3},
        ],
    )
    second = publish_snapshot(
        PeriodFactory(authority=authority, year=2022),
        [
            {"unit": a, "points": "91", "adjusted_max": "100", "index": "91", "rank": 1},
            {"unit": b, "points": "85", "adjusted_max": "100", "index": "85", "rank": 2},
            {"unit": c, "points": "80.5", "adjusted_max": "100", "index": "80.5", "rank": 3},
        ],
    )

    [overview] = publication_overview(second).blocks

    assert overview.sentence == (
        "Khối phường: chỉ số bình quân 85,50% (giảm 2,83 điểm % so với năm 2021); 1/3 đơn vị tăng chỉ số, 2 giảm. "
        "Chênh lệch giữa đơn vị đứng đầu và đơn vị cuối bảng nới rộng từ 3 lên 10,5 điểm. Dẫn đầu: UBND phường A "
        "(91,00%); cuối bảng: UBND phường C (80,50%)."
    )
    assert [mark.direction for mark in overview.dumbbell.marks] == ["up", "down", "down"]


def test_the_index_axis_starts_near_the_data_on_round_ticks():
    axis = charts.index_axis([D("93.78"), D("98.28"), D("95.16")])

    assert (axis.low, axis.high, axis.step) == (D(93), D(99), D(1))
    assert not axis.starts_at_zero
    assert [tick["value"] for tick in axis.ticks] == [D(93), D(94), D(95), D(96), D(97), D(98), D(99)]
    assert charts.index_axis([D("12"), D("95")]).low == 0  # a wide spread keeps its zero
    assert charts.index_axis([D("99.5"), D("100")]).high == 100  # never past 100 %


def test_bars_start_at_the_axis_and_grow_with_the_index():
    two_years(3)
    from scoring.models import ResultPublication

    overview = publication_overview(ResultPublication.objects.get(period__year=2022))
    bars = overview.blocks[0].bars

    # 90.2, 90.1, 90.0 on an axis from 89.5 to 90.5 drawn 348 − 8 = 340 wide.
    assert (bars.axis.low, bars.axis.high, bars.axis.step) == (D("89.5"), D("90.5"), D("0.5"))
    assert [mark.x for mark in bars.marks] == ["238.0", "204.0", "170.0"]
    assert bars.break_path.startswith("M4 ")
    assert "trục bắt đầu từ 89,5%, không phải 0" in bars.title
