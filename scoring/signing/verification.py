"""What a PDF says about itself: is it a PDF, who signed it and when, whether it is intact or altered since, whether
the certificate is trusted, expired or unknown, and the document data it carries. Reads bytes only (no database).
"""

import dataclasses
import datetime
import enum
import hashlib
import io
import logging
import re

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from scoring.signing.certificates import certificate_sha256, signer_name
from scoring.signing.pdf import embedded_data, outside_event_loop

logger = logging.getLogger(__name__)

# Changes after a signature that do not alter what was signed: adding signatures and validation data.
HARMLESS_LATER_CHANGES = frozenset(
    {ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING}
)


class Outcome(enum.StrEnum):
    NOT_PDF = "not_pdf"
    BROKEN = "broken"
    UNSIGNED = "unsigned"
    CHECKED = "checked"


class Trust(enum.StrEnum):
    TRUSTED = "trusted"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    REVOKED = "revoked"
    UNKNOWN = "unknown"  # no chain to a root the portal trusts


@dataclasses.dataclass(frozen=True)
class SignatureReport:
    field_name: str
    signer: str
    certificate_sha256: str
    certificate_valid_from: datetime.datetime
    certificate_valid_until: datetime.datetime
    signed_at: datetime.datetime | None  # as the signer's computer reported it
    is_intact: bool  # the signed bytes and the signature match
    is_changed_after: bool  # something other than further signatures was added after this one
    trust: Trust

    @property
    def is_whole(self) -> bool:
        return self.is_intact and not self.is_changed_after

    @property
    def was_valid_when_signed(self) -> bool:
        return self.signed_at is not None and (
            self.certificate_valid_from <= self.signed_at <= self.certificate_valid_until
        )


@dataclasses.dataclass(frozen=True)
class Inspection:
    outcome: Outcome
    sha256: str
    size: int
    signatures: tuple[SignatureReport, ...] = ()
    data: dict | None = None

    @property
    def is_intact(self) -> bool:
        return self.outcome == Outcome.CHECKED and all(signature.is_whole for signature in self.signatures)

    @property
    def is_trusted(self) -> bool:
        return self.is_intact and all(signature.trust == Trust.TRUSTED for signature in self.signatures)

    @property
    def last_signature(self) -> SignatureReport | None:
        return self.signatures[-1] if self.signatures else None


def _trust(status) -> Trust:
    if status.trusted:
        return Trust.TRUSTED
    if status.revoked:
        return Trust.REVOKED
    problem = getattr(status.trust_problem_indic, "name", "")
    if "EXPIRED" in problem or "OUT_OF_BOUNDS" in problem:
        return Trust.EXPIRED
    if "NOT_YET_VALID" in problem:
        return Trust.NOT_YET_VALID
    return Trust.UNKNOWN


def _dates(certificate: asn1_x509.Certificate) -> tuple[datetime.datetime, datetime.datetime]:
    validity = certificate["tbs_certificate"]["validity"]
    return validity["not_before"].native, validity["not_after"].native


def _report(embedded, roots: list[asn1_x509.Certificate], now: datetime.datetime) -> SignatureReport:
    context = ValidationContext(trust_roots=roots, allow_fetching=False, moment=now)
    usage = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)
    status = outside_event_loop(
        validate_pdf_signature, embedded, signer_validation_context=context, key_usage_settings=usage
    )
    certificate = embedded.signer_cert
    valid_from, valid_until = _dates(certificate)
    level = status.modification_level
    changed_after = status.coverage != SignatureCoverageLevel.ENTIRE_FILE and (
        status.coverage != SignatureCoverageLevel.ENTIRE_REVISION or level not in HARMLESS_LATER_CHANGES
    )
    trust = _trust(status)
    if trust == Trust.UNKNOWN and now > valid_until:
        trust = Trust.EXPIRED  # an expired certificate that also has no known chain reads as expired first
    return SignatureReport(
        field_name=embedded.field_name or "",
        signer=signer_name(certificate),
        certificate_sha256=certificate_sha256(certificate),
        certificate_valid_from=valid_from,
        certificate_valid_until=valid_until,
        signed_at=status.signer_reported_dt,
        is_intact=status.intact and status.valid,
        is_changed_after=changed_after,
        trust=trust,
    )


BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")


@dataclasses.dataclass(frozen=True)
class RawSignature:
    """A signature found in the bytes: what it covers, its CMS blob, and whether the hex field holds only that."""

    ranges: tuple[int, int, int, int]
    signed_data: cms.SignedData | None
    is_padding_clean: bool


