"""The unit's scoresheet: fill in, save row by row (htmx), review and submit; reopen by the secretary."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from evidence.selectors import links_by_criterion, unit_library
from scoring.feedback import flash_errors, import_page, perform
from scoring.frameworks.selectors import TreeNode, build_tree, current_period
from scoring.models import Assessment, Criterion, ExplanationRequest, Period, RuleType, Score, ScoreChange, Stage
from scoring.officers.selectors import preparers_of
from scoring.permissions.appraisal import can_see_council_scores
from scoring.permissions.sheets import (
    can_edit_self_assessment,
    can_reopen_assessment,
    can_submit_assessment,
    effective_deadline,
    get_assessment_for_view,
    is_locked_at_deadline,
    is_past_deadline,
)
from scoring.plans.selectors import last_year_by_code
from scoring.rules import Rule, compute_points
from scoring.sheets.forms import ReopenForm, ScoreForm, SubmitConfirmForm, score_form_initial
from scoring.sheets.rows import SheetRow, SheetRowBuilder, jump_options, options_by_criterion
from scoring.sheets.selectors import (
    assessments_visible_to,
    council_final_scores,
    evidence_link_count,
    filter_sheet_rows,
    load_sheet_summary,
    sheet_figures,
    sheet_scores,
    sheet_summary,
)
from scoring.sheets.services import StaleScoreError, assessment_reopen, assessment_submit, points_for, self_score_record
from scoring.sheets.workbook import sheet_export, sheet_export_filename, sheet_import
from scoring.signing.selectors import latest_receipt
from scoring.spreadsheets import xlsx_download
from units.roles import is_secretary


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year")
    period = get_object_or_404(Period, year=year) if year and year.isdigit() else current_period()
    assessments = list(assessments_visible_to(request.user, period)) if period else []
    if len(assessments) == 1 and not is_secretary(request.user) and "year" not in request.GET:
        return redirect("assessment_sheet", pk=assessments[0].pk)
    return render(request, "scoring/sheets/list.html", {"period": period, "assessments": assessments})


def _leaf(assessment: Assessment, criterion_pk: int, *, scored_by_unit: bool = False) -> Criterion:
    criteria = Criterion.objects.filter(framework_id=assessment.framework_id, pk=criterion_pk)
    if scored_by_unit:
        criteria = criteria.exclude(rule_type=RuleType.SURVEY)
    criterion = criteria.exclude(rule_type="").prefetch_related("options").first()
    if criterion is None:
        raise Http404
    return criterion


def _sheet_context(request: HttpRequest, assessment: Assessment) -> dict:
    # The tree without its options prefetched: the options come in one query grouped in Python (a prefetch builds
    # a queryset for each of 120 criteria to hand them out).
    tree = build_tree(assessment.framework, Criterion.objects.filter(framework_id=assessment.framework_id))
    can_edit = can_edit_self_assessment(request.user, assessment)
    # The forms list every option; a sheet nobody edits here names only the chosen levels, which come with the scores.
    scores = sheet_scores(assessment, with_option_label=not can_edit)
    options = (
        options_by_criterion(assessment.framework_id)
        if can_edit
        else {
            score.criterion_id: [(score.option_id, score.option_label_chosen)]
            for score in scores.values()
            if score.option_id is not None
        }
    )
    links = links_by_criterion(assessment)
    evidence = {criterion_id: len(items) for criterion_id, items in links.items()}
    summary = sheet_summary(assessment, tree=tree, scores=scores, evidence=evidence)
    is_locked = is_locked_at_deadline(assessment)
    evidence_open = request.GET.get("evidence", "")  # without JavaScript: this row's "add evidence" forms inline
    with_council = can_see_council_scores(request.user, assessment)
    council = council_final_scores(assessment) if with_council else {}
    last_year = last_year_by_code(assessment)  # last year's final score and plan on each criterion
    preparers = preparers_of(assessment)  # who prepares each criterion; ?officer= shows only theirs
    officer_filter = request.GET.get("officer", "")
    builder = SheetRowBuilder(request=request, assessment_pk=assessment.pk, can_edit=can_edit, options=options)
    leaves = tree.leaves
    for node in leaves:  # the read-only value reads the rule: reuse the loaded criterion
        if node.criterion.id in scores:
            scores[node.criterion.id].criterion = node.criterion
    rows = [
        SheetRow(
            node=node,
            score=scores.get(node.criterion.id),
            form=ScoreForm(
                criterion=node.criterion,
                options=options.get(node.criterion.id, []),
                initial=score_form_initial(scores.get(node.criterion.id)),
            )
            if node.is_leaf and can_edit and node.criterion.rule_type != RuleType.SURVEY
            else None,
            links=links.get(node.criterion.id, []),
            evidence_open=evidence_open == str(node.criterion.id),
            council=council.get(node.criterion.id),
            last_year=last_year.get(node.criterion.code),
            preparer=preparers.get(node.criterion.id),
        )
        for node in tree.nodes
        if not node.is_leaf or _prepared_by(preparers.get(node.criterion.id), officer_filter)
    ]
    area = request.GET.get("area", "")
    area = area if area in {node.criterion.code for node in tree.roots} else ""
    only = request.GET.get("only", "")
    visible_rows, filters, area_total = filter_sheet_rows(
        rows,
        only=only,
        area=area,
        missing_ids={criterion.id for criterion in summary.evidence_missing},
        with_council=with_council,
    )
    shown = [builder.write(row) if row.node.is_leaf else row for row in visible_rows]
    return {
        "assessment": assessment,
        "period": assessment.period,
        "rows": shown,
        "rows_html": builder.rows_html(shown),  # the rows in one string where none has a form
        "row_total": area_total,
        "row_shown": sum(row.node.is_leaf for row in visible_rows),
        "filters": filters,
        "only": next((item.key for item in filters if item.is_active), ""),
        "area": area,
        "areas": [node.criterion for node in tree.roots],
        "jump_options": jump_options(node.criterion for node in leaves),
        "with_council": with_council,
        "summary": summary,
        "library": list(unit_library(unit_id=assessment.unit_id, period_id=assessment.period_id)) if can_edit else [],
        "can_edit": can_edit,
        "is_locked": is_locked,
        "is_read_only": not (can_edit or is_locked or assessment.is_submitted),
        "can_submit": can_submit_assessment(request.user, assessment),
        "can_reopen": can_reopen_assessment(request.user, assessment),
        "deadline": effective_deadline(assessment),
        "reopen_form": ReopenForm(),
        "officers": sorted({officer.pk: officer for officer in preparers.values()}.values(), key=str),
        "officer_filter": officer_filter,
        # What the row partial reads when it answers a save, set here too: a missing variable costs the template
        # engine an exception on each of 120 rows.
        "saved": False,
        "conflict": "",
        "evidence_errors": None,
        "explanation_count": assessment.explanation_requests.exclude(state=ExplanationRequest.State.FLAGGED).count()
        if assessment.state == Assessment.State.SUBMITTED  # only a submitted sheet is appraised
        else 0,
    }


def _prepared_by(officer, wanted: str) -> bool:
    """The sheet's officer filter: "" shows every row, "none" the rows nobody was named for, a user id theirs."""
    if not wanted:
        return True
    if wanted == "none":
        return officer is None
    return officer is not None and str(officer.pk) == wanted


