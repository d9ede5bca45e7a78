"""Assessment periods and their criteria frameworks (the tree a unit is scored against)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.models import Authority, Block

POINTS = {"max_digits": 7, "decimal_places": 2}


def person_field(*, optional: bool = False) -> models.ForeignKey:
    """Who did something (recorded it, sent it, decided it): kept while referenced, no reverse accessor."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=optional, blank=optional, related_name="+"
    )


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


class AuditEvent(models.Model):
    """An append-only record of a change that matters (framework, period, and later scores)."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    action = models.CharField(_("thao tác"), max_length=60)
    period = models.ForeignKey(Period, on_delete=models.CASCADE, null=True, related_name="audit_events")
    summary = models.CharField(_("nội dung"), max_length=500)
    data = models.JSONField(_("chi tiết"), default=dict, blank=True)

    class Meta:
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


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


# ---------------------------------------------------------------------------------------------
# Appraisal council


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


class Notice(models.Model):
    """An in-app notice (the bell), also sent by e-mail when the person has an address."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    message = models.CharField(max_length=500)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.message


# ---------------------------------------------------------------------------------------------
# Results: configuration, objections, published snapshots, commendations


class ResultsConfig(models.Model):
    """How a period's results are ranked and whether the published ranking is open to anonymous visitors."""

    class RankingMethod(models.TextChoices):
        RANK = "rank", _("Đồng hạng rồi bỏ hạng kế tiếp (1, 2, 2, 4)")
        DENSE = "dense", _("Đồng hạng không bỏ hạng (1, 2, 2, 3)")

    period = models.OneToOneField(Period, on_delete=models.CASCADE, related_name="results_config")
    ranking_method = models.CharField(
        _("cách xếp hạng"), max_length=10, choices=RankingMethod.choices, default=RankingMethod.RANK
    )
    is_public = models.BooleanField(
        _("công khai kết quả"),
        default=False,
        help_text=_("Khi đã công bố, bảng xếp hạng được xem không cần đăng nhập."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cấu hình kết quả")
        verbose_name_plural = _("cấu hình kết quả")

    def __str__(self) -> str:
        return f"{self.period}"

    @property
    def is_dense_ranking(self) -> bool:
        return self.ranking_method == self.RankingMethod.DENSE


class ResultsVersion(models.Model):
    """The version of a period's results: a token made with the period and a counter the database adds one to
    whenever an input of the results changes. Written only by triggers (scoring/results/versions.py); the
    computed results are kept per version (scoring/results/compute.py, unit_result_rows)."""

    period = models.OneToOneField(Period, on_delete=models.CASCADE, primary_key=True, related_name="+")
    token = models.CharField(max_length=32)
    counter = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("phiên bản kết quả")
        verbose_name_plural = _("phiên bản kết quả")

    def __str__(self) -> str:
        return f"{self.period_id}: {self.token}/{self.counter}"


class ClassificationBand(models.Model):
    """A classification (xếp loại): every index from min_index up to the next band's min_index."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="classification_bands")
    min_index = models.DecimalField(_("chỉ số từ (%)"), max_digits=5, decimal_places=2)
    label = models.CharField(_("xếp loại"), max_length=60)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("mức xếp loại")
        verbose_name_plural = _("mức xếp loại")
        ordering = ["period_id", "-min_index"]
        constraints = [
            models.UniqueConstraint(fields=["period", "min_index"], name="band_min_unique_per_period"),
            models.CheckConstraint(condition=Q(min_index__gte=0), name="band_min_non_negative"),
        ]

    def __str__(self) -> str:
        return f"≥ {self.min_index}: {self.label}"


class RankingExclusion(models.Model):
    """A unit assessed but not ranked this period (e.g. newly merged), with the reason shown on the page."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="ranking_exclusions")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("lý do"), max_length=300)
    created_by = person_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đơn vị đánh giá nhưng không xếp hạng")
        verbose_name_plural = _("đơn vị đánh giá nhưng không xếp hạng")
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="ranking_exclusion_once")]

    def __str__(self) -> str:
        return f"{self.period} {self.unit}"


