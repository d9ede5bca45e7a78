"""What an evidence file must be inside, beyond its sniffed type: Office and OpenDocument packages without DTD or
entity declarations in any XML part (whatever its encoding), and PDFs that open as PDFs with at least one page.

Each refusal goes through the upload service and leaves nothing behind; the shapes Office, LibreOffice and
scanners really produce (an owner password that only restricts printing, bytes after %%EOF) are still accepted.
"""

import io
import re
import zipfile

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import TemporaryUploadedFile

from evidence.services import document_upload
from evidence.validation import check_upload
from tests.factories import assert_no_evidence_saved, rewrite_zip, upload

pytestmark = pytest.mark.django_db

BILLION_LAUGHS = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
ODT_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
ODT_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
    "<office:body><office:text><text:p>Báo cáo CCHC</text:p></office:text></office:body></office:document-content>"
)
DTD_MESSAGE = (
    "Tệp “{name}” bị từ chối: bên trong có khai báo DTD hoặc thực thể XML (<!DOCTYPE>, <!ENTITY>), "
    "điều Word, Excel và LibreOffice không bao giờ tạo ra. Hãy mở tệp gốc, lưu lại rồi tải lên."
)
UNREADABLE_PDF = (
    "Tệp “{name}” có đuôi .pdf và bắt đầu như một tệp PDF nhưng không đọc được như PDF "
    "(tệp hỏng, hoặc là loại tệp khác đổi tên). Hãy xuất lại tệp PDF từ phần mềm gốc rồi tải lên."
)


