import hashlib
import io
import zipfile
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.utils import timezone

from evidence.models import Document, DocumentVersion, EvidenceLink, StoredFile
from evidence.services import (
    document_replace,
    document_upload,
    documents_upload,
    evidence_link,
    evidence_link_update_locator,
    evidence_unlink,
)
from evidence.validation import clean_filename, format_megabytes
from scoring.models import Period
from tests.factories import (
    AssessmentFactory,
    assert_no_evidence_saved,
    evidence_events,
    files_under,
    mark_submitted,
    rewrite_zip,
    small_framework,
    upload,
)

pytestmark = pytest.mark.django_db

XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
ONLY_ALLOWED = "chỉ nhận tệp PDF, DOC, DOCX, XLS, XLSX, ODT, ODS, PNG, JPG, JPEG."


# --- uploads that succeed ---------------------------------------------------------------------------


def test_upload_stores_the_file_under_its_sha256_and_records_document_version_and_audit(
    assessment, staff, pdf_bytes, evidence_root
):
    # when
    document = document_upload(
        actor=staff,
        assessment=assessment,
        upload=upload("Kế hoạch CCHC 2024.pdf", pdf_bytes),
        title="Kế hoạch CCHC năm 2024",
        number="12/KH-UBND",
        issued_on=timezone.localdate() - timedelta(days=30),
    )
    # then
    sha256 = hashlib.sha256(pdf_bytes).hexdigest()
    stored = StoredFile.objects.get()
    assert (stored.sha256, stored.size, stored.content_type) == (sha256, len(pdf_bytes), "application/pdf")
    assert stored.storage_name == f"{sha256[:2]}/{sha256[2:4]}/{sha256}"
    assert files_under(evidence_root) == [stored.storage_name]
    assert (evidence_root / stored.storage_name).read_bytes() == pdf_bytes
    assert (document.unit_id, document.period_id, document.file_id) == (
        assessment.unit_id,
        assessment.period_id,
        stored.pk,
    )
    assert (document.title, document.number, document.original_name) == (
        "Kế hoạch CCHC năm 2024",
        "12/KH-UBND",
        "Kế hoạch CCHC 2024.pdf",
    )
    assert list(document.versions.values_list("file_id", "original_name", "uploaded_by_id")) == [
        (stored.pk, "Kế hoạch CCHC 2024.pdf", staff.pk)
    ]
    [(action, data)] = evidence_events()
    assert action == "evidence.upload"
    assert data["document_id"] == document.pk and data["old"] is None
    assert data["new"]["sha256"] == sha256 and data["new"]["original_name"] == "Kế hoạch CCHC 2024.pdf"


def test_identical_content_is_stored_once(assessment, staff, pdf_bytes, evidence_root):
    first = document_upload(actor=staff, assessment=assessment, upload=upload("a.pdf", pdf_bytes), title="Lần 1")
    second = document_upload(actor=staff, assessment=assessment, upload=upload("b.pdf", pdf_bytes), title="Lần 2")
    assert first.pk != second.pk
    assert first.file_id == second.file_id
    assert StoredFile.objects.count() == 1
    assert len(files_under(evidence_root)) == 1


