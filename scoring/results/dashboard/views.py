"""Leadership's pages of a published year: the overview, where points are lost, a unit's story; and the what-if of
a year not yet published."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from scoring.models import Assessment, Criterion, ResultPublication
from scoring.permissions.periods import get_period_for
from scoring.permissions.results import (
    PublicationStamp,
    can_use_what_if,
    get_publication_for_view,
    publication_stamp_for_view,
    what_if_assessments,
)
from scoring.results.dashboard.losses import block_losses, unit_weakest
from scoring.results.dashboard.selectors import publication_overview
from scoring.results.dashboard.whatif import what_if
from scoring.results.exports.data import code_key
from scoring.results.frozen import frozen_part, publication_key, render_around
from scoring.results.history import unit_history
from scoring.results.published import publication_unit_row
from scoring.text import parse_decimal
from units.models import User


def overview_content(stamp: PublicationStamp, *, compact: bool = False) -> bytes:
    """The overview of a publication, a frozen part (scoring/results/frozen.py) rendered once per language and
    variant (the key follows the newest publication of all, as the published page's does: a later year changes no
    figure of this one, but a correction of the previous year changes the comparison)."""

    def build() -> str:
        publication = ResultPublication.objects.select_related("period__authority").get(pk=stamp.pk)
        overview = publication_overview(publication, with_pictures=True)
        return render_to_string(
            "scoring/results/dashboard/_overview.html",
            {"overview": overview, "compact": compact, "period": publication.period, "level": 3 if compact else 2},
        )

    return frozen_part(publication_key(f"overview:{'compact' if compact else 'full'}", stamp), build)


def latest_overview(user: User) -> tuple[int, SafeString] | None:
    """The year and compact overview of the newest published year this user may read (leadership's home)."""
    year = (
        ResultPublication.objects.order_by("-period__year", "-version").values_list("period__year", flat=True).first()
    )
    if year is None:
        return None
    content = overview_content(publication_stamp_for_view(user, year), compact=True).decode()
    return year, mark_safe(content)  # noqa: S308 - the output of our own autoescaping template


def results_overview(request: HttpRequest, year: int) -> HttpResponse:
    """A published year at a glance, per block: the headline figures, one sentence, last year → this year per unit,
    the index bars on an honest axis and the area × unit heat table (public when the year's ranking is). The page is
    rendered around the overview, which is set in as kept: some 500 KB at 200 units that are neither decoded nor
    encoded again per reader (docs/benchmarks.md)."""
    stamp = publication_stamp_for_view(request.user, year)
    context = {"year": year, "period": {"year": year}}
    return render_around(request, "scoring/results/dashboard/overview.html", context, overview_content(stamp))


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


@login_required
def results_what_if(request: HttpRequest, year: int) -> HttpResponse:
    """Before publication, for the secretariat and leadership: a unit's index, rank and band if one criterion's final
    score changed, and the points it lacks for the next rank or band. A GET form: nothing is ever stored."""
    period = get_period_for(request.user, year, can_use_what_if)
    assessments = what_if_assessments(request.user, period).select_related("unit__block", "framework")
    units = list(assessments.order_by("unit__block__position", "unit__position", "unit__name"))
    chosen = _chosen(units, request.GET.get("unit"))
    criteria = (
        list(
            Criterion.objects.filter(framework_id=chosen.framework_id).exclude(rule_type="").order_by("position", "id")
        )
        if chosen
        else []
    )
    criteria.sort(key=lambda criterion: code_key(criterion.code))
    criterion = next((c for c in criteria if str(c.pk) == request.GET.get("criterion")), None)
    result, errors = None, []
    if chosen and criterion and request.GET.get("points", "").strip():
        value = parse_decimal(request.GET["points"])
        if value is None or not value.is_finite():
            errors.append(_("“%(value)s” không phải là số.") % {"value": request.GET["points"]})
        else:
            try:
                result = what_if(period, chosen, criterion, value)
            except ValidationError as error:
                errors += error.messages
    return render(
        request,
        "scoring/results/dashboard/what_if.html",
        {
            "period": period,
            "units": units,
            "chosen": chosen,
            "criteria": criteria,
            "criterion": criterion,
            "points": request.GET.get("points", ""),
            "result": result,
            "errors": errors,
        },
    )


def _chosen(units: list[Assessment], value: str | None) -> Assessment | None:
    return next((assessment for assessment in units if str(assessment.unit_id) == value), None)
