"""Links on every row of a long table."""

from django import template
from django.urls import reverse

register = template.Library()

# Stand-ins for the row's ids while the pattern is reversed once; no real id or path has these digits.
MARKERS = (7391204583, 7391204584, 7391204585)


class UrlPatterns:
    """reverse() for a link on each row of a long table: reverse() costs ~20 µs, 4 ms for 200 rows, so each name's
    pattern is reversed once with stand-in ids and each row's ids are filled in. Whole numbers only (ids, years);
    any other argument goes through reverse() as usual."""

    def __init__(self) -> None:
        self._patterns: dict[tuple[str, int], str] = {}  # each name's path as a format string: "/a/{0}/c/{1}/"

    def __call__(self, name: str, *args: object) -> str:
        if len(args) > len(MARKERS) or not all(type(arg) is int for arg in args):
            return reverse(name, args=args)
        pattern = self._patterns.get((name, len(args)))
        if pattern is None:
            pattern = reverse(name, args=MARKERS[: len(args)]).replace("{", "{{").replace("}", "}}")
            for position, marker in enumerate(MARKERS[: len(args)]):
                pattern = pattern.replace(str(marker), f"{{{position}}}")
            self._patterns[name, len(args)] = pattern
        return pattern.format(*args)


@register.simple_tag(takes_context=True)
def row_url(context: template.Context, name: str, *args: object) -> str:
    """`{% url name args %}` for a link on each row of a long table, through the page's one UrlPatterns."""
    patterns = context.render_context.get("row_url")
    if patterns is None:
        patterns = context.render_context["row_url"] = UrlPatterns()
    return patterns(name, *args)