@login_required
def assessment_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_assessment_for_view(request.user, pk)
    target = request.GET.get("goto", "")
    if target.isdigit():  # the jump list without JavaScript: the whole sheet, scrolled to that criterion
        return redirect(f"{assessment_url(assessment.pk)}#row-{target}")
    return render(request, "scoring/sheets/sheet.html", _sheet_context(request, assessment))


def _row_response(
    request, assessment, criterion, form, score: Score | None, *, saved: bool, conflict: str = ""
) -> HttpResponse:
    """The saved row and the summary panel (out of band): only this criterion's evidence, the figures in SQL."""
    builder = SheetRowBuilder(
        request=request,
        assessment_pk=assessment.pk,
        can_edit=True,
        options={criterion.pk: [(option.pk, option.label) for option in criterion.options.all()]},
        next_url=assessment_url(assessment.pk),
    )
    row = SheetRow(
        node=TreeNode(criterion),
        score=score,
        form=form,
        links=links_by_criterion(assessment, criterion_id=criterion.id).get(criterion.id, []),
        last_year=last_year_by_code(assessment, code=criterion.code).get(criterion.code),
        preparer=preparers_of(assessment, criterion_id=criterion.id).get(criterion.id),
    )
    context = {
        "assessment": assessment,
        "row": builder.write(row),
        "summary": sheet_figures(assessment),
        "can_edit": True,
        "saved": saved,
        "conflict": conflict,
        "oob": True,
    }
    return render(request, "scoring/sheets/sheet.html#row_with_summary", context)


