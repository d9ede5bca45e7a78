from django.urls import path

from scoring.plans import views

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("<int:year>/units/<int:unit_id>/", views.plan_unit, name="plan_unit"),
    path("<int:pk>/progress/", views.plan_progress, name="plan_progress"),
]
