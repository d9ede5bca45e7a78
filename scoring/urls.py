from django.urls import path

from scoring import views, views_sheet_io

urlpatterns = [
    path("", views.home, name="home"),
    path("periods/", views.period_list, name="period_list"),
    path("periods/new/", views.period_create_view, name="period_create"),
    path("periods/<int:year>/", views.period_detail, name="period_detail"),
    path("periods/<int:year>/open/", views.period_open, name="period_open"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework_detail"),
    path("assessments/<int:pk>/export.xlsx", views_sheet_io.sheet_export_view, name="sheet_export"),
    path("assessments/<int:pk>/import/", views_sheet_io.sheet_import_view, name="sheet_import"),
]
