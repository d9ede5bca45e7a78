from django.urls import include, path

from scoring import views, views_audit, views_explanations, views_notices, views_sheet, views_sheet_io

urlpatterns = [
    path("appraisal/", include("scoring.urls_appraisal")),
    path("council/", include("scoring.urls_council")),
    path("results/", include("scoring.urls_results")),
    path("results/", include("scoring.urls_exports")),
    path("results/", include("scoring.urls_builds")),
    path("", views.home, name="home"),
    path("periods/", views.period_list, name="period_list"),
    path("periods/new/", views.period_create_view, name="period_create"),
    path("periods/<int:year>/", views.period_detail, name="period_detail"),
    path("periods/<int:year>/open/", views.period_open, name="period_open"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework_detail"),
    path("assessments/", views_sheet.assessment_list, name="assessment_list"),
    path("assessments/<int:pk>/", views_sheet.assessment_sheet, name="assessment_sheet"),
    path("assessments/<int:pk>/summary/", views_sheet.assessment_summary, name="assessment_summary"),
    path("assessments/<int:pk>/submit/", views_sheet.assessment_submit_view, name="assessment_submit"),
    path("assessments/<int:pk>/reopen/", views_sheet.assessment_reopen_view, name="assessment_reopen"),
    path("assessments/<int:pk>/criteria/<int:criterion_pk>/", views_sheet.score_save, name="score_save"),
    path("assessments/<int:pk>/criteria/<int:criterion_pk>/preview/", views_sheet.score_preview, name="score_preview"),
    path("assessments/<int:pk>/criteria/<int:criterion_pk>/history/", views_sheet.score_history, name="score_history"),
    path("assessments/<int:pk>/export.xlsx", views_sheet_io.sheet_export_view, name="sheet_export"),
    path("assessments/<int:pk>/import/", views_sheet_io.sheet_import_view, name="sheet_import"),
    path("assessments/<int:pk>/explanations/", views_explanations.explanation_list, name="explanation_list"),
    path(
        "assessments/<int:pk>/explanations/<int:request_pk>/answer/",
        views_explanations.explanation_answer_view,
        name="explanation_answer",
    ),
    path("notices/", views_notices.notice_list, name="notice_list"),
    path("notices/read/", views_notices.notice_read_all, name="notice_read_all"),
    path("notices/<int:pk>/", views_notices.notice_open, name="notice_open"),
    path("audit/", views_audit.audit_list, name="audit_list"),
]
