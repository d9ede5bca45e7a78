"""The council's pages: the secretary's dashboard and management, survey import, and the chair's finalisation."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from scoring.appraisal.selectors import AppraisalGap, requests_to_settle
from scoring.appraisal.services import block_finalise, explanation_send, explanation_withdraw
from scoring.council.forms import (
    AssignmentForm,
    ConflictForm,
    ExplanationSendForm,
    MemberAddForm,
    StartAppraisalForm,
    SurveyImportForm,
)
from scoring.council.selectors import (
    BlockStatus,
    DaysLeft,
    block_statuses,
    council_candidates,
    council_users,
    days_until,
    flagged_explanations,
    flagged_of,
    largest_differences,
    member_workloads,
    period_areas,
    period_units,
    unit_progress,
)
from scoring.council.services import (
    assignment_add,
    assignment_remove,
    conflict_declare,
    conflict_remove,
    council_chair_set,
    council_member_add,
    council_member_remove,
    period_start_appraisal,
)
from scoring.council.survey import survey_import, survey_template, survey_template_filename
from scoring.feedback import import_page, perform
from scoring.frameworks.selectors import current_period
from scoring.models import AppraisalAssignment, ConflictDeclaration, CouncilMembership, ExplanationRequest, Period
from scoring.permissions.appraisal import APPRAISAL_STATES, can_open_workspace, council_seat
from scoring.permissions.council import can_finalise, can_manage_council, can_read_overview
from scoring.permissions.periods import get_period_for
from scoring.spreadsheets import xlsx_download
from scoring.templatetags.scoring_urls import UrlPatterns
from units.models import Block, Unit, User


def _period(request: HttpRequest, year: int) -> Period:
    """The period if the person reads the council's dashboard; 404 for everyone else (missing or not theirs)."""
    return get_period_for(request.user, year, can_read_overview)


def _managed_period(request: HttpRequest, year: int) -> Period:
    """Readers of the dashboard who may not manage get 403; anyone else 404."""
    period = _period(request, year)
    if not can_manage_council(request.user, period):
        raise PermissionDenied(_("Chỉ Thư ký Hội đồng được quản lý Hội đồng thẩm định."))
    return period


@dataclass(frozen=True)
class Blocker:
    """A gap that keeps a block open, as the chair or the secretary reads it: its words and where to act on it."""

    message: str
    url: str | None


def _blocker(user: User, period: Period, gap: AppraisalGap, *, is_manager: bool, url_of: UrlPatterns) -> Blocker:
    """The workspace row (or round-1 list) when the person appraises that unit, else the unit's sheet; a proposal
    not yet sent, for the secretary, the list below where it is sent or withdrawn. A conflicted person's units
    carry no sheet: counted, never named, never linked."""
    if gap.assessment_id is None or gap.unit_id is None:
        return Blocker(gap.message, None)
    if gap.kind == AppraisalGap.Kind.FLAGGED and is_manager:
        return Blocker(gap.message, "#explanations-heading")
    anchor = f"#row-{gap.criterion_id}" if gap.criterion_id else ""
    if can_open_workspace(user, gap.unit_id, period, area_code=gap.area_code):
        todo = "" if gap.criterion_id else "?only=todo"
        return Blocker(gap.message, f"{url_of('appraisal_workspace', gap.assessment_id)}{todo}{anchor}")
    return Blocker(gap.message, f"{url_of('assessment_sheet', gap.assessment_id)}{anchor}")


SHOWN_BLOCKERS = 8  # a block's card lists its first gaps and counts the others


def _blocks(
    user: User, period: Period, statuses: list[BlockStatus], *, is_manager: bool
) -> list[tuple[BlockStatus, list[Blocker], int]]:
    """Each block with the blockers its card lists, each linked (each link's pattern reversed once a page), and how
    many more it only counts."""
    url_of = UrlPatterns()
    return [
        (
            status,
            [
                _blocker(user, period, gap, is_manager=is_manager, url_of=url_of)
                for gap in status.blockers[:SHOWN_BLOCKERS]
            ],
            max(status.blocker_count - SHOWN_BLOCKERS, 0),
        )
        for status in statuses
    ]


def _deadlines(period: Period) -> list[tuple[str, object, DaysLeft]]:
    return [
        (label, moment, DaysLeft.of(days_until(moment)))
        for label, moment in (
            (_("Hạn tự đánh giá"), period.self_assessment_deadline),
            (_("Hạn thẩm định"), period.appraisal_deadline),
            (_("Hạn giải trình"), period.explanation_deadline),
            (_("Hạn kiến nghị kết quả sơ bộ"), period.objection_deadline),
        )
    ]


