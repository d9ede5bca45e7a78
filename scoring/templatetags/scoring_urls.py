"""Links on every row of a long table."""

from django import template
from django.urls import reverse

register = template.Library()

# Stand-ins for the row's ids while the pattern is reversed once; no real id or path has these digits.
MARKERS = (7391204583, 7391204584, 7391204585)


@register.simple_tag(takes_context=True)
def row_url(context: template.Context, name: str, *args: object) -> str:
    """`{% url name args %}` for a link on each row of a long table: reverse() costs ~20 µs, 4 ms for 200 rows, so
    the page reverses the pattern once with stand-in ids and fills each row's ids in. Whole numbers only (ids,
    years); any other argument goes through reverse() as `{% url %}` would."""
    if len(args) > len(MARKERS) or not all(type(arg) is int for arg in args):
        return reverse(name, args=args)
    patterns = context.render_context.setdefault("row_url", {})
    if (name, len(args)) not in patterns:
        patterns[name, len(args)] = reverse(name, args=MARKERS[: len(args)])
    url = patterns[name, len(args)]
    for marker, arg in zip(MARKERS, args, strict=False):
        url = url.replace(str(marker), str(arg))
    return url
