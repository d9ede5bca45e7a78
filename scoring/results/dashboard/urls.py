from django.urls import path

from scoring.results.dashboard import views

urlpatterns = [
    path("<int:year>/overview/", views.results_overview, name="results_overview"),
]
