"""The rows of the live results' tables (one a sheet: 200 at a district's scale).

Written here rather than by the template: a row of some thirty template nodes, seven of them figures through
`two_decimals`, took about 100 µs to render, 20 ms of the page at 200 units (three times an empty page); written
here, about 10 µs.
"""

from django import template
from django.conf import settings
from django.utils.formats import get_format, localize
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from scoring.markup import escape
from scoring.results.selectors import LiveBlock
from scoring.templatetags.scoring_format import two_decimals
from scoring.templatetags.scoring_urls import row_url

register = template.Library()

# One row; the figures are digits and the locale's decimal mark (as floatformat's, never escaped), the words are
# escaped where they are filled in.
ROW = (
    '\n    <tr>\n      <td class="numeric">{}</td>\n'
    '      <th scope="row"><a href="{}">{}</a></th>\n'
    '      <td class="numeric">{}</td><td class="numeric">{}</td><td class="numeric">{}</td>\n'
    '      <td class="numeric">{}</td><td class="numeric">{}{}</td>\n'
    "      {}\n"
    '      <td class="numeric">{}</td>\n    </tr>\n  '
)
NOT_APPRAISED = '<td class="numeric">—</td><td>—</td>'


class _Words:
    """What every row of a page shares: its translated words, the locale's decimal mark, how whole numbers read."""

    def __init__(self) -> None:
        self.not_appraised = (
            f'<span class="badge text-bg-secondary" data-testid="not-appraised">{escape(_("chưa thẩm định"))}</span>'
        )
        self.not_ranked = escape(_("Không xếp hạng"))
        self.separator = get_format("DECIMAL_SEPARATOR")
        self.whole = localize if settings.USE_THOUSAND_SEPARATOR else str  # what {{ a whole number }} writes


@register.simple_tag(takes_context=True)
def live_rows(context: template.Context, part: LiveBlock, year: int) -> SafeString:
    """The block's `<tr>`s: rank (or why none), the unit and its live detail's link, criteria points, bonus, penalty,
    total, the maximum after adjustments (and before, when they differ), index and band once appraised, and the
    criteria the council has not scored."""
    words = context.render_context.get("live_rows")
    if words is None:
        words = context.render_context["live_rows"] = _Words()
    separator, whole = words.separator, words.whole
    rows = []
    for row, rank in part.rows:
        if row.is_ranked and part.hidden_count:
            place = "—"
        elif rank:
            place = whole(rank)
        elif not row.is_appraised:
            place = words.not_appraised
        else:
            place = f'<span title="{escape(row.exclusion_reason)}">{words.not_ranked}</span>'
        before_adjustment = (
            f' <span class="small text-muted">/ {two_decimals(row.max_points, separator)}</span>'
            if row.adjusted_max != row.max_points
            else ""
        )
        if row.is_appraised:
            index = two_decimals(row.index, separator) or "—"
            standing = f'<td class="numeric">{index}</td><td>{escape(row.band) if row.band else "—"}</td>'
        else:
            standing = NOT_APPRAISED
        unappraised = row.unappraised_count and f'<span class="text-danger">{whole(row.unappraised_count)}</span>'
        rows.append(
            ROW.format(
                place,
                escape(row_url(context, "results_unit", year, row.unit_id)),
                escape(row.unit.name),
                two_decimals(row.criteria_points, separator),
                two_decimals(row.bonus, separator),
                two_decimals(row.penalty, separator),
                two_decimals(row.points, separator),
                two_decimals(row.adjusted_max, separator),
                before_adjustment,
                standing,
                unappraised,
            )
        )
    return SafeString("".join(rows))
