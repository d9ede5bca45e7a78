from django.urls import path

from scoring.results.dashboard import views

# Below results/<year>/ (scoring/results/urls.py).
urlpatterns = [
    path("overview/", views.results_overview, name="results_overview"),
    path("losses/", views.results_losses, name="results_losses"),
    path("what-if/", views.results_what_if, name="results_what_if"),
    path("published/units/<int:unit_id>/losses/", views.results_unit_losses, name="results_unit_losses"),
]
