from django.urls import path

from scoring import views_builds

urlpatterns = [
    path("<int:year>/build/<slug:kind>/", views_builds.results_build, name="results_build"),
    path("<int:year>/build/<slug:kind>/download/", views_builds.results_build_download, name="results_build_download"),
]
