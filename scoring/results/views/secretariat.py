"""The secretariat's results settings (ranking rule, public access, classification bands, units not ranked) and the
year's commendations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from scoring.feedback import perform
from scoring.models import ClassificationBand, Commendation, Period, RankingExclusion, ResultsConfig
from scoring.permissions.results import can_manage_results, can_view_live_ranking
from scoring.results import services
from scoring.results.compute import results_config, survey_parts
from scoring.results.forms import (
    ClassificationBandsForm,
    CommendationForm,
    RankingExclusionForm,
    ResultsConfigForm,
    SurveySettingForm,
    UnitChoiceForm,
)
from scoring.results.views.live import results_period
from units.models import Unit


def _managed_period(request: HttpRequest, year: int) -> Period:
    period = results_period(year)
    if not can_manage_results(request.user, period):
        raise Http404
    return period


def _save_config(request: HttpRequest, period: Period, data: dict) -> str:
    services.results_config_update(actor=request.user, period=period, **data)
    return _("Đã lưu cách xếp hạng và chế độ công khai.")


def _save_survey(request: HttpRequest, period: Period, data: dict) -> str:
    services.period_survey_set(actor=request.user, period=period, has_survey=not data["no_survey"])
    return _("Đã lưu cách tính phần điều tra xã hội học.")


def _save_bands(request: HttpRequest, period: Period, data: dict) -> str:
    services.classification_bands_replace(actor=request.user, period=period, bands=data["bands"])
    return _("Đã lưu các mức xếp loại.")


def _exclude(request: HttpRequest, period: Period, data: dict) -> str:
    services.ranking_exclusion_set(actor=request.user, period=period, unit=data["unit"], reason=data["reason"])
    return _("%(unit)s được đánh giá nhưng không xếp hạng.") % {"unit": data["unit"].name}


def _include(request: HttpRequest, period: Period, data: dict) -> str:
    services.ranking_exclusion_remove(actor=request.user, period=period, unit=data["unit"])
    return _("%(unit)s được xếp hạng trở lại.") % {"unit": data["unit"].name}


# The page's forms, told apart by the "action" they post: the form reading it (from the data and the period's
# units) and the service call saving it.
SETTINGS_ACTIONS = {
    "config": (lambda data, units: ResultsConfigForm(data), _save_config),
    "survey": (lambda data, units: SurveySettingForm(data), _save_survey),
    "bands": (lambda data, units: ClassificationBandsForm(data), _save_bands),
    "exclusion": (lambda data, units: RankingExclusionForm(data, units=units), _exclude),
    "include": (lambda data, units: UnitChoiceForm(data, units=units), _include),
}


@login_required
def results_settings(request: HttpRequest, year: int) -> HttpResponse:
    """The secretariat's results settings: ranking rule, public access, classification bands, units not ranked (and
    ranked again)."""
    period = _managed_period(request, year)
    units = Unit.objects.filter(assessments__period=period).select_related("block")
    if request.method == "POST":
        if request.POST.get("action") in SETTINGS_ACTIONS:
            make_form, save = SETTINGS_ACTIONS[request.POST["action"]]
            _save(request, period, make_form(request.POST, units), save)
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
            "units": units,
            "is_published": is_published,
            "can_view_live": can_view_live_ranking(request.user, period),
            "survey_parts": survey_parts(period),
        },
    )


def _save(request: HttpRequest, period: Period, form, save) -> None:
    """Read the form, then let the service save it: the problems of either are shown on the page."""
    try:
        perform(request, lambda data: save(request, period, data), form)
    except PermissionDenied:
        raise Http404 from None


@login_required
@require_POST
def results_commendation_add(request: HttpRequest, year: int) -> HttpResponse:
    period = _managed_period(request, year)
    form = CommendationForm(request.POST, units=Unit.objects.filter(block__authority=period.authority))

    def add(request: HttpRequest, period: Period, data: dict) -> str:
        commendation = services.commendation_add(actor=request.user, period=period, **data)
        return _("Đã thêm khen thưởng: %(name)s.") % {"name": commendation.name}

    _save(request, period, form, add)
    return redirect("results_commendations", year=year)


@login_required
@require_POST
def results_commendation_remove(request: HttpRequest, pk: int) -> HttpResponse:
    commendation = get_object_or_404(Commendation.objects.select_related("period"), pk=pk)
    year = commendation.period.year
    if not can_manage_results(request.user, commendation.period):
        raise Http404
    name = commendation.name
    services.commendation_remove(actor=request.user, commendation=commendation)
    messages.success(request, _("Đã xoá khen thưởng: %(name)s.") % {"name": name})
    return redirect("results_commendations", year=year)
