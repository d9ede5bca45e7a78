"""Reads of the survey: questionnaires, samples, response rates, distributions, advisory checks and points.

Every figure is counted in the database (aggregates and window functions); a page costs the same number of
queries whether a unit has 3 responses or 300.
"""

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    Max,
    Prefetch,
    Q,
    QuerySet,
    StringAgg,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Cast, RowNumber
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django_cte import CTE, with_cte

from scoring.models import Criterion, Period, RuleType
from scoring.survey.models import (
    Respondent,
    Survey,
    SurveyAnswer,
    SurveyLevel,
    SurveyQuestion,
    SurveyResponse,
)
from units.models import Unit

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
# Advisory checks (never automatic exclusion): a plausible reading time per question, the least number of
# questions for a straight line of identical answers to mean anything, and how many answers from one network
# for one unit make the council look twice.
MIN_SECONDS_PER_QUESTION = 3
MIN_QUESTIONS_FOR_STRAIGHT_LINE = 3
SAME_NETWORK_THRESHOLD = 5
SAME_PATTERN_THRESHOLD = 3
QUESTIONS_CACHE_SECONDS = 60 * 60


def period_surveys(period: Period) -> QuerySet[Survey]:
    return (
        Survey.objects.filter(period=period)
        .select_related("framework__block", "cloned_from__period")
        .annotate(
            question_count=Count("questions", distinct=True),
            sample_size=Count("respondents", filter=Q(respondents__is_in_sample=True), distinct=True),
            response_count=Count("responses", distinct=True),
        )
        .order_by("framework__block__position", "framework__block_id")
    )


def survey_questions(survey: Survey) -> list[SurveyQuestion]:
    """Questions in order with their levels and criterion (two queries)."""
    return list(
        SurveyQuestion.objects.filter(survey=survey)
        .select_related("criterion")
        .prefetch_related(Prefetch("levels", queryset=SurveyLevel.objects.order_by("position", "id")))
        .order_by("position", "id")
    )


def frozen_survey_questions(survey: Survey) -> list[SurveyQuestion]:
    """survey_questions for the answer page, kept in the process's cache once the survey has opened: from then
    on its questions never change, and every respondent's page and answer would otherwise read them again."""
    if survey.opened_at is None:
        return survey_questions(survey)
    key = f"survey-questions:{survey.pk}:{survey.opened_at.timestamp()}"
    return cache.get_or_set(key, lambda: survey_questions(survey), timeout=QUESTIONS_CACHE_SECONDS)


def survey_criteria(survey: Survey) -> list[Criterion]:
    """The framework's survey criteria, in code order: what the questions are counted towards."""
    criteria = list(Criterion.objects.filter(framework_id=survey.framework_id, rule_type=RuleType.SURVEY))
    return sorted(criteria, key=lambda criterion: criterion.code_key)


def survey_problems(survey: Survey, questions: list[SurveyQuestion], criteria: list[Criterion]) -> list[str]:
    """Every reason the questionnaire cannot open as it is."""
    problems: list[str] = []
    if not questions:
        problems.append(_("Phiếu khảo sát chưa có câu hỏi nào."))
    counted = {question.criterion_id for question in questions if question.criterion_id}
    for criterion in criteria:
        if criterion.pk not in counted:
            problems.append(_("Tiêu chí điều tra %(code)s chưa có câu hỏi nào tính điểm.") % {"code": criterion.code})
    criterion_ids = {criterion.pk for criterion in criteria}
    for question in questions:
        levels = list(question.levels.all())
        if question.criterion_id is None or question.criterion_id not in criterion_ids:
            problems.append(
                _("Câu %(code)s chưa gắn với tiêu chí điều tra xã hội học của bộ chỉ số.") % {"code": question.code}
            )
        if len(levels) < 2:
            problems.append(_("Câu %(code)s cần ít nhất hai mức trả lời.") % {"code": question.code})
    return problems


@dataclass
class UnitSample:
    unit_id: int
    unit_name: str
    sample_size: int = 0
    pool_size: int = 0
    with_email: int = 0
    invited: int = 0
    responses: int = 0
    excluded: int = 0

    @property
    def counted(self) -> int:
        return self.responses - self.excluded

    @property
    def response_rate(self) -> Decimal | None:
        if not self.sample_size:
            return None
        return (Decimal(self.responses) * HUNDRED / self.sample_size).quantize(Decimal("0.1"), ROUND_HALF_UP)


