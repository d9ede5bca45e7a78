from django.urls import path

from scoring.appraisal import views

urlpatterns = [
    path("assessments/<int:pk>/explanations/", views.explanation_list, name="explanation_list"),
    path(
        "assessments/<int:pk>/explanations/<int:request_pk>/answer/",
        views.explanation_answer_view,
        name="explanation_answer",
    ),
]
