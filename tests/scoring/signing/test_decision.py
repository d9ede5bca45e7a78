"""Leadership attaches the decision signed with their own USB token: only intact, trusted, and carrying the annex
data of the frozen publication; anything else is refused with its reason and leaves nothing behind."""

import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from scoring.models import AuditEvent, SignedUpload
from scoring.signing import certificates
from scoring.signing import pdf as signing_pdf
from scoring.signing.documents import document_html
from scoring.signing.pdf import outside_event_loop
from scoring.signing.selectors import Copy, Verdict, verify
from scoring.signing.services import signed_storage

pytestmark = pytest.mark.django_db

LEADER = "Hoàng Lãnh Đạo"


def token(tmp_path, *, trusted: bool = True, expired: bool = False) -> signers.SimpleSigner:
    """A leader's USB token: a certificate from a national CA the portal is told to trust (or not)."""
    now = datetime.datetime.now(datetime.UTC)
    ca = certificates.make_ca("CA Chính phủ (thử nghiệm)", organisation="Ban Cơ yếu Chính phủ")
    issued = certificates.make_signer(
        ca,
        LEADER,
        organisation="UBND quận Thanh Xuân",
        not_before=now - datetime.timedelta(days=400) if expired else None,
        not_after=now - datetime.timedelta(days=2) if expired else None,
    )
    if trusted:
        root = tmp_path / "ca-chinh-phu.pem"
        root.write_bytes(ca.pem())
        from django.conf import settings

        settings.SIGNING_TRUST_ROOTS = [str(root)]
    return signers.SimpleSigner.load_pkcs12_data(certificates.pkcs12_bytes(issued, ca, "pin"), [], passphrase=b"pin")


def sign_with_token(content: bytes, signer: signers.SimpleSigner) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(content))
    metadata = signers.PdfSignatureMetadata(field_name="ChuKyLanhDao", subfilter=fields.SigSeedSubFilter.PADES)
    return outside_event_loop(signers.sign_pdf, writer, metadata, signer=signer).getvalue()


