"""Points from a unit's inputs, one pure function per rule type.

Kept free of the database so every edge of every rule is cheap to test, and so the sheet,
the appraisal and the results all compute points the same way.
"""

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scoring.models import RuleType
from scoring.text import number_text, parse_decimal

CENT = Decimal("0.01")
LARGEST = Decimal("1e9")
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class Option:
    id: int
    points: Decimal
    min_percent: Decimal | None = None


@dataclass(frozen=True)
class Rule:
    type: str
    max_points: Decimal
    options: Sequence[Option] = ()
    step: Decimal | None = None
    deduction_per_occurrence: Decimal | None = None

    @classmethod
    def of(cls, criterion) -> "Rule":
        """Build from a Criterion whose `options` are prefetched (no query per criterion)."""
        return cls(
            type=criterion.rule_type,
            max_points=criterion.max_points,
            options=tuple(Option(o.id, o.points, o.min_percent) for o in criterion.options.all()),
            step=criterion.step,
            deduction_per_occurrence=criterion.deduction_per_occurrence,
        )


@dataclass(frozen=True)
class Entry:
    """What a person entered for one criterion; which fields matter depends on the rule."""

    option_id: int | None = None
    percent: Decimal | None = None
    achieved: Decimal | None = None
    required: Decimal | None = None
    value: Decimal | None = None
    is_yes: bool | None = None
    occurrences: int | None = None


class InputError(ValidationError):
    """A refused input, naming the Entry field it is about so forms can show it next to that input."""

    def __init__(self, message: str, *, code: str, field: str | None = None):
        super().__init__(message, code=code)
        self.field = field


def _number(value, field: str, field_label: str) -> Decimal:
    if value is None or value == "":
        raise InputError(_("Chưa nhập %(field)s.") % {"field": field_label}, code="required", field=field)
    number = parse_decimal(value)
    if number is None:
        raise InputError(_("%(field)s phải là một số.") % {"field": field_label}, code="invalid", field=field)
    if not number.is_finite():
        raise InputError(_("%(field)s phải là một số hữu hạn.") % {"field": field_label}, code="invalid", field=field)
    if abs(number) >= LARGEST:
        raise InputError(_("%(field)s quá lớn.") % {"field": field_label}, code="invalid", field=field)
    if number != number.quantize(CENT, rounding=ROUND_HALF_UP):
        raise InputError(
            _("%(field)s chỉ được có tối đa 2 chữ số thập phân.") % {"field": field_label}, code="invalid", field=field
        )
    return number.quantize(CENT) if number.as_tuple().exponent < -2 else number


NUMBER_FIELDS = {
    "percent": gettext_lazy("tỷ lệ (%)"),
    "achieved": gettext_lazy("số đạt"),
    "required": gettext_lazy("số yêu cầu"),
    "value": gettext_lazy("điểm"),
    "occurrences": gettext_lazy("số lần"),
}


def normalized(entry: Entry, rule_type: str) -> Entry:
    """The entry ready to store: the inputs its rule reads, numbers parsed (\"92,5\" → Decimal("92.5")); any other
    input sent (a crafted request, a stale form) is dropped rather than stored beside the score."""
    used = RULE_INPUTS.get(rule_type, ())
    entry = replace(entry, **{field: None for field in ENTRY_FIELDS if field not in used})
    values = {}
    for field, label in NUMBER_FIELDS.items():
        raw = getattr(entry, field)
        values[field] = None if raw is None or raw == "" else _number(raw, field, label)
    if values["occurrences"] is not None:
        values["occurrences"] = (
            int(values["occurrences"])
            if values["occurrences"] == values["occurrences"].to_integral_value()
            else values["occurrences"]
        )
    return replace(entry, **values)


def _quantize(points: Decimal) -> Decimal:
    return points.quantize(CENT, rounding=ROUND_HALF_UP)


def compute_points(rule: Rule, entry: Entry) -> Decimal:
    """Return the points the entry earns under the rule, or raise ValidationError saying why not."""
    handler = _HANDLERS.get(rule.type)
    if handler is None:
        raise InputError(_("Tiêu chí này không chấm trực tiếp."), code="not_scorable")
    return _quantize(handler(rule, entry))


