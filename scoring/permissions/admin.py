"""Who may use the admin site, and who may change the organisation and the people through it."""

from django.contrib.auth.models import AnonymousUser

from units.models import Role, User
from units.roles import is_administrator, is_secretary


def can_use_admin(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.is_active and (is_administrator(user) or is_secretary(user))


def can_manage_organisation(user: User | AnonymousUser) -> bool:
    """Blocks and units: the secretariat keeps the list of who is assessed."""
    return is_secretary(user) or is_administrator(user)


def can_manage_people(user: User | AnonymousUser) -> bool:
    """Accounts and their roles, by workbook: the secretariat onboards the units' officers and heads."""
    return is_secretary(user) or is_administrator(user)


def can_grant_role(actor: User | None, role: str) -> bool:
    """Administrator rights come from administrators only (`None` is the command line, run by one)."""
    return actor is None or role != Role.ADMINISTRATOR or is_administrator(actor)


def can_edit_person(actor: User | None, *, is_protected: bool) -> bool:
    """An administrator's (or superuser's) account is changed by administrators only: whoever may change its
    e-mail address may take it over."""
    return actor is None or not is_protected or is_administrator(actor)
