"""What the survey gives the council: response rates, distributions, points, advisory checks and exclusions."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from scoring.feedback import flash_errors, perform, report_changes
from scoring.permissions.appraisal import hidden_unit_ids
from scoring.permissions.survey import (
    can_exclude_response,
    can_manage_surveys,
    can_record_survey_points,
    get_response_for_exclusion,
    get_survey_for_manage,
    get_survey_for_results,
)
from scoring.spreadsheets import xlsx_download
from scoring.survey.exports import export_filename, responses_workbook
from scoring.survey.forms import ReasonForm
from scoring.survey.selectors import (
    flagged_responses,
    question_distributions,
    survey_criteria,
    survey_points,
    survey_questions,
    unit_samples,
)
from scoring.survey.services import response_exclude, response_restore, survey_points_record


@login_required
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    """Per unit: sample, responses, rate and points per survey criterion; per question: the distribution."""
    survey = get_survey_for_results(request.user, pk)
    hidden = hidden_unit_ids(request.user, survey.period)
    questions = survey_questions(survey)
    criteria = survey_criteria(survey)
    points: dict[int, dict[int, object]] = defaultdict(dict)
    for row in survey_points([survey.pk]):
        points[row.unit_id][row.criterion_id] = row
    rows = [
        (sample, [points[sample.unit.pk].get(criterion.pk) for criterion in criteria])
        for sample in unit_samples(survey)
        if sample.unit.pk not in hidden
    ]
    unit_id = request.GET.get("unit", "")
    unit_id = int(unit_id) if unit_id.isdigit() and int(unit_id) not in hidden else None
    totals = {
        "sample_size": sum(sample.sample_size for sample, _points in rows),
        "responses": sum(sample.responses for sample, _points in rows),
        "excluded": sum(sample.excluded for sample, _points in rows),
    }
    return render(
        request,
        "scoring/survey/results.html",
        {
            "survey": survey,
            "period": survey.period,
            "criteria": criteria,
            "rows": rows,
            "totals": totals,
            "distributions": question_distributions(survey, questions, unit_id=unit_id, hidden_units=hidden),
            "unit_id": unit_id,
            "unit_name": next((s.unit.name for s, _p in rows if s.unit.pk == unit_id), ""),
            "can_record": can_record_survey_points(request.user, survey),
            "is_finished": survey.is_finished,
            "can_manage": can_manage_surveys(request.user, survey.period),
        },
    )


@login_required
@require_POST
def survey_record(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_survey_for_manage(request.user, pk)
    if not can_record_survey_points(request.user, survey):
        raise PermissionDenied(_("Chỉ Thư ký Hội đồng ghi điểm khảo sát, trong giai đoạn thẩm định."))
    try:
        result = survey_points_record(actor=request.user, survey=survey)
    except ValidationError as error:
        flash_errors(request, error)
        return redirect("survey_results", pk=pk)
    report_changes(
        request,
        result.changed,
        _("Đã ghi %(count)s điểm khảo sát vào phiếu đánh giá (thẩm định vòng 1)."),
        _("Điểm khảo sát trên các phiếu đánh giá đã đúng như kết quả tính; không có gì thay đổi."),
    )
    if result.without_sheet:
        messages.warning(
            request,
            _("Chưa ghi điểm cho đơn vị chưa nộp phiếu tự đánh giá: %(units)s.")
            % {"units": ", ".join(result.without_sheet)},
        )
    return redirect("survey_results", pk=pk)


@login_required
def survey_responses(request: HttpRequest, pk: int) -> HttpResponse:
    """Anonymous responses with the advisory checks; the council decides, with a reason, what to leave out."""
    survey = get_survey_for_results(request.user, pk)
    hidden = hidden_unit_ids(request.user, survey.period)
    questions = survey_questions(survey)
    unit_id = request.GET.get("unit", "")
    unit_id = int(unit_id) if unit_id.isdigit() else None
    only_flagged = request.GET.get("flagged") == "1"
    found = flagged_responses(survey, question_count=len(questions), hidden_units=hidden, unit_id=unit_id)
    numbers: dict[int, int] = defaultdict(int)
    items = []
    for item in found:
        numbers[item.response.unit_id] += 1
        if only_flagged and not item.flags:
            continue
        items.append((numbers[item.response.unit_id], item))
    may_exclude = bool(found) and can_exclude_response(request.user, found[0].response)
    return render(
        request,
        "scoring/survey/responses.html",
        {
            "survey": survey,
            "period": survey.period,
            "items": items,
            "flagged_count": sum(1 for item in found if item.flags),
            "total": len(found),
            "only_flagged": only_flagged,
            "unit_id": unit_id,
            "may_exclude": may_exclude,
            "reason_form": ReasonForm(),
            "can_manage": can_manage_surveys(request.user, survey.period),
        },
    )


def _response_action(request: HttpRequest, pk: int, response_pk: int, action, success: str) -> HttpResponse:
    survey = get_survey_for_results(request.user, pk)
    response = get_response_for_exclusion(request.user, survey, response_pk)
    if not can_exclude_response(request.user, response):
        raise PermissionDenied(_("Chỉ Hội đồng thẩm định loại phiếu trả lời, trước khi khối được chốt."))
    back = f"{reverse('survey_responses', kwargs={'pk': pk})}?unit={response.unit_id}"

    def run(data: dict) -> str:
        action(actor=request.user, response=response, reason=data["reason"])
        return success

    perform(request, run, ReasonForm(request.POST))
    return redirect(back)


@login_required
@require_POST
def survey_response_exclude(request: HttpRequest, pk: int, response_pk: int) -> HttpResponse:
    return _response_action(
        request, pk, response_pk, response_exclude, _("Đã loại phiếu trả lời; điểm tính lại không có phiếu này.")
    )


@login_required
@require_POST
def survey_response_restore(request: HttpRequest, pk: int, response_pk: int) -> HttpResponse:
    return _response_action(request, pk, response_pk, response_restore, _("Phiếu trả lời được tính lại."))


@login_required
def survey_export(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_survey_for_results(request.user, pk)
    hidden = hidden_unit_ids(request.user, survey.period)
    return xlsx_download(responses_workbook(survey, hidden_units=hidden), export_filename(survey))
