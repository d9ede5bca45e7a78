"""Reads of signed documents: a visitor's PDF checked against the register, and the documents pages link to."""

import dataclasses
import enum

from scoring.models import Assessment, Period, ResultPublication, SignedDocument, SignedUpload
from scoring.signing.certificates import trust_roots
from scoring.signing.pdf import SIGNATURE_FIELD
from scoring.signing.verification import Inspection, Outcome, inspect_pdf


class Verdict(enum.StrEnum):
    NOT_PDF = "not_pdf"
    BROKEN = "broken"
    UNSIGNED = "unsigned"
    ALTERED = "altered"
    INTACT = "intact"


class Copy(enum.StrEnum):
    """Which registered file the visitor's PDF is, byte for byte."""

    PORTAL = "portal"  # the portal's own signed copy
    UPLOADED = "uploaded"  # the decision leadership signed outside and attached
    OTHER = "other"  # signed again on top of a registered copy (e.g. a countersignature)
    NONE = "none"


@dataclasses.dataclass(frozen=True)
class Verification:
    inspection: Inspection
    verdict: Verdict
    document: SignedDocument | None
    copy: Copy
    # why an intact-looking file reads as altered: its bytes differ from the registered copy it claims to be, or
    # its embedded data from the document's record
    differs_from_register: bool = False

    @property
    def is_known(self) -> bool:
        return self.document is not None


def document_by_reference(reference: str) -> SignedDocument | None:
    return (
        SignedDocument.objects.select_related("period__authority", "publication", "block", "assessment__unit", "upload")
        .filter(reference=reference)
        .first()
    )


def _registered(document: SignedDocument) -> list[tuple[Copy, str, str]]:
    """(copy, file SHA-256, certificate SHA-256) of every file registered for the document."""
    copies = []
    if document.is_signed:
        copies.append((Copy.PORTAL, document.file_sha256, document.certificate_sha256))
    upload = getattr(document, "upload", None)
    if upload is not None:
        copies.append((Copy.UPLOADED, upload.file_sha256, upload.certificate_sha256))
    return copies


def _claimed_copy(inspection: Inspection, document: SignedDocument) -> Copy:
    """The registered copy whose final signature the file carries (the same signer, field and moment)."""
    last = inspection.last_signature
    if last is None:
        return Copy.NONE
    if (
        document.is_signed
        and last.field_name == SIGNATURE_FIELD
        and last.certificate_sha256 == document.certificate_sha256
    ):
        return Copy.PORTAL
    upload = getattr(document, "upload", None)
    if (
        upload is not None
        and last.certificate_sha256 == upload.certificate_sha256
        and last.signed_at == upload.signed_at
    ):
        return Copy.UPLOADED
    return Copy.NONE


def verify(content: bytes, reference: str | None = None) -> Verification:
    """Check a PDF's signatures, then against the register: a file carrying the final signature of a registered copy
    must be that copy byte for byte, and its embedded data must be the document's record."""
    inspection = inspect_pdf(content, roots=trust_roots())
    data = inspection.data or {}
    document = document_by_reference(str(data.get("reference") or reference or ""))
    if inspection.outcome == Outcome.NOT_PDF:
        return Verification(inspection, Verdict.NOT_PDF, None, Copy.NONE)
    if inspection.outcome == Outcome.BROKEN:
        return Verification(inspection, Verdict.BROKEN, None, Copy.NONE)
    if inspection.outcome == Outcome.UNSIGNED:
        return Verification(inspection, Verdict.UNSIGNED, document, Copy.NONE)
    if document is None:
        verdict = Verdict.INTACT if inspection.is_intact else Verdict.ALTERED
        return Verification(inspection, verdict, None, Copy.NONE)
    copies = _registered(document)
    matched = next((copy for copy, sha256, _certificate in copies if sha256 == inspection.sha256), None)
    if matched is not None:
        verdict = Verdict.INTACT if inspection.is_intact else Verdict.ALTERED
        return Verification(inspection, verdict, document, matched)
    claimed = _claimed_copy(inspection, document)
    differs = claimed != Copy.NONE or (inspection.data is not None and inspection.data != document.content)
    verdict = Verdict.INTACT if inspection.is_intact and not differs else Verdict.ALTERED
    if claimed == Copy.NONE:
        # signed again on top of a registered copy (a countersignature), or never signed by a registered signer
        registered = {certificate for _copy, _sha256, certificate in copies}
        countersigned = any(signature.certificate_sha256 in registered for signature in inspection.signatures)
        claimed = Copy.OTHER if countersigned else Copy.NONE
    return Verification(inspection, verdict, document, claimed, differs)


def annex_document(publication: ResultPublication) -> SignedDocument | None:
    return (
        SignedDocument.objects.select_related("upload")
        .filter(kind=SignedDocument.Kind.ANNEX, publication=publication)
        .first()
    )


def minutes_by_block(period: Period) -> dict[int, SignedDocument]:
    return {
        document.block_id: document
        for document in SignedDocument.objects.filter(kind=SignedDocument.Kind.MINUTES, period=period)
    }


def latest_receipt(assessment: Assessment) -> SignedDocument | None:
    return (
        SignedDocument.objects.filter(kind=SignedDocument.Kind.RECEIPT, assessment=assessment)
        .order_by("-created_at", "-id")
        .first()
    )


def decision_upload(document: SignedDocument) -> SignedUpload | None:
    return SignedUpload.objects.filter(document=document).select_related("uploaded_by").first()