def raw_signatures(content: bytes) -> list[RawSignature]:
    """Every /ByteRange in the file with the signature between its two parts, read without a PDF parser."""
    found = []
    for match in BYTE_RANGE.finditer(content):
        start, first_length, second_start, second_length = (int(group) for group in match.groups())
        gap = content[start + first_length : second_start].strip()
        signed_data, is_clean = None, False
        if gap.startswith(b"<") and gap.endswith(b">"):
            try:
                blob = bytes.fromhex(gap[1:-1].decode("ascii"))
                info = cms.ContentInfo.load(blob, strict=False)
                signed_data = info["content"]
                is_clean = not blob[len(info.dump()) :].strip(b"\0")
                signed_data["signer_infos"][0]  # noqa: B018 — parse now, not later
            except (ValueError, TypeError, KeyError, IndexError):
                signed_data = None
        found.append(RawSignature((start, first_length, second_start, second_length), signed_data, is_clean))
    return found


def _raw_is_intact(content: bytes, raw: RawSignature) -> bool:
    """The digest the signer signed against the bytes the byte range names: the check needing no PDF parser."""
    if raw.signed_data is None:
        return False
    start, first_length, second_start, second_length = raw.ranges
    signer_info = raw.signed_data["signer_infos"][0]
    digest = next(
        (
            attribute["values"][0].native
            for attribute in signer_info["signed_attrs"]
            if attribute["type"].native == "message_digest"
        ),
        None,
    )
    algorithm = signer_info["digest_algorithm"]["algorithm"].native
    covered = content[start : start + first_length] + content[second_start : second_start + second_length]
    return digest is not None and hashlib.new(algorithm, covered).digest() == digest


def _unparsable_signature(content: bytes, raw: RawSignature) -> SignatureReport:
    """A signed file that no PDF reader can open any more: the signature read from the bytes alone."""
    name = fingerprint = ""
    valid_from = valid_until = datetime.datetime.min.replace(tzinfo=datetime.UTC)
    try:
        is_intact = _raw_is_intact(content, raw)
        certificates = [choice.chosen for choice in raw.signed_data["certificates"] if choice.name == "certificate"]
        if certificates:
            name, fingerprint = signer_name(certificates[0]), certificate_sha256(certificates[0])
            valid_from, valid_until = _dates(certificates[0])
    except (ValueError, TypeError, KeyError, IndexError):  # asn1crypto parses lazily: damage shows up here
        is_intact = False
    return SignatureReport(
        field_name="",
        signer=name,
        certificate_sha256=fingerprint,
        certificate_valid_from=valid_from,
        certificate_valid_until=valid_until,
        signed_at=None,
        is_intact=is_intact,
        is_changed_after=True,  # whatever the digest says, the file around it no longer reads as a PDF
        trust=Trust.UNKNOWN,
    )


def inspect_pdf(
    content: bytes, *, roots: list[asn1_x509.Certificate], now: datetime.datetime | None = None
) -> Inspection:
    sha256 = hashlib.sha256(content).hexdigest()
    size = len(content)
    if not content.lstrip()[:5] == b"%PDF-":
        return _from_bytes(content, sha256) or Inspection(Outcome.NOT_PDF, sha256, size)
    try:
        return _inspect(content, sha256, roots, now or datetime.datetime.now(datetime.UTC))
    except Exception as error:  # noqa: BLE001 — a damaged file can fail anywhere in the parser or the validator
        logger.info("Unreadable PDF %s: %r", sha256, error)
    return _from_bytes(content, sha256) or Inspection(Outcome.BROKEN, sha256, len(content))


def _from_bytes(content: bytes, sha256: str) -> Inspection | None:
    """A file that was signed but no longer reads as the signed document was altered after signing."""
    raws = raw_signatures(content)
    if not raws:
        return None
    return Inspection(Outcome.CHECKED, sha256, len(content), tuple(_unparsable_signature(content, raw) for raw in raws))


def _inspect(content: bytes, sha256: str, roots: list[asn1_x509.Certificate], moment: datetime.datetime) -> Inspection:
    reader = PdfFileReader(io.BytesIO(content), strict=False)
    signatures = list(reader.embedded_signatures)
    if not signatures:
        # a signature dictionary the reader no longer recognises as one is an altered signature, not none
        return _from_bytes(content, sha256) or Inspection(
            Outcome.UNSIGNED, sha256, len(content), data=embedded_data(reader)
        )
    padding = {raw.ranges: raw.is_padding_clean for raw in raw_signatures(content)}
    reports = []
    for embedded in signatures:
        report = _report(embedded, roots, moment)
        if not padding.get(tuple(int(value) for value in embedded.byte_range), True):
            # bytes were written into the signature's own field beside it (never signed, by design of PDF)
            report = dataclasses.replace(report, is_changed_after=True)
        reports.append(report)
    return Inspection(Outcome.CHECKED, sha256, len(content), tuple(reports), embedded_data(reader))