def download_to_sign(client, year) -> bytes:
    client.force_login(year["people"]["leader"])
    response = client.get(reverse("signing_decision_to_sign", args=[2023]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Phu-luc-ket-qua-CCHC-2023-ban-de-ky.pdf"'
    return response.content


def upload(client, content: bytes):
    return client.post(
        reverse("signing_decision", args=[2023]), {"file": SimpleUploadedFile("qd.pdf", content, "application/pdf")}
    )


def test_the_leader_signs_the_annex_with_a_token_and_attaches_it(year, client, tmp_path):
    annex = year["documents"]["annex"]
    client.force_login(year["people"]["leader"])
    page = client.get(reverse("signing_decision", args=[2023])).text
    assert "Tải bản để ký (PDF)" in page
    unsigned = download_to_sign(client, year)
    assert verify(unsigned).verdict == Verdict.UNSIGNED
    assert verify(unsigned).inspection.data == annex.content
    signed = sign_with_token(unsigned, token(tmp_path))

    response = upload(client, signed)

    assert response.status_code == 302
    attached = SignedUpload.objects.get(document=annex)
    assert (attached.signer_name, attached.uploaded_by) == (
        f"{LEADER} — UBND quận Thanh Xuân",
        year["people"]["leader"],
    )
    with signed_storage().open(attached.file_name, "rb") as stored:
        assert stored.read() == signed
    assert AuditEvent.objects.filter(action="results.decision_attach").count() == 1
    followed = client.get(response["Location"]).text
    assert "Đã kiểm tra và đính kèm quyết định đã ký số." in followed
    verification = verify(signed)
    assert (verification.verdict, verification.copy) == (Verdict.INTACT, Copy.UPLOADED)
    # everyone logged in downloads it as the published results; 2023 is not public, so visitors log in first
    assert b"".join(client.get(reverse("signing_upload_pdf", args=[annex.reference])).streaming_content) == signed
    client.logout()
    assert client.get(reverse("signing_upload_pdf", args=[annex.reference]))["Location"].startswith("/login/")


def flipped(content: bytes) -> bytes:
    """One bit of the page's drawing changed after signing."""
    changed = bytearray(content)
    changed[content.index(b"stream", content.index(b"/Contents")) + 100] ^= 0x01
    return bytes(changed)


def _tampered(year, tmp_path):
    """The leader's token signs a copy whose embedded results were edited (Kim Giang moved up)."""
    annex = year["documents"]["annex"]
    data = json.loads(json.dumps(annex.content))
    data["units"][1]["points"] = "10.00"
    rendered, _slot = signing_pdf.render(document_html(annex, with_qr=True))
    return sign_with_token(signing_pdf.with_data(rendered, data), token(tmp_path))


REFUSALS = {
    "not_pdf": (lambda year, client, tmp_path: b"PK\x03\x04 zip", "Tệp tải lên không phải là tệp PDF."),
    "unsigned": (
        lambda year, client, tmp_path: download_to_sign(client, year),
        "Tệp PDF chưa có chữ ký số. Hãy ký bằng chứng thư số (USB token) rồi tải lên lại.",
    ),
    "unknown_certificate": (
        lambda year, client, tmp_path: sign_with_token(download_to_sign(client, year), token(tmp_path, trusted=False)),
        "Chứng thư số của người ký không do tổ chức cung cấp dịch vụ chứng thực được Cổng tin cậy cấp.",
    ),
    "expired_certificate": (
        lambda year, client, tmp_path: sign_with_token(download_to_sign(client, year), token(tmp_path, expired=True)),
        "Chứng thư số của người ký đã hết hạn ngày",
    ),
    "altered_after_signing": (
        lambda year, client, tmp_path: flipped(sign_with_token(download_to_sign(client, year), token(tmp_path))),
        "Chữ ký số không còn nguyên vẹn: tệp đã bị thay đổi sau khi ký.",
    ),
    "data_not_the_publication": (
        lambda year, client, tmp_path: _tampered(year, tmp_path),
        "Dữ liệu phụ lục trong tệp không khớp với kết quả đã công bố.",
    ),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_a_decision_that_does_not_check_out_is_refused_and_nothing_changes(year, client, tmp_path, case):
    make, message = REFUSALS[case]
    content = make(year, client, tmp_path)
    client.force_login(year["people"]["leader"])
    events_before = AuditEvent.objects.count()
    files_before = (
        signed_storage().listdir("signed/2023/annex")[1] if signed_storage().exists("signed/2023/annex") else []
    )

    response = upload(client, content)

    assert response.status_code == 200
    assert message in response.text
    assert not SignedUpload.objects.exists()
    assert AuditEvent.objects.count() == events_before
    files_after = (
        signed_storage().listdir("signed/2023/annex")[1] if signed_storage().exists("signed/2023/annex") else []
    )
    assert files_after == files_before


@pytest.mark.parametrize("who", ["secretary", "chair", "head"])
def test_only_leadership_may_attach_the_decision(year, client, tmp_path, who):
    signed = sign_with_token(download_to_sign(client, year), token(tmp_path))
    client.force_login(year["people"][who])
    assert client.get(reverse("signing_decision", args=[2023])).status_code == 404
    assert client.get(reverse("signing_decision_to_sign", args=[2023])).status_code == 404
    assert upload(client, signed).status_code == 404
    assert not SignedUpload.objects.exists()


def test_a_second_decision_for_the_same_publication_is_refused(year, client, tmp_path):
    signer = token(tmp_path)
    assert upload(client, sign_with_token(download_to_sign(client, year), signer)).status_code == 302
    page = client.get(reverse("signing_decision", args=[2023])).text
    assert 'data-testid="attached"' in page and "Tải bản để ký (PDF)" not in page
    second = upload(client, sign_with_token(download_to_sign(client, year), signer))
    assert "Quyết định đã ký của lần công bố này đã được đính kèm." in second.text
    assert SignedUpload.objects.count() == 1
