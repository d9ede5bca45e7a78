"""The framework workbook's other worksheets: bonus and penalty items with their caps, the classification bands,
and the settings (name, caps, ranking, survey) — so that the file carries everything a framework has.

Each worksheet is optional on import: a file without it (an older export, or one the secretary trimmed) leaves
that part as it is. Bands, the ranking method and the survey setting belong to the period; importing a
framework sets them for the whole year, which is where the secretariat decides them anyway.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import tablib
from django.utils.translation import gettext as _

from evidence.workbooks import Row
from scoring.frameworks.cells import (
    POINTS_LIMIT,
    cell_number,
    has_two_decimals_at_most,
    neutralise_formula,
    restore_text,
)
from scoring.frameworks.services import adjustment_problems
from scoring.models import AdjustmentItem, ClassificationBand, Framework, Period, ResultsConfig
from scoring.spreadsheets import row_cells
from scoring.text import number_text, parse_yes_no

ADJUSTMENTS = "Thưởng, trừ"
BANDS = "Xếp loại"
SETTINGS = "Cấu hình"

ADJUSTMENT_HEADERS = ("Loại", "Mã", "Nội dung", "Điểm tối đa")
BAND_HEADERS = ("Từ chỉ số (%)", "Xếp loại")
SETTING_HEADERS = ("Mục", "Giá trị")

YEAR = "Năm đánh giá"
NAME = "Tên bộ chỉ số"
BONUS_CAP = "Điểm thưởng tối đa"
PENALTY_CAP = "Điểm trừ tối đa"
RANKING = "Cách xếp hạng"
SURVEY = "Có điều tra xã hội học"
SETTING_NAMES = (YEAR, NAME, BONUS_CAP, PENALTY_CAP, RANKING, SURVEY)


@dataclass
class Extras:
    """What the other worksheets say, each part None when its worksheet is not in the file."""

    items: list[AdjustmentItem] | None = None
    bands: list[tuple[Decimal, str]] | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Export


def extra_datasets(framework: Framework) -> list[tablib.Dataset]:
    """The three worksheets after the criteria, in the order a reader checks them."""
    period = framework.period
    items = tablib.Dataset(headers=list(ADJUSTMENT_HEADERS), title=ADJUSTMENTS)
    for item in framework.adjustment_items.order_by("kind", "position", "id"):
        title = neutralise_formula(item.title)
        items.append((str(item.get_kind_display()), item.code, title, _number(item.max_points)))
    bands = tablib.Dataset(headers=list(BAND_HEADERS), title=BANDS)
    for band in ClassificationBand.objects.filter(period=period).order_by("-min_index"):
        bands.append((_number(band.min_index), neutralise_formula(band.label)))
    config = ResultsConfig.objects.filter(period=period).first() or ResultsConfig(period=period)
    settings = tablib.Dataset(headers=list(SETTING_HEADERS), title=SETTINGS)
    settings.append((YEAR, period.year))
    settings.append((NAME, neutralise_formula(framework.name)))
    settings.append((BONUS_CAP, _number(framework.bonus_cap)))
    settings.append((PENALTY_CAP, _number(framework.penalty_cap)))
    settings.append((RANKING, config.ranking_method))
    settings.append((SURVEY, 1 if period.has_survey else 0))
    return [items, bands, settings]


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


# ---------------------------------------------------------------------------------------------
# Import: read and check everything first, then apply


def read_extras(sheets: dict[str, list[Row]], framework: Framework) -> Extras:
    extras = Extras()
    if SETTINGS in sheets:
        extras.settings = _settings(sheets[SETTINGS], extras.problems)
    if ADJUSTMENTS in sheets:
        extras.items = _items(sheets[ADJUSTMENTS], framework, extras.problems)
    if BANDS in sheets:
        extras.bands = _bands(sheets[BANDS], extras.problems)
    if extras.items is not None and not extras.problems:
        capped = Framework(
            bonus_cap=extras.settings.get(BONUS_CAP, framework.bonus_cap),
            penalty_cap=extras.settings.get(PENALTY_CAP, framework.penalty_cap),
        )
        extras.problems += [
            _("Trang “%(sheet)s”: %(message)s") % {"sheet": ADJUSTMENTS, "message": message}
            for message in adjustment_problems(capped, extras.items)
        ]
    return extras


def _columns(rows: list[Row], sheet: str, headers: tuple[str, ...], problems: list[str]) -> dict[str, int] | None:
    names = [restore_text(value) for value in (rows[0][1] if rows else ())]
    missing = [header for header in headers if header not in names]
    if missing:
        problems += [
            _("Trang “%(sheet)s”, dòng 1: thiếu cột “%(column)s”.") % {"sheet": sheet, "column": column}
            for column in missing
        ]
        return None
    return {header: names.index(header) for header in headers}


def _cells(rows: list[Row], columns: dict[str, int]):
    """(line, {header: value}) of every line after the header that is not blank."""
    for line, values in rows[1:]:
        cells = row_cells(values, columns)
        if any(restore_text(value) != "" for value in cells.values()):
            yield line, cells


def _problem(problems: list[str], sheet: str, line: int, message: str) -> None:
    problems.append(
        _("Trang “%(sheet)s”, dòng %(line)s: %(message)s") % {"sheet": sheet, "line": line, "message": message}
    )


def _amount(value: Any, column: str, *, allow_zero: bool, limit: Decimal = POINTS_LIMIT) -> tuple[Decimal | None, str]:
    """A number of points (two decimals at most), or the reason it is not one."""
    number = cell_number(value)
    if number is None:
        return None, _("“%(column)s” là “%(value)s”, không phải là số.") % {"column": column, "value": value}
    if number < 0 or (number == 0 and not allow_zero):
        bound = _("không được âm") if allow_zero else _("phải lớn hơn 0")
        return None, _("“%(column)s” %(bound)s.") % {"column": column, "bound": bound}
    if not has_two_decimals_at_most(number):
        return None, _("“%(column)s” chỉ được có tối đa 2 chữ số thập phân.") % {"column": column}
    if number >= limit:
        return None, _("“%(column)s” phải nhỏ hơn %(limit)s.") % {"column": column, "limit": number_text(limit)}
    return number, ""


def _items(rows: list[Row], framework: Framework, problems: list[str]) -> list[AdjustmentItem] | None:
    columns = _columns(rows, ADJUSTMENTS, ADJUSTMENT_HEADERS, problems)
    if columns is None:
        return None
    kinds = {word.casefold(): kind for kind in AdjustmentItem.Kind for word in (kind.value, str(kind.label))}
    items: list[AdjustmentItem] = []
    seen: dict[str, int] = {}
    for line, cells in _cells(rows, columns):
        kind = kinds.get(restore_text(cells["Loại"]).casefold())
        code = _code(cells["Mã"])
        title = restore_text(cells["Nội dung"])
        maximum, reason = _amount(cells["Điểm tối đa"], "Điểm tối đa", allow_zero=False)
        messages = []
        if kind is None:
            kind_text = restore_text(cells["Loại"])
            messages.append(_("“Loại” là “%(value)s”; hãy ghi “Điểm thưởng” hoặc “Điểm trừ”.") % {"value": kind_text})
        if not code:
            messages.append(_("Thiếu “Mã”."))
        elif len(code) > AdjustmentItem._meta.get_field("code").max_length:
            messages.append(_("“Mã” dài quá 20 ký tự."))
        elif code in seen:
            messages.append(_("Mã “%(code)s” trùng với dòng %(other)s.") % {"code": code, "other": seen[code]})
        if not title:
            messages.append(_("Thiếu “Nội dung”."))
        elif len(title) > AdjustmentItem._meta.get_field("title").max_length:
            messages.append(_("“Nội dung” dài quá 500 ký tự."))
        if reason:
            messages.append(reason)
        for message in messages:
            _problem(problems, ADJUSTMENTS, line, message)
        if code:
            seen.setdefault(code, line)
        if not messages:
            items.append(
                AdjustmentItem(
                    framework=framework, kind=kind, code=code, title=title, max_points=maximum, position=len(items)
                )
            )
    return items


def _bands(rows: list[Row], problems: list[str]) -> list[tuple[Decimal, str]] | None:
    columns = _columns(rows, BANDS, BAND_HEADERS, problems)
    if columns is None:
        return None
    bands: list[tuple[Decimal, str]] = []
    seen: dict[Decimal, int] = {}
    for line, cells in _cells(rows, columns):
        minimum, reason = _amount(cells["Từ chỉ số (%)"], "Từ chỉ số (%)", allow_zero=True, limit=Decimal("100.01"))
        label = restore_text(cells["Xếp loại"])
        messages = [reason] if reason else []
        if minimum is not None and minimum in seen:
            messages.append(
                _("Ngưỡng %(value)s%% trùng với dòng %(other)s.")
                % {"value": number_text(minimum), "other": seen[minimum]}
            )
        if not label:
            messages.append(_("Thiếu “Xếp loại”."))
        elif len(label) > ClassificationBand._meta.get_field("label").max_length:
            messages.append(_("“Xếp loại” dài quá 60 ký tự."))
        for message in messages:
            _problem(problems, BANDS, line, message)
        if minimum is not None:
            seen.setdefault(minimum, line)
        if not messages:
            bands.append((minimum, label))
    return sorted(bands, key=lambda band: band[0], reverse=True)


def _settings(rows: list[Row], problems: list[str]) -> dict[str, Any]:
    columns = _columns(rows, SETTINGS, SETTING_HEADERS, problems)
    if columns is None:
        return {}
    settings: dict[str, Any] = {}
    for line, cells in _cells(rows, columns):
        name, value = restore_text(cells["Mục"]), cells["Giá trị"]
        if name not in SETTING_NAMES:
            _problem(
                problems,
                SETTINGS,
                line,
                _("Mục “%(name)s” không có; các mục: %(names)s.") % {"name": name, "names": ", ".join(SETTING_NAMES)},
            )
            continue
        parsed, reason = _setting(name, value)
        if reason:
            _problem(problems, SETTINGS, line, reason)
        else:
            settings[name] = parsed
    return settings


def _setting(name: str, value: Any) -> tuple[Any, str]:
    if name == YEAR:
        year = cell_number(value)
        if year is None or year != year.to_integral_value() or not 2000 <= year <= 2100:
            return None, _("“%(name)s” là “%(value)s”, không phải là một năm.") % {"name": name, "value": value}
        return int(year), ""
    if name == NAME:
        text = restore_text(value)
        if not text:
            return None, _("Thiếu tên bộ chỉ số.")
        if len(text) > Framework._meta.get_field("name").max_length:
            return None, _("Tên bộ chỉ số dài quá 300 ký tự.")
        return text, ""
    if name in (BONUS_CAP, PENALTY_CAP):
        return _amount(value, name, allow_zero=True)
    if name == RANKING:
        text = restore_text(value).casefold()
        for method in ResultsConfig.RankingMethod:
            if text in (method.value, str(method.label).casefold()):
                return method.value, ""
        return None, _("“%(name)s” là “%(value)s”; hãy ghi %(choices)s.") % {
            "name": name,
            "value": restore_text(value),
            "choices": _(" hoặc ").join(f"“{method.value}” ({method.label})" for method in ResultsConfig.RankingMethod),
        }
    try:
        answer = parse_yes_no(restore_text(value) if isinstance(value, str) else value)
    except ValueError:
        answer = None
    if answer is None:
        return None, _("“%(name)s” là “%(value)s”; hãy ghi 1 (có) hoặc 0 (không).") % {"name": name, "value": value}
    return answer, ""


def _code(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return restore_text(value)


def apply_extras(extras: Extras, framework: Framework) -> list[str]:
    """Write what the other worksheets say (already checked); returns what changed, for the audit event."""
    changed: list[str] = []
    settings = dict(extras.settings)
    if NAME in settings and YEAR in settings and settings[YEAR] != framework.period.year:
        # Copied from another year, the name follows this year, as when a framework is cloned.
        settings[NAME] = settings[NAME].replace(str(settings[YEAR]), str(framework.period.year))
    framework_fields = {"name": NAME, "bonus_cap": BONUS_CAP, "penalty_cap": PENALTY_CAP}
    updated = [
        attribute
        for attribute, name in framework_fields.items()
        if name in settings and getattr(framework, attribute) != settings[name]
    ]
    for attribute in updated:
        setattr(framework, attribute, settings[framework_fields[attribute]])
    if updated:
        framework.save(update_fields=updated)
        changed += [framework_fields[attribute] for attribute in updated]
    if extras.items is not None and _items_differ(framework, extras.items):
        framework.adjustment_items.all().delete()
        AdjustmentItem.objects.bulk_create(extras.items)
        changed.append(ADJUSTMENTS)
    period = framework.period
    if SURVEY in settings and period.has_survey != settings[SURVEY]:
        period.has_survey = settings[SURVEY]
        Period.objects.filter(pk=period.pk).update(has_survey=period.has_survey)
        changed.append(SURVEY)
    if RANKING in settings:
        config = ResultsConfig.objects.filter(period=period).first()
        if (config.ranking_method if config else ResultsConfig.RankingMethod.RANK) != settings[RANKING]:
            ResultsConfig.objects.update_or_create(period=period, defaults={"ranking_method": settings[RANKING]})
            changed.append(RANKING)
    if extras.bands is not None:
        stored = list(
            ClassificationBand.objects.filter(period=period).order_by("-min_index").values_list("min_index", "label")
        )
        if stored != extras.bands:
            ClassificationBand.objects.filter(period=period).delete()
            ClassificationBand.objects.bulk_create(
                ClassificationBand(period=period, min_index=minimum, label=label, position=position)
                for position, (minimum, label) in enumerate(extras.bands)
            )
            changed.append(BANDS)
    return changed


def _items_differ(framework: Framework, items: list[AdjustmentItem]) -> bool:
    """Whether the items differ in what they say or in their order (each kind in turn), as the file lists them."""

    def listed(rows) -> list[tuple]:
        return [(item.kind, item.code, item.title, item.max_points) for item in rows]

    stored = listed(framework.adjustment_items.order_by("kind", "position", "id"))
    return stored != listed(sorted(items, key=lambda item: (item.kind, item.position)))
