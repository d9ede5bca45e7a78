"""The appraisal council's pages: the queue of sheets to appraise and the side-by-side workspace (htmx rows)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from scoring.appraisal.forms import AdjustmentForm, CouncilScoreForm, ExplanationFlagForm
from scoring.appraisal.selectors import (
    FILTERS,
    AppraisalRow,
    QueueSheet,
    adjustment_lines,
    appraisal_queue,
    appraisal_workspace,
    filter_rows,
    seat_has_work,
)
from scoring.appraisal.services import adjustment_record, appraisal_record, explanation_flag, explanation_withdraw
from scoring.feedback import add_service_error, flash_errors
from scoring.frameworks.selectors import current_period
from scoring.markup import format_html
from scoring.models import AdjustmentItem, Assessment, ExplanationRequest, Period, Stage
from scoring.permissions.appraisal import (
    can_appraise,
    can_appraise_whole_sheet,
    council_seat,
    get_assessment_for_appraisal,
)
from scoring.sheets.forms import score_form_initial
from scoring.sheets.services import StaleScoreError
from scoring.templatetags.scoring_urls import UrlPatterns
from scoring.text import number_text

READ_ONLY = gettext_lazy(
    "Phiếu này chỉ xem được: khối đã chốt kết quả thẩm định hoặc kỳ không còn ở giai đoạn thẩm định."
)


def _only(request: HttpRequest) -> str:
    only = request.GET.get("only", "")
    return only if only in FILTERS else ""


@login_required
def appraisal_queue_view(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year", "")
    period = get_object_or_404(Period, year=year) if year.isdigit() else current_period()
    seat = council_seat(request.user, period) if period else None
    only = _only(request)
    sheets = appraisal_queue(request.user, period, only=only) if period else []
    return render(
        request,
        "scoring/appraisal/queue.html",
        {
            "period": period,
            "is_member": bool(seat and seat.is_member),
            "has_work": bool(seat and seat_has_work(seat)),
            "rows": _queue_rows(sheets),
            "only": only,
        },
    )


# A chair's queue holds every unit (200 rows at 200 units). Each row is this markup filled in by format_html (each
# word escaped): as template nodes placing the same text (17 values and 2 conditions a row) the rows took 8 ms of
# rendering, a third of the page's budget; filled here they take about 1 ms.
QUEUE_ROW = (
    '<tr data-testid="queue-row">\n'
    '  <th scope="row"><a href="{url}">{unit}</a></th>\n'
    "  <td>{block}</td>\n"
    '  <td style="min-width:11rem">\n'
    '    <div class="progress" role="progressbar" aria-label="{label}" aria-valuenow="{appraised}" aria-valuemin="0"'
    ' aria-valuemax="{assigned}"><div class="progress-bar" style="width: {percent}%"></div></div>\n'
    '    <span class="small" data-testid="progress">{appraised}/{assigned}</span>\n'
    "  </td>\n"
    '  <td class="numeric" data-testid="differs">{differs}</td>\n'
    '  <td class="numeric" data-testid="evidence-missing">{missing}</td>\n'
    '  <td class="numeric" data-testid="evidence-reason">{reason}</td>\n'
    '  <td class="numeric" data-testid="open-requests">{open_requests}</td>\n'
    '  <td><span class="badge {badge}">{status}</span></td>\n'
    "</tr>\n"
)


def _queue_rows(sheets: list[QueueSheet]) -> SafeString:
    """The queue's table rows: each unit linked to its workspace, its progress bar labelled for screen readers, the
    evidence counts linked to the workspace's matching filter, and its status badge."""
    finalised, read_only, done, in_progress = (
        (_("Khối đã chốt"), "text-bg-dark"),
        (_("Chỉ xem"), "text-bg-secondary"),
        (_("Đã thẩm định vòng 1"), "text-bg-success"),
        (_("Đang thẩm định"), "text-bg-warning"),
    )
    label = _("Tiến độ thẩm định %(unit)s")
    url_of = UrlPatterns()
    rows = []
    for sheet in sheets:
        if sheet.is_finalised:
            status, badge = finalised
        elif not sheet.can_appraise:
            status, badge = read_only
        elif sheet.appraised_count == sheet.assigned_count:
            status, badge = done
        else:
            status, badge = in_progress
        url = url_of("appraisal_workspace", sheet.pk)
        rows.append(
            format_html(
                QUEUE_ROW,
                url=url,
                unit=sheet.unit_name,
                block=sheet.block_name,
                label=label % {"unit": sheet.unit_name},
                appraised=sheet.appraised_count,
                assigned=sheet.assigned_count,
                percent=sheet.progress_percent,
                differs=sheet.differs_count,
                missing=_count_link(sheet.evidence_missing_count, f"{url}?only=evidence"),
                reason=_count_link(sheet.evidence_reason_count, f"{url}?only=reason"),
                open_requests=sheet.open_requests_count,
                badge=badge,
                status=status,
            )
        )
    return SafeString("".join(rows))


def _count_link(count: int, url: str) -> SafeString:
    return format_html('<a href="{}">{}</a>', url, count) if count else SafeString("0")


