"""The signed-in home page: each role's next step."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from scoring.appraisal.selectors import appraisal_queue
from scoring.frameworks.selectors import current_period, period_frameworks
from scoring.models import Assessment
from scoring.permissions.periods import can_manage_frameworks, can_view_period
from units.roles import is_administrator, is_council_member, is_leadership, roles_of
from units.selectors import units_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    period = current_period()
    if period is not None and not can_view_period(request.user, period):
        period = None
    context = {
        "roles": roles,
        "role_labels": sorted({role for role, _ in roles.unit_roles} | set(roles.global_roles)),
        "period": period,
        "now": timezone.now(),
        "my_units": list(units_of(roles.unit_ids())),
        "is_secretary": can_manage_frameworks(request.user),
        "is_council_member": is_council_member(request.user),
        "is_leadership": is_leadership(request.user),
        "is_administrator": is_administrator(request.user),
    }
    if period is not None:
        if context["is_council_member"]:
            # What the member's queue holds now: sheets are appraised as they arrive, whatever the period's phase.
            queue = appraisal_queue(request.user, period)
            context["queue_sheets"] = len(queue)
            context["queue_criteria_left"] = sum(sheet.assigned_count - sheet.appraised_count for sheet in queue)
        context["frameworks"] = list(period_frameworks(period))
        context["days_left"] = days_until(period.self_assessment_deadline)
        context["my_assessments"] = {
            assessment.unit_id: assessment
            for assessment in Assessment.objects.filter(period=period, unit_id__in=roles.unit_ids())
        }
    return render(request, "scoring/home/index.html", context)


def days_until(moment) -> int | None:
    """Whole days left until a deadline (negative once it has passed), counted in local dates."""
    if moment is None:
        return None
    return (timezone.localdate(moment) - timezone.localdate()).days
