"""Writes of signed documents: record the snapshot when the event happens, sign it with the authority's certificate,
and attach the decision an official signed outside the portal."""

import base64
import hashlib
import logging
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.models import AuditEvent, BlockFinalisation, ResultPublication, SignedDocument, SignedUpload
from scoring.permissions.signing import can_attach_signed_decision
from scoring.signing import contents, documents
from scoring.signing import pdf as signing_pdf
from scoring.signing.certificates import authority_signer, certificate_sha256, signer_name, trust_roots
from scoring.signing.verification import Outcome, Trust, inspect_pdf
from units.models import User

logger = logging.getLogger(__name__)

SIGNED_STORAGE = "exports"


def signed_storage() -> Storage:
    return storages[SIGNED_STORAGE]


def new_reference() -> str:
    """Sixteen letters and digits in groups of four (80 random bits), easy to read aloud from a printed page."""
    code = base64.b32encode(secrets.token_bytes(10)).decode()
    return "-".join(code[index : index + 4] for index in range(0, 16, 4))


def _record(*, actor: User, kind: str, period, build, **subject) -> SignedDocument:
    reference = new_reference()
    content = build(reference)
    document = SignedDocument.objects.create(
        kind=kind,
        reference=reference,
        period=period,
        content=content,
        content_sha256=hashlib.sha256(signing_pdf.canonical_json(content)).hexdigest(),
        created_by=actor,
        **subject,
    )
    if settings.SIGNING_ON_COMMIT:
        transaction.on_commit(lambda: _enqueue_signing(document.pk))
    return document


def _enqueue_signing(document_id: int) -> None:
    from scoring.tasks import signed_document_sign  # the task module imports services: import when used

    signed_document_sign.enqueue(document_id=document_id)


def annex_record(*, actor: User, publication: ResultPublication) -> SignedDocument:
    """Called inside results_publish: the annex of the publication just frozen."""
    return _record(
        actor=actor,
        kind=SignedDocument.Kind.ANNEX,
        period=publication.period,
        build=lambda reference: contents.annex_content(publication, reference),
        publication=publication,
    )


def minutes_record(*, actor: User, finalisation: BlockFinalisation) -> SignedDocument:
    """Called inside block_finalise: the council's minutes of the block, as it stands when closed."""
    return _record(
        actor=actor,
        kind=SignedDocument.Kind.MINUTES,
        period=finalisation.period,
        build=lambda reference: contents.minutes_content(finalisation, reference),
        block=finalisation.block,
    )


def receipt_record(*, actor: User, assessment) -> SignedDocument:
    """Called inside assessment_submit: the sheet and its evidence (by SHA-256) at the moment of submission."""
    return _record(
        actor=actor,
        kind=SignedDocument.Kind.RECEIPT,
        period=assessment.period,
        build=lambda reference: contents.receipt_content(assessment, reference),
        assessment=assessment,
    )


def _stored_name(document: SignedDocument, suffix: str = "") -> str:
    return f"signed/{document.period.year}/{document.kind}/{document.reference}{suffix}.pdf"


@transaction.atomic
def document_sign(*, document: SignedDocument) -> SignedDocument:
    """Render, sign and keep the document, once: the authority signs, not whoever's request got here first (so
    there is no actor: the queue runs it after the event, or the first download does)."""
    document = (
        SignedDocument.objects.select_for_update(of=("self",))
        .select_related("period__authority", "publication__period", "block")
        .get(pk=document.pk)
    )
    if document.is_signed:
        return document
    signer = authority_signer()
    html = documents.document_html(document)
    rendered, slot = signing_pdf.render(html)
    signed_at = timezone.now()
    content = signing_pdf.sign(
        rendered,
        data=document.content,
        slot=slot,
        signer=signer,
        url=documents.verification_url(document.reference),
        reference=document.reference,
        signed_at=signed_at,
        reason=documents.REASONS[document.kind],
        location=settings.SIGNING_LOCATION,
    )
    name = _stored_name(document)
    storage = signed_storage()
    if storage.exists(name):  # left by a signing whose transaction did not commit
        storage.delete(name)
    saved = storage.save(name, ContentFile(content))
    document.file_name = saved
    document.file_sha256 = hashlib.sha256(content).hexdigest()
    document.file_size = len(content)
    document.signer_name = signer_name(signer.signing_cert)
    document.certificate_sha256 = certificate_sha256(signer.signing_cert)
    document.signed_at = signed_at
    document.save(
        update_fields=["file_name", "file_sha256", "file_size", "signer_name", "certificate_sha256", "signed_at"]
    )
    AuditEvent.objects.create(
        actor=None,
        action="document.sign",
        period=document.period,
        summary=_("Ký số %(kind)s, mã tra cứu %(reference)s")
        % {"kind": document.get_kind_display().lower(), "reference": document.reference},
        data={"document_id": document.pk, "sha256": document.file_sha256},
    )
    return document


