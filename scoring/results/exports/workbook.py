"""The published results as an Excel workbook: ranking and criterion matrix per block, statistics, info."""

import io
import re

from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from scoring.results.exports.data import Block, PublishedResults, by_code
from scoring.spreadsheets import set_text
from scoring.text import localized_number

NOT_APPLICABLE_MARK = "KAD"
NUMBER_FORMAT = "0.00"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
NOT_APPLICABLE_FILL = PatternFill("solid", fgColor="EEEEEE")
SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")


def _set(cell: Cell, value) -> Cell:
    """Write a value; text that starts like a formula is stored as text with Excel's apostrophe."""
    if isinstance(value, str):
        return set_text(cell, value)
    cell.value = value
    if not isinstance(value, bool) and value is not None:
        cell.number_format = NUMBER_FORMAT if not isinstance(value, int) else "0"
    return cell


def _row(sheet: Worksheet, line: int, values: list, *, header: bool = False) -> None:
    for column, value in enumerate(values, start=1):
        cell = _set(sheet.cell(row=line, column=column), value)
        if header:
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")


def _widths(sheet: Worksheet, widths: list[int]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


class _Titles:
    """Sheet titles: at most 31 characters, none of \\ / ? * [ ] :, unique in the workbook."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def __call__(self, text: str) -> str:
        base = SHEET_TITLE_FORBIDDEN.sub("-", text).strip("'")[:31] or "Sheet"
        title, number = base, 2
        while title.lower() in self.used:
            suffix = f" ({number})"
            title, number = base[: 31 - len(suffix)] + suffix, number + 1
        self.used.add(title.lower())
        return title


def ranking_header(results: PublishedResults) -> list[str]:
    header = [
        _("Hạng"),
        _("Mã đơn vị"),
        _("Đơn vị"),
        _("Tổng điểm"),
        _("Điểm tối đa"),
        _("Điểm tối đa sau điều chỉnh"),
        _("Chỉ số (%)"),
        _("Xếp loại"),
        _("Điểm thưởng"),
        _("Điểm trừ"),
        _("Người đứng đầu"),
    ]
    if results.previous_year:
        header += [
            _("Điểm năm %(year)s") % {"year": results.previous_year},
            _("Chỉ số năm %(year)s") % {"year": results.previous_year},
            _("Hạng năm %(year)s") % {"year": results.previous_year},
            _("Thay đổi điểm"),
            _("Thay đổi chỉ số"),
            _("Thay đổi hạng"),
        ]
    return [*header, _("Ghi chú")]


def _ranking_sheet(sheet: Worksheet, results: PublishedResults, block: Block) -> None:
    header = ranking_header(results)
    _row(sheet, 1, header, header=True)
    for line, row in enumerate(block.rows, start=2):
        values = [
            row.rank if row.is_ranked else _("Không xếp hạng"),
            row.unit_code,
            row.unit_name,
            row.points,
            row.max_points,
            row.adjusted_max,
            row.index,
            row.band,
            row.bonus,
            row.penalty,
            row.head_name,
        ]
        if results.previous_year:
            change = row.change
            if change is None or change.is_new:
                values += [_("Mới"), None, None, None, None, None]
            else:
                values += [
                    change.previous_points,
                    change.previous_index,
                    change.previous_rank,
                    change.points_change,
                    change.index_change,
                    change.rank_change,
                ]
        note = row.exclusion_reason if not row.is_ranked else ""
        if row.adjusted_max != row.max_points:
            adjusted = _("Có tiêu chí không áp dụng: điểm tối đa giảm từ %(max)s xuống %(adjusted)s.") % {
                "max": localized_number(row.max_points, 2),
                "adjusted": localized_number(row.adjusted_max, 2),
            }
            note = f"{note} {adjusted}".strip()
        _row(sheet, line, [*values, note])
    sheet.freeze_panes = "D2"
    _widths(sheet, [8, 16, 40, 11, 11, 14, 11, 14, 11, 11, 24] + [13] * (len(header) - 12) + [50])


def _matrix_sheet(sheet: Worksheet, block: Block) -> None:
    maxima = by_code((criterion for row in block.rows for criterion in row.criterion_list), lambda c: c.max_points)
    codes = list(maxima)
    fixed = [_("Mã đơn vị"), _("Đơn vị"), _("Điểm tối đa sau điều chỉnh"), _("Tổng điểm"), _("Chỉ số (%)")]
    _row(sheet, 1, fixed + codes, header=True)
    _row(sheet, 2, [_("Điểm tối đa của tiêu chí"), "", "", "", ""] + [maxima[code] for code in codes])
    for cell in sheet[2]:
        cell.font = Font(italic=True)
    column_of = {code: len(fixed) + number for number, code in enumerate(codes, start=1)}
    line = 2
    for line, row in enumerate(block.rows, start=3):
        _row(sheet, line, [row.unit_code, row.unit_name, row.adjusted_max, row.points, row.index])
        for criterion in row.criterion_list:
            cell = sheet.cell(row=line, column=column_of[criterion.code])
            if criterion.is_not_applicable:
                _set(cell, NOT_APPLICABLE_MARK)
                cell.fill = NOT_APPLICABLE_FILL
                cell.alignment = Alignment(horizontal="center")
            else:
                _set(cell, criterion.final_points)
    legend = [
        _("Điểm từng tiêu chí là điểm thẩm định cuối cùng của Hội đồng."),
        _(
            "%(mark)s: Không áp dụng — tiêu chí không áp dụng với đơn vị; điểm tối đa của đơn vị được trừ điểm "
            "tối đa của tiêu chí này (cột “Điểm tối đa sau điều chỉnh”)."
        )
        % {"mark": NOT_APPLICABLE_MARK},
        _("Ô trống: tiêu chí chưa được thẩm định."),
    ]
    for offset, text in enumerate(legend, start=2):
        _set(sheet.cell(row=line + offset, column=1), text).font = Font(italic=True)
    sheet.freeze_panes = "C3"
    _widths(sheet, [16, 40, 14, 11, 11] + [8] * len(codes))


def _info_sheet(sheet: Worksheet, results: PublishedResults) -> None:
    publication = results.publication
    period = publication.period
    lines = [
        (_("Cơ quan"), period.authority.name),
        (_("Năm đánh giá"), period.year),
        (_("Quyết định số"), publication.decision_number),
        (_("Ngày quyết định"), formats.date_format(publication.decision_date, "SHORT_DATE_FORMAT")),
        (_("Lần công bố"), publication.version),
        (_("Lý do đính chính"), publication.correction_reason),
        (_("Cách xếp hạng"), publication.get_ranking_method_display()),
        (_("Thời điểm công bố"), formats.date_format(publication.published_at, "SHORT_DATETIME_FORMAT")),
        (_("Thời điểm tạo tệp"), formats.date_format(results.generated_at, "SHORT_DATETIME_FORMAT")),
        (_("Số đơn vị"), len(results.rows)),
        (
            _("Ghi chú"),
            _("Chỉ số = tổng điểm / điểm tối đa sau điều chỉnh (trừ các tiêu chí không áp dụng) × 100."),
        ),
    ]
    _set(
        sheet.cell(row=1, column=1),
        _("KẾT QUẢ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM %(year)s") % {"year": period.year},
    ).font = Font(bold=True, size=13)
    for line, (label, value) in enumerate(lines, start=3):
        _set(sheet.cell(row=line, column=1), label).font = HEADER_FONT
        cell = _set(sheet.cell(row=line, column=2), value)
        if isinstance(value, int):
            cell.number_format = "0"
    _widths(sheet, [26, 90])


def _statistics_sheet(sheet: Worksheet, results: PublishedResults) -> None:
    """One column per block: average, median, highest, lowest, gaps, neighbour spreads, improved and declined."""
    blocks = [block for block in results.blocks if block.id in results.statistics]
    _row(sheet, 1, [_("Chỉ tiêu"), *[block.name for block in blocks]], header=True)
    figures = [results.statistics[block.id] for block in blocks]

    def most_improved(item):
        if item.most_improved is None:
            return None
        return f"{item.most_improved.unit_name} (+{localized_number(item.most_improved.change.index_change, 2)})"

    lines = [
        (_("Số đơn vị"), lambda item: item.count),
        (_("Số đơn vị được xếp hạng"), lambda item: item.ranked_count),
        (_("Điểm bình quân"), lambda item: item.average_points),
        (_("Chỉ số bình quân (%)"), lambda item: item.average_index),
        (_("Trung vị điểm"), lambda item: item.median_points),
        (_("Trung vị chỉ số (%)"), lambda item: item.median_index),
        (_("Điểm cao nhất"), lambda item: item.highest_points),
        (_("Điểm thấp nhất"), lambda item: item.lowest_points),
        (_("Chỉ số cao nhất (%)"), lambda item: item.highest_index),
        (_("Chỉ số thấp nhất (%)"), lambda item: item.lowest_index),
        (_("Chênh lệch điểm đơn vị đầu – cuối"), lambda item: item.gap_points),
        (_("Chênh lệch chỉ số đầu – cuối"), lambda item: item.gap_index),
        (_("Chênh lệch điểm đầu – cuối năm trước"), lambda item: item.previous_gap_points),
        (_("Thay đổi chênh lệch điểm đầu – cuối"), lambda item: item.gap_points_change),
        (_("Chênh lệch điểm giữa hai đơn vị liền kề: nhỏ nhất"), lambda item: item.neighbour_points.minimum),
        (_("Chênh lệch điểm giữa hai đơn vị liền kề: lớn nhất"), lambda item: item.neighbour_points.maximum),
        (_("Chênh lệch điểm giữa hai đơn vị liền kề: bình quân"), lambda item: item.neighbour_points.average),
        (_("Số đơn vị tăng chỉ số"), lambda item: item.improved),
        (_("Số đơn vị giảm chỉ số"), lambda item: item.declined),
        (_("Số đơn vị giữ nguyên chỉ số"), lambda item: item.unchanged),
        (_("Số đơn vị mới"), lambda item: item.new_count),
        (_("Đơn vị tăng chỉ số nhiều nhất"), most_improved),
    ]
    line = 1
    for line, (label, value) in enumerate(lines, start=2):
        _set(sheet.cell(row=line, column=1), label).font = HEADER_FONT
        for column, item in enumerate(figures, start=2):
            _set(sheet.cell(row=line, column=column), value(item))
    line += 2
    _set(sheet.cell(row=line, column=1), _("Chỉ số thành phần bình quân theo lĩnh vực (%)")).font = Font(bold=True)
    for block in blocks:
        line += 1
        _row(sheet, line, [block.name, _("Lĩnh vực"), _("Chỉ số bình quân (%)"), _("Ghi chú")], header=True)
        for area in results.area_averages.get(block.id, []):
            line += 1
            note = _("Cao nhất") if area.is_strongest else _("Thấp nhất") if area.is_weakest else ""
            _row(sheet, line, [area.code, area.title, area.average_index, note])
        line += 1
    if results.previous_year:
        _set(
            sheet.cell(row=line + 1, column=1),
            _("So sánh với kết quả công bố năm %(year)s.") % {"year": results.previous_year},
        ).font = Font(italic=True)
    _widths(sheet, [48] + [28] * max(len(blocks), 3))


def year_workbook(publication) -> bytes:
    """The whole year's workbook of one publication (direct download and background build alike)."""
    from scoring.results.exports.data import published_results

    return to_xlsx(published_results(publication, with_criteria=True, with_statistics=True))


def to_xlsx(results: PublishedResults) -> bytes:
    workbook = Workbook()
    titles = _Titles()
    info = workbook.active
    info.title = titles(_("Thông tin"))
    _info_sheet(info, results)
    blocks = results.blocks
    for block in blocks:
        _ranking_sheet(workbook.create_sheet(titles(block.name)), results, block)
    for block in blocks:
        _matrix_sheet(workbook.create_sheet(titles(_("Tiêu chí - %(block)s") % {"block": block.name})), block)
    if results.statistics:
        _statistics_sheet(workbook.create_sheet(titles(_("Thống kê"))), results)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
