from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    default_site = "cchc_portal.admin.PortalAdminSite"
