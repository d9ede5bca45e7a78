from django.urls import path

from scoring.signing import views

urlpatterns = [
    path("verify/", views.signing_verify, name="signing_verify"),
    path("verify/<str:reference>/", views.signing_document, name="signing_document"),
    path("signed/<str:reference>.pdf", views.signing_document_pdf, name="signing_document_pdf"),
    path("signed/<str:reference>/decision.pdf", views.signing_upload_pdf, name="signing_upload_pdf"),
    path("results/<int:year>/decision/", views.signing_decision, name="signing_decision"),
    path("results/<int:year>/decision/to-sign.pdf", views.signing_decision_to_sign, name="signing_decision_to_sign"),
]
