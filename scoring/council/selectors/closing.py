"""The council's closing work: the largest differences between the council and the units, flagged explanations,
each block's finalisation and minutes, and who sits on the council."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import connections
from django.db.models import (
    QuerySet,
)

from scoring.appraisal.selectors import AppraisalGap, block_appraisal_gaps
from scoring.council.selectors.progress import UnitProgress, _moment
from scoring.models import (
    POINTS,
    Assessment,
    CouncilMembership,
    ExplanationRequest,
    Framework,
    Period,
    RuleType,
    Score,
    SignedDocument,
    Stage,
)
from scoring.results.versions import kept
from units.models import User


@dataclass(frozen=True, slots=True)
class Difference:
    """A criterion where the council departs from the unit's own score: what a row of the overview's table shows."""

    assessment_id: int
    criterion_id: int
    unit_name: str
    criterion_code: str
    criterion_title: str
    self_points: Decimal
    council_points: Decimal
    difference: Decimal


# The council's latest round (round 2, else round 1) against the unit's own score, for the sheets given ({sheets}: one
# %s a sheet id). Each round-1 score finds its own score by index (the unique score per stage): there are few round-1
# scores of a period next to its 24,000 own ones at 200 units, so a join would hash every own score; the few round-2
# scores are joined (their partial index read once, not probed a row). The pairs are a materialised table: planned on
# its own (0.6 instead of 1.2 ms at 200 units), each own score looked up once rather than again for the sort and the
# outer filter, and only the pairs that differ meet their criterion, sheet and unit. Written out rather than built
# through the ORM, whose compiling of the five correlated subqueries took 2 ms of the overview.
DIFFERENCES_SQL = """
WITH scored AS MATERIALIZED (
    SELECT council.assessment_id, council.criterion_id,
        (SELECT own.points FROM scoring_score own WHERE own.assessment_id = council.assessment_id
            AND own.criterion_id = council.criterion_id AND own.stage = %s) AS self_points,
        COALESCE(second.points, council.points) AS council_points
    FROM scoring_score council
    LEFT JOIN scoring_score second ON second.assessment_id = council.assessment_id
        AND second.criterion_id = council.criterion_id AND second.stage = %s
    WHERE council.stage = %s AND council.points IS NOT NULL AND council.assessment_id IN ({sheets})
)
SELECT scored.assessment_id, scored.criterion_id, unit.name, criterion.code, criterion.title,
    scored.self_points, scored.council_points, ABS(scored.council_points - scored.self_points) AS difference
