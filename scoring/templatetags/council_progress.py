"""The rows of the council's progress table (one a sheet: 200 at a district's scale).

Built here rather than by the template: a row of some forty template nodes took 55-60 µs to render even with
every word and figure worked out in Python (UnitRow), 12 ms of the page at 200 units, more than the whole of an
empty page; and format_html, escaping each of a row's twenty pieces through Django's lazy-aware escape, still took
35 µs. Here scoring/markup.py's format_html escapes each piece without those checks: about 8 µs a row.
"""

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from scoring.council.selectors import DaysLeft, UnitRow
from scoring.markup import format_html
from scoring.templatetags.scoring_urls import row_url

register = template.Library()


@register.filter
def days_left(due: DaysLeft) -> SafeString:
    """The days left to a deadline: plain, muted (none), strong (today) or red (overdue)."""
    if due.is_today:
        return format_html('<strong class="{}">{}</strong>', due.css, due.text)
    if due.css:
        return format_html('<span class="{}">{}</span>', due.css, due.text)
    return format_html("{}", due.text)


def _round_one(row: UnitRow) -> SafeString:
    if not row.progress_label:
        return SafeString('<span class="text-muted">—</span>')
    return format_html(
        '<div class="progress" role="progressbar" aria-label="{}" aria-valuenow="{}" aria-valuemin="0" '
        'aria-valuemax="{}"><div class="progress-bar" style="width: {}%"></div></div><span class="small">{}</span>',
        row.progress_label,
        row.round_one,
        row.leaf_count,
        row.progress_percent,
        row.round_one_text,
    )


@register.simple_tag(takes_context=True)
def progress_row(context: template.Context, row: UnitRow) -> SafeString:
    """One `<tr>` of the table: the unit and its sheet's link, the sheet's state, round-1 progress (a labelled
    progress bar), open explanations, and the days left to the sheet's deadline and to the nearest explanation's."""
    late = format_html(' <span class="badge text-bg-danger">{}</span>', _("Nộp muộn")) if row.is_late else ""
    explanations = row.open_explanations or SafeString('<span class="text-muted">0</span>')
    answered = row.answered_text and format_html(' <span class="small text-muted">({})</span>', row.answered_text)
    return format_html(
        '<tr><th scope="row" class="fw-normal"><a href="{}" data-testid="unit-link">{}</a>'
        '<div class="small text-muted">{}</div></th>'
        '<td><span class="badge text-bg-{}">{}</span>{}</td>'
        '<td style="min-width:9rem">{}</td><td>{}{}</td>'
        '<td class="small">{}</td><td class="small">{}</td></tr>',
        row_url(context, "assessment_sheet", row.pk),
        row.unit_name,
        row.block_name,
        row.state_tone,
        row.state_label,
        late,
        _round_one(row),
        explanations,
        answered,
        days_left(row.self_due),
        days_left(row.explanation_due),
    )
