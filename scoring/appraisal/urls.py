from django.urls import path

from scoring.appraisal.views import workspace

urlpatterns = [
    path("", workspace.appraisal_queue_view, name="appraisal_queue"),
    path("<int:pk>/", workspace.appraisal_workspace_view, name="appraisal_workspace"),
    path("<int:pk>/criteria/<int:criterion_pk>/flag/", workspace.appraisal_flag, name="appraisal_flag"),
    path(
        "<int:pk>/criteria/<int:criterion_pk>/withdraw/",
        workspace.appraisal_flag_withdraw,
        name="appraisal_flag_withdraw",
    ),
    # stage is "round1" or "round2"; listed after the fixed words above so they are not taken for a stage
    path(
        "<int:pk>/criteria/<int:criterion_pk>/<str:stage>/", workspace.appraisal_score_save, name="appraisal_score_save"
    ),
    path("<int:pk>/adjustments/<int:item_pk>/", workspace.appraisal_adjustment_save, name="appraisal_adjustment_save"),
]
