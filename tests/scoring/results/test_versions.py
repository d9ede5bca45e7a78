"""The version of a period's results, kept by database triggers, and the rows computed once per version."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F

from scoring.models import (
    AdjustmentEntry,
    AdjustmentItem,
    ClassificationBand,
    Criterion,
    RankingExclusion,
    ResultsVersion,
    Score,
    Stage,
)
from scoring.results.compute import unit_result_rows, unit_results
from scoring.results.versions import WATCHED, missing_triggers
from tests.factories import (
    PeriodFactory,
    RoleAssignmentFactory,
    UserFactory,
    enter_scores,
    full_minus,
    small_framework,
    unit_sheet,
)
from units.models import Role


def counter(period) -> int:
    return ResultsVersion.objects.get(period=period).counter


def figures(rows) -> list[tuple]:
    return [(row.pk, row.unit.name, row.points, row.index, row.rank_in_partition, row.band) for row in rows]


@pytest.fixture
def appraised():
    """A block of two appraised sheets, the first also self-assessed."""
    framework = small_framework()
    sheets = [unit_sheet(framework, name) for name in ("Hạ Đình", "Kim Giang")]
    for sheet in sheets:
        enter_scores(sheet, full_minus(c1_2="1"))
    enter_scores(sheets[0], full_minus(), stage=Stage.SELF)
    return framework, sheets


@pytest.mark.django_db
def test_every_watched_table_has_its_trigger_on_this_database():
    assert missing_triggers() == []
    assert len(WATCHED) == 13


@pytest.mark.django_db
def test_a_new_period_gets_its_own_random_token():
    first, second = PeriodFactory(), PeriodFactory()
    tokens = [ResultsVersion.objects.get(period=period).token for period in (first, second)]
    assert all(len(token) == 32 for token in tokens)
    assert tokens[0] != tokens[1]


def _round1(sheets):
    return Score.objects.filter(assessment=sheets[0], stage=Stage.ROUND_1)


CHANGES = {
    "a council score changed": lambda framework, sheets: (
        _round1(sheets).filter(criterion__code="1.2").update(points=Decimal("0.5"))
    ),
    "a council score deleted": lambda framework, sheets: _round1(sheets).filter(criterion__code="1.2").delete(),
    "a unit's own score on a sheet the council has begun": lambda framework, sheets: Score.objects.filter(
        assessment=sheets[0], stage=Stage.SELF, criterion__code="1.2"
    ).update(points=Decimal("0")),
    "a round-2 score added": lambda framework, sheets: enter_scores(sheets[1], {"1.2": "1"}, stage=Stage.ROUND_2),
    "a bonus entered": lambda framework, sheets: AdjustmentEntry.objects.create(
        assessment=sheets[0],
        item=AdjustmentItem.objects.create(framework=framework, kind="bonus", code="T1", title="T", max_points=1),
        points=Decimal("1"),
        reason="Sáng kiến",
        entered_by=UserFactory(),
    ),
    "a criterion's maximum changed": lambda framework, sheets: Criterion.objects.filter(
        framework=framework, code="2.1"
    ).update(max_points=F("max_points") + 1),
    "a framework's cap changed": lambda framework, sheets: (
        type(framework).objects.filter(pk=framework.pk).update(bonus_cap=Decimal("3"))
    ),
    "a unit excluded from the ranking": lambda framework, sheets: RankingExclusion.objects.create(
        period=framework.period, unit=sheets[0].unit, reason="Mới sáp nhập", created_by=UserFactory()
    ),
    "a band added": lambda framework, sheets: ClassificationBand.objects.create(
        period=framework.period, min_index=Decimal("50"), label="Khá"
    ),
    "the survey switched off": lambda framework, sheets: (
        type(framework.period).objects.filter(pk=framework.period.pk).update(has_survey=False)
    ),
    "a unit renamed": lambda framework, sheets: (
        type(sheets[0].unit).objects.filter(pk=sheets[0].unit_id).update(name="Hạ Đình mới")
    ),
    "a block renamed": lambda framework, sheets: (
        type(framework.block).objects.filter(pk=framework.block_id).update(name="Khối mới")
    ),
    "a head named": lambda framework, sheets: RoleAssignmentFactory(role=Role.UNIT_HEAD, unit=sheets[0].unit),
    "a head's name corrected": lambda framework, sheets: (
        type(UserFactory())
        .objects.filter(pk=RoleAssignmentFactory(role=Role.UNIT_HEAD, unit=sheets[1].unit).user_id)
        .update(full_name="Nguyễn Văn Mới")
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_to_an_input_of_the_results_moves_the_version(appraised, change):
    framework, sheets = appraised
    before = counter(framework.period)
    CHANGES[change](framework, sheets)
    assert counter(framework.period) > before


@pytest.mark.django_db
def test_what_is_not_an_input_leaves_the_version_alone(appraised):
    # given a unit saving its own score on a sheet the council has not begun, a login and a non-head role
    framework, sheets = appraised
    own = unit_sheet(framework, "Thanh Xuân")
    enter_scores(own, full_minus(), stage=Stage.SELF)
    before = counter(framework.period)
    Score.objects.filter(assessment=own, stage=Stage.SELF).update(points=Decimal("0"))
    user = UserFactory()
    type(user).objects.filter(pk=user.pk).update(last_login="2026-12-04T08:00:00+07:00")
    RoleAssignmentFactory(role=Role.UNIT_STAFF, unit=sheets[0].unit)
    assert counter(framework.period) == before


@pytest.mark.django_db
def test_a_change_in_one_period_leaves_the_others_alone(appraised):
    framework, sheets = appraised
    other = small_framework()
    before = counter(other.period)
    _round1(sheets).update(points=Decimal("0"))
    assert counter(other.period) == before


# Outside a test transaction, as a page reads: the rows are kept per version and the next change is seen at once.
@pytest.mark.django_db(transaction=True)
def test_rows_are_computed_once_per_version_and_a_change_is_seen_at_once(appraised, django_assert_num_queries):
    framework, sheets = appraised
    period = framework.period
    first = unit_result_rows(period, ranking_method="rank")
    assert figures(first) == figures(unit_results(period, ranking_method="rank"))
    with django_assert_num_queries(1):  # the version only
        again = unit_result_rows(period, ranking_method="rank")
    assert figures(again) == figures(first)

    # when the council lowers a score with a bulk update that no Python code sees
    _round1(sheets).filter(criterion__code="1.1.2").update(points=Decimal("0"))
    after = unit_result_rows(period, ranking_method="rank")
    assert figures(after) == figures(unit_results(period, ranking_method="rank"))
    assert [row.points for row in after] != [row.points for row in first]
    assert after[0].unit.name == "Kim Giang"  # Hạ Đình lost two points and its first place


@pytest.mark.django_db
def test_a_bulk_insert_moves_the_version_once_on_postgresql(appraised):
    # PostgreSQL's triggers run once per statement (transition tables), SQLite's once per row: both move it
    framework, sheets = appraised
    before = counter(framework.period)
    enter_scores(sheets[1], {"1.2": "1", "2.1": "1", "2.2": "1"}, stage=Stage.ROUND_2)
    moved = counter(framework.period) - before
    assert moved == (1 if connection.vendor == "postgresql" else 3)
