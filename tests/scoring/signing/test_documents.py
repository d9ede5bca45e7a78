"""Each signed document is signed with the authority's certificate and reads back as intact; any change, an expired
or unknown certificate, a file that is not a PDF or is broken each read as such."""

import datetime
import re

import pytest
from django.urls import reverse
from pyhanko.sign import signers

from scoring.models import AuditEvent, SignedDocument
from scoring.signing import certificates, contents
from scoring.signing import pdf as signing_pdf
from scoring.signing.documents import document_html, verification_url
from scoring.signing.selectors import Copy, Verdict, verify
from scoring.signing.services import document_sign, signed_storage, unsigned_copy
from scoring.signing.verification import Trust
from tests.pdfs import pdf_text
from tests.scoring.signing.conftest import ANSWER, AUTHORITY, EVIDENCE, ROUND_1_REASON, ROUND_2_REASON

pytestmark = pytest.mark.django_db

EXPECTED_TEXT = {
    "annex": [
        "PHỤ LỤC",
        "KẾT QUẢ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2023",
        "Kèm theo Quyết định số 15/QĐ-UBND ngày 16/01/2024 của UBND quận Thanh Xuân",
        "UBND phường Hạ Đình",
        "UBND phường Kim Giang",
    ],
    "minutes": [
        "BIÊN BẢN THẨM ĐỊNH",
        "Nguyễn Văn Chủ",
        "Trưởng phòng Nội vụ",
        "Chủ tịch Hội đồng",
        "Lê Thị Thành",
        ROUND_1_REASON,
        ROUND_2_REASON,
        ANSWER,
        "Hồ sơ quý IV trễ hạn.",
    ],
    "receipt": [
        "GIẤY BIÊN NHẬN",
        "xác nhận đã nhận phiếu tự đánh giá của UBND phường Hạ Đình, do Phạm Thị Bình (người đứng đầu) nộp lúc 16:30",
        "ngày 10/01/2024",
        "Kế hoạch CCHC năm 2023",
        "ke-hoach-2023.pdf",
        "1.1.1 (trang 1); 1.2 (mục II)",
    ],
}


def signed_file(document: SignedDocument) -> bytes:
    with signed_storage().open(document.file_name, "rb") as stored:
        return stored.read()


@pytest.mark.parametrize("kind", ["annex", "minutes", "receipt"])
def test_each_document_is_signed_and_reads_intact(year, kind):
    # given a document recorded by its event
    document = year["documents"][kind]
    assert not document.is_signed
    # when the authority signs it
    document = document_sign(document=document)
    content = signed_file(document)
    # then the file is the registered one, signed by the authority's certificate, with its stamp and data
    assert document.signer_name == AUTHORITY
    assert len(document.file_sha256) == 64 and document.file_size == len(content)
    text = pdf_text(content)
    flat = " ".join(text.split())
    for expected in EXPECTED_TEXT[kind]:
        assert expected in flat, expected
    assert "ĐÃ KÝ SỐ" in flat and f"Mã tra cứu: {document.reference}" in flat
    assert verification_url(document.reference) in flat.replace(" ", "") or document.reference in flat
    verification = verify(content)
    assert verification.verdict == Verdict.INTACT
    assert verification.copy == Copy.PORTAL and verification.document == document
    (signature,) = verification.inspection.signatures
    assert (signature.signer, signature.trust, signature.is_whole) == (AUTHORITY, Trust.TRUSTED, True)
    assert verification.inspection.data == document.content
    assert AuditEvent.objects.filter(action="document.sign", data__document_id=document.pk).count() == 1
    # signing again changes nothing: the file is kept
    assert document_sign(document=document).file_sha256 == document.file_sha256


def test_the_receipt_lists_every_cited_file_by_its_sha256(year):
    receipt = year["documents"]["receipt"]
    assert receipt.content["evidence"] == [
        {
            "title": "Kế hoạch CCHC năm 2023",
            "number": "45/KH-UBND",
            "file_name": "ke-hoach-2023.pdf",
            "sha256": year["evidence_sha256"],
            "size": len(EVIDENCE),
            "criteria": [{"code": "1.1.1", "locator": "trang 1"}, {"code": "1.2", "locator": "mục II"}],
        }
    ]
    assert (receipt.content["total"], receipt.content["adjusted_max"], receipt.content["index"]) == (
        "9.00",
        "10.00",
        "90.00",
    )
    text = pdf_text(signed_file(document_sign(document=receipt)))
    assert year["evidence_sha256"] in text.replace("\n", "").replace(" ", "")