@login_required
def council_overview(request: HttpRequest, year: int) -> HttpResponse:
    period = _period(request, year)
    is_manager = can_manage_council(request.user, period)
    seat = council_seat(request.user, period)
    progress = unit_progress(period, viewer=request.user)
    sees_blocks = seat.is_chair or is_manager
    # the flagged list and the blockers; none to read while no sheet has an explanation request (round 1, mostly)
    requests = list(requests_to_settle(period)) if sees_blocks and progress.has_explanation_requests else []
    flagged = flagged_of(requests) if is_manager else []
    context = {
        "period": period,
        "can_manage": is_manager,
        "can_send_explanations": can_manage_council(request.user, period) and period.state in APPRAISAL_STATES,
        "is_chair": seat.is_chair,
        "can_finalise": can_finalise(request.user, period),
        "deadlines": _deadlines(period),
        "progress": progress,
        "loads": member_workloads(period, viewer=request.user, sheets=progress.sheets, counts=progress.counts),
        "differences": largest_differences([row.pk for row in progress.rows], stamp=progress.stamp),
        "explanation_totals": progress.explanation_totals,
        "flagged": flagged,
        "send_form": ExplanationSendForm(flagged=flagged),
        "blocks": _blocks(
            request.user,
            period,
            block_statuses(period, viewer=request.user, progress=progress, requests=requests, listed=SHOWN_BLOCKERS),
            is_manager=is_manager,
        )
        if sees_blocks
        else [],
        "start_form": StartAppraisalForm(),
        "can_start_appraisal": is_manager and period.state == Period.State.SELF_ASSESSMENT,
    }
    return render(request, "scoring/council/overview.html", context)


@login_required
def council_members(request: HttpRequest, year: int) -> HttpResponse:
    period = _managed_period(request, year)
    loads = member_workloads(period, with_conflicts=True)
    members = [load.user for load in loads]
    units = list(period_units(period))
    areas = period_areas(period)
    context = {
        "period": period,
        "loads": loads,
        "member_form": MemberAddForm(candidates=list(council_candidates(period))),
        "assignment_form": AssignmentForm(members=members, units=units, areas=areas),
        "conflict_form": ConflictForm(members=members, units=units, prefix="conflict"),
        "areas": areas,
    }
    return render(request, "scoring/council/members.html", context)


@login_required
@require_POST
def council_member_add_view(request: HttpRequest, year: int) -> HttpResponse:
    period = _managed_period(request, year)

    def add(data: dict) -> str:
        user = get_object_or_404(User, pk=data["user"])
        council_member_add(actor=request.user, period=period, user=user)
        return _("Đã đưa %(name)s vào Hội đồng thẩm định.") % {"name": user}

    perform(request, add, MemberAddForm(request.POST, candidates=council_candidates(period)))
    return redirect("council_members", year=year)


def _member_action(run: Callable[[HttpRequest, Period, User], str]):
    """The secretary's view acting on one member of the period's council (404 for anyone not on it)."""

    @login_required
    @require_POST
    def view(request: HttpRequest, year: int, user_pk: int) -> HttpResponse:
        period = _managed_period(request, year)
        rows = CouncilMembership.objects.select_related("user")
        member = get_object_or_404(rows, period=period, user_id=user_pk).user
        perform(request, lambda data: run(request, period, member))
        return redirect("council_members", year=year)

    return view


def _member_remove(request: HttpRequest, period: Period, member: User) -> str:
    result = council_member_remove(actor=request.user, period=period, user=member)
    messages.success(
        request,
        _("Đã đưa %(name)s ra khỏi Hội đồng và bỏ %(count)s phân công.")
        % {"name": member, "count": result.removed_assignments},
    )
    if result.kept_scores:
        messages.warning(
            request,
            _(
                "%(name)s đã chấm %(count)s tiêu chí ở vòng thẩm định; các điểm này vẫn được giữ nguyên "
                "cùng lịch sử chấm. Hãy phân công người khác xem lại nếu cần."
            )
            % {"name": member, "count": result.kept_scores},
        )
    return ""


def _chair_set(request: HttpRequest, period: Period, member: User) -> str:
    council_chair_set(actor=request.user, period=period, user=member)
    return _("%(name)s là Chủ tịch Hội đồng thẩm định.") % {"name": member}


council_member_remove_view = _member_action(_member_remove)
council_chair_set_view = _member_action(_chair_set)


def _describe(assignment: AppraisalAssignment) -> str:
    if assignment.unit and assignment.area_code:
        return _("%(unit)s, lĩnh vực %(code)s") % {"unit": assignment.unit, "code": assignment.area_code}
    if assignment.unit:
        return _("%(unit)s (mọi lĩnh vực)") % {"unit": assignment.unit}
    return _("lĩnh vực %(code)s (mọi đơn vị)") % {"code": assignment.area_code}


def _member_of(period: Period, user_pk: int) -> User:
    membership = CouncilMembership.objects.select_related("user").filter(period=period, user_id=user_pk).first()
    if membership is None:
        raise ValidationError(_("Người được chọn không phải thành viên Hội đồng."))
    return membership.user


@login_required
@require_POST
def council_assignment_add(request: HttpRequest, year: int) -> HttpResponse:
    period = _managed_period(request, year)
    units = list(period_units(period))

    def assign(data: dict) -> str:
        member = _member_of(period, data["member"])
        unit = Unit.objects.get(pk=data["unit"]) if data["unit"] else None
        assignment = assignment_add(
            actor=request.user, period=period, member=member, unit=unit, area_code=data["area_code"]
        )
        return _("Đã phân công %(name)s: %(work)s.") % {"name": member, "work": _describe(assignment)}

    form = AssignmentForm(request.POST, members=council_users(period), units=units, areas=period_areas(period))
    perform(request, assign, form)
    return redirect("council_members", year=year)


