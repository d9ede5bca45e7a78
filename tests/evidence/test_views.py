import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evidence.models import Document, DocumentVersion, EvidenceLink, StoredFile
from evidence.services import document_upload, evidence_link
from scoring.models import Assessment, AuditEvent, Period
from tests.factories import AssessmentFactory, files_under, mark_submitted, upload

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
ROLES = [
    "anonymous",
    "other_staff",
    "own_staff",
    "own_head",
    "council",
    "conflicted_council",
    "secretary",
    "leadership",
]


def login(client, people, role):
    if role != "anonymous":
        client.force_login(people[role])
    return client


@pytest.fixture
def document(assessment, staff, leaf, pdf_bytes):
    return document_upload(
        actor=staff,
        assessment=assessment,
        upload=upload("Kế hoạch CCHC năm 2024.pdf", pdf_bytes),
        title="Kế hoạch CCHC",
        criterion=leaf,
        locator="trang 1",
    )


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- download and preview --------------------------------------------------------------------------------

VIEW_BEFORE_SUBMISSION = {
    "other_staff": 404,
    "own_staff": 200,
    "own_head": 200,
    "council": 404,
    "conflicted_council": 404,
    "secretary": 200,
    "leadership": 404,
}
VIEW_AFTER_SUBMISSION = {**VIEW_BEFORE_SUBMISSION, "council": 200, "leadership": 200}