def test_the_minutes_record_each_round_and_its_reason(year):
    minutes = year["documents"]["minutes"]
    assert minutes.content["changes"] == [
        {
            "unit": "UBND phường Hạ Đình",
            "code": "1.2",
            "title": "Tỷ lệ văn bản chỉ đạo được thực hiện",
            "round": 1,
            "before": "2.00",
            "after": "1.00",
            "reason": ROUND_1_REASON,
        },
        {
            "unit": "UBND phường Hạ Đình",
            "code": "1.2",
            "title": "Tỷ lệ văn bản chỉ đạo được thực hiện",
            "round": 2,
            "before": "1.00",
            "after": "2.00",
            "reason": ROUND_2_REASON,
        },
        {
            "unit": "UBND phường Kim Giang",
            "code": "2.1",
            "title": "Chất lượng giải quyết hồ sơ",
            "round": 1,
            "before": "1.50",
            "after": "1.00",
            "reason": "Hồ sơ quý IV trễ hạn.",
        },
    ]
    assert [(unit["name"], unit["self"], unit["round1"], unit["final"]) for unit in minutes.content["units"]] == [
        ("UBND phường Hạ Đình", "9.00", "9.00", "10.00"),
        ("UBND phường Kim Giang", "9.00", "9.50", "9.50"),
    ]
    assert [(item["code"], item["answer"], item["round2"]) for item in minutes.content["explanations"]] == [
        ("1.2", ANSWER, "2.00")
    ]
    assert [member["name"] for member in minutes.content["council"]] == ["Nguyễn Văn Chủ", "Lê Thị Thành"]


def test_the_annex_data_are_the_frozen_publication(year):
    annex = year["documents"]["annex"]
    assert annex.content == contents.annex_content(year["publication"], annex.reference)
    assert [
        (unit["name"], unit["rank"], unit["points"], unit["index"], unit["band"]) for unit in annex.content["units"]
    ] == [
        ("UBND phường Hạ Đình", 1, "10.00", "100.00", "Tốt"),
        ("UBND phường Kim Giang", 2, "9.50", "95.00", "Tốt"),
    ]


def _flip(content: bytes, position: int) -> bytes:
    changed = bytearray(content)
    changed[position] ^= 0x01
    return bytes(changed)


def test_one_changed_byte_reads_altered(year, client):
    content = signed_file(document_sign(document=year["documents"]["annex"]))
    # a byte of the first page's drawing (inside the signed range)
    position = content.index(b"stream", content.index(b"/Contents")) + 100
    response = client.post(reverse("signing_verify"), {"file": _upload(_flip(content, position))})
    page = response.text
    assert response.status_code == 200
    assert 'data-verdict="altered"' in page
    assert "Văn bản đã bị thay đổi" in page and "Văn bản nguyên vẹn" not in page
    # whichever byte changes — the drawing, the data, the signature, the certificates beside it — never "intact"
    verdicts = {verify(_flip(content, position)).verdict for position in range(0, len(content), len(content) // 60)}
    assert Verdict.INTACT not in verdicts
    assert verify(content).verdict == Verdict.INTACT


def _upload(content: bytes, name: str = "van-ban.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_the_verification_page_says_who_signed_when_and_what_it_belongs_to(year, client):
    annex = document_sign(document=year["documents"]["annex"])
    response = client.post(reverse("signing_verify"), {"file": _upload(signed_file(annex))})
    page = response.text
    assert 'data-verdict="intact"' in page
    assert "Văn bản nguyên vẹn</strong> — không bị thay đổi kể từ khi ký." in page
    local = annex.signed_at.astimezone(datetime.timezone(datetime.timedelta(hours=7)))
    assert f"<td>{AUTHORITY}</td>\n    <td>{local:%H:%M %d/%m/%Y}</td>" in page
    assert (
        "Phụ lục kết quả Chỉ số CCHC năm 2023 của UBND quận Thanh Xuân, lần công bố 1 (Quyết định số 15/QĐ-UBND)"
    ) in page
    assert "Trùng khớp từng byte với bản Cổng đã ký." in page
    assert 'data-testid="untrusted"' not in page


def _signer_file(tmp_path, *, expired: bool) -> str:
    now = datetime.datetime.now(datetime.UTC)
    ca = certificates.make_ca("CA thử nghiệm cũ", organisation=AUTHORITY)
    signer = certificates.make_signer(
        ca,
        AUTHORITY,
        organisation=AUTHORITY,
        not_before=now - datetime.timedelta(days=800) if expired else None,
        not_after=now - datetime.timedelta(days=30) if expired else None,
    )
    path = tmp_path / "signer.p12"
    path.write_bytes(certificates.pkcs12_bytes(signer, ca, "mat-khau"))
    return str(path)


def test_an_expired_certificate_reads_as_expired(year, client, settings, tmp_path):
    settings.SIGNING_PKCS12_PATH = _signer_file(tmp_path, expired=True)
    settings.SIGNING_PKCS12_PASSWORD = "mat-khau"
    minutes = document_sign(document=year["documents"]["minutes"])
    page = client.post(reverse("signing_verify"), {"file": _upload(signed_file(minutes))}).text
    (signature,) = verify(signed_file(minutes)).inspection.signatures
    assert signature.trust == Trust.EXPIRED
    expiry = signature.certificate_valid_until.astimezone(datetime.timezone(datetime.timedelta(hours=7)))
    assert f"Đã hết hạn</span> chứng thư số hết hạn ngày {expiry:%d/%m/%Y}" in page
    assert "Chứng thư số của người ký không hợp lệ hoặc không được Cổng tin cậy" in page


def test_an_unknown_certificate_reads_as_unknown(year, client, tmp_path):
    # someone signs the portal's receipt data with a certificate of their own making
    receipt = year["documents"]["receipt"]
    ca = certificates.make_ca("CA tự lập", organisation="Không rõ")
    issued = certificates.make_signer(ca, "Người lạ", organisation="Không rõ")
    stranger = signers.SimpleSigner.load_pkcs12_data(certificates.pkcs12_bytes(issued, ca, "x"), [], passphrase=b"x")
    rendered, slot = signing_pdf.render(document_html(receipt))
    forged = signing_pdf.sign(
        rendered,
        data=receipt.content,
        slot=slot,
        signer=stranger,
        url=verification_url(receipt.reference),
        reference=receipt.reference,
        signed_at=datetime.datetime.now(datetime.UTC),
        reason="x",
        location="",
    )
    page = client.post(reverse("signing_verify"), {"file": _upload(forged)}).text
    assert "Không rõ nguồn gốc</span> chứng thư số không do tổ chức được Cổng tin cậy cấp" in page
    assert "<td>Người lạ — Không rõ</td>" in page
    assert "Không trùng với bản nào đã lưu trên Cổng" in page
    assert 'data-testid="untrusted"' in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04 not a pdf at all", "Tệp tải lên không phải là tệp PDF."),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\ntrailer garbage", "Tệp PDF bị hỏng, không đọc được."),
    ],
)
def test_non_pdfs_and_broken_files_get_a_clear_message(client, db, content, message):
    response = client.post(reverse("signing_verify"), {"file": _upload(content, "tep.pdf")})
    assert response.status_code == 200
    assert message in response.text
    assert "Văn bản nguyên vẹn" not in response.text