def _removal(model: type[AppraisalAssignment | ConflictDeclaration], remove: Callable, keyword: str, message: str):
    """The secretary's view that removes one of the period's assignments or conflicts, through its service."""

    @login_required
    @require_POST
    def view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
        period = _managed_period(request, year)
        row = get_object_or_404(model.objects.select_related("period"), pk=pk, period=period)
        remove(actor=request.user, **{keyword: row})
        messages.success(request, str(message))
        return redirect("council_members", year=year)

    return view


council_assignment_remove = _removal(
    AppraisalAssignment, assignment_remove, "assignment", gettext_lazy("Đã bỏ phân công.")
)
council_conflict_remove = _removal(
    ConflictDeclaration, conflict_remove, "conflict", gettext_lazy("Đã bỏ khai báo xung đột lợi ích.")
)


@login_required
@require_POST
def council_conflict_add(request: HttpRequest, year: int) -> HttpResponse:
    period = _managed_period(request, year)

    def declare(data: dict) -> str:
        member = _member_of(period, data["member"])
        unit = get_object_or_404(Unit, pk=data["unit"])
        conflict_declare(actor=request.user, period=period, member=member, unit=unit, reason=data["reason"])
        return _("Đã ghi xung đột lợi ích: %(name)s không thẩm định %(unit)s.") % {"name": member, "unit": unit}

    members, units = council_users(period), list(period_units(period))
    perform(request, declare, ConflictForm(request.POST, members=members, units=units, prefix="conflict"))
    return redirect("council_members", year=year)


@login_required
@require_POST
def council_start_appraisal(request: HttpRequest, year: int) -> HttpResponse:
    period = _managed_period(request, year)

    def start(data: dict) -> str:
        period_start_appraisal(actor=request.user, period=period, **data)
        return _("Kỳ đánh giá năm %(year)s đã chuyển sang giai đoạn thẩm định.") % {"year": year}

    perform(request, start, StartAppraisalForm(request.POST))
    return redirect("council_overview", year=year)


@login_required
@require_POST
def council_explanation_send(request: HttpRequest, year: int) -> HttpResponse:
    period = _managed_period(request, year)

    def send(data: dict) -> str:
        count = explanation_send(
            actor=request.user, period=period, deadline=data["deadline"], request_ids=data["requests"]
        )
        return _("Đã gửi %(count)s yêu cầu giải trình cho các đơn vị.") % {"count": count}

    perform(request, send, ExplanationSendForm(request.POST, flagged=list(flagged_explanations(period))))
    return redirect("council_overview", year=year)


@login_required
@require_POST
def council_explanation_withdraw(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    period = _managed_period(request, year)
    explanation = get_object_or_404(ExplanationRequest, pk=pk, assessment__period=period)

    def withdraw(data: dict) -> str:
        explanation_withdraw(actor=request.user, request=explanation)
        return _("Đã rút đề xuất giải trình.")

    perform(request, withdraw)
    return redirect("council_overview", year=year)


@login_required
@require_POST
def council_block_finalise(request: HttpRequest, year: int, block_pk: int) -> HttpResponse:
    period = _period(request, year)
    if not can_finalise(request.user, period):
        raise PermissionDenied(_("Chỉ Chủ tịch Hội đồng được chốt kết quả thẩm định."))
    block = get_object_or_404(Block, pk=block_pk, frameworks__period=period)

    def finalise(data: dict) -> str:
        block_finalise(actor=request.user, period=period, block=block)
        return _("Đã chốt kết quả thẩm định khối “%(block)s”.") % {"block": block}

    perform(request, finalise)
    return redirect("council_overview", year=year)


@login_required
def council_survey_import(request: HttpRequest, year: int) -> HttpResponse:
    period = _managed_period(request, year)
    return import_page(
        request,
        SurveyImportForm,
        lambda file: survey_import(actor=request.user, period=period, file=file).changed,
        done=_("Đã nhập %(count)s điểm điều tra xã hội học (thẩm định vòng 1)."),
        unchanged=_("Tệp không có điểm nào khác với điểm đã nhập trước đó."),
        next_url=reverse("council_overview", kwargs={"year": year}),
        template="scoring/council/survey.html",
        context={
            "period": period,
            "is_open": period.state in APPRAISAL_STATES,
            "survey_url": reverse("survey_list", kwargs={"year": period.year}),
        },
    )


@login_required
def council_survey_template(request: HttpRequest, year: int) -> HttpResponse:
    period = _managed_period(request, year)
    return xlsx_download(survey_template(period=period), survey_template_filename(period))


@login_required
def council_current(request: HttpRequest) -> HttpResponse:
    """The council of the period people are working in (the navigation's entry point)."""
    period = current_period()
    if period is None:
        raise Http404
    return redirect("council_overview", year=period.year)
