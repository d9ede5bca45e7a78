"""Live results for the secretariat and council, a unit's own detail, the preliminary release, objections and the
publication (results computed now from the stored scores, before they are frozen)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from scoring.feedback import error_messages, perform
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
from scoring.sheets.services import ScoreInput


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
            "blocks": ranking.blocks,
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

    def release(data: dict) -> str:
        results_release_preliminary(actor=request.user, period=period, **data)
        return _("Đã công bố kết quả sơ bộ cho các đơn vị.")

    perform(request, release, ReleaseForm(request.POST))
    return redirect("results_live", year=year)


@login_required
@require_POST
def results_publish_view(request: HttpRequest, year: int) -> HttpResponse:
    period = results_period(year)
    if not can_publish(request.user, period):
        raise Http404

    def publish(data: dict) -> str:
        publication = results_publish(actor=request.user, period=period, **data)
        return _("Đã công bố kết quả (lần %(version)s).") % {"version": publication.version}

    if perform(request, publish, PublishForm(request.POST)):
        return redirect("results_published", year=year)
    return redirect("results_live", year=year)


@login_required
@require_POST
def results_objection_file(request: HttpRequest, year: int, unit_id: int) -> HttpResponse:
    period = results_period(year)
    assessment = get_object_or_404(Assessment.objects.select_related("period"), period=period, unit_id=unit_id)
    if not can_view_live_detail(request.user, assessment):
        raise Http404

    def file(data: dict) -> str:
        try:
            objection_file(actor=request.user, assessment=assessment, criterion=data["criterion"], text=data["text"])
        except PermissionDenied as error:  # the window has closed, or the person only reads this unit's result
            raise ValidationError(str(error)) from None
        return _("Đã gửi kiến nghị về tiêu chí %(code)s.") % {"code": data["criterion"].code}

    perform(request, file, ObjectionFileForm(request.POST, framework_id=assessment.framework_id))
    return redirect("results_unit", year=year, unit_id=unit_id)


@login_required
@require_POST
def results_objection_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_object_or_404(Objection.objects.select_related("assessment__period", "criterion"), pk=pk)
    if not can_resolve_objection(request.user, objection.assessment):
        raise Http404

    def resolve(data: dict) -> str:
        accept = data["decision"] == "accept"
        new_score = _new_score(request, objection) if accept else None
        objection_resolve(
            actor=request.user, objection=objection, accept=accept, reason=data["resolution"], data=new_score
        )
        return _("Đã giải quyết kiến nghị về tiêu chí %(code)s.") % {"code": objection.criterion.code}

    perform(request, resolve, ObjectionResolveForm(request.POST))
    return redirect("results_unit", year=objection.assessment.period.year, unit_id=objection.assessment.unit_id)


def _new_score(request: HttpRequest, objection: Objection) -> ScoreInput:
    """An accepted objection's new score, read with the sheet's rule-aware form."""
    form = ScoreForm(request.POST, criterion=objection.criterion, prefix=f"o{objection.pk}")
    if not form.is_valid():
        raise ValidationError(error_messages(form, labelled=True))
    return form.score_input()
