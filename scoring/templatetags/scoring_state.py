"""How a workflow state looks on a badge: decided here from the models' TextChoices, never by templates comparing
state strings. The label itself is the model's `get_state_display`."""

from django import template
from django.db import models

from scoring.models import Assessment, Period, Survey

register = template.Library()

# Bootstrap colour of each state's badge; a state not listed is "primary" (a phase in progress).
STATE_TONES: dict[type[models.Model], dict[str, str]] = {
    Period: {Period.State.DRAFT: "secondary", Period.State.PUBLISHED: "success"},
    Assessment: {Assessment.State.DRAFT: "secondary", Assessment.State.SUBMITTED: "success"},
    Survey: {
        Survey.State.DRAFT: "warning",
        Survey.State.SCHEDULED: "info",
        Survey.State.OPEN: "success",
        Survey.State.ENDED: "secondary",
        Survey.State.CLOSED: "secondary",
    },
}
DEFAULT_TONE = "primary"


@register.filter
def state_tone(instance: models.Model) -> str:
    """The badge colour of a model instance's state, e.g. `text-bg-{{ period|state_tone }}`."""
    return STATE_TONES.get(type(instance), {}).get(instance.state, DEFAULT_TONE)