def unsigned_copy(document: SignedDocument) -> bytes:
    """The document with its data embedded and the QR code drawn in, for an official to sign with a USB token."""
    rendered, _slot = signing_pdf.render(documents.document_html(document, with_qr=True))
    return signing_pdf.with_data(rendered, document.content)


def _decision_errors(inspection, document: SignedDocument, publication: ResultPublication) -> list[str]:
    """Why an uploaded decision cannot be attached, in the order a person would fix them."""
    if inspection.outcome == Outcome.NOT_PDF:
        return [_("Tệp tải lên không phải là tệp PDF.")]
    if inspection.outcome == Outcome.BROKEN:
        return [_("Tệp PDF bị hỏng, không đọc được.")]
    if inspection.outcome == Outcome.UNSIGNED:
        return [_("Tệp PDF chưa có chữ ký số. Hãy ký bằng chứng thư số (USB token) rồi tải lên lại.")]
    if not inspection.is_intact:
        return [_("Chữ ký số không còn nguyên vẹn: tệp đã bị thay đổi sau khi ký.")]
    errors = []
    last = inspection.last_signature
    if last.trust == Trust.EXPIRED:
        errors.append(
            _("Chứng thư số của người ký đã hết hạn ngày %(date)s.")
            % {"date": timezone.localtime(last.certificate_valid_until).strftime("%d/%m/%Y")}
        )
    elif last.trust != Trust.TRUSTED:
        errors.append(
            _("Chứng thư số của người ký không do tổ chức cung cấp dịch vụ chứng thực được Cổng tin cậy cấp.")
        )
    data = inspection.data
    if data is None:
        errors.append(_("Tệp không chứa dữ liệu phụ lục của Cổng: hãy ký đúng tệp “bản để ký” tải từ Cổng."))
    elif data.get("reference") != document.reference:
        errors.append(
            _("Dữ liệu trong tệp thuộc văn bản khác (mã tra cứu %(reference)s), không phải phụ lục lần công bố này.")
            % {"reference": data.get("reference") or "—"}
        )
    elif data != document.content or data != contents.annex_content(publication, document.reference):
        errors.append(_("Dữ liệu phụ lục trong tệp không khớp với kết quả đã công bố."))
    return errors


@transaction.atomic
def decision_attach(*, actor: User, publication: ResultPublication, uploaded: UploadedFile) -> SignedUpload:
    """Leadership attaches the decision signed with their own token: refused unless every signature is intact, the
    signer's certificate is trusted, and the annex data embedded in it are those of the frozen publication."""
    publication = ResultPublication.objects.select_related("period__authority").get(pk=publication.pk)
    if not can_attach_signed_decision(actor, publication):
        raise PermissionDenied(_("Chỉ Lãnh đạo UBND được đính kèm quyết định đã ký, sau khi công bố kết quả."))
    document = (
        SignedDocument.objects.select_for_update()
        .filter(kind=SignedDocument.Kind.ANNEX, publication=publication)
        .first()
    )
    if document is None:
        raise ValidationError(_("Lần công bố này chưa có phụ lục để ký."))
    if SignedUpload.objects.filter(document=document).exists():
        raise ValidationError(_("Quyết định đã ký của lần công bố này đã được đính kèm."))
    if uploaded.size > settings.SIGNING_MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("Tệp quá lớn (tối đa %(size)s MB).") % {"size": settings.SIGNING_MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    content = b"".join(uploaded.chunks())
    inspection = inspect_pdf(content, roots=trust_roots())
    errors = _decision_errors(inspection, document, publication)
    if errors:
        raise ValidationError(errors)
    last = inspection.last_signature
    name = signed_storage().save(_stored_name(document, f"-ky-ngoai-{inspection.sha256[:12]}"), ContentFile(content))
    upload = SignedUpload.objects.create(
        document=document,
        file_name=name,
        original_name=(uploaded.name or "")[:255],
        file_sha256=inspection.sha256,
        file_size=len(content),
        signer_name=last.signer[:300],
        certificate_sha256=last.certificate_sha256,
        signed_at=last.signed_at,
        uploaded_by=actor,
    )
    AuditEvent.objects.create(
        actor=actor,
        action="results.decision_attach",
        period=publication.period,
        summary=_("Đính kèm quyết định đã ký số năm %(year)s, lần %(version)s (người ký: %(signer)s)")
        % {"year": publication.period.year, "version": publication.version, "signer": last.signer},
        data={"document_id": document.pk, "sha256": inspection.sha256},
    )
    return upload
