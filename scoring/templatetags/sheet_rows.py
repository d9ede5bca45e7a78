"""The scoresheet's row builder for templates that show one criterion's evidence box outside the sheet's rows."""

from django import template
from django.utils.safestring import SafeString

from scoring.sheets.rows import SheetRowBuilder

register = template.Library()


@register.simple_tag(takes_context=True)
def evidence_box(context: template.Context) -> SafeString:
    """evidence/_criterion_evidence.html written by the sheet's own builder (scoring/sheets/rows.py), so the box
    an htmx answer swaps in is the box the sheet's row shows."""
    criterion, can_edit = context["criterion"], bool(context.get("can_edit"))
    builder = SheetRowBuilder(
        request=context["request"],
        assessment_pk=context["assessment"].pk,
        can_edit=can_edit,
        options={},
        next_url=context.get("evidence_next") or "",
    )

    def add_forms() -> str:
        forms = context.template.engine.get_template("evidence/_evidence_add_forms.html")
        urls = {
            "upload_url": builder.url("evidence_criterion_upload", builder.assessment_pk, criterion.pk),
            "link_url": builder.url("evidence_criterion_link", builder.assessment_pk, criterion.pk),
        }
        with context.push(key=criterion.pk, shared=False, next_url=builder.next_url, **urls):
            return forms.render(context)

    return builder.evidence_box(
        criterion,
        context.get("links") or [],
        shared_picker=bool(context.get("shared_picker")),
        is_open=bool(context.get("evidence_open")),
        errors=context.get("evidence_errors") or (),
        add_forms=add_forms if can_edit else None,
    )
