from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def points(value) -> str:
    """A score as people write it: no trailing zeros, the locale's decimal mark (0,5 in Vietnamese)."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    number = number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()
    return formats.number_format(number)


@register.filter
def get_item(mapping, key):
    """Look a key up in a dict from a template (mapping[key]), None when absent."""
    return mapping.get(key) if mapping else None
