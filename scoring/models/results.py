"""Results: configuration, objections, published snapshots, commendations."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scoring.models.fields import POINTS, person_field
from scoring.models.frameworks import Criterion, Period
from scoring.models.sheets import Assessment


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
