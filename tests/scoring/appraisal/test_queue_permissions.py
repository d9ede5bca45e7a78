"""The queue's permission twins agree with the per-sheet predicates they stand in for, seat by seat."""

import pytest

from scoring.models import Assessment, BlockFinalisation, Criterion, Period
from scoring.permissions.appraisal import (
    appraisable_assessments,
    appraisal_workspaces,
    can_appraise,
    can_open_workspace,
)
from tests.factories import UnitFactory, seat, self_scored_sheet, user_with_role
from units.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def seats(sheets):
    """Two submitted sheets (Hạ Đình, Khương Mai), a draft (Kim Giang), and a member of every kind of seat."""
    period, unit = sheets.period, sheets.unit
    third = UnitFactory(block=sheets.framework.block, name="UBND phường Khương Mai", position=3)
    self_scored_sheet(sheets.framework, third, user_with_role(Role.UNIT_HEAD, unit=third))
    area = min(
        code.split(".")[0]
        for code in Criterion.objects.filter(framework=sheets.framework).values_list("code", flat=True)
    )
    people = {
        "unit": seat(period, unit=unit),
        "area": seat(period, area_code=area),
        "unit_area": seat(period, unit=third, area_code=area),
        "unassigned": seat(period),
        "conflicted": seat(period, area_code=area, home_unit=unit),
        "chair": seat(period, is_chair=True),
        "draft_only": seat(period, unit=sheets.other_unit),
        "not_a_member": user_with_role(Role.COUNCIL_MEMBER),
    }
    return sheets, people


def _twins(person, period: Period) -> tuple[set[int], set[int]]:
    return (
        set(appraisal_workspaces(person, period).values_list("pk", flat=True)),
        set(appraisable_assessments(person, period).values_list("pk", flat=True)),
    )


def _predicates(person, period: Period) -> tuple[set[int], set[int]]:
    sheets = list(Assessment.objects.filter(period=period).select_related("unit", "period"))
    return (
        {
            s.pk
            for s in sheets
            if s.state == Assessment.State.SUBMITTED and can_open_workspace(person, s.unit_id, period)
        },
        {s.pk for s in sheets if can_appraise(person, s)},
    )


@pytest.mark.parametrize(
    "who", ["unit", "area", "unit_area", "unassigned", "conflicted", "chair", "draft_only", "not_a_member"]
)
def test_the_twins_list_exactly_the_sheets_the_predicates_allow(seats, who):
    sheets, people = seats
    # when / then
    assert _twins(people[who], sheets.period) == _predicates(people[who], sheets.period)


def test_the_twins_follow_a_finalised_block_and_a_period_past_appraisal(seats):
    sheets, people = seats
    chair = people["chair"]
    opened, writable = _twins(chair, sheets.period)
    assert len(opened) == 2 and writable == opened

    # given: the block closed
    BlockFinalisation.objects.create(period=sheets.period, block=sheets.framework.block, finalised_by=chair)
    chair.__dict__.pop("_cchc_seats", None)
    # then: still opens, no longer writable — as the predicates say
    assert _twins(chair, sheets.period) == (opened, set()) == _predicates(chair, sheets.period)

    # given: the period moved on to its preliminary results
    BlockFinalisation.objects.all().delete()
    chair.__dict__.pop("_cchc_seats", None)
    Period.objects.filter(pk=sheets.period.pk).update(state=Period.State.PRELIMINARY)
    period = Period.objects.get(pk=sheets.period.pk)
    assert _twins(chair, period) == (opened, set()) == _predicates(chair, period)


def test_a_draft_never_reaches_the_twins(seats):
    sheets, people = seats
    assert sheets.draft.pk not in _twins(people["draft_only"], sheets.period)[0]
