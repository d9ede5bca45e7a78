"""Every model of the `scoring` app, one module per stage of the year; import them from here.

The survey's models live in their feature package (scoring/survey/models.py) and are imported here too, so
they stay in the `scoring` app (one migration history) and load with it.
"""

from scoring.models.council import (
    AdjustmentEntry,
    AppraisalAssignment,
    BlockFinalisation,
    ConflictDeclaration,
    CouncilMembership,
    ExplanationRequest,
)
from scoring.models.fields import (
    POINTS,
    person_field,
)
from scoring.models.frameworks import (
    AdjustmentItem,
    Criterion,
    Framework,
    Period,
    RuleOption,
    RuleType,
)
from scoring.models.plans import (
    RemediationPlan,
)
from scoring.models.records import (
    AuditEvent,
    Notice,
)
from scoring.models.results import (
    ClassificationBand,
    Commendation,
    Objection,
    RankingExclusion,
    ResultAreaRow,
    ResultCriterionRow,
    ResultPublication,
    ResultRow,
    ResultsConfig,
    ResultsVersion,
)
from scoring.models.sheets import (
    Assessment,
    CriterionPreparer,
    Score,
    ScoreChange,
    Stage,
)
from scoring.models.signing import (
    SignedDocument,
    SignedUpload,
)
from scoring.survey.models import (
    Respondent,
    RespondentGroup,
    Survey,
    SurveyAnswer,
    SurveyLevel,
    SurveyQuestion,
    SurveyResponse,
)
