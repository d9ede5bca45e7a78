from django.urls import path

from scoring.audit import views

urlpatterns = [
    path("audit/", views.audit_list, name="audit_list"),
]
