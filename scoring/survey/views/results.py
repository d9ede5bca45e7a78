"""What the survey gives the council: response rates, distributions, points, advisory checks and exclusions."""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from scoring.feedback import flash_errors, perform, report_changes
from scoring.markup import escape, format_html
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
from scoring.survey.forms import ReasonForm, ResponseFilterForm
from scoring.survey.models import RespondentGroup, Survey, SurveyQuestion, SurveyResponse
from scoring.survey.selectors import (
    CriterionShare,
    QuestionDistribution,
    ResponsePaginator,
    UnitSample,
    answer_counts,
    criterion_shares,
    frozen_survey_questions,
    level_counts,
    question_distributions,
    response_checks,
    response_flags,
    survey_criteria,
    unit_response_counts,
    unit_samples,
)
from scoring.survey.services import response_exclude, response_restore, survey_points_record
from scoring.templatetags.scoring_format import points
from scoring.templatetags.scoring_urls import UrlPatterns

RESPONSES_PER_PAGE = 30
UNITS_PER_PAGE = 30


@login_required
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    """Per unit: sample, responses, rate and points per survey criterion; per question: the distribution."""
    survey = get_survey_for_results(request.user, pk)
    hidden = hidden_unit_ids(request.user, survey.period)
    questions = frozen_survey_questions(survey)
    criteria = survey_criteria(survey)
    samples = [sample for sample in unit_samples(survey) if sample.unit_id not in hidden]
    page = Paginator(samples, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    counts = answer_counts(survey, hidden_units=hidden)
    shares = criterion_shares(questions, counts, [sample.unit_id for sample in page])
    rows = [(sample, [shares.get((sample.unit_id, criterion.pk)) for criterion in criteria]) for sample in page]
    unit_id = request.GET.get("unit", "")
    unit_id = int(unit_id) if unit_id.isdigit() and int(unit_id) not in hidden else None
    totals = {
        "sample_size": sum(sample.sample_size for sample in samples),
        "responses": sum(sample.responses for sample in samples),
        "excluded": sum(sample.excluded for sample in samples),
    }
    return render(
        request,
        "scoring/survey/results.html",
        {
            "survey": survey,
            "period": survey.period,
            "criteria": criteria,
            "rows": _unit_rows(rows, page.number),
            "page": page,
            "totals": totals,
            "distributions": _distributions(question_distributions(questions, level_counts(counts, unit_id))),
            "unit_id": unit_id,
            "unit_name": next((sample.unit_name for sample in samples if sample.unit_id == unit_id), ""),
            "can_record": can_record_survey_points(request.user, survey),
            "is_finished": survey.is_finished,
            "can_manage": can_manage_surveys(request.user, survey.period),
        },
    )


# A page of the results holds 30 units, each with its figures and a cell per survey criterion: filled in here by
# format_html (each word escaped) rather than by template nodes, which took 2.8 ms of the page at 200 units.
UNIT_ROW = (
    "\n    <tr>\n"
    '      <td><a href="?unit={unit_id}{page}#distribution">{unit}</a></td>\n'
    '      <td class="numeric">{sample_size}</td>\n'
    '      <td class="numeric">{responses}</td>\n'
    '      <td class="numeric">{rate}</td>\n'
    '      <td class="numeric">{excluded}</td>\n'
    "      {points}\n"
    "    </tr>\n  "
)


def _unit_rows(rows: list[tuple[UnitSample, list[CriterionShare | None]]], page_number: int) -> SafeString:
    """The results table's rows: each unit linked to its distribution (on the same page of units), its sample,
    responses, response rate and exclusions, and its points on each survey criterion (— where none)."""
    page = f"&amp;page={page_number}" if page_number > 1 else ""
    missing = SafeString('<td class="numeric">—</td>')
    return SafeString(
        "".join(
            format_html(
                UNIT_ROW,
                unit_id=sample.unit_id,
                page=SafeString(page),
                unit=sample.unit_name,
                sample_size=sample.sample_size,
                responses=sample.responses,
                rate="—" if sample.response_rate is None else f"{points(sample.response_rate)}%",
                excluded=sample.excluded,
                points=SafeString(
                    "".join(
                        format_html('<td class="numeric"><strong>{}</strong></td>', points(share.points))
                        if share
                        else missing
                        for share in shares
                    )
                ),
            )
            for sample, shares in rows
        )
    )


# Each question's distribution (a section with a row per level: six questions of four levels in the benchmark's survey)
# filled in by format_html rather than by template nodes, which took 1.4 ms of the page.
DISTRIBUTION = (
    '\n<section class="card card-body mb-2" aria-labelledby="q{pk}-heading">\n'
    '  <h3 class="h6" id="q{pk}-heading">{code}. {text} <span class="small text-muted">({answers})</span></h3>\n'
    '  <table class="table table-sm mb-0" data-testid="distribution-{code}">\n'
    "    {head}\n"
    "    <tbody>{rows}</tbody>\n"
    "  </table>\n"
    "</section>\n"
)
DISTRIBUTION_HEAD = (
    '<thead><tr><th scope="col">{}</th><th scope="col" class="numeric">{}</th><th scope="col" class="numeric">{}</th>'
    '<th scope="col" class="numeric">{}</th><th scope="col" style="width:35%"><span class="visually-hidden">{}</span>'
    "</th></tr></thead>"
)
LEVEL_ROW = (
    '<tr><td>{label}</td><td class="numeric">{weight}%</td><td class="numeric">{count}</td>'
    '<td class="numeric">{percent}</td>'
    '<td aria-hidden="true"><div class="bg-primary" style="height:.7rem;width:{bar}%"></div></td></tr>'
)


def _distributions(distributions: list[QuestionDistribution]) -> SafeString:
    """Each question's answers by level: its weight, how many chose it and their share, with a bar of that width."""
    head = format_html(
        DISTRIBUTION_HEAD, _("Mức trả lời"), _("Trọng số"), _("Số câu trả lời"), _("Tỷ lệ"), _("Biểu đồ")
    )
    return SafeString(
        "".join(
            format_html(
                DISTRIBUTION,
                pk=distribution.question.pk,
                code=distribution.question.code,
                text=distribution.question.text,
                answers=SafeString(  # as blocktranslate writes it: the translation as it is, the count filled in
                    ngettext("%(count)s câu trả lời", "%(count)s câu trả lời", distribution.total)
                    % {"count": distribution.total}
                ),
                head=head,
                rows=SafeString(
                    "".join(
                        format_html(
                            LEVEL_ROW,
                            label=level.label,
                            weight=points(level.weight),
                            count=count,
                            percent="—" if percent is None else f"{points(percent)}%",
                            bar=percent or 0,
                        )
                        for level, count, percent in distribution.counts
                    )
                ),
            )
            for distribution in distributions
        )
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
    """Anonymous responses with the advisory checks, a page at a time, filtered by unit and by flag in the query
    string; each unit's counts lead to its responses. The council decides, with a reason, what to leave out."""
    survey = get_survey_for_results(request.user, pk)
    hidden = hidden_unit_ids(request.user, survey.period)
    question_count = SurveyQuestion.objects.filter(survey=survey).count()
    units = unit_response_counts(survey, question_count=question_count, hidden_units=hidden)
    filters = ResponseFilterForm(request.GET, units=units)
    unit_id, only_flagged = filters.chosen()
    shown = [unit for unit in units if unit_id in (None, unit.unit_id)]

    def responses_of(unit_ids: list[int]) -> QuerySet[SurveyResponse]:
        listed = response_checks(survey, question_count=question_count, hidden_units=hidden, unit_ids=unit_ids)
        return (listed.filter(is_flagged=True) if only_flagged else listed).select_related("unit", "excluded_by")

    counts = [(unit.unit_id, unit.flagged if only_flagged else unit.total) for unit in shown]
    page = ResponsePaginator(counts, responses_of, RESPONSES_PER_PAGE).get_page(request.GET.get("page"))
    items = []
    for response in page:
        response.survey = survey  # the permission checks read its period: the one already loaded
        items.append((response, response_flags(response, question_count=question_count)))
    may_exclude = bool(items) and can_exclude_response(request.user, items[0][0])
    return render(
        request,
        "scoring/survey/responses.html",
        {
            "survey": survey,
            "period": survey.period,
            "unit_options": _unit_options(filters, unit_id),
            "page": page,
            "rows": _response_rows(
                items,
                survey=survey,
                page_number=page.number,
                only_flagged=only_flagged,
                form_token=get_token(request) if may_exclude else "",
            ),
            "flagged_count": sum(unit.flagged for unit in shown),
            "total": sum(unit.total for unit in shown),
            "only_flagged": only_flagged,
            "unit_id": unit_id,
            "can_manage": can_manage_surveys(request.user, survey.period),
        },
    )


# A page of responses is 30 rows, each with its checks and, for the council, a form to exclude or restore it: filled in
# here by format_html (each word escaped, the fixed words translated once a page, the forms' links reversed once)
# rather than by template nodes, which took 3 ms of the page; so are the unit filter's options (one a unit: 120).
RESPONSE_ROW = (
    '\n    <tr{tone} data-testid="response-row">\n'
    '      <td><a href="?unit={unit_id}{flagged}">{unit}</a></td>\n'
    '      <td class="numeric">{number}</td>\n'
    "      <td>{group}</td>\n"
    "      <td>{submitted_at}</td>\n"
    '      <td class="numeric">{seconds}</td>\n'
    '      <td class="small">{flags}</td>\n'
    '      <td class="small" style="min-width:16rem">\n'
    "        {council}\n"
    "      </td>\n"
    "    </tr>\n  "
)
EXCLUDED = (
    "\n          <div><strong>{excluded}</strong>: {reason}</div>\n"
    '          <div class="text-muted">{by}, {at}</div>\n'
    "          {restore}\n        "
)
RESTORE_FORM = (
    '<form method="post" action="{url}" class="mt-1">{fields}\n'
    '            <label class="visually-hidden" for="restore-{pk}">{reason}</label>\n'
    '            <input class="form-control form-control-sm mb-1" id="restore-{pk}" name="reason" required'
    ' maxlength="2000" placeholder="{reason}">\n'
    '            <button class="btn btn-sm btn-outline-secondary" type="submit">{button}</button></form>'
)
EXCLUDE_FORM = (
    '\n          <form method="post" action="{url}">{fields}\n'
    '            <label class="visually-hidden" for="exclude-{pk}">{label}</label>\n'
    '            <input class="form-control form-control-sm mb-1" id="exclude-{pk}" name="reason" required'
    ' maxlength="2000" placeholder="{reason}">\n'
    '            <button class="btn btn-sm btn-outline-danger" type="submit">{button}</button></form>\n        '
)


def _response_rows(
    items: list[tuple[SurveyResponse, list[str]]],
    *,
    survey: Survey,
    page_number: int,
    only_flagged: bool,
    form_token: str,
) -> SafeString:
    """The responses table's rows: the unit (its responses, keeping the flag filter), the response's number, group,
    time and seconds, its checks, and what the council did or may do (exclude or restore it, with a reason;
    form_token is the CSRF token when this person may)."""
    flagged = SafeString("&amp;flagged=1" if only_flagged else "")
    fields = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">{}<input type="hidden" name="page" value="{}">',
        form_token,
        SafeString('<input type="hidden" name="flagged" value="1">' if only_flagged else ""),
        page_number,
    )
    words = {
        "excluded": _("Đã loại"),
        "restore_reason": _("Lý do tính lại"),
        "restore": _("Tính lại phiếu"),
        "exclude_label": _("Lý do loại phiếu số %(number)s của %(unit)s"),
        "exclude_reason": _("Lý do loại phiếu"),
        "exclude": _("Loại phiếu"),
    }
    groups = {value: str(label) for value, label in RespondentGroup.choices}  # get_group_display: 10-25 µs a row
    url_of = UrlPatterns()
    rows = []
    for response, flags in items:
        if response.is_excluded:
            council = format_html(
                EXCLUDED,
                excluded=words["excluded"],
                reason=response.exclusion_reason,
                by=response.excluded_by.get_full_name() if response.excluded_by else "",
                at=_sent_at(response.excluded_at),
                restore=format_html(
                    RESTORE_FORM,
                    url=url_of("survey_response_restore", survey.pk, response.pk),
                    fields=fields,
                    pk=response.pk,
                    reason=words["restore_reason"],
                    button=words["restore"],
                )
                if form_token
                else "",
            )
        elif form_token:
            council = format_html(
                EXCLUDE_FORM,
                url=url_of("survey_response_exclude", survey.pk, response.pk),
                fields=fields,
                pk=response.pk,
                label=SafeString(
                    words["exclude_label"] % {"number": response.number, "unit": escape(response.unit.name)}
                ),
                reason=words["exclude_reason"],
                button=words["exclude"],
            )
        else:
            council = "—"
        rows.append(
            format_html(
                RESPONSE_ROW,
                tone=SafeString(
                    ' class="table-secondary"' if response.is_excluded else ' class="table-warning"' if flags else ""
                ),
                unit_id=response.unit_id,
                flagged=flagged,
                unit=response.unit.name,
                number=response.number,
                group=groups.get(response.group, response.group),
                submitted_at=_sent_at(response.submitted_at),
                seconds="—" if response.seconds_taken is None else response.seconds_taken,
                flags=SafeString("".join(format_html("<div>{}</div>", flag) for flag in flags) or "—"),
                council=council,
            )
        )
    return SafeString("".join(rows))


def _sent_at(moment: datetime | None) -> str:
    """A moment as the `date:"H:i d/m/Y"` filter writes it, in the portal's time zone (strftime: a fifth of
    dateformat's time, 30 times a page)."""
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y") if moment else ""


def _unit_options(filters: ResponseFilterForm, unit_id: int | None) -> SafeString:
    """The unit filter's options, the chosen unit selected."""
    return SafeString(
        "".join(
            format_html(
                '<option value="{}"{}>{}</option>', value, SafeString(" selected" if value == unit_id else ""), label
            )
            for value, label in filters.fields["unit"].choices
        )
    )


def _response_action(request: HttpRequest, pk: int, response_pk: int, action, success: str) -> HttpResponse:
    survey = get_survey_for_results(request.user, pk)
    response = get_response_for_exclusion(request.user, survey, response_pk)
    if not can_exclude_response(request.user, response):
        raise PermissionDenied(_("Chỉ Hội đồng thẩm định loại phiếu trả lời, trước khi khối được chốt."))
    back = _back_to_list(request, pk, response.unit_id)

    def run(data: dict) -> str:
        action(actor=request.user, response=response, reason=data["reason"])
        return success

    perform(request, run, ReasonForm(request.POST))
    return redirect(back)


def _back_to_list(request: HttpRequest, pk: int, unit_id: int) -> str:
    """The list the action was taken from: the response's unit, and the flag filter and page it was shown on."""
    query = {"unit": unit_id}
    if request.POST.get("flagged") == "1":
        query["flagged"] = 1
    if request.POST.get("page", "").isdigit():
        query["page"] = request.POST["page"]
    return f"{reverse('survey_responses', kwargs={'pk': pk})}?{urlencode(query)}"


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
