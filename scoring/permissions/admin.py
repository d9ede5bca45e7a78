"""Who may use the admin site."""

from django.contrib.auth.models import AnonymousUser

from units.models import User
from units.roles import is_administrator, is_secretary


def can_use_admin(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.is_active and (is_administrator(user) or is_secretary(user))
