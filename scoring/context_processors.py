"""Where the signed-in user stands in the year's cycle: the banner under the navbar on every page."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from scoring.models import Assessment, Period
from scoring.permissions.periods import can_manage_frameworks, can_view_period
from units.models import Role
from units.roles import roles_of

# The deadline that closes each phase, and how the banner names it.
PHASE_DEADLINES = {
    Period.State.SELF_ASSESSMENT: ("self_assessment_deadline", _("Hạn nộp phiếu")),
    Period.State.APPRAISAL: ("appraisal_deadline", _("Hạn thẩm định")),
    Period.State.EXPLANATION: ("explanation_deadline", _("Hạn giải trình")),
    Period.State.PRELIMINARY: ("objection_deadline", _("Hạn kiến nghị kết quả sơ bộ")),
}


@dataclass(frozen=True)
class CycleBanner:
    period: Period
    deadline_label: str = ""
    deadline: datetime | None = None
    days_left: int | None = None
    next_step_label: str = ""
    next_step_url: str = ""

    @property
    def is_overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.is_overdue else 0


def cycle(request) -> dict:
    """Lazy: the one query runs only when a page draws the banner (htmx fragments and anonymous pages never pay)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"cycle_banner": SimpleLazyObject(lambda: _banner_for(user))}


def _banner_for(user) -> CycleBanner | None:
    period = _current_period_with_own_sheet(user)
    if period is None or not can_view_period(user, period):
        return None
    deadline_field, deadline_label = PHASE_DEADLINES.get(period.state, (None, ""))
    deadline = getattr(period, deadline_field) if deadline_field else None
    days_left = (timezone.localdate(deadline) - timezone.localdate()).days if deadline else None
    label, url = _next_step(user, period)
    return CycleBanner(
        period=period,
        deadline_label=deadline_label if deadline else "",
        deadline=deadline,
        days_left=days_left,
        next_step_label=label,
        next_step_url=url,
    )


def _current_period_with_own_sheet(user) -> Period | None:
    """scoring.selectors.current_period in one query (newest non-draft, else newest draft), with the pk of the
    user's own sheet in it when the user serves exactly one unit."""
    periods = Period.objects.annotate(
        drafts_last=Case(When(state=Period.State.DRAFT, then=Value(1)), default=Value(0), output_field=IntegerField())
    ).order_by("drafts_last", "-year")
    unit_ids = roles_of(user).unit_ids()
    if len(unit_ids) == 1:
        own = Assessment.objects.filter(period=OuterRef("pk"), unit_id=next(iter(unit_ids))).values("pk")[:1]
        periods = periods.annotate(own_assessment_id=Subquery(own))
    return periods.first()


def _next_step(user, period: Period) -> tuple[str, str]:
    """The one link the user most likely needs now, chosen from the roles already read for the navbar."""
    roles = roles_of(user)
    if period.state == Period.State.PUBLISHED:
        return _("Xem kết quả đã công bố"), reverse("results_published", args=[period.year])
    if period.state == Period.State.DRAFT:
        if can_manage_frameworks(user):
            return _("Chuẩn bị kỳ đánh giá"), reverse("period_detail", args=[period.year])
        return "", ""
    if roles.unit_ids():
        own_assessment_id = getattr(period, "own_assessment_id", None)
        if own_assessment_id:
            return _("Mở phiếu đánh giá của đơn vị"), reverse("assessment_sheet", args=[own_assessment_id])
        return _("Mở phiếu đánh giá của đơn vị"), reverse("assessment_list")
    if Role.COUNCIL_MEMBER in roles.global_roles:
        return _("Mở danh sách thẩm định"), reverse("appraisal_queue")
    if Role.COUNCIL_SECRETARY in roles.global_roles:
        return _("Theo dõi Hội đồng"), reverse("council_current")
    if Role.LEADERSHIP in roles.global_roles:
        return _("Xem kết quả"), reverse("results_index")
    return "", ""