def test_an_unsigned_copy_reads_as_unsigned_and_names_its_document(year, client):
    annex = year["documents"]["annex"]
    page = client.post(reverse("signing_verify"), {"file": _upload(unsigned_copy(annex))}).text
    assert "Tệp PDF này không có chữ ký số." in page and "Đây là bản chưa ký của văn bản dưới đây." in page
    assert annex.reference in page


def test_no_file_is_asked_for_in_vietnamese(client, db):
    page = client.post(reverse("signing_verify"), {}).text
    assert "Hãy chọn tệp PDF." in page


def test_the_qr_link_page_shows_the_register_and_checks_a_copy(year, client, django_assert_num_queries):
    receipt = document_sign(document=year["documents"]["receipt"])
    url = reverse("signing_document", args=[receipt.reference])
    with django_assert_num_queries(2):  # an anonymous visitor: the document with its subject, then its upload
        page = client.get(url).text
    assert "Giấy biên nhận phiếu tự đánh giá năm 2023 của UBND phường Hạ Đình" in page
    assert f"Ký bởi {AUTHORITY}" in page and receipt.file_sha256 in page
    assert reverse("signing_document_pdf", args=[receipt.reference]) not in page  # anonymous may not download it
    checked = client.post(url, {"file": _upload(signed_file(receipt))}).text
    assert 'data-verdict="intact"' in checked
    assert client.get(reverse("signing_document", args=["KHONG-CO-MA-NAY"])).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("head", 200), ("staff", 200), ("chair", 200), ("leader", 200), ("secretary", 200), ("stranger", 404)],
)
def test_who_may_download_the_receipt(year, client, who, status):
    from tests.factories import UnitFactory, user_with_role
    from units.models import Role

    receipt = year["documents"]["receipt"]
    user = year["people"].get(who) or user_with_role(Role.UNIT_STAFF, unit=UnitFactory(block=year["block"]))
    client.force_login(user)
    response = client.get(reverse("signing_document_pdf", args=[receipt.reference]))
    assert response.status_code == status
    receipt.refresh_from_db()
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == signed_file(receipt)
        assert receipt.is_signed  # signed by the first download
    else:
        assert not receipt.is_signed and not AuditEvent.objects.filter(action="document.sign").exists()


def test_the_services_record_each_document_when_its_event_happens(year):
    assert SignedDocument.objects.filter(period=year["period"]).count() == 3
    for document in year["documents"].values():
        assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){3}", document.reference)
        assert document.content["reference"] == document.reference and document.content["year"] == 2023
