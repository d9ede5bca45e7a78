"""A unit's sheet of a period (self-assessment), its scores by stage, their history, who prepares each criterion."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scoring.models.fields import POINTS, person_field
from scoring.models.frameworks import Criterion, Framework, Period, RuleOption


class Assessment(models.Model):
    """One unit's scoresheet for one period: self-assessment, then the council's rounds."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Đang tự đánh giá")
        SUBMITTED = "submitted", _("Đã nộp")

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("kỳ"))
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="assessments", verbose_name=_("đơn vị")
    )
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("bộ chỉ số")
    )
    state = models.CharField(_("trạng thái"), max_length=20, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField(_("thời điểm nộp"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nộp"),
    )
    is_late = models.BooleanField(_("nộp muộn"), default=False)
    extended_until = models.DateTimeField(
        _("được sửa đến"),
        null=True,
        blank=True,
        help_text=_("Hạn riêng cho phiếu được Thư ký mở lại sau hạn chung."),
    )

    class Meta:
        verbose_name = _("phiếu đánh giá")
        verbose_name_plural = _("phiếu đánh giá")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="assessment_unique_per_period_unit"),
            models.CheckConstraint(
                condition=Q(state="draft") | (Q(submitted_at__isnull=False) & Q(submitted_by__isnull=False)),
                name="assessment_submitted_has_who_and_when",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.period.year}"

    @property
    def is_submitted(self) -> bool:
        return self.state == self.State.SUBMITTED


class Stage(models.TextChoices):
    """Who scored: the unit itself, then the council's rounds. None overwrites another."""

    SELF = "self", _("Tự đánh giá")
    ROUND_1 = "round1", _("Thẩm định vòng 1")
    ROUND_2 = "round2", _("Thẩm định vòng 2")


class Score(models.Model):
    """The inputs and resulting points for one criterion of one assessment at one stage."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    stage = models.CharField(_("vòng"), max_length=10, choices=Stage.choices, default=Stage.SELF)
    option = models.ForeignKey(RuleOption, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    percent = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    achieved = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    required = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    value = models.DecimalField(null=True, blank=True, **POINTS)
    is_yes = models.BooleanField(null=True, blank=True)
    occurrences = models.PositiveIntegerField(null=True, blank=True)
    is_not_applicable = models.BooleanField(_("không áp dụng"), default=False)
    points = models.DecimalField(_("điểm"), null=True, blank=True, **POINTS)
    explanation = models.TextField(_("giải thích"), blank=True)
    no_evidence_reason = models.TextField(_("lý do không có tài liệu kiểm chứng"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = person_field()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("điểm")
        verbose_name_plural = _("điểm")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion", "stage"], name="score_unique_per_stage"),
            models.CheckConstraint(
                condition=(Q(is_not_applicable=True) & Q(points__isnull=True))
                | (Q(is_not_applicable=False) & Q(points__isnull=False) & Q(points__gte=0)),
                name="score_points_present_unless_not_applicable",
            ),
        ]
        indexes = [
            # The council's counts and differences read a period's round-1 scores: some 1,200 among 25,000 at 200
            # units. PostgreSQL never picks an index on (stage, assessment) for them (its estimate of round-1 rows
            # counts every year's); this smaller one it uses, reading a third of the pages.
            models.Index(fields=["assessment"], condition=Q(stage=Stage.ROUND_1), name="score_round_one_by_sheet"),
            # The differences look up each round-1 score's round-2 one, mostly missing: 5 µs a lookup in the unique
            # index, 1 µs in this small one (4.7 instead of 9.5 ms at 200 units).
            models.Index(
                fields=["assessment", "criterion"], condition=Q(stage=Stage.ROUND_2), name="score_round_two_by_sheet"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.criterion.code} {self.stage}"

    @property
    def option_label(self) -> str:
        """The level chosen under a levels rule, found among the criterion's (prefetched) options."""
        return next((option.label for option in self.criterion.options.all() if option.pk == self.option_id), "")


class ScoreChange(models.Model):
    """Append-only history of a score: who, when, old and new value, and why."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="changes")
    actor = person_field()
    at = models.DateTimeField(auto_now_add=True)
    old_points = models.DecimalField(null=True, blank=True, **POINTS)
    new_points = models.DecimalField(null=True, blank=True, **POINTS)
    old_values = models.JSONField(default=dict)
    new_values = models.JSONField(default=dict)
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("lịch sử điểm")
        verbose_name_plural = _("lịch sử điểm")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.score} {self.old_points} → {self.new_points}"


class CriterionPreparer(models.Model):
    """Inside a unit, the officer who prepares one criterion of the unit's sheet (its score, explanation and
    evidence), named by the head: the index is also used to evaluate the civil servants who prepare it."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="preparers")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("cán bộ chuẩn bị")
    )
    assigned_by = person_field()
    assigned_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cán bộ chuẩn bị tiêu chí")
        verbose_name_plural = _("cán bộ chuẩn bị tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="one_preparer_per_criterion"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.criterion.code} {self.officer}"
