from django.urls import include, path

from evidence import views

# Below assessments/<assessment_pk>/: the unit's library, then the evidence of one criterion.
one_assessment = [
    path("", views.library, name="evidence_library"),
    path("upload/", views.library_upload, name="evidence_library_upload"),
    path("documents/<int:document_pk>/replace/", views.document_replace, name="evidence_document_replace"),
    path("criteria/<int:criterion_pk>/", views.criterion_evidence, name="evidence_criterion"),
    path("criteria/<int:criterion_pk>/upload/", views.criterion_upload, name="evidence_criterion_upload"),
    path("criteria/<int:criterion_pk>/link/", views.criterion_link, name="evidence_criterion_link"),
]

urlpatterns = [
    path("assessments/<int:assessment_pk>/", include(one_assessment)),
    path("links/<int:pk>/unlink/", views.link_unlink, name="evidence_link_unlink"),
    path("links/<int:pk>/locator/", views.link_locator, name="evidence_link_locator"),
    path("documents/<int:pk>/download/", views.document_download, name="evidence_document_download"),
    path("documents/<int:pk>/preview/", views.document_preview, name="evidence_document_preview"),
    path(
        "documents/<int:pk>/versions/<int:version_pk>/download/",
        views.version_download,
        name="evidence_version_download",
    ),
]
