from django.urls import path

from scoring.sheets import views

urlpatterns = [
    path("assessments/", views.assessment_list, name="assessment_list"),
    path("assessments/<int:pk>/", views.assessment_sheet, name="assessment_sheet"),
    path("assessments/<int:pk>/summary/", views.assessment_summary, name="assessment_summary"),
    path("assessments/<int:pk>/submit/", views.assessment_submit_view, name="assessment_submit"),
    path("assessments/<int:pk>/reopen/", views.assessment_reopen_view, name="assessment_reopen"),
    path("assessments/<int:pk>/criteria/<int:criterion_pk>/", views.score_save, name="score_save"),
    path("assessments/<int:pk>/criteria/<int:criterion_pk>/preview/", views.score_preview, name="score_preview"),
    path("assessments/<int:pk>/criteria/<int:criterion_pk>/history/", views.score_history, name="score_history"),
    path("assessments/<int:pk>/export.xlsx", views.sheet_export_view, name="sheet_export"),
    path("assessments/<int:pk>/import/", views.sheet_import_view, name="sheet_import"),
]
