"""Accountability down to the officer: the head names who prepares each criterion; the sheet shows and filters by
that officer; after publication the head and the secretary read each officer's criteria, final scores and losses.

Each test builds on the role_world: Hạ Đình (own) has a focal officer and a head; 2022 is published (Hạ Đình lost 1
of 2 on 1.2); 2023 is under appraisal. A 2023-like sheet in self-assessment is made where the head may still assign.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from scoring.models import Assessment, AuditEvent, Criterion, CriterionPreparer, Period
from scoring.officers.selectors import officer_results
from scoring.officers.services import preparers_assign
from tests.factories import user_with_role
from tests.world import row_counts
from units.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_sheet(role_world):
    """The 2023 sheet of Hạ Đình back in self-assessment (a draft the head may divide)."""
    sheet = role_world["sheets"]["own"]
    Period.objects.filter(pk=sheet.period_id).update(
        state=Period.State.SELF_ASSESSMENT, self_assessment_deadline=timezone.now() + datetime.timedelta(days=5)
    )
    Assessment.objects.filter(pk=sheet.pk).update(state=Assessment.State.DRAFT, submitted_at=None, submitted_by=None)
    return Assessment.objects.select_related("period", "unit").get(pk=sheet.pk)


def leaves(assessment) -> dict[str, Criterion]:
    return {c.code: c for c in Criterion.objects.filter(framework_id=assessment.framework_id).exclude(rule_type="")}


def test_the_head_names_an_officer_for_each_criterion(role_world, open_sheet):
    head, staff = role_world["people"]["own_head"], role_world["people"]["own_staff"]
    criteria = leaves(open_sheet)

    changed = preparers_assign(
        actor=head, assessment=open_sheet, officers={criteria["1.1.1"].pk: staff.pk, criteria["2.1"].pk: head.pk}
    )

    assert changed == 2
    assert dict(CriterionPreparer.objects.values_list("criterion__code", "officer__username")) == {
        "1.1.1": "cb-ha-dinh",
        "2.1": "ct-ha-dinh",
    }
    assert AuditEvent.objects.get(action="preparers.assign").summary == (
        "Phân công cán bộ chuẩn bị 2 tiêu chí của UBND phường Hạ Đình"
    )
    # Clearing one and leaving the other as it is changes one.
    assert (
        preparers_assign(
            actor=head, assessment=open_sheet, officers={criteria["1.1.1"].pk: None, criteria["2.1"].pk: head.pk}
        )
        == 1
    )
    assert list(CriterionPreparer.objects.values_list("criterion__code", flat=True)) == ["2.1"]


@pytest.mark.parametrize("who", ["own_staff", "other_staff", "secretary", "leadership"])
def test_only_the_head_divides_the_work(role_world, open_sheet, who):
    criteria = leaves(open_sheet)
    before = row_counts()

    with pytest.raises(PermissionDenied):
        preparers_assign(
            actor=role_world["people"][who],
            assessment=open_sheet,
            officers={criteria["1.1.1"].pk: role_world["people"]["own_staff"].pk},
        )

    assert row_counts() == before


def test_an_officer_of_another_unit_is_refused_and_nothing_changes(role_world, open_sheet):
    criteria = leaves(open_sheet)
    before = row_counts()

    with pytest.raises(ValidationError) as refused:
        preparers_assign(
            actor=role_world["people"]["own_head"],
            assessment=open_sheet,
            officers={
                criteria["1.1.1"].pk: role_world["people"]["own_staff"].pk,
                criteria["1.2"].pk: role_world["people"]["other_staff"].pk,
            },
        )

    assert refused.value.messages == ["Người được phân công phải là cán bộ của UBND phường Hạ Đình."]
    assert row_counts() == before


def test_the_sheet_shows_and_filters_by_officer(client, role_world, open_sheet):
    head, staff = role_world["people"]["own_head"], role_world["people"]["own_staff"]
    criteria = leaves(open_sheet)
    preparers_assign(
        actor=head, assessment=open_sheet, officers={criteria["1.1.1"].pk: staff.pk, criteria["2.1"].pk: head.pk}
    )
    client.force_login(staff)
    url = reverse("assessment_sheet", args=[open_sheet.pk])

    html = client.get(url).content.decode()
    assert f"Cán bộ chuẩn bị: <strong>{staff.get_full_name()}</strong>" in html
    assert 'data-testid="preparer-2.1"' in html

    mine = client.get(url, {"officer": staff.pk}).content.decode()
    assert 'id="title-' + str(criteria["1.1.1"].pk) + '"' in mine
    assert 'id="title-' + str(criteria["2.1"].pk) + '"' not in mine
    unassigned = client.get(url, {"officer": "none"}).content.decode()
    assert 'id="title-' + str(criteria["1.2"].pk) + '"' in unassigned
    assert 'id="title-' + str(criteria["1.1.1"].pk) + '"' not in unassigned


def test_the_head_assigns_through_the_page(client, role_world, open_sheet):
    head, staff = role_world["people"]["own_head"], role_world["people"]["own_staff"]
    criteria = leaves(open_sheet)
    client.force_login(head)

    response = client.post(
        reverse("assessment_preparers", args=[open_sheet.pk]), {f"officer-{criteria['1.2'].pk}": str(staff.pk)}
    )

    assert response.status_code == 302
    assert CriterionPreparer.objects.get().criterion == criteria["1.2"]
    html = client.get(reverse("assessment_preparers", args=[open_sheet.pk])).content.decode()
    assert f'<option value="{staff.pk}" selected>' in html


def published_preparers(role_world):
    """In 2022 the focal officer prepared area 1 and the head area 2 of Hạ Đình's sheet."""
    sheet = role_world["published_sheets"]["own"]
    people = role_world["people"]
    CriterionPreparer.objects.bulk_create(
        CriterionPreparer(
            assessment=sheet,
            criterion=criterion,
            officer=people["own_staff"] if criterion.code.startswith("1") else people["own_head"],
            assigned_by=people["own_head"],
        )
        for criterion in leaves(sheet).values()
        if criterion.code != "2.3"
    )


def test_after_publication_each_officer_answers_for_their_criteria(role_world):
    published_preparers(role_world)

    results = officer_results(role_world["publication"], role_world["own"].pk)

    # Focal officer: 1.1.1, 1.1.2, 1.2 (1 of 2), 1.3 = 5 of 6; head: 2.1, 2.2 = 3 of 3; 2.3 unassigned.
    assert [
        (r.officer.username if r.officer else None, [c.code for c in r.criteria], r.final_points, r.lost)
        for r in results
    ] == [
        ("cb-ha-dinh", ["1.1.1", "1.1.2", "1.2", "1.3"], Decimal("5"), Decimal("1")),
        ("ct-ha-dinh", ["2.1", "2.2"], Decimal("3"), Decimal("0")),
        (None, ["2.3"], Decimal("1"), Decimal("0")),
    ]


@pytest.mark.parametrize("who,status", [("own_head", 200), ("secretary", 200), ("own_staff", 404), ("leadership", 404)])
def test_the_officers_page_is_for_the_head_and_the_secretary(client, role_world, who, status):
    published_preparers(role_world)
    client.force_login(role_world["people"][who])

    response = client.get(reverse("results_officers", args=[2022, role_world["own"].pk]))

    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "Nguyễn Văn" in html and "5/6 điểm, mất 1" in html


def test_a_head_of_another_unit_does_not_see_them(client, role_world):
    client.force_login(user_with_role(Role.UNIT_HEAD, role_world["other"]))

    assert client.get(reverse("results_officers", args=[2022, role_world["own"].pk])).status_code == 404
