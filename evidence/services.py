"""Writes of evidence: upload, replace, link and unlink. Each checks permission, validates, runs in one
transaction and writes an audit event; a refused or failed write leaves no row and no file behind."""

import datetime
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.models import Document, DocumentVersion, EvidenceLink, StoredFile
from evidence.validation import CheckedUpload, check_upload, extension_of
from scoring.models import Assessment, AuditEvent, Criterion
from scoring.permissions.evidence import (
    EDIT_REFUSED_MESSAGE,
    UNLINK_DURING_EXPLANATION_MESSAGE,
    can_edit_evidence,
    can_unlink_evidence,
)
from units.models import User

TITLE_MAX_LENGTH = Document._meta.get_field("title").max_length
NUMBER_MAX_LENGTH = Document._meta.get_field("number").max_length
LOCATOR_MAX_LENGTH = EvidenceLink._meta.get_field("locator").max_length


def evidence_storage() -> Storage:
    """The storage alias evidence lives in; deployments may point it at object storage."""
    return storages["evidence"]


def storage_name_for(sha256: str) -> str:
    """Content-addressed name (ab/cd/<sha256>): never derived from what the client sent."""
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def documents_upload(
    *,
    actor: User,
    assessment: Assessment,
    uploads: Sequence[File],
    title: str = "",
    number: str = "",
    issued_on: datetime.date | None = None,
    criterion: Criterion | None = None,
    locator: str = "",
) -> list[Document]:
    """Add one document per file to the unit's library, all or nothing; optionally cite them for a criterion."""
    _require_edit(actor, assessment, criterion)
    title = _clean_text(title, TITLE_MAX_LENGTH, _("Tên tài liệu"))
    number = _clean_text(number, NUMBER_MAX_LENGTH, _("Số, ký hiệu"))
    locator = _clean_text(locator, LOCATOR_MAX_LENGTH, _("Trang / mục"))
    if issued_on is not None and issued_on > timezone.localdate():
        raise ValidationError(_("Ngày ban hành không được sau ngày hôm nay."), code="issued_in_future")
    if criterion is not None:
        _check_criterion(assessment, criterion)
    if not uploads:
        raise ValidationError(_("Hãy chọn ít nhất một tệp để tải lên."), code="no_file")
    if len(uploads) > settings.EVIDENCE_MAX_FILES_PER_UPLOAD:
        raise ValidationError(
            _("Mỗi lần chỉ tải lên tối đa %(count)s tệp.") % {"count": settings.EVIDENCE_MAX_FILES_PER_UPLOAD},
            code="too_many_files",
        )
    checked: list[CheckedUpload] = []
    errors: list[str] = []
    for upload in uploads:
        try:
            checked.append(check_upload(upload))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)

    documents = []
    with _files_removed_on_failure() as written, transaction.atomic():
        assessment = _lock_editable(actor, assessment, criterion)
        for item in checked:
            document = Document.objects.create(
                unit_id=assessment.unit_id,
                period_id=assessment.period_id,
                title=_document_title(title, item.original_name, several=len(checked) > 1),
                number=number,
                issued_on=issued_on,
                file=_store(item, written),
                original_name=item.original_name,
                uploaded_by=actor,
            )
            _new_version(
                actor=actor,
                assessment=assessment,
                document=document,
                action="evidence.upload",
                summary=_("Tải lên tài liệu kiểm chứng “%(title)s” (%(unit)s)")
                % {"title": document.title, "unit": assessment.unit},
            )
            if criterion is not None:
                _link_create(
                    actor=actor, assessment=assessment, criterion=criterion, document=document, locator=locator
                )
            documents.append(document)
    return documents


def document_upload(
    *,
    actor: User,
    assessment: Assessment,
    upload: File,
    title: str,
    number: str = "",
    issued_on: datetime.date | None = None,
    criterion: Criterion | None = None,
    locator: str = "",
) -> Document:
    """Add one file to the unit's library for the period (see documents_upload)."""
    return documents_upload(
        actor=actor,
        assessment=assessment,
        uploads=[upload],
        title=title,
        number=number,
        issued_on=issued_on,
        criterion=criterion,
        locator=locator,
    )[0]


def document_replace(*, actor: User, document: Document, assessment: Assessment, upload: File) -> Document:
    """Give a document a new file; earlier files stay in its version history and its citations stay."""
    _require_edit(actor, assessment)
    _check_document_of(assessment, document)
    item = check_upload(upload)
    with _files_removed_on_failure() as written, transaction.atomic():
        assessment = _lock_editable(actor, assessment)
        document = Document.objects.select_for_update(of=("self",)).select_related("file").get(pk=document.pk)
        if document.file.sha256 == item.sha256:
            raise ValidationError(
                _("Tệp mới giống hệt tệp hiện tại của tài liệu “%(title)s”.") % {"title": document.title},
                code="unchanged",
            )
        old = _document_state(document)
        document.file = _store(item, written)
        document.original_name = item.original_name
        document.uploaded_by = actor
        document.uploaded_at = timezone.now()
        document.save(update_fields=["file", "original_name", "uploaded_by", "uploaded_at"])
        _new_version(
            actor=actor,
            assessment=assessment,
            document=document,
            action="evidence.replace",
            summary=_("Thay tệp của tài liệu “%(title)s”: %(old)s → %(new)s")
            % {"title": document.title, "old": old["original_name"], "new": item.original_name},
            old=old,
        )
    return document


