"""Daily reminders: unsubmitted sheets, unanswered explanation requests, unappraised assigned criteria, overdue
remediation plans.

Run once a day (cron); running it again the same day sends nothing twice, because a reminder is skipped
for a person who already got a notice with the same text today.
"""

from datetime import datetime, timedelta

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from scoring.council.selectors import member_workloads
from scoring.models import Assessment, ExplanationRequest, Notice, Period, RemediationPlan
from scoring.notices.services import notify, unit_people
from scoring.permissions.sheets import effective_deadline
from scoring.plans.selectors import overdue
from units.models import User
from units.selectors import unit_heads


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def _days_left(moment: datetime) -> int:
    return (timezone.localdate(moment) - timezone.localdate()).days


class Command(BaseCommand):
    help = "Gửi nhắc việc (thông báo và e-mail) cho các hạn nộp phiếu, giải trình và thẩm định sắp đến."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=3, help="Nhắc các hạn trong số ngày tới (mặc định 3).")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ liệt kê, không gửi.")

    def handle(self, *args, days: int, dry_run: bool, **options) -> None:
        with override("vi"):
            now = timezone.now()
            horizon = now + timedelta(days=days)
            self.dry_run = dry_run
            self.sent = 0
            with transaction.atomic():
                self._sheets(now, horizon)
                self._explanations(now, horizon)
                self._appraisal(now, horizon)
                self._plans()
            verb = _("Sẽ gửi") if dry_run else _("Đã gửi")
            self.stdout.write(_("%(verb)s %(count)s nhắc việc.") % {"verb": verb, "count": self.sent})

    def _remind(self, recipients: list[User], message: str, url: str) -> None:
        """Notify everyone who has not had this exact reminder today."""
        start_of_day = timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time()))
        already = set(
            Notice.objects.filter(recipient__in=recipients, message=message, created_at__gte=start_of_day).values_list(
                "recipient_id", flat=True
            )
        )
        fresh = [user for user in {user.pk: user for user in recipients}.values() if user.pk not in already]
        fresh = [user for user in fresh if user.is_active]
        if not fresh:
            return
        self.sent += len(fresh)
        names = ", ".join(user.username for user in fresh)
        self.stdout.write(f"{'[thử] ' if self.dry_run else ''}{names}: {message}")
        if not self.dry_run:
            notify(fresh, message, url=url)

    def _sheets(self, now: datetime, horizon: datetime) -> None:
        drafts = Assessment.objects.filter(
            period__state=Period.State.SELF_ASSESSMENT, state=Assessment.State.DRAFT
        ).select_related("period", "unit")
        for assessment in drafts:
            deadline = effective_deadline(assessment)
            if deadline is None or not now <= deadline <= horizon:
                continue
            message = _(
                "Nhắc việc: phiếu tự đánh giá năm %(year)s của %(unit)s chưa nộp; hạn nộp %(deadline)s "
                "(còn %(days)s ngày)."
            ) % {
                "year": assessment.period.year,
                "unit": assessment.unit,
                "deadline": _when(deadline),
                "days": _days_left(deadline),
            }
            self._remind(unit_people(assessment.unit_id), message, reverse("assessment_sheet", args=[assessment.pk]))

    def _explanations(self, now: datetime, horizon: datetime) -> None:
        requests = (
            ExplanationRequest.objects.filter(
                state=ExplanationRequest.State.SENT, deadline__gte=now, deadline__lte=horizon
            )
            .select_related("assessment__unit", "criterion")
            .order_by("assessment_id", "criterion__code")
        )
        grouped: dict[tuple[int, datetime], list[ExplanationRequest]] = {}
        for request in requests:
            grouped.setdefault((request.assessment_id, request.deadline), []).append(request)
        for (assessment_id, deadline), items in grouped.items():
            unit = items[0].assessment.unit
            message = _("Nhắc việc: %(unit)s chưa giải trình tiêu chí %(codes)s; hạn giải trình %(deadline)s.") % {
                "unit": unit,
                "codes": ", ".join(sorted((r.criterion.code for r in items), key=_code_key)),
                "deadline": _when(deadline),
            }
            self._remind(unit_people(unit.pk), message, reverse("explanation_list", args=[assessment_id]))

    def _appraisal(self, now: datetime, horizon: datetime) -> None:
        periods = Period.objects.filter(
            state__in=[Period.State.APPRAISAL, Period.State.EXPLANATION],
            appraisal_deadline__gte=now,
            appraisal_deadline__lte=horizon,
        )
        for period in periods:
            for load in member_workloads(period):
                if load.remaining <= 0:
                    continue
                message = _(
                    "Nhắc việc: bạn còn %(count)s tiêu chí được phân công chưa thẩm định vòng 1 (năm %(year)s); "
                    "hạn thẩm định %(deadline)s."
                ) % {"count": load.remaining, "year": period.year, "deadline": _when(period.appraisal_deadline)}
                self._remind([load.user], message, reverse("appraisal_queue"))

    def _plans(self) -> None:
        """Every plan past its due date and not done reminds the unit's head, once a day until it is updated."""
        plans = list(overdue(RemediationPlan.objects.select_related("unit", "period")).order_by("unit_id", "due_date"))
        heads = unit_heads({plan.unit_id for plan in plans})
        for plan in plans:
            if plan.unit_id not in heads:
                continue
            message = _(
                "Nhắc việc: kế hoạch khắc phục tiêu chí %(code)s (kết quả năm %(year)s) của %(unit)s đã quá hạn "
                "%(due)s; hãy cập nhật tiến độ."
            ) % {
                "code": plan.criterion_code,
                "year": plan.period.year,
                "unit": plan.unit,
                "due": plan.due_date.strftime("%d/%m/%Y"),
            }
            self._remind([heads[plan.unit_id]], message, reverse("plan_unit", args=[plan.period.year, plan.unit_id]))


def _code_key(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split(".") if part.isdigit())