class Objection(models.Model):
    """Kiến nghị: a unit disputes the preliminary score of one criterion; the council accepts or rejects it."""

    class State(models.TextChoices):
        FILED = "filed", _("Chờ giải quyết")
        ACCEPTED = "accepted", _("Chấp nhận")
        REJECTED = "rejected", _("Không chấp nhận")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="objections")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("nội dung kiến nghị"))
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.FILED)
    filed_by = person_field()
    filed_at = models.DateTimeField(auto_now_add=True)
    old_points = models.DecimalField(_("điểm trước kiến nghị"), null=True, blank=True, **POINTS)
    new_points = models.DecimalField(_("điểm sau giải quyết"), null=True, blank=True, **POINTS)
    resolution = models.TextField(_("ý kiến giải quyết"), blank=True)
    resolved_by = person_field(optional=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kiến nghị kết quả sơ bộ")
        verbose_name_plural = _("kiến nghị kết quả sơ bộ")
        ordering = ["filed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="objection_once_per_criterion"),
            models.CheckConstraint(
                condition=Q(state="filed")
                | (Q(resolved_at__isnull=False) & Q(resolved_by__isnull=False) & ~Q(resolution="")),
                name="objection_resolved_has_who_when_why",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.criterion.code}"

    @property
    def is_pending(self) -> bool:
        """Filed and not yet accepted or rejected."""
        return self.state == self.State.FILED


class ResultPublication(models.Model):
    """One published version of a period's results; a correction is a new version, older ones stay readable."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="publications")
    version = models.PositiveSmallIntegerField(_("lần công bố"))
    decision_number = models.CharField(_("số quyết định"), max_length=60)
    decision_date = models.DateField(_("ngày quyết định"))
    ranking_method = models.CharField(_("cách xếp hạng"), max_length=10, choices=ResultsConfig.RankingMethod.choices)
    correction_reason = models.TextField(_("lý do đính chính"), blank=True)
    published_by = person_field()
    published_at = models.DateTimeField(_("thời điểm công bố"), auto_now_add=True)

    class Meta:
        verbose_name = _("lần công bố kết quả")
        verbose_name_plural = _("lần công bố kết quả")
        ordering = ["period_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["period", "version"], name="publication_version_unique"),
            models.CheckConstraint(condition=Q(version__gte=1), name="publication_version_positive"),
            models.CheckConstraint(
                condition=Q(version=1) | ~Q(correction_reason=""), name="publication_correction_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} v{self.version} ({self.decision_number})"

    @property
    def is_dense_ranking(self) -> bool:
        return self.ranking_method == ResultsConfig.RankingMethod.DENSE


class ResultRow(models.Model):
    """A unit's published figures, copied at publication so later edits never change them."""

    publication = models.ForeignKey(ResultPublication, on_delete=models.CASCADE, related_name="rows")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    block = models.ForeignKey("units.Block", on_delete=models.PROTECT, related_name="+")
    predecessor = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tiếp nối đơn vị"),
        help_text=_("Đơn vị cũ mà đơn vị này tiếp nối khi công bố: năm sau được so với đơn vị đó."),
    )
    unit_name = models.CharField(_("đơn vị"), max_length=200)
    block_name = models.CharField(_("khối"), max_length=200)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    is_ranked = models.BooleanField(_("được xếp hạng"), default=True)
    rank = models.PositiveIntegerField(_("xếp hạng"), null=True, blank=True)
    criteria_points = models.DecimalField(_("điểm các tiêu chí"), **POINTS)
    bonus = models.DecimalField(_("điểm thưởng"), **POINTS)
    penalty = models.DecimalField(_("điểm trừ"), **POINTS)
    points = models.DecimalField(_("tổng điểm"), **POINTS)
    max_points = models.DecimalField(_("điểm tối đa"), **POINTS)
    adjusted_max = models.DecimalField(_("điểm tối đa sau điều chỉnh"), **POINTS)
    index = models.DecimalField(_("chỉ số (%)"), max_digits=6, decimal_places=2, null=True)
    band = models.CharField(_("xếp loại"), max_length=60, blank=True)
    head_name = models.CharField(_("người đứng đầu"), max_length=150, blank=True)
    unappraised_count = models.PositiveIntegerField(_("tiêu chí chưa thẩm định"), default=0)
    exclusion_reason = models.CharField(_("lý do không xếp hạng"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("kết quả đơn vị")
        verbose_name_plural = _("kết quả đơn vị")
        ordering = ["publication_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "unit"], name="result_row_once_per_unit"),
            models.CheckConstraint(condition=Q(is_ranked=False) | Q(rank__isnull=False), name="ranked_row_has_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.publication} {self.unit_name}"


class ResultAreaRow(models.Model):
    """A unit's published subtotal and component index for one area (lĩnh vực)."""

    row = models.ForeignKey(ResultRow, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(_("mã"), max_length=20)
    title = models.CharField(_("lĩnh vực"), max_length=500)
    position = models.PositiveIntegerField(default=0)
    points = models.DecimalField(_("điểm"), **POINTS)
    max_points = models.DecimalField(_("điểm tối đa"), **POINTS)
    adjusted_max = models.DecimalField(_("điểm tối đa sau điều chỉnh"), **POINTS)
    index = models.DecimalField(_("chỉ số thành phần (%)"), max_digits=6, decimal_places=2, null=True)

    class Meta:
        verbose_name = _("kết quả lĩnh vực")
        verbose_name_plural = _("kết quả lĩnh vực")
        ordering = ["row_id", "position"]
        constraints = [models.UniqueConstraint(fields=["row", "code"], name="result_area_once_per_row")]

    def __str__(self) -> str:
        return f"{self.row} {self.code}"


class ResultCriterionRow(models.Model):
    """A unit's published self and final score for one leaf criterion, with the council's reason."""

    row = models.ForeignKey(ResultRow, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("mã"), max_length=20)
    title = models.CharField(_("nội dung"), max_length=500)
    position = models.PositiveIntegerField(default=0)
    max_points = models.DecimalField(_("điểm tối đa"), **POINTS)
    self_points = models.DecimalField(_("điểm tự chấm"), null=True, blank=True, **POINTS)
    is_self_not_applicable = models.BooleanField(_("đơn vị đánh dấu không áp dụng"), default=False)
    final_points = models.DecimalField(_("điểm thẩm định"), null=True, blank=True, **POINTS)
    is_not_applicable = models.BooleanField(_("không áp dụng"), default=False)
    is_appraised = models.BooleanField(_("đã thẩm định"), default=True)
    reason = models.TextField(_("ý kiến thẩm định"), blank=True)

    class Meta:
        verbose_name = _("kết quả tiêu chí")
        verbose_name_plural = _("kết quả tiêu chí")
        ordering = ["row_id", "position"]
        constraints = [models.UniqueConstraint(fields=["row", "code"], name="result_criterion_once_per_row")]

    def __str__(self) -> str:
        return f"{self.row} {self.code}"


class Commendation(models.Model):
    """A collective or an individual commended (khen thưởng) for the year's administrative reform."""

    class Kind(models.TextChoices):
        COLLECTIVE = "collective", _("Tập thể")
        INDIVIDUAL = "individual", _("Cá nhân")

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="commendations")
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("tên tập thể / cá nhân"), max_length=200)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    created_by = person_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("khen thưởng")
        verbose_name_plural = _("khen thưởng")
        ordering = ["period_id", "kind", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="commendation_has_name"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


# The survey run inside the portal lives in its own feature package; importing its models here keeps them in
# the `scoring` app (one migration history) and loads them with the app.
from scoring.survey.models import (  # noqa: E402, F401
    Respondent,
    RespondentGroup,
    Survey,
    SurveyAnswer,
    SurveyLevel,
    SurveyQuestion,
    SurveyResponse,
)

# ---------------------------------------------------------------------------------------------
# Signed documents: the decision annex, a block's appraisal minutes, a head's submission receipt


class SignedDocument(models.Model):
    """A decisive document the portal signs with the authority's certificate.

    `content` is the snapshot taken when the event happened (publication, finalisation, submission): the PDF is
    rendered from it, embeds it, and anyone who holds the PDF can have it checked against this row through
    `reference`, the code in its QR link. The signed file is built once and kept (fields `file_*`, `signed_*`).
    """

    class Kind(models.TextChoices):
        ANNEX = "annex", _("Phụ lục quyết định công bố kết quả")
        MINUTES = "minutes", _("Biên bản thẩm định")
        RECEIPT = "receipt", _("Giấy biên nhận nộp phiếu tự đánh giá")

    kind = models.CharField(_("loại văn bản"), max_length=10, choices=Kind.choices)
    reference = models.CharField(_("mã tra cứu"), max_length=40, unique=True)
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="signed_documents")
    publication = models.ForeignKey(
        "ResultPublication", on_delete=models.PROTECT, null=True, blank=True, related_name="signed_documents"
    )
    block = models.ForeignKey("units.Block", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="signed_documents"
    )
    content = models.JSONField(_("nội dung"))
    content_sha256 = models.CharField(_("SHA-256 của nội dung"), max_length=64)
    created_by = person_field()
    created_at = models.DateTimeField(_("thời điểm lập"), auto_now_add=True)
    file_name = models.CharField(max_length=300, blank=True)
    file_sha256 = models.CharField(_("SHA-256 của tệp đã ký"), max_length=64, blank=True)
    file_size = models.PositiveIntegerField(null=True, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=300, blank=True)
    certificate_sha256 = models.CharField(_("dấu vân tay chứng thư số"), max_length=64, blank=True)
    signed_at = models.DateTimeField(_("thời điểm ký"), null=True, blank=True)

    class Meta:
        verbose_name = _("văn bản ký số")
        verbose_name_plural = _("văn bản ký số")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="annex") & Q(publication__isnull=False))
                | (Q(kind="minutes") & Q(block__isnull=False))
                | (Q(kind="receipt") & Q(assessment__isnull=False)),
                name="signed_document_names_its_subject",
            ),
            models.UniqueConstraint(
                fields=["publication"], condition=Q(kind="annex"), name="signed_annex_once_per_publication"
            ),
            models.UniqueConstraint(
                fields=["period", "block"], condition=Q(kind="minutes"), name="signed_minutes_once_per_block"
            ),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | (~Q(file_name="") & ~Q(file_sha256="")),
                name="signed_document_signed_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class SignedUpload(models.Model):
    """The decision signed outside the portal (a USB token on the official's computer) and uploaded by leadership,
    accepted only when its signature is intact and the annex data it embeds match the frozen publication."""

    document = models.OneToOneField(SignedDocument, on_delete=models.PROTECT, related_name="upload")
    file_name = models.CharField(max_length=300)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    file_sha256 = models.CharField(_("SHA-256 của tệp"), max_length=64)
    file_size = models.PositiveIntegerField()
    signer_name = models.CharField(_("người ký"), max_length=300)
    certificate_sha256 = models.CharField(_("dấu vân tay chứng thư số"), max_length=64)
    signed_at = models.DateTimeField(_("thời điểm ký"), null=True, blank=True)
    uploaded_by = person_field()
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), auto_now_add=True)

    class Meta:
        verbose_name = _("quyết định ký ngoài Cổng")
        verbose_name_plural = _("quyết định ký ngoài Cổng")

    def __str__(self) -> str:
        return f"{self.document} ({self.signer_name})"


# After publication: plans to win back the points lost (the council's lessons become next year's work)


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
