"""Results pages: who sees what, and a fixed number of queries whatever the number of units."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring.models import (
    BlockFinalisation,
    CouncilMembership,
    Criterion,
    Objection,
    Period,
    ResultsConfig,
    Score,
    Stage,
)
from tests.factories import (
    PASSWORD,
    CriterionFactory,
    appraised_block,
    enter_scores,
    full_minus,
    get_as,
    in_appraisal,
    publish_results,
    release_preliminary,
    small_framework,
    unit_sheet,
    user_with_role,
)
from units.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    framework = small_framework()
    period = in_appraisal(framework)
    own, other = unit_sheet(framework, "Hạ Đình"), unit_sheet(framework, "Kim Giang")
    enter_scores(own, full_minus(c1_2="1"))
    enter_scores(other, full_minus(c1_2="2"))
    secretary = user_with_role(Role.COUNCIL_SECRETARY)
    member = user_with_role(Role.COUNCIL_MEMBER)
    CouncilMembership.objects.create(period=period, user=member)
    BlockFinalisation.objects.create(period=period, block=framework.block, finalised_by=secretary)
    return {
        "period": period,
        "own": own,
        "other": other,
        "anonymous": None,
        "own_staff": user_with_role(Role.UNIT_STAFF, own.unit),
        "other_staff": user_with_role(Role.UNIT_STAFF, other.unit),
        "council_member": member,
        "secretary": secretary,
        "leadership": user_with_role(Role.LEADERSHIP),
    }


def release(world):
    release_preliminary(world["period"], world["secretary"], hours=24)


@pytest.mark.parametrize(
    "who,status",
    [
        ("anonymous", 302),
        ("own_staff", 404),
        ("other_staff", 404),
        ("council_member", 200),
        ("secretary", 200),
        ("leadership", 200),
    ],
)
def test_live_ranking_is_for_the_secretariat_council_and_leadership(client, world, who, status):
    response = get_as(client, world[who], reverse("results_live", args=[world["period"].year]))
    assert response.status_code == status
    if status == 200:
        assert "Hạ Đình" in response.text and "90,00" in response.text


@pytest.mark.parametrize(
    "who,before,after",
    [
        ("anonymous", 302, 302),
        ("own_staff", 404, 200),
        ("other_staff", 404, 404),
        ("council_member", 200, 200),
        ("secretary", 200, 200),
        ("leadership", 200, 200),
    ],
)
def test_a_unit_sees_its_own_detail_only_once_preliminary_results_are_out(client, world, who, before, after):
    url = reverse("results_unit", args=[world["period"].year, world["own"].unit_id])
    assert get_as(client, world[who], url).status_code == before
    release(world)
    response = client.get(url)
    assert response.status_code == after
    if after == 200:
        assert "Hạ Đình" in response.text


def test_a_conflicted_council_member_does_not_see_the_units_detail(client, world):
    world["council_member"].home_unit = world["own"].unit
    world["council_member"].save()
    url = reverse("results_unit", args=[world["period"].year, world["own"].unit_id])
    assert get_as(client, world["council_member"], url).status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "own_staff", "other_staff", "council_member", "secretary", "leadership"])
def test_nothing_is_published_before_the_decision(client, world, who):
    release(world)
    assert get_as(client, world[who], reverse("results_published", args=[world["period"].year])).status_code == 404


@pytest.mark.parametrize(
    "who,private,public",
    [
        ("anonymous", 404, 200),
        ("own_staff", 200, 200),
        ("other_staff", 200, 200),
        ("council_member", 200, 200),
        ("secretary", 200, 200),
        ("leadership", 200, 200),
    ],
)
def test_the_published_ranking_is_for_everyone_logged_in_and_for_visitors_when_public(
    client, world, who, private, public
):
    publish_results(world["period"], world["secretary"], world["leadership"])
    url = reverse("results_published", args=[world["period"].year])
    response = get_as(client, world[who], url)
    assert response.status_code == private
    ResultsConfig.objects.create(period=world["period"], is_public=True)
    response = client.get(url)
    assert response.status_code == public
    assert "Quyết định số 15/QĐ-UBND" in response.text
    assert "90,00" in response.text and "80,00" in response.text


def test_unit_staff_file_an_objection_through_the_page(client, world):
    release(world)
    criterion = Criterion.objects.get(framework=world["own"].framework, code="1.2")
    client.force_login(world["own_staff"])
    response = client.post(
        reverse("results_objection_file", args=[world["period"].year, world["own"].unit_id]),
        {"criterion": criterion.pk, "text": "Đã ban hành đủ văn bản"},
        follow=True,
    )
    assert "Đã gửi kiến nghị về tiêu chí 1.2." in response.text
    assert world["own"].objections.get().text == "Đã ban hành đủ văn bản"


@pytest.mark.parametrize("count", [20, 200])
def test_live_ranking_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries, count):
    period = appraised_block(count)
    client.force_login(user_with_role(Role.COUNCIL_SECRETARY, password=PASSWORD))
    with django_assert_num_queries(9):
        response = client.get(reverse("results_live", args=[period.year]))
    assert response.status_code == 200
    assert response.text.count("results/") >= count


@pytest.mark.parametrize("count", [20, 200])
def test_published_ranking_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries, count):
    period = appraised_block(count)
    secretary, leader = user_with_role(Role.COUNCIL_SECRETARY), user_with_role(Role.LEADERSHIP)
    publish_results(period, secretary, leader, number="1/QĐ", date=datetime.date(2024, 1, 5))
    client.force_login(leader)
    # a fixed count at 20 and at 200 units: the ranking, areas, last year and the signed annex are each one query
    with django_assert_num_queries(13):
        response = client.get(reverse("results_published", args=[period.year]))
    assert response.status_code == 200
    assert response.text.count("Đơn vị ") == 3 * count  # table row, chart label, chart tooltip
    # the publication never changes: the next reader gets the same ranking without reading it again
    with django_assert_num_queries(6):  # session, user, roles, who may see it, banner, notices
        again = client.get(reverse("results_published", args=[period.year]))
    ranking = response.text.split('data-testid="ranking-rule"')[1]  # the page's head holds a fresh CSRF token
    assert again.text.split('data-testid="ranking-rule"')[1] == ranking


# ---------------------------------------------------------------------------------------------
# Release, publication and objections read through forms: a bad value is named on the page and nothing changes


def test_a_malformed_objection_deadline_is_named_and_the_results_stay_unreleased(client, world):
    client.force_login(world["secretary"])
    response = client.post(
        reverse("results_release", args=[world["period"].year]), {"objection_deadline": "thứ hai tới"}, follow=True
    )
    assert "Hạn kiến nghị: Nhập một ngày/thời gian hợp lệ." in response.text
    world["period"].refresh_from_db()
    assert (world["period"].state, world["period"].objection_deadline) == (Period.State.APPRAISAL, None)


def test_the_secretary_releases_with_the_deadline_the_page_sends(client, world):
    client.force_login(world["secretary"])
    response = client.post(
        reverse("results_release", args=[world["period"].year]), {"objection_deadline": "2099-01-16T17:00"}, follow=True
    )
    assert "Đã công bố kết quả sơ bộ cho các đơn vị." in response.text
    world["period"].refresh_from_db()
    assert world["period"].state == Period.State.PRELIMINARY
    assert timezone.localtime(world["period"].objection_deadline).strftime("%Y-%m-%d %H:%M") == "2099-01-16 17:00"


def test_only_the_secretary_releases_even_with_a_malformed_deadline(client, world):
    client.force_login(world["leadership"])
    url = reverse("results_release", args=[world["period"].year])
    assert client.post(url, {"objection_deadline": "thứ hai tới"}).status_code == 404


@pytest.mark.parametrize(
    "data,message",
    [
        ({"decision_number": "15/QĐ-UBND", "decision_date": "16/01/2024"}, "Ngày ký: Nhập một ngày hợp lệ."),
        (
            {"decision_number": "1" * 61, "decision_date": "2024-01-16"},
            "Số quyết định: Giá trị này chỉ có tối đa 60 kí tự (hiện có 61)",
        ),
        ({"decision_number": " ", "decision_date": ""}, "Hãy nhập số quyết định công bố."),
    ],
)
def test_a_bad_decision_is_named_and_nothing_is_published(client, world, data, message):
    release(world)
    Period.objects.filter(pk=world["period"].pk).update(objection_deadline=timezone.now() - datetime.timedelta(1))
    client.force_login(world["leadership"])
    response = client.post(reverse("results_publish", args=[world["period"].year]), data, follow=True)
    assert message in response.text
    world["period"].refresh_from_db()
    assert world["period"].state == Period.State.PRELIMINARY
    assert not world["period"].publications.exists()


def test_leadership_publishes_with_the_decision_the_page_sends(client, world):
    release(world)
    Period.objects.filter(pk=world["period"].pk).update(objection_deadline=timezone.now() - datetime.timedelta(1))
    client.force_login(world["leadership"])
    response = client.post(
        reverse("results_publish", args=[world["period"].year]),
        {"decision_number": " 15/QĐ-UBND ", "decision_date": "2024-01-16"},
        follow=True,
    )
    assert "Đã công bố kết quả (lần 1)." in response.text
    publication = world["period"].publications.get()
    assert (publication.decision_number, publication.decision_date) == ("15/QĐ-UBND", datetime.date(2024, 1, 16))


def filed_objection(world) -> tuple:
    from scoring.results.services import objection_file

    release(world)
    criterion = Criterion.objects.get(framework=world["own"].framework, code="2.1")
    objection = objection_file(actor=world["own_staff"], assessment=world["own"], criterion=criterion, text="Đủ")
    return objection, criterion


def resolve(client, world, objection, **data):
    """The secretary resolves the objection through the unit's result page (score inputs as `value=`)."""
    score = {f"o{objection.pk}-{key}": data.pop(key) for key in ("value",) if key in data}
    client.force_login(world["secretary"])
    url = reverse("results_objection_resolve", args=[objection.pk])
    return client.post(url, {**data, **score, f"o{objection.pk}-version": "0"}, follow=True)


