"""Signed documents: anyone checks a PDF (uploaded, or from its QR link); permitted people download the portal's
signed copies; leadership attaches the decision they signed with their own token."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from scoring.models import SignedDocument
from scoring.permissions.results import get_publication_for_view
from scoring.permissions.signing import (
    can_attach_signed_decision,
    can_view_signed_document,
    get_signed_document_for_view,
)
from scoring.signing import selectors, services
from scoring.signing.certificates import SigningNotConfigured
from scoring.signing.forms import SignedPdfForm

FILE_NAMES = {
    SignedDocument.Kind.ANNEX: "Phu-luc-ket-qua-CCHC-{year}-ky-so.pdf",
    SignedDocument.Kind.MINUTES: "Bien-ban-tham-dinh-{year}-ky-so.pdf",
    SignedDocument.Kind.RECEIPT: "Bien-nhan-phieu-tu-danh-gia-{year}-ky-so.pdf",
}


def _checked(request: HttpRequest, reference: str | None = None) -> tuple[SignedPdfForm, object]:
    form = SignedPdfForm(request.POST, request.FILES) if request.method == "POST" else SignedPdfForm()
    verification = None
    if request.method == "POST" and form.is_valid():
        verification = selectors.verify(b"".join(form.cleaned_data["file"].chunks()), reference)
    return form, verification


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_http_methods(["GET", "POST"])
def signing_verify(request: HttpRequest) -> HttpResponse:
    """Open to everyone: upload a PDF and see who signed it, when, and whether it is intact."""
    form, verification = _checked(request)
    return _private(render(request, "scoring/signing/verify.html", {"form": form, "verification": verification}))


@require_http_methods(["GET", "POST"])
def signing_document(request: HttpRequest, reference: str) -> HttpResponse:
    """Where a document's QR code leads: what the register holds for it, and the same check for the visitor's copy."""
    document = selectors.document_by_reference(reference)
    if document is None:
        raise Http404
    form, verification = _checked(request, reference)
    context = {
        "document": document,
        "upload": selectors.decision_upload(document),
        "can_download": can_view_signed_document(request.user, document),
        "form": form,
        "verification": verification,
    }
    return _private(render(request, "scoring/signing/document.html", context))


def _document_or_login(request: HttpRequest, reference: str) -> SignedDocument | HttpResponse:
    try:
        return get_signed_document_for_view(request.user, reference)
    except Http404:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise


def _pdf(content_or_file, *, filename: str, as_attachment: bool) -> HttpResponse:
    if isinstance(content_or_file, bytes):
        response = HttpResponse(content_or_file, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    else:
        response = FileResponse(
            content_or_file, as_attachment=as_attachment, filename=filename, content_type="application/pdf"
        )
    response["X-Content-Type-Options"] = "nosniff"
    return _private(response)


def _not_configured(request: HttpRequest) -> HttpResponse:
    message = _(
        "Cổng chưa được cấu hình chứng thư số của cơ quan, nên chưa ký được văn bản. Hãy báo quản trị hệ thống."
    )
    return render(request, "scoring/signing/unavailable.html", {"message": message}, status=503)


def signing_document_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    """The portal's signed copy, signed now if the queue has not done it yet."""
    document = _document_or_login(request, reference)
    if isinstance(document, HttpResponse):
        return document
    if not document.is_signed:
        try:
            document = services.document_sign(document=document)
        except SigningNotConfigured:
            return _not_configured(request)
    return _pdf(
        services.signed_storage().open(document.file_name, "rb"),
        filename=FILE_NAMES[document.kind].format(year=document.period.year),
        as_attachment=False,
    )


def signing_upload_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    """The decision leadership signed outside the portal, as attached."""
    document = _document_or_login(request, reference)
    if isinstance(document, HttpResponse):
        return document
    upload = selectors.decision_upload(document)
    if upload is None:
        raise Http404
    return _pdf(
        services.signed_storage().open(upload.file_name, "rb"),
        filename=f"Quyet-dinh-cong-bo-CCHC-{document.period.year}-ky-so.pdf",
        as_attachment=False,
    )


def _decision_context(request: HttpRequest, year: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    version = request.GET.get("version", "")
    publication = get_publication_for_view(request.user, year, int(version) if version.isdigit() else None)
    if not can_attach_signed_decision(request.user, publication):
        raise Http404
    document = selectors.annex_document(publication)
    if document is None:
        raise Http404
    return publication, document


@require_http_methods(["GET", "POST"])
def signing_decision(request: HttpRequest, year: int) -> HttpResponse:
    """Leadership: download the annex to sign with a USB token, then attach the signed file."""
    found = _decision_context(request, year)
    if isinstance(found, HttpResponse):
        return found
    publication, document = found
    form = SignedPdfForm(request.POST, request.FILES) if request.method == "POST" else SignedPdfForm()
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_attach(actor=request.user, publication=publication, uploaded=form.cleaned_data["file"])
        except (ValidationError, PermissionDenied) as error:
            for message in getattr(error, "messages", [str(error)]):
                form.add_error("file", message)
        else:
            messages.success(request, _("Đã kiểm tra và đính kèm quyết định đã ký số."))
            return redirect(request.get_full_path())
    context = {
        "period": publication.period,
        "publication": publication,
        "document": document,
        "upload": selectors.decision_upload(document),
        "form": form,
    }
    return _private(render(request, "scoring/signing/decision.html", context))


def signing_decision_to_sign(request: HttpRequest, year: int) -> HttpResponse:
    found = _decision_context(request, year)
    if isinstance(found, HttpResponse):
        return found
    _publication, document = found
    return _pdf(
        services.unsigned_copy(document),
        filename=f"Phu-luc-ket-qua-CCHC-{year}-ban-de-ky.pdf",
        as_attachment=True,
    )
