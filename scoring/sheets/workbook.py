"""Excel round trip of a unit's self-assessment: export the sheet, fill it offline, import it back all-or-nothing."""

import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import BinaryIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from evidence.workbooks import Limits, read_rows
from scoring.frameworks.selectors import TreeNode, framework_tree
from scoring.models import Assessment, Criterion, RuleType, Score
from scoring.permissions.sheets import can_edit_self_assessment
from scoring.rules import CENT, ENTRY_FIELDS, Entry, input_name, rule_input_names
from scoring.sheets.selectors import sheet_scores
from scoring.sheets.services import ScoreInput, StaleScoreError, points_for, self_scores_import
from scoring.spreadsheets import (
    Column,
    cell_decimal,
    cell_text,
    code_text,
    header_positions,
    is_blank,
    row_cells,
    set_text,
    write_header,
)
from scoring.text import normalised_word, number_text, parse_yes_no
from units.models import User

DATA_SHEET_TITLE = "Tu danh gia"
GUIDE_SHEET_TITLE = "Hướng dẫn"
LISTS_SHEET_TITLE = "Danh muc"
# A sheet has one row per criterion (120–300 in real frameworks) and 15 columns.
LIMITS = Limits(max_rows=2000, max_columns=30)
MAX_EXPLANATION_LENGTH = 5000  # the same limits as the sheet's web form
MAX_REASON_LENGTH = 2000


COLUMNS = (
    Column("code", "Mã", 9),
    Column("title", "Nội dung", 48),
    Column("max_points", "Điểm tối đa", 9),
    Column("rule", "Cách chấm", 34),
    Column("option", "Mức lựa chọn", 26, is_input=True),
    Column("percent", "Tỷ lệ %", 9, is_input=True),
    Column("achieved", "Số đạt", 9, is_input=True),
    Column("required", "Số yêu cầu", 10, is_input=True),
    Column("value", "Điểm", 8, is_input=True),
    Column("is_yes", "Có/Không", 10, is_input=True),
    Column("occurrences", "Số lần vi phạm", 10, is_input=True),
    Column("not_applicable", "Không áp dụng (x)", 11, is_input=True),
    Column("explanation", "Giải thích", 40, is_input=True),
    Column("no_evidence_reason", "Lý do không có tài liệu kiểm chứng", 32, is_input=True),
    Column("points", "Điểm hiện tại (tự tính, không nhập)", 14),
)
COLUMN_INDEX = {column.key: index for index, column in enumerate(COLUMNS, start=1)}
INPUT_KEYS = tuple(column.key for column in COLUMNS if column.is_input)
REQUIRED_KEYS = tuple(column.key for column in COLUMNS if column.key not in ("title", "max_points", "rule", "points"))
ALL_RULE_KEYS = tuple(input_name(field) for field in ENTRY_FIELDS)  # the rule input columns

HEADING_FILL = PatternFill("solid", fgColor="DDEBF7")
UNUSED_FILL = PatternFill("solid", fgColor="EDEDED")
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class ImportResult:
    changed: int  # criteria whose score was created or modified
    unchanged: int  # filled rows equal to what was already saved
    skipped: int  # leaf rows left blank


# ---------------------------------------------------------------------------------------------
# Export


def sheet_export_filename(assessment: Assessment) -> str:
    return f"phieu-tu-danh-gia-{assessment.unit.code}-{assessment.period.year}.xlsx"


