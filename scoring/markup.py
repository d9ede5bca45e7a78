"""HTML for the rows of long tables, written in Python rather than by template nodes.

A table of 120 criteria or 200 units renders each template node once a row, and a node costs microseconds: the
scoresheet's rows (scoring/sheets/rows.py), the appraisal queue's and the survey pages' are filled in here instead,
each word escaped; the two 200-row tables (live results, the council overview's progress) are f-strings whose words
go through the same `escape`.
"""

import html

from django.utils.safestring import SafeString


def format_html(template: str, *args: object, **kwargs: object) -> SafeString:
    """django.utils.html.format_html without the lazy-argument checks of its escape and mark_safe (keep_lazy), which
    cost more than a row's text: each argument escaped unless already safe (conditional_escape), the template
    trusted."""
    if kwargs:
        kwargs = {name: _escaped(arg) for name, arg in kwargs.items()}
    # Safe strings (most arguments: words and numbers escaped once, markup written here) pass without a call.
    return SafeString(template.format(*[arg if type(arg) is SafeString else _escaped(arg) for arg in args], **kwargs))


def escape(text: str) -> SafeString:
    """django.utils.html.escape without its lazy-argument check: for words and numbers escaped once and set into many
    rows."""
    return SafeString(html.escape(text))


def lines(text: str) -> SafeString:
    """The linebreaksbr filter on text that is not already safe: escaped, each line break a <br>."""
    return SafeString(html.escape(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\n", "<br>"))


def _escaped(value: object) -> str:
    kind = type(value)
    if kind is str:
        return html.escape(value)
    if kind is int:  # the ids and counts: nothing to escape
        return str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))