FROM scored
JOIN scoring_criterion criterion ON criterion.id = scored.criterion_id
JOIN scoring_assessment sheet ON sheet.id = scored.assessment_id
JOIN units_unit unit ON unit.id = sheet.unit_id
WHERE criterion.rule_type <> %s AND ABS(scored.council_points - scored.self_points) > 0
ORDER BY difference DESC, unit.name, criterion.code
LIMIT %s
"""


_CENT = Decimal(1).scaleb(-POINTS["decimal_places"])


def _points(value) -> Decimal:
    """A figure as a DecimalField reads it (SQLite answers numbers as floats)."""
    return value if isinstance(value, Decimal) else Decimal(str(value)).quantize(_CENT)


def largest_differences(
    sheet_ids: list[int], limit: int = 10, *, stamp: tuple[str, int] | None = None
) -> list[Difference]:
    """Criteria where the council's latest round departs most from the unit's own score, computed in SQL
    (DIFFERENCES_SQL), among `sheet_ids`: the sheets the viewer may see as unit_progress read them, so never of a
    unit the viewer is conflicted with. No own score, no difference. With the period's `stamp` (unit_progress read
    it), computed once per version of the results for these sheets: the triggers watch the council's rounds, the
    criteria, the units, and the own scores of every sheet the council has begun (3 ms of the database at 200
    units, 50 ms once every sheet's round 1 is scored)."""
    if not sheet_ids:
        return []
    using = Score.objects.db

    def compute() -> list[Difference]:
        sql = DIFFERENCES_SQL.format(sheets=", ".join(["%s"] * len(sheet_ids)))
        params = [Stage.SELF.value, Stage.ROUND_2.value, Stage.ROUND_1.value, *sheet_ids, RuleType.SURVEY.value, limit]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [
            Difference(assessment_id, criterion_id, unit, code, title, *map(_points, figures))
            for assessment_id, criterion_id, unit, code, title, *figures in rows
        ]

    return list(kept(("largest_differences", using, tuple(sheet_ids), limit), stamp, compute))


def flagged_of(requests: list[ExplanationRequest]) -> list[ExplanationRequest]:
    """The flagged ones among requests_to_settle (by unit name and criterion code), in the order of the council's
    list: block, then unit, as flagged_explanations."""
    flagged = [request for request in requests if request.state == ExplanationRequest.State.FLAGGED]
    return sorted(
        flagged, key=lambda request: (request.assessment.unit.block.position, request.assessment.unit.position)
    )


def flagged_explanations(period: Period) -> QuerySet[ExplanationRequest]:
    return (
        ExplanationRequest.objects.filter(assessment__period=period, state=ExplanationRequest.State.FLAGGED)
        .select_related("assessment__unit", "criterion", "requested_by")
        .order_by("assessment__unit__block__position", "assessment__unit__position", "criterion__code")
    )


@dataclass
class BlockStatus:
    """A block's card: closed or not (when and by whom, its signed minutes), and what still keeps it open."""

    block_id: int
    block_name: str
    finalised_at: datetime | None
    finalised_by: str  # the name the person's get_full_name gives
    minutes_reference: str | None  # the council's signed minutes, made when the block is closed
    blockers: list[AppraisalGap]  # the first ones at least (block_statuses' `listed`), in block_appraisal_gaps' order
    submitted: int
    blocker_count: int = 0  # every gap, the listed ones and those only counted

    @property
    def is_finalised(self) -> bool:
        return self.finalised_at is not None


# Every framework of a period with its block, the block's finalisation, who closed it and the latest minutes signed
# for it, in one statement (the ORM's two queries, one with a correlated subquery, took 1.6 ms of compiling).
BLOCKS_SQL = """
SELECT framework.id, framework.block_id, block.name, finalisation.finalised_at,
    person.id, person.username, person.full_name, person.first_name, person.last_name,
    (SELECT document.reference FROM scoring_signeddocument document
        WHERE document.kind = %s AND document.period_id = framework.period_id
        AND document.block_id = framework.block_id
        ORDER BY document.created_at DESC, document.id DESC LIMIT 1)
FROM scoring_framework framework
JOIN units_block block ON block.id = framework.block_id
LEFT JOIN scoring_blockfinalisation finalisation
    ON finalisation.period_id = framework.period_id AND finalisation.block_id = framework.block_id
LEFT JOIN units_user person ON person.id = finalisation.finalised_by_id
WHERE framework.period_id = %s
ORDER BY block.position, framework.block_id
"""


def block_statuses(
    period: Period,
    *,
    viewer: User | None = None,
    progress: UnitProgress,
    requests: list[ExplanationRequest],
    listed: int | None = None,
) -> list[BlockStatus]:
    """Per block of the period: closed or not, its minutes, and what still blocks closing it, from the sheets
    unit_progress read and requests_to_settle, in one more query whatever the number of blocks (BLOCKS_SQL); the
    viewer's conflicted units block it too, counted without their name or figures (block_appraisal_gaps)."""
    with connections[Framework.objects.db].cursor() as cursor:
        cursor.execute(BLOCKS_SQL, [SignedDocument.Kind.MINUTES.value, period.pk])
        frameworks = cursor.fetchall()
    submitted = Counter(sheet.framework_id for sheet in progress.sheets if sheet.state == Assessment.State.SUBMITTED)
    # A block's round-1 gaps come first, one a sheet in the sheets' order: with `listed`, only the first `listed`
    # of a block are built and the others counted (a card lists 8 of up to 200). The viewer's hidden sheets all go,
    # counted by block_appraisal_gaps without a word of theirs.
    sheets, unlisted = progress.sheets, Counter()
    if listed is not None:
        visible = {row.pk for row in progress.rows}
        sheets, built = [], Counter()
        for sheet in progress.sheets:
            block_id = sheet.unit.block_id
            has_gap = sheet.state == Assessment.State.SUBMITTED and sheet.round_one < sheet.leaf_count
            if has_gap and sheet.pk in visible and built[block_id] >= listed:
                unlisted[block_id] += 1
                continue
            built[block_id] += has_gap and sheet.pk in visible
            sheets.append(sheet)
    gaps = block_appraisal_gaps(period, sheets, requests, viewer=viewer)
    statuses = []
    for framework_id, block_id, block_name, finalised_at, person_id, *name, minutes in frameworks:
        is_closed = finalised_at is not None
        blockers = [] if is_closed else gaps.get(block_id, [])
        count = 0 if is_closed else len(blockers) + unlisted[block_id]
        username, full_name, first_name, last_name = name
        person = User(username=username, full_name=full_name, first_name=first_name, last_name=last_name)
        statuses.append(
            BlockStatus(
                block_id,
                block_name,
                _moment(finalised_at),
                person.get_full_name() if person_id is not None else "",
                minutes if is_closed else None,
                blockers,
                submitted[framework_id],
                count,
            )
        )
    return statuses


def council_users(period: Period) -> list:
    """The people sitting on the period's council."""

    return [membership.user for membership in CouncilMembership.objects.filter(period=period).select_related("user")]
