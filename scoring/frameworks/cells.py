"""The cells of a framework's workbook, written and read: text that never runs as a formula, codes, points, yes/no
flags, rule types and the option lists (“0,5 : Không kịp thời”). Parsed strictly; each refusal names the column."""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import tablib
from django.utils.translation import gettext as _
from import_export import widgets

from evidence.workbooks import Row
from scoring.models import Criterion, RuleType
from scoring.text import number_text, parse_decimal, parse_yes_no

HEADER_LINE = 1  # every import-export worksheet has its column names on line 1
FORMULA_STARTS = ("=", "+", "-", "@")
NUMBER = re.compile(r"^\d+([.,]\d+)?$")  # typed in a text cell: 0,5 or 0.5, no sign, no exponent
POINTS_LIMIT = Decimal("100000")  # max_digits=7, decimal_places=2
STEP_LIMIT = Decimal("100")  # max_digits=4, decimal_places=2


def header_problems(headers: Iterable[Any] | None, *, required: Iterable[str], columns: list[str]) -> list[str]:
    """The header line (line 1) of an import-export worksheet: missing required columns, columns the format does
    not know (often a typo) and repeated columns, each named."""
    names = [restore_text(header) for header in headers or []]
    known = set(columns)
    problems = [
        _("Dòng %(line)s: thiếu cột “%(column)s”.") % {"line": HEADER_LINE, "column": column}
        for column in required
        if column not in names
    ]
    problems += [
        _("Dòng %(line)s: cột “%(column)s” không thuộc mẫu; các cột hợp lệ: %(columns)s.")
        % {"line": HEADER_LINE, "column": name, "columns": ", ".join(columns)}
        for name in names
        if name and name not in known
    ]
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    problems += [
        _("Dòng %(line)s: cột “%(column)s” bị lặp.") % {"line": HEADER_LINE, "column": name} for name in repeated
    ]
    return problems


def problems_by_line(resource: Any, result: Any) -> list[tuple[int, str]]:
    """The problems of every row of an import-export result, in the order of their Excel lines (a row's own
    problems keep their column order); the resource maps a row's number to its line (`line_of`)."""
    by_line: list[tuple[int, str]] = []
    for invalid in result.invalid_rows:
        line = resource.line_of(invalid.number)
        by_line += [(line, message) for messages in invalid.error_dict.values() for message in messages]
    for error_row in result.error_rows:
        line = resource.line_of(error_row.number)
        by_line += [(line, _("không lưu được (%(error)s).") % {"error": error.error}) for error in error_row.errors]
    return sorted(by_line, key=lambda item: item[0])


def neutralise_formula(text: str) -> str:
    """Make spreadsheet programs show user text as text, never run it as a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def restore_text(value: Any) -> str:
    """Read a text cell: undo our formula neutralisation, trim, and store Unicode in NFC form."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return text


def worksheet_dataset(rows: list[Row]) -> tablib.Dataset:
    """A worksheet's rows as django-import-export reads them: the names on line 1 as headers, and each later line
    cut or padded to as many cells."""
    headers = [("" if value is None else str(value)) for value in (rows[0][1] if rows else ())]
    dataset = tablib.Dataset(headers=headers or None)
    for _line, values in rows[1:]:
        dataset.append(tuple(values[: len(headers)]) + (None,) * (len(headers) - len(values)))
    return dataset


def drop_blank_rows(dataset: Any) -> list[int]:
    """Read the headers as text and delete the rows whose cells are all blank; return the Excel line of each row
    kept, so that problems can still name the line the secretary sees."""
    dataset.headers = [restore_text(header) for header in dataset.headers]
    lines = []
    blank = []
    for index, values in enumerate(dataset):
        if all(restore_text(value) == "" for value in values):
            blank.append(index)
        else:
            lines.append(index + HEADER_LINE + 1)
    for index in reversed(blank):
        del dataset[index]
    return lines


def read_cells(resource: Any, instance: Any, row: dict, **kwargs: Any) -> tuple[list[str], set[str]]:
    """Read every cell of a row into the instance, going on past a cell that cannot be read: the problems of
    those cells, and the attributes they were meant for (which the row's own checks then leave alone)."""
    problems: list[str] = []
    unreadable: set[str] = set()
    for resource_field in resource.get_import_fields():
        try:
            resource.import_field(resource_field, instance, row, **kwargs)
        except ValueError as error:
            problems.append(str(error))
            unreadable.add(resource_field.attribute)
    return problems, unreadable


def parse_number(text: str) -> Decimal | None:
    """A non-negative number written with a dot or a comma; None when it is not one."""
    text = text.strip()
    return parse_decimal(text) if NUMBER.match(text) else None


def cell_number(value: Any) -> Decimal | None:
    """A number cell as Excel gives it (int, float) or as typed text (“0,5”); None when it is not one."""
    if isinstance(value, bool | int | float | Decimal):
        return parse_decimal(value)
    text = restore_text(value)
    number = parse_number(text.removeprefix("-"))
    return None if number is None else -number if text.startswith("-") else number