def test_an_objection_accepted_with_a_score_outside_the_rule_is_named_and_stays_filed(client, world):
    objection, criterion = filed_objection(world)
    response = resolve(client, world, objection, decision="accept", value="9", resolution="Đúng")
    assert "Điểm phải từ 0 đến 1,5." in response.text
    objection.refresh_from_db()
    assert objection.state == Objection.State.FILED
    assert not Score.objects.filter(assessment=world["own"], criterion=criterion, stage=Stage.ROUND_2).exists()


def test_an_objection_accepted_through_the_page_is_rescored_in_round_two(client, world):
    objection, criterion = filed_objection(world)
    response = resolve(client, world, objection, decision="accept", value="1,25", resolution="Có")
    assert "Đã giải quyết kiến nghị về tiêu chí 2.1." in response.text
    objection.refresh_from_db()
    assert (objection.state, objection.new_points) == (Objection.State.ACCEPTED, Decimal("1.25"))
    round_two = Score.objects.get(assessment=world["own"], criterion=criterion, stage=Stage.ROUND_2)
    assert (round_two.value, round_two.points) == (Decimal("1.25"), Decimal("1.25"))


def test_an_unknown_decision_on_an_objection_is_named_and_changes_nothing(client, world):
    objection, _criterion = filed_objection(world)
    response = resolve(client, world, objection, decision="maybe", resolution="?")
    assert "Quyết định: Hãy chọn một lựa chọn hợp lệ. maybe không phải là một trong các lựa chọn khả thi." in (
        response.text
    )
    objection.refresh_from_db()
    assert (objection.state, objection.resolution) == (Objection.State.FILED, "")


def test_an_objection_on_a_criterion_of_another_framework_is_not_found(client, world):
    release(world)
    foreign = Criterion.objects.exclude(framework=world["own"].framework).first() or CriterionFactory()
    client.force_login(world["own_staff"])
    url = reverse("results_objection_file", args=[world["period"].year, world["own"].unit_id])
    assert client.post(url, {"criterion": foreign.pk, "text": "Sai"}).status_code == 404
    response = client.post(url, {"criterion": Criterion.objects.get(framework=world["own"].framework, code="2.1").pk})
    assert response.status_code == 302
    assert not world["own"].objections.exists()