def _row_context(
    row: AppraisalRow,
    *,
    can_write: bool,
    round_one_form: CouncilScoreForm | None = None,
    round_two_form: CouncilScoreForm | None = None,
    flag_form: ExplanationFlagForm | None = None,
) -> dict:
    """Forms of one row: round 1 always (prefilled from the unit's inputs until the council saves), round 2
    once the explanation is in, and the explanation request while it is still only proposed."""
    criterion = row.criterion
    if not can_write:
        return {"row": row, "round_one_form": None, "round_two_form": None, "flag_form": None}
    if round_one_form is None:
        initial = score_form_initial(row.round_one)
        if row.round_one is None and row.own is not None:
            initial = {**score_form_initial(row.own), "explanation": "", "version": 0}
        round_one_form = CouncilScoreForm(criterion=criterion, stage=Stage.ROUND_1, initial=initial)
    if round_two_form is None and row.is_round_two_open:
        initial = score_form_initial(row.round_two)
        if row.round_two is None and row.round_one is not None:
            initial = {**score_form_initial(row.round_one), "explanation": "", "version": 0}
        round_two_form = CouncilScoreForm(criterion=criterion, stage=Stage.ROUND_2, initial=initial)
    if flag_form is None and (row.request is None or row.request.state == ExplanationRequest.State.FLAGGED):
        flag_form = ExplanationFlagForm(
            criterion=criterion, initial={"message": row.request.message if row.request else ""}
        )
    return {
        "row": row,
        "round_one_form": round_one_form,
        "round_two_form": round_two_form if row.is_round_two_open else None,
        "flag_form": flag_form,
    }


@login_required
def appraisal_workspace_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_assessment_for_appraisal(request.user, pk)
    can_write = can_appraise(request.user, assessment)
    can_adjust = can_appraise_whole_sheet(request.user, assessment)
    workspace = appraisal_workspace(request.user, assessment)
    only = _only(request)
    rows = [_row_context(row, can_write=can_write) for row in filter_rows(workspace.rows, only)]
    lines = adjustment_lines(assessment)
    return render(
        request,
        "scoring/appraisal/workspace.html",
        {
            "assessment": assessment,
            "period": assessment.period,
            "workspace": workspace,
            "progress": workspace.progress,
            "rows": rows,
            "only": only,
            "can_write": can_write,
            "is_finalised": assessment.unit.block_id
            in council_seat(request.user, assessment.period).finalised_block_ids,
            "adjustments": [
                {"line": line, "form": _adjustment_form(line.item, line.entry) if can_adjust else None}
                for line in lines
            ],
        },
    )


def _writable(request: HttpRequest, pk: int, *, whole_sheet: bool = False) -> Assessment:
    """The sheet for a write: 404 as for viewing, 403 once the block is finalised or the period moved on, and for a
    write about the whole sheet (bonus, penalty) 403 unless the member was given all of it."""
    assessment = get_assessment_for_appraisal(request.user, pk)
    if not can_appraise(request.user, assessment):
        raise PermissionDenied(str(READ_ONLY))
    if whole_sheet and not can_appraise_whole_sheet(request.user, assessment):
        raise PermissionDenied(_("Chỉ thành viên được giao cả phiếu (hoặc Chủ tịch Hội đồng) cho điểm thưởng / trừ."))
    return assessment


def _assigned_row(request: HttpRequest, assessment: Assessment, criterion_pk: int) -> AppraisalRow:
    rows = appraisal_workspace(request.user, assessment, criterion_id=criterion_pk).rows
    if not rows:  # not a leaf of this sheet, or not in the areas given to this member
        raise Http404
    return rows[0]


def _render_row(request: HttpRequest, assessment: Assessment, context: dict, **extra) -> HttpResponse:
    """The row again, with the workspace's counters refreshed out of band (counted in SQL, not from every row)."""
    counts = appraisal_queue(request.user, assessment.period, assessment_id=assessment.pk)
    return render(
        request,
        "scoring/appraisal/workspace.html#row_with_summary",
        {
            "assessment": assessment,
            "can_write": True,
            "progress": counts[0] if counts else None,
            "oob": True,
            **context,
            **extra,
        },
    )


def _back_to_row(assessment: Assessment, criterion_pk: int) -> HttpResponse:
    return redirect(f"{reverse('appraisal_workspace', args=[assessment.pk])}#row-{criterion_pk}")


def _answer_saved(
    request: HttpRequest, assessment: Assessment, row: AppraisalRow, message: str, **flags
) -> HttpResponse:
    """After a row's write: a plain POST goes back to the row with the message; htmx gets the row as it now is."""
    if not request.htmx:
        messages.success(request, message)
        return _back_to_row(assessment, row.criterion.pk)
    row = _assigned_row(request, assessment, row.criterion.pk)
    return _render_row(request, assessment, _row_context(row, can_write=True), **flags)


