"""What-if before publication, on a hand-checked block of the 10-point small framework (bands 90 Tốt, 80 Khá,
70 Trung bình, 0 Yếu), period in appraisal:

  Hạ Đình 9,5 (95,00 %, rank 1) · Kim Giang 8,5 (85,00 %, rank 2) · Khương Mai 8 (80,00 %, rank 3, lost 2 on 1.2)
  · Nhân Chính 7 of 9 (1.3 does not apply: 77,78 %, rank 4).
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from scoring.models import CouncilMembership, Criterion, Period, Score, Stage
from scoring.results.compute import rank_of, unit_results
from scoring.results.dashboard.whatif import cents_for_index, index_hundredths, what_if
from tests.factories import (
    NOT_APPLICABLE,
    enter_scores,
    full_minus,
    small_framework,
    standard_bands,
    unit_sheet,
    user_with_role,
)
from tests.world import row_counts
from units.models import Role

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def block():
    framework = small_framework()
    period = framework.period
    Period.objects.filter(pk=period.pk).update(state=Period.State.APPRAISAL, year=2023)
    period.refresh_from_db()
    standard_bands(period)
    sheets = {}
    for name, scores in [
        ("Hạ Đình", full_minus(c2_1="0.5")),
        ("Kim Giang", full_minus(c2_1="1.5")),
        ("Khương Mai", full_minus(c1_2="2")),
        ("Nhân Chính", {**full_minus(c1_2="1", c2_1="1"), "1.3": NOT_APPLICABLE}),
    ]:
        sheets[name] = unit_sheet(framework, f"UBND phường {name}")
        enter_scores(sheets[name], scores)
    criteria = {criterion.code: criterion for criterion in Criterion.objects.filter(framework=framework)}
    return {"period": period, "sheets": sheets, "criteria": criteria}


def test_the_rounding_is_the_live_results_own():
    assert index_hundredths(7919, 9900) == 7999  # 79,99 %: 79,19 of 99
    assert index_hundredths(7920, 9900) == 8000
    assert cents_for_index(8000, 9900) == 7920  # the fewest hundredths of a point that reach 80,00 %
    assert index_hundredths(0, 0) is None


def test_a_better_score_moves_the_unit_up_and_says_what_the_next_step_costs(block):
    result = what_if(block["period"], block["sheets"]["Khương Mai"], block["criteria"]["1.2"], D("1.5"))

    assert (result.current_points, result.new_points) == (D("0"), D("1.5"))
    before, after = result.before, result.after
    assert (before.points, before.index, before.rank, before.band) == (D("8"), D("80"), 3, "Khá")
    assert (after.points, after.index, after.rank, after.band) == (D("9.5"), D("95"), 1, "Tốt")  # ties Hạ Đình
    assert (result.index_change, result.rank_change) == (D("15"), 2)
    # Now: 0,5 more ties Kim Giang for rank 2; 10 points is the most, and 90 % (Tốt) needs 1 more.
    assert (before.next_rank, before.points_for_next_rank) == (2, D("0.5"))
    assert (before.next_band, before.points_for_next_band) == ("Tốt", D("1"))
    assert (after.next_rank, after.next_band) == (None, "")


def test_a_worse_score_moves_the_unit_down_a_band(block):
    result = what_if(block["period"], block["sheets"]["Kim Giang"], block["criteria"]["1.1.2"], D("0"))

    assert (result.after.points, result.after.index, result.after.rank, result.after.band) == (
        D("6.5"),
        D("65"),
        4,
        "Yếu",
    )
    # Nhân Chính has 77,78 %: 6,5 → 7,78 of 10 ties it (77,80 ≥ 77,78); 70 % (Trung bình) needs 0,5.
    assert (result.after.next_rank, result.after.points_for_next_rank) == (3, D("1.28"))
    assert (result.after.next_band, result.after.points_for_next_band) == ("Trung bình", D("0.5"))


def test_what_if_agrees_with_the_live_results_once_the_score_is_really_changed(block):
    period, unit = block["period"], block["sheets"]["Nhân Chính"]
    result = what_if(period, unit, block["criteria"]["2.2"], D("0.5"))

    Score.objects.filter(assessment=unit, criterion=block["criteria"]["2.2"], stage=Stage.ROUND_1).update(
        points=D("0.5")
    )
    live = next(row for row in unit_results(period) if row.pk == unit.pk)

    assert (result.after.points, result.after.index, result.after.rank, result.after.band) == (
        live.points,
        live.index,
        rank_of(live),
        live.band,
    )


@pytest.mark.parametrize(
    "code,points,message",
    [
        ("1.2", "2.5", "Điểm giả định phải từ 0 đến 2."),
        ("1.2", "-1", "Điểm giả định phải từ 0 đến 2."),
        ("1.2", "0.125", "Điểm giả định có nhiều nhất hai chữ số thập phân."),
    ],
)
def test_impossible_scores_are_refused(block, code, points, message):
    with pytest.raises(ValidationError) as refused:
        what_if(block["period"], block["sheets"]["Khương Mai"], block["criteria"][code], D(points))

    assert refused.value.messages == [message]


def test_a_criterion_that_does_not_apply_cannot_be_tried(block):
    with pytest.raises(ValidationError) as refused:
        what_if(block["period"], block["sheets"]["Nhân Chính"], block["criteria"]["1.3"], D("1"))

    assert refused.value.messages == ["Tiêu chí 1.3 không áp dụng đối với đơn vị."]


def url(block, name="Khương Mai", code="1.2", points="1,5"):
    unit = block["sheets"][name].unit_id
    query = f"?unit={unit}&criterion={block['criteria'][code].pk}&points={points}"
    return reverse("results_what_if", args=[2023]) + query


@pytest.mark.parametrize("role", [Role.COUNCIL_SECRETARY, Role.LEADERSHIP])
def test_the_secretariat_and_leadership_try_it_and_nothing_is_stored(client, block, role):
    client.force_login(user_with_role(role))
    before = row_counts()

    response = client.get(url(block))

    html = response.content.decode()
    assert response.status_code == 200
    assert "UBND phường Khương Mai: tiêu chí 1.2 từ 0 thành 1,5 điểm" in html
    assert '<td class="numeric" data-figure="index">95,00</td>' in html
    assert '<td class="numeric" data-figure="rank">1</td>' in html
    assert row_counts() == before


def test_bad_input_gets_a_clear_message(client, block):
    client.force_login(user_with_role(Role.LEADERSHIP))

    html = client.get(url(block, points="abc")).content.decode()

    assert "“abc” không phải là số." in html
    assert 'data-testid="what-if-result"' not in html


@pytest.mark.parametrize("role", [Role.COUNCIL_MEMBER, Role.UNIT_STAFF, Role.UNIT_HEAD])
def test_nobody_else_sees_unpublished_figures(client, block, role):
    unit = block["sheets"]["Khương Mai"].unit if role != Role.COUNCIL_MEMBER else None
    client.force_login(user_with_role(role, unit))

    assert client.get(url(block)).status_code == 404


def test_never_for_a_council_members_own_unit(client, block):
    leader = user_with_role(Role.LEADERSHIP, home_unit=block["sheets"]["Khương Mai"].unit)
    CouncilMembership.objects.create(period=block["period"], user=leader)  # leadership sitting on the council
    client.force_login(leader)

    html = client.get(url(block)).content.decode()

    assert "UBND phường Kim Giang" in html  # the others can be tried
    assert "UBND phường Khương Mai" not in html
    assert 'data-testid="what-if-result"' not in html


def test_not_after_publication(client, block):
    Period.objects.filter(pk=block["period"].pk).update(state=Period.State.PUBLISHED)
    client.force_login(user_with_role(Role.LEADERSHIP))

    assert client.get(url(block)).status_code == 404


def test_the_page_reads_a_fixed_number_of_queries(client, block, django_assert_num_queries):
    secretary = user_with_role(Role.COUNCIL_SECRETARY)
    client.force_login(secretary)
    client.get(url(block))
    # session, user, roles, period, the sheets, the criteria, results of the block, the criterion, bands, results
    # config, unread notices, banner
    with django_assert_num_queries(12):
        client.get(url(block))
