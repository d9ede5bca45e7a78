from django.urls import include, path

from scoring.results import views
from scoring.results.exports import views as downloads

urlpatterns = [
    path("", views.results_index, name="results_index"),
    path("<int:year>/", views.results_published, name="results_published"),
    path("<int:year>/v<int:version>/", views.results_published, name="results_published_version"),
    path(
        "<int:year>/published/units/<int:unit_id>/",
        views.results_published_unit,
        name="results_published_unit",
    ),
    path(
        "<int:year>/v<int:version>/units/<int:unit_id>/",
        views.results_published_unit,
        name="results_published_unit_version",
    ),
    path("<int:year>/heads/", views.results_heads, name="results_heads"),
    path("", include("scoring.results.dashboard.urls")),
    path("<int:year>/commendations/", views.results_commendations, name="results_commendations"),
    path("<int:year>/commendations/add/", views.results_commendation_add, name="results_commendation_add"),
    path(
        "commendations/<int:pk>/remove/",
        views.results_commendation_remove,
        name="results_commendation_remove",
    ),
    path("<int:year>/settings/", views.results_settings, name="results_settings"),
    path("<int:year>/live/", views.results_live, name="results_live"),
    path("<int:year>/release/", views.results_release, name="results_release"),
    path("<int:year>/publish/", views.results_publish_view, name="results_publish"),
    path("<int:year>/units/<int:unit_id>/", views.results_unit, name="results_unit"),
    path(
        "<int:year>/units/<int:unit_id>/objections/",
        views.results_objection_file,
        name="results_objection_file",
    ),
    path("objections/<int:pk>/resolve/", views.results_objection_resolve, name="results_objection_resolve"),
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
