"""After publication: plans to win back the points lost (the council's lessons become next year's work)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scoring.models.fields import person_field
from scoring.models.frameworks import Period


class RemediationPlan(models.Model):
    """A unit head's plan for one criterion on which the unit lost points in a published year: what will be done, by
    whom, by when, and how far it has got."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Chưa thực hiện")
        IN_PROGRESS = "in_progress", _("Đang thực hiện")
        DONE = "done", _("Đã hoàn thành")

    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="remediation_plans", verbose_name=_("năm kết quả")
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    criterion_code = models.CharField(_("mã tiêu chí"), max_length=20)
    criterion_title = models.CharField(_("tiêu chí"), max_length=500)
    action = models.TextField(_("biện pháp khắc phục"))
    owner = models.CharField(_("người / bộ phận thực hiện"), max_length=200)
    due_date = models.DateField(_("hạn hoàn thành"))
    status = models.CharField(_("tiến độ"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    progress_note = models.TextField(_("kết quả thực hiện"), blank=True)
    progress_updated_at = models.DateTimeField(_("cập nhật tiến độ lúc"), null=True, blank=True)
    created_by = person_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kế hoạch khắc phục")
        verbose_name_plural = _("kế hoạch khắc phục")
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "unit", "criterion_code"], name="plan_once_per_criterion"),
            models.CheckConstraint(condition=~Q(action="") & ~Q(owner=""), name="plan_has_action_and_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period.year} {self.criterion_code}"

    @property
    def is_overdue(self) -> bool:
        """Past its due date (in local days) and not done: the reminders and the red badge."""
        from django.utils import timezone

        return self.status != self.Status.DONE and self.due_date < timezone.localdate()

    @property
    def status_tone(self) -> str:
        """The badge colour: red when overdue, green when done, blue in progress, grey not started."""
        if self.is_overdue:
            return "danger"
        return {self.Status.DONE: "success", self.Status.IN_PROGRESS: "primary"}.get(self.status, "secondary")
