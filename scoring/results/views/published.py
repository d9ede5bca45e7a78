"""Results pages: live results for the secretariat and council, a unit's own detail, and published rankings."""

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from scoring.models import (
    Assessment,
    ClassificationBand,
    Commendation,
    Criterion,
    Objection,
    Period,
    RankingExclusion,
    ResultPublication,
    ResultRow,
    ResultsConfig,
)
from scoring.permissions.results import (
    PublicationStamp,
    can_file_objection,
    can_manage_results,
    can_publish,
    can_release_preliminary,
    can_resolve_objection,
    can_view_live_detail,
    can_view_live_ranking,
    can_view_published,
    get_publication_for_view,
    is_results_staff,
    publication_stamp_for_view,
)
from scoring.results.compute import area_results, criterion_results, results_config, survey_parts
from scoring.results.history import heads_accountability, unit_history, year_over_year
from scoring.results.published import publication_rows, publication_unit_row, publication_versions
from scoring.results.selectors import live_ranking, live_unit_result
from scoring.results.services import (
    classification_bands_replace,
    commendation_add,
    commendation_remove,
    objection_file,
    objection_resolve,
    period_survey_set,
    ranking_exclusion_remove,
    ranking_exclusion_set,
    results_config_update,
    results_publish,
    results_release_preliminary,
)
from scoring.results.statistics import area_averages, block_statistics, unit_area_comparison
from scoring.sheets.forms import ScoreForm
from scoring.signing.selectors import annex_document
from units.models import Role, Unit
from units.roles import roles_of


def _period(year: int) -> Period:
    return get_object_or_404(Period.objects.select_related("authority"), year=year)


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
def results_live(request: HttpRequest, year: int) -> HttpResponse:
    """Every unit's live figures, computed now from the stored scores; not for the units themselves."""
    period = _period(year)
    if not can_view_live_ranking(request.user, period):
        raise Http404
    config = results_config(period)
    ranking = live_ranking(request.user, period, ranking_method=config.ranking_method)
    return render(
        request,
        "scoring/results/live.html",
        {
            "period": period,
            "config": config,
            "rows": ranking.rows,
            "hidden_by_block": ranking.hidden_by_block,
            "pending_objections": ranking.pending_objections,
            "can_release": can_release_preliminary(request.user, period),
            "can_publish": can_publish(request.user, period),
            "is_published": period.state == Period.State.PUBLISHED,
            "can_manage": can_manage_results(request.user, period),
        },
    )


@login_required
def results_unit(request: HttpRequest, year: int, unit_id: int) -> HttpResponse:
    """One unit's live detail: totals, areas and every criterion's self and final score with the reason."""
    period = _period(year)
    assessment = get_object_or_404(
        Assessment.objects.select_related("period", "unit__block", "framework"), period=period, unit_id=unit_id
    )
    if not can_view_live_detail(request.user, assessment):
        raise Http404
    result = live_unit_result(request.user, assessment)
    criteria = sorted(criterion_results(period, assessment_ids=[assessment.pk]), key=lambda c: c.code_key)
    objections = list(
        Objection.objects.filter(assessment=assessment)
        .select_related("criterion", "filed_by", "resolved_by")
        .prefetch_related("criterion__options")
    )
    can_resolve = can_resolve_objection(request.user, assessment)
    for objection in objections:  # the same rule-aware input as the sheet, to re-score an accepted objection
        if can_resolve and objection.state == Objection.State.FILED:
            objection.score_form = ScoreForm(criterion=objection.criterion, prefix=f"o{objection.pk}")
    return render(
        request,
        "scoring/results/unit.html",
        {
            "period": period,
            "assessment": assessment,
            "row": result.row,
            "rank": result.rank,
            "is_rank_withheld": result.is_rank_withheld,
            "areas": list(area_results(period, assessment_ids=[assessment.pk])),
            "criteria": criteria,
            "objections": objections,
            "can_object": can_file_objection(request.user, assessment),
            "can_resolve": can_resolve,
        },
    )