@login_required
def assessment_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary panel alone, refreshed after evidence changes (htmx); a person who opens it goes to the sheet."""
    assessment = get_assessment_for_view(request.user, pk)
    if not request.htmx:  # a fragment has no title, language or navigation of its own
        return redirect(f"{assessment_url(assessment.pk)}#sheet-summary")
    return render(
        request,
        "scoring/sheets/sheet.html#summary",
        {"assessment": assessment, "summary": sheet_figures(assessment)},
    )


@login_required
@require_POST
def score_save(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    assessment = get_assessment_for_view(request.user, pk)
    if not can_edit_self_assessment(request.user, assessment):
        raise PermissionDenied(_("Phiếu tự đánh giá đã khóa hoặc bạn không có quyền sửa."))
    criterion = _leaf(assessment, criterion_pk, scored_by_unit=True)
    form = ScoreForm(request.POST, criterion=criterion)
    if form.is_valid():
        try:
            saved_score = self_score_record(
                actor=request.user,
                assessment=assessment,
                criterion=criterion,
                data=form.score_input(),
                expected_version=form.cleaned_data["version"],
            )
        except StaleScoreError as stale:
            fresh = ScoreForm(criterion=criterion, initial=score_form_initial(stale.current))
            if not request.htmx:
                messages.error(request, str(stale))
                return redirect("assessment_sheet", pk=pk)
            return _row_response(request, assessment, criterion, fresh, stale.current, saved=False, conflict=str(stale))
        except ValidationError as error:
            form.add_rule_error(error)
        else:
            if not request.htmx:
                messages.success(request, _("Đã lưu tiêu chí %(code)s.") % {"code": criterion.code})
                return redirect(f"{assessment_url(pk)}#row-{criterion.pk}")
            form = ScoreForm(criterion=criterion, initial=score_form_initial(saved_score))
            return _row_response(request, assessment, criterion, form, saved_score, saved=True)
    if not request.htmx:
        flash_errors(request, form, prefix=criterion.code)
        return redirect(f"{assessment_url(pk)}#row-{criterion.pk}")
    score = Score.objects.filter(assessment=assessment, criterion=criterion, stage=Stage.SELF).first()
    return _row_response(request, assessment, criterion, form, score, saved=False)


def assessment_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("assessment_sheet", args=[pk])


@login_required
@require_POST
def score_preview(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    """The points the current inputs would earn, shown as the user types; nothing is saved."""
    assessment = get_assessment_for_view(request.user, pk)
    if not can_edit_self_assessment(request.user, assessment):
        raise PermissionDenied
    criterion = _leaf(assessment, criterion_pk, scored_by_unit=True)
    form = ScoreForm(request.POST, criterion=criterion)
    points, error = None, ""
    if form.is_valid():
        data = form.score_input()
        try:
            points = (
                points_for(criterion, data)
                if data.is_not_applicable
                else compute_points(Rule.of(criterion), data.entry)
            )
        except ValidationError as exc:
            error = exc.messages[0]
    return render(
        request,
        "scoring/sheets/sheet.html#preview",
        {
            "criterion": criterion,
            "preview_points": points,
            "preview_error": error,
            "is_not_applicable": form.is_valid() and form.cleaned_data.get("is_not_applicable"),
        },
    )


@login_required
def assessment_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_assessment_for_view(request.user, pk)
    summary = load_sheet_summary(assessment)
    can_submit = can_submit_assessment(request.user, assessment)
    confirm_form = SubmitConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_submit:
            raise PermissionDenied
        try:
            if not confirm_form.is_valid():
                raise ValidationError(confirm_form.errors["confirm"])
            assessment_submit(actor=request.user, assessment=assessment)
        except ValidationError as error:
            flash_errors(request, error)
        else:
            assessment.refresh_from_db()
            if assessment.is_late:
                messages.warning(request, _("Đã nộp phiếu sau hạn; phiếu được ghi nhận là nộp muộn."))
            else:
                messages.success(request, _("Đã nộp phiếu tự đánh giá. Phiếu đã khóa, chờ Hội đồng thẩm định."))
            return redirect("assessment_sheet", pk=pk)
    return render(
        request,
        "scoring/sheets/submit.html",
        {
            "assessment": assessment,
            "summary": summary,
            "can_submit": can_submit,
            "confirm_form": confirm_form,
            "evidence_count": evidence_link_count(assessment),
            "deadline": effective_deadline(assessment),
            "is_past_deadline": is_past_deadline(assessment),
            "receipt": latest_receipt(assessment) if assessment.state == Assessment.State.SUBMITTED else None,
        },
    )


@login_required
@require_POST
def assessment_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_assessment_for_view(request.user, pk)
    if not can_reopen_assessment(request.user, assessment):
        raise PermissionDenied

    def reopen(data: dict) -> str:
        assessment_reopen(actor=request.user, assessment=assessment, **data)
        return _("Đã mở lại phiếu của %(unit)s.") % {"unit": assessment.unit}

    perform(request, reopen, ReopenForm(request.POST))
    return redirect("assessment_sheet", pk=pk)


@login_required
def score_history(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    """Every change of one criterion's scores on this sheet: who, when, old, new, why."""
    assessment = get_assessment_for_view(request.user, pk)
    criterion = _leaf(assessment, criterion_pk)
    changes = (
        ScoreChange.objects.filter(score__assessment=assessment, score__criterion=criterion)
        .select_related("actor", "score")
        .order_by("-at", "-id")
    )
    if not can_see_council_scores(request.user, assessment):
        changes = changes.filter(score__stage=Stage.SELF)
    return render(
        request,
        "scoring/sheets/score_history.html",
        {"assessment": assessment, "criterion": criterion, "changes": list(changes)},
    )


"""Download the self-assessment sheet as Excel and upload it back once filled offline."""


class SheetImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel đã điền (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )


@login_required
def sheet_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_assessment_for_view(request.user, pk)
    return xlsx_download(sheet_export(assessment=assessment), sheet_export_filename(assessment))


@login_required
def sheet_import_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_assessment_for_view(request.user, pk)
    if not can_edit_self_assessment(request.user, assessment):
        raise PermissionDenied(_("Phiếu tự đánh giá đã khóa hoặc bạn không có quyền sửa."))
    return import_page(
        request,
        SheetImportForm,
        lambda file: sheet_import(actor=request.user, assessment=assessment, file=file).changed,
        done=_("Đã nhập %(count)s tiêu chí từ tệp Excel."),
        unchanged=_("Tệp Excel không có thay đổi nào so với phiếu trên cổng."),
        next_url=reverse("assessment_sheet", args=[pk]),
        template="scoring/sheets/import.html",
        context={"assessment": assessment, "deadline": effective_deadline(assessment)},
    )
