"""The council's figures kept once per version of the results (the round-1 counts, the largest differences between
the council and the units), and every change that moves them seen by the next reader, whatever wrote it."""

from decimal import Decimal

import pytest

from scoring.council.selectors import largest_differences, unit_progress
from scoring.models import Score, Stage
from tests.factories import enter_scores, full_minus, in_appraisal, small_framework, unit_sheet


@pytest.fixture
def sheets():
    """Two self-assessed sheets; the council has scored Hạ Đình's round 1, 1.2 a point below the unit's 2."""
    framework = small_framework()
    in_appraisal(framework)
    ha_dinh, kim_giang = unit_sheet(framework, "Hạ Đình"), unit_sheet(framework, "Kim Giang")
    for sheet in (ha_dinh, kim_giang):
        enter_scores(sheet, full_minus(), stage=Stage.SELF)
    enter_scores(ha_dinh, full_minus(c1_2="1"))
    return framework.period, ha_dinh, kim_giang


def figures(period) -> tuple[dict, list]:
    """What the overview shows of them: each unit's round-1 count, and the differences (unit, code, own, council)."""
    progress = unit_progress(period)
    differences = largest_differences([row.pk for row in progress.rows], stamp=progress.stamp)
    return (
        {row.unit_name: row.round_one for row in progress.rows},
        [(item.unit_name, item.criterion_code, item.self_points, item.council_points) for item in differences],
    )


# Outside a test transaction, as a page reads.
@pytest.mark.django_db(transaction=True)
def test_the_councils_figures_are_kept_per_version_and_each_change_is_seen_at_once(sheets, django_assert_num_queries):
    period, ha_dinh, kim_giang = sheets
    first = figures(period)
    assert first == ({"Hạ Đình": "7", "Kim Giang": "0"}, [("Hạ Đình", "1.2", Decimal("2.00"), Decimal("1.00"))])
    with django_assert_num_queries(2):  # the version and the sheets: the counts and the differences are kept
        assert figures(period) == first

    # when Hạ Đình's own 1.2 is brought to the council's point (a bulk update no Python code sees)
    Score.objects.filter(assessment=ha_dinh, stage=Stage.SELF, criterion__code="1.2").update(points=Decimal("1"))
    assert figures(period) == ({"Hạ Đình": "7", "Kim Giang": "0"}, [])

    # when the council scores Kim Giang's 2.1 half a point below the unit
    enter_scores(kim_giang, {"2.1": "1"})
    assert figures(period) == (
        {"Hạ Đình": "7", "Kim Giang": "1"},
        [("Kim Giang", "2.1", Decimal("1.50"), Decimal("1.00"))],
    )


@pytest.mark.django_db
def test_inside_a_transaction_the_figures_are_computed_afresh(sheets, django_assert_num_queries):
    period, ha_dinh, kim_giang = sheets
    figures(period)
    with django_assert_num_queries(3):  # no version read: the sheets, the counts and the differences
        figures(period)
