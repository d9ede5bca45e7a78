"""Who may read the audit record."""

from units.models import User
from units.roles import is_administrator, is_secretary


def can_view_audit(user: User) -> bool:
    """The council secretary keeps the record; administrators may stand in for the secretary."""
    return is_secretary(user) or is_administrator(user)