def results_published(request: HttpRequest, year: int, version: int | None = None) -> HttpResponse:
    """The published ranking per block, read from the frozen snapshot (public when the period allows), with the
    change since the previous published year, a bar chart, block statistics and area averages."""
    stamp = publication_stamp_for_view(request.user, year, version)
    return render(request, "scoring/results/published.html", {"year": year, "content": published_content(stamp)})


def published_content(stamp: PublicationStamp) -> str:
    """The page of a publication (ranking tables, charts, statistics, versions), rendered once per language and
    then served from the cache, so a reader costs one light query (who may see it) and no rendering.

    A publication never changes (a correction is a new version), but its page follows other publications: the
    latest version of the previous year (the comparison) and of its own year (the versions listed). The key holds
    the newest publication of all, so any later publication renders the page anew.
    """
    key = f"published:{stamp.pk}:{stamp.published_at.timestamp()}:{stamp.newest_pk}:{get_language()}"
    html = cache.get(key)
    if html is None:
        publication = ResultPublication.objects.select_related("period__authority").get(pk=stamp.pk)
        html = render_to_string("scoring/results/_published_content.html", _published_context(publication))
        cache.set(key, html, timeout=None)
    return mark_safe(html)  # noqa: S308 - the output of our own autoescaping template


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
        block["chart"] = bar_chart(
            block_rows,
            title=_("Chỉ số CCHC năm %(year)s — %(block)s")
            % {
                "year": publication.period.year,
                "block": block["name"],
            },
        )
        block["areas"] = areas.get(block["id"], [])
    return {
        "publication": publication,
        "period": publication.period,
        "blocks": list(blocks.values()),
        "previous": comparison.previous,
        "versions": publication_versions(publication),
        "signed_annex": annex_document(publication),
    }