def sheet_export(*, assessment: Assessment) -> bytes:
    """The sheet as an .xlsx whose first worksheet has one header row, pre-filled with the current self-scores.

    Reads in a fixed number of queries (tree, options, scores) whatever the framework's size.
    """
    tree = framework_tree(assessment.framework)
    scores = sheet_scores(assessment)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET_TITLE
    lists = workbook.create_sheet(LISTS_SHEET_TITLE)
    lists.sheet_state = "hidden"
    _write_header(sheet)
    yes_no = _validation('"Có,Không"', _("Chỉ nhập “Có” hoặc “Không”."))
    not_applicable = _validation('"x"', _("Chỉ nhập “x” hoặc để trống."))
    sheet.add_data_validation(yes_no)
    sheet.add_data_validation(not_applicable)
    list_row = 0
    for line, node in enumerate(tree.nodes, start=2):
        criterion = node.criterion
        _write_identity(sheet, line, criterion, is_heading=not node.is_leaf)
        if not node.is_leaf:
            continue
        _write_inputs(sheet, line, criterion, scores.get(criterion.id))
        used = rule_input_names(criterion.rule_type)
        if criterion.allows_not_applicable:
            used += ("not_applicable",)
            not_applicable.add(_address("not_applicable", line))
        for key in ALL_RULE_KEYS + ("not_applicable",):
            if key not in used:
                sheet.cell(line, COLUMN_INDEX[key]).fill = UNUSED_FILL
        if criterion.rule_type == RuleType.YES_NO:
            yes_no.add(_address("is_yes", line))
        labels = [option.label for option in criterion.options.all()]
        if criterion.rule_type == RuleType.LEVELS and labels:
            list_row += 1
            for column, label in enumerate(labels, start=1):
                set_text(lists.cell(list_row, column), label)
            source = f"{quote_sheetname(LISTS_SHEET_TITLE)}!$A${list_row}:${get_column_letter(len(labels))}${list_row}"
            levels = _validation(source, _("Hãy chọn một mức trong danh sách."))
            levels.add(_address("option", line))
            sheet.add_data_validation(levels)
    _write_guide(workbook.create_sheet(GUIDE_SHEET_TITLE, index=1), assessment)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _write_header(sheet: Worksheet) -> None:
    write_header(sheet, COLUMNS)
    sheet.row_dimensions[1].height = 45
    sheet.freeze_panes = "C2"  # header row and the code/title columns stay in view


def _write_identity(sheet: Worksheet, line: int, criterion: Criterion, *, is_heading: bool) -> None:
    set_text(sheet.cell(line, COLUMN_INDEX["code"]), criterion.code)
    set_text(sheet.cell(line, COLUMN_INDEX["title"]), criterion.title).alignment = WRAP
    sheet.cell(line, COLUMN_INDEX["max_points"], criterion.max_points.normalize())
    if is_heading:
        for index in range(1, len(COLUMNS) + 1):
            cell = sheet.cell(line, index)
            cell.font = Font(bold=True)
            cell.fill = HEADING_FILL
        return
    set_text(sheet.cell(line, COLUMN_INDEX["rule"]), _rule_hint(criterion)).alignment = WRAP


def _write_inputs(sheet: Worksheet, line: int, criterion: Criterion, score: Score | None) -> None:
    if score is None:
        return

    def put(key: str, value) -> None:
        if value is None or value == "":
            return
        cell = sheet.cell(line, COLUMN_INDEX[key])
        if isinstance(value, str):
            set_text(cell, value).alignment = WRAP
        else:
            cell.value = value.normalize() if isinstance(value, Decimal) else value

    if score.is_not_applicable:
        put("not_applicable", "x")
    else:
        labels = {option.id: option.label for option in criterion.options.all()}
        put("option", labels.get(score.option_id))
        put("percent", score.percent)
        put("achieved", score.achieved)
        put("required", score.required)
        put("value", score.value)
        # "Có"/"Không" are the file format's words (like its column names), whatever the UI language
        put("is_yes", None if score.is_yes is None else ("Có" if score.is_yes else "Không"))
        put("occurrences", score.occurrences)
        put("points", score.points)
    put("explanation", score.explanation)
    put("no_evidence_reason", score.no_evidence_reason)
    sheet.cell(line, COLUMN_INDEX["points"]).font = Font(italic=True, color="595959")


