"""The 2023 satisfaction survey run in the portal, part-way through its window.

Everything goes through the survey's own services, as the secretary and the respondents would: a questionnaire
per block whose questions count towards the framework's survey criterion (levels weighted 100 / 60 / 20 / 0 %),
a named sample per unit imported from an Excel workbook through the same intake as an uploaded one, the window
opened (the questionnaire freezes), then most of each sample answering through response_submit with a plausible
reading time. Everyone else's one-time link still answers, so a visitor can try one.

Idempotent: a block that already has its questionnaire is left alone.
"""

import io
import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook

from scoring.models import Criterion, Framework, Period, RuleType
from scoring.survey.models import Respondent, RespondentGroup, Survey
from scoring.survey.respondents import COLUMNS, answer_url, respondents_import
from scoring.survey.selectors import MIN_SECONDS_PER_QUESTION, survey_questions
from scoring.survey.services import question_add, response_submit, survey_create, survey_open
from units.models import Unit, User

LEVELS = [
    ("Rất hài lòng", Decimal(100)),
    ("Hài lòng", Decimal(60)),
    ("Chưa hài lòng", Decimal(20)),
    ("Không hài lòng", Decimal(0)),
]
QUESTIONS = {
    "phuong": (
        "Ông/bà có hài lòng với thái độ, tinh thần phục vụ của công chức Bộ phận Một cửa phường không?",
        "Ông/bà có hài lòng với thời gian giải quyết hồ sơ so với ngày hẹn trả kết quả không?",
        "Ông/bà có hài lòng với việc niêm yết, hướng dẫn thủ tục hành chính tại phường (đầy đủ, dễ hiểu) không?",
    ),
    "phong-ban": (
        "Ông/bà có hài lòng với thái độ, tinh thần phục vụ của cán bộ, công chức của đơn vị không?",
        "Ông/bà có hài lòng với thời gian đơn vị xử lý, trả lời hồ sơ, kiến nghị của mình không?",
        "Ông/bà có hài lòng với việc đơn vị công khai thông tin, hướng dẫn thủ tục không?",
    ),
}
INTRODUCTION = (
    "UBND quận Thanh Xuân khảo sát sự hài lòng của người dân, tổ chức đối với các đơn vị năm 2023. Phiếu ẩn danh: "
    "đơn vị được đánh giá chỉ thấy số liệu tổng hợp. Mỗi đường dẫn chỉ trả lời được một lần."
)
SAMPLE_SIZE = 6
WINDOW_OPENED_DAYS_AGO = 7
WINDOW_DAYS = 21
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
MIDDLE = ("Văn", "Thị", "Minh", "Thu", "Quang", "Ngọc", "Đức", "Thanh")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hương", "Khánh", "Lan", "Long", "Mai", "Nam", "Phúc")
GROUPS = {
    "phuong": (RespondentGroup.CITIZEN,) * 5 + (RespondentGroup.BUSINESS,),
    "phong-ban": (RespondentGroup.CITIZEN,) * 3 + (RespondentGroup.BUSINESS,) * 2 + (RespondentGroup.CIVIL_SERVANT,),
}
# The words the secretary types in the workbook's group column (respondents.GROUP_ALIASES reads them).
GROUP_WORDS = {
    RespondentGroup.CITIZEN: "Người dân",
    RespondentGroup.BUSINESS: "Doanh nghiệp",
    RespondentGroup.CIVIL_SERVANT: "Cán bộ, công chức",
}


@dataclass(frozen=True)
class DemoSurvey:
    survey: Survey
    untried_link: str  # a respondent who has not answered: their link still works


def seed_survey(period: Period, secretary: User) -> list[DemoSurvey]:
    """Each block's questionnaire of the open year, opened a week ago, with most of each sample answered."""
    seeded = []
    for framework in (
        Framework.objects.filter(period=period).select_related("block", "period").order_by("block__position")
    ):
        survey = Survey.objects.filter(framework=framework).first() or _run(framework, secretary)
        waiting = Respondent.objects.filter(survey=survey, is_in_sample=True, response__isnull=True).order_by("id")
        first = waiting.select_related("survey").first()
        seeded.append(DemoSurvey(survey, answer_url(first) if first else ""))
    return seeded


def _run(framework: Framework, secretary: User) -> Survey:
    survey = survey_create(actor=secretary, framework=framework, introduction=INTRODUCTION)
    criterion = Criterion.objects.get(framework=framework, rule_type=RuleType.SURVEY)
    for text in QUESTIONS[framework.block.code]:
        question_add(actor=secretary, survey=survey, criterion=criterion, text=text, levels=LEVELS)
    units = list(Unit.objects.filter(block=framework.block, is_active=True).order_by("position", "name"))
    respondents_import(actor=secretary, survey=survey, file=_sample_workbook(framework.block.code, units))
    now = timezone.now()
    survey = survey_open(
        actor=secretary,
        survey=survey,
        opens_at=now - timedelta(days=WINDOW_OPENED_DAYS_AGO),
        closes_at=now + timedelta(days=WINDOW_DAYS),
    )
    _answer(survey, units)
    return survey


def _sample_workbook(block_code: str, units: list[Unit]) -> bytes:
    """The secretary's sample as they would upload it: the template's columns, one line per person."""
    rng = random.Random(f"survey-sample-{block_code}")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([column.header for column in COLUMNS])
    by_key = {column.key: index for index, column in enumerate(COLUMNS)}
    for unit in units:
        for group in GROUPS[block_code]:
            line = [""] * len(COLUMNS)
            line[by_key["unit"]] = unit.code
            line[by_key["unit_name"]] = unit.name
            line[by_key["name"]] = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            line[by_key["group"]] = GROUP_WORDS[group]
            sheet.append(line)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _answer(survey: Survey, units: list[Unit]) -> None:
    """Four or five of each unit's six answer, from different networks, taking 40 s to 3 min; the rest wait."""
    questions = survey_questions(survey)
    plausible = len(questions) * MIN_SECONDS_PER_QUESTION
    respondents = Respondent.objects.filter(survey=survey).order_by("unit__position", "id")
    by_unit: dict[int, list[Respondent]] = {}
    for respondent in respondents:
        by_unit.setdefault(respondent.unit_id, []).append(respondent)
    for index, unit in enumerate(units):
        rng = random.Random(f"survey-answers-{unit.code}")
        # Each unit has its own leaning: mostly "very satisfied" or "satisfied", now and then less.
        leaning = (rng.uniform(0.55, 0.75), rng.uniform(0.2, 0.35), 0.06, 0.02)
        sample = by_unit.get(unit.pk, [])
        answering = sample[: len(sample) - 1 - index % 2]
        for number, respondent in enumerate(answering):
            choices = {
                question.pk: rng.choices(list(question.levels.all()), weights=leaning)[0].pk for question in questions
            }
            response_submit(
                respondent=respondent,
                choices=choices,
                seconds_taken=max(plausible * 4, rng.randint(40, 180)),
                address=f"10.{index + 1}.{number + 1}.{rng.randint(2, 250)}",
            )
