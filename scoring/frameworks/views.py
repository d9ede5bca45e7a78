from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from scoring.feedback import perform
from scoring.frameworks.forms import PeriodCreateForm, PeriodOpenForm
from scoring.frameworks.selectors import (
    default_authority,
    framework_adjustments,
    framework_tree,
    period_frameworks,
    periods_for,
)
from scoring.frameworks.services import framework_problems, period_create, period_open_self_assessment
from scoring.models import Period
from scoring.permissions.periods import (
    can_manage_frameworks,
    can_open_period,
    can_view_period,
    get_framework_for_view,
    get_period_for_view,
)


@login_required
def period_list(request: HttpRequest) -> HttpResponse:
    periods = [p for p in periods_for() if can_view_period(request.user, p)]
    return render(
        request,
        "scoring/frameworks/period_list.html",
        {"periods": periods, "can_manage": can_manage_frameworks(request.user), "form": PeriodCreateForm()},
    )


@login_required
@require_POST
def period_create_view(request: HttpRequest) -> HttpResponse:
    if not can_manage_frameworks(request.user):
        raise PermissionDenied
    form = PeriodCreateForm(request.POST)
    if form.is_valid():
        authority = default_authority()
        try:
            period = period_create(
                actor=request.user,
                authority=authority,
                year=form.cleaned_data["year"],
                copy_from=form.cleaned_data["copy_from"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Đã tạo kỳ đánh giá năm %(year)s.") % {"year": period.year})
            return redirect("period_detail", year=period.year)
    periods = [p for p in periods_for() if can_view_period(request.user, p)]
    return render(
        request,
        "scoring/frameworks/period_list.html",
        {"periods": periods, "can_manage": True, "form": form},
        status=400,
    )


@login_required
def period_detail(request: HttpRequest, year: int) -> HttpResponse:
    period = get_period_for_view(request.user, year)
    can_manage = can_manage_frameworks(request.user)
    frameworks = list(period_frameworks(period))
    problems = {framework.id: framework_problems(framework) for framework in frameworks} if can_manage else {}
    rows = [(framework, problems.get(framework.id, [])) for framework in frameworks]
    open_form = PeriodOpenForm(initial={"self_assessment_deadline": period.self_assessment_deadline})
    return render(
        request,
        "scoring/frameworks/period_detail.html",
        {
            "period": period,
            "rows": rows,
            "can_manage": can_manage,
            "can_open": can_open_period(request.user, period),
            "open_form": open_form,
        },
    )


@login_required
@require_POST
def period_open(request: HttpRequest, year: int) -> HttpResponse:
    period = get_period_for_view(request.user, year)
    if not can_manage_frameworks(request.user):
        raise PermissionDenied

    def open_period(data: dict) -> str:
        period_open_self_assessment(actor=request.user, period=period, deadline=data["self_assessment_deadline"])
        return _("Đã mở kỳ tự đánh giá năm %(year)s; các bộ chỉ số đã được khóa.") % {"year": year}

    perform(request, open_period, PeriodOpenForm(request.POST))
    return redirect("period_detail", year=year)


@login_required
def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    framework = get_framework_for_view(request.user, pk)
    tree = framework_tree(framework)
    can_manage = can_manage_frameworks(request.user)
    return render(
        request,
        "scoring/frameworks/framework_detail.html",
        {
            "framework": framework,
            "tree": tree,
            "adjustments": list(framework_adjustments(framework)),
            "problems": framework_problems(framework, tree) if can_manage else [],
            "can_manage": can_manage,
            "period_is_draft": framework.period.state == Period.State.DRAFT,
        },
    )
