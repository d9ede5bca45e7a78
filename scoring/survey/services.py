"""Writes of the survey: the questionnaire (create, clone, questions, open, close), a respondent's answers,
the council's exclusions, and the computed points recorded as the council's round-1 survey scores."""

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scoring.models import (
    Assessment,
    AuditEvent,
    BlockFinalisation,
    Criterion,
    Framework,
    Period,
    RuleType,
    Score,
    Stage,
)
from scoring.permissions.survey import (
    LinkState,
    can_exclude_response,
    can_manage_surveys,
    can_record_survey_points,
    link_state,
)
from scoring.rules import Entry
from scoring.sheets.services import ScoreInput, StaleScoreError, score_write
from scoring.survey.models import Respondent, Survey, SurveyAnswer, SurveyLevel, SurveyQuestion, SurveyResponse
from scoring.survey.selectors import (
    frozen_survey_questions,
    survey_criteria,
    survey_points,
    survey_problems,
    survey_questions,
)
from scoring.text import number_text
from units.models import Unit, User

MAX_QUESTIONS = 60
MAX_LEVELS = 10
REASON_MAX_LENGTH = 2000
POINTS_EXPLANATION = "Tính từ kết quả khảo sát trong cổng"
# A period set to "no survey this year" (Period.has_survey) takes its index without the survey criteria.
NO_SURVEY_OPEN = gettext_lazy(
    "Kỳ đánh giá năm %(year)s được đặt là không điều tra xã hội học (trang cài đặt kết quả): không mở khảo sát."
)
NO_SURVEY_RECORD = gettext_lazy(
    "Kỳ đánh giá năm %(year)s không điều tra xã hội học: chỉ số được tính không gồm phần điều tra, "
    "nên không ghi điểm khảo sát."
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


# --- a respondent's answers --------------------------------------------------------------------------------------


class LinkRefused(Exception):
    """The link cannot be answered now (used, closed, expired...); the state carries what to tell the person."""

    def __init__(self, state: LinkState):
        super().__init__(str(state.message))
        self.state = state


def network_of(address: str | None) -> str:
    """A keyed hash of the address's network (/24, /48): equal for neighbours, unreadable, never the address."""
    if not address:
        return ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    network = ipaddress.ip_network(f"{ip}/{prefix}", strict=False)
    digest = hmac.new(settings.SECRET_KEY.encode(), str(network).encode(), hashlib.sha256).hexdigest()
    return digest[:16]


@transaction.atomic
def response_submit(
    *, respondent: Respondent, choices: dict[int, int | None], seconds_taken: int | None, address: str | None
) -> SurveyResponse:
    """Store a respondent's answers once, while the window is open; final from then on.

    `choices` maps every question id to the chosen level id. Raises LinkRefused when the link cannot be
    answered (checked again under the respondent's row lock, so two sends of one link store one response),
    and ValidationError naming each unanswered question.
    """
    # Lock the respondent's row only (its response, joined to know whether it exists, may be missing).
    respondent = (
        Respondent.objects.select_for_update(of=("self",)).select_related("survey", "response").get(pk=respondent.pk)
    )
    state = link_state(respondent)
    if not state.is_open:
        raise LinkRefused(state)
    questions = frozen_survey_questions(respondent.survey)
    errors: dict[str, str] = {}
    chosen: list[tuple[SurveyQuestion, SurveyLevel]] = []
    for question in questions:
        levels = {level.pk: level for level in question.levels.all()}
        level = levels.get(choices.get(question.pk))
        if level is None:
            errors[f"q{question.pk}"] = (
                _("Xin chọn một câu trả lời cho câu %(code)s.") % {"code": question.code}
                if choices.get(question.pk) is None
                else _("Câu trả lời của câu %(code)s không hợp lệ.") % {"code": question.code}
            )
            continue
        chosen.append((question, level))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                respondent=respondent,
                survey=respondent.survey,
                unit_id=respondent.unit_id,
                group=respondent.group,
                seconds_taken=seconds_taken,
                pattern="-".join(str(level.position) for _question, level in chosen)[:200],
                network=network_of(address),
            )
    except IntegrityError:  # the same link sent twice at once: the first one counts
        raise LinkRefused(link_state(Respondent.objects.select_related("survey").get(pk=respondent.pk))) from None
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=response, question=question, level=level) for question, level in chosen
    )
    return response


# --- the council's exclusions -------------------------------------------------------------------------------------


def _locked_for_exclusion(actor: User, response: SurveyResponse) -> SurveyResponse:
    """The response, locked, once the actor may exclude (or restore) it."""
    response = (
        SurveyResponse.objects.select_for_update(of=("self",))
        .select_related("survey__period", "unit")
        .get(pk=response.pk)
    )
    if not can_exclude_response(actor, response):
        raise PermissionDenied(_("Chỉ Hội đồng thẩm định loại phiếu trả lời, trước khi khối được chốt."))
    return response


def _save_exclusion(actor: User, response: SurveyResponse, action: str, summary: str, **data: str) -> None:
    """Store whether the response counts, and the audit event that says who decided it and why."""
    response.save(update_fields=["is_excluded", "exclusion_reason", "excluded_by", "excluded_at"])
    AuditEvent.objects.create(
        actor=actor,
        action=action,
        period=response.survey.period,
        summary=summary,
        data={"survey_id": response.survey_id, "response_id": response.pk, **data},
    )


