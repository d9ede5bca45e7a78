from django.urls import include, path

from scoring.results.exports import views as downloads
from scoring.results.views import live, published, secretariat

# Below <year>/: the published results, the dashboard, commendations, the secretariat's settings, the live results and
# objections, then the downloads of a published year and their background builds.
one_year = [
    path("", published.results_published, name="results_published"),
    path("v<int:version>/", published.results_published, name="results_published_version"),
    path("published/units/<int:unit_id>/", published.results_published_unit, name="results_published_unit"),
    path(
        "v<int:version>/units/<int:unit_id>/", published.results_published_unit, name="results_published_unit_version"
    ),
    path("heads/", published.results_heads, name="results_heads"),
    path("", include("scoring.results.dashboard.urls")),
    path("commendations/", published.results_commendations, name="results_commendations"),
    path("commendations/add/", secretariat.results_commendation_add, name="results_commendation_add"),
    path("settings/", secretariat.results_settings, name="results_settings"),
    path("live/", live.results_live, name="results_live"),
    path("release/", live.results_release, name="results_release"),
    path("publish/", live.results_publish_view, name="results_publish"),
    path("units/<int:unit_id>/", live.results_unit, name="results_unit"),
    path("units/<int:unit_id>/objections/", live.results_objection_file, name="results_objection_file"),
    path("ket-qua-<int:file_year>.pdf", downloads.results_pdf, name="results_pdf"),
    path("ket-qua-<int:file_year>.xlsx", downloads.results_xlsx, name="results_xlsx"),
    path("ket-qua-<int:file_year>.json", downloads.results_json, name="results_json"),
    path("ket-qua-<int:file_year>.csv", downloads.results_csv, name="results_csv"),
    path("units/<slug:unit_code>/scorecard.pdf", downloads.results_scorecard_pdf, name="results_scorecard_pdf"),
    path("build/<slug:kind>/", downloads.results_build, name="results_build"),
    path("build/<slug:kind>/download/", downloads.results_build_download, name="results_build_download"),
]

urlpatterns = [
    path("", published.results_index, name="results_index"),
    path("<int:year>/", include(one_year)),
    path("commendations/<int:pk>/remove/", secretariat.results_commendation_remove, name="results_commendation_remove"),
    path("objections/<int:pk>/resolve/", live.results_objection_resolve, name="results_objection_resolve"),
]
