"""The unit's explanation page (giải trình): the council's sent requests, the answers, and the added evidence."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from evidence.selectors import links_by_criterion, unit_library
from scoring.appraisal.services import explanation_answer
from scoring.feedback import flash_errors
from scoring.models import Assessment, ExplanationRequest, Score, Stage
from scoring.permissions.appraisal import can_answer_explanation
from scoring.permissions.sheets import get_assessment_for_view
from units.roles import roles_of

VISIBLE_STATES = (ExplanationRequest.State.SENT, ExplanationRequest.State.ANSWERED)


def sent_requests(assessment: Assessment):
    """The requests the unit has received (flagged proposals stay inside the council)."""
    return ExplanationRequest.objects.filter(assessment=assessment, state__in=VISIBLE_STATES).select_related(
        "criterion", "answered_by"
    )


def _is_unit_person(user, assessment: Assessment) -> bool:
    return assessment.unit_id in roles_of(user).unit_ids()


@login_required
@require_GET
def explanation_list(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_assessment_for_view(request.user, pk)
    requests = sorted(sent_requests(assessment), key=lambda item: item.criterion.code_key)
    self_scores = {
        score.criterion_id: score
        for score in Score.objects.filter(
            assessment=assessment, stage=Stage.SELF, criterion_id__in=[item.criterion_id for item in requests]
        )
    }
    links = links_by_criterion(assessment) if requests else {}
    now = timezone.now()
    items = []
    for item in requests:
        item.assessment = assessment
        items.append(
            {
                "request": item,
                "criterion": item.criterion,
                "self_score": self_scores.get(item.criterion_id),
                "links": links.get(item.criterion_id, []),
                "can_answer": can_answer_explanation(request.user, item, now),
                "is_expired": now > item.deadline,
                "days_left": (timezone.localdate(item.deadline) - timezone.localdate(now)).days,
            }
        )
    can_answer_any = any(entry["can_answer"] for entry in items)
    return render(
        request,
        "scoring/appraisal/explanations.html",
        {
            "assessment": assessment,
            "period": assessment.period,
            "items": items,
            "is_unit_person": _is_unit_person(request.user, assessment),
            "library": list(unit_library(unit_id=assessment.unit_id, period_id=assessment.period_id))
            if can_answer_any
            else [],
        },
    )


@login_required
@require_POST
def explanation_answer_view(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    assessment = get_assessment_for_view(request.user, pk)
    item = get_object_or_404(
        ExplanationRequest.objects.select_related("criterion"),
        pk=request_pk,
        assessment=assessment,
        state__in=VISIBLE_STATES,
    )
    item.assessment = assessment
    target = f"{reverse('explanation_list', args=[assessment.pk])}#request-{item.pk}"
    if not _is_unit_person(request.user, assessment):
        raise PermissionDenied(_("Chỉ cán bộ đầu mối và người đứng đầu đơn vị được giải trình."))
    try:
        explanation_answer(actor=request.user, request=item, answer=request.POST.get("answer", ""))
    except PermissionDenied:
        messages.error(
            request,
            _("Đã hết hạn giải trình tiêu chí %(code)s (hạn %(deadline)s): nội dung giải trình không được thay đổi.")
            % {"code": item.criterion.code, "deadline": timezone.localtime(item.deadline).strftime("%H:%M %d/%m/%Y")},
        )
    except ValidationError as error:
        flash_errors(request, error, prefix=item.criterion.code)
    else:
        messages.success(
            request,
            _("Đã gửi nội dung giải trình tiêu chí %(code)s cho Hội đồng thẩm định.") % {"code": item.criterion.code},
        )
    return redirect(target)
