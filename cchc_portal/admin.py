from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from scoring.permissions.admin import can_use_admin


class PortalAdminSite(admin.AdminSite):
    """Admin access comes from roles (administrator, council secretary), not from is_staff."""

    site_header = _("Quản trị Cổng chỉ số CCHC")
    site_title = _("Quản trị CCHC")
    index_title = _("Danh mục và cấu hình")

    def has_permission(self, request) -> bool:
        return can_use_admin(request.user)
