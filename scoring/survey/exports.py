"""The anonymised Excel export of a survey's responses: no name, contact, link or network, one row per response."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from scoring.spreadsheets import set_text
from scoring.survey.models import Survey
from scoring.survey.selectors import response_export_rows
from scoring.text import number_text

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")


def export_filename(survey: Survey) -> str:
    return f"phieu-tra-loi-an-danh-{survey.period.year}-{survey.framework.block.code}.xlsx"


def responses_workbook(survey: Survey, *, hidden_units: frozenset[int] = frozenset()) -> bytes:
    """Responses numbered in order within each unit; the database ids are not shown either."""
    questions, responses, answers = response_export_rows(survey)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Phieu tra loi"
    headers = [
        _("Đơn vị"),
        _("Phiếu số"),
        _("Nhóm"),
        _("Ngày gửi"),
        _("Thời gian trả lời (giây)"),
        *[f"{_('Câu')} {question.code}" for question in questions],
        _("Bị loại"),
        _("Lý do loại"),
    ]
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(1, column, header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(column)].width = 30 if column == 1 else 14
    sheet.freeze_panes = "C2"
    numbers: dict[int, int] = {}
    line = 1
    for response in responses:
        if response.unit_id in hidden_units:
            continue
        line += 1
        numbers[response.unit_id] = numbers.get(response.unit_id, 0) + 1
        set_text(sheet.cell(line, 1), response.unit.name)
        sheet.cell(line, 2, numbers[response.unit_id])
        sheet.cell(line, 3, str(response.get_group_display()))
        sheet.cell(line, 4, timezone.localtime(response.submitted_at).strftime("%d/%m/%Y"))
        sheet.cell(line, 5, response.seconds_taken)
        chosen = answers.get(response.pk, {})
        for offset, question in enumerate(questions):
            level = chosen.get(question.pk)
            if level is not None:
                set_text(sheet.cell(line, 6 + offset), level.label)
        sheet.cell(line, 6 + len(questions), _("Có") if response.is_excluded else "")
        set_text(sheet.cell(line, 7 + len(questions)), response.exclusion_reason)
    questions_sheet = workbook.create_sheet("Cau hoi")
    for column, header in enumerate((_("Câu"), _("Câu hỏi"), _("Tiêu chí"), _("Mức trả lời (trọng số %)")), start=1):
        cell = questions_sheet.cell(1, column, header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for line, question in enumerate(questions, start=2):
        questions_sheet.cell(line, 1, question.code)
        set_text(questions_sheet.cell(line, 2), question.text)
        questions_sheet.cell(line, 3, question.criterion.code if question.criterion else "")
        set_text(
            questions_sheet.cell(line, 4),
            "; ".join(f"{level.label} ({number_text(level.weight)})" for level in question.levels.all()),
        )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
