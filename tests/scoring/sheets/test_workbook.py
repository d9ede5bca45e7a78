import io
import zipfile
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from scoring.frameworks.services import period_open_self_assessment
from scoring.models import Assessment, Criterion, Period, Score, ScoreChange, Stage
from scoring.rules import Entry
from scoring.sheets.services import ScoreInput, self_score_record
from scoring.sheets.workbook import COLUMNS, DATA_SHEET_TITLE, sheet_export, sheet_import
from tests.factories import UnitFactory, open_wide_sheet, user_with_role, wide_framework
from units.models import Role

pytestmark = pytest.mark.django_db

HEADERS = [column.header for column in COLUMNS]
# Lines of the exported data sheet for tests.factories.small_framework (line 1 is the header row).
LINE = {"1": 2, "1.1": 3, "1.1.1": 4, "1.1.2": 5, "1.2": 6, "1.3": 7, "2": 8, "2.1": 9, "2.2": 10, "2.3": 11}
GOOD_ROWS = {
    "1.1.1": {"Mức lựa chọn": "  không KỊP thời "},
    "1.1.2": {"Tỷ lệ %": "92,5"},
    "1.2": {"Số đạt": 7, "Số yêu cầu": 8},
    "1.3": {"Có/Không": "x"},
    "2.1": {"Điểm": "1,25"},
    "2.2": {"Số lần vi phạm": 1},
}
GOOD_POINTS = {
    "1.1.1": Decimal("0.5"),
    "1.1.2": Decimal("2"),
    "1.2": Decimal("1.75"),
    "1.3": Decimal("1"),
    "2.1": Decimal("1.25"),
    "2.2": Decimal("1"),
}


