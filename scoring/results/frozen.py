"""Pages around frozen content (a publication never changes): the frozen part is rendered once per language and
kept as UTF-8 bytes; each request renders only the page around it (the visitor's navigation, language, tokens) and
sets the bytes in, so the large part is neither rendered nor encoded again."""

from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from scoring.permissions.results import PublicationStamp

PLACE = "<!-- the frozen part -->"


def frozen_part(key: str, build: Callable[[], str]) -> bytes:
    """The part kept under `key`, built (and kept without expiry) on the first read."""
    return cache.get_or_set(key, lambda: build().encode(), timeout=None)


def publication_key(kind: str, stamp: PublicationStamp) -> str:
    """The key of a part frozen with a publication, per language. A publication never changes (a correction is a
    new version), but its pages follow other publications (the latest version of the previous year is the
    comparison; the versions of its own year are listed): the key holds the newest publication of all, so any later
    publication builds the part anew."""
    return f"{kind}:{stamp.pk}:{stamp.published_at.timestamp()}:{stamp.newest_pk}:{get_language()}"


def render_around(request: HttpRequest, template_name: str, context: dict, part: bytes) -> HttpResponse:
    """`template_name` rendered with `{{ content }}` standing for `part`."""
    response = render(request, template_name, {**context, "content": mark_safe(PLACE)})  # noqa: S308 - a constant
    response.content = response.content.replace(PLACE.encode(), part, 1)
    return response
