"""A corpus of bad input sent to the real views through the test client: score fields, evidence uploads,
Excel imports of the sheet, the framework and the survey, and URLs.

Each case must answer with its clear Vietnamese message (or the portal's 404 page) and leave every table's
row count and the evidence storage folder exactly as they were.
"""

import datetime
import html
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from evidence.models import Document
from scoring.council.survey import survey_template
from scoring.frameworks.workbook import framework_export
from scoring.models import Criterion, Framework, Period, RuleOption
from scoring.sheets.workbook import COLUMN_INDEX, sheet_export
from tests.factories import (
    AssessmentFactory,
    BlockFactory,
    UnitFactory,
    files_under,
    rewrite_zip,
    small_framework,
    user_with_role,
)
from tests.world import PDF_BYTES, row_counts
from units.models import Role

pytestmark = pytest.mark.django_db

NOT_FOUND = "Không tìm thấy trang"


@pytest.fixture
def corpus_world(evidence_root) -> dict:
    """2024 in self-assessment (two units' draft sheets, a document of the other unit), 2025 a draft framework
    the secretary may import into, 2023 under appraisal with a submitted sheet for the survey import."""
    block = BlockFactory(code="khoi-phuong", name="Khối phường")
    own = UnitFactory(block=block, code="ha-dinh", name="UBND phường Hạ Đình")
    other = UnitFactory(block=block, code="kim-giang", name="UBND phường Kim Giang")
    staff = user_with_role(Role.UNIT_STAFF, own)
    secretary = user_with_role(Role.COUNCIL_SECRETARY)

    def framework_of(year: int, state: str) -> Framework:
        period = Period.objects.create(
            authority=block.authority,
            year=year,
            state=state,
            self_assessment_deadline=timezone.now() + datetime.timedelta(days=14),
        )
        return small_framework(Framework.objects.create(period=period, block=block, name=f"BCS {year}"))

    framework = framework_of(2024, Period.State.SELF_ASSESSMENT)
    sheet = AssessmentFactory(framework=framework, unit=own)
    other_sheet = AssessmentFactory(framework=framework, unit=other)
    appraisal = framework_of(2023, Period.State.APPRAISAL)
    AssessmentFactory(
        framework=appraisal,
        unit=own,
        submitted=True,
        submitted_by=staff,
    )
    from tests.world import _stored_pdf

    other_document = Document.objects.create(
        unit=other,
        period=framework.period,
        title="Tài liệu của phường Kim Giang",
        file=_stored_pdf(PDF_BYTES),
        original_name="kim-giang.pdf",
        uploaded_by=secretary,
    )
    return {
        "staff": staff,
        "secretary": secretary,
        "sheet": sheet,
        "other_sheet": other_sheet,
        "criteria": {c.code: c for c in Criterion.objects.filter(framework=framework)},
        "draft_framework": framework_of(2025, Period.State.DRAFT),
        "appraisal_period": appraisal.period,
        "other_document": other_document,
    }