def odt(manifest: str = ODT_MANIFEST, content: str = ODT_CONTENT) -> bytes:
    """An OpenDocument text as LibreOffice lays it out: the mimetype first and stored, then the XML parts."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return buffer.getvalue()


def declaring(xml: bytes, *, encoding: str = "utf-8", declaration: str = BILLION_LAUGHS) -> bytes:
    """The same XML part with a DTD and entities before its root, written in the given encoding."""
    body = re.sub(r"^<\?xml[^>]*\?>", "", xml.decode("utf-8"))
    return (f'<?xml version="1.0" encoding="{encoding.upper()}"?>' + declaration + body).encode(encoding)


def pdf_of(pages: int, **save) -> bytes:
    document = pikepdf.new()
    for _ in range(pages):
        document.add_blank_page(page_size=(595, 842))
    buffer = io.BytesIO()
    document.save(buffer, **save)
    return buffer.getvalue()


def refusal(name: str, content: bytes, assessment, staff) -> list[str]:
    with pytest.raises(ValidationError) as error:
        document_upload(actor=staff, assessment=assessment, upload=upload(name, content), title="")
    return error.value.messages


# --- DTD and entity declarations inside Office and OpenDocument packages -------------------------------------


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("bao-cao.docx", lambda f: rewrite_zip(f["docx"], {"word/document.xml": declaring(f["docx_document"])})),
        ("bao-cao.docx", lambda f: rewrite_zip(f["docx"], {"_rels/.rels": declaring(f["docx_rels"])})),
        (
            "bang-diem.xlsx",
            lambda f: rewrite_zip(f["xlsx"], {"xl/worksheets/sheet1.xml": declaring(f["xlsx_sheet"])}),
        ),
        (
            "bang-diem.xlsx",
            lambda f: rewrite_zip(
                f["xlsx"], {"xl/worksheets/sheet1.xml": declaring(f["xlsx_sheet"], encoding="utf-16")}
            ),
        ),
        (
            "bao-cao.docx",
            lambda f: rewrite_zip(
                f["docx"], {"word/document.xml": declaring(f["docx_document"], declaration="<?x <a?>" + BILLION_LAUGHS)}
            ),
        ),
        ("bao-cao.odt", lambda f: odt(content=declaring(ODT_CONTENT.encode()).decode())),
        (
            "bao-cao.odt",
            lambda f: odt(
                manifest=declaring(
                    ODT_MANIFEST.encode(),
                    declaration='<!DOCTYPE manifest:manifest PUBLIC "-//OpenOffice.org//DTD Manifest 1.0//EN" '
                    '"Manifest.dtd">',
                ).decode()
            ),
        ),
    ],
    ids=[
        "docx-document-entities",
        "docx-relationships-entities",
        "xlsx-sheet-entities",
        "xlsx-sheet-entities-in-utf16",
        "docx-entities-behind-a-processing-instruction",
        "odt-content-entities",
        "odt-manifest-external-dtd",
    ],
)
def test_a_package_whose_xml_declares_a_dtd_is_refused_and_nothing_is_stored(
    name, make, assessment, staff, xlsx_bytes, docx_bytes, evidence_root
):
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes)) as workbook, zipfile.ZipFile(io.BytesIO(docx_bytes)) as word:
        parts = {
            "xlsx": xlsx_bytes,
            "xlsx_sheet": workbook.read("xl/worksheets/sheet1.xml"),
            "docx": docx_bytes,
            "docx_document": word.read("word/document.xml"),
            "docx_rels": word.read("_rels/.rels"),
        }

    assert refusal(name, make(parts), assessment, staff) == [DTD_MESSAGE.format(name=name)]
    assert_no_evidence_saved(evidence_root)


def test_a_part_in_an_encoding_that_could_hide_a_declaration_is_refused_as_broken(
    assessment, staff, docx_bytes, evidence_root
):
    utf7 = b'<?xml version="1.0" encoding="UTF-7"?>+ADw-+ACE-DOCTYPE lolz+AD4-<w:document/>'
    content = rewrite_zip(docx_bytes, {"word/document.xml": utf7})

    assert refusal("bao-cao.docx", content, assessment, staff) == [
        "Tệp “bao-cao.docx” bị hỏng hoặc không phải Word (DOCX) hợp lệ."
    ]
    assert_no_evidence_saved(evidence_root)


def test_the_word_doctype_in_a_documents_text_and_an_odt_from_libreoffice_are_accepted(assessment, staff, docx_bytes):
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as word:
        document = word.read("word/document.xml").replace(b"B\xc3\xa1o c\xc3\xa1o CCHC", b"&lt;!DOCTYPE html&gt;")
    quoted = rewrite_zip(docx_bytes, {"word/document.xml": document})

    checked = [check_upload(upload(name, content)) for name, content in (("a.docx", quoted), ("b.odt", odt()))]

    assert [item.content_type for item in checked] == [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.oasis.opendocument.text",
    ]


# --- PDFs must open as PDFs, with at least one page ----------------------------------------------------------


PDF_REFUSALS = {
    "html-starting-with-pdf-signature": (
        b"%PDF-1.7\n<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>\n",
        UNREADABLE_PDF,
    ),
    "catalog-without-page-tree": (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
        UNREADABLE_PDF,
    ),
    "first-half-of-a-real-pdf": (None, UNREADABLE_PDF),
    "no-pages": (pdf_of(0), "Tệp “{name}” là PDF không có trang nào; hãy tải lên bản có nội dung."),
    "opening-password": (
        pdf_of(1, encryption=pikepdf.Encryption(owner="chu-so-huu", user="mat-khau", aes=True)),
        "Tệp “{name}” là PDF có mật khẩu mở tệp, hội đồng sẽ không đọc được. "
        "Hãy lưu lại bản không đặt mật khẩu rồi tải lên.",
    ),
}


@pytest.mark.parametrize("case", PDF_REFUSALS)
def test_a_pdf_that_does_not_open_with_a_page_is_refused_saying_why(case, assessment, staff, pdf_bytes, evidence_root):
    content, message = PDF_REFUSALS[case]
    content = content if content is not None else pdf_bytes[: len(pdf_bytes) // 2]

    assert refusal("bao-cao.pdf", content, assessment, staff) == [message.format(name="bao-cao.pdf")]
    assert_no_evidence_saved(evidence_root)


def test_pdfs_as_offices_and_scanners_make_them_are_accepted(assessment, staff, pdf_bytes, evidence_root):
    restricted = pdf_of(2, encryption=pikepdf.Encryption(owner="chu-so-huu", user="", aes=True))
    with_trailing_bytes = pdf_bytes + b"\n% scanner padding\n" + b"\0" * 4096

    documents = [
        document_upload(actor=staff, assessment=assessment, upload=upload(name, content), title="")
        for name, content in (("han-che-in.pdf", restricted), ("ban-quet.pdf", with_trailing_bytes))
    ]

    assert [(d.original_name, d.file.size) for d in documents] == [
        ("han-che-in.pdf", len(restricted)),
        ("ban-quet.pdf", len(with_trailing_bytes)),
    ]
    assert sorted((evidence_root / d.file.storage_name).read_bytes() for d in documents) == sorted(
        [restricted, with_trailing_bytes]
    )


def temporary_upload(name: str, content: bytes) -> TemporaryUploadedFile:
    """An upload as Django keeps one above FILE_UPLOAD_MAX_MEMORY_SIZE: a file on disk."""
    spooled = TemporaryUploadedFile(name, "application/pdf", len(content), None)
    spooled.write(content)
    spooled.seek(0)
    return spooled


def test_a_large_upload_spooled_to_disk_is_read_from_its_temporary_file(pdf_bytes):
    fake = PDF_REFUSALS["html-starting-with-pdf-signature"][0]

    assert check_upload(temporary_upload("ke-hoach.pdf", pdf_bytes)).content_type == "application/pdf"
    with pytest.raises(ValidationError) as error:
        check_upload(temporary_upload("gia.pdf", fake))
    assert error.value.messages == [UNREADABLE_PDF.format(name="gia.pdf")]
