"""The appraisal council: members, assignments, conflicts of interest, explanation requests, adjustments,
finalisation."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scoring.models.fields import POINTS, person_field
from scoring.models.frameworks import AdjustmentItem, Criterion, Period
from scoring.models.sheets import Assessment


class CouncilMembership(models.Model):
    """Who sits on the appraisal council (Hội đồng thẩm định) for one period; one member chairs it."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="council", verbose_name=_("kỳ"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="council_memberships",
        verbose_name=_("thành viên"),
    )
    is_chair = models.BooleanField(_("chủ tịch hội đồng"), default=False)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thành viên hội đồng")
        verbose_name_plural = _("thành viên hội đồng")
        constraints = [
            models.UniqueConstraint(fields=["period", "user"], name="council_member_once_per_period"),
            models.UniqueConstraint(
                fields=["period"],
                condition=Q(is_chair=True),
                name="council_one_chair_per_period",
                violation_error_message=_("Mỗi kỳ chỉ có một Chủ tịch Hội đồng."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.period})"


class AppraisalAssignment(models.Model):
    """Work the secretary gives a member: one unit, one area (by code) across units, or an area of one unit."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="assignments")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appraisal_assignments")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    area_code = models.CharField(_("lĩnh vực"), max_length=5, blank=True)

    class Meta:
        verbose_name = _("phân công thẩm định")
        verbose_name_plural = _("phân công thẩm định")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | ~Q(area_code=""), name="assignment_names_unit_or_area"
            ),
            models.UniqueConstraint(
                fields=["period", "member", "unit", "area_code"],
                condition=Q(unit__isnull=False),
                name="assignment_unique_with_unit",
            ),
            models.UniqueConstraint(
                fields=["period", "member", "area_code"], condition=Q(unit__isnull=True), name="assignment_unique_area"
            ),
        ]

    def __str__(self) -> str:
        target = " ".join(part for part in (str(self.unit or ""), self.area_code) if part)
        return f"{self.member} → {target}"


class ConflictDeclaration(models.Model):
    """A conflict of interest declared by hand (beyond working at the unit), with its reason."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="conflicts")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="declared_conflicts")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("lý do"))
    declared_by = person_field()
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("xung đột lợi ích")
        verbose_name_plural = _("xung đột lợi ích")
        constraints = [models.UniqueConstraint(fields=["period", "member", "unit"], name="conflict_once")]

    def __str__(self) -> str:
        return f"{self.member} ≠ {self.unit}"


class ExplanationRequest(models.Model):
    """Giải trình: the council asks a unit to explain one criterion or add evidence, before round 2."""

    class State(models.TextChoices):
        FLAGGED = "flagged", _("Đề xuất")
        SENT = "sent", _("Đã gửi đơn vị")
        ANSWERED = "answered", _("Đơn vị đã giải trình")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="explanation_requests")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.FLAGGED)
    message = models.TextField(_("nội dung yêu cầu"))
    requested_by = person_field()
    requested_at = models.DateTimeField(auto_now_add=True)
    sent_by = person_field(optional=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(_("hạn giải trình"), null=True, blank=True)
    answer = models.TextField(_("nội dung giải trình"), blank=True)
    answered_by = person_field(optional=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu giải trình")
        verbose_name_plural = _("yêu cầu giải trình")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="explanation_once_per_criterion"),
            models.CheckConstraint(
                condition=Q(state="flagged") | (Q(sent_at__isnull=False) & Q(deadline__isnull=False)),
                name="explanation_sent_has_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.criterion.code}"

    @property
    def is_proposed(self) -> bool:
        """Flagged by a council member, not yet sent to the unit."""
        return self.state == self.State.FLAGGED

    @property
    def is_awaiting_answer(self) -> bool:
        return self.state == self.State.SENT

    @property
    def is_answered(self) -> bool:
        return self.state == self.State.ANSWERED


class AdjustmentEntry(models.Model):
    """Bonus or penalty points the council gives a unit for one item, within the item's cap."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="adjustments")
    item = models.ForeignKey(AdjustmentItem, on_delete=models.PROTECT, related_name="entries")
    points = models.DecimalField(_("điểm"), **POINTS)
    reason = models.TextField(_("lý do"))
    document = models.ForeignKey("evidence.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    entered_by = person_field()
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("điểm thưởng / trừ")
        verbose_name_plural = _("điểm thưởng / trừ")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="adjustment_once_per_item"),
            models.CheckConstraint(condition=Q(points__gt=0), name="adjustment_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.item.code} {self.points}"


class BlockFinalisation(models.Model):
    """The chair closes the appraisal of one block: from then on council scores are read-only."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="finalisations")
    block = models.ForeignKey("units.Block", on_delete=models.PROTECT, related_name="+")
    finalised_by = person_field()
    finalised_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chốt kết quả thẩm định")
        verbose_name_plural = _("chốt kết quả thẩm định")
        constraints = [models.UniqueConstraint(fields=["period", "block"], name="finalised_once_per_block")]

    def __str__(self) -> str:
        return f"{self.period} {self.block}"
