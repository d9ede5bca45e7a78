from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from cchc_portal.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Browsers and the admin site ask for /favicon.ico whatever the page says: answer with the portal's icon.
    path("favicon.ico", RedirectView.as_view(url=static("img/favicon.svg"), permanent=True), name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("units.urls")),
    path("evidence/", include("evidence.urls")),
    path("", include("scoring.urls")),
]
