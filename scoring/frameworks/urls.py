from django.urls import path

from scoring.frameworks import views

urlpatterns = [
    path("periods/", views.period_list, name="period_list"),
    path("periods/new/", views.period_create_view, name="period_create"),
    path("periods/<int:year>/", views.period_detail, name="period_detail"),
    path("periods/<int:year>/open/", views.period_open, name="period_open"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework_detail"),
]
