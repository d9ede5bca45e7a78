"""Every URL of the year, by stage; each package owns its paths (the paths themselves never change)."""

from django.urls import include, path

from scoring.home import views as home

urlpatterns = [
    path("", home.home, name="home"),
    path("", include("scoring.frameworks.urls")),
    path("", include("scoring.sheets.urls")),
    path("", include("scoring.appraisal.unit_urls")),
    path("appraisal/", include("scoring.appraisal.urls")),
    path("council/", include("scoring.council.urls")),
    path("results/", include("scoring.results.urls")),
    path("plans/", include("scoring.plans.urls")),
    path("", include("scoring.officers.urls")),
    path("", include("scoring.notices.urls")),
    path("", include("scoring.audit.urls")),
    path("", include("scoring.survey.urls")),
    path("", include("scoring.signing.urls")),
]