def _new_version(
    *, actor: User, assessment: Assessment, document: Document, action: str, summary: str, old: dict | None = None
) -> None:
    """Keep the document's current file in its history and audit the change (uploaded or replaced)."""
    DocumentVersion.objects.create(
        document=document, file=document.file, original_name=document.original_name, uploaded_by=actor
    )
    AuditEvent.objects.create(
        actor=actor,
        action=action,
        period=assessment.period,
        summary=summary,
        data={"assessment_id": assessment.pk, "document_id": document.pk, "old": old, "new": _document_state(document)},
    )


@transaction.atomic
def evidence_link(
    *, actor: User, assessment: Assessment, criterion: Criterion, document: Document, locator: str = ""
) -> EvidenceLink:
    """Cite a library document for a criterion of the sheet, with the page or section that proves it."""
    _require_edit(actor, assessment, criterion)
    locator = _clean_text(locator, LOCATOR_MAX_LENGTH, _("Trang / mục"))
    _check_document_of(assessment, document)
    _check_criterion(assessment, criterion)
    assessment = _lock_editable(actor, assessment, criterion)
    return _link_create(actor=actor, assessment=assessment, criterion=criterion, document=document, locator=locator)


@transaction.atomic
def evidence_unlink(*, actor: User, link: EvidenceLink) -> None:
    """Stop citing a document for a criterion; the document stays in the library."""
    assessment = _lock_editable(actor, link.assessment, link.criterion)
    link = EvidenceLink.objects.select_related("document", "criterion").get(pk=link.pk)
    if not can_unlink_evidence(actor, link, assessment):
        raise PermissionDenied(str(UNLINK_DURING_EXPLANATION_MESSAGE))
    old = _link_state(link)
    link.delete()
    AuditEvent.objects.create(
        actor=actor,
        action="evidence.unlink",
        period=assessment.period,
        summary=_("Bỏ tài liệu “%(title)s” khỏi tiêu chí %(code)s")
        % {"title": link.document.title, "code": link.criterion.code},
        data={"assessment_id": assessment.pk, "link_id": old["link_id"], "old": old, "new": None},
    )


@transaction.atomic
def evidence_link_update_locator(*, actor: User, link: EvidenceLink, locator: str) -> EvidenceLink:
    """Change the page or section a citation points to."""
    locator = _clean_text(locator, LOCATOR_MAX_LENGTH, _("Trang / mục"))
    assessment = _lock_editable(actor, link.assessment)
    link = EvidenceLink.objects.select_for_update(of=("self",)).select_related("document", "criterion").get(pk=link.pk)
    old = _link_state(link)
    if link.locator != locator:
        link.locator = locator
        link.save(update_fields=["locator"])
        AuditEvent.objects.create(
            actor=actor,
            action="evidence.link",
            period=assessment.period,
            summary=_("Sửa trang / mục của tài liệu “%(title)s” cho tiêu chí %(code)s")
            % {"title": link.document.title, "code": link.criterion.code},
            data={"assessment_id": assessment.pk, "link_id": link.pk, "old": old, "new": _link_state(link)},
        )
    return link


# --- helpers -----------------------------------------------------------------------------------


def _require_edit(actor: User, assessment: Assessment, criterion: Criterion | None = None) -> None:
    if not can_edit_evidence(actor, assessment, criterion):
        raise PermissionDenied(str(EDIT_REFUSED_MESSAGE))


def _lock_editable(actor: User, assessment: Assessment, criterion: Criterion | None = None) -> Assessment:
    """Re-read the sheet under a row lock so a concurrent submission cannot slip between check and write."""
    locked = Assessment.objects.select_for_update(of=("self",)).select_related("period", "unit").get(pk=assessment.pk)
    _require_edit(actor, locked, criterion)
    return locked


def _check_document_of(assessment: Assessment, document: Document) -> None:
    if document.unit_id != assessment.unit_id or document.period_id != assessment.period_id:
        raise ValidationError(
            _("Tài liệu “%(title)s” không thuộc thư viện tài liệu của đơn vị trong kỳ này.")
            % {"title": document.title},
            code="foreign_document",
        )


