from django.contrib import admin
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from cchc_portal.health import healthz


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """The icon's address is read per request: in production it names the hashed copy collectstatic made."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Browsers and the admin site ask for /favicon.ico whatever the page says: answer with the portal's icon.
    path("favicon.ico", favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("units.urls")),
    path("evidence/", include("evidence.urls")),
    path("", include("scoring.urls")),
]
