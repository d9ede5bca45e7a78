import pytest
from django.db import IntegrityError, transaction

from scoring.permissions.admin import can_use_admin
from scoring.permissions.periods import can_manage_frameworks
from tests.factories import UnitFactory, UserFactory, user_with_role
from units.models import Role, RoleAssignment
from units.roles import (
    belongs_to_unit,
    forget_roles,
    is_council_member,
    is_leadership,
    is_secretary,
    is_unit_head,
    is_unit_staff,
)

pytestmark = pytest.mark.django_db


def test_unit_roles_need_a_unit_and_other_roles_refuse_one():
    user, unit = UserFactory(), UnitFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=Role.UNIT_STAFF, unit=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=Role.LEADERSHIP, unit=unit)
    assert not RoleAssignment.objects.exists()


def test_a_role_is_held_once_and_a_unit_has_one_head():
    unit = UnitFactory()
    head = user_with_role(Role.UNIT_HEAD, unit=unit)
    secretary = user_with_role(Role.COUNCIL_SECRETARY)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=secretary, role=Role.COUNCIL_SECRETARY)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=UserFactory(), role=Role.UNIT_HEAD, unit=unit)
    assert RoleAssignment.objects.get(role=Role.UNIT_HEAD).user == head


def test_a_person_may_hold_several_roles():
    unit = UnitFactory()
    user = user_with_role(Role.UNIT_STAFF, unit=unit)
    RoleAssignment.objects.create(user=user, role=Role.COUNCIL_MEMBER)
    assert is_unit_staff(user, unit.id)
    assert is_council_member(user)
    assert not is_unit_head(user, unit.id)
    assert not is_secretary(user)


def test_roles_are_read_once_per_user_object(django_assert_num_queries):
    unit = UnitFactory()
    user = user_with_role(Role.UNIT_HEAD, unit=unit)
    with django_assert_num_queries(1):
        for _ in range(5):
            assert is_unit_head(user, unit.id)
            assert not is_leadership(user)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.UNIT_STAFF, False),
        (Role.UNIT_HEAD, False),
        (Role.COUNCIL_MEMBER, False),
        (Role.COUNCIL_SECRETARY, True),
        (Role.LEADERSHIP, False),
        (Role.ADMINISTRATOR, True),
    ],
)
def test_only_secretariat_and_administrators_manage_frameworks(role, expected):
    unit = UnitFactory() if role in (Role.UNIT_STAFF, Role.UNIT_HEAD) else None
    user = user_with_role(role, unit=unit)
    assert can_manage_frameworks(user) is expected
    assert can_use_admin(user) is expected


def test_belonging_to_a_unit_comes_from_home_unit_or_unit_roles():
    home, other, third = UnitFactory(), UnitFactory(), UnitFactory()
    member = user_with_role(Role.COUNCIL_MEMBER, home_unit=home)
    RoleAssignment.objects.create(user=member, role=Role.UNIT_STAFF, unit=other)
    forget_roles(member)
    assert belongs_to_unit(member, home.id)
    assert belongs_to_unit(member, other.id)
    assert not belongs_to_unit(member, third.id)


def test_inactive_and_anonymous_users_hold_no_roles():
    from django.contrib.auth.models import AnonymousUser

    secretary = user_with_role(Role.COUNCIL_SECRETARY, is_active=False)
    assert not is_secretary(secretary)
    assert not can_manage_frameworks(AnonymousUser())


def test_admin_site_model_permissions_follow_roles():
    secretary = user_with_role(Role.COUNCIL_SECRETARY)
    staff = user_with_role(Role.UNIT_STAFF, unit=UnitFactory())
    assert secretary.has_perm("scoring.change_framework")
    assert secretary.has_perm("units.change_unit")
    assert secretary.has_perm("units.view_roleassignment")
    assert not secretary.has_perm("units.change_roleassignment")
    assert not secretary.has_perm("units.change_user")
    assert not staff.has_perm("scoring.view_framework")
