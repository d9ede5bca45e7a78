from units import permissions


def roles(request) -> dict:
    """Expose the signed-in user's roles to templates (navigation per role) without extra queries."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": permissions.NO_ROLES}
    return {
        "user_roles": permissions.roles_of(user),
        "can_manage_frameworks": permissions.can_manage_frameworks(user),
        "can_use_admin": permissions.can_use_admin(user),
    }
