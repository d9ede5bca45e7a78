from django.urls import path

from scoring.council import views

urlpatterns = [
    path("", views.council_current, name="council_current"),
    path("<int:year>/", views.council_overview, name="council_overview"),
    path("<int:year>/members/", views.council_members, name="council_members"),
    path("<int:year>/members/add/", views.council_member_add_view, name="council_member_add"),
    path("<int:year>/members/<int:user_pk>/remove/", views.council_member_remove_view, name="council_member_remove"),
    path("<int:year>/members/<int:user_pk>/chair/", views.council_chair_set_view, name="council_chair_set"),
    path("<int:year>/assignments/add/", views.council_assignment_add, name="council_assignment_add"),
    path("<int:year>/assignments/<int:pk>/remove/", views.council_assignment_remove, name="council_assignment_remove"),
    path("<int:year>/conflicts/add/", views.council_conflict_add, name="council_conflict_add"),
    path("<int:year>/conflicts/<int:pk>/remove/", views.council_conflict_remove, name="council_conflict_remove"),
    path("<int:year>/start-appraisal/", views.council_start_appraisal, name="council_start_appraisal"),
    path("<int:year>/explanations/send/", views.council_explanation_send, name="council_explanation_send"),
    path(
        "<int:year>/explanations/<int:pk>/withdraw/",
        views.council_explanation_withdraw,
        name="council_explanation_withdraw",
    ),
    path("<int:year>/blocks/<int:block_pk>/finalise/", views.council_block_finalise, name="council_block_finalise"),
    path("<int:year>/survey/", views.council_survey_import, name="council_survey_import"),
    path("<int:year>/survey/template.xlsx", views.council_survey_template, name="council_survey_template"),
]
