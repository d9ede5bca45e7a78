"""Results pages: live results for the secretariat and council, a unit's own detail, and published rankings."""

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from scoring.models import Assessment, Criterion, Objection, Period
from scoring.results import access
from scoring.results.compute import area_results, criterion_results, rank_of, results_config, unit_results
from scoring.results.published import publication_rows, publication_versions
from scoring.rules import Entry
from scoring.services import results as services
from scoring.services.assessments import ScoreInput


def _period(year: int) -> Period:
    return get_object_or_404(Period.objects.select_related("authority"), year=year)


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
def results_live(request: HttpRequest, year: int) -> HttpResponse:
    """Every unit's live figures, computed now from the stored scores; not for the units themselves."""
    period = _period(year)
    if not access.can_view_live_ranking(request.user, period):
        raise Http404
    config = results_config(period)
    rows = [(row, rank_of(row)) for row in unit_results(period, ranking_method=config.ranking_method)]
    objections = Objection.objects.filter(assessment__period=period, state=Objection.State.FILED).count()
    return render(
        request,
        "scoring/results_live.html",
        {
            "period": period,
            "config": config,
            "rows": rows,
            "pending_objections": objections,
            "can_release": access.can_release_preliminary(request.user, period),
            "can_publish": access.can_publish(request.user, period),
            "is_published": period.state == Period.State.PUBLISHED,
        },
    )


@login_required
def results_unit(request: HttpRequest, year: int, unit_id: int) -> HttpResponse:
    """One unit's live detail: totals, areas and every criterion's self and final score with the reason."""
    period = _period(year)
    assessment = get_object_or_404(
        Assessment.objects.select_related("period", "unit__block", "framework"), period=period, unit_id=unit_id
    )
    if not access.can_view_live_detail(request.user, assessment):
        raise Http404
    block_rows = unit_results(period).filter(unit__block_id=assessment.unit.block_id)
    row = next(result for result in block_rows if result.pk == assessment.pk)
    criteria = sorted(criterion_results(period, assessment_ids=[assessment.pk]), key=lambda c: c.code_key)
    objections = list(
        Objection.objects.filter(assessment=assessment).select_related("criterion", "filed_by", "resolved_by")
    )
    return render(
        request,
        "scoring/results_unit.html",
        {
            "period": period,
            "assessment": assessment,
            "row": row,
            "rank": rank_of(row),
            "areas": list(area_results(period, assessment_ids=[assessment.pk])),
            "criteria": criteria,
            "objections": objections,
            "can_object": access.can_file_objection(request.user, assessment),
            "can_resolve": access.can_resolve_objection(request.user, period),
        },
    )


def results_published(request: HttpRequest, year: int, version: int | None = None) -> HttpResponse:
    """The published ranking per block, read from the frozen snapshot (public when the period allows)."""
    publication = access.get_publication_for_view(request.user, year, version)
    return render(
        request,
        "scoring/results_published.html",
        {
            "publication": publication,
            "period": publication.period,
            "rows": publication_rows(publication),
            "versions": publication_versions(publication),
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
        services.results_release_preliminary(actor=request.user, period=period, objection_deadline=deadline)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Đã công bố kết quả sơ bộ cho các đơn vị."))
    return redirect("results_live", year=year)


@login_required
@require_POST
def results_publish(request: HttpRequest, year: int) -> HttpResponse:
    period = _period(year)
    decision_date: datetime.date | None = parse_date(request.POST.get("decision_date", "") or "")
    try:
        publication = services.results_publish(
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
    if not access.can_view_live_detail(request.user, assessment):
        raise Http404
    criterion = get_object_or_404(Criterion, pk=request.POST.get("criterion") or 0, framework=assessment.framework_id)
    try:
        services.objection_file(
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
    if not access.can_resolve_objection(request.user, period):
        raise Http404
    accept = request.POST.get("decision") == "accept"
    try:
        data = None
        if accept:
            post = request.POST
            entry = Entry(
                option_id=int(post["option"]) if post.get("option", "").isdigit() else None,
                percent=_decimal(post.get("percent")),
                achieved=_decimal(post.get("achieved")),
                required=_decimal(post.get("required")),
                value=_decimal(post.get("value")),
                is_yes={"yes": True, "no": False}.get(post.get("is_yes", "")),
                occurrences=int(post["occurrences"]) if post.get("occurrences", "").isdigit() else None,
            )
            data = ScoreInput(entry=entry, is_not_applicable=post.get("is_not_applicable") == "on")
        services.objection_resolve(
            actor=request.user, objection=objection, accept=accept, reason=request.POST.get("resolution", ""), data=data
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(
            request, _("Đã giải quyết kiến nghị về tiêu chí %(code)s.") % {"code": objection.criterion.code}
        )
    return redirect("results_unit", year=period.year, unit_id=objection.assessment.unit_id)
