"""The audit trail for the secretariat: administrative changes (AuditEvent) and score history (ScoreChange).

Read-only by construction: the page only lists, and no view or admin screen writes or deletes entries
(services append them as part of each change).
"""

import json

from django.contrib.admin.models import LogEntry
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from scoring.audit.labels import action_label
from scoring.models import AuditEvent, Period, ScoreChange, Stage
from scoring.permissions.audit import can_view_audit

PAGE_SIZE = 50
EVENTS = "events"
SCORES = "scores"
ADMIN = "admin"  # changes made in the admin site (roles, people, units…), from Django's own admin log


def _filtered(queryset: QuerySet, person_prefix: str, person: str, **lookups: object) -> QuerySet:
    """Keep the rows matching every lookup that has a value, and the person (username or name) when one is typed."""
    queryset = queryset.filter(**{lookup: value for lookup, value in lookups.items() if value})
    if not person:
        return queryset
    return queryset.filter(
        Q(**{f"{person_prefix}username__icontains": person})
        | Q(**{f"{person_prefix}full_name__icontains": person})
        | Q(**{f"{person_prefix}last_name__icontains": person})
    )


def audit_events(*, period_id: int | None, action: str, person: str) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.select_related("actor", "period").order_by("-at", "-id")
    return _filtered(events, "actor__", person, period_id=period_id, action=action)


def score_changes(*, period_id: int | None, stage: str, person: str) -> QuerySet[ScoreChange]:
    changes = ScoreChange.objects.select_related(
        "actor", "score__criterion", "score__assessment__unit", "score__assessment__period"
    ).order_by("-at", "-id")
    return _filtered(changes, "actor__", person, score__assessment__period_id=period_id, score__stage=stage)


def admin_changes(*, person: str) -> QuerySet[LogEntry]:
    entries = LogEntry.objects.select_related("user", "content_type").order_by("-action_time", "-id")
    return _filtered(entries, "user__", person)


def _page(queryset: QuerySet, number: str | None) -> Page:
    return Paginator(queryset, PAGE_SIZE).get_page(number)


@login_required
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    if not can_view_audit(request.user):
        raise PermissionDenied(_("Chỉ Thư ký Hội đồng được xem nhật ký thay đổi."))
    kind = request.GET.get("kind") if request.GET.get("kind") in (SCORES, ADMIN) else EVENTS
    periods = list(Period.objects.select_related("authority").order_by("-year", "authority__name"))
    period_id = next((p.pk for p in periods if str(p.pk) == request.GET.get("period", "")), None)
    action = request.GET.get("action", "").strip()
    person = request.GET.get("person", "").strip()[:100]
    if kind == EVENTS:
        names = AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
        actions = sorted(((name, action_label(name)) for name in names), key=lambda item: item[1])
        page = _page(audit_events(period_id=period_id, action=action, person=person), request.GET.get("page"))
        for event in page.object_list:
            event.action_label = action_label(event.action)
            event.data_text = json.dumps(event.data, ensure_ascii=False, indent=2, sort_keys=True) if event.data else ""
    elif kind == SCORES:
        actions = list(Stage.choices)
        action = action if action in Stage.values else ""
        page = _page(score_changes(period_id=period_id, stage=action, person=person), request.GET.get("page"))
    else:
        actions, action = [], ""
        page = _page(admin_changes(person=person), request.GET.get("page"))
    return render(
        request,
        "scoring/audit/list.html",
        {
            "kind": kind,
            "page": page,
            "periods": periods,
            "period_id": period_id,
            "actions": actions,
            "action": action,
            "person": person,
        },
    )
