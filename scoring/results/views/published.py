"""Published results (read from the frozen snapshot): the ranking, one unit's result, the heads' accountability,
the commendations, and the list of years."""

from django.db.models import Count, Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string

from scoring.models import (
    Assessment,
    Commendation,
    Period,
    ResultPublication,
    ResultRow,
)
from scoring.permissions.results import (
    PublicationStamp,
    can_manage_results,
    can_view_live_ranking,
    can_view_published,
    get_publication_for_view,
    is_public_period,
    is_results_staff,
    publication_stamp_for_view,
)
from scoring.results.dashboard.selectors import bars_picture
from scoring.results.frozen import frozen_part, publication_key, render_around
from scoring.results.history import heads_accountability, unit_history, year_over_year
from scoring.results.published import publication_rows, publication_unit_row, publication_versions
from scoring.results.statistics import area_averages, block_statistics, unit_area_comparison
from scoring.signing.selectors import annex_document
from units.models import Role, Unit
from units.roles import roles_of


def results_published(request: HttpRequest, year: int, version: int | None = None) -> HttpResponse:
    """The published ranking per block, read from the frozen snapshot (public when the period allows), with the
    change since the previous published year, a bar chart, block statistics and area averages."""
    stamp = publication_stamp_for_view(request.user, year, version)
    return render_around(request, "scoring/results/published.html", {"year": year}, published_content(stamp))


def published_content(stamp: PublicationStamp) -> bytes:
    """The page of a publication (ranking tables, charts, statistics, versions), rendered once per language and
    then served from the cache, so a reader costs one light query (who may see it) and no rendering; the key
    follows later publications (publication_key)."""

    def build() -> str:
        publication = ResultPublication.objects.select_related("period__authority").get(pk=stamp.pk)
        return render_to_string("scoring/results/_published_content.html", _published_context(publication))

    return frozen_part(publication_key("published", stamp), build)


def _published_context(publication: ResultPublication) -> dict:
    rows = list(publication_rows(publication))
    comparison = year_over_year(publication, rows=rows)
    statistics = {item.block_id: item for item in block_statistics(publication, rows=rows, comparison=comparison)}
    areas = area_averages(publication)
    blocks: dict[int, dict] = {}
    for row in rows:
        block = blocks.setdefault(
            row.block_id,
            {"id": row.block_id, "name": row.block_name, "lines": [], "statistics": statistics.get(row.block_id)},
        )
        block["lines"].append((row, comparison.of(row.unit_id)))
    for block in blocks.values():
        block_rows = [row for row, _change in block["lines"]]
        block["has_different_maxima"] = len({row.adjusted_max for row in block_rows}) > 1
        # The index bars on an axis that starts near the data, and says so (the overview's own picture).
        block["chart"] = bars_picture(block_rows, block_name=block["name"], year=publication.period.year)
        block["areas"] = areas.get(block["id"], [])
    return {
        "publication": publication,
        "period": publication.period,
        "blocks": list(blocks.values()),
        "previous": comparison.previous,
        "versions": publication_versions(publication),
        "signed_annex": annex_document(publication),
    }


def results_published_unit(request: HttpRequest, year: int, unit_id: int, version: int | None = None) -> HttpResponse:
    """One unit's published result: every criterion's self and final score with the council's reason, its areas
    against the block average, and its history over the published years.

    Rendered once per publication, unit and language, then served from the cache like the ranking: a reader costs
    one light query (who may see it, whether the unit was published, its name and the code its scorecard link uses).
    """
    stamp = publication_stamp_for_view(request.user, year, version, unit_id=unit_id)
    key = publication_key(f"published-unit:{unit_id}:{stamp.unit_code}", stamp)
    part = frozen_part(key, lambda: _unit_content(stamp, unit_id))
    context = {"year": year, "unit_name": stamp.unit_name}
    return render_around(request, "scoring/results/published_unit.html", context, part)