def workbook_of(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def fill(content: bytes, rows: dict[str, dict], *, extra_rows: list[list] = ()) -> bytes:
    """Fill cells of the exported sheet by code and header, as a person would in Excel."""
    workbook = workbook_of(content)
    data = workbook[DATA_SHEET_TITLE]
    for code, cells in rows.items():
        for header, value in cells.items():
            data.cell(LINE[code], HEADERS.index(header) + 1).value = value  # cell(r, c, None) would not clear
    for row in extra_rows:
        data.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def import_errors(assessment, user, content) -> list[str]:
    with pytest.raises(ValidationError) as raised:
        sheet_import(actor=user, assessment=assessment, file=content)
    return raised.value.messages


def post_file(client, assessment, content: bytes, name: str = "phieu.xlsx"):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(reverse("sheet_import", args=[assessment.pk]), {"file": upload})


def record(assessment, criterion, user, *, explanation="", **entry) -> Score:
    return self_score_record(
        actor=user,
        assessment=assessment,
        criterion=criterion,
        data=ScoreInput(entry=Entry(**entry), explanation=explanation),
        expected_version=Score.objects.filter(criterion=criterion).values_list("version", flat=True).first() or 0,
    )


# ---------------------------------------------------------------------------------------------
# Export


def test_export_has_one_header_row_and_the_tree_in_code_order(client, sheet):
    assessment, criteria, people = sheet
    client.force_login(people["staff"])
    response = client.get(reverse("sheet_export", args=[assessment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="phieu-tu-danh-gia-ha-dinh-{assessment.period.year}.xlsx"'
    )
    workbook = workbook_of(response.content)
    assert workbook.sheetnames == ["Tu danh gia", "Hướng dẫn", "Danh muc"]
    assert workbook["Danh muc"].sheet_state == "hidden"
    data = workbook["Tu danh gia"]
    assert [cell.value for cell in data[1]] == [
        "Mã", "Nội dung", "Điểm tối đa", "Cách chấm", "Mức lựa chọn", "Tỷ lệ %", "Số đạt", "Số yêu cầu", "Điểm",
        "Có/Không", "Số lần vi phạm", "Không áp dụng (x)", "Giải thích", "Lý do không có tài liệu kiểm chứng",
        "Điểm hiện tại (tự tính, không nhập)",
    ]  # fmt: skip
    assert [row[0].value for row in data.iter_rows(min_row=2)] == list(LINE)
    assert data.freeze_panes == "C2"
    assert (data["A2"].font.b, data["A4"].font.b) == (True, False)  # area 1 is a heading row, 1.1.1 a leaf
    assert data["D4"].value == "Chọn mức: Kịp thời = 1; Không kịp thời = 0,5; Không ban hành = 0"
    assert data["D5"].value == "Theo tỷ lệ % (khoảng): từ 90% = 2; từ 70% = 1; từ 0% = 0"
    assert data["D9"].value == "Chấm trực tiếp (bước 0,25)"
    guide = workbook["Hướng dẫn"]
    assert guide["B1"].value is None
    assert guide["A2"].value == "Đơn vị: UBND phường Hạ Đình"
    assert guide["A3"].value == f"Năm đánh giá: {assessment.period.year}"


def test_export_offers_option_lists_and_marks_not_applicable_only_where_allowed(sheet):
    assessment, criteria, people = sheet
    workbook = workbook_of(sheet_export(assessment=assessment))
    validations = {str(v.sqref): v.formula1 for v in workbook["Tu danh gia"].data_validations.dataValidation}
    assert validations == {"J7": '"Có,Không"', "L7": '"x"', "E4": "'Danh muc'!$A$1:$C$1"}
    assert [cell.value for cell in workbook["Danh muc"][1]] == ["Kịp thời", "Không kịp thời", "Không ban hành"]


def test_export_prefills_current_scores_and_keeps_formula_like_text_as_text(sheet):
    assessment, criteria, people = sheet
    Criterion.objects.filter(pk=criteria["2.1"].pk).update(title='=HYPERLINK("http://x")')
    late = criteria["1.1.1"].options.get(label="Không kịp thời")
    record(assessment, criteria["1.1.1"], people["staff"], option_id=late.pk, explanation="@SUM(A1)")
    record(assessment, criteria["1.2"], people["staff"], achieved=Decimal("7"), required=Decimal("8"))
    record(assessment, criteria["2.1"], people["staff"], value=Decimal("1.25"), explanation="+ đạt")
    self_score_record(
        actor=people["staff"],
        assessment=assessment,
        criterion=criteria["1.3"],
        data=ScoreInput(entry=Entry(), is_not_applicable=True, explanation="-Không có đơn vị trực thuộc"),
        expected_version=0,
    )
    data = workbook_of(sheet_export(assessment=assessment))["Tu danh gia"]
    assert [data.cell(4, column).value for column in (5, 13, 15)] == ["Không kịp thời", "@SUM(A1)", Decimal("0.5")]
    assert [data.cell(6, column).value for column in (7, 8, 15)] == [7, 8, Decimal("1.75")]
    assert [data.cell(7, column).value for column in (10, 12, 13, 15)] == [
        None,
        "x",
        "-Không có đơn vị trực thuộc",
        None,
    ]
    for address in ("M4", "B9", "M9", "M7"):
        assert data[address].data_type == "s", address
        assert data[address].quotePrefix is True, address
    assert data["B9"].value == '=HYPERLINK("http://x")'


def test_export_of_a_120_criterion_framework_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    assessment, staff = open_wide_sheet()
    for criterion in (
        Criterion.objects.filter(framework_id=assessment.framework_id)
        .exclude(rule_type="")
        .prefetch_related("options")[:60]
    ):
        record(assessment, criterion, staff, option_id=criterion.options.all()[0].pk)
    client.force_login(staff)
    # session, user, roles, assessment, criteria, options, scores
    with django_assert_num_queries(7):
        response = client.get(reverse("sheet_export", args=[assessment.pk]))
    data = workbook_of(response.content)["Tu danh gia"]
    assert data.max_row == 1 + 6 + 120
    assert sum(1 for row in data.iter_rows(min_row=2, min_col=5, max_col=5) if row[0].value == "Đạt") == 60


# ---------------------------------------------------------------------------------------------
# Import


def test_a_filled_export_imports_every_rule_type_with_history(client, sheet):
    assessment, criteria, people = sheet
    client.force_login(people["staff"])
    content = fill(client.get(reverse("sheet_export", args=[assessment.pk])).content, GOOD_ROWS)
    content = fill(content, {"1.3": {"Giải thích": "Có biên bản kiểm tra"}})
    response = post_file(client, assessment, content)
    assert response.status_code == 302
    assert response.url == reverse("assessment_sheet", args=[assessment.pk])
    page = client.get(response.url).content.decode()
    assert "Đã nhập 6 tiêu chí từ tệp Excel." in page
    scores = {s.criterion.code: s for s in Score.objects.filter(assessment=assessment).select_related("criterion")}
    assert {code: score.points for code, score in scores.items()} == GOOD_POINTS
    assert scores["1.1.2"].percent == Decimal("92.5")
    assert scores["1.3"].is_yes is True
    assert scores["1.3"].explanation == "Có biên bản kiểm tra"
    assert scores["2.2"].occurrences == 1
    assert {score.stage for score in scores.values()} == {Stage.SELF}
    changes = ScoreChange.objects.select_related("score__criterion")
    assert sorted((c.score.criterion.code, c.actor, c.old_points, c.new_points) for c in changes) == sorted(
        (code, people["staff"], None, points) for code, points in GOOD_POINTS.items()
    )


def test_reimporting_the_same_values_changes_nothing_and_says_so(client, sheet):
    assessment, criteria, people = sheet
    client.force_login(people["staff"])
    post_file(client, assessment, fill(sheet_export(assessment=assessment), GOOD_ROWS))
    assert ScoreChange.objects.count() == 6
    response = post_file(client, assessment, sheet_export(assessment=assessment))
    assert "Tệp Excel không có thay đổi nào so với phiếu trên cổng." in client.get(response.url).content.decode()
    assert ScoreChange.objects.count() == 6
    assert set(Score.objects.values_list("version", flat=True)) == {1}


def test_import_updates_existing_scores_with_their_version_and_skips_blank_rows(sheet):
    assessment, criteria, people = sheet
    record(assessment, criteria["2.1"], people["staff"], value=Decimal("1"))
    record(assessment, criteria["2.2"], people["staff"], occurrences=2)
    content = fill(
        sheet_export(assessment=assessment),
        {"2.1": {"Điểm": 1.5}, "2.2": {"Số lần vi phạm": None}},  # 2.2 emptied entirely: kept as it is
    )
    result = sheet_import(actor=people["head"], assessment=assessment, file=content)
    assert (result.changed, result.unchanged, result.skipped) == (1, 0, 6)
    score = Score.objects.get(criterion=criteria["2.1"])
    assert (score.points, score.version, score.updated_by) == (Decimal("1.5"), 2, people["head"])
    change = ScoreChange.objects.filter(score=score).first()
    assert (change.old_points, change.new_points, change.actor) == (Decimal("1"), Decimal("1.5"), people["head"])
    assert Score.objects.get(criterion=criteria["2.2"]).points == Decimal("0.5")


def test_not_applicable_imports_with_its_reason(sheet):
    assessment, criteria, people = sheet
    content = fill(sheet_export(assessment=assessment), {"1.3": {"Không áp dụng (x)": "X", "Giải thích": "Không có"}})
    assert sheet_import(actor=people["staff"], assessment=assessment, file=content).changed == 1
    score = Score.objects.get(criterion=criteria["1.3"])
    assert (score.is_not_applicable, score.points, score.explanation) == (True, None, "Không có")


@pytest.mark.parametrize(
    "word,is_yes", [("Đúng", True), ("1", True), (1, True), ("x", True), ("Sai", False), ("không", False), (0, False)]
)
def test_the_yes_no_column_reads_the_yes_no_words_of_every_import(sheet, word, is_yes):
    # the framework import took "đúng" while this import refused it: one vocabulary now (scoring.text)
    assessment, criteria, people = sheet
    content = fill(sheet_export(assessment=assessment), {"1.3": {"Có/Không": word}})
    assert sheet_import(actor=people["staff"], assessment=assessment, file=content).changed == 1
    score = Score.objects.get(criterion=criteria["1.3"])
    assert (score.is_yes, score.points) == (is_yes, Decimal("1") if is_yes else Decimal("0"))


def test_a_percent_typed_with_the_percent_sign_in_excel_is_read_as_typed(sheet):
    assessment, criteria, people = sheet
    workbook = workbook_of(sheet_export(assessment=assessment))
    cell = workbook["Tu danh gia"].cell(LINE["1.1.2"], HEADERS.index("Tỷ lệ %") + 1, 0.75)
    cell.number_format = "0%"  # what Excel stores when someone types 75%
    output = io.BytesIO()
    workbook.save(output)
    sheet_import(actor=people["staff"], assessment=assessment, file=output.getvalue())
    score = Score.objects.get(criterion=criteria["1.1.2"])
    assert (score.percent, score.points) == (Decimal("75"), Decimal("1"))


BAD_ROWS = [
    pytest.param({"2.1": {"Điểm": "1,6"}}, [], "Dòng 9 (mã 2.1): Điểm phải từ 0 đến 1,5.", id="out-of-range"),
    pytest.param({"2.1": {"Điểm": 0.3}}, [], "Dòng 9 (mã 2.1): Điểm phải là bội số của 0,25.", id="wrong-step"),
    pytest.param(
        {"1.1.1": {"Mức lựa chọn": "Rất tốt"}},
        [],
        "Dòng 4 (mã 1.1.1): Mức “Rất tốt” không thuộc tiêu chí này; "
        "hãy chọn một trong: Kịp thời; Không kịp thời; Không ban hành.",
        id="unknown-option",
    ),
    pytest.param(
        {},
        [["9.9", "Tiêu chí lạ", None, None, None, None, None, None, 1]],
        "Dòng 12 (mã 9.9): Mã không có trong bộ chỉ số của phiếu này.",
        id="unknown-code",
    ),
    pytest.param(
        {},
        [["2.1", "Lặp lại", None, None, None, None, None, None, 1]],
        "Dòng 12 (mã 2.1): Mã này đã có ở dòng 9; mỗi tiêu chí chỉ được một dòng.",
        id="duplicated-code",
    ),
    pytest.param({"2.1": {"Điểm": "mười"}}, [], "Dòng 9 (mã 2.1): điểm phải là một số.", id="text-in-number"),
    pytest.param({"2.1": {"Điểm": "=1+1"}}, [], "Dòng 9 (mã 2.1): điểm phải là một số.", id="formula"),
    pytest.param(
        {"2.3": {"Điểm": 0.8}},
        [],
        "Dòng 11 (mã 2.3): Điểm điều tra xã hội học do Hội đồng nhập từ kết quả khảo sát, đơn vị không tự chấm.",
        id="survey-is-the-councils",
    ),
    pytest.param(
        {"1.1": {"Điểm": 3}},
        [],
        "Dòng 3 (mã 1.1): Đây là dòng tổng hợp của các tiêu chí con; không nhập điểm ở dòng này.",
        id="inner-node",
    ),
    pytest.param(
        {"1.2": {"Số đạt": 9, "Số yêu cầu": 8}},
        [],
        "Dòng 6 (mã 1.2): Số đạt không được lớn hơn số yêu cầu.",
        id="ratio",
    ),
    pytest.param(
        {"1.3": {"Có/Không": "Chưa rõ"}},
        [],
        "Dòng 7 (mã 1.3): Cột “Có/Không” chỉ nhận “Có”, “Không” hoặc “x” (= Có).",
        id="yes-no-word",
    ),
    pytest.param(
        {"2.2": {"Số lần vi phạm": 1.5}},
        [],
        "Dòng 10 (mã 2.2): Số lần phải là số nguyên không âm.",
        id="fractional-count",
    ),
    pytest.param(
        {"2.1": {"Không áp dụng (x)": "x", "Giải thích": "Không có"}},
        [],
        "Dòng 9 (mã 2.1): Tiêu chí 2.1 không cho phép đánh dấu “không áp dụng”.",
        id="not-applicable",
    ),
    pytest.param(
        {"1.3": {"Không áp dụng (x)": "x"}},
        [],
        "Dòng 7 (mã 1.3): Hãy ghi lý do tiêu chí không áp dụng với đơn vị.",
        id="na-without-reason",
    ),
    pytest.param(
        {"2.1": {"Tỷ lệ %": 50}},
        [],
        "Dòng 9 (mã 2.1): Cột “Tỷ lệ %” không dùng cho cách chấm “Chấm trực tiếp”; hãy để trống ô này.",
        id="wrong-column",
    ),
    pytest.param(
        {"1.1.2": {"Tỷ lệ %": "92,555"}},
        [],
        "Dòng 5 (mã 1.1.2): Cột “Tỷ lệ %” chỉ nhận số có tối đa 2 chữ số sau dấu phẩy.",
        id="decimals",
    ),
    pytest.param(
        {"1.2": {"Số đạt": 1, "Số yêu cầu": 10**12}},
        [],
        "Dòng 6 (mã 1.2): Cột “Số yêu cầu”: số quá lớn.",
        id="too-large",
    ),
    pytest.param({"1.1.1": {"Mã": None, "Mức lựa chọn": "Kịp thời"}}, [], "Dòng 4: Thiếu mã tiêu chí.", id="no-code"),
    pytest.param(
        {"2.1": {"Mã": 2.1}},
        [],
        "Dòng 9 (mã 2.1): Mã phải giữ dạng văn bản như tệp xuất (Excel đã đổi mã thành số thập phân).",
        id="code-as-number",
    ),
]


@pytest.mark.parametrize(("bad", "extra_rows", "message"), BAD_ROWS)
def test_one_bad_row_among_good_ones_saves_nothing(sheet, bad, extra_rows, message):
    assessment, criteria, people = sheet
    record(assessment, criteria["2.1"], people["staff"], value=Decimal("0.5"))
    rows = {code: dict(cells) for code, cells in GOOD_ROWS.items()}
    for code, cells in bad.items():
        rows.setdefault(code, {}).update(cells)
    content = fill(sheet_export(assessment=assessment), rows, extra_rows=extra_rows)
    assert import_errors(assessment, people["staff"], content) == [message]
    assert list(Score.objects.values_list("criterion__code", "points", "version")) == [("2.1", Decimal("0.5"), 1)]
    assert ScoreChange.objects.count() == 1


def test_every_bad_row_is_reported_in_line_order(client, sheet):
    assessment, criteria, people = sheet
    client.force_login(people["staff"])
    content = fill(
        sheet_export(assessment=assessment),
        {**GOOD_ROWS, "1.1.2": {"Tỷ lệ %": 120}, "2.1": {"Điểm": 0.3}, "1.3": {"Có/Không": None}},
        extra_rows=[["9.9", None, None, None, None, None, None, None, 1]],
    )
    content = fill(content, {"1.3": {"Giải thích": "Chưa kiểm tra"}})
    response = post_file(client, assessment, content)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chưa lưu gì: tệp có lỗi, không có thay đổi nào được lưu." in html
    error_list = html.split('data-testid="import-errors">')[1].split("</ul>")[0]
    assert error_list.count("<li>") == 4
    assert (
        html.index("Dòng 5 (mã 1.1.2): Tỷ lệ phải từ 0 đến 100%.")
        < html.index("Dòng 7 (mã 1.3): Hãy chọn Có hoặc Không.")
        < html.index("Dòng 9 (mã 2.1): Điểm phải là bội số của 0,25.")
        < html.index("Dòng 12 (mã 9.9): Mã không có trong bộ chỉ số của phiếu này.")
    )
    assert not Score.objects.exists()
    assert not ScoreChange.objects.exists()


def test_a_file_whose_header_row_was_replaced_is_refused(sheet):
    assessment, criteria, people = sheet
    workbook = workbook_of(sheet_export(assessment=assessment))
    workbook["Tu danh gia"].insert_rows(1)
    workbook["Tu danh gia"]["A1"] = "PHIẾU TỰ ĐÁNH GIÁ"
    output = io.BytesIO()
    workbook.save(output)
    assert import_errors(assessment, people["staff"], output.getvalue()) == [
        "Dòng 1 không phải dòng tiêu đề của phiếu (không thấy cột “Mã”); hãy giữ nguyên dòng 1 như tệp "
        "xuất từ cổng và không chèn thêm dòng nào lên trên."
    ]


def test_a_missing_input_column_is_named(sheet):
    assessment, criteria, people = sheet
    workbook = workbook_of(sheet_export(assessment=assessment))
    workbook["Tu danh gia"].delete_cols(HEADERS.index("Có/Không") + 1)
    output = io.BytesIO()
    workbook.save(output)
    assert import_errors(assessment, people["staff"], output.getvalue()) == [
        "Dòng 1: Thiếu cột “Có/Không”; hãy giữ nguyên dòng tiêu đề của tệp xuất từ cổng."
    ]


def test_columns_are_found_by_their_header_even_when_moved(sheet):
    assessment, criteria, people = sheet
    workbook = workbook_of(fill(sheet_export(assessment=assessment), {"2.1": {"Điểm": "1,5"}}))
    workbook["Tu danh gia"].move_range("A1:A11", cols=20)  # the code column now sits at the far right
    output = io.BytesIO()
    workbook.save(output)
    assert sheet_import(actor=people["staff"], assessment=assessment, file=output.getvalue()).changed == 1
    assert Score.objects.get(criterion=criteria["2.1"]).points == Decimal("1.5")


def test_an_export_imported_without_any_input_is_refused_with_a_clear_message(sheet):
    assessment, criteria, people = sheet
    assert import_errors(assessment, people["staff"], sheet_export(assessment=assessment)) == [
        "Tệp không có dòng tiêu chí nào được điền (từ dòng 2 trở đi)."
    ]


def xlsm(content: bytes) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(output, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("xl/vbaProject.bin", b"\x00macro")
    return output.getvalue()


NOT_XLSX = "Tệp không phải bảng tính Excel (.xlsx) đọc được; hãy dùng tệp xuất từ cổng hoặc lưu lại dưới dạng .xlsx."


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda export: "Mã;Điểm\n2.1;1\n".encode(), NOT_XLSX),
        (lambda export: b"PK\x03\x04 not really a zip", NOT_XLSX),
        (lambda export: _zip_with("word/document.xml", b"<w/>"), NOT_XLSX),
        (
            lambda export: b"\xd0\xcf\x11\xe0" + b"\x00" * 100,
            "Tệp .xls (Excel 97–2003) hoặc tệp Excel có đặt mật khẩu không được hỗ trợ; "
            "hãy bỏ mật khẩu và lưu lại dưới dạng Excel Workbook (.xlsx).",
        ),
        (
            xlsm,
            "Tệp có chứa macro (VBA). Vì an toàn, cổng không nhận tệp có macro; "
            "hãy lưu lại dưới dạng Excel Workbook (.xlsx) không có macro rồi tải lên.",
        ),
        (
            lambda export: b"PK\x03\x04" + b"\x00" * (5 * 1024 * 1024),
            "Tệp lớn hơn 5 MB; phiếu tự đánh giá không cần tệp lớn như vậy.",
        ),
    ],
    ids=["csv", "broken-zip", "docx", "xls", "xlsm", "oversized"],
)
def test_files_that_are_not_a_plain_xlsx_are_refused(client, sheet, make, message):
    assessment, criteria, people = sheet
    client.force_login(people["staff"])
    response = post_file(client, assessment, make(fill(sheet_export(assessment=assessment), GOOD_ROWS)))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<li>{message}</li>" in html
    assert not Score.objects.exists()


def _zip_with(name: str, data: bytes) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr(name, data)
    return output.getvalue()


def test_after_the_deadline_import_is_refused_and_nothing_changes(client, sheet):
    assessment, criteria, people = sheet
    record(assessment, criteria["2.1"], people["staff"], value=Decimal("0.5"))
    content = fill(sheet_export(assessment=assessment), GOOD_ROWS)
    Period.objects.filter(pk=assessment.period_id).update(
        self_assessment_deadline=timezone.now() - timedelta(minutes=1)
    )
    assessment.refresh_from_db()
    assessment.period.refresh_from_db()
    with pytest.raises(PermissionDenied):
        sheet_import(actor=people["staff"], assessment=assessment, file=content)
    client.force_login(people["staff"])
    assert post_file(client, assessment, content).status_code == 403
    assert client.get(reverse("sheet_import", args=[assessment.pk])).status_code == 403
    assert list(Score.objects.values_list("points", "version")) == [(Decimal("0.5"), 1)]
    assert ScoreChange.objects.count() == 1
    page = client.get(reverse("assessment_sheet", args=[assessment.pk])).content.decode()
    assert "Xuất Excel" in page and "Nhập từ Excel" not in page


def test_after_submission_import_is_refused_and_nothing_changes(client, sheet):
    assessment, criteria, people = sheet
    content = fill(sheet_export(assessment=assessment), GOOD_ROWS)
    Assessment.objects.filter(pk=assessment.pk).update(
        state=Assessment.State.SUBMITTED, submitted_at=timezone.now(), submitted_by=people["head"]
    )
    client.force_login(people["head"])
    assert post_file(client, assessment, content).status_code == 403
    assessment.refresh_from_db()
    with pytest.raises(PermissionDenied):
        sheet_import(actor=people["head"], assessment=assessment, file=content)
    assert not Score.objects.exists()
    assert client.get(reverse("sheet_export", args=[assessment.pk])).status_code == 200


EXPORT_ACCESS = {"staff": 200, "head": 200, "other_staff": 404, "member": 404, "secretary": 200, "leadership": 404}
IMPORT_ACCESS = {"staff": 200, "head": 200, "other_staff": 404, "member": 404, "secretary": 403, "leadership": 404}


@pytest.mark.parametrize("who", EXPORT_ACCESS)
def test_export_and_import_access_matrix(client, sheet, who):
    assessment, criteria, people = sheet
    content = fill(sheet_export(assessment=assessment), GOOD_ROWS)
    client.force_login(people[who])
    assert client.get(reverse("sheet_export", args=[assessment.pk])).status_code == EXPORT_ACCESS[who]
    assert client.get(reverse("sheet_import", args=[assessment.pk])).status_code == IMPORT_ACCESS[who]
    if IMPORT_ACCESS[who] != 200:
        assert post_file(client, assessment, content).status_code == IMPORT_ACCESS[who]
        assert not Score.objects.exists()


def test_anonymous_is_sent_to_login(client, sheet):
    assessment, criteria, people = sheet
    content = fill(sheet_export(assessment=assessment), GOOD_ROWS)
    assert client.get(reverse("sheet_export", args=[assessment.pk])).status_code == 302
    assert post_file(client, assessment, content).status_code == 302
    assert not Score.objects.exists()


def test_the_sheet_page_links_export_for_readers_and_import_for_editors(client, sheet):
    assessment, criteria, people = sheet
    export_link = f'href="{reverse("sheet_export", args=[assessment.pk])}"'
    import_link = f'href="{reverse("sheet_import", args=[assessment.pk])}"'
    client.force_login(people["staff"])
    page = client.get(reverse("assessment_sheet", args=[assessment.pk])).content.decode()
    assert export_link in page and import_link in page
    client.force_login(people["secretary"])
    page = client.get(reverse("assessment_sheet", args=[assessment.pk])).content.decode()
    assert export_link in page and import_link not in page


def test_import_page_shows_the_upload_form(client, sheet):
    assessment, criteria, people = sheet
    client.force_login(people["staff"])
    html = client.get(reverse("sheet_import", args=[assessment.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert "Tệp Excel đã điền (.xlsx)" in html
    assert reverse("sheet_export", args=[assessment.pk]) in html


@pytest.fixture
def wide_sheet():
    """A fresh sheet of a 120-criterion framework (6 areas × 20 levels leaves) and its focal officer."""
    framework = wide_framework(areas=6, leaves_per_area=20)
    unit = UnitFactory(block=framework.block)
    period_open_self_assessment(actor=None, period=framework.period, deadline=timezone.now() + timedelta(days=7))
    assessment = Assessment.objects.select_related("period", "unit", "framework").get(unit=unit)
    return assessment, user_with_role(Role.UNIT_STAFF, unit=unit)


def with_level(assessment, label: str, rows: int) -> bytes:
    """The exported sheet with the level `label` chosen on its first `rows` criteria."""
    workbook = workbook_of(sheet_export(assessment=assessment))
    data = workbook[DATA_SHEET_TITLE]
    leaves = [cell for (cell,) in data.iter_rows(min_row=2, min_col=1, max_col=1) if "." in cell.value]
    for cell in leaves[:rows]:
        data.cell(cell.row, HEADERS.index("Mức lựa chọn") + 1, label)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


@pytest.mark.parametrize("rows", [10, 120])
def test_importing_10_or_120_rows_runs_the_same_12_queries(client, wide_sheet, rows, django_assert_num_queries):
    # given
    assessment, staff = wide_sheet
    client.force_login(staff)
    first, second = with_level(assessment, "Đạt", rows), with_level(assessment, "Không đạt", rows)

    # when: the sheet is imported, then imported again with every row changed.
    # Fixed, whatever the rows: session, user, roles, assessment, criteria, options; then in one transaction
    # (a savepoint and its release in tests) lock the sheet, read its scores, insert the new scores (the second
    # import updates them instead, in one statement), insert their history rows (12).
    with django_assert_num_queries(12):
        assert post_file(client, assessment, first).status_code == 302
    with django_assert_num_queries(12):
        assert post_file(client, assessment, second).status_code == 302

    # then: every row saved twice, each save with its history row
    scores = Score.objects.filter(assessment=assessment)
    assert (scores.count(), set(scores.values_list("points", "version", "updated_by"))) == (
        rows,
        {(Decimal("0"), 2, staff.pk)},
    )
    changes = ScoreChange.objects.filter(score__assessment=assessment, actor=staff)
    assert Counter(changes.values_list("old_points", "new_points")) == {
        (None, Decimal("1")): rows,
        (Decimal("1"), Decimal("0")): rows,
    }


def test_an_imported_change_is_recorded_like_a_save_on_the_page(sheet):
    # given: 2.1 saved on the page an hour ago
    assessment, criteria, people = sheet
    record(assessment, criteria["2.1"], people["staff"], value=Decimal("1"), explanation="Theo báo cáo quý")
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Score.objects.filter(criterion=criteria["2.1"]).update(updated_at=an_hour_ago)
    content = fill(sheet_export(assessment=assessment), {"2.1": {"Điểm": "1,5", "Giải thích": " Theo báo cáo năm "}})

    # when
    sheet_import(actor=people["head"], assessment=assessment, file=content)

    # then: who, when, the old and new values and points, and why, as self_score_record writes them
    score = Score.objects.get(criterion=criteria["2.1"])
    assert (score.value, score.points, score.version, score.updated_by) == (
        Decimal("1.5"),
        Decimal("1.5"),
        2,
        people["head"],
    )
    assert score.updated_at > an_hour_ago
    change = ScoreChange.objects.filter(score=score).first()
    assert (change.actor, change.old_points, change.new_points, change.reason) == (
        people["head"],
        Decimal("1"),
        Decimal("1.5"),
        "Theo báo cáo năm",
    )
    assert change.old_values == {
        "value": "1.00",
        "points": "1.00",
        "is_not_applicable": False,
        "explanation": "Theo báo cáo quý",
    }
    assert change.new_values == {
        "value": "1.50",
        "points": "1.50",
        "is_not_applicable": False,
        "explanation": "Theo báo cáo năm",
    }
    assert change.at > an_hour_ago


def test_a_sheet_exported_from_the_english_interface_imports_back(client, sheet):
    from django.utils import translation

    assessment, criteria, people = sheet
    self_score_record(
        actor=people["staff"],
        assessment=assessment,
        criterion=criteria["1.3"],
        data=ScoreInput(entry=Entry(is_yes=False), explanation="Chưa kiểm tra"),
        expected_version=0,
    )
    with translation.override("en"):
        content = sheet_export(assessment=assessment)
    cells = [row for row in openpyxl.load_workbook(io.BytesIO(content))[DATA_SHEET_TITLE].iter_rows(values_only=True)]
    assert "Không" in next(row for row in cells if row[0] == "1.3")
    result = sheet_import(actor=people["staff"], assessment=assessment, file=content)
    assert (result.changed, Score.objects.get(criterion=criteria["1.3"]).is_yes) == (0, False)