def unit_samples(survey: Survey) -> list[UnitSample]:
    """Every active unit of the survey's block with its sample, invitations and responses (two queries; the units
    read as id and name: as model objects, 120 of them took 0.6 ms)."""
    units = (
        Unit.objects.filter(block_id=survey.framework.block_id, is_active=True)
        .order_by("position", "name")
        .values_list("pk", "name")
    )
    figures = {
        row["unit_id"]: row
        for row in Respondent.objects.filter(survey=survey)
        .values("unit_id")
        .annotate(
            sample_size=Count("id", filter=Q(is_in_sample=True)),
            pool_size=Count("id"),
            with_email=Count("id", filter=Q(is_in_sample=True) & ~Q(email="")),
            invited=Count("id", filter=Q(is_in_sample=True, invited_at__isnull=False)),
            responses=Count("response"),
            excluded=Count("response", filter=Q(response__is_excluded=True)),
        )
        .order_by()
    }
    samples = []
    for unit_id, unit_name in units:
        row = figures.get(unit_id, {})
        samples.append(
            UnitSample(
                unit_id,
                unit_name,
                **{
                    key: row.get(key, 0)
                    for key in ("sample_size", "pool_size", "with_email", "invited", "responses", "excluded")
                },
            )
        )
    return samples


def survey_respondents(survey: Survey, unit_id: int | None = None) -> QuerySet[Respondent]:
    """The named sample (for the secretariat that imported it), with whether each has answered."""
    respondents = (
        Respondent.objects.filter(survey=survey, is_in_sample=True)
        .select_related("unit")
        .annotate(has_answered=Count("response"))
        .order_by("unit__position", "unit__name", "name", "id")
    )
    if unit_id is not None:
        respondents = respondents.filter(unit_id=unit_id)
    return respondents


# --- points ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionShare:
    """A unit's points on one survey criterion: maximum × the weighted share of its counted answers."""

    unit_id: int
    criterion_id: int
    max_points: Decimal
    weight_sum: Decimal
    answers: int

    @property
    def share(self) -> Decimal:
        return self.weight_sum / (HUNDRED * self.answers)

    @property
    def points(self) -> Decimal:
        # Exact decimal arithmetic on the SQL sums, rounded half up once: SQLite's AVG would go through floats.
        return (self.max_points * self.weight_sum / (HUNDRED * self.answers)).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class CriterionPoints(CriterionShare):
    """CriterionShare with the number of responses it counts (what the recorded score's note states)."""

    responses: int


def survey_points(surveys: Iterable[int] | QuerySet) -> list[CriterionPoints]:
    """Points of every unit on every survey criterion of the given surveys, in one aggregate query.

    Excluded responses do not count; a question not mapped to a criterion counts towards nothing.
    """
    rows = (
        SurveyAnswer.objects.filter(
            response__survey_id__in=surveys, response__is_excluded=False, question__criterion__isnull=False
        )
        .values("response__unit_id", "question__criterion_id", "question__criterion__max_points")
        .annotate(
            weight_sum=Sum("level__weight"),
            answers=Count("id"),
            responses=Count("response_id", distinct=True),
        )
        .order_by("response__unit_id", "question__criterion_id")
    )
    return [
        CriterionPoints(
            unit_id=row["response__unit_id"],
            criterion_id=row["question__criterion_id"],
            max_points=row["question__criterion__max_points"],
            weight_sum=Decimal(row["weight_sum"]),
            answers=row["answers"],
            responses=row["responses"],
        )
        for row in rows
    ]


# --- the results page: points of a page of units, distributions --------------------------------------------------


def answer_counts(survey: Survey, hidden_units: frozenset[int] = frozenset()) -> list[tuple[int, int, int]]:
    """(unit, level, count) of the counted answers of the units not hidden: what criterion_shares and level_counts
    make the results page's points and distributions from.

    One aggregate over the survey's answers, kept in the process's cache under the state of its responses: an
    answer is written once with its response and never changed (the admin shows both read-only), and a response
    is never deleted, so the counts change only when a response arrives (the number and the last id change) or
    the council excludes or restores one (the set of excluded ids changes, in whatever order the database lists
    it). Reading that state is one indexed aggregate over the survey's responses instead of a join of every
    answer."""
    state = SurveyResponse.objects.filter(survey=survey).aggregate(
        count=Count("id"),
        last=Max("id"),
        excluded=StringAgg(Cast("id", CharField()), Value(","), filter=Q(is_excluded=True)),
    )
    excluded = hashlib.sha256((state["excluded"] or "").encode()).hexdigest()
    key = f"survey-answers:{survey.pk}:{state['count']}:{state['last']}:{excluded}"
    counts = cache.get_or_set(
        key,
        lambda: list(
            SurveyAnswer.objects.filter(response__survey=survey, response__is_excluded=False)
            .values_list("response__unit_id", "level_id")
            .annotate(count=Count("id"))
            .order_by()
        ),
        timeout=QUESTIONS_CACHE_SECONDS,
    )
    return [row for row in counts if row[0] not in hidden_units] if hidden_units else counts