def _levels(rule: Rule, entry: Entry) -> Decimal:
    for option in rule.options:
        if option.id == entry.option_id:
            return option.points
    if entry.option_id is None:
        raise InputError(_("Hãy chọn một mức."), code="required", field="option_id")
    raise InputError(_("Mức đã chọn không thuộc tiêu chí này."), code="invalid_choice", field="option_id")


def _bands(rule: Rule, entry: Entry) -> Decimal:
    percent = _number(entry.percent, "percent", _("tỷ lệ (%)"))
    if not Decimal(0) <= percent <= HUNDRED:
        raise InputError(_("Tỷ lệ phải từ 0 đến 100%."), code="out_of_range", field="percent")
    bands = sorted(
        (option for option in rule.options if option.min_percent is not None),
        key=lambda option: option.min_percent,
        reverse=True,
    )
    for band in bands:
        if percent >= band.min_percent:
            return band.points
    return Decimal(0)


def _ratio(rule: Rule, entry: Entry) -> Decimal:
    achieved = _number(entry.achieved, "achieved", _("số đạt"))
    required = _number(entry.required, "required", _("số yêu cầu"))
    if required <= 0:
        raise InputError(_("Số yêu cầu phải lớn hơn 0."), code="out_of_range", field="required")
    if achieved < 0:
        raise InputError(_("Số đạt không được âm."), code="out_of_range", field="achieved")
    if achieved > required:
        raise InputError(_("Số đạt không được lớn hơn số yêu cầu."), code="out_of_range", field="achieved")
    return rule.max_points * achieved / required


def _bounded_value(rule: Rule, entry: Entry) -> Decimal:
    value = _number(entry.value, "value", _("điểm"))
    if not Decimal(0) <= value <= rule.max_points:
        raise InputError(
            _("Điểm phải từ 0 đến %(max)s.") % {"max": number_text(rule.max_points)}, code="out_of_range", field="value"
        )
    return value


def _manual(rule: Rule, entry: Entry) -> Decimal:
    value = _bounded_value(rule, entry)
    if rule.step and value % rule.step != 0:
        raise InputError(
            _("Điểm phải là bội số của %(step)s.") % {"step": number_text(rule.step)}, code="step", field="value"
        )
    return value


def _yes_no(rule: Rule, entry: Entry) -> Decimal:
    if entry.is_yes is None:
        raise InputError(_("Hãy chọn Có hoặc Không."), code="required", field="is_yes")
    return rule.max_points if entry.is_yes else Decimal(0)


def _deduction(rule: Rule, entry: Entry) -> Decimal:
    count = _number(entry.occurrences, "occurrences", _("số lần"))
    if count < 0 or count != count.to_integral_value():
        raise InputError(_("Số lần phải là số nguyên không âm."), code="out_of_range", field="occurrences")
    return max(Decimal(0), rule.max_points - count * rule.deduction_per_occurrence)


# Every input a person can fill in, as Entry and Score name them, in the order the sheet's form and workbook show them.
ENTRY_FIELDS = tuple(field.name for field in fields(Entry))
# The inputs each rule reads: the one table behind the sheet's form, its workbook and the services.
RULE_INPUTS: dict[str, tuple[str, ...]] = {
    RuleType.LEVELS: ("option_id",),
    RuleType.BANDS: ("percent",),
    RuleType.RATIO: ("achieved", "required"),
    RuleType.MANUAL: ("value",),
    RuleType.YES_NO: ("is_yes",),
    RuleType.DEDUCTION: ("occurrences",),
    RuleType.SURVEY: ("value",),
}


def input_name(field: str) -> str:
    """An Entry field's name in forms, workbook columns and error placement: the chosen level is "option"."""
    return field.removesuffix("_id")


def rule_input_names(rule_type: str) -> tuple[str, ...]:
    """The names of the inputs a rule reads, as forms and workbooks call them (empty for a heading)."""
    return tuple(input_name(field) for field in RULE_INPUTS.get(rule_type, ()))


_HANDLERS = {
    RuleType.LEVELS: _levels,
    RuleType.BANDS: _bands,
    RuleType.RATIO: _ratio,
    RuleType.MANUAL: _manual,
    RuleType.YES_NO: _yes_no,
    RuleType.DEDUCTION: _deduction,
    RuleType.SURVEY: _bounded_value,
}
