from django.urls import include, path

from scoring.survey.views import answer, manage, results

# Below survey/<pk>/: building the questionnaire, the sample and its links, then the results.
one_survey = [
    path("", manage.survey_detail, name="survey_detail"),
    path("edit/", manage.survey_edit, name="survey_edit"),
    path("questions/add/", manage.survey_question_add, name="survey_question_add"),
    path("questions/<int:question_pk>/remove/", manage.survey_question_remove, name="survey_question_remove"),
    path("open/", manage.survey_open_view, name="survey_open"),
    path("close/", manage.survey_close_view, name="survey_close"),
    path("respondents/", manage.survey_respondents_view, name="survey_respondents"),
    path("respondents/template.xlsx", manage.survey_respondents_template, name="survey_respondents_template"),
    path("respondents/draw/", manage.survey_sample_draw, name="survey_sample_draw"),
    path("respondents/invite/", manage.survey_invite, name="survey_invite"),
    path("cards.pdf", manage.survey_cards, name="survey_cards"),
    path("results/", results.survey_results, name="survey_results"),
    path("record/", results.survey_record, name="survey_record"),
    path("responses/", results.survey_responses, name="survey_responses"),
    path("responses/<int:response_pk>/exclude/", results.survey_response_exclude, name="survey_response_exclude"),
    path("responses/<int:response_pk>/restore/", results.survey_response_restore, name="survey_response_restore"),
    path("responses.xlsx", results.survey_export, name="survey_export"),
]

urlpatterns = [
    path("surveys/<int:year>/", manage.survey_list, name="survey_list"),
    path("surveys/<int:year>/new/", manage.survey_create_view, name="survey_create"),
    path("survey/<int:pk>/", include(one_survey)),
    # Short, because it is printed under a QR code and typed by hand from a card.
    path("s/<str:token>/", answer.survey_answer, name="survey_answer"),
]
