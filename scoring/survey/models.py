"""The sociological survey run inside the portal (điều tra xã hội học): a questionnaire per period and block,
a named sample per unit reached by one-time links, the anonymous responses, and the council's exclusions.

Imported by scoring/models/__init__.py, so the app label stays `scoring` and one migration history holds
every model of the year.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scoring.models.fields import person_field
from scoring.models.frameworks import Criterion, Framework, Period


class Survey(models.Model):
    """The questionnaire of one block in one period; frozen (read-only) from the moment it opens."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("kỳ"))
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("bộ chỉ số")
    )
    title = models.CharField(_("tên phiếu khảo sát"), max_length=300)
    introduction = models.TextField(_("lời giới thiệu"), blank=True)
    opens_at = models.DateTimeField(_("mở nhận phiếu từ"), null=True, blank=True)
    closes_at = models.DateTimeField(_("hạn nhận phiếu"), null=True, blank=True)
    opened_at = models.DateTimeField(_("thời điểm mở khảo sát"), null=True, blank=True)
    closed_at = models.DateTimeField(_("thời điểm đóng khảo sát"), null=True, blank=True)
    cloned_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="clones", verbose_name=_("sao chép từ")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiếu khảo sát")
        verbose_name_plural = _("phiếu khảo sát")
        ordering = ["period_id", "framework__block__position"]
        constraints = [
            models.UniqueConstraint(fields=["framework"], name="survey_once_per_framework"),
            models.CheckConstraint(
                condition=Q(opened_at__isnull=True) | (Q(opens_at__isnull=False) & Q(closes_at__isnull=False)),
                name="survey_opened_has_window",
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True) | Q(closes_at__isnull=True) | Q(closes_at__gt=models.F("opens_at")),
                name="survey_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_frozen(self) -> bool:
        return self.opened_at is not None

    class State(models.TextChoices):
        """Where the survey stands, from its stored moments and the server's clock (not a stored field)."""

        DRAFT = "draft", _("Đang soạn")
        SCHEDULED = "scheduled", _("Chờ đến giờ mở")
        OPEN = "open", _("Đang nhận phiếu")
        ENDED = "ended", _("Hết hạn nhận phiếu")
        CLOSED = "closed", _("Đã đóng")

    @property
    def state(self) -> "Survey.State":
        now = timezone.now()
        if self.closed_at is not None:
            return self.State.CLOSED
        if self.opened_at is None:
            return self.State.DRAFT
        if now < self.opens_at:
            return self.State.SCHEDULED
        return self.State.ENDED if now >= self.closes_at else self.State.OPEN

    def get_state_display(self) -> str:
        return str(self.state.label)

    @property
    def is_finished(self) -> bool:
        """Closed by the secretary, or past its deadline: the answers are complete."""
        return self.state in (self.State.ENDED, self.State.CLOSED)

    @property
    def is_inviting(self) -> bool:
        """Opened and not yet over: invitations may go out (the links answer from the opening moment)."""
        return self.state in (self.State.SCHEDULED, self.State.OPEN)


class SurveyQuestion(models.Model):
    """One question, counted towards one survey criterion of the framework (a criterion has one or more)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("phiếu"))
    criterion = models.ForeignKey(
        Criterion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_questions",
        verbose_name=_("tiêu chí điều tra"),
    )
    code = models.CharField(_("số câu"), max_length=10)
    text = models.CharField(_("câu hỏi"), max_length=500)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("câu hỏi khảo sát")
        verbose_name_plural = _("câu hỏi khảo sát")
        ordering = ["survey_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "code"], name="survey_question_code_unique")]

    def __str__(self) -> str:
        return f"{self.code}. {self.text}"


class SurveyLevel(models.Model):
    """An answer level of a question (A–E) and the share of the criterion's points it is worth (100, 60, 20, 0 %)."""

    question = models.ForeignKey(
        SurveyQuestion, on_delete=models.CASCADE, related_name="levels", verbose_name=_("câu hỏi")
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    label = models.CharField(_("mức trả lời"), max_length=200)
    weight = models.DecimalField(_("trọng số (%)"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("mức trả lời")
        verbose_name_plural = _("mức trả lời")
        ordering = ["question_id", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=0) & Q(weight__lte=100), name="survey_level_weight_range"),
            models.UniqueConstraint(fields=["question", "position"], name="survey_level_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.weight} %)"


class RespondentGroup(models.TextChoices):
    CITIZEN = "citizen", _("Người dân")
    BUSINESS = "business", _("Doanh nghiệp")
    CIVIL_SERVANT = "civil_servant", _("Cán bộ, công chức")


class Respondent(models.Model):
    """A named person of a unit's sample, reached by their own one-time link (the token is its only key)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="respondents", verbose_name=_("phiếu"))
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị đã giao dịch")
    )
    name = models.CharField(_("họ và tên"), max_length=150)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    group = models.CharField(_("nhóm"), max_length=20, choices=RespondentGroup.choices)
    token = models.CharField(max_length=64, unique=True)
    is_in_sample = models.BooleanField(_("trong mẫu khảo sát"), default=True)
    invited_at = models.DateTimeField(_("đã gửi thư mời lúc"), null=True, blank=True)
    imported_by = person_field()
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("người được khảo sát")
        verbose_name_plural = _("người được khảo sát")
        ordering = ["survey_id", "unit_id", "id"]
        indexes = [models.Index(fields=["survey", "unit", "is_in_sample"], name="respondent_sample_idx")]

    def __str__(self) -> str:
        return self.name


class SurveyResponse(models.Model):
    """One respondent's answers, final once sent; it carries no identity, only what the advisory checks need."""

    respondent = models.OneToOneField(Respondent, on_delete=models.PROTECT, related_name="response")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    group = models.CharField(_("nhóm"), max_length=20, choices=RespondentGroup.choices)
    submitted_at = models.DateTimeField(_("thời điểm gửi"), auto_now_add=True)
    seconds_taken = models.PositiveIntegerField(_("thời gian trả lời (giây)"), null=True, blank=True)
    # The level positions answered, in question order ("0-0-1-3"): straight-lining and copies show in SQL.
    pattern = models.CharField(max_length=200)
    # A keyed hash of the network the answer came from (/24 for IPv4, /48 for IPv6): comparable, not readable.
    network = models.CharField(max_length=16, blank=True)
    is_excluded = models.BooleanField(_("bị loại"), default=False)
    exclusion_reason = models.TextField(_("lý do loại"), blank=True)
    excluded_by = person_field(optional=True)
    excluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("phiếu trả lời")
        verbose_name_plural = _("phiếu trả lời")
        ordering = ["survey_id", "unit_id", "submitted_at", "id"]
        indexes = [models.Index(fields=["survey", "unit"], name="response_survey_unit_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_excluded=False)
                | (~Q(exclusion_reason="") & Q(excluded_by__isnull=False) & Q(excluded_at__isnull=False)),
                name="response_excluded_has_who_when_why",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.unit_id}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.PROTECT, related_name="answers")
    level = models.ForeignKey(SurveyLevel, on_delete=models.PROTECT, related_name="answers")

    class Meta:
        verbose_name = _("câu trả lời")
        verbose_name_plural = _("câu trả lời")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_once_per_question")]

    def __str__(self) -> str:
        return f"{self.response_id} {self.question_id} {self.level_id}"
