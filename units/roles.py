"""Who may do what: plain functions over a user's role assignments.

A user's roles are read once per request (cached on the user object) so permission checks in
loops and templates cost no queries.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from units.models import Role, RoleAssignment, User

_CACHE_ATTRIBUTE = "_cchc_roles"


@dataclass(frozen=True)
class Roles:
    global_roles: frozenset[str]
    unit_roles: frozenset[tuple[str, int]]
    home_unit_id: int | None

    def has(self, role: str) -> bool:
        return role in self.global_roles or any(held == role for held, _ in self.unit_roles)

    def unit_ids(self, *roles: str) -> frozenset[int]:
        wanted = set(roles) or {Role.UNIT_STAFF, Role.UNIT_HEAD}
        return frozenset(unit_id for role, unit_id in self.unit_roles if role in wanted)

    @property
    def belonging_unit_ids(self) -> frozenset[int]:
        """The units the person works at or holds a role in."""
        home = frozenset() if self.home_unit_id is None else frozenset({self.home_unit_id})
        return self.unit_ids() | home

    @property
    def is_empty(self) -> bool:
        return not self.global_roles and not self.unit_roles


NO_ROLES = Roles(frozenset(), frozenset(), None)


def roles_of(user: User | AnonymousUser) -> Roles:
    if not user.is_authenticated or not user.is_active:
        return NO_ROLES
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        global_roles: set[str] = set()
        unit_roles: set[tuple[str, int]] = set()
        for role, unit_id in RoleAssignment.objects.filter(user=user).values_list("role", "unit_id"):
            if unit_id is None:
                global_roles.add(role)
            else:
                unit_roles.add((role, unit_id))
        cached = Roles(frozenset(global_roles), frozenset(unit_roles), user.home_unit_id)
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def forget_roles(user: User) -> None:
    """Drop the cached roles after they change within the same request (services, tests)."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def is_administrator(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and (user.is_superuser or Role.ADMINISTRATOR in roles_of(user).global_roles)


def is_secretary(user: User | AnonymousUser) -> bool:
    return Role.COUNCIL_SECRETARY in roles_of(user).global_roles


def is_council_member(user: User | AnonymousUser) -> bool:
    return Role.COUNCIL_MEMBER in roles_of(user).global_roles


def is_leadership(user: User | AnonymousUser) -> bool:
    return Role.LEADERSHIP in roles_of(user).global_roles


def is_unit_staff(user: User | AnonymousUser, unit_id: int) -> bool:
    return (Role.UNIT_STAFF, unit_id) in roles_of(user).unit_roles


def is_unit_head(user: User | AnonymousUser, unit_id: int) -> bool:
    return (Role.UNIT_HEAD, unit_id) in roles_of(user).unit_roles


def belongs_to_unit(user: User | AnonymousUser, unit_id: int) -> bool:
    """Works at the unit or holds a role there: such a person must never appraise it."""
    return unit_id in roles_of(user).belonging_unit_ids
