from django.urls import path

from scoring.results.dashboard import views

urlpatterns = [
    path("<int:year>/overview/", views.results_overview, name="results_overview"),
    path("<int:year>/losses/", views.results_losses, name="results_losses"),
    path("<int:year>/what-if/", views.results_what_if, name="results_what_if"),
    path("<int:year>/published/units/<int:unit_id>/losses/", views.results_unit_losses, name="results_unit_losses"),
]
