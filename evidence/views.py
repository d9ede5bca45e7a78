"""Evidence pages and endpoints: thin; every read and write is authorised on the server.

Reads answer 404 both for a missing object and for one the user may not see; writes by someone who may
see but not change the sheet answer 403 (or, for htmx, the re-rendered partial with the reason).
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from evidence import services
from evidence.forms import CriterionUploadForm, DocumentReplaceForm, DocumentUploadForm, EvidenceLinkForm, LocatorForm
from evidence.models import Document, DocumentVersion, EvidenceLink, StoredFile
from evidence.selectors import links_by_criterion, unit_library
from evidence.validation import format_megabytes, type_label
from scoring.feedback import error_messages, flash_errors
from scoring.models import Assessment, Criterion
from scoring.permissions.evidence import (
    EDIT_REFUSED_MESSAGE,
    can_edit_evidence,
    get_document_for_view,
    get_document_of_assessment,
    get_link_for_view,
    get_version_for_view,
)
from scoring.permissions.sheets import get_assessment_for_view

logger = logging.getLogger(__name__)

# Only these are shown inline by the browser; everything else is always downloaded.
INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg"})


# --- the unit's library page -----------------------------------------------------------------------


@login_required
@require_GET
def library(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    assessment = get_assessment_for_view(request.user, assessment_pk)
    return _library_page(request, assessment, DocumentUploadForm())


@login_required
@require_POST
def library_upload(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    assessment = get_assessment_for_view(request.user, assessment_pk)
    if not can_edit_evidence(request.user, assessment):
        raise PermissionDenied
    form = DocumentUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            documents = services.documents_upload(
                actor=request.user,
                assessment=assessment,
                uploads=form.cleaned_data["files"],
                title=form.cleaned_data["title"],
                number=form.cleaned_data["number"],
                issued_on=form.cleaned_data["issued_on"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext("Đã tải lên %(count)s tài liệu.", "Đã tải lên %(count)s tài liệu.", len(documents))
                % {"count": len(documents)},
            )
            return redirect("evidence_library", assessment_pk=assessment.pk)
    return _library_page(request, assessment, form, status=400)


@login_required
@require_POST
def document_replace(request: HttpRequest, assessment_pk: int, document_pk: int) -> HttpResponse:
    assessment = get_assessment_for_view(request.user, assessment_pk)
    document = get_document_of_assessment(assessment, document_pk)
    if not can_edit_evidence(request.user, assessment):
        raise PermissionDenied
    form = DocumentReplaceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn tệp mới để thay cho tài liệu “%(title)s”.") % {"title": document.title})
    else:
        try:
            services.document_replace(
                actor=request.user, document=document, assessment=assessment, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("Đã thay tệp của tài liệu “%(title)s”.") % {"title": document.title})
    return redirect("evidence_library", assessment_pk=assessment.pk)


def library_documents(assessment: Assessment) -> QuerySet[Document]:
    """The library with each document's versions and its citations in this sheet: four queries in all."""
    return unit_library(unit_id=assessment.unit_id, period_id=assessment.period_id).prefetch_related(
        Prefetch("versions", queryset=DocumentVersion.objects.select_related("file", "uploaded_by")),
        Prefetch(
            "links",
            queryset=EvidenceLink.objects.filter(assessment=assessment)
            .select_related("criterion")
            .order_by("criterion__position", "criterion__code", "id"),
            to_attr="sheet_links",
        ),
    )


def _library_page(request: HttpRequest, assessment: Assessment, form: DocumentUploadForm, status: int = 200):
    documents = list(library_documents(assessment))
    for document in documents:
        document.type_label = type_label(document.file.content_type)
    return render(
        request,
        "evidence/document_library.html",
        {
            "assessment": assessment,
            "documents": documents,
            "form": form,
            "can_edit": can_edit_evidence(request.user, assessment),
            "max_upload": format_megabytes(settings.EVIDENCE_MAX_UPLOAD_BYTES),
        },
        status=status,
    )


# --- the per-criterion partial of the scoresheet ------------------------------------------------------


@login_required
@require_GET
def criterion_evidence(request: HttpRequest, assessment_pk: int, criterion_pk: int) -> HttpResponse:
    assessment = get_assessment_for_view(request.user, assessment_pk)
    criterion = get_object_or_404(Criterion, pk=criterion_pk, framework_id=assessment.framework_id)
    return _criterion_partial(request, assessment, criterion)


@login_required
@require_POST
def criterion_upload(request: HttpRequest, assessment_pk: int, criterion_pk: int) -> HttpResponse:
    assessment = get_assessment_for_view(request.user, assessment_pk)
    criterion = get_object_or_404(Criterion, pk=criterion_pk, framework_id=assessment.framework_id)
    form = CriterionUploadForm(request.POST, request.FILES)
    return _criterion_write(
        request,
        assessment,
        criterion,
        form,
        lambda data: services.documents_upload(
            actor=request.user,
            assessment=assessment,
            uploads=data["files"],
            criterion=criterion,
            locator=data["locator"],
        ),
    )


