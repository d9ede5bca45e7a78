"""Live results for the secretariat and council, a unit's own detail, the preliminary release, objections and the
publication (results computed now from the stored scores, before they are frozen)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from scoring.feedback import flash_errors, is_valid_or_404
from scoring.models import Assessment, Objection, Period
from scoring.permissions.results import (
    can_file_objection,
    can_manage_results,
    can_publish,
    can_release_preliminary,
    can_resolve_objection,
    can_view_live_detail,
    can_view_live_ranking,
)
from scoring.results.compute import area_results, criterion_results, results_config
from scoring.results.forms import ObjectionFileForm, ObjectionResolveForm, PublishForm, ReleaseForm
from scoring.results.selectors import live_ranking, live_unit_result
from scoring.results.services import objection_file, objection_resolve, results_publish, results_release_preliminary
from scoring.sheets.forms import ScoreForm


def results_period(year: int) -> Period:
    return get_object_or_404(Period.objects.select_related("authority"), year=year)


@login_required
def results_live(request: HttpRequest, year: int) -> HttpResponse:
    """Every unit's live figures, computed now from the stored scores; not for the units themselves."""
    period = results_period(year)
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
    period = results_period(year)
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


@login_required
@require_POST
def results_release(request: HttpRequest, year: int) -> HttpResponse:
    period = results_period(year)
    if not can_release_preliminary(request.user, period):
        raise Http404
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        flash_errors(request, form, labelled=True)
        return redirect("results_live", year=year)
    try:
        results_release_preliminary(
            actor=request.user, period=period, objection_deadline=form.cleaned_data["objection_deadline"]
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("Đã công bố kết quả sơ bộ cho các đơn vị."))
    return redirect("results_live", year=year)


@login_required
@require_POST
def results_publish_view(request: HttpRequest, year: int) -> HttpResponse:
    period = results_period(year)
    if not can_publish(request.user, period):
        raise Http404
    form = PublishForm(request.POST)
    if not form.is_valid():
        flash_errors(request, form, labelled=True)
        return redirect("results_live", year=year)
    try:
        publication = results_publish(actor=request.user, period=period, **form.cleaned_data)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        flash_errors(request, error)
        return redirect("results_live", year=year)
    messages.success(request, _("Đã công bố kết quả (lần %(version)s).") % {"version": publication.version})
    return redirect("results_published", year=year)


@login_required
@require_POST
def results_objection_file(request: HttpRequest, year: int, unit_id: int) -> HttpResponse:
    period = results_period(year)
    assessment = get_object_or_404(Assessment.objects.select_related("period"), period=period, unit_id=unit_id)
    if not can_view_live_detail(request.user, assessment):
        raise Http404
    form = ObjectionFileForm(request.POST, framework_id=assessment.framework_id)
    if not is_valid_or_404(form):
        flash_errors(request, form)
        return redirect("results_unit", year=year, unit_id=unit_id)
    criterion = form.cleaned_data["criterion"]
    try:
        objection_file(actor=request.user, assessment=assessment, criterion=criterion, text=form.cleaned_data["text"])
    except PermissionDenied as error:
        messages.error(request, str(error))
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("Đã gửi kiến nghị về tiêu chí %(code)s.") % {"code": criterion.code})
    return redirect("results_unit", year=year, unit_id=unit_id)


@login_required
@require_POST
def results_objection_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_object_or_404(Objection.objects.select_related("assessment__period", "criterion"), pk=pk)
    period = objection.assessment.period
    if not can_resolve_objection(request.user, objection.assessment):
        raise Http404
    back = redirect("results_unit", year=period.year, unit_id=objection.assessment.unit_id)
    form = ObjectionResolveForm(request.POST)
    if not form.is_valid():
        flash_errors(request, form, labelled=True)
        return back
    accept, data = form.cleaned_data["decision"] == "accept", None
    if accept:  # the same rule-aware input as the sheet gives the new score
        score_form = ScoreForm(request.POST, criterion=objection.criterion, prefix=f"o{objection.pk}")
        if not score_form.is_valid():
            flash_errors(request, score_form, labelled=True)
            return back
        data = score_form.score_input()
    try:
        objection_resolve(
            actor=request.user,
            objection=objection,
            accept=accept,
            reason=form.cleaned_data["resolution"],
            data=data,
        )
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request, _("Đã giải quyết kiến nghị về tiêu chí %(code)s.") % {"code": objection.criterion.code}
        )
    return back
