"""The questionnaire of a block's survey: create, clone from last year, questions, open, close."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scoring.models import (
    AuditEvent,
    Criterion,
    Framework,
    Period,
    RuleType,
)
from scoring.permissions.survey import (
    can_manage_surveys,
)
from scoring.survey.models import Survey, SurveyLevel, SurveyQuestion
from scoring.survey.selectors import (
    survey_criteria,
    survey_problems,
    survey_questions,
)
from units.models import User

MAX_QUESTIONS = 60
MAX_LEVELS = 10
# A period set to "no survey this year" (Period.has_survey) takes its index without the survey criteria.
NO_SURVEY_OPEN = gettext_lazy(
    "Kỳ đánh giá năm %(year)s được đặt là không điều tra xã hội học (trang cài đặt kết quả): không mở khảo sát."
)


def _check_manager(actor: User, period: Period) -> None:
    if not can_manage_surveys(actor, period):
        raise PermissionDenied(_("Chỉ Thư ký Hội đồng quản lý phiếu khảo sát, trước khi kết quả được công bố."))


def _check_editable(survey: Survey) -> None:
    if survey.is_frozen:
        raise ValidationError(
            _("Phiếu khảo sát đã mở nên không sửa được câu hỏi; hãy sao chép sang năm sau để sửa."), code="frozen"
        )


def _lock(survey: Survey) -> Survey:
    return Survey.objects.select_for_update(of=("self",)).select_related("period", "framework__block").get(pk=survey.pk)


# --- the questionnaire ------------------------------------------------------------------------------------------


@transaction.atomic
def survey_create(*, actor: User, framework: Framework, title: str = "", introduction: str = "") -> Survey:
    """An empty questionnaire for one block's framework of a period."""
    _check_manager(actor, framework.period)
    if Survey.objects.filter(framework=framework).exists():
        raise ValidationError(_("Khối “%(block)s” đã có phiếu khảo sát năm %(year)s.") % _block_year(framework))
    survey = Survey.objects.create(
        period=framework.period,
        framework=framework,
        title=title.strip() or _default_title(framework),
        introduction=introduction.strip(),
    )
    AuditEvent.objects.create(
        actor=actor,
        action="survey.create",
        period=framework.period,
        summary=survey.title,
        data={"survey_id": survey.pk, "framework_id": framework.pk},
    )
    return survey


def _block_year(framework: Framework) -> dict:
    return {"block": framework.block, "year": framework.period.year}


def _default_title(framework: Framework) -> str:
    return _("Khảo sát sự hài lòng về %(block)s năm %(year)s") % _block_year(framework)


@transaction.atomic
def survey_clone(*, actor: User, source: Survey, framework: Framework) -> Survey:
    """Start a year's questionnaire as a copy of an earlier one; questions follow their criterion by code."""
    _check_manager(actor, framework.period)
    if Survey.objects.filter(framework=framework).exists():
        raise ValidationError(_("Khối “%(block)s” đã có phiếu khảo sát năm %(year)s.") % _block_year(framework))
    criteria = {criterion.code: criterion for criterion in survey_criteria(Survey(framework=framework))}
    title = source.title.replace(str(source.period.year), str(framework.period.year))
    survey = Survey.objects.create(
        period=framework.period,
        framework=framework,
        title=title,
        introduction=source.introduction,
        cloned_from=source,
    )
    unmapped = []
    for question in survey_questions(source):
        criterion = criteria.get(question.criterion.code) if question.criterion else None
        if criterion is None:
            unmapped.append(question.code)
        copy = SurveyQuestion.objects.create(
            survey=survey, criterion=criterion, code=question.code, text=question.text, position=question.position
        )
        SurveyLevel.objects.bulk_create(
            SurveyLevel(question=copy, position=level.position, label=level.label, weight=level.weight)
            for level in question.levels.all()
        )
    AuditEvent.objects.create(
        actor=actor,
        action="survey.clone",
        period=framework.period,
        summary=f"{source} → {survey}",
        data={"source_id": source.pk, "survey_id": survey.pk, "unmapped_questions": unmapped},
    )
    return survey


@transaction.atomic
def survey_update(*, actor: User, survey: Survey, title: str, introduction: str) -> Survey:
    survey = _lock(survey)
    _check_manager(actor, survey.period)
    _check_editable(survey)
    if not title.strip():
        raise ValidationError({"title": _("Hãy nhập tên phiếu khảo sát.")})
    survey.title, survey.introduction = title.strip(), introduction.strip()
    survey.save(update_fields=["title", "introduction"])
    AuditEvent.objects.create(
        actor=actor, action="survey.update", period=survey.period, summary=survey.title, data={"survey_id": survey.pk}
    )
    return survey