def has_two_decimals_at_most(number: Decimal) -> bool:
    return number == number.quantize(Decimal("0.01"))


class TextWidget(widgets.Widget):
    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> str:
        return restore_text(value)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return neutralise_formula(value or "")


class CodeWidget(widgets.Widget):
    """Codes are text (“1.10”), but Excel turns a typed 1.2 into a number and 1 into 1.0."""

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> str:
        if isinstance(value, float):
            return f"{value:g}"
        return restore_text(value)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value or ""


class PointsWidget(widgets.Widget):
    """A positive number of points with at most two decimals; exported as a real Excel number."""

    def __init__(self, column: str, limit: Decimal = POINTS_LIMIT) -> None:
        super().__init__(coerce_to_string=False)
        self.column = column
        self.limit = limit

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> Decimal | None:
        if value is None or restore_text(value) == "":
            return None
        number = cell_number(value)
        if number is None:
            raise ValueError(
                _("“%(column)s” là “%(value)s”, không phải là số.") % {"column": self.column, "value": value}
            )
        if number <= 0:
            raise ValueError(_("“%(column)s” phải lớn hơn 0.") % {"column": self.column})
        if not has_two_decimals_at_most(number):
            raise ValueError(_("“%(column)s” chỉ được có tối đa 2 chữ số thập phân.") % {"column": self.column})
        if number >= self.limit:
            raise ValueError(
                _("“%(column)s” phải nhỏ hơn %(limit)s.") % {"column": self.column, "limit": number_text(self.limit)}
            )
        return number

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> int | float | str:
        if value is None:
            return ""
        return int(value) if value == value.to_integral_value() else float(value)


class FlagWidget(widgets.Widget):
    """Yes/no cells of every import-export workbook: 1/0 on export; on import the yes/no words of every import
    (1, 0, có, không, x …); an empty cell means `blank` (no, unless the column says otherwise)."""

    def __init__(self, column: str, *, blank: bool = False) -> None:
        super().__init__(coerce_to_string=False)
        self.column = column
        self.blank = blank

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> bool:
        try:
            answer = parse_yes_no(restore_text(value) if isinstance(value, str) else value)
        except ValueError:
            raise ValueError(
                _("“%(column)s” là “%(value)s”; hãy ghi 1 (có) hoặc 0 (không).")
                % {"column": self.column, "value": value}
            ) from None
        return self.blank if answer is None else answer

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> int:
        return 1 if value else 0


class RuleTypeWidget(widgets.Widget):
    """The rule's code (levels, bands …) or its Vietnamese label; empty for areas and criteria with children."""

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> str:
        text = restore_text(value)
        if not text:
            return ""
        for rule in RuleType:
            if text.lower() in (rule.value, str(rule.label).lower()):
                return rule.value
        raise ValueError(
            _("Cách chấm “%(value)s” không hợp lệ; hãy dùng một trong: %(codes)s.")
            % {"value": text, "codes": ", ".join(RuleType.values)}
        )

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value or ""


@dataclass(frozen=True)
class ParsedOption:
    label: str
    points: Decimal
    min_percent: Decimal | None = None


def render_options(criterion: Criterion) -> str:
    """One option a line: “<điểm> : <mức>” for levels, “<từ %>% : <điểm> : <mức>” for bands."""
    lines = []
    for option in criterion.options.all():
        line = f"{number_text(option.points)} : {option.label}"
        if criterion.rule_type == RuleType.BANDS and option.min_percent is not None:
            line = f"{number_text(option.min_percent)}% : {line}"
        lines.append(line)
    return "\n".join(lines)


def parse_options(rule_type: str, cell: Any) -> tuple[list[ParsedOption], list[str]]:
    """The options written in one cell, and a message for each line that cannot be read."""
    options: list[ParsedOption] = []
    problems: list[str] = []
    for line in restore_text(cell).splitlines():
        line = line.strip()
        if not line:
            continue
        option = _parse_band(line) if rule_type == RuleType.BANDS else _parse_level(line)
        if option is not None:
            options.append(option)
        elif rule_type == RuleType.BANDS:
            problems.append(
                _(
                    "Khoảng “%(line)s” không đúng dạng “<từ %%>%% : <điểm> : <tên mức>” "
                    "(ví dụ: 90%% : 2 : Từ 90%% trở lên)."
                )
                % {"line": line}
            )
        else:
            problems.append(
                _("Mức “%(line)s” không đúng dạng “<điểm> : <tên mức>” (ví dụ: 0,5 : Không kịp thời).") % {"line": line}
            )
    return options, problems


def _parse_level(line: str) -> ParsedOption | None:
    points, separator, label = line.partition(":")
    number = parse_number(points)
    if not separator or number is None or not label.strip():
        return None
    return ParsedOption(label=label.strip(), points=number)


def _parse_band(line: str) -> ParsedOption | None:
    bound, separator, rest = line.partition(":")
    level = _parse_level(rest)
    percent = parse_number(bound.strip().removesuffix("%"))
    if not separator or level is None or percent is None:
        return None
    return ParsedOption(label=level.label, points=level.points, min_percent=percent)
