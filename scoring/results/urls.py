from django.urls import include, path

from scoring.results.exports import views as downloads
from scoring.results.views import live, published, secretariat

urlpatterns = [
    path("", published.results_index, name="results_index"),
    path("<int:year>/", published.results_published, name="results_published"),
    path("<int:year>/v<int:version>/", published.results_published, name="results_published_version"),
    path(
        "<int:year>/published/units/<int:unit_id>/",
        published.results_published_unit,
        name="results_published_unit",
    ),
    path(
        "<int:year>/v<int:version>/units/<int:unit_id>/",
        published.results_published_unit,
        name="results_published_unit_version",
    ),
    path("<int:year>/heads/", published.results_heads, name="results_heads"),
    path("", include("scoring.results.dashboard.urls")),
    path("<int:year>/commendations/", published.results_commendations, name="results_commendations"),
    path("<int:year>/commendations/add/", secretariat.results_commendation_add, name="results_commendation_add"),
    path(
        "commendations/<int:pk>/remove/",
        secretariat.results_commendation_remove,
        name="results_commendation_remove",
    ),
    path("<int:year>/settings/", secretariat.results_settings, name="results_settings"),
    path("<int:year>/live/", live.results_live, name="results_live"),
    path("<int:year>/release/", live.results_release, name="results_release"),
    path("<int:year>/publish/", live.results_publish_view, name="results_publish"),
    path("<int:year>/units/<int:unit_id>/", live.results_unit, name="results_unit"),
    path(
        "<int:year>/units/<int:unit_id>/objections/",
        live.results_objection_file,
        name="results_objection_file",
    ),
    path("objections/<int:pk>/resolve/", live.results_objection_resolve, name="results_objection_resolve"),
    # downloads of a published year, then its background builds
    path("<int:year>/ket-qua-<int:file_year>.pdf", downloads.results_pdf, name="results_pdf"),
    path("<int:year>/ket-qua-<int:file_year>.xlsx", downloads.results_xlsx, name="results_xlsx"),
    path("<int:year>/ket-qua-<int:file_year>.json", downloads.results_json, name="results_json"),
    path("<int:year>/ket-qua-<int:file_year>.csv", downloads.results_csv, name="results_csv"),
    path(
        "<int:year>/units/<slug:unit_code>/scorecard.pdf",
        downloads.results_scorecard_pdf,
        name="results_scorecard_pdf",
    ),
    path("<int:year>/build/<slug:kind>/", downloads.results_build, name="results_build"),
    path("<int:year>/build/<slug:kind>/download/", downloads.results_build_download, name="results_build_download"),
]
