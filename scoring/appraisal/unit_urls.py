from django.urls import path

from scoring.appraisal.views import explanations

urlpatterns = [
    path("assessments/<int:pk>/explanations/", explanations.explanation_list, name="explanation_list"),
    path(
        "assessments/<int:pk>/explanations/<int:request_pk>/answer/",
        explanations.explanation_answer_view,
        name="explanation_answer",
    ),
]
