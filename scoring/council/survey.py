"""Sociological-survey points (điều tra xã hội học): a template per period and an all-or-nothing import
that writes the council's round-1 scores of every survey criterion."""

import io
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from evidence.workbooks import Limits, read_rows
from scoring.models import Assessment, AuditEvent, BlockFinalisation, Criterion, Period, RuleType, Score, Stage
from scoring.permissions.appraisal import APPRAISAL_STATES
from scoring.permissions.council import can_manage_council
from scoring.rules import CENT, Entry
from scoring.sheets.services import ScoreInput, StaleScoreError, score_write
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
from scoring.text import number_text
from units.models import Unit, User

SHEET_TITLE = "Dieu tra XHH"
EXPLANATION = "Nhập từ kết quả điều tra xã hội học"
MAX_NOTE_LENGTH = 1000

# One row per unit and survey criterion: a province of 200 units with 3 criteria is 600 rows.
LIMITS = Limits(max_rows=5000, max_columns=20)


COLUMNS = (
    Column("unit", "Mã đơn vị", 28, is_required=True),
    Column("unit_name", "Tên đơn vị", 34),
    Column("criterion", "Mã tiêu chí", 11, is_required=True),
    Column("criterion_title", "Nội dung tiêu chí", 44),
    Column("max_points", "Điểm tối đa", 10),
    Column("points", "Điểm", 9, is_required=True),
    Column("note", "Ghi chú", 36),
)
INFO_FONT = Font(italic=True, color="595959")


@dataclass(frozen=True)
class SurveyImportResult:
    changed: int
    unchanged: int


def survey_template_filename(period: Period) -> str:
    return f"diem-dieu-tra-xa-hoi-hoc-{period.year}.xlsx"


def _submitted(period: Period):
    return (
        Assessment.objects.filter(period=period, state=Assessment.State.SUBMITTED)
        .select_related("unit__block")
        .order_by("unit__block__position", "unit__position", "unit__name")
    )


def _survey_leaves(period: Period) -> dict[int, list[Criterion]]:
    """Survey leaves of each framework of the period, by framework id, in code order."""
    leaves: dict[int, list[Criterion]] = {}
    for criterion in Criterion.objects.filter(framework__period=period, rule_type=RuleType.SURVEY):
        leaves.setdefault(criterion.framework_id, []).append(criterion)
    for items in leaves.values():
        items.sort(key=lambda criterion: criterion.code_key)
    return leaves


