"""Remediation plans: every plan to follow (leadership, the secretariat, the unit), a unit's weak criteria of a
published year with its plans, and the head's progress reports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from scoring.feedback import perform
from scoring.models import Period
from scoring.permissions.officers import can_view_officer_results
from scoring.permissions.plans import can_record_plan, can_update_plan, can_view_unit_plans, get_plan_for_view
from scoring.plans.forms import PlanForm, ProgressForm
from scoring.plans.selectors import plans_visible_to, unit_plans, weak_criteria
from scoring.plans.services import plan_progress_update, plan_record
from units.models import Unit
from units.roles import roles_of
from units.selectors import units_of


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    only_overdue = request.GET.get("filter") == "overdue"
    plans = list(plans_visible_to(request.user, only_overdue=only_overdue))
    years = list(Period.objects.filter(state=Period.State.PUBLISHED).order_by("-year").values_list("year", flat=True))
    own_units = list(units_of(roles_of(request.user).unit_ids())) if years else []
    return render(
        request,
        "scoring/plans/list.html",
        {
            "plans": plans,
            "only_overdue": only_overdue,
            "own_units": own_units,
            "latest_year": years[0] if years else None,
        },
    )


@login_required
def plan_unit(request: HttpRequest, year: int, unit_id: int) -> HttpResponse:
    """A unit's criteria that lost points in a published year, each with its plan; the head records new ones."""
    period = get_object_or_404(Period.objects.select_related("authority"), year=year, state=Period.State.PUBLISHED)
    unit = get_object_or_404(Unit.objects.select_related("block"), pk=unit_id)
    if not can_view_unit_plans(request.user, unit.pk):
        raise Http404
    weak = weak_criteria(period, unit.pk)
    plans = unit_plans(period, unit.pk)
    choices = [(row.code, f"{row.code} {row.title}") for row in weak if row.code not in plans]
    can_record = can_record_plan(request.user, unit.pk, period)
    form = PlanForm(request.POST or None, choices=[("", "—"), *choices])
    if request.method == "POST":
        if not can_record:
            raise Http404
        if form.is_valid():
            try:
                plan_record(actor=request.user, period=period, unit=unit, **form.cleaned_data)
            except (PermissionDenied, ValidationError) as error:
                for message in getattr(error, "messages", [str(error)]):
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("Đã lập kế hoạch khắc phục tiêu chí %(code)s.") % {"code": form.cleaned_data["criterion_code"]},
                )
                return redirect("plan_unit", year=year, unit_id=unit.pk)
    lines = [{"row": row, "lost": row.max_points - row.final_points, "plan": plans.get(row.code)} for row in weak]
    return render(
        request,
        "scoring/plans/unit.html",
        {
            "period": period,
            "unit": unit,
            "lines": lines,
            "form": form,
            "can_record": can_record and bool(choices),
            "can_update": can_record_plan(request.user, unit.pk, period),
            "statuses": ProgressForm.base_fields["status"].choices,
            "can_view_officers": can_view_officer_results(request.user, unit.pk),
        },
    )


@login_required
@require_POST
def plan_progress(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_view(request.user, pk)
    if not can_update_plan(request.user, plan):
        raise Http404
    form = ProgressForm(request.POST)

    def update(data: dict) -> str:
        plan_progress_update(
            actor=request.user, plan=plan, status=form.cleaned_data["status"], note=form.cleaned_data["progress_note"]
        )
        return _("Đã cập nhật tiến độ tiêu chí %(code)s.") % {"code": plan.criterion_code}

    if form.is_valid():
        perform(request, update)
    else:
        messages.error(request, _("Hãy chọn một tiến độ trong danh sách."))
    return redirect("plan_unit", year=plan.period.year, unit_id=plan.unit_id)
