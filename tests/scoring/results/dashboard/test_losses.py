"""Where points are lost: a block's costliest criteria with the council's reasons, and a unit's weakest criteria
against the block average, read from hand-made published criterion rows.

Block K, 2022, criteria 1.1 (max 2), 1.2 (max 3), 2.1 (max 5):
  A (rank 1): 1.1 2, 1.2 2.5 ("thiếu biên bản"), 2.1 5
  B (rank 2): 1.1 1, 1.2 1 ("không có kế hoạch"), 2.1 4.5
  C (rank 3): 1.1 0 ("không ban hành"), 1.2 does not apply, 2.1 4
  E (not ranked): 1.1 0, 1.2 0, 2.1 0 — never counted.
Lost: 1.2 = 0.5 + 2 = 2.5; 1.1 = 1 + 2 = 3; 2.1 = 0.5 + 1 = 1.5; total 7.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from scoring.models import ResultCriterionRow, ResultRow, ResultsConfig
from scoring.results.dashboard.losses import block_losses, unit_weakest
from scoring.results.published import publication_unit_row
from tests.factories import AuthorityFactory, BlockFactory, PeriodFactory, UnitFactory, publish_snapshot

pytestmark = pytest.mark.django_db

D = Decimal
MAXIMA = {"1.1": "2", "1.2": "3", "2.1": "5"}
SCORES = {
    "A": {"1.1": ("2", ""), "1.2": ("2.5", "thiếu biên bản"), "2.1": ("5", "")},
    "B": {"1.1": ("1", ""), "1.2": ("1", "không có kế hoạch"), "2.1": ("4.5", "")},
    "C": {"1.1": ("0", "không ban hành"), "1.2": (None, ""), "2.1": ("4", "")},
    "E": {"1.1": ("0", ""), "1.2": ("0", ""), "2.1": ("0", "")},
}


@pytest.fixture
def publication():
    authority = AuthorityFactory()
    block = BlockFactory(authority=authority, name="Khối K")
    units = {name: UnitFactory(block=block, name=f"UBND phường {name}") for name in "ABCE"}
    ranks = {"A": 1, "B": 2, "C": 3, "E": None}
    publication = publish_snapshot(
        PeriodFactory(authority=authority, year=2022),
        [
            {"unit": units[name], "points": "9", "adjusted_max": "10", "index": "90", "rank": ranks[name]}
            for name in "ABCE"
        ],
    )
    ResultsConfig.objects.create(period=publication.period, is_public=True)
    rows = {row.unit_name[-1]: row for row in ResultRow.objects.filter(publication=publication)}
    ResultCriterionRow.objects.bulk_create(
        ResultCriterionRow(
            row=rows[name],
            code=code,
            title=f"Tiêu chí {code}",
            position=position,
            max_points=D(MAXIMA[code]),
            final_points=None if points is None else D(points),
            is_not_applicable=points is None,
            reason=reason,
        )
        for name, scores in SCORES.items()
        for position, (code, (points, reason)) in enumerate(scores.items())
    )
    return {"publication": publication, "units": units}


def test_the_costliest_criteria_come_first_with_the_councils_reasons(publication):
    [block] = block_losses(publication["publication"])

    assert (block.block_name, block.total_lost) == ("Khối phường", D("7"))  # the published block name
    assert [(loss.code, loss.lost, loss.losing_count, loss.unit_count) for loss in block.criteria] == [
        ("1.1", D("3"), 2, 3),
        ("1.2", D("2.5"), 2, 2),  # C: does not apply, so neither lost nor counted
        ("2.1", D("1.5"), 2, 3),
    ]
    assert [(reason.unit_name, reason.lost, reason.reason) for reason in block.criteria[1].reasons] == [
        ("UBND phường B", D("2"), "không có kế hoạch"),
        ("UBND phường A", D("0.5"), "thiếu biên bản"),
    ]
    assert block_losses(publication["publication"], limit=1)[0].criteria[0].code == "1.1"


def test_a_units_weakest_criteria_stand_against_the_block_average(publication):
    row = publication_unit_row(publication["publication"], publication["units"]["B"].pk)

    weakest = unit_weakest(publication["publication"], row)

    # Block averages over A, B, C: 1.1 = 1, 1.2 = (2.5 + 1) / 2 = 1.75, 2.1 = 4.5.
    assert [(item.code, item.lost, item.block_average, item.difference) for item in weakest] == [
        ("1.2", D("2"), D("1.75"), D("-0.75")),
        ("1.1", D("1"), D("1"), D("0")),
        ("2.1", D("0.5"), D("4.5"), D("0")),
    ]
    assert weakest[0].reason == "không có kế hoạch"


def test_the_losses_page_is_public_like_the_ranking_and_reads_three_queries(
    client, publication, django_assert_num_queries
):
    with django_assert_num_queries(3):
        response = client.get(reverse("results_losses", args=[2022]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Cả khối mất tổng cộng 7 điểm." in html
    assert html.index("1.1 Tiêu chí 1.1") < html.index("1.2 Tiêu chí 1.2") < html.index("2.1 Tiêu chí 2.1")
    assert "UBND phường B</a> (−2): không có kế hoạch" in html
    assert "UBND phường E" not in html  # not ranked: not counted

    ResultsConfig.objects.filter(period=publication["publication"].period).update(is_public=False)
    assert client.get(reverse("results_losses", args=[2022])).status_code == 404


def test_the_unit_page_lists_its_weakest_criteria(client, publication):
    response = client.get(reverse("results_unit_losses", args=[2022, publication["units"]["C"].pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Tiêu chí yếu của UBND phường C năm 2022" in html
    assert html.count('data-figure="lost"') == 2  # 1.1 and 2.1; 1.2 does not apply
    assert "không ban hành" in html
    missing = client.get(reverse("results_unit_losses", args=[2022, UnitFactory().pk]))
    assert missing.status_code == 404
