"""The secretariat's survey pages: questionnaires of a year, questions, the window, the sample and its links."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from scoring.feedback import flash_errors, perform, run_import
from scoring.models import Criterion, Framework, Period
from scoring.permissions.periods import get_period_for
from scoring.permissions.survey import (
    can_manage_surveys,
    can_read_survey_results,
    get_survey_for_manage,
    get_survey_for_results,
)
from scoring.spreadsheets import xlsx_download
from scoring.survey.forms import (
    QuestionForm,
    RespondentImportForm,
    SampleDrawForm,
    SurveyCreateForm,
    SurveyEditForm,
    SurveyOpenForm,
)
from scoring.survey.models import Respondent, Survey, SurveyQuestion
from scoring.survey.respondents import (
    cards_pdf,
    respondents_import,
    respondents_invite,
    respondents_template,
    sample_draw,
    template_filename,
)
from scoring.survey.selectors import (
    period_surveys,
    survey_criteria,
    survey_problems,
    survey_questions,
    survey_respondents,
    unit_samples,
)
from scoring.survey.services import (
    question_add,
    question_remove,
    survey_clone,
    survey_close,
    survey_create,
    survey_open,
    survey_update,
)


def _period(request: HttpRequest, year: int) -> Period:
    return get_period_for(
        request.user,
        year,
        lambda user, period: can_manage_surveys(user, period) or can_read_survey_results(user, period),
    )


@login_required
def survey_list(request: HttpRequest, year: int) -> HttpResponse:
    period = _period(request, year)
    can_manage = can_manage_surveys(request.user, period)
    surveys = list(period_surveys(period))
    taken = {survey.framework_id for survey in surveys}
    frameworks = [
        framework
        for framework in Framework.objects.filter(period=period).select_related("block").order_by("block__position")
        if framework.pk not in taken
    ]
    sources = list(
        Survey.objects.filter(period__authority=period.authority, period__year__lt=year)
        .select_related("period", "framework__block")
        .order_by("-period__year", "framework__block__position")
    )
    return render(
        request,
        "scoring/survey/list.html",
        {
            "period": period,
            "surveys": surveys,
            "can_manage": can_manage,
            "create_form": SurveyCreateForm(frameworks=frameworks, sources=sources) if frameworks else None,
        },
    )


@login_required
@require_POST
def survey_create_view(request: HttpRequest, year: int) -> HttpResponse:
    period = _period(request, year)
    if not can_manage_surveys(request.user, period):
        raise PermissionDenied(_("Chỉ Thư ký Hội đồng quản lý phiếu khảo sát."))
    frameworks = list(Framework.objects.filter(period=period).select_related("block", "period"))
    sources = list(
        Survey.objects.filter(period__authority=period.authority, period__year__lt=year).select_related("period")
    )
    form = SurveyCreateForm(request.POST, frameworks=frameworks, sources=sources)
    if not form.is_valid():
        flash_errors(request, form, labelled=True)
        return redirect("survey_list", year=year)
    framework = next(f for f in frameworks if f.pk == form.cleaned_data["framework"])
    source_pk = form.cleaned_data["source"]
    try:
        if source_pk:
            source = Survey.objects.select_related("period").get(pk=source_pk)
            survey = survey_clone(actor=request.user, source=source, framework=framework)
        else:
            survey = survey_create(actor=request.user, framework=framework)
    except ValidationError as error:
        flash_errors(request, error)
        return redirect("survey_list", year=year)
    messages.success(request, _("Đã tạo phiếu khảo sát “%(title)s”.") % {"title": survey.title})
    return redirect("survey_detail", pk=survey.pk)


@login_required
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_survey_for_results(request.user, pk)
    can_manage = can_manage_surveys(request.user, survey.period)
    questions = survey_questions(survey)
    criteria = survey_criteria(survey)
    return render(
        request,
        "scoring/survey/detail.html",
        {
            "survey": survey,
            "period": survey.period,
            "questions": questions,
            "criteria": criteria,
            "problems": survey_problems(survey, questions, criteria) if not survey.is_frozen else [],
            "can_manage": can_manage,
            "can_edit": can_manage and not survey.is_frozen,
            "can_close": can_manage and survey.is_frozen and survey.closed_at is None,
            "edit_form": SurveyEditForm(initial={"title": survey.title, "introduction": survey.introduction}),
            "question_form": QuestionForm(criteria=criteria),
            "open_form": SurveyOpenForm(),
        },
    )


def _survey_action(service: Callable, message: str, form_class: type[forms.Form] | None = None):
    """The secretary's view that runs one survey service (with the form's data, if any), then back to the survey."""

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        survey = get_survey_for_manage(request.user, pk)

        def run(data: dict) -> str:
            service(actor=request.user, survey=survey, **data)
            return str(message)

        perform(request, run, form_class(request.POST) if form_class else None)
        return redirect("survey_detail", pk=pk)

    return view


survey_edit = _survey_action(survey_update, gettext_lazy("Đã lưu tên và lời giới thiệu của phiếu."), SurveyEditForm)
survey_open_view = _survey_action(
    survey_open, gettext_lazy("Đã mở khảo sát; câu hỏi được giữ cố định từ nay."), SurveyOpenForm
)
survey_close_view = _survey_action(survey_close, gettext_lazy("Đã đóng khảo sát: các đường dẫn không nhận thêm phiếu."))


@login_required
@require_POST
def survey_question_add(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_survey_for_manage(request.user, pk)

    def add(data: dict) -> str:
        criterion = get_object_or_404(Criterion, pk=data["criterion"])
        question = question_add(
            actor=request.user, survey=survey, criterion=criterion, text=data["text"], levels=data["levels"]
        )
        return _("Đã thêm câu %(code)s.") % {"code": question.code}

    perform(request, add, QuestionForm(request.POST, criteria=survey_criteria(survey)))
    return redirect("survey_detail", pk=pk)


@login_required
@require_POST
def survey_question_remove(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    survey = get_survey_for_manage(request.user, pk)
    question = get_object_or_404(SurveyQuestion.objects.select_related("survey"), pk=question_pk, survey=survey)

    def remove(data: dict) -> str:
        question_remove(actor=request.user, question=question)
        return _("Đã xóa câu %(code)s.") % {"code": question.code}

    perform(request, remove)
    return redirect("survey_detail", pk=pk)


# --- the sample ------------------------------------------------------------------------------------------------


@login_required
def survey_respondents_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The named sample per unit, its import from Excel and its draw; names are for the secretariat only."""
    survey = get_survey_for_manage(request.user, pk)
    form = RespondentImportForm(request.POST or None, request.FILES or None)

    def run(file: File) -> None:
        result = respondents_import(actor=request.user, survey=survey, file=file, is_pool=form.cleaned_data["is_pool"])
        messages.success(
            request,
            _("Đã nhập %(count)s người của %(units)s đơn vị, mỗi người một đường dẫn riêng.")
            % {"count": result.imported, "units": len(result.by_unit)},
        )

    errors = run_import(request, form, run)
    if errors is None:
        return redirect("survey_respondents", pk=pk)
    unit_id = _unit_filter(request)
    return render(
        request,
        "scoring/survey/respondents.html",
        {
            "survey": survey,
            "period": survey.period,
            "form": form,
            "errors": errors,
            "samples": unit_samples(survey),
            "respondents": list(survey_respondents(survey, unit_id)) if unit_id else [],
            "unit_id": unit_id,
            "draw_form": SampleDrawForm(),
            "can_invite": survey.is_inviting,
            "can_draw": not survey.is_frozen,
        },
        status=400 if errors else 200,
    )