def _unit_content(stamp: PublicationStamp, unit_id: int) -> str:
    row = publication_unit_row(stamp.pk, unit_id)  # there is one: the stamp said so
    publication = row.publication
    averages = area_averages(publication, block_id=row.block_id).get(row.block_id, [])
    history = unit_history(publication, unit_id)
    return render_to_string(
        "scoring/results/_published_unit_content.html",
        {
            "publication": publication,
            "period": publication.period,
            "row": row,
            "unit_code": stamp.unit_code,
            "areas": unit_area_comparison(row, averages),
            "criteria": list(row.criteria.all()),
            "history": history,
            "change": history[-1].change if history else None,
        },
    )


def results_heads(request: HttpRequest, year: int, version: int | None = None) -> HttpResponse:
    """Heads' accountability: each unit's head next to the unit's index, rank and change over the years."""
    publication = get_publication_for_view(request.user, year, version)
    table = heads_accountability(publication)
    blocks: dict[int, dict] = {}
    for line in table.rows:
        blocks.setdefault(line.block_id, {"name": line.block_name, "lines": []})["lines"].append(line)
    return render(
        request,
        "scoring/results/heads.html",
        {"publication": publication, "period": publication.period, "years": table.years, "blocks": blocks.values()},
    )


def results_index(request: HttpRequest) -> HttpResponse:
    """Every year with published results the visitor may read, and for the council, secretariat and leadership
    the years whose results are still live or preliminary."""
    newer = ResultPublication.objects.filter(period=OuterRef("period"), version__gt=OuterRef("version"))
    publications = [
        publication
        for publication in ResultPublication.objects.exclude(Exists(newer))
        .select_related("period__authority", "period__results_config")
        .annotate(commendation_count=Count("period__commendations"))
        .order_by("-period__year")
        if can_view_published(request.user, is_public=is_public_period(publication.period))
    ]
    live = []
    own_units = []
    if request.user.is_authenticated:
        unpublished = Period.objects.exclude(state__in=[Period.State.DRAFT, Period.State.PUBLISHED]).select_related(
            "authority"
        )
        live = [period for period in unpublished if can_view_live_ranking(request.user, period)]
        unit_ids = roles_of(request.user).unit_ids(Role.UNIT_STAFF, Role.UNIT_HEAD)
        if unit_ids:
            own_units = list(
                Assessment.objects.filter(unit_id__in=unit_ids, period__state=Period.State.PRELIMINARY)
                .select_related("period", "unit")
                .order_by("-period__year", "unit__name")
            )
    return render(
        request,
        "scoring/results/index.html",
        {"publications": publications, "live": live, "own_units": own_units},
    )


def _readable_period(request: HttpRequest, year: int) -> tuple[Period, ResultPublication | None]:
    """A period whose commendations the visitor may read: published ones like the ranking, others for staff."""
    period = get_object_or_404(Period.objects.select_related("authority", "results_config"), year=year)
    publication = period.publications.order_by("-version").first()
    if publication is not None:
        if not can_view_published(request.user, is_public=is_public_period(period)):
            raise Http404
    elif not (is_results_staff(request.user, period) or can_manage_results(request.user, period)):
        raise Http404
    return period, publication


def results_commendations(request: HttpRequest, year: int) -> HttpResponse:
    """Collectives and individuals commended for the year, each linked to its unit's published result."""
    period, publication = _readable_period(request, year)
    published_units = (
        set(ResultRow.objects.filter(publication=publication).values_list("unit_id", flat=True))
        if publication
        else set()
    )
    commendations = list(Commendation.objects.filter(period=period).select_related("unit"))
    can_manage = request.user.is_authenticated and can_manage_results(request.user, period)
    return render(
        request,
        "scoring/results/commendations.html",
        {
            "period": period,
            "publication": publication,
            "collectives": [c for c in commendations if c.kind == Commendation.Kind.COLLECTIVE],
            "individuals": [c for c in commendations if c.kind == Commendation.Kind.INDIVIDUAL],
            "published_units": published_units,
            "can_manage": can_manage,
            "kinds": Commendation.Kind.choices,
            "units": Unit.objects.filter(block__authority=period.authority).select_related("block")
            if can_manage
            else [],
        },
    )