@pytest.mark.parametrize("submitted", [False, True], ids=["draft", "submitted"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", ["document_download", "document_preview", "version_download"])
def test_file_permission_matrix(client, people, assessment, document, role, submitted, url_name):
    if submitted:
        mark_submitted(assessment, people["own_head"])
    args = [document.pk] if url_name != "version_download" else [document.pk, document.versions.get().pk]
    response = login(client, people, role).get(reverse(f"evidence_{url_name}", args=args))
    if role == "anonymous":
        assert_login_redirect(response)
        return
    expected = (VIEW_AFTER_SUBMISSION if submitted else VIEW_BEFORE_SUBMISSION)[role]
    assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_download_headers(client, staff, document, pdf_bytes):
    client.force_login(staff)
    response = client.get(reverse("evidence_document_download", args=[document.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''K%E1%BA%BF%20ho%E1%BA%A1ch%20CCHC%20n%C4%83m%202024.pdf"
    )
    assert response["Content-Length"] == str(len(pdf_bytes))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == pdf_bytes


def test_preview_is_inline_and_sandboxed_for_pdf(client, staff, document):
    client.force_login(staff)
    response = client.get(reverse("evidence_document_preview", args=[document.pk]))
    assert response["Content-Disposition"] == (
        "inline; filename*=utf-8''K%E1%BA%BF%20ho%E1%BA%A1ch%20CCHC%20n%C4%83m%202024.pdf"
    )
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_preview_of_a_workbook_is_a_download(client, staff, assessment, xlsx_bytes):
    document = document_upload(
        actor=staff, assessment=assessment, upload=upload("bang-diem.xlsx", xlsx_bytes), title=""
    )
    client.force_login(staff)
    response = client.get(reverse("evidence_document_preview", args=[document.pk]))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="bang-diem.xlsx"'


def test_without_a_sheet_only_the_unit_and_the_secretariat_see_a_document(client, people, unit, period, staff):
    from django.core.files.base import ContentFile

    from evidence.services import evidence_storage

    # given a document of a unit that has no sheet for the period (yet)
    evidence_storage().save("aa/aa/orphan", ContentFile(b"%PDF-1.4\n"))
    stored = StoredFile.objects.create(
        sha256="a" * 64, size=9, content_type="application/pdf", storage_name="aa/aa/orphan"
    )
    orphan = Document.objects.create(
        unit=unit, period=period, title="Tài liệu", file=stored, original_name="a.pdf", uploaded_by=staff
    )
    assert not Assessment.objects.filter(unit=unit).exists()
    for role, status in {**VIEW_BEFORE_SUBMISSION, "council": 404, "leadership": 404}.items():
        client.force_login(people[role])
        response = client.get(reverse("evidence_document_download", args=[orphan.pk]))
        assert response.status_code == status, role


def test_a_missing_document_is_404(client, staff):
    client.force_login(staff)
    assert client.get(reverse("evidence_document_download", args=[999_999])).status_code == 404


# --- the per-criterion endpoints --------------------------------------------------------------------------

EDIT_DRAFT = {
    "other_staff": 404,
    "own_staff": 200,
    "own_head": 200,
    "council": 404,
    "conflicted_council": 404,
    "secretary": 403,
    "leadership": 404,
}
EDIT_SUBMITTED = {**EDIT_DRAFT, "own_staff": 403, "own_head": 403, "council": 403, "leadership": 403}


@pytest.fixture
def spare(assessment, staff, png_bytes):
    """A second library document, not cited yet (created while the sheet is still open)."""
    return document_upload(actor=staff, assessment=assessment, upload=upload("khac.png", png_bytes), title="Khác")


def post_action(client, action, assessment, leaf, document, spare, png_bytes):
    if action == "upload":
        url = reverse("evidence_criterion_upload", args=[assessment.pk, leaf.pk])
        return client.post(url, {"files": [upload("anh.jpg", jpeg_bytes())], "locator": "ảnh 1"})
    if action == "link":
        url = reverse("evidence_criterion_link", args=[assessment.pk, leaf.pk])
        return client.post(url, {"document": spare.pk, "locator": "mục 2"})
    link = EvidenceLink.objects.get(document=document)
    return client.post(reverse("evidence_link_unlink", args=[link.pk]))


def jpeg_bytes() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 90, 160)).save(buffer, format="JPEG")
    return buffer.getvalue()


def state_of_evidence():
    return (
        list(Document.objects.order_by("id").values_list("id", "file_id")),
        list(EvidenceLink.objects.order_by("id").values_list("id", "document_id", "criterion_id", "locator")),
        AuditEvent.objects.filter(action__startswith="evidence.").count(),
    )


@pytest.mark.parametrize("submitted", [False, True], ids=["draft", "submitted"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["upload", "link", "unlink"])
def test_edit_permission_matrix(
    client, people, assessment, leaf, document, spare, png_bytes, role, submitted, action, evidence_root
):
    if submitted:
        mark_submitted(assessment, people["own_head"])
    login(client, people, role)
    before, files_before = state_of_evidence(), files_under(evidence_root)
    response = post_action(client, action, assessment, leaf, document, spare, png_bytes)
    if role == "anonymous":
        assert_login_redirect(response)
        assert state_of_evidence() == before
        return
    expected = (EDIT_SUBMITTED if submitted else EDIT_DRAFT)[role]
    if expected == 200:
        # a plain (non-htmx) POST redirects back after the change
        assert response.status_code == 302
        assert state_of_evidence() != before
    else:
        assert response.status_code == expected
        assert state_of_evidence() == before
        assert files_under(evidence_root) == files_before


def test_htmx_upload_returns_the_partial_with_the_new_document(client, staff, assessment, leaf, pdf_bytes):
    client.force_login(staff)
    response = client.post(
        reverse("evidence_criterion_upload", args=[assessment.pk, leaf.pk]),
        {"files": [upload("Quyết định số 5.pdf", pdf_bytes)], "locator": "trang 4"},
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<div id="evidence-{leaf.pk}" class="evidence-box">' in html
    assert "Quyết định số 5</a>" in html
    assert "— trang 4" in html
    link = EvidenceLink.objects.get()
    assert reverse("evidence_link_unlink", args=[link.pk]) in html


def test_htmx_upload_error_is_shown_in_the_partial_and_nothing_is_saved(client, staff, assessment, leaf, evidence_root):
    client.force_login(staff)
    response = client.post(
        reverse("evidence_criterion_upload", args=[assessment.pk, leaf.pk]),
        {"files": [upload("bao-cao.pdf", b"<!DOCTYPE html><html><body>x</body></html>")]},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert (
        "Loại tệp không được chấp nhận (“bao-cao.pdf”): nội dung là HTML, không phải PDF." in response.content.decode()
    )
    assert (Document.objects.count(), StoredFile.objects.count(), files_under(evidence_root)) == (0, 0, [])


def test_htmx_write_after_the_deadline_shows_why_and_changes_nothing(client, staff, assessment, leaf, document):
    Period.objects.filter(pk=assessment.period_id).update(self_assessment_deadline=timezone.now() - timedelta(hours=1))
    client.force_login(staff)
    link = EvidenceLink.objects.get()
    response = client.post(reverse("evidence_link_unlink", args=[link.pk]), headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "phiếu đã nộp, đã hết hạn tự đánh giá" in html
    assert "Thêm tài liệu kiểm chứng" not in html
    assert EvidenceLink.objects.filter(pk=link.pk).exists()


def test_plain_post_after_the_deadline_is_forbidden(client, staff, assessment, leaf, png_bytes, evidence_root):
    Period.objects.filter(pk=assessment.period_id).update(self_assessment_deadline=timezone.now() - timedelta(hours=1))
    client.force_login(staff)
    response = client.post(
        reverse("evidence_criterion_upload", args=[assessment.pk, leaf.pk]), {"files": [upload("a.png", png_bytes)]}
    )
    assert response.status_code == 403
    assert (Document.objects.count(), files_under(evidence_root)) == (0, [])


def test_plain_post_redirects_to_a_safe_next_only(client, staff, assessment, leaf, document, png_bytes):
    client.force_login(staff)
    link = EvidenceLink.objects.get()
    response = client.post(reverse("evidence_link_unlink", args=[link.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("evidence_library", args=[assessment.pk])
    other = document_upload(actor=staff, assessment=assessment, upload=upload("b.png", png_bytes), title="B")
    response = client.post(
        reverse("evidence_criterion_link", args=[assessment.pk, leaf.pk]), {"document": other.pk, "next": "/sheet/1/"}
    )
    assert response["Location"] == "/sheet/1/"


def test_linking_another_units_document_is_refused(client, staff, assessment, leaf, other_unit, period, png_bytes):
    from tests.factories import user_with_role
    from units.models import Role

    other_assessment = AssessmentFactory(framework=assessment.framework, unit=other_unit)
    foreign = document_upload(
        actor=user_with_role(Role.UNIT_STAFF, unit=other_unit),
        assessment=other_assessment,
        upload=upload("x.png", png_bytes),
        title="X",
    )
    client.force_login(staff)
    response = client.post(
        reverse("evidence_criterion_link", args=[assessment.pk, leaf.pk]), {"document": foreign.pk}, headers=HTMX
    )
    assert "Tài liệu đã chọn không có trong thư viện của đơn vị." in response.content.decode()
    assert EvidenceLink.objects.count() == 0


def test_criterion_of_another_framework_is_404(client, staff, assessment, document):
    from tests.factories import small_framework

    foreign = small_framework().criteria.get(code="1.1.1")
    client.force_login(staff)
    response = client.get(reverse("evidence_criterion", args=[assessment.pk, foreign.pk]))
    assert response.status_code == 404


def test_locator_update(client, staff, document):
    client.force_login(staff)
    link = EvidenceLink.objects.get()
    client.post(reverse("evidence_link_locator", args=[link.pk]), {"locator": "mục III"}, headers=HTMX)
    link.refresh_from_db()
    assert link.locator == "mục III"


# --- the library page ------------------------------------------------------------------------------------


@pytest.mark.parametrize("submitted", [False, True], ids=["draft", "submitted"])
@pytest.mark.parametrize("role", ROLES)
def test_library_permission_matrix(client, people, assessment, document, role, submitted):
    if submitted:
        mark_submitted(assessment, people["own_head"])
    response = login(client, people, role).get(reverse("evidence_library", args=[assessment.pk]))
    if role == "anonymous":
        assert_login_redirect(response)
        return
    assert response.status_code == (VIEW_AFTER_SUBMISSION if submitted else VIEW_BEFORE_SUBMISSION)[role]


def test_library_upload_of_several_files(client, staff, assessment, pdf_bytes, png_bytes, xlsx_bytes):
    client.force_login(staff)
    response = client.post(
        reverse("evidence_library_upload", args=[assessment.pk]),
        {
            "title": "",
            "number": "05/BC-UBND",
            "issued_on": "2024-03-01",
            "files": [upload("bao-cao.pdf", pdf_bytes), upload("anh.png", png_bytes), upload("bang.xlsx", xlsx_bytes)],
        },
    )
    assert response.status_code == 302
    assert sorted(Document.objects.values_list("title", "number")) == [
        ("anh", "05/BC-UBND"),
        ("bang", "05/BC-UBND"),
        ("bao-cao", "05/BC-UBND"),
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Đã tải lên 3 tài liệu." in page
    sha = hashlib.sha256(pdf_bytes).hexdigest()
    assert f'<code title="{sha}">{sha[:12]}</code>' in page


def test_library_upload_errors_are_shown_on_the_page(client, staff, assessment, evidence_root):
    client.force_login(staff)
    response = client.post(reverse("evidence_library_upload", args=[assessment.pk]), {"title": "X"})
    assert response.status_code == 400
    assert "Hãy chọn ít nhất một tệp để tải lên." in response.content.decode()
    response = client.post(
        reverse("evidence_library_upload", args=[assessment.pk]), {"files": [upload("rong.pdf", b"")]}
    )
    assert response.status_code == 400
    assert "Tệp “rong.pdf” rỗng." in response.content.decode()
    assert (Document.objects.count(), files_under(evidence_root)) == (0, [])


def test_replace_through_the_page(client, staff, assessment, document, png_bytes):
    client.force_login(staff)
    response = client.post(
        reverse("evidence_document_replace", args=[assessment.pk, document.pk]), {"file": upload("v2.png", png_bytes)}
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.original_name == "v2.png"
    assert DocumentVersion.objects.filter(document=document).count() == 2


def test_replace_of_another_units_document_is_404(client, people, assessment, document, png_bytes, other_unit, period):
    other_assessment = AssessmentFactory(framework=assessment.framework, unit=other_unit)
    client.force_login(people["other_staff"])
    response = client.post(
        reverse("evidence_document_replace", args=[other_assessment.pk, document.pk]),
        {"file": upload("v2.png", png_bytes)},
    )
    assert response.status_code == 404
    document.refresh_from_db()
    assert document.original_name == "Kế hoạch CCHC năm 2024.pdf"


def test_library_page_runs_a_fixed_number_of_queries(
    client, staff, assessment, criteria, pdf_bytes, django_assert_num_queries
):
    # given 50 documents, each with two versions and a citation
    first = document_upload(actor=staff, assessment=assessment, upload=upload("a.pdf", pdf_bytes), title="Mẫu")
    documents = Document.objects.bulk_create(
        Document(
            unit=assessment.unit,
            period=assessment.period,
            title=f"Tài liệu {n}",
            file=first.file,
            original_name=f"tai-lieu-{n}.pdf",
            uploaded_by=staff,
        )
        for n in range(49)
    )
    DocumentVersion.objects.bulk_create(
        DocumentVersion(document=d, file=first.file, original_name=d.original_name, uploaded_by=staff)
        for d in documents + documents
    )
    leaves = [criteria["1.1.1"], criteria["1.2"], criteria["2.1"]]
    EvidenceLink.objects.bulk_create(
        EvidenceLink(document=d, assessment=assessment, criterion=leaves[n % 3], created_by=staff)
        for n, d in enumerate(documents)
    )
    client.force_login(staff)
    # when / then: session, user, roles, sheet, documents, versions, citations, unread notices, cycle banner
    with django_assert_num_queries(9):
        response = client.get(reverse("evidence_library", args=[assessment.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('<tr id="document-') == 50


def test_the_sheet_lists_the_library_once_for_every_row(client, staff, assessment, criteria, document, spare):
    client.force_login(staff)
    html = client.get(reverse("assessment_sheet", args=[assessment.pk])).content.decode()
    # one shared copy of the "add evidence" forms, which sheet.js fills in for the row being opened
    assert html.count('<template id="evidence-add-template">') == 1
    assert html.count(f'<option value="{spare.pk}">Khác</option>') == 1
    assert 'hx-target="#evidence-__criterion__"' in html
    ratio = criteria["1.2"]
    upload_url = reverse("evidence_criterion_upload", args=[assessment.pk, ratio.pk])
    link_url = reverse("evidence_criterion_link", args=[assessment.pk, ratio.pk])
    assert (
        f'<details class="small" data-evidence-add="{ratio.pk}" data-upload-url="{upload_url}" '
        f'data-link-url="{link_url}">'
    ) in html
    assert f'id="evidence-{ratio.pk}-files"' not in html
    assert f'<a href="?evidence={ratio.pk}#evidence-{ratio.pk}">Thêm tài liệu kiểm chứng</a>' in html  # no JavaScript


def test_without_javascript_a_row_reopens_with_its_evidence_forms(client, staff, assessment, criteria, spare):
    ratio = criteria["1.2"]
    client.force_login(staff)
    url = reverse("assessment_sheet", args=[assessment.pk]) + f"?evidence={ratio.pk}"
    html = client.get(url).content.decode()
    assert f'id="evidence-{ratio.pk}-files"' in html
    assert f'<form method="post" action="{reverse("evidence_criterion_link", args=[assessment.pk, ratio.pk])}"' in html
    assert html.count(f'<option value="{spare.pk}">Khác</option>') == 2  # the row's own list and the shared copy
    assert f'<input type="hidden" name="next" value="{url}">' in html  # a plain POST comes back to this row


def test_a_saved_row_opens_the_shared_forms_and_does_not_list_the_library(
    client, staff, assessment, leaf, document, spare
):
    client.force_login(staff)
    kept = leaf.options.get(label="Kịp thời")
    response = client.post(
        reverse("score_save", args=[assessment.pk, leaf.pk]),
        {f"c{leaf.pk}-option": kept.pk, f"c{leaf.pk}-version": 0},
        headers=HTMX,
    )
    html = response.content.decode()
    assert "data-saved" in html
    assert f'data-evidence-add="{leaf.pk}"' in html
    assert "Kế hoạch CCHC</a>" in html  # the criterion's own evidence
    assert '<select name="document"' not in html


def test_the_partial_renders_from_the_documented_context(rf, staff, assessment, leaf, document):
    from django.template.loader import render_to_string

    from evidence.selectors import links_by_criterion, unit_library

    request = rf.get("/sheet/")
    request.user = staff
    html = render_to_string(
        "evidence/_criterion_evidence.html",
        {
            "assessment": assessment,
            "criterion": leaf,
            "links": links_by_criterion(assessment)[leaf.pk],
            "can_edit": True,
            "library": list(unit_library(unit_id=assessment.unit_id, period_id=assessment.period_id)),
        },
        request=request,
    )
    assert f'hx-target="#evidence-{leaf.pk}"' in html
    assert '<input type="hidden" name="next" value="/sheet/">' in html
    assert f'<option value="{document.pk}">Kế hoạch CCHC</option>' in html


def test_evidence_link_is_shown_for_the_criterion_after_linking(client, staff, assessment, criteria, document):
    evidence_link(actor=staff, assessment=assessment, criterion=criteria["1.2"], document=document, locator="tr. 7")
    client.force_login(staff)
    response = client.get(reverse("evidence_criterion", args=[assessment.pk, criteria["1.2"].pk]))
    assert "— tr. 7" in response.content.decode()