def bar_chart(rows: list[ResultRow], *, title: str) -> dict:
    """Geometry of a horizontal bar chart of the index per unit (0–100 %), drawn as inline SVG by the template.

    Coordinates are computed here as plain strings (never localised into "12,5") so the template only places
    them; the table beside the chart stays the source of the figures.
    """
    label_width, plot_width, bar_height, gap, top = 250, 430, 16, 6, 22
    bars = []
    for number, row in enumerate(rows):
        index = min(row.index or Decimal(0), Decimal(100))
        width = (index * plot_width / 100).quantize(Decimal("0.1"))
        y = top + number * (bar_height + gap)
        bars.append(
            {
                "label": row.unit_name if len(row.unit_name) <= 36 else row.unit_name[:35] + "…",
                "name": row.unit_name,
                "index": row.index,
                "is_ranked": row.is_ranked,
                "y": str(y),
                "text_y": str(y + bar_height - 4),
                "width": str(width),
                "value_x": str(label_width + width + 4),
            }
        )
    height = top + len(rows) * (bar_height + gap)
    return {
        "title": title,
        "bars": bars,
        "label_x": str(label_width - 6),
        "bar_x": str(label_width),
        "bar_height": str(bar_height),
        "width": str(label_width + plot_width + 50),
        "height": str(height + 4),
        "axis_bottom": str(height),
        "ticks": [
            {"value": value, "x": str(label_width + plot_width * value // 100)} for value in (0, 25, 50, 75, 100)
        ],
    }


def _published_row(publication: ResultPublication, unit_id: int) -> ResultRow:
    row = publication_unit_row(publication, unit_id)
    if row is None:
        raise Http404
    return row


def results_published_unit(request: HttpRequest, year: int, unit_id: int, version: int | None = None) -> HttpResponse:
    """One unit's published result: every criterion's self and final score with the council's reason, its areas
    against the block average, and its history over the published years."""
    publication = get_publication_for_view(request.user, year, version)
    row = _published_row(publication, unit_id)
    averages = area_averages(publication, block_id=row.block_id).get(row.block_id, [])
    history = unit_history(publication, unit_id)
    return render(
        request,
        "scoring/results/published_unit.html",
        {
            "publication": publication,
            "period": publication.period,
            "row": row,
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
        if can_view_published(request.user, is_public=_is_public(publication.period))
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


def _is_public(period: Period) -> bool:
    config = getattr(period, "results_config", None)
    return bool(config and config.is_public)


def _readable_period(request: HttpRequest, year: int) -> tuple[Period, ResultPublication | None]:
    """A period whose commendations the visitor may read: published ones like the ranking, others for staff."""
    period = get_object_or_404(Period.objects.select_related("authority", "results_config"), year=year)
    publication = period.publications.order_by("-version").first()
    if publication is not None:
        if not can_view_published(request.user, is_public=_is_public(period)):
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


@login_required
@require_POST
def results_commendation_add(request: HttpRequest, year: int) -> HttpResponse:
    period = _period(year)
    if not can_manage_results(request.user, period):
        raise Http404
    unit_id = request.POST.get("unit", "")
    unit = get_object_or_404(Unit, pk=unit_id, block__authority=period.authority) if unit_id.isdigit() else None
    try:
        commendation = commendation_add(
            actor=request.user,
            period=period,
            kind=request.POST.get("kind", ""),
            name=request.POST.get("name", "") or (unit.name if unit else ""),
            unit=unit,
            note=request.POST.get("note", ""),
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Đã thêm khen thưởng: %(name)s.") % {"name": commendation.name})
    return redirect("results_commendations", year=year)


@login_required
@require_POST
def results_commendation_remove(request: HttpRequest, pk: int) -> HttpResponse:
    commendation = get_object_or_404(Commendation.objects.select_related("period"), pk=pk)
    year = commendation.period.year
    if not can_manage_results(request.user, commendation.period):
        raise Http404
    name = commendation.name
    commendation_remove(actor=request.user, commendation=commendation)
    messages.success(request, _("Đã xoá khen thưởng: %(name)s.") % {"name": name})
    return redirect("results_commendations", year=year)


def _bands_from(post) -> list[tuple[Decimal, str]]:
    bands = []
    count = min(int(post["band_count"]), 20) if post.get("band_count", "").isdigit() else 0
    for number in range(count):
        minimum, label = post.get(f"band_min_{number}", "").strip(), post.get(f"band_label_{number}", "").strip()
        if not minimum and not label:
            continue
        value = _decimal(minimum)
        if value is None:
            raise ValidationError(_("Hãy nhập ngưỡng chỉ số cho mức “%(label)s”.") % {"label": label})
        bands.append((value, label))
    return bands


@login_required
def results_settings(request: HttpRequest, year: int) -> HttpResponse:
    """The secretariat's results settings: ranking rule, public access, classification bands, units not ranked (and
    ranked again)."""
    period = _period(year)
    if not can_manage_results(request.user, period):
        raise Http404
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "config":
                results_config_update(
                    actor=request.user,
                    period=period,
                    ranking_method=request.POST.get("ranking_method", ""),
                    is_public=request.POST.get("is_public") == "on",
                )
                messages.success(request, _("Đã lưu cách xếp hạng và chế độ công khai."))
            elif action == "survey":
                period_survey_set(actor=request.user, period=period, has_survey=request.POST.get("no_survey") != "on")
                messages.success(request, _("Đã lưu cách tính phần điều tra xã hội học."))
            elif action == "bands":
                classification_bands_replace(actor=request.user, period=period, bands=_bands_from(request.POST))
                messages.success(request, _("Đã lưu các mức xếp loại."))
            elif action == "exclusion":
                unit = get_object_or_404(Unit, pk=request.POST.get("unit") or 0, assessments__period=period)
                ranking_exclusion_set(
                    actor=request.user, period=period, unit=unit, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("%(unit)s được đánh giá nhưng không xếp hạng.") % {"unit": unit.name})
            elif action == "include":
                unit = get_object_or_404(Unit, pk=request.POST.get("unit") or 0, assessments__period=period)
                ranking_exclusion_remove(actor=request.user, period=period, unit=unit)
                messages.success(request, _("%(unit)s được xếp hạng trở lại.") % {"unit": unit.name})
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            _errors(request, error)
        return redirect("results_settings", year=year)
    bands = list(ClassificationBand.objects.filter(period=period).order_by("-min_index"))
    is_published = period.state == Period.State.PUBLISHED
    band_rows = [(band.min_index, band.label) for band in bands] + ([] if is_published else [("", "")] * 2)
    return render(
        request,
        "scoring/results/settings.html",
        {
            "period": period,
            "config": results_config(period),
            "methods": ResultsConfig.RankingMethod.choices,
            "band_rows": band_rows,
            "band_count": len(band_rows),
            "exclusions": RankingExclusion.objects.filter(period=period).select_related("unit").order_by("unit__name"),
            "units": Unit.objects.filter(assessments__period=period).select_related("block"),
            "is_published": is_published,
            "can_view_live": can_view_live_ranking(request.user, period),
            "survey_parts": survey_parts(period),
        },
    )


@login_required
@require_POST
def results_release(request: HttpRequest, year: int) -> HttpResponse:
    period = _period(year)
    deadline = parse_datetime(request.POST.get("objection_deadline", ""))
    if deadline is not None and timezone.is_naive(deadline):
        deadline = timezone.make_aware(deadline)
    try:
        results_release_preliminary(actor=request.user, period=period, objection_deadline=deadline)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Đã công bố kết quả sơ bộ cho các đơn vị."))
    return redirect("results_live", year=year)


@login_required
@require_POST
def results_publish_view(request: HttpRequest, year: int) -> HttpResponse:
    period = _period(year)
    decision_date: datetime.date | None = parse_date(request.POST.get("decision_date", "") or "")
    try:
        publication = results_publish(
            actor=request.user,
            period=period,
            decision_number=request.POST.get("decision_number", ""),
            decision_date=decision_date,
            correction_reason=request.POST.get("correction_reason", ""),
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        _errors(request, error)
        return redirect("results_live", year=year)
    messages.success(request, _("Đã công bố kết quả (lần %(version)s).") % {"version": publication.version})
    return redirect("results_published", year=year)


@login_required
@require_POST
def results_objection_file(request: HttpRequest, year: int, unit_id: int) -> HttpResponse:
    period = _period(year)
    assessment = get_object_or_404(Assessment.objects.select_related("period"), period=period, unit_id=unit_id)
    if not can_view_live_detail(request.user, assessment):
        raise Http404
    criterion = get_object_or_404(Criterion, pk=request.POST.get("criterion") or 0, framework=assessment.framework_id)
    try:
        objection_file(
            actor=request.user, assessment=assessment, criterion=criterion, text=request.POST.get("text", "")
        )
    except PermissionDenied as error:
        messages.error(request, str(error))
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Đã gửi kiến nghị về tiêu chí %(code)s.") % {"code": criterion.code})
    return redirect("results_unit", year=year, unit_id=unit_id)


def _decimal(value: str | None) -> Decimal | None:
    try:
        return Decimal(value.replace(",", ".")) if value else None
    except InvalidOperation:
        raise ValidationError(_("“%(value)s” không phải là số.") % {"value": value}) from None


@login_required
@require_POST
def results_objection_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_object_or_404(Objection.objects.select_related("assessment__period", "criterion"), pk=pk)
    period = objection.assessment.period
    if not can_resolve_objection(request.user, objection.assessment):
        raise Http404
    accept = request.POST.get("decision") == "accept"
    try:
        data = None
        if accept:
            form = ScoreForm(request.POST, criterion=objection.criterion, prefix=f"o{objection.pk}")
            if not form.is_valid():
                raise ValidationError(
                    [f"{field}: {error}" for field, errors in form.errors.items() for error in errors]
                )
            data = form.score_input()
        objection_resolve(
            actor=request.user, objection=objection, accept=accept, reason=request.POST.get("resolution", ""), data=data
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(
            request, _("Đã giải quyết kiến nghị về tiêu chí %(code)s.") % {"code": objection.criterion.code}
        )
    return redirect("results_unit", year=period.year, unit_id=objection.assessment.unit_id)