def level_counts(counts: list[tuple[int, int, int]], unit_id: int | None = None) -> dict[int, int]:
    """By level: how many of answer_counts chose it, of one unit or of all."""
    by_level: dict[int, int] = defaultdict(int)
    for answered_unit_id, level_id, count in counts:
        if unit_id is None or answered_unit_id == unit_id:
            by_level[level_id] += count
    return by_level


def criterion_shares(
    questions: list[SurveyQuestion], counts: list[tuple[int, int, int]], unit_ids: Iterable[int]
) -> dict[tuple[int, int], CriterionShare]:
    """By (unit, criterion) of these units: the sums survey_points makes in SQL (weights of the counted answers,
    their number), made from answer_counts as a level's weight times its count. A question without criterion counts
    towards nothing."""
    levels = {
        level.pk: (question.criterion_id, level.weight)
        for question in questions
        if question.criterion_id is not None
        for level in question.levels.all()
    }
    maxima = {question.criterion_id: question.criterion.max_points for question in questions if question.criterion_id}
    weights: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    answers: dict[tuple[int, int], int] = defaultdict(int)
    units = set(unit_ids)
    for unit_id, level_id, count in counts:
        if unit_id in units and level_id in levels:
            criterion_id, weight = levels[level_id]
            weights[unit_id, criterion_id] += weight * count
            answers[unit_id, criterion_id] += count
    return {
        key: CriterionShare(key[0], key[1], maxima[key[1]], weight_sum, answers[key])
        for key, weight_sum in weights.items()
    }


@dataclass
class QuestionDistribution:
    question: SurveyQuestion
    counts: list[tuple[SurveyLevel, int, Decimal | None]] = field(default_factory=list)  # level, count, percent
    total: int = 0


def question_distributions(questions: list[SurveyQuestion], by_level: dict[int, int]) -> list[QuestionDistribution]:
    """How the counted answers of each question spread over its levels (level_counts)."""
    distributions = []
    for question in questions:
        levels = list(question.levels.all())
        total = sum(by_level.get(level.pk, 0) for level in levels)
        distributions.append(
            QuestionDistribution(
                question=question,
                counts=[
                    (
                        level,
                        by_level.get(level.pk, 0),
                        (Decimal(by_level.get(level.pk, 0)) * HUNDRED / total).quantize(Decimal("0.1"), ROUND_HALF_UP)
                        if total
                        else None,
                    )
                    for level in levels
                ],
                total=total,
            )
        )
    return distributions


# --- advisory checks -----------------------------------------------------------------------------------------------


# Straight-lining: every question answered with one same level ("2-2-2"), over enough questions to mean anything.
STRAIGHT_LINE_REGEX = rf"^([0-9]+)(-\1){{{MIN_QUESTIONS_FOR_STRAIGHT_LINE - 1},}}$"


def _copies() -> dict[str, Window]:
    """How many of the unit's responses share a response's answers, and its network (window functions)."""
    return {
        "same_pattern": Window(Count("id"), partition_by=[F("unit_id"), F("pattern")]),
        "same_network": Window(Count("id"), partition_by=[F("unit_id"), F("network")]),
    }


def _checks(question_count: int) -> dict[str, Q]:
    """The advisory checks over a response's columns and its _copies, and is_flagged for any of them."""
    checks = {
        "is_fast": Q(seconds_taken__lt=question_count * MIN_SECONDS_PER_QUESTION),
        "is_straight": Q(pattern__regex=STRAIGHT_LINE_REGEX),
    }
    copied = Q(same_pattern__gte=SAME_PATTERN_THRESHOLD)
    one_network = ~Q(network="") & Q(same_network__gte=SAME_NETWORK_THRESHOLD)
    return checks | {"is_flagged": checks["is_fast"] | checks["is_straight"] | copied | one_network}


def _visible_responses(survey: Survey, hidden_units: frozenset[int]) -> QuerySet[SurveyResponse]:
    return SurveyResponse.objects.filter(survey=survey).exclude(unit_id__in=hidden_units).order_by()


def response_checks(
    survey: Survey,
    *,
    question_count: int,
    hidden_units: frozenset[int] = frozenset(),
    unit_ids: Iterable[int] | None = None,
) -> QuerySet[SurveyResponse]:
    """The survey's responses (of the given units) with the council's advisory checks as columns, in the database.

    Annotations: number (the response's number in its unit, by time of sending), same_pattern and same_network
    (how many of the unit's responses share its answers, its network), is_fast, is_straight, and is_flagged for
    any check. The window functions run in a common table expression over each unit's whole set of responses, so
    a page, or the flagged ones only, still count against all of them. Flags only inform: nothing is excluded
    unless a council member decides so with a reason.
    """
    responses = _visible_responses(survey, hidden_units)
    if unit_ids is not None:
        responses = responses.filter(unit_id__in=unit_ids)
    order = [F("submitted_at").asc(), F("id").asc()]
    windows = CTE(
        responses.values("id").annotate(
            number=Window(RowNumber(), partition_by=[F("unit_id")], order_by=order), **_copies()
        ),
        name="response_windows",
    )
    columns = {name: getattr(windows.col, name) for name in ("number", "same_pattern", "same_network")}
    checks = {
        name: ExpressionWrapper(check, output_field=BooleanField()) for name, check in _checks(question_count).items()
    }
    return (
        with_cte(windows, select=windows.join(SurveyResponse.objects.all(), id=windows.col.id))
        .annotate(**columns)
        .annotate(**checks)
        .order_by("unit__position", "unit__name", "submitted_at", "id")
    )


