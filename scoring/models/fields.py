"""Field conventions shared by the scoring models: points as decimals, who did something."""

from django.conf import settings
from django.db import models

POINTS = {"max_digits": 7, "decimal_places": 2}


def person_field(*, optional: bool = False) -> models.ForeignKey:
    """Who did something (recorded it, sent it, decided it): kept while referenced, no reverse accessor."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=optional, blank=optional, related_name="+"
    )