def _check_criterion(assessment: Assessment, criterion: Criterion) -> None:
    if criterion.framework_id != assessment.framework_id:
        raise ValidationError(
            _("Tiêu chí %(code)s không thuộc bộ chỉ số của phiếu này.") % {"code": criterion.code},
            code="foreign_criterion",
        )
    if criterion.children.exists():
        raise ValidationError(
            _("Tiêu chí %(code)s có tiêu chí thành phần; hãy gắn tài liệu vào từng tiêu chí thành phần.")
            % {"code": criterion.code},
            code="not_a_leaf",
        )


def _link_create(
    *, actor: User, assessment: Assessment, criterion: Criterion, document: Document, locator: str
) -> EvidenceLink:
    if EvidenceLink.objects.filter(document=document, assessment=assessment, criterion=criterion).exists():
        raise ValidationError(
            _("Tài liệu “%(title)s” đã được gắn cho tiêu chí %(code)s.")
            % {"title": document.title, "code": criterion.code},
            code="duplicate_link",
        )
    link = EvidenceLink.objects.create(
        document=document, assessment=assessment, criterion=criterion, locator=locator, created_by=actor
    )
    AuditEvent.objects.create(
        actor=actor,
        action="evidence.link",
        period=assessment.period,
        summary=_("Gắn tài liệu “%(title)s” cho tiêu chí %(code)s") % {"title": document.title, "code": criterion.code},
        data={"assessment_id": assessment.pk, "link_id": link.pk, "old": None, "new": _link_state(link)},
    )
    return link


def _clean_text(value: str | None, max_length: int, label: str) -> str:
    value = " ".join((value or "").split())
    if len(value) > max_length:
        raise ValidationError(
            _("%(label)s dài quá %(max)s ký tự.") % {"label": label, "max": max_length}, code="too_long"
        )
    return value


def _document_title(title: str, original_name: str, *, several: bool) -> str:
    """The given title, or the file name without extension; with several files, both (titles stay distinct)."""
    extension = extension_of(original_name)
    stem = original_name[: -len(extension) - 1] if extension else original_name
    if not title:
        return stem[:TITLE_MAX_LENGTH]
    if several:
        return f"{title} – {stem}"[:TITLE_MAX_LENGTH]
    return title


def _document_state(document: Document) -> dict:
    return {
        "title": document.title,
        "number": document.number,
        "issued_on": document.issued_on.isoformat() if document.issued_on else None,
        "original_name": document.original_name,
        "sha256": document.file.sha256,
        "size": document.file.size,
        "content_type": document.file.content_type,
    }


def _link_state(link: EvidenceLink) -> dict:
    return {
        "link_id": link.pk,
        "document_id": link.document_id,
        "criterion_id": link.criterion_id,
        "criterion_code": link.criterion.code,
        "locator": link.locator,
    }


def _store(item: CheckedUpload, written: list[str]) -> StoredFile:
    """The StoredFile for this content: reused when the same bytes were stored before, else written once."""
    stored = StoredFile.objects.filter(sha256=item.sha256).first()
    if stored is not None:
        return stored
    storage = evidence_storage()
    name = storage_name_for(item.sha256)
    if storage.exists(name) and storage.size(name) != item.size:
        storage.delete(name)  # a partial write left by a crash; the name is ours (content-addressed)
    if not storage.exists(name):
        saved = storage.save(name, item.file)
        written.append(saved)
        if saved != name:
            raise RuntimeError(f"Evidence storage renamed {name} to {saved}; content-addressed names must be kept.")
    try:
        with transaction.atomic():
            return StoredFile.objects.create(
                sha256=item.sha256, size=item.size, content_type=item.content_type, storage_name=name
            )
    except IntegrityError:
        # Another upload of the same bytes committed first: share its row (the file is identical).
        return StoredFile.objects.get(sha256=item.sha256)


@contextmanager
def _files_removed_on_failure() -> Iterator[list[str]]:
    """Delete files written by a write that then failed, unless a committed row already refers to them.

    Must wrap the transaction (entered before it) so the rows are rolled back before this runs.
    """
    written: list[str] = []
    try:
        yield written
    except BaseException:
        storage = evidence_storage()
        for name in written:
            if not StoredFile.objects.filter(storage_name=name).exists():
                storage.delete(name)
        raise


def evidence_orphans_sweep(*, older_than: datetime.timedelta, dry_run: bool = False) -> list[str]:
    """Delete stored files that no StoredFile row names (a worker died between writing and committing).

    Only files older than `older_than` go, so an upload still in flight is never touched.
    """
    storage = evidence_storage()
    known = set(StoredFile.objects.values_list("storage_name", flat=True))
    cutoff = timezone.now() - older_than
    orphans = [
        name for name in _storage_files(storage) if name not in known and storage.get_modified_time(name) <= cutoff
    ]
    if not dry_run:
        for name in orphans:
            storage.delete(name)
    return orphans


def _storage_files(storage: Storage, folder: str = "") -> Iterator[str]:
    folders, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from _storage_files(storage, f"{folder}/{sub}" if folder else sub)
