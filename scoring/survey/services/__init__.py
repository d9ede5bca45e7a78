"""Writes of the survey, one module per step: the questionnaire (create, clone, questions, open, close), a
respondent's answers, the council's exclusions, and the computed points recorded as the council's round-1
survey scores. Callers import the services from here."""

from scoring.survey.services.answers import (
    LinkRefused,
    network_of,
    response_submit,
)
from scoring.survey.services.exclusions import (
    REASON_MAX_LENGTH,
    response_exclude,
    response_restore,
)
from scoring.survey.services.points import (
    NO_SURVEY_RECORD,
    POINTS_EXPLANATION,
    RecordResult,
    survey_points_record,
)
from scoring.survey.services.questionnaire import (
    MAX_LEVELS,
    MAX_QUESTIONS,
    NO_SURVEY_OPEN,
    question_add,
    question_remove,
    survey_clone,
    survey_close,
    survey_create,
    survey_open,
    survey_update,
)
