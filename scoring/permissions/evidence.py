"""Who may see and change evidence; getters fetch and authorise in one call (404 for missing and not yours)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from evidence.models import Document, DocumentVersion, EvidenceLink
from scoring.models import Assessment, Criterion, ExplanationRequest
from scoring.permissions.appraisal import can_answer_explanation
from scoring.permissions.sheets import can_edit_self_assessment, can_view_assessment, get_assessment_for_view
from units.models import Role, User
from units.roles import is_administrator, is_secretary, roles_of

EDIT_REFUSED_MESSAGE = _(
    "Không thể thay đổi tài liệu kiểm chứng của phiếu này: phiếu đã nộp, đã hết hạn tự đánh giá "
    "hoặc bạn không phụ trách đơn vị."
)
UNLINK_DURING_EXPLANATION_MESSAGE = _(
    "Trong thời gian giải trình chỉ được bổ sung tài liệu: không thể bỏ tài liệu đã nộp cùng phiếu tự đánh giá."
)


def can_view_document(user: User, document: Document, assessment: Assessment | None) -> bool:
    """Evidence is as visible as the sheet it supports; before a sheet exists, only the unit and the secretariat."""
    if assessment is not None:
        return can_view_assessment(user, assessment)
    if is_administrator(user) or is_secretary(user):
        return True
    return document.unit_id in roles_of(user).unit_ids(Role.UNIT_STAFF, Role.UNIT_HEAD)


def can_edit_evidence(user: User, assessment: Assessment, criterion: Criterion | None = None) -> bool:
    """Evidence changes with the self-assessment: the unit's people, while the sheet is open; after that,
    only on a criterion the council asked the unit to explain, until the request's deadline."""
    if can_edit_self_assessment(user, assessment):
        return True
    return open_explanation_request(user, assessment, criterion) is not None


def can_unlink_evidence(user: User, link: EvidenceLink, assessment: Assessment) -> bool:
    """During an explanation the unit may take back only what it added for it, never the submitted evidence."""
    if can_edit_self_assessment(user, assessment):
        return True
    request = open_explanation_request(user, assessment, link.criterion)
    return request is not None and link.created_at >= request.sent_at


def open_explanation_request(
    user: User, assessment: Assessment, criterion: Criterion | None
) -> ExplanationRequest | None:
    """The sent request on this criterion that the user may still answer; no query for people outside the unit."""
    if criterion is None or assessment.unit_id not in roles_of(user).unit_ids(Role.UNIT_STAFF, Role.UNIT_HEAD):
        return None
    request = ExplanationRequest.objects.filter(
        assessment_id=assessment.pk,
        criterion_id=criterion.pk,
        state__in=[ExplanationRequest.State.SENT, ExplanationRequest.State.ANSWERED],
    ).first()
    if request is None:
        return None
    request.assessment = assessment
    return request if can_answer_explanation(user, request) else None


def get_document_for_view(user: User, pk: int) -> Document:
    document = get_object_or_404(Document.objects.select_related("file", "unit", "period"), pk=pk)
    assessment = (
        Assessment.objects.select_related("period")
        .filter(unit_id=document.unit_id, period_id=document.period_id)
        .first()
    )
    if not can_view_document(user, document, assessment):
        raise Http404
    return document


def get_version_for_view(user: User, document_pk: int, version_pk: int) -> DocumentVersion:
    document = get_document_for_view(user, document_pk)
    version = get_object_or_404(DocumentVersion.objects.select_related("file"), pk=version_pk, document=document)
    version.document = document
    return version


def get_document_of_assessment(assessment: Assessment, pk: int) -> Document:
    """A document of the sheet's unit library (same unit and period); 404 otherwise."""
    return get_object_or_404(
        Document.objects.select_related("file"), pk=pk, unit_id=assessment.unit_id, period_id=assessment.period_id
    )


def get_link_for_view(user: User, pk: int) -> EvidenceLink:
    link = get_object_or_404(EvidenceLink.objects.select_related("document__file", "criterion"), pk=pk)
    link.assessment = get_assessment_for_view(user, link.assessment_id)
    return link
