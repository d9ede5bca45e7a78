"""Model permissions (used by the admin site) derived from role assignments, not from groups."""

from django.contrib.auth.backends import ModelBackend

from units.roles import is_administrator, is_secretary
from units.sso import is_password_login_allowed

# The secretary runs periods, frameworks and units; administrators may do everything.
SECRETARY_APPS = frozenset({"scoring", "units"})
# Granting roles (and so admin rights) stays with administrators.
SECRETARY_READ_ONLY_MODELS = frozenset({"units.user", "units.roleassignment", "units.authority"})


class RoleBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        """A local password, unless LOCAL_PASSWORD_LOGIN keeps passwords for administrators only."""
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not is_password_login_allowed(user):
            return None
        return user

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if not user_obj.is_active:
            return False
        if is_administrator(user_obj):
            return True
        if is_secretary(user_obj):
            app_label, _, codename = perm.partition(".")
            model_name = codename.split("_", 1)[-1]
            if f"{app_label}.{model_name}" in SECRETARY_READ_ONLY_MODELS:
                return codename.startswith("view_")
            if app_label in SECRETARY_APPS:
                return not codename.startswith("delete_") or app_label == "scoring"
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        if not user_obj.is_active:
            return False
        if is_administrator(user_obj):
            return True
        if is_secretary(user_obj) and app_label in SECRETARY_APPS:
            return True
        return super().has_module_perms(user_obj, app_label)