@transaction.atomic
def question_add(
    *, actor: User, survey: Survey, criterion: Criterion, text: str, levels: list[tuple[str, Decimal]]
) -> SurveyQuestion:
    """Add a question counted towards a survey criterion of the survey's framework, with its answer levels."""
    survey = _lock(survey)
    _check_manager(actor, survey.period)
    _check_editable(survey)
    problems = []
    if criterion.framework_id != survey.framework_id or criterion.rule_type != RuleType.SURVEY:
        problems.append(_("Tiêu chí được chọn không phải tiêu chí điều tra xã hội học của bộ chỉ số này."))
    if not text.strip():
        problems.append(_("Hãy nhập nội dung câu hỏi."))
    if len(levels) < 2:
        problems.append(_("Câu hỏi cần ít nhất hai mức trả lời."))
    if len(levels) > MAX_LEVELS:
        problems.append(_("Câu hỏi có tối đa %(max)s mức trả lời.") % {"max": MAX_LEVELS})
    for label, weight in levels:
        if not Decimal(0) <= weight <= 100:
            problems.append(_("Trọng số của mức “%(label)s” phải từ 0 đến 100%%.") % {"label": label})
    existing = list(survey.questions.order_by("position", "id"))
    if len(existing) >= MAX_QUESTIONS:
        problems.append(_("Phiếu khảo sát có tối đa %(max)s câu hỏi.") % {"max": MAX_QUESTIONS})
    if problems:
        raise ValidationError(problems)
    number = max((int(question.code) for question in existing if question.code.isdigit()), default=0) + 1
    position = max((question.position for question in existing), default=0) + 1
    question = SurveyQuestion.objects.create(
        survey=survey, criterion=criterion, code=str(number), text=text.strip(), position=position
    )
    SurveyLevel.objects.bulk_create(
        SurveyLevel(question=question, position=index, label=label.strip(), weight=weight)
        for index, (label, weight) in enumerate(levels)
    )
    AuditEvent.objects.create(
        actor=actor,
        action="survey.question_add",
        period=survey.period,
        summary=f"{survey}: {question}",
        data={"survey_id": survey.pk, "question_id": question.pk, "criterion": criterion.code},
    )
    return question


@transaction.atomic
def question_remove(*, actor: User, question: SurveyQuestion) -> None:
    survey = _lock(question.survey)
    _check_manager(actor, survey.period)
    _check_editable(survey)
    summary = f"{survey}: {question}"
    question_id = question.pk
    question.delete()
    AuditEvent.objects.create(
        actor=actor,
        action="survey.question_remove",
        period=survey.period,
        summary=summary,
        data={"survey_id": survey.pk, "question_id": question_id},
    )


@transaction.atomic
def survey_open(*, actor: User, survey: Survey, opens_at, closes_at) -> Survey:
    """Open the survey window: the questionnaire freezes; links answer only between the two moments."""
    survey = _lock(survey)
    _check_manager(actor, survey.period)
    if survey.is_frozen:
        raise ValidationError(_("Phiếu khảo sát đã được mở."))
    if not survey.period.has_survey:
        raise ValidationError(NO_SURVEY_OPEN % {"year": survey.period.year})
    if survey.period.state == Period.State.DRAFT:
        raise ValidationError(
            _("Kỳ đánh giá năm %(year)s chưa mở nên bộ chỉ số chưa khóa; hãy mở kỳ trước khi mở khảo sát.")
            % {"year": survey.period.year}
        )
    problems = survey_problems(survey, survey_questions(survey), survey_criteria(survey))
    if closes_at <= opens_at:
        problems.append(_("Hạn nhận phiếu phải sau thời điểm mở."))
    if closes_at <= timezone.now():
        problems.append(_("Hạn nhận phiếu phải ở sau thời điểm hiện tại."))
    if problems:
        raise ValidationError(problems)
    survey.opens_at, survey.closes_at, survey.opened_at = opens_at, closes_at, timezone.now()
    survey.save(update_fields=["opens_at", "closes_at", "opened_at"])
    AuditEvent.objects.create(
        actor=actor,
        action="survey.open",
        period=survey.period,
        summary=str(survey),
        data={"survey_id": survey.pk, "opens_at": opens_at.isoformat(), "closes_at": closes_at.isoformat()},
    )
    return survey


@transaction.atomic
def survey_close(*, actor: User, survey: Survey) -> Survey:
    """Stop accepting answers before the deadline (links then say the survey is closed)."""
    survey = _lock(survey)
    _check_manager(actor, survey.period)
    if not survey.is_frozen or survey.closed_at is not None:
        raise ValidationError(_("Chỉ đóng được cuộc khảo sát đang mở."))
    survey.closed_at = timezone.now()
    survey.save(update_fields=["closed_at"])
    AuditEvent.objects.create(
        actor=actor, action="survey.close", period=survey.period, summary=str(survey), data={"survey_id": survey.pk}
    )
    return survey