def _rule_hint(criterion: Criterion) -> str:
    hint = criterion.get_rule_type_display()
    options = list(criterion.options.all())
    if criterion.rule_type == RuleType.LEVELS:
        hint += ": " + "; ".join(f"{o.label} = {number_text(o.points)}" for o in options)
    elif criterion.rule_type == RuleType.BANDS:
        bands = sorted((o for o in options if o.min_percent is not None), key=lambda o: o.min_percent, reverse=True)
        hint += ": " + "; ".join(f"từ {number_text(o.min_percent)}% = {number_text(o.points)}" for o in bands)
    elif criterion.rule_type == RuleType.MANUAL:
        hint += " " + _("(bước %(step)s)") % {"step": number_text(criterion.step)}
    elif criterion.rule_type == RuleType.DEDUCTION:
        hint += " " + _("(trừ %(per)s điểm mỗi lần)") % {"per": number_text(criterion.deduction_per_occurrence)}
    if criterion.allows_not_applicable:
        hint += " · " + _("được đánh dấu không áp dụng")
    return hint


def _write_guide(sheet: Worksheet, assessment: Assessment) -> None:
    exported_at = timezone.localtime().strftime("%d/%m/%Y %H:%M")
    lines = [
        (_("Phiếu tự đánh giá chỉ số cải cách hành chính"), True),
        (_("Đơn vị: %(unit)s") % {"unit": assessment.unit.name}, False),
        (_("Năm đánh giá: %(year)s") % {"year": assessment.period.year}, False),
        (_("Bộ chỉ số: %(name)s") % {"name": assessment.framework.name}, False),
        (_("Xuất lúc: %(at)s") % {"at": exported_at}, False),
        ("", False),
        (_("Cách điền"), True),
        (_("1. Chỉ điền ở trang “%(sheet)s”; giữ nguyên dòng tiêu đề và cột Mã.") % {"sheet": DATA_SHEET_TITLE}, False),
        (_("2. Mỗi tiêu chí chỉ điền các ô không tô xám, theo cột “Cách chấm”."), False),
        (_("3. Dòng in đậm là lĩnh vực hoặc tiêu chí có tiêu chí con: không điền điểm ở các dòng này."), False),
        (_("4. Số thập phân dùng dấu phẩy hoặc dấu chấm đều được (ví dụ 92,5)."), False),
        (_("5. Cột “Có/Không” nhận “Có”, “Không” hoặc “x” (= Có)."), False),
        (_("6. Cột “Không áp dụng” chỉ điền “x” ở tiêu chí cho phép, kèm giải thích lý do."), False),
        (_("7. Dòng để trống toàn bộ các ô nhập sẽ không thay đổi điểm đã có trên cổng."), False),
        (_("8. Cột “Điểm hiện tại” chỉ để tham khảo; cổng tự tính lại điểm khi nhập tệp."), False),
        (_("9. Nếu có dòng sai, cổng không lưu dòng nào và báo lỗi theo số dòng để sửa rồi nhập lại."), False),
    ]
    for line, (text, is_bold) in enumerate(lines, start=1):
        cell = set_text(sheet.cell(line, 1), text)
        cell.font = Font(bold=is_bold)
    sheet.column_dimensions["A"].width = 100


def _validation(formula: str, message: str) -> DataValidation:
    validation = DataValidation(type="list", formula1=formula, allow_blank=True)
    validation.showErrorMessage = True
    validation.errorTitle = _("Giá trị không hợp lệ")
    validation.error = message
    return validation


def _address(key: str, line: int) -> str:
    return f"{get_column_letter(COLUMN_INDEX[key])}{line}"


# ---------------------------------------------------------------------------------------------
# Import


