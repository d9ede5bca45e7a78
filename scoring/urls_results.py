from django.urls import path

from scoring import views_results

urlpatterns = [
    path("", views_results.results_index, name="results_index"),
    path("<int:year>/", views_results.results_published, name="results_published"),
    path("<int:year>/v<int:version>/", views_results.results_published, name="results_published_version"),
    path(
        "<int:year>/published/units/<int:unit_id>/",
        views_results.results_published_unit,
        name="results_published_unit",
    ),
    path(
        "<int:year>/v<int:version>/units/<int:unit_id>/",
        views_results.results_published_unit,
        name="results_published_unit_version",
    ),
    path("<int:year>/heads/", views_results.results_heads, name="results_heads"),
    path("<int:year>/commendations/", views_results.results_commendations, name="results_commendations"),
    path("<int:year>/commendations/add/", views_results.results_commendation_add, name="results_commendation_add"),
    path(
        "commendations/<int:pk>/remove/",
        views_results.results_commendation_remove,
        name="results_commendation_remove",
    ),
    path("<int:year>/settings/", views_results.results_settings, name="results_settings"),
    path("<int:year>/live/", views_results.results_live, name="results_live"),
    path("<int:year>/release/", views_results.results_release, name="results_release"),
    path("<int:year>/publish/", views_results.results_publish, name="results_publish"),
    path("<int:year>/units/<int:unit_id>/", views_results.results_unit, name="results_unit"),
    path(
        "<int:year>/units/<int:unit_id>/objections/",
        views_results.results_objection_file,
        name="results_objection_file",
    ),
    path("objections/<int:pk>/resolve/", views_results.results_objection_resolve, name="results_objection_resolve"),
]
