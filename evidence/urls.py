from django.urls import path

from evidence import views

app_name = "evidence"

urlpatterns = [
    path("assessments/<int:assessment_pk>/", views.library, name="library"),
    path("assessments/<int:assessment_pk>/upload/", views.library_upload, name="library_upload"),
    path(
        "assessments/<int:assessment_pk>/documents/<int:document_pk>/replace/",
        views.document_replace,
        name="document_replace",
    ),
    path("assessments/<int:assessment_pk>/criteria/<int:criterion_pk>/", views.criterion_evidence, name="criterion"),
    path(
        "assessments/<int:assessment_pk>/criteria/<int:criterion_pk>/upload/",
        views.criterion_upload,
        name="criterion_upload",
    ),
    path(
        "assessments/<int:assessment_pk>/criteria/<int:criterion_pk>/link/", views.criterion_link, name="criterion_link"
    ),
    path("links/<int:pk>/unlink/", views.link_unlink, name="link_unlink"),
    path("links/<int:pk>/locator/", views.link_locator, name="link_locator"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("documents/<int:pk>/preview/", views.document_preview, name="document_preview"),
    path("documents/<int:pk>/versions/<int:version_pk>/download/", views.version_download, name="version_download"),
]
