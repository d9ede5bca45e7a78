from django.contrib import admin
from django.urls import include, path

from cchc_portal.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("units.urls")),
    path("evidence/", include("evidence.urls")),
    path("", include("scoring.urls")),
]