def survey_template(*, period: Period) -> bytes:
    """Every submitted unit × survey criterion, prefilled with the points already imported (four queries)."""
    assessments = list(_submitted(period))
    leaves = _survey_leaves(period)
    current = {
        (score.assessment_id, score.criterion_id): score
        for score in Score.objects.filter(
            assessment__period=period, stage=Stage.ROUND_1, criterion__rule_type=RuleType.SURVEY
        )
    }
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    write_header(sheet, COLUMNS)
    sheet.freeze_panes = "A2"
    line = 1
    for assessment in assessments:
        for criterion in leaves.get(assessment.framework_id, []):
            line += 1
            score = current.get((assessment.pk, criterion.pk))
            set_text(sheet.cell(line, 1), assessment.unit.code)
            set_text(sheet.cell(line, 2), assessment.unit.name).font = INFO_FONT
            set_text(sheet.cell(line, 3), criterion.code)
            set_text(sheet.cell(line, 4), criterion.title).font = INFO_FONT
            sheet.cell(line, 5, criterion.max_points.normalize()).font = INFO_FONT
            if score is not None and score.value is not None:
                sheet.cell(line, 6, score.value.normalize())
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def survey_import(*, actor: User, period: Period, file: BinaryIO | bytes) -> SurveyImportResult:
    """Write the survey points of every row as round-1 scores, or nothing at all.

    Raises PermissionDenied unless the actor manages the council of a period under appraisal, and
    ValidationError listing every problem as “Dòng N: …”.
    """
    if not can_manage_council(actor, period) or period.state not in APPRAISAL_STATES:
        raise PermissionDenied(_("Chỉ Thư ký Hội đồng nhập điểm điều tra xã hội học, trong giai đoạn thẩm định."))
    if not period.has_survey:
        raise ValidationError(
            _(
                "Kỳ đánh giá năm %(year)s không điều tra xã hội học: chỉ số được tính trên điểm tối đa không gồm "
                "phần điều tra, nên không nhập điểm điều tra."
            )
            % {"year": period.year},
            code="no_survey",
        )
    rows = iter(read_rows(file, limits=LIMITS, what=_("bảng điểm điều tra xã hội học")))
    columns = header_positions(next(rows, None), COLUMNS)
    assessments = {
        assessment.unit.code: assessment
        for assessment in Assessment.objects.filter(period=period).select_related("unit")
    }
    known_units = set(Unit.objects.values_list("code", flat=True))
    criteria = _criteria(period)
    finalised = set(BlockFinalisation.objects.filter(period=period).values_list("block_id", flat=True))
    problems: list[str] = []
    parsed: list[tuple[Assessment, Criterion, Decimal, str]] = []
    seen: dict[tuple[str, str], int] = {}
    for line, values in rows:
        cells = row_cells(values, columns)
        if all(is_blank(cells.get(key)) for key in ("unit", "criterion", "points", "note")):
            continue

        def problem(message: str, line: int = line) -> None:
            problems.append(_("Dòng %(line)s: %(message)s") % {"line": line, "message": message})

        unit_code = cell_text(cells.get("unit"))
        criterion_code = code_text(cells.get("criterion")) if not is_blank(cells.get("criterion")) else ""
        if not unit_code:
            problem(_("Thiếu mã đơn vị."))
            continue
        if criterion_code is None:
            problem(_("Mã tiêu chí phải giữ dạng văn bản (Excel đã đổi mã thành số thập phân)."))
            continue
        if not criterion_code:
            problem(_("Thiếu mã tiêu chí."))
            continue
        assessment = assessments.get(unit_code)
        if assessment is None:
            if unit_code in known_units:
                problem(
                    _("Đơn vị “%(unit)s” không có phiếu đánh giá năm %(year)s.")
                    % {"unit": unit_code, "year": period.year}
                )
            else:
                problem(_("Không có đơn vị mã “%(unit)s”.") % {"unit": unit_code})
            continue
        if assessment.state != Assessment.State.SUBMITTED:
            problem(
                _("%(unit)s chưa nộp phiếu tự đánh giá nên chưa nhập được điểm điều tra.") % {"unit": assessment.unit}
            )
            continue
        if assessment.unit.block_id in finalised:
            problem(_("Khối của %(unit)s đã chốt kết quả thẩm định.") % {"unit": assessment.unit})
            continue
        criterion = criteria.get((assessment.framework_id, criterion_code))
        if criterion is None:
            problem(
                _("Tiêu chí “%(code)s” không có trong bộ chỉ số của %(unit)s.")
                % {"code": criterion_code, "unit": assessment.unit}
            )
            continue
        if criterion.rule_type != RuleType.SURVEY:
            problem(
                _("Tiêu chí %(code)s không phải tiêu chí điều tra xã hội học (cách chấm: %(rule)s).")
                % {"code": criterion_code, "rule": criterion.get_rule_type_display() or _("tổng hợp tiêu chí con")}
            )
            continue
        key = (unit_code, criterion_code)
        if key in seen:
            problem(
                _("%(unit)s – tiêu chí %(code)s đã có ở dòng %(first)s; mỗi đơn vị và tiêu chí chỉ một dòng.")
                % {"unit": unit_code, "code": criterion_code, "first": seen[key]}
            )
            continue
        seen[key] = line
        points = cell_decimal(cells.get("points"))
        if points is None:
            problem(_("Chưa nhập điểm."))
            continue
        if not isinstance(points, Decimal) or not points.is_finite():
            problem(_("Điểm “%(value)s” không phải là số.") % {"value": cell_text(cells.get("points"))})
            continue
        if points != points.quantize(CENT):
            problem(_("Điểm %(value)s có quá 2 chữ số thập phân.") % {"value": number_text(points)})
            continue
        if not Decimal(0) <= points <= criterion.max_points:
            problem(
                _("Điểm %(value)s ngoài khoảng 0 đến %(max)s của tiêu chí %(code)s.")
                % {"value": number_text(points), "max": number_text(criterion.max_points), "code": criterion.code}
            )
            continue
        note = cell_text(cells.get("note"))
        if len(note) > MAX_NOTE_LENGTH:
            problem(_("Ghi chú dài quá %(max)s ký tự.") % {"max": MAX_NOTE_LENGTH})
            continue
        parsed.append((assessment, criterion, points.quantize(CENT), note))
    if not parsed and not problems:
        problems.append(_("Tệp không có dòng điểm nào (từ dòng 2 trở đi)."))
    if problems:
        raise ValidationError(problems, code="invalid_rows")
    return _write(actor=actor, period=period, parsed=parsed)


def _criteria(period: Period) -> dict[tuple[int, str], Criterion]:
    return {
        (criterion.framework_id, criterion.code): criterion
        for criterion in Criterion.objects.filter(framework__period=period)
    }


@transaction.atomic
def _write(
    *, actor: User, period: Period, parsed: list[tuple[Assessment, Criterion, Decimal, str]]
) -> SurveyImportResult:
    period = Period.objects.select_for_update().get(pk=period.pk)
    if not can_manage_council(actor, period) or period.state not in APPRAISAL_STATES:
        raise PermissionDenied(_("Chỉ Thư ký Hội đồng nhập điểm điều tra xã hội học, trong giai đoạn thẩm định."))
    ids = {assessment.pk for assessment, *_rest in parsed}
    locked = {
        assessment.pk: assessment
        for assessment in Assessment.objects.select_for_update().select_related("unit").filter(pk__in=ids)
    }
    versions = dict(
        ((score.assessment_id, score.criterion_id), score.version)
        for score in Score.objects.select_for_update().filter(assessment_id__in=ids, stage=Stage.ROUND_1)
    )
    changed = 0
    details = []
    for assessment, criterion, points, note in parsed:
        explanation = f"{EXPLANATION}: {note}" if note else EXPLANATION
        expected = versions.get((assessment.pk, criterion.pk), 0)
        try:
            score = score_write(
                actor=actor,
                assessment=locked[assessment.pk],
                criterion=criterion,
                stage=Stage.ROUND_1,
                data=ScoreInput(entry=Entry(value=points), explanation=explanation),
                expected_version=expected,
            )
        except StaleScoreError as stale:  # cannot happen while we hold the locks; refuse rather than half-save
            raise ValidationError(str(stale), code="stale") from None
        if score.version != expected:
            changed += 1
            details.append({"unit": assessment.unit.code, "criterion": criterion.code, "points": str(points)})
    if changed:
        AuditEvent.objects.create(
            actor=actor,
            action="survey.import",
            period=period,
            summary=_("Nhập %(count)s điểm điều tra xã hội học") % {"count": changed},
            data={"scores": details},
        )
    return SurveyImportResult(changed=changed, unchanged=len(parsed) - changed)