def _unit_filter(request: HttpRequest) -> int | None:
    value = request.GET.get("unit", "")
    return int(value) if value.isdigit() else None


@login_required
def survey_respondents_template(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_survey_for_manage(request.user, pk)
    return xlsx_download(respondents_template(survey=survey), template_filename(survey))


@login_required
@require_POST
def survey_sample_draw(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_survey_for_manage(request.user, pk)

    def draw(data: dict) -> str:
        drawn = sample_draw(actor=request.user, survey=survey, size=data["size"])
        return _("Đã chọn ngẫu nhiên %(count)s người cho %(units)s đơn vị.") % {
            "count": sum(drawn.values()),
            "units": len(drawn),
        }

    perform(request, draw, SampleDrawForm(request.POST))
    return redirect("survey_respondents", pk=pk)


@login_required
@require_POST
def survey_invite(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_survey_for_manage(request.user, pk)

    def invite(data: dict) -> str:
        count = respondents_invite(actor=request.user, survey=survey)
        return _("Đã gửi %(count)s thư mời khảo sát.") % {"count": count}

    perform(request, invite)
    return redirect("survey_respondents", pk=pk)


@login_required
def survey_cards(request: HttpRequest, pk: int) -> HttpResponse:
    """Printable cards with each unanswered respondent's link and QR code (one unit with ?unit=)."""
    survey = get_survey_for_manage(request.user, pk)
    unit_id = _unit_filter(request)
    respondents = Respondent.objects.filter(survey=survey, is_in_sample=True, response__isnull=True).select_related(
        "unit"
    )
    if unit_id:
        respondents = respondents.filter(unit_id=unit_id)
    respondents = respondents.order_by("unit__position", "unit__name", "name", "id")
    response = HttpResponse(cards_pdf(survey, list(respondents)), content_type="application/pdf")
    name = f"phieu-moi-khao-sat-{survey.period.year}-{survey.framework.block.code}.pdf"
    response["Content-Disposition"] = content_disposition_header(False, name)
    response["Cache-Control"] = "no-store"
    return response
