"""The signed-in home page: each role's next step."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from scoring.appraisal.selectors import appraisal_queue
from scoring.frameworks.selectors import current_period, period_frameworks
from scoring.home.selectors import unit_tasks
from scoring.permissions.council import can_read_overview
from scoring.permissions.periods import can_manage_frameworks, can_open_period, can_view_period
from scoring.permissions.results import can_use_what_if
from scoring.results.dashboard.views import latest_overview
from units.roles import is_administrator, is_council_member, is_leadership, roles_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    roles = roles_of(user)
    period = current_period()
    if period is not None and not can_view_period(user, period):
        period = None
    frameworks = list(period_frameworks(period)) if period is not None else []
    is_secretary = can_manage_frameworks(user)
    is_leader = is_leadership(user)
    context = {
        "roles": roles,
        "period": period,
        "unit_tasks": unit_tasks(user, period, frameworks),
        "frameworks": frameworks,
        "is_secretary": is_secretary,
        "is_council_member": is_council_member(user),
        "is_leadership": is_leader,
        "is_administrator": is_administrator(user),
        "can_open_period": period is not None and can_open_period(user, period),
        "can_follow_appraisal": period is not None
        and not period.is_draft
        and (is_secretary or is_leader)
        and can_read_overview(user, period),
    }
    if context["is_leadership"]:  # leadership's home is the results dashboard of the newest published year
        context["overview_year"], context["overview"] = latest_overview(request.user) or (None, "")
    if period is not None:
        deadline = period.self_assessment_deadline
        context["days_left"] = days_until(deadline)
        context["deadline_has_passed"] = deadline is not None and timezone.now() > deadline
        context["can_what_if"] = can_use_what_if(request.user, period)
        if context["is_council_member"]:
            # What the member's queue holds now: sheets are appraised as they arrive, whatever the period's phase.
            queue = appraisal_queue(request.user, period)
            context["queue_sheets"] = len(queue)
            context["queue_criteria_left"] = sum(sheet.assigned_count - sheet.appraised_count for sheet in queue)
    return render(request, "scoring/home/index.html", context)


def days_until(moment) -> int | None:
    """Whole days left until a deadline (negative once it has passed), counted in local dates."""
    if moment is None:
        return None
    return (timezone.localdate(moment) - timezone.localdate()).days
