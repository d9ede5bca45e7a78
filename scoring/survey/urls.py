from django.urls import path

from scoring.survey.views import answer, manage, results

urlpatterns = [
    path("surveys/<int:year>/", manage.survey_list, name="survey_list"),
    path("surveys/<int:year>/new/", manage.survey_create_view, name="survey_create"),
    path("survey/<int:pk>/", manage.survey_detail, name="survey_detail"),
    path("survey/<int:pk>/edit/", manage.survey_edit, name="survey_edit"),
    path("survey/<int:pk>/questions/add/", manage.survey_question_add, name="survey_question_add"),
    path(
        "survey/<int:pk>/questions/<int:question_pk>/remove/",
        manage.survey_question_remove,
        name="survey_question_remove",
    ),
    path("survey/<int:pk>/open/", manage.survey_open_view, name="survey_open"),
    path("survey/<int:pk>/close/", manage.survey_close_view, name="survey_close"),
    path("survey/<int:pk>/respondents/", manage.survey_respondents_view, name="survey_respondents"),
    path(
        "survey/<int:pk>/respondents/template.xlsx",
        manage.survey_respondents_template,
        name="survey_respondents_template",
    ),
    path("survey/<int:pk>/respondents/draw/", manage.survey_sample_draw, name="survey_sample_draw"),
    path("survey/<int:pk>/respondents/invite/", manage.survey_invite, name="survey_invite"),
    path("survey/<int:pk>/cards.pdf", manage.survey_cards, name="survey_cards"),
    path("survey/<int:pk>/results/", results.survey_results, name="survey_results"),
    path("survey/<int:pk>/record/", results.survey_record, name="survey_record"),
    path("survey/<int:pk>/responses/", results.survey_responses, name="survey_responses"),
    path(
        "survey/<int:pk>/responses/<int:response_pk>/exclude/",
        results.survey_response_exclude,
        name="survey_response_exclude",
    ),
    path(
        "survey/<int:pk>/responses/<int:response_pk>/restore/",
        results.survey_response_restore,
        name="survey_response_restore",
    ),
    path("survey/<int:pk>/responses.xlsx", results.survey_export, name="survey_export"),
    # Short, because it is printed under a QR code and typed by hand from a card.
    path("s/<str:token>/", answer.survey_answer, name="survey_answer"),
]
