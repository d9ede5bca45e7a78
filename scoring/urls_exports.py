from django.urls import path

from scoring import views_exports

urlpatterns = [
    path("<int:year>/ket-qua-<int:file_year>.pdf", views_exports.results_pdf, name="results_pdf"),
    path("<int:year>/ket-qua-<int:file_year>.xlsx", views_exports.results_xlsx, name="results_xlsx"),
    path("<int:year>/ket-qua-<int:file_year>.json", views_exports.results_json, name="results_json"),
    path("<int:year>/ket-qua-<int:file_year>.csv", views_exports.results_csv, name="results_csv"),
    path(
        "<int:year>/units/<slug:unit_code>/scorecard.pdf",
        views_exports.results_scorecard_pdf,
        name="results_scorecard_pdf",
    ),
]
