"""Each access predicate agrees with its queryset twin, for every kind of person: the sheet a person may open is
exactly the sheet their lists show, and the unit a member is conflicted with is exactly the one their queue hides."""

import pytest
from django.utils import timezone

from scoring.models import Assessment, ConflictDeclaration, CouncilMembership, Framework, Period
from scoring.permissions.appraisal import conflicted_unit_ids, council_seat, is_conflicted
from scoring.permissions.sheets import can_view_assessment, visible_assessment_filter
from tests.factories import BlockFactory, PeriodFactory, UnitFactory, UserFactory, user_with_role
from units.models import Role, RoleAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def town() -> dict:
    """Units A–D with a draft and a submitted sheet each kind, and one person of every kind of access."""
    period = PeriodFactory(year=2024, state=Period.State.APPRAISAL)
    block = BlockFactory(authority=period.authority)
    framework = Framework.objects.create(period=period, block=block, name="Bộ chỉ số 2024")
    units = {name: UnitFactory(block=block, name=f"UBND phường {name}") for name in "ABCD"}
    head_of_a = user_with_role(Role.UNIT_HEAD, units["A"])
    submitted = {"state": Assessment.State.SUBMITTED, "submitted_at": timezone.now(), "submitted_by": head_of_a}
    sheets = {
        name: Assessment.objects.create(
            period=period, unit=unit, framework=framework, **(submitted if name != "D" else {})
        )
        for name, unit in units.items()
    }

    def member(**fields):
        user = UserFactory(**fields)
        CouncilMembership.objects.create(period=period, user=user)
        return user

    works_at_a = member(home_unit=units["A"])
    role_in_b = user_with_role(Role.COUNCIL_MEMBER)
    RoleAssignment.objects.create(user=role_in_b, role=Role.UNIT_STAFF, unit=units["B"])
    CouncilMembership.objects.create(period=period, user=role_in_b)
    declared_c = member()
    secretary = user_with_role(Role.COUNCIL_SECRETARY)
    ConflictDeclaration.objects.create(
        period=period, member=declared_c, unit=units["C"], reason="Vợ là chủ tịch phường", declared_by=secretary
    )
    people = {
        "administrator": UserFactory(is_superuser=True),
        "secretary": secretary,
        "staff_of_a": user_with_role(Role.UNIT_STAFF, units["A"]),
        "head_of_a": head_of_a,
        "staff_of_d": user_with_role(Role.UNIT_STAFF, units["D"]),
        "member_working_at_a": works_at_a,
        "member_with_a_role_in_b": role_in_b,
        "member_declared_c": declared_c,
        "council_role_without_seat": user_with_role(Role.COUNCIL_MEMBER),
        "leadership": user_with_role(Role.LEADERSHIP),
        "nobody": UserFactory(),
    }
    return {"period": period, "units": units, "sheets": sheets, "people": people}


# A, B, C submitted; D still a draft. Per person: the sheets they may open, and the units they are conflicted with.
EXPECTED = {
    "administrator": ("ABCD", ""),
    "secretary": ("ABCD", ""),
    "staff_of_a": ("A", "A"),
    "head_of_a": ("A", "A"),
    "staff_of_d": ("D", "D"),
    "member_working_at_a": ("BC", "A"),
    "member_with_a_role_in_b": ("ABC", "B"),  # B as its staff, never as the council
    "member_declared_c": ("AB", "C"),
    "council_role_without_seat": ("ABC", ""),
    "leadership": ("ABC", ""),
    "nobody": ("", ""),
}


@pytest.mark.parametrize("who", EXPECTED)
def test_each_predicate_agrees_with_its_queryset_twin(town, who):
    user, period, units = town["people"][who], town["period"], town["units"]
    visible, conflicts = EXPECTED[who]
    # the sheets a person may open are exactly those their lists show
    opened = {name for name, sheet in town["sheets"].items() if can_view_assessment(user, sheet)}
    listed_ids = set(
        Assessment.objects.filter(period=period)
        .filter(visible_assessment_filter(user, period))
        .values_list("pk", flat=True)
    )
    listed = {name for name, sheet in town["sheets"].items() if sheet.pk in listed_ids}
    assert opened == listed == set(visible)
    # the units a member is conflicted with are exactly those the queue and the aggregates leave out
    conflicted = {name for name, unit in units.items() if is_conflicted(user, unit.pk, period)}
    left_out = {
        name for name, unit in units.items() if unit.pk in conflicted_unit_ids(user, council_seat(user, period))
    }
    assert conflicted == left_out == set(conflicts)


def test_viewing_a_sheet_costs_the_same_queries_as_before(town, django_assert_num_queries):
    # roles (1) and the council seat (membership, assignments, conflicts, finalised blocks) once per request
    member, sheet = town["people"]["member_declared_c"], town["sheets"]["C"]
    with django_assert_num_queries(5):
        assert can_view_assessment(member, sheet) is False
        assert can_view_assessment(member, town["sheets"]["A"]) is True
    staff = town["people"]["staff_of_a"]
    with django_assert_num_queries(1):  # the unit's own sheet: its roles only, no council seat
        assert can_view_assessment(staff, town["sheets"]["A"]) is True