@login_required
@require_POST
def criterion_link(request: HttpRequest, assessment_pk: int, criterion_pk: int) -> HttpResponse:
    assessment = get_assessment_for_view(request.user, assessment_pk)
    criterion = get_object_or_404(Criterion, pk=criterion_pk, framework_id=assessment.framework_id)
    library = unit_library(unit_id=assessment.unit_id, period_id=assessment.period_id)
    form = EvidenceLinkForm(request.POST, library=library)
    return _criterion_write(
        request,
        assessment,
        criterion,
        form,
        lambda data: services.evidence_link(
            actor=request.user,
            assessment=assessment,
            criterion=criterion,
            document=data["document"],
            locator=data["locator"],
        ),
    )


@login_required
@require_POST
def link_unlink(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_link_for_view(request.user, pk)
    return _criterion_write(
        request,
        link.assessment,
        link.criterion,
        None,
        lambda data: services.evidence_unlink(actor=request.user, link=link),
    )


@login_required
@require_POST
def link_locator(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_link_for_view(request.user, pk)
    form = LocatorForm(request.POST)
    return _criterion_write(
        request,
        link.assessment,
        link.criterion,
        form,
        lambda data: services.evidence_link_update_locator(actor=request.user, link=link, locator=data["locator"]),
    )


def _criterion_write(request: HttpRequest, assessment: Assessment, criterion: Criterion, form, action) -> HttpResponse:
    """Run a write for one criterion; htmx gets the re-rendered partial (errors inside), a plain POST a redirect."""
    errors: list[str] = []
    if not can_edit_evidence(request.user, assessment, criterion):
        if not request.htmx:
            raise PermissionDenied
        errors = [str(EDIT_REFUSED_MESSAGE)]
    elif form is not None and not form.is_valid():
        errors = error_messages(form)
    else:
        try:
            action(form.cleaned_data if form is not None else {})
        except ValidationError as error:
            errors = error.messages
        except PermissionDenied as error:
            if not request.htmx:
                raise
            errors = [str(error) or str(EDIT_REFUSED_MESSAGE)]
    if request.htmx:
        return _criterion_partial(request, assessment, criterion, errors=errors)
    for message in errors:
        messages.error(request, message)
    return redirect(_safe_next(request, assessment))


def _criterion_partial(
    request: HttpRequest, assessment: Assessment, criterion: Criterion, errors: list[str] | None = None
) -> HttpResponse:
    context = {
        "assessment": assessment,
        "criterion": criterion,
        "links": links_by_criterion(assessment).get(criterion.pk, []),
        "can_edit": can_edit_evidence(request.user, assessment, criterion),
        "library": list(unit_library(unit_id=assessment.unit_id, period_id=assessment.period_id)),
        "evidence_errors": errors or [],
        "evidence_next": request.htmx.current_url_abs_path if request.htmx else "",
    }
    response = render(request, "evidence/_criterion_evidence.html", context)
    if request.method == "POST" and not errors:
        response["HX-Trigger"] = "evidenceChanged"  # the sheet's summary (missing evidence) refreshes itself
    return response


def _safe_next(request: HttpRequest, assessment: Assessment) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("evidence_library", kwargs={"assessment_pk": assessment.pk})


# --- files -------------------------------------------------------------------------------------------------


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    document = get_document_for_view(request.user, pk)
    return _file_response(document.file, document.original_name, inline=False)


@login_required
@require_GET
def document_preview(request: HttpRequest, pk: int) -> FileResponse:
    document = get_document_for_view(request.user, pk)
    return _file_response(document.file, document.original_name, inline=document.file.content_type in INLINE_TYPES)


@login_required
@require_GET
def version_download(request: HttpRequest, pk: int, version_pk: int) -> FileResponse:
    version = get_version_for_view(request.user, pk, version_pk)
    return _file_response(version.file, version.original_name, inline=False)


def _file_response(stored: StoredFile, original_name: str, *, inline: bool) -> HttpResponse:
    """Stream from the evidence storage with the sniffed type; the browser must never guess or run it.

    With EVIDENCE_X_ACCEL_PREFIX set, nginx sends the bytes itself (X-Accel-Redirect to an internal
    location over the evidence folder) once this view has checked the permission.
    """
    if settings.EVIDENCE_X_ACCEL_PREFIX:
        response = HttpResponse(content_type=stored.content_type)
        response["X-Accel-Redirect"] = settings.EVIDENCE_X_ACCEL_PREFIX + stored.storage_name
        response["Content-Disposition"] = content_disposition_header(not inline, original_name)
    else:
        try:
            handle = services.evidence_storage().open(stored.storage_name, "rb")
        except FileNotFoundError:
            logger.error("Evidence file %s (%s) is missing from storage", stored.storage_name, stored.sha256)
            raise Http404 from None
        response = FileResponse(
            handle, as_attachment=not inline, filename=original_name, content_type=stored.content_type
        )
        response["Content-Length"] = str(stored.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
