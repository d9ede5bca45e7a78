"""Leadership's pages of a published year: the overview, where points are lost, a unit's story; and the what-if of
a year not yet published."""

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from scoring.models import ResultPublication
from scoring.permissions.results import PublicationStamp, get_publication_for_view, publication_stamp_for_view
from scoring.results.dashboard.losses import block_losses, unit_weakest
from scoring.results.dashboard.selectors import publication_overview
from scoring.results.history import unit_history
from scoring.results.published import publication_unit_row
from units.models import User


def overview_content(stamp: PublicationStamp, *, compact: bool = False) -> SafeString:
    """The overview of a publication rendered once per language and variant, then served from the cache (the key
    follows the newest publication of all, as the published page's does: a later year changes no figure of this
    one, but a correction of the previous year changes the comparison)."""
    variant = "compact" if compact else "full"
    key = f"overview:{variant}:{stamp.pk}:{stamp.published_at.timestamp()}:{stamp.newest_pk}:{get_language()}"
    html = cache.get(key)
    if html is None:
        publication = ResultPublication.objects.select_related("period__authority").get(pk=stamp.pk)
        overview = publication_overview(publication, with_pictures=True)
        html = render_to_string(
            "scoring/results/dashboard/_overview.html",
            {"overview": overview, "compact": compact, "period": publication.period, "level": 3 if compact else 2},
        )
        cache.set(key, html, timeout=None)
    return mark_safe(html)  # noqa: S308 - the output of our own autoescaping template


def latest_overview(user: User) -> tuple[int, SafeString] | None:
    """The year and compact overview of the newest published year this user may read (leadership's home)."""
    year = (
        ResultPublication.objects.order_by("-period__year", "-version").values_list("period__year", flat=True).first()
    )
    if year is None:
        return None
    return year, overview_content(publication_stamp_for_view(user, year), compact=True)


def results_overview(request: HttpRequest, year: int) -> HttpResponse:
    """A published year at a glance, per block: the headline figures, one sentence, last year → this year per unit,
    the index bars on an honest axis and the area × unit heat table (public when the year's ranking is)."""
    stamp = publication_stamp_for_view(request.user, year)
    return render(
        request,
        "scoring/results/dashboard/overview.html",
        {"year": year, "period": {"year": year}, "content": overview_content(stamp)},
    )


def results_losses(request: HttpRequest, year: int) -> HttpResponse:
    """Where the units of each block lose the most points, with the council's reasons (public like the ranking)."""
    publication = get_publication_for_view(request.user, year)
    return render(
        request,
        "scoring/results/dashboard/losses.html",
        {"publication": publication, "period": publication.period, "blocks": block_losses(publication)},
    )


def results_unit_losses(request: HttpRequest, year: int, unit_id: int) -> HttpResponse:
    """One unit's weakest criteria against its block's average, and its index over the years."""
    publication = get_publication_for_view(request.user, year)
    row = publication_unit_row(publication, unit_id)
    if row is None:
        raise Http404
    return render(
        request,
        "scoring/results/dashboard/unit_losses.html",
        {
            "publication": publication,
            "period": publication.period,
            "row": row,
            "weakest": unit_weakest(publication, row),
            "history": unit_history(publication, unit_id),
        },
    )