def _answer_refused(request: HttpRequest, assessment: Assessment, row: AppraisalRow, form, **forms) -> HttpResponse:
    """A refused write: the problems as messages on the row (plain POST), or the row with its form's errors."""
    if not request.htmx:
        flash_errors(request, form, prefix=row.criterion.code)
        return _back_to_row(assessment, row.criterion.pk)
    return _render_row(request, assessment, _row_context(row, can_write=True, **forms))


@login_required
@require_POST
def appraisal_score_save(request: HttpRequest, pk: int, criterion_pk: int, stage: str) -> HttpResponse:
    if stage not in (Stage.ROUND_1, Stage.ROUND_2):
        raise Http404
    assessment = _writable(request, pk)
    row = _assigned_row(request, assessment, criterion_pk)
    if stage == Stage.ROUND_2 and not row.is_round_two_open:
        raise PermissionDenied(_("Vòng 2 chỉ chấm các tiêu chí đã có giải trình hoặc đã hết hạn giải trình."))
    form = CouncilScoreForm(request.POST, criterion=row.criterion, stage=stage)
    forms = {"round_one_form" if stage == Stage.ROUND_1 else "round_two_form": form}
    if form.is_valid():
        try:
            appraisal_record(
                actor=request.user,
                assessment=assessment,
                criterion=row.criterion,
                stage=stage,
                data=form.score_input(),
                expected_version=form.cleaned_data["version"],
            )
        except StaleScoreError as stale:
            if not request.htmx:
                messages.error(request, f"{row.criterion.code}: {stale}")
                return _back_to_row(assessment, criterion_pk)
            row = _assigned_row(request, assessment, criterion_pk)  # the newer value, shown and put in the form
            fresh = CouncilScoreForm(criterion=row.criterion, stage=stage, initial=score_form_initial(stale.current))
            forms = {"round_one_form" if stage == Stage.ROUND_1 else "round_two_form": fresh}
            return _render_row(
                request,
                assessment,
                _row_context(row, can_write=True, **forms),
                conflict=str(stale),
                conflict_score=stale.current,
            )
        except ValidationError as error:
            form.add_rule_error(error)
        else:
            message = _("Đã lưu thẩm định tiêu chí %(code)s.") % {"code": row.criterion.code}
            return _answer_saved(request, assessment, row, message, saved=True)
    return _answer_refused(request, assessment, row, form, **forms)


@login_required
@require_POST
def appraisal_flag(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    """Propose asking the unit to explain this criterion (the secretary sends the proposals)."""
    assessment = _writable(request, pk)
    row = _assigned_row(request, assessment, criterion_pk)
    form = ExplanationFlagForm(request.POST, criterion=row.criterion)
    if form.is_valid():
        try:
            explanation_flag(
                actor=request.user, assessment=assessment, criterion=row.criterion, message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            message = _("Đã đề xuất giải trình tiêu chí %(code)s.") % {"code": row.criterion.code}
            return _answer_saved(request, assessment, row, message, flagged=True)
    return _answer_refused(request, assessment, row, form, flag_form=form)


@login_required
@require_POST
def appraisal_flag_withdraw(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    assessment = _writable(request, pk)
    row = _assigned_row(request, assessment, criterion_pk)
    if row.request is None:
        raise Http404
    problem = ""
    try:
        explanation_withdraw(actor=request.user, request=row.request)
    except ValidationError as error:
        problem = " ".join(error.messages)
    if not request.htmx:
        if problem:
            messages.error(request, problem)
        return _back_to_row(assessment, criterion_pk)
    row = _assigned_row(request, assessment, criterion_pk)
    return _render_row(request, assessment, _row_context(row, can_write=True), problem=problem)


def _adjustment_form(item: AdjustmentItem, entry, data=None) -> AdjustmentForm:
    initial = {"points": number_text(entry.points), "reason": entry.reason} if entry else {}
    return AdjustmentForm(data, item_pk=item.pk, initial=initial)


@login_required
@require_POST
def appraisal_adjustment_save(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Bonus or penalty points for the sheet; 0 withdraws them. Answers with the whole section (htmx)."""
    assessment = _writable(request, pk, whole_sheet=True)
    item = get_object_or_404(AdjustmentItem, pk=item_pk, framework_id=assessment.framework_id)
    form = AdjustmentForm(request.POST, item_pk=item.pk)
    saved = False
    if form.is_valid():
        try:
            adjustment_record(
                actor=request.user,
                assessment=assessment,
                item=item,
                points=form.cleaned_data["points"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            saved = True
    if not request.htmx:
        if saved:
            messages.success(request, _("Đã lưu điểm thưởng / trừ %(code)s.") % {"code": item.code})
        flash_errors(request, form, prefix=item.code)
        return redirect(f"{reverse('appraisal_workspace', args=[pk])}#adjustments")
    lines = adjustment_lines(assessment)
    adjustments = [
        {
            "line": line,
            "form": form if line.item.pk == item.pk and not saved else _adjustment_form(line.item, line.entry),
            "saved": saved and line.item.pk == item.pk,
        }
        for line in lines
    ]
    return render(
        request,
        "scoring/appraisal/workspace.html#adjustments",
        {"assessment": assessment, "adjustments": adjustments, "can_write": True},
    )