def response_flags(response: SurveyResponse, *, question_count: int) -> list[str]:
    """What the checks of response_checks say about one response, as the council reads them."""
    flags = []
    if response.is_fast:
        flags.append(
            _("Trả lời trong %(seconds)s giây, nhanh hơn thời gian đọc hợp lý (%(plausible)s giây).")
            % {"seconds": response.seconds_taken, "plausible": question_count * MIN_SECONDS_PER_QUESTION}
        )
    if response.is_straight:
        flags.append(_("Mọi câu cùng một mức trả lời."))
    if response.same_pattern >= SAME_PATTERN_THRESHOLD:
        flags.append(_("%(count)s phiếu của đơn vị có cùng một dãy câu trả lời.") % {"count": response.same_pattern})
    if response.network and response.same_network >= SAME_NETWORK_THRESHOLD:
        flags.append(_("%(count)s phiếu của đơn vị gửi từ cùng một mạng.") % {"count": response.same_network})
    return flags


@dataclass(frozen=True)
class UnitResponses:
    """How many responses a unit has, how many the checks flag and how many the council excluded."""

    unit_id: int
    unit_name: str
    total: int
    flagged: int
    excluded: int


def unit_response_counts(
    survey: Survey, *, question_count: int, hidden_units: frozenset[int] = frozenset()
) -> list[UnitResponses]:
    """Per unit with responses, in the block's order: responses, flagged and excluded (one aggregate query over the
    checks of response_checks, without numbering them or reading the rest of each response). Counted per unit before
    the unit's name and place are joined, so only the units' rows are sorted, not every response (1 of 4.7 ms at
    200 units)."""
    windows = CTE(
        _visible_responses(survey, hidden_units)
        .values("unit_id", "seconds_taken", "pattern", "network", "is_excluded")
        .annotate(**_copies()),
        name="response_copies",
    )
    counts = CTE(
        with_cte(windows, select=windows.queryset())
        .values("unit_id")
        .annotate(
            total=Count("unit_id"),
            flagged=Count("unit_id", filter=_checks(question_count)["is_flagged"]),
            excluded=Count("unit_id", filter=Q(is_excluded=True)),
        )
        .order_by(),
        name="response_counts",
    )
    rows = (
        with_cte(counts, select=counts.join(Unit.objects.all(), id=counts.col.unit_id))
        .values_list("pk", "name")
        .annotate(total=counts.col.total, flagged=counts.col.flagged, excluded=counts.col.excluded)
        .order_by("position", "name")
    )
    return [UnitResponses(*row) for row in rows]


class ResponsePaginator(Paginator):
    """Pages of response_checks in the block's order, each read from the units it spans only.

    The per-unit counts say which units a page covers, so the page's query numbers and checks those units'
    responses instead of the whole survey's, and no query counts them again.
    """

    def __init__(self, counts: list[tuple[int, int]], responses_of: Callable[[list[int]], QuerySet], per_page: int):
        super().__init__([], per_page)
        self.counts = counts  # (unit id, responses listed) in the block's order
        self.responses_of = responses_of

    @cached_property
    def count(self) -> int:
        return sum(listed for _unit_id, listed in self.counts)

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        units, first, seen = [], 0, 0
        for unit_id, listed in self.counts:
            if listed and seen < top and seen + listed > bottom:
                first = first if units else seen
                units.append(unit_id)
            seen += listed
        rows = list(self.responses_of(units)[bottom - first : top - first]) if units else []
        return self._get_page(rows, number, self)


def response_export_rows(survey: Survey) -> tuple[list[SurveyQuestion], list[SurveyResponse], dict]:
    """What the anonymised export needs: questions, responses (no respondent), answers by response (3–4 queries)."""
    questions = survey_questions(survey)
    responses = list(
        SurveyResponse.objects.filter(survey=survey)
        .select_related("unit")
        .order_by("unit__position", "unit__name", "submitted_at", "id")
    )
    answers: dict[int, dict[int, SurveyLevel]] = defaultdict(dict)
    for answer in SurveyAnswer.objects.filter(response__survey=survey).select_related("level"):
        answers[answer.response_id][answer.question_id] = answer.level
    return questions, responses, answers