def test_png_xlsx_and_docx_are_accepted_with_their_sniffed_types(assessment, staff, png_bytes, xlsx_bytes, docx_bytes):
    documents = documents_upload(
        actor=staff,
        assessment=assessment,
        uploads=[
            upload("anh.PNG", png_bytes),
            upload("bang-diem.xlsx", xlsx_bytes),
            upload("bao-cao.docx", docx_bytes),
        ],
    )
    assert [(d.title, d.file.content_type) for d in documents] == [
        ("anh", "image/png"),
        ("bang-diem", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("bao-cao", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ]


def test_several_files_with_one_title_become_distinct_documents(assessment, staff, pdf_bytes, png_bytes):
    documents = documents_upload(
        actor=staff,
        assessment=assessment,
        uploads=[upload("trang-1.pdf", pdf_bytes), upload("anh-chup.png", png_bytes)],
        title="Biên bản kiểm tra",
    )
    assert [d.title for d in documents] == ["Biên bản kiểm tra – trang-1", "Biên bản kiểm tra – anh-chup"]


def test_upload_for_a_criterion_also_cites_it(assessment, staff, leaf, pdf_bytes):
    document = document_upload(
        actor=staff,
        assessment=assessment,
        upload=upload("kh.pdf", pdf_bytes),
        title="",
        criterion=leaf,
        locator="trang 2",
    )
    link = EvidenceLink.objects.get()
    assert (link.document_id, link.assessment_id, link.criterion_id, link.locator) == (
        document.pk,
        assessment.pk,
        leaf.pk,
        "trang 2",
    )
    assert [action for action, _ in evidence_events()] == ["evidence.upload", "evidence.link"]


def test_path_components_are_dropped_from_the_display_name_and_never_reach_the_disk(
    assessment, staff, pdf_bytes, evidence_root
):
    document = document_upload(
        actor=staff, assessment=assessment, upload=File(io.BytesIO(pdf_bytes), name="../../etc/passwd.pdf"), title=""
    )
    assert document.original_name == "passwd.pdf"
    assert document.title == "passwd"
    assert files_under(evidence_root) == [document.file.storage_name]
    assert "passwd" not in document.file.storage_name


def test_a_300_character_name_is_shortened_to_255_keeping_its_extension(assessment, staff, pdf_bytes):
    name = "Bao cao " + "a" * 288 + ".pdf"
    assert len(name) == 300
    document = document_upload(
        actor=staff, assessment=assessment, upload=File(io.BytesIO(pdf_bytes), name=name), title=""
    )
    assert len(document.original_name) == 255
    assert document.original_name == name[:251] + ".pdf"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("C:\\Users\\cb\\Desktop\\Quyết định.pdf", "Quyết định.pdf"),
        ("/etc/passwd.pdf", "passwd.pdf"),
        ("bao\u202ecod.exe.pdf", "baocod.exe.pdf"),
        ("  ke\x00hoach\n.pdf  ", "kehoach.pdf"),
        ("Quye\u0302\u0301t đi\u0323nh.pdf", "Quyết định.pdf"),
    ],
)
def test_clean_filename(raw, clean):
    assert clean_filename(raw) == clean


@pytest.mark.parametrize("raw", ["", "../", "..", " . "])
def test_clean_filename_refuses_names_that_are_only_path(raw):
    with pytest.raises(ValidationError) as error:
        clean_filename(raw)
    assert error.value.messages == ["Tên tệp không hợp lệ."]


def test_format_megabytes():
    assert [format_megabytes(n) for n in (20 * 1024 * 1024, 1024 * 1024, 1536 * 1024)] == ["20 MB", "1 MB", "1,5 MB"]


# --- refusals: exact message, and nothing left behind ----------------------------------------------------


def exe_bytes() -> bytes:
    header = bytearray(512)
    header[0:2] = b"MZ"
    header[0x3C:0x40] = (0x80).to_bytes(4, "little")
    header[0x80:0x84] = b"PE\0\0"
    return bytes(header)


