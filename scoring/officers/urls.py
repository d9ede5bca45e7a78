from django.urls import path

from scoring.officers import views

urlpatterns = [
    path("assessments/<int:pk>/preparers/", views.assessment_preparers, name="assessment_preparers"),
    path("results/<int:year>/officers/units/<int:unit_id>/", views.results_officers, name="results_officers"),
]