# --- files -------------------------------------------------------------------------------------------


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def workbook_bytes(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_member(xlsx: bytes, name: str, data: bytes) -> bytes:
    """A copy of an .xlsx with one more member (a macro project, a huge padding part…)."""
    return rewrite_zip(xlsx, {}, {name: data})


def with_xml(xlsx: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    """A copy of an .xlsx with one XML member rewritten, as a hostile hand would."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source:
        return rewrite_zip(xlsx, {name: change(source.read(name))})


def reaching_column_xfd(xlsx: bytes) -> bytes:
    """The outside finding: a few KB whose used range reaches the last column (A1:XFD…)."""
    return with_xml(
        xlsx,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'<dimension ref="([A-Z]+\d+):[A-Z]+', rb'<dimension ref="\1:XFD', xml),
    )


def with_entities(xlsx: bytes) -> bytes:
    """The "billion laughs" shape: entity declarations in the shared strings."""
    laughs = b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    return with_xml(xlsx, "xl/worksheets/sheet1.xml", lambda xml: laughs + re.sub(rb"^<\?xml[^>]*\?>", b"", xml))


def with_entities_in_utf16(xlsx: bytes) -> bytes:
    """The same declarations in a worksheet written in UTF-16, where no byte of "<!DOCTYPE" stands side by side."""

    def rewrite(xml: bytes) -> bytes:
        body = re.sub(rb"^<\?xml[^>]*\?>", b"", xml).decode()
        return ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>' + body).encode("utf-16")

    return with_xml(xlsx, "xl/worksheets/sheet1.xml", rewrite)


def many_rows(count: int) -> Callable:
    def edit(sheet) -> None:
        for number in range(count):
            sheet.append([f"9.{number}", "Dòng thừa", "", 1])

    return edit


def docx_bomb() -> bytes:
    """A Word package whose one part inflates 110 MB of zeros from a few hundred KB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(110):
                part.write(chunk)
    return buffer.getvalue()


def xlsx_of_portal(role_world: dict, edit: Callable) -> bytes:
    """The sheet exported by the portal, edited like a user would in Excel."""
    workbook = openpyxl.load_workbook(io.BytesIO(sheet_export(assessment=role_world["sheet"])))
    sheet = workbook.worksheets[0]
    lines = {sheet.cell(line, COLUMN_INDEX["code"]).value: line for line in range(2, sheet.max_row + 1)}
    edit(sheet, lines)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def put(code: str, key: str, value) -> Callable:
    return lambda sheet, lines: sheet.cell(lines[code], COLUMN_INDEX[key], value)


def survey_rows(role_world: dict, rows: list[tuple]) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(survey_template(period=role_world["appraisal_period"])))
    sheet = workbook.worksheets[0]
    sheet.delete_rows(2, sheet.max_row)
    for unit_code, criterion_code, points in rows:
        sheet.append([unit_code, "", criterion_code, "", "", points])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def framework_rows(role_world: dict, edit: Callable) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(framework_export(framework=role_world["draft_framework"])))
    edit(workbook.worksheets[0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def duplicate_first_criterion(sheet) -> None:
    sheet.append([cell.value for cell in sheet[2]])


def text_in_max_points(sheet) -> None:
    headers = [cell.value for cell in sheet[1]]
    column = next(index for index, header in enumerate(headers, start=1) if "tối đa" in str(header).lower())
    sheet.cell(2, column, "mười")


def unknown_parent(sheet) -> None:
    """A criterion whose code names a parent (9) that is nowhere in the file or the framework."""
    sheet.cell(3, 1, "9.1")


# --- the corpus --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One bad request: who sends it, where, what; and the message the person must read."""

    who: str
    url: Callable[[dict], str]
    message: str
    data: Callable[[dict], dict] = lambda role_world: {}
    method: str = "post"
    status: int | None = None
    htmx: bool = False
    settings: dict = field(default_factory=dict)


def score(code: str, message: str, **inputs) -> Case:
    """An htmx save of one sheet row; the row comes back with the error next to the input."""
    return Case(
        who="staff",
        url=lambda w: reverse("score_save", args=[w["sheet"].pk, w["criteria"][code].pk]),
        data=lambda w: {f"c{w['criteria'][code].pk}-{key}": value for key, value in {"version": 0, **inputs}.items()},
        message=message,
        htmx=True,
        status=200,
    )


def upload(files: list[tuple[str, bytes]] | Callable, message: str, **settings) -> Case:
    def data(role_world):
        items = files(role_world) if callable(files) else files
        return {"files": [SimpleUploadedFile(name, content) for name, content in items]}

    return Case(
        who="staff",
        url=lambda w: reverse("evidence_library_upload", args=[w["sheet"].pk]),
        data=data,
        message=message,
        status=400,
        settings=settings,
    )


# Each import page: who uploads to it, its address in the role_world, the usual name of its file.
IMPORT_PAGES = {
    "sheet": ("staff", lambda w: reverse("sheet_import", args=[w["sheet"].pk]), "phieu.xlsx"),
    "survey": (
        "secretary",
        lambda w: reverse("council_survey_import", args=[w["appraisal_period"].year]),
        "khao-sat.xlsx",
    ),
    "framework": (
        "secretary",
        lambda w: reverse("admin:scoring_framework_import", args=[w["draft_framework"].pk]),
        "bo-chi-so.xlsx",
    ),
}


def workbook_import(page: str, content: bytes | Callable, message: str, name: str = "") -> Case:
    """An upload of one workbook to an import page, which lists the file's problems (status 200)."""
    who, url, usual_name = IMPORT_PAGES[page]
    file_name = name or usual_name
    return Case(
        who=who,
        url=url,
        data=lambda w: {"file": SimpleUploadedFile(file_name, content(w) if callable(content) else content)},
        message=message,
        status=200,
    )


def sheet_import(content: bytes | Callable, message: str, name: str = "") -> Case:
    return workbook_import("sheet", content, message, name)


def survey_import(content: bytes | Callable, message: str) -> Case:
    return workbook_import("survey", content, message)


def framework_import(content: bytes | Callable, message: str) -> Case:
    return workbook_import("framework", content, message)


def get(url: Callable[[dict], str], message: str = NOT_FOUND, status: int = 404, who: str = "staff") -> Case:
    return Case(who=who, url=url, message=message, method="get", status=status)


HTML_PAGE = b"<!DOCTYPE html><html><head><title>x</title></head><body><script>alert(1)</script></body></html>"
HTML_BEHIND_PDF_SIGNATURE = b"%PDF-1.7\n" + HTML_PAGE  # libmagic calls it a PDF: only opening it shows otherwise
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"\x80\x00\x00\x00" + b"\x00" * 200
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
CSV = "Mã,Điểm\n1.1.1,1\n".encode()
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096
EXTENSIONS = "PDF, DOC, DOCX, XLS, XLSX, ODT, ODS, PNG, JPG, JPEG"
PLAIN_XLSX = workbook_bytes([["Tiêu chí", "Điểm"], ["1.1", 1]])
NOT_XLSX = "Tệp không phải bảng tính Excel (.xlsx) đọc được"
OLD_EXCEL = "Tệp .xls (Excel 97–2003)"

CASES = {
    # score fields (htmx row save of the unit's sheet)
    "score-negative": score("2.1", "Điểm phải từ 0 đến 1,5.", value="-1"),
    "score-nan": score("2.1", "điểm phải là một số hữu hạn.", value="NaN"),
    "score-infinity": score("2.1", "điểm phải là một số hữu hạn.", value="Infinity"),
    "score-1e309": score("2.1", "điểm quá lớn.", value="1e309"),
    "score-two-commas": score("2.1", "điểm phải là một số.", value="1,5,5"),
    "score-too-many-decimals": score("2.1", "điểm chỉ được có tối đa 2 chữ số thập phân.", value="0,125"),
    "score-text": score("2.1", "điểm phải là một số.", value="một điểm rưỡi"),
    "score-above-max": score("2.1", "Điểm phải từ 0 đến 1,5.", value="2"),
    "score-off-step": score("2.1", "Điểm phải là bội số của 0,25.", value="0,3"),
    "score-too-long": score("2.1", "Giá trị này chỉ có tối đa 20 kí tự (hiện có 25)", value="1" * 25),
    "percent-above-100": score("1.1.2", "Tỷ lệ phải từ 0 đến 100%.", percent="150"),
    "percent-negative": score("1.1.2", "Tỷ lệ phải từ 0 đến 100%.", percent="-0,5"),
    "ratio-zero-required": score("1.2", "Số yêu cầu phải lớn hơn 0.", achieved="5", required="0"),
    "ratio-achieved-above-required": score("1.2", "Số đạt không được lớn hơn số yêu cầu.", achieved="7", required="5"),
    "ratio-negative-achieved": score("1.2", "Số đạt không được âm.", achieved="-1", required="5"),
    "option-unknown-id": score("1.1.1", "Hãy chọn một lựa chọn hợp lệ.", option="999999"),
    "option-not-a-number": score("1.1.1", "Hãy chọn một lựa chọn hợp lệ.", option="Kịp thời"),
    "yes-no-wrong-word": score("1.3", "Hãy chọn một lựa chọn hợp lệ.", is_yes="maybe"),
    "occurrences-fraction": score("2.2", "Số lần phải là số nguyên không âm.", occurrences="1,5"),
    "occurrences-negative": score("2.2", "Số lần phải là số nguyên không âm.", occurrences="-2"),
    "occurrences-huge": score("2.2", "số lần quá lớn.", occurrences="99999999999999999999"),
    "not-applicable-without-reason": score(
        "1.3", "Hãy ghi lý do tiêu chí không áp dụng với đơn vị.", is_not_applicable="on"
    ),
    "version-not-a-number": score(
        "2.1", "Trang đã cũ hoặc bị sửa đổi; hãy tải lại trang rồi nhập lại.", value="1", version="mới nhất"
    ),
    # uploads to the unit's library
    "upload-empty-file": upload([("ke-hoach.pdf", b"")], "Tệp “ke-hoach.pdf” rỗng."),
    "upload-too-big": upload(
        [("ke-hoach.pdf", PDF_BYTES + b"%" * 1_600_000)],
        "Tệp “ke-hoach.pdf” vượt quá dung lượng cho phép 1,5 MB.",
        EVIDENCE_MAX_UPLOAD_BYTES=1_572_864,
    ),
    "upload-exe-renamed-pdf": upload(
        [("bao-cao.pdf", EXE)], "Loại tệp không được chấp nhận (“bao-cao.pdf”): nội dung là chương trình chạy được"
    ),
    "upload-html-in-pdf": upload(
        [("bao-cao.pdf", HTML_PAGE)], "Loại tệp không được chấp nhận (“bao-cao.pdf”): nội dung là HTML, không phải PDF."
    ),
    "upload-svg": upload(
        [("so-do.svg", SVG)], f"Loại tệp không được chấp nhận (“so-do.svg”): chỉ nhận tệp {EXTENSIONS}."
    ),
    "upload-svg-renamed-png": upload(
        [("so-do.png", SVG)], "Loại tệp không được chấp nhận (“so-do.png”): nội dung là ảnh SVG, không phải ảnh PNG."
    ),
    "upload-zip-bomb-docx": upload(
        [("bao-cao.docx", docx_bomb())], "Tệp “bao-cao.docx” bị từ chối: dữ liệu nén bất thường"
    ),
    "upload-macro-xlsm": upload(
        [("bang-diem.xlsm", with_member(PLAIN_XLSX, "xl/vbaProject.bin", b"\0" * 64))],
        f"Loại tệp không được chấp nhận (“bang-diem.xlsm”): chỉ nhận tệp {EXTENSIONS}.",
    ),
    "upload-macro-inside-xlsx": upload(
        [("bang-diem.xlsx", with_member(PLAIN_XLSX, "xl/vbaProject.bin", b"\0" * 64))],
        "Không nhận tệp có chứa macro (“bang-diem.xlsx”).",
    ),
    "upload-broken-docx": upload(
        [("bao-cao.docx", b"PK\x03\x04" + b"rac" * 2000)],
        "Tệp “bao-cao.docx” bị hỏng hoặc không phải Word (DOCX) hợp lệ.",
    ),
    "upload-xlsx-with-entity-declarations": upload(
        [("bang-diem.xlsx", with_entities(PLAIN_XLSX))],
        "Tệp “bang-diem.xlsx” bị từ chối: bên trong có khai báo DTD hoặc thực thể XML (<!DOCTYPE>, <!ENTITY>)",
    ),
    "upload-xlsx-with-entity-declarations-in-utf16": upload(
        [("bang-diem.xlsx", with_entities_in_utf16(PLAIN_XLSX))],
        "Tệp “bang-diem.xlsx” bị từ chối: bên trong có khai báo DTD hoặc thực thể XML (<!DOCTYPE>, <!ENTITY>)",
    ),
    "upload-html-behind-a-pdf-signature": upload(
        [("bao-cao.pdf", HTML_BEHIND_PDF_SIGNATURE)],
        "Tệp “bao-cao.pdf” có đuôi .pdf và bắt đầu như một tệp PDF nhưng không đọc được như PDF",
    ),
    "upload-pdf-shell-without-pages": upload(
        [("bao-cao.pdf", b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")],
        "Tệp “bao-cao.pdf” có đuôi .pdf và bắt đầu như một tệp PDF nhưng không đọc được như PDF",
    ),
    "upload-path-like-name": upload(
        [("../../../etc/cron.d/bao-cao.pdf", HTML_PAGE)],
        "Loại tệp không được chấp nhận (“bao-cao.pdf”): nội dung là HTML",
    ),
    "upload-windows-path-name": upload(
        [("..\\..\\Windows\\System32\\bao-cao.pdf", HTML_PAGE)],
        "Loại tệp không được chấp nhận (“bao-cao.pdf”): nội dung là HTML",
    ),
    "upload-1000-character-name": upload(
        [("a" * 1000 + ".pdf", HTML_PAGE)], f"Loại tệp không được chấp nhận (“{'a' * 251}.pdf”): nội dung là HTML"
    ),
    "upload-nul-in-name": upload([("bao\x00cao.pdf", HTML_PAGE)], "Loại tệp không được chấp nhận (“baocao.pdf”)"),
    "upload-too-many-files": upload(
        [(f"tai-lieu-{number}.pdf", PDF_BYTES + bytes([number])) for number in range(11)],
        "Mỗi lần chỉ tải lên tối đa 10 tệp.",
    ),
    "upload-one-bad-among-good": upload(
        [("ke-hoach.pdf", PDF_BYTES), ("bao-cao.pdf", HTML_PAGE)],
        "Loại tệp không được chấp nhận (“bao-cao.pdf”): nội dung là HTML",
    ),
    # Excel import of the unit's sheet
    "sheet-formula-cell": sheet_import(
        lambda w: xlsx_of_portal(w, put("2.1", "value", "=1+0,5")), "Dòng 9 (mã 2.1): điểm phải là một số."
    ),
    "sheet-unknown-code": sheet_import(
        lambda w: xlsx_of_portal(w, put("2.1", "code", "9.9")), "(mã 9.9): Mã không có trong bộ chỉ số của phiếu này."
    ),
    "sheet-duplicated-row": sheet_import(
        lambda w: xlsx_of_portal(
            w,
            lambda sheet, lines: (
                sheet.cell(lines["2.1"], COLUMN_INDEX["value"], 1),
                sheet.cell(lines["2.2"], COLUMN_INDEX["code"], "2.1"),
                sheet.cell(lines["2.2"], COLUMN_INDEX["value"], 1),
            ),
        ),
        "Dòng 10 (mã 2.1): Mã này đã có ở dòng 9; mỗi tiêu chí chỉ được một dòng.",
    ),
    "sheet-text-in-number-cell": sheet_import(
        lambda w: xlsx_of_portal(w, put("1.1.2", "percent", "chín mươi")), "(mã 1.1.2): tỷ lệ (%) phải là một số."
    ),
    "sheet-xls": sheet_import(OLE, OLD_EXCEL, name="phieu.xls"),
    "sheet-csv-renamed-xlsx": sheet_import(CSV, NOT_XLSX),
    "sheet-zero-bytes": sheet_import(b"", "Tập tin được gửi là rỗng."),
    "sheet-macro": sheet_import(
        lambda w: with_member(xlsx_of_portal(w, lambda *_: None), "xl/vbaProject.bin", b"\0" * 64),
        "Tệp có chứa macro (VBA).",
        name="phieu.xlsm",
    ),
    "sheet-zip-bomb": sheet_import(
        lambda w: with_member(xlsx_of_portal(w, lambda *_: None), "xl/media/padding.bin", b"\0" * (60 * 1024 * 1024)),
        "Nội dung tệp sau khi giải nén lớn hơn 25 MB",
    ),
    "sheet-column-xfd": sheet_import(
        lambda w: reaching_column_xfd(xlsx_of_portal(w, lambda *_: None)),
        "dùng đến cột XFD (16384 cột); phiếu tự đánh giá chỉ có tối đa 30 cột.",
    ),
    "sheet-xml-entities": sheet_import(
        lambda w: with_entities(xlsx_of_portal(w, lambda *_: None)), "Tệp chứa khai báo DTD hoặc thực thể XML"
    ),
    "sheet-xml-entities-in-utf16": sheet_import(
        lambda w: with_entities_in_utf16(xlsx_of_portal(w, lambda *_: None)), "Tệp chứa khai báo DTD hoặc thực thể XML"
    ),
    # Excel import of a framework (the secretary, in the administration pages)
    "framework-column-xfd": framework_import(
        lambda w: reaching_column_xfd(framework_rows(w, lambda sheet: None)),
        "dùng đến cột XFD (16384 cột); bộ chỉ số chỉ có tối đa 30 cột.",
    ),
    "framework-macro": framework_import(
        lambda w: with_member(framework_rows(w, lambda sheet: None), "xl/vbaProject.bin", b"\0" * 64),
        "Tệp có chứa macro (VBA).",
    ),
    "framework-xml-entities": framework_import(
        lambda w: with_entities(framework_rows(w, lambda sheet: None)), "Tệp chứa khai báo DTD hoặc thực thể XML"
    ),
    "framework-ten-thousand-extra-rows": framework_import(
        lambda w: framework_rows(w, many_rows(10_000)), "Tệp có hơn 2000 dòng; bộ chỉ số không dài như vậy."
    ),
    "framework-xls": framework_import(OLE, OLD_EXCEL),
    "framework-csv-renamed-xlsx": framework_import(CSV, NOT_XLSX),
    "framework-duplicated-row": framework_import(
        lambda w: framework_rows(w, duplicate_first_criterion), "Dòng 12: Mã “1” trùng với dòng 2."
    ),
    "framework-text-in-number-cell": framework_import(
        lambda w: framework_rows(w, text_in_max_points), "Dòng 2: “Điểm tối đa” là “mười”, không phải là số."
    ),
    "framework-unknown-parent-code": framework_import(
        lambda w: framework_rows(w, unknown_parent), "Dòng 3: Không có tiêu chí cha “9” trong tệp hoặc trong bộ chỉ số."
    ),
    # Excel import of the survey points (the secretary)
    "survey-unknown-unit": survey_import(
        lambda w: survey_rows(w, [("phuong-khong-co", "2.3", 1)]), "Dòng 2: Không có đơn vị mã “phuong-khong-co”."
    ),
    "survey-duplicated-row": survey_import(
        lambda w: survey_rows(w, [("ha-dinh", "2.3", 1), ("ha-dinh", "2.3", "0,5")]),
        "Dòng 3: ha-dinh – tiêu chí 2.3 đã có ở dòng 2; mỗi đơn vị và tiêu chí chỉ một dòng.",
    ),
    "survey-formula-cell": survey_import(
        lambda w: survey_rows(w, [("ha-dinh", "2.3", "=1/0")]), "Dòng 2: Điểm “=1/0” không phải là số."
    ),
    "survey-above-max": survey_import(
        lambda w: survey_rows(w, [("ha-dinh", "2.3", 5)]), "Dòng 2: Điểm 5 ngoài khoảng 0 đến 1 của tiêu chí 2.3."
    ),
    "survey-unknown-criterion": survey_import(
        lambda w: survey_rows(w, [("ha-dinh", "9.9", 1)]), "Dòng 2: Tiêu chí “9.9” không có trong bộ chỉ số"
    ),
    "survey-csv-renamed-xlsx": survey_import(CSV, NOT_XLSX),
    "survey-column-xfd": survey_import(
        lambda w: reaching_column_xfd(survey_rows(w, [("ha-dinh", "2.3", 1)])),
        "dùng đến cột XFD (16384 cột); bảng điểm điều tra xã hội học chỉ có tối đa 20 cột.",
    ),
    "survey-too-many-rows": survey_import(
        lambda w: survey_rows(w, [("ha-dinh", "2.3", 1)] * 5001),
        "Tệp có hơn 5000 dòng; bảng điểm điều tra xã hội học không dài như vậy.",
    ),
    # URLs
    "url-non-numeric-id": get(lambda w: "/assessments/abc/"),
    "url-negative-id": get(lambda w: "/assessments/-1/"),
    "url-huge-id": get(lambda w: f"/assessments/{10**30}/"),
    "url-huge-bigint-id": get(lambda w: f"/evidence/documents/{2**63}/download/"),
    "url-other-units-sheet": get(lambda w: reverse("assessment_sheet", args=[w["other_sheet"].pk])),
    "url-other-units-document": get(lambda w: reverse("evidence_document_download", args=[w["other_document"].pk])),
    "url-other-units-library": get(lambda w: reverse("evidence_library", args=[w["other_sheet"].pk])),
    "url-survey-criterion-on-the-sheet": Case(
        who="staff",
        url=lambda w: reverse("score_save", args=[w["sheet"].pk, w["criteria"]["2.3"].pk]),
        data=lambda w: {"version": 0},
        message=NOT_FOUND,
        status=404,
    ),
    "url-criterion-of-another-framework": Case(
        who="staff",
        url=lambda w: reverse(
            "score_save",
            args=[w["sheet"].pk, Criterion.objects.filter(framework=w["draft_framework"], code="2.1").get().pk],
        ),
        data=lambda w: {"version": 0},
        message=NOT_FOUND,
        status=404,
    ),
    "url-option-of-another-criterion": Case(
        who="staff",
        url=lambda w: reverse("score_save", args=[w["sheet"].pk, w["criteria"]["1.1.1"].pk]),
        data=lambda w: {
            f"c{w['criteria']['1.1.1'].pk}-version": 0,
            f"c{w['criteria']['1.1.1'].pk}-option": RuleOption.objects.filter(criterion=w["criteria"]["1.1.2"])
            .first()
            .pk,
        },
        message="Hãy chọn một lựa chọn hợp lệ.",
        status=200,
        htmx=True,
    ),
}


def shown_messages(page: str) -> list[str]:
    """The text of the page's alerts and field errors, for a readable failure."""
    blocks = re.findall(
        r'class="[^"]*(?:alert|invalid-feedback|errorlist|error)[^"]*"[^>]*>(.*?)</(?:div|ul|p|li)>', page, re.S
    )
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", block)).split()) for block in blocks]


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 40


# Cases that show a real gap in the portal, kept failing on purpose until it is fixed.
KNOWN_GAPS: dict[str, str] = {}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            case,
            id=case_id,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[case_id])] if case_id in KNOWN_GAPS else [],
        )
        for case_id, case in CASES.items()
    ],
)
def test_bad_input_is_refused_with_its_message_and_changes_nothing(client, settings, corpus_world, evidence_root, case):
    for name, value in case.settings.items():
        setattr(settings, name, value)
    client.force_login(corpus_world[case.who])
    url = case.url(corpus_world)
    data = case.data(corpus_world)
    counts, files = row_counts(), files_under(evidence_root)
    headers = {"HX-Request": "true"} if case.htmx else {}

    # when
    response = client.get(url, headers=headers) if case.method == "get" else client.post(url, data, headers=headers)

    # then
    if case.status is not None:
        assert response.status_code == case.status
    assert case.message in html.unescape(response.text), f"the page says: {shown_messages(response.text)}"
    assert row_counts() == counts
    assert files_under(evidence_root) == files