def zip_bomb(xlsx: bytes) -> bytes:
    """A valid-looking workbook carrying 20 MB of zeros that deflate to a few KB (ratio ≈ 1000)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as original, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in original.infolist():
            bomb.writestr(member.filename, original.read(member.filename))
        with bomb.open("xl/media/image1.bin", "w") as handle:
            for _ in range(20):
                handle.write(bytes(1024 * 1024))
    return buffer.getvalue()


REFUSALS = {
    "empty": ("rong.pdf", lambda f: b"", "Tệp “rong.pdf” rỗng."),
    "exe renamed pdf": (
        "ke-hoach.pdf",
        lambda f: exe_bytes(),
        "Loại tệp không được chấp nhận (“ke-hoach.pdf”): nội dung là chương trình chạy được (EXE), không phải PDF.",
    ),
    "html renamed pdf": (
        "bao-cao.pdf",
        lambda f: b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        "Loại tệp không được chấp nhận (“bao-cao.pdf”): nội dung là HTML, không phải PDF.",
    ),
    "html": (
        "trang.html",
        lambda f: b"<!DOCTYPE html><html><body>x</body></html>",
        f"Loại tệp không được chấp nhận (“trang.html”): {ONLY_ALLOWED}",
    ),
    "svg": (
        "so-do.svg",
        lambda f: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        f"Loại tệp không được chấp nhận (“so-do.svg”): {ONLY_ALLOWED}",
    ),
    "svg renamed png": (
        "so-do.png",
        lambda f: b'<svg xmlns="http://www.w3.org/2000/svg"></svg>',
        "Loại tệp không được chấp nhận (“so-do.png”): nội dung là ảnh SVG, không phải ảnh PNG.",
    ),
    "pdf renamed xlsx": (
        "bang.xlsx",
        lambda f: f["pdf"],
        "Loại tệp không được chấp nhận (“bang.xlsx”): nội dung là PDF, không phải Excel (XLSX).",
    ),
    "workbook renamed docx": (
        "bao-cao.docx",
        lambda f: f["xlsx"],
        "Loại tệp không được chấp nhận (“bao-cao.docx”): nội dung là Excel (XLSX), không phải Word (DOCX).",
    ),
    "macro-enabled workbook named xlsx": (
        "bang-diem.xlsx",
        lambda f: rewrite_zip(
            f["xlsx"],
            {"[Content_Types].xml": f["content_types"].replace(XLSX_MAIN, XLSM_MAIN)},
            {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(100)},
        ),
        "Không nhận tệp có chứa macro (“bang-diem.xlsx”). Hãy lưu lại thành tệp thường, không có macro, rồi tải lên.",
    ),
    "xlsm extension": (
        "bang-diem.xlsm",
        lambda f: f["xlsx"],
        f"Loại tệp không được chấp nhận (“bang-diem.xlsm”): {ONLY_ALLOWED}",
    ),
    "zip bomb": (
        "bang-tong-hop.xlsx",
        lambda f: zip_bomb(f["xlsx"]),
        "Tệp “bang-tong-hop.xlsx” bị từ chối: dữ liệu nén bất thường (giải nén vượt 100 MB hoặc tỉ lệ nén quá cao).",
    ),
    "plain zip named xlsx": (
        "bang.xlsx",
        lambda f: rewrite_zip(f["docx"], {}, {}).replace(b"[Content_Types].xml", b"[Content_Typez].xml"),
        "Tệp “bang.xlsx” bị hỏng hoặc không phải Excel (XLSX) hợp lệ.",
    ),
    "truncated xlsx": (
        "bang.xlsx",
        lambda f: f["xlsx"][: len(f["xlsx"]) // 2],
        "Tệp “bang.xlsx” bị hỏng hoặc không phải Excel (XLSX) hợp lệ.",
    ),
}


@pytest.mark.parametrize("case", REFUSALS.keys())
def test_refused_uploads_say_why_and_leave_nothing(
    case, assessment, staff, leaf, pdf_bytes, xlsx_bytes, docx_bytes, evidence_root
):
    name, make, message = REFUSALS[case]
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes)) as archive:
        content_types = archive.read("[Content_Types].xml")
    content = make({"pdf": pdf_bytes, "xlsx": xlsx_bytes, "docx": docx_bytes, "content_types": content_types})
    with pytest.raises(ValidationError) as error:
        document_upload(actor=staff, assessment=assessment, upload=upload(name, content), title="", criterion=leaf)
    assert error.value.messages == [message]
    assert_no_evidence_saved(evidence_root)


def test_oversized_upload_states_the_limit(assessment, staff, pdf_bytes, settings, evidence_root):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024 * 1024
    content = pdf_bytes + bytes(1024 * 1024)
    with pytest.raises(ValidationError) as error:
        document_upload(actor=staff, assessment=assessment, upload=upload("Báo cáo lớn.pdf", content), title="")
    assert error.value.messages == ["Tệp “Báo cáo lớn.pdf” vượt quá dung lượng cho phép 1 MB."]
    assert_no_evidence_saved(evidence_root)


def test_one_bad_file_refuses_the_whole_batch_and_names_every_problem(
    assessment, staff, pdf_bytes, png_bytes, evidence_root
):
    with pytest.raises(ValidationError) as error:
        documents_upload(
            actor=staff,
            assessment=assessment,
            uploads=[upload("tot.pdf", pdf_bytes), upload("rong.png", b""), upload("x.html", b"<html></html>")],
        )
    assert error.value.messages == [
        "Tệp “rong.png” rỗng.",
        f"Loại tệp không được chấp nhận (“x.html”): {ONLY_ALLOWED}",
    ]
    assert_no_evidence_saved(evidence_root)


def test_a_criterion_of_another_framework_is_refused_before_anything_is_stored(
    assessment, staff, leaf, pdf_bytes, png_bytes, evidence_root
):
    document_upload(actor=staff, assessment=assessment, upload=upload("a.pdf", pdf_bytes), title="", criterion=leaf)
    files_before = files_under(evidence_root)
    foreign = small_framework().criteria.get(code="1.1.1")
    with pytest.raises(ValidationError) as error:
        document_upload(
            actor=staff, assessment=assessment, upload=upload("b.png", png_bytes), title="", criterion=foreign
        )
    assert error.value.messages == ["Tiêu chí 1.1.1 không thuộc bộ chỉ số của phiếu này."]
    assert files_under(evidence_root) == files_before
    assert Document.objects.count() == 1


def test_files_written_before_a_later_failure_are_deleted(
    assessment, staff, pdf_bytes, png_bytes, evidence_root, monkeypatch
):
    # given the database refuses the second document of the batch after both files reached the storage
    from evidence import services

    real_create = DocumentVersion.objects.create
    calls = []

    def failing_create(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real_create(**kwargs)

    monkeypatch.setattr(services.DocumentVersion.objects, "create", failing_create)
    # when
    with pytest.raises(RuntimeError):
        documents_upload(
            actor=staff, assessment=assessment, uploads=[upload("a.pdf", pdf_bytes), upload("b.png", png_bytes)]
        )
    # then
    assert_no_evidence_saved(evidence_root)


# --- permission, deadline and submission ---------------------------------------------------------------------


def test_people_outside_the_unit_cannot_upload(assessment, people, pdf_bytes, evidence_root):
    for key in ["other_staff", "council", "conflicted_council", "secretary", "leadership"]:
        with pytest.raises(PermissionDenied):
            document_upload(actor=people[key], assessment=assessment, upload=upload("a.pdf", pdf_bytes), title="")
    assert_no_evidence_saved(evidence_root)


def test_no_upload_after_the_deadline(assessment, staff, pdf_bytes, evidence_root):
    Period.objects.filter(pk=assessment.period_id).update(
        self_assessment_deadline=timezone.now() - timedelta(minutes=1)
    )
    assessment.refresh_from_db()
    with pytest.raises(PermissionDenied) as error:
        document_upload(actor=staff, assessment=assessment, upload=upload("a.pdf", pdf_bytes), title="")
    assert str(error.value) == (
        "Không thể thay đổi tài liệu kiểm chứng của phiếu này: phiếu đã nộp, đã hết hạn tự đánh giá "
        "hoặc bạn không phụ trách đơn vị."
    )
    assert_no_evidence_saved(evidence_root)


def test_no_changes_after_submission(assessment, staff, people, leaf, pdf_bytes, png_bytes, evidence_root):
    document = document_upload(actor=staff, assessment=assessment, upload=upload("a.pdf", pdf_bytes), title="")
    link = evidence_link(actor=staff, assessment=assessment, criterion=leaf, document=document, locator="tr. 1")
    files_before, events_before = files_under(evidence_root), evidence_events()
    mark_submitted(assessment, people["own_head"])
    with pytest.raises(PermissionDenied):
        document_upload(actor=staff, assessment=assessment, upload=upload("b.png", png_bytes), title="")
    with pytest.raises(PermissionDenied):
        document_replace(actor=staff, document=document, assessment=assessment, upload=upload("b.png", png_bytes))
    with pytest.raises(PermissionDenied):
        evidence_unlink(actor=staff, link=link)
    with pytest.raises(PermissionDenied):
        evidence_link_update_locator(actor=staff, link=link, locator="tr. 9")
    assert files_under(evidence_root) == files_before
    assert evidence_events() == events_before
    link.refresh_from_db()
    assert link.locator == "tr. 1"
    assert Document.objects.get().file_id == document.file_id


# --- replace, link, unlink ------------------------------------------------------------------------------------


def test_replace_keeps_history_and_citations(assessment, staff, people, leaf, pdf_bytes, png_bytes, evidence_root):
    document = document_upload(
        actor=staff, assessment=assessment, upload=upload("v1.pdf", pdf_bytes), title="Kế hoạch", criterion=leaf
    )
    old_file = document.file
    head = people["own_head"]
    replaced = document_replace(
        actor=head, document=document, assessment=assessment, upload=upload("v2.png", png_bytes)
    )
    assert replaced.original_name == "v2.png" and replaced.file.content_type == "image/png"
    assert replaced.uploaded_by == head
    assert list(replaced.versions.values_list("original_name", "file_id")) == [
        ("v1.pdf", old_file.pk),
        ("v2.png", replaced.file_id),
    ]
    assert EvidenceLink.objects.get().document_id == document.pk
    assert len(files_under(evidence_root)) == 2
    action, data = evidence_events()[-1]
    assert action == "evidence.replace"
    assert (data["old"]["original_name"], data["new"]["original_name"]) == ("v1.pdf", "v2.png")
    assert (data["old"]["sha256"], data["new"]["sha256"]) == (old_file.sha256, replaced.file.sha256)


def test_replace_with_the_same_content_is_refused(assessment, staff, pdf_bytes):
    document = document_upload(actor=staff, assessment=assessment, upload=upload("v1.pdf", pdf_bytes), title="KH")
    with pytest.raises(ValidationError) as error:
        document_replace(actor=staff, document=document, assessment=assessment, upload=upload("v1-copy.pdf", pdf_bytes))
    assert error.value.messages == ["Tệp mới giống hệt tệp hiện tại của tài liệu “KH”."]
    assert DocumentVersion.objects.count() == 1


def test_link_update_and_unlink_are_audited_with_old_and_new_values(assessment, staff, leaf, pdf_bytes):
    document = document_upload(actor=staff, assessment=assessment, upload=upload("kh.pdf", pdf_bytes), title="KH")
    link = evidence_link(actor=staff, assessment=assessment, criterion=leaf, document=document, locator=" trang  3 ")
    assert link.locator == "trang 3"
    evidence_link_update_locator(actor=staff, link=link, locator="mục II")
    evidence_unlink(actor=staff, link=link)
    assert EvidenceLink.objects.count() == 0
    assert Document.objects.count() == 1
    events = evidence_events()
    assert [action for action, _ in events] == ["evidence.upload", "evidence.link", "evidence.link", "evidence.unlink"]
    assert (events[2][1]["old"]["locator"], events[2][1]["new"]["locator"]) == ("trang 3", "mục II")
    assert events[3][1]["old"]["criterion_code"] == "1.1.1" and events[3][1]["new"] is None


def test_link_refuses_a_duplicate_a_non_leaf_and_another_units_document(
    assessment, staff, criteria, other_unit, period, framework, pdf_bytes, png_bytes
):
    from tests.factories import user_with_role
    from units.models import Role

    document = document_upload(
        actor=staff, assessment=assessment, upload=upload("kh.pdf", pdf_bytes), title="KH", criterion=criteria["1.1.1"]
    )
    other_assessment = AssessmentFactory(framework=framework, unit=other_unit)
    other_staff = user_with_role(Role.UNIT_STAFF, unit=other_unit)
    foreign = document_upload(
        actor=other_staff, assessment=other_assessment, upload=upload("x.png", png_bytes), title="X"
    )
    cases = [
        (criteria["1.1.1"], document, "Tài liệu “KH” đã được gắn cho tiêu chí 1.1.1."),
        (
            criteria["1.1"],
            document,
            "Tiêu chí 1.1 có tiêu chí thành phần; hãy gắn tài liệu vào từng tiêu chí thành phần.",
        ),
        (criteria["1.2"], foreign, "Tài liệu “X” không thuộc thư viện tài liệu của đơn vị trong kỳ này."),
    ]
    for criterion, doc, message in cases:
        with pytest.raises(ValidationError) as error:
            evidence_link(actor=staff, assessment=assessment, criterion=criterion, document=doc)
        assert error.value.messages == [message]
    assert EvidenceLink.objects.filter(assessment=assessment).count() == 1


def test_the_sweep_removes_only_old_files_that_no_row_names(evidence_root):
    import datetime

    from evidence.services import evidence_orphans_sweep, evidence_storage

    storage = evidence_storage()
    storage.save("ab/cd/orphan", ContentFile(b"%PDF-1.4 left behind"))
    kept = StoredFile.objects.create(sha256="f" * 64, size=3, content_type="application/pdf", storage_name="ff/ff/kept")
    storage.save(kept.storage_name, ContentFile(b"abc"))
    assert evidence_orphans_sweep(older_than=datetime.timedelta(hours=1)) == []  # too fresh: maybe in flight
    assert evidence_orphans_sweep(older_than=datetime.timedelta(0)) == ["ab/cd/orphan"]
    assert not storage.exists("ab/cd/orphan")
    assert storage.exists("ff/ff/kept")
