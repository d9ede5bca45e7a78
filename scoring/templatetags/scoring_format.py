from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from scoring.models import RuleType, Score
from scoring.text import localized_number, parse_decimal

register = template.Library()

CENT = Decimal("0.01")


def _shown(value, decimal_places: int | None) -> str:
    if value is None or value == "":
        return "—"
    number = parse_decimal(value)
    if number is None or not number.is_finite():
        return str(value)
    return localized_number(number, decimal_places)


@register.filter
def points(value) -> str:
    """A score as people write it: no trailing zeros, the locale's decimal mark (0,5 in Vietnamese)."""
    return _shown(value, None)


@register.filter
def get_item(mapping, key):
    """Look a key up in a dict from a template (mapping[key]), None when absent."""
    return mapping.get(key) if mapping else None


@register.filter
def figure(value) -> str:
    """An index, a percentage or a change as every page shows them: always two decimals (82,14 · 87,50 · +2,70).

    Scores keep `points` (0,25 and 1, as the framework writes them); computed figures use this one format, so
    neighbouring columns never mix +2,7 with +2,70.
    """
    return _shown(value, 2)


@register.simple_tag
def score_value(score: Score) -> SafeString:
    """What was entered for a criterion and the points it earns ("2 / 3 → <strong>1,33</strong>"), as the sheet and
    the workspace show it; in Python because a 120-row sheet shows it on every row."""
    return format_html("{} → <strong>{}</strong>", score_entry(score), points(score.points))


def score_words() -> dict[str, str]:
    """The words an entered score is written with, in the active language (a builder of many rows keeps them)."""
    return {"not_applicable": _("Không áp dụng"), "yes": _("Có"), "no": _("Không"), "occurrences": _("%(count)s lần")}


def score_entry(score: Score, *, option_label: str | None = None, shown=points, words: dict | None = None) -> str:
    """What was entered for a criterion, unescaped: the chosen level, "2 / 3", "75%", "Có", "2 lần"…

    option_label is the chosen level's label when the caller already holds it; shown and words let a builder of
    many rows pass its remembered numbers and translated words.
    """
    words = words or score_words()
    rule = score.criterion.rule_type
    if score.is_not_applicable:
        return words["not_applicable"]
    if rule == RuleType.LEVELS:
        return score.option_label if option_label is None else option_label
    if rule == RuleType.BANDS:
        return f"{shown(score.percent)}%"
    if rule == RuleType.RATIO:
        return f"{shown(score.achieved)} / {shown(score.required)}"
    if rule == RuleType.YES_NO:
        return words["yes"] if score.is_yes else words["no"]
    if rule == RuleType.DEDUCTION:
        return words["occurrences"] % {"count": score.occurrences}
    return shown(score.value)


@register.filter(is_safe=True)
def two_decimals(value, separator: str | None = None) -> str:
    """Exactly `floatformat:2` (half up, the locale's decimal mark, "" for what is not a number), at a fraction of
    its cost for the decimals and integers a table shows: the live results print 1,400 of them per page.
    `separator` is the locale's decimal mark, for a builder of many rows that looks it up once (templates leave it
    out)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    if not isinstance(value, Decimal) or not value.is_finite() or settings.USE_THOUSAND_SEPARATOR:
        return floatformat(value, 2)
    text = str(value)
    if text[-3:-2] == "." and "E" not in text and text != "-0.00":  # two decimals already (amounts): nothing to round
        return text.replace(".", separator or get_format("DECIMAL_SEPARATOR"))
    try:
        rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than the context holds: floatformat widens the precision
        return floatformat(value, 2)
    if not rounded:
        rounded = abs(rounded)  # floatformat never writes -0.00
    return f"{rounded:f}".replace(".", separator or get_format("DECIMAL_SEPARATOR"))
