"""Assessment periods and their criteria frameworks (the tree a unit is scored against)."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scoring.models.fields import POINTS
from units.models import Authority, Block


class Period(models.Model):
    """One yearly assessment cycle of one authority."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Đang chuẩn bị")
        SELF_ASSESSMENT = "self_assessment", _("Tự đánh giá")
        APPRAISAL = "appraisal", _("Thẩm định")
        EXPLANATION = "explanation", _("Giải trình")
        PRELIMINARY = "preliminary", _("Công bố sơ bộ")
        PUBLISHED = "published", _("Đã công bố")

    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="periods", verbose_name=_("cơ quan")
    )
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    state = models.CharField(_("giai đoạn"), max_length=20, choices=State.choices, default=State.DRAFT)
    self_assessment_deadline = models.DateTimeField(_("hạn tự đánh giá"), null=True, blank=True)
    appraisal_deadline = models.DateTimeField(_("hạn thẩm định"), null=True, blank=True)
    explanation_deadline = models.DateTimeField(_("hạn giải trình"), null=True, blank=True)
    objection_deadline = models.DateTimeField(_("hạn kiến nghị kết quả sơ bộ"), null=True, blank=True)
    opened_at = models.DateTimeField(_("ngày mở"), null=True, blank=True)
    has_survey = models.BooleanField(
        _("có điều tra xã hội học"),
        default=True,
        help_text=_(
            "Bỏ chọn khi năm nay không điều tra xã hội học: chỉ số được tính trên điểm tối đa không gồm phần điều tra."
        ),
    )

    class Meta:
        verbose_name = _("kỳ đánh giá")
        verbose_name_plural = _("kỳ đánh giá")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "year"], name="period_year_unique_per_authority"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="period_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.year}"

    @property
    def frameworks_are_frozen(self) -> bool:
        return self.state != self.State.DRAFT

    # Positive state flags for templates, which never compare state strings themselves.
    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def is_in_self_assessment(self) -> bool:
        return self.state == self.State.SELF_ASSESSMENT

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class Framework(models.Model):
    """The criteria tree (Bộ chỉ số) one block is scored against in one period."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="frameworks", verbose_name=_("kỳ"))
    block = models.ForeignKey(Block, on_delete=models.PROTECT, related_name="frameworks", verbose_name=_("khối"))
    name = models.CharField(_("tên bộ chỉ số"), max_length=300)
    bonus_cap = models.DecimalField(_("điểm thưởng tối đa"), default=Decimal("0"), **POINTS)
    penalty_cap = models.DecimalField(_("điểm trừ tối đa"), default=Decimal("0"), **POINTS)
    cloned_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="clones", verbose_name=_("sao chép từ")
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("bộ chỉ số")
        verbose_name_plural = _("bộ chỉ số")
        ordering = ["-period__year", "block__position"]
        constraints = [
            models.UniqueConstraint(fields=["period", "block"], name="framework_unique_per_period_block"),
            models.CheckConstraint(
                condition=Q(bonus_cap__gte=0) & Q(penalty_cap__gte=0), name="framework_caps_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RuleType(models.TextChoices):
    LEVELS = "levels", _("Chọn mức")
    BANDS = "bands", _("Theo tỷ lệ % (khoảng)")
    RATIO = "ratio", _("Tỷ lệ đạt / yêu cầu")
    MANUAL = "manual", _("Chấm trực tiếp")
    YES_NO = "yes_no", _("Có / Không")
    DEDUCTION = "deduction", _("Trừ điểm theo lần vi phạm")
    SURVEY = "survey", _("Điểm điều tra xã hội học")


class Criterion(models.Model):
    """A node of the tree: area (1), criterion (1.2) or sub-criterion (1.2.3).

    Leaves carry exactly one scoring rule; inner nodes only sum their children.
    """

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("bộ chỉ số")
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("thuộc")
    )
    code = models.CharField(_("mã"), max_length=20)
    title = models.CharField(_("nội dung"), max_length=500)
    guidance = models.TextField(_("hướng dẫn chấm"), blank=True)
    max_points = models.DecimalField(_("điểm tối đa"), **POINTS)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    rule_type = models.CharField(_("cách chấm"), max_length=20, choices=RuleType.choices, blank=True)
    step = models.DecimalField(_("bước điểm"), max_digits=4, decimal_places=2, null=True, blank=True)
    deduction_per_occurrence = models.DecimalField(_("điểm trừ mỗi lần"), null=True, blank=True, **POINTS)
    evidence_required = models.BooleanField(_("cần tài liệu kiểm chứng"), default=True)
    allows_not_applicable = models.BooleanField(_("cho phép 'không áp dụng'"), default=False)

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["framework_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="criterion_code_unique_per_framework"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="criterion_max_positive"),
            models.CheckConstraint(condition=Q(step__isnull=True) | Q(step__gt=0), name="criterion_step_positive"),
            models.CheckConstraint(
                condition=Q(deduction_per_occurrence__isnull=True) | Q(deduction_per_occurrence__gt=0),
                name="criterion_deduction_positive",
            ),
            models.CheckConstraint(
                condition=~Q(rule_type="manual") | Q(step__isnull=False), name="criterion_manual_needs_step"
            ),
            models.CheckConstraint(
                condition=~Q(rule_type="deduction") | Q(deduction_per_occurrence__isnull=False),
                name="criterion_deduction_needs_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def depth(self) -> int:
        return self.code.count(".") + 1

    @property
    def code_key(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.code.split(".") if part.isdigit())


class RuleOption(models.Model):
    """A level (levels rule) or a percentage band (bands rule) of a leaf criterion."""

    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="options", verbose_name=_("tiêu chí")
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    label = models.CharField(_("mức"), max_length=300)
    points = models.DecimalField(_("điểm"), **POINTS)
    min_percent = models.DecimalField(
        _("từ tỷ lệ (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Chỉ dùng cho cách chấm theo khoảng: tỷ lệ từ mức này trở lên."),
    )

    class Meta:
        verbose_name = _("mức điểm")
        verbose_name_plural = _("mức điểm")
        ordering = ["criterion_id", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(points__gte=0), name="option_points_non_negative"),
            models.CheckConstraint(
                condition=Q(min_percent__isnull=True) | (Q(min_percent__gte=0) & Q(min_percent__lte=100)),
                name="option_min_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.points})"


class AdjustmentItem(models.Model):
    """A bonus (điểm thưởng) or penalty (điểm trừ) item beside the tree, with its own cap."""

    class Kind(models.TextChoices):
        BONUS = "bonus", _("Điểm thưởng")
        PENALTY = "penalty", _("Điểm trừ")

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="adjustment_items", verbose_name=_("bộ chỉ số")
    )
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    code = models.CharField(_("mã"), max_length=20)
    title = models.CharField(_("nội dung"), max_length=500)
    max_points = models.DecimalField(_("điểm tối đa"), **POINTS)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("mục thưởng / trừ")
        verbose_name_plural = _("mục thưởng / trừ")
        ordering = ["framework_id", "kind", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="adjustment_code_unique_per_framework"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="adjustment_max_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"