def sheet_import(*, actor: User, assessment: Assessment, file: BinaryIO | bytes) -> ImportResult:
    """Save every filled row of an exported sheet, or nothing at all.

    Raises PermissionDenied when the actor may not edit the sheet (locked, submitted, other unit) and
    ValidationError listing every problem as “Dòng N (mã X): …” when any row is wrong.
    """
    if not can_edit_self_assessment(actor, assessment):
        raise PermissionDenied(_("Phiếu tự đánh giá đã khóa hoặc bạn không có quyền sửa."))
    rows = _read_rows(file)
    columns = _columns(next(rows, None))
    tree = framework_tree(assessment.framework)
    parsed, skipped, problems = _parse_rows(rows, columns, {node.criterion.code: node for node in tree.nodes})
    if problems:
        raise ValidationError(problems, code="invalid_rows")
    try:
        changed = self_scores_import(actor=actor, assessment=assessment, rows=parsed)
    except StaleScoreError as stale:
        raise ValidationError(str(stale), code="stale") from None
    return ImportResult(changed=changed, unchanged=len(parsed) - changed, skipped=skipped)


def _read_rows(file: BinaryIO | bytes) -> Iterator[tuple[int, tuple]]:
    """Rows of the data worksheet as (Excel line, values), through the one safe intake for workbooks."""
    return iter(read_rows(file, limits=LIMITS, what=_("phiếu tự đánh giá"), sheet=DATA_SHEET_TITLE))


def _columns(header: tuple[int, tuple] | None) -> dict[str, int]:
    """Map each column key to its 0-based position, found by header text so moved columns still import."""
    columns = header_positions(header, COLUMNS)
    if "code" not in columns:
        raise ValidationError(
            _(
                "Dòng 1 không phải dòng tiêu đề của phiếu (không thấy cột “Mã”); hãy giữ nguyên dòng 1 như tệp "
                "xuất từ cổng và không chèn thêm dòng nào lên trên."
            ),
            code="bad_headers",
        )
    missing = [column.header for column in COLUMNS if column.key in REQUIRED_KEYS and column.key not in columns]
    if missing:
        raise ValidationError(
            [
                _("Dòng 1: Thiếu cột “%(column)s”; hãy giữ nguyên dòng tiêu đề của tệp xuất từ cổng.")
                % {"column": header_text}
                for header_text in missing
            ],
            code="bad_headers",
        )
    return columns


def _parse_rows(
    rows: Iterator[tuple[int, tuple]], columns: dict[str, int], nodes: dict[str, TreeNode]
) -> tuple[list[tuple[Criterion, ScoreInput]], int, list[str]]:
    parsed: list[tuple[Criterion, ScoreInput]] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    skipped = 0
    for line, values in rows:
        cells = row_cells(values, columns)
        has_input = any(not is_blank(cells.get(key)) for key in INPUT_KEYS)
        raw_code = cells["code"]
        if is_blank(raw_code):
            if has_input:
                problems.append(_("Dòng %(line)s: Thiếu mã tiêu chí.") % {"line": line})
            continue
        code = code_text(raw_code)
        shown_code = code or cell_text(raw_code)

        def problem(message: str, line: int = line, shown_code: str = shown_code) -> None:
            problems.append(row_problem(line, shown_code, message))

        if code is None:
            problem(_("Mã phải giữ dạng văn bản như tệp xuất (Excel đã đổi mã thành số thập phân)."))
            continue
        if code in seen:
            problem(_("Mã này đã có ở dòng %(first)s; mỗi tiêu chí chỉ được một dòng.") % {"first": seen[code]})
            continue
        seen[code] = line
        node = nodes.get(code)
        if node is None:
            problem(_("Mã không có trong bộ chỉ số của phiếu này."))
            continue
        if not node.is_leaf:
            if has_input:
                problem(_("Đây là dòng tổng hợp của các tiêu chí con; không nhập điểm ở dòng này."))
            continue
        if not has_input:
            skipped += 1
            continue
        if node.criterion.rule_type == RuleType.SURVEY:
            problem(_("Điểm điều tra xã hội học do Hội đồng nhập từ kết quả khảo sát, đơn vị không tự chấm."))
            continue
        try:
            data = _score_input(node.criterion, cells)
            points_for(node.criterion, data)
        except ValidationError as error:
            problem(" ".join(error.messages))
            continue
        parsed.append((node.criterion, data))
    if not parsed and not problems:
        problems.append(_("Tệp không có dòng tiêu chí nào được điền (từ dòng 2 trở đi)."))
    return parsed, skipped, problems