@transaction.atomic
def response_exclude(*, actor: User, response: SurveyResponse, reason: str) -> SurveyResponse:
    """Leave one response out of the points, with a reason; never automatic, always audited."""
    response = _locked_for_exclusion(actor, response)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do loại phiếu trả lời.")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": _("Lý do dài quá %(max)s ký tự.") % {"max": REASON_MAX_LENGTH}})
    if response.is_excluded:
        raise ValidationError(_("Phiếu trả lời này đã bị loại."))
    response.is_excluded = True
    response.exclusion_reason = reason
    response.excluded_by = actor
    response.excluded_at = timezone.now()
    _save_exclusion(
        actor,
        response,
        "survey.response_exclude",
        _("Loại phiếu trả lời số %(number)s của %(unit)s") % {"number": response.pk, "unit": response.unit},
        reason=reason,
    )
    return response


@transaction.atomic
def response_restore(*, actor: User, response: SurveyResponse, reason: str) -> SurveyResponse:
    """Count an excluded response again (the exclusion and its reason stay in the audit trail)."""
    response = _locked_for_exclusion(actor, response)
    if not response.is_excluded:
        raise ValidationError(_("Phiếu trả lời này đang được tính."))
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do tính lại phiếu trả lời.")})
    previous = response.exclusion_reason
    response.is_excluded, response.exclusion_reason, response.excluded_by, response.excluded_at = False, "", None, None
    _save_exclusion(
        actor,
        response,
        "survey.response_restore",
        _("Tính lại phiếu trả lời số %(number)s của %(unit)s") % {"number": response.pk, "unit": response.unit},
        reason=reason.strip(),
        previous_reason=previous,
    )
    return response


# --- points as the council's scores ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordResult:
    changed: int
    unchanged: int
    without_sheet: list[str]  # units with responses but no submitted sheet (nothing recorded for them)


@transaction.atomic
def survey_points_record(*, actor: User, survey: Survey) -> RecordResult:
    """Write the computed points of every unit and survey criterion as round-1 council scores.

    Same path as the Excel import of survey points (score_write, with history); units whose sheet is not
    submitted, or whose block is closed, are left out and named.
    """
    period = Period.objects.select_for_update().get(pk=survey.period_id)
    survey = Survey.objects.select_related("framework__block").get(pk=survey.pk)
    survey.period = period
    if not can_record_survey_points(actor, survey):
        raise PermissionDenied(_("Chỉ Thư ký Hội đồng ghi điểm khảo sát, trong giai đoạn thẩm định."))
    if not period.has_survey:
        raise ValidationError(NO_SURVEY_RECORD % {"year": period.year})
    if not survey.is_finished:
        raise ValidationError(_("Cuộc khảo sát chưa kết thúc: hãy đóng khảo sát hoặc chờ hết hạn nhận phiếu."))
    if BlockFinalisation.objects.filter(period=period, block_id=survey.framework.block_id).exists():
        raise ValidationError(_("Khối “%(block)s” đã chốt kết quả thẩm định.") % {"block": survey.framework.block})
    points = survey_points([survey.pk])
    if not points:
        raise ValidationError(_("Chưa có phiếu trả lời nào được tính điểm."))
    assessments = {
        assessment.unit_id: assessment
        for assessment in Assessment.objects.select_for_update(of=("self",))
        .select_related("unit")
        .filter(period=period, framework_id=survey.framework_id, state=Assessment.State.SUBMITTED)
    }
    criteria = Criterion.objects.in_bulk({row.criterion_id for row in points})
    versions = {
        (score.assessment_id, score.criterion_id): score.version
        for score in Score.objects.select_for_update().filter(
            assessment_id__in=[a.pk for a in assessments.values()], stage=Stage.ROUND_1, criterion_id__in=criteria
        )
    }
    changed, details, without_sheet = 0, [], set()
    for row in points:
        assessment = assessments.get(row.unit_id)
        if assessment is None:
            without_sheet.add(row.unit_id)
            continue
        criterion = criteria[row.criterion_id]
        expected = versions.get((assessment.pk, criterion.pk), 0)
        explanation = _("%(source)s: %(responses)s phiếu trả lời, tỷ lệ có trọng số %(share)s%% × %(max)s điểm.") % {
            "source": POINTS_EXPLANATION,
            "responses": row.responses,
            "share": number_text((row.share * 100).quantize(Decimal("0.01"))),
            "max": number_text(row.max_points),
        }
        try:
            score = score_write(
                actor=actor,
                assessment=assessment,
                criterion=criterion,
                stage=Stage.ROUND_1,
                data=ScoreInput(entry=Entry(value=row.points), explanation=explanation),
                expected_version=expected,
            )
        except StaleScoreError as stale:  # cannot happen while we hold the locks; refuse rather than half-save
            raise ValidationError(str(stale), code="stale") from None
        if score.version != expected:
            changed += 1
            details.append({"unit": assessment.unit.code, "criterion": criterion.code, "points": str(row.points)})
    names = (
        list(Unit.objects.filter(pk__in=without_sheet).order_by("position", "name").values_list("name", flat=True))
        if without_sheet
        else []
    )
    if changed:
        AuditEvent.objects.create(
            actor=actor,
            action="survey.points_record",
            period=period,
            summary=_("Ghi %(count)s điểm khảo sát (thẩm định vòng 1) từ %(survey)s")
            % {"count": changed, "survey": survey},
            data={"survey_id": survey.pk, "scores": details, "without_sheet": names},
        )
    recorded = sum(1 for row in points if row.unit_id not in without_sheet)
    return RecordResult(changed=changed, unchanged=recorded - changed, without_sheet=names)
