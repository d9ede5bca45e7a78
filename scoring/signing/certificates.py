"""The authority's signing certificate (a PKCS#12 file named by the settings), the roots we trust, and the
demo CA and signer `make run` creates for itself (also used by the tests to make expired and unknown ones)."""

import dataclasses
import datetime
import hashlib
from functools import lru_cache
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from pyhanko.sign import signers

DEMO_SIGNER_FILE = "demo-signer.p12"
DEMO_CA_FILE = "demo-ca.pem"


class SigningNotConfigured(Exception):
    """No usable signing certificate: the file is missing, unreadable or its password is wrong."""


def certificate_sha256(certificate: asn1_x509.Certificate) -> str:
    return hashlib.sha256(certificate.dump()).hexdigest()


def signer_name(certificate: asn1_x509.Certificate) -> str:
    """Who signed, as a reader would name them: the common name, then the organisation when it differs."""
    subject = certificate.subject.native
    common_name = subject.get("common_name", "")
    organisation = subject.get("organization_name", "")
    if isinstance(organisation, list):
        organisation = ", ".join(organisation)
    if organisation and organisation != common_name:
        return f"{common_name} — {organisation}" if common_name else organisation
    return common_name or certificate.subject.human_friendly


@lru_cache(maxsize=4)
def _load_signer(path: str, password: str, modified: float) -> signers.SimpleSigner:
    try:
        content = Path(path).read_bytes()
    except OSError as error:
        raise SigningNotConfigured(f"Cannot read the signing certificate {path}: {error}") from error
    signer = signers.SimpleSigner.load_pkcs12_data(content, [], passphrase=password.encode() or None)
    if signer is None:  # pyHanko logs the reason (wrong password, no key) and answers None
        raise SigningNotConfigured(f"Cannot open the signing certificate {path} with the configured password.")
    return signer


def authority_signer() -> signers.SimpleSigner:
    """The signer of the settings' PKCS#12 file, loaded once per file version."""
    path = settings.SIGNING_PKCS12_PATH
    if not path:
        raise SigningNotConfigured("SIGNING_PKCS12_PATH is not set.")
    try:
        modified = Path(path).stat().st_mtime
    except OSError as error:
        raise SigningNotConfigured(f"Cannot read the signing certificate {path}: {error}") from error
    return _load_signer(path, settings.SIGNING_PKCS12_PASSWORD, modified)


def _pem_certificates(path: str) -> list[asn1_x509.Certificate]:
    content = Path(path).read_bytes()
    if not pem.detect(content):
        return [asn1_x509.Certificate.load(content)]
    return [asn1_x509.Certificate.load(der) for _type, _headers, der in pem.unarmor(content, multiple=True)]


def trust_roots() -> list[asn1_x509.Certificate]:
    """SIGNING_TRUST_ROOTS, plus the top of the portal's own chain (its CA, or the certificate itself)."""
    roots = [certificate for path in settings.SIGNING_TRUST_ROOTS for certificate in _pem_certificates(path)]
    try:
        signer = authority_signer()
    except SigningNotConfigured:
        return roots
    chain = [signer.signing_cert, *signer.cert_registry]
    top = next((certificate for certificate in chain if certificate.self_signed != "no"), chain[-1])
    return roots if top in roots else [*roots, top]


# --- making certificates: the demo's, and the tests' expired or unknown ones ---------------------------------


@dataclasses.dataclass(frozen=True)
class Issued:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _usage(*, signing: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signing,
        crl_sign=not signing,
        encipher_only=False,
        decipher_only=False,
    )


def make_ca(common_name: str, *, organisation: str, days: int = 3650) -> Issued:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    name = _name(common_name, organisation)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(signing=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issued(key, certificate)


def make_signer(
    ca: Issued,
    common_name: str,
    *,
    organisation: str,
    not_before: datetime.datetime | None = None,
    not_after: datetime.datetime | None = None,
) -> Issued:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - datetime.timedelta(days=1))
        .not_valid_after(not_after or now + datetime.timedelta(days=730))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(signing=True), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(ca.key, hashes.SHA256())
    )
    return Issued(key, certificate)


def pkcs12_bytes(signer: Issued, ca: Issued, password: str) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        b"signer",
        signer.key,
        signer.certificate,
        [ca.certificate],
        serialization.BestAvailableEncryption(password.encode()),
    )


def ensure_demo_certificate(path: str | Path, *, password: str, authority_name: str) -> bool:
    """Write a demo CA and a signer for the authority beside each other, unless the signer file exists.

    Returns whether files were written. The CA's name says it is a demo: never use these for real decisions.
    """
    path = Path(path)
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    ca = make_ca("CA thử nghiệm – không dùng thật", organisation=authority_name)
    signer = make_signer(ca, authority_name, organisation=authority_name)
    (path.parent / DEMO_CA_FILE).write_bytes(ca.pem())
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(pkcs12_bytes(signer, ca, password))
    temporary.chmod(0o600)
    temporary.replace(path)
    _load_signer.cache_clear()
    return True