def row_problem(line: int, code: str, message: str) -> str:
    return _("Dòng %(line)s (mã %(code)s): %(message)s") % {"line": line, "code": code, "message": message}


def _score_input(criterion: Criterion, cells: dict) -> ScoreInput:
    """Turn a row's cells into the service's input; the rule engine then judges the values themselves."""
    used = rule_input_names(criterion.rule_type)
    for key in ALL_RULE_KEYS:
        if key not in used and not is_blank(cells.get(key)):
            raise ValidationError(
                _("Cột “%(column)s” không dùng cho cách chấm “%(rule)s”; hãy để trống ô này.")
                % {"column": COLUMNS[COLUMN_INDEX[key] - 1].header, "rule": criterion.get_rule_type_display()}
            )
    explanation = cell_text(cells.get("explanation"))
    reason = cell_text(cells.get("no_evidence_reason"))
    if len(explanation) > MAX_EXPLANATION_LENGTH:
        raise ValidationError(_("Giải thích dài quá %(max)s ký tự.") % {"max": MAX_EXPLANATION_LENGTH})
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError(
            _("Lý do không có tài liệu kiểm chứng dài quá %(max)s ký tự.") % {"max": MAX_REASON_LENGTH}
        )
    entry = Entry(
        option_id=_option_id(criterion, cells.get("option")),
        percent=_stored_decimal(cells.get("percent"), "percent"),
        achieved=_stored_decimal(cells.get("achieved"), "achieved"),
        required=_stored_decimal(cells.get("required"), "required"),
        value=_stored_decimal(cells.get("value"), "value"),
        is_yes=_yes_no(cells.get("is_yes")),
        occurrences=_count(cells.get("occurrences")),
    )
    return ScoreInput(
        entry=entry,
        is_not_applicable=_not_applicable(cells.get("not_applicable")),
        explanation=explanation,
        no_evidence_reason=reason,
    )


def _option_id(criterion: Criterion, value) -> int | None:
    if is_blank(value):
        return None
    options = list(criterion.options.all())
    wanted = normalised_word(value)
    for option in options:
        if normalised_word(option.label) == wanted:
            return option.id
    raise ValidationError(
        _("Mức “%(label)s” không thuộc tiêu chí này; hãy chọn một trong: %(labels)s.")
        % {"label": cell_text(value), "labels": "; ".join(option.label for option in options)}
    )


def _stored_decimal(value, key: str) -> Decimal | str | None:
    """The number as the database keeps it (two decimals), so re-importing 92.5 over a stored 92.50 is no change."""
    number = cell_decimal(value)
    if not isinstance(number, Decimal) or not number.is_finite():
        return number
    field = Score._meta.get_field(key)
    if abs(number) >= Decimal(10) ** (field.max_digits - field.decimal_places):
        raise ValidationError(_("Cột “%(column)s”: số quá lớn.") % {"column": COLUMNS[COLUMN_INDEX[key] - 1].header})
    if number != number.quantize(CENT, rounding=ROUND_DOWN):
        raise ValidationError(
            _("Cột “%(column)s” chỉ nhận số có tối đa 2 chữ số sau dấu phẩy.")
            % {"column": COLUMNS[COLUMN_INDEX[key] - 1].header}
        )
    return number.quantize(CENT)


def _count(value) -> int | Decimal | str | None:
    number = cell_decimal(value)
    if isinstance(number, Decimal) and number.is_finite() and number == number.to_integral_value():
        return int(number)
    return number


def _yes_no(value) -> bool | None:
    try:
        return parse_yes_no(value)
    except ValueError:
        raise ValidationError(_("Cột “Có/Không” chỉ nhận “Có”, “Không” hoặc “x” (= Có).")) from None


def _not_applicable(value) -> bool:
    try:
        return bool(parse_yes_no(value))
    except ValueError:
        raise ValidationError(_("Cột “Không áp dụng” chỉ nhận “x” hoặc để trống.")) from None
