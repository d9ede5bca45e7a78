"""A council member's appraisal queue: every sheet they may appraise with its counts, in one statement (QUEUE_SQL)."""

from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q, QuerySet

from scoring.frameworks.selectors import area_code_of
from scoring.models import (
    Criterion,
    Period,
    RuleType,
    Stage,
)
from scoring.permissions.appraisal import (
    CouncilSeat,
    appraisable_assessments,
    appraisal_workspaces,
    council_seat,
)
from scoring.text import percent_done
from units.models import User

FILTERS = ("todo", "differs", "evidence", "reason")


def seat_has_work(seat: CouncilSeat) -> bool:
    return seat.is_chair or bool(seat.unit_ids or seat.area_codes or seat.unit_areas)


@dataclass
class AppraisalProgress:
    """A member's counts over their own criteria of one sheet: the queue's row and the workspace's summary."""

    assigned_count: int
    appraised_count: int
    differs_count: int
    evidence_missing_count: int  # no document, no reason
    evidence_reason_count: int  # no document, a reason written
    open_requests_count: int  # explanation requests without their round-2 score

    @property
    def progress_percent(self) -> int:
        return percent_done(self.appraised_count, self.assigned_count)


@dataclass
class QueueSheet(AppraisalProgress):
    """One sheet of the queue: its unit and block, the member's counts, and whether they may still score it."""

    pk: int = 0
    unit_name: str = ""
    block_name: str = ""
    is_finalised: bool = False
    can_appraise: bool = False


# The queue in one statement. Every count keeps only the member's own criteria: {assigned} is their assignment over
# sheet.unit_id and leaf.area, {assigned_row} and {assigned_request} the same over a score's or a request's criterion
# (looked up in queue_criteria once, as a hashed set). {criteria}, {sheets} and {appraisable} are ORM-compiled
# subqueries: the period's criteria with their area, and the permission twins appraisal_workspaces and
# appraisable_assessments. The round-1 counts are two correlated counts on each row of queue_sheets (materialized: once
# a sheet), each walking that sheet's round-1 scores by index and checking a score against the unit's own by its unique
# key; grouped over the period's sheets they were a merge join along the whole round-1 index, past years' included
# (49,200 rows read for this year's 1,200: 12 of the statement's 15 ms at 200 units). The other counts are passes
# grouped once per sheet (six correlated counts built through the ORM took 17 ms of PostgreSQL and 9 ms of Python).
# {only} is a queue filter. Placeholders (%s) are filled in the order they appear, as appraisal_queue lists them.
QUEUE_SQL = """
WITH queue_criteria AS ({criteria}),
queue_sheets AS MATERIALIZED (
    SELECT sheet.id, sheet.unit_id, sheet.framework_id,
        (SELECT COUNT(*) FROM scoring_score council
            WHERE council.assessment_id = sheet.id AND council.stage = %s AND ({assigned_row})) AS appraised_count,
        (SELECT SUM(CASE WHEN EXISTS (
            SELECT 1 FROM scoring_score own
            WHERE own.assessment_id = council.assessment_id AND own.criterion_id = council.criterion_id
            AND own.stage = %s AND (own.is_not_applicable <> council.is_not_applicable
                OR (NOT own.is_not_applicable AND own.points <> council.points))
        ) THEN 1 ELSE 0 END) FROM scoring_score council
            WHERE council.assessment_id = sheet.id AND council.stage = %s AND ({assigned_row})) AS differs_count
    FROM scoring_assessment sheet WHERE sheet.id IN ({sheets})
),
queue_framework_areas AS (
    SELECT framework_id, area, COUNT(*) AS leaf_count FROM queue_criteria WHERE is_leaf GROUP BY framework_id, area
),
queue_leaves AS (
    SELECT sheet.id AS sheet_id, SUM(leaf.leaf_count) AS assigned_count
    FROM queue_sheets sheet JOIN queue_framework_areas leaf ON leaf.framework_id = sheet.framework_id
    WHERE {assigned}
    GROUP BY sheet.id
),
queue_evidence AS (
    SELECT sheet.id AS sheet_id,
        SUM(CASE WHEN own.no_evidence_reason = '' OR own.id IS NULL THEN 1 ELSE 0 END) AS evidence_missing_count,
        SUM(CASE WHEN own.no_evidence_reason <> '' THEN 1 ELSE 0 END) AS evidence_reason_count
    FROM queue_sheets sheet
    JOIN queue_criteria leaf ON leaf.framework_id = sheet.framework_id AND leaf.is_leaf AND leaf.needs_evidence
    LEFT JOIN scoring_score own ON own.assessment_id = sheet.id AND own.criterion_id = leaf.id AND own.stage = %s
    WHERE (own.id IS NULL OR NOT own.is_not_applicable) AND ({assigned}) AND NOT EXISTS (
        SELECT 1 FROM evidence_evidencelink link WHERE link.assessment_id = sheet.id AND link.criterion_id = leaf.id
    )
    GROUP BY sheet.id
),
queue_requests AS (
    SELECT request.assessment_id AS sheet_id, COUNT(*) AS open_requests_count
    FROM queue_sheets sheet JOIN scoring_explanationrequest request ON request.assessment_id = sheet.id
    WHERE ({assigned_request}) AND NOT EXISTS (
        SELECT 1 FROM scoring_score council WHERE council.assessment_id = request.assessment_id
        AND council.criterion_id = request.criterion_id AND council.stage = %s
    )
    GROUP BY request.assessment_id
),
queue AS (
    SELECT sheet.id, unit.name AS unit_name, unit.block_id, block.name AS block_name,
        sheet.id IN ({appraisable}) AS can_appraise, unit.position AS unit_position, block.position AS block_position,
        COALESCE(leaves.assigned_count, 0) AS assigned_count,
        sheet.appraised_count,
        COALESCE(sheet.differs_count, 0) AS differs_count,
        COALESCE(evidence.evidence_missing_count, 0) AS evidence_missing_count,
        COALESCE(evidence.evidence_reason_count, 0) AS evidence_reason_count,
        COALESCE(requests.open_requests_count, 0) AS open_requests_count
    FROM queue_sheets sheet
    JOIN units_unit unit ON unit.id = sheet.unit_id
    JOIN units_block block ON block.id = unit.block_id
    LEFT JOIN queue_leaves leaves ON leaves.sheet_id = sheet.id
    LEFT JOIN queue_evidence evidence ON evidence.sheet_id = sheet.id
    LEFT JOIN queue_requests requests ON requests.sheet_id = sheet.id
)
SELECT id, unit_name, block_id, block_name, can_appraise, assigned_count, appraised_count, differs_count,
    evidence_missing_count, evidence_reason_count, open_requests_count
FROM queue WHERE {only}
ORDER BY block_position, unit_position, unit_name
"""


QUEUE_ONLY = {
    "": "1 = 1",
    "todo": "appraised_count < assigned_count",
    "differs": "differs_count > 0",
    "evidence": "evidence_missing_count > 0",
}


def _assigned_sql(seat: CouncilSeat, criterion: str | None = None) -> tuple[str, list]:
    """The member's assignment as SQL over a pass's sheet.unit_id and leaf.area (or, with criterion, the column of a
    row's criterion): whole units, areas everywhere, and an area of one unit; the chair has every criterion."""
    if seat.is_chair:
        return "1 = 1", []

    def in_areas(codes: list[str]) -> str:
        listed = ", ".join(["%s"] * len(codes))
        if criterion is None:
            return f"leaf.area IN ({listed})"
        # IS TRUE keeps the IN a set hashed once and looked up per row: a bare IN, PostgreSQL turns into a join that
        # probed each sheet's round-1 scores once per criterion of the area (12,600 probes for 1,200 scores, 22 ms).
        return f"({criterion} IN (SELECT id FROM queue_criteria WHERE area IN ({listed}))) IS TRUE"

    parts, params = [], []
    if seat.unit_ids:
        parts.append(f"sheet.unit_id IN ({', '.join(['%s'] * len(seat.unit_ids))})")
        params += sorted(seat.unit_ids)
    if seat.area_codes:
        parts.append(in_areas(sorted(seat.area_codes)))
        params += sorted(seat.area_codes)
    for unit_id, code in sorted(seat.unit_areas):
        parts.append(f"(sheet.unit_id = %s AND {in_areas([code])})")
        params += [unit_id, code]
    return " OR ".join(parts) or "1 = 0", params


@lru_cache(maxsize=32)
def period_criteria_sql(using: str, period_id: int) -> tuple[str, tuple]:
    """The period's criteria as plain rows with their area code, whether they are leaves (scored) and whether they
    need evidence: the table QUEUE_SQL and COUNTS_SQL group by, the area worked out once a criterion rather than once
    a score. Its SQL depends on the database and the period's id only, never on the data, so it is compiled once a
    process for each period (the ORM's compiling took 0.5 ms of every council overview and appraisal queue)."""
    criteria = (
        Criterion.objects.using(using)
        .filter(framework__period_id=period_id)
        .annotate(
            area=area_code_of("code"),
            is_leaf=~Q(rule_type=""),
            needs_evidence=Q(evidence_required=True) & ~Q(rule_type=RuleType.SURVEY),
        )
        .values("id", "framework_id", "area", "is_leaf", "needs_evidence")
        .order_by()
    )
    return _subquery(criteria)


def _subquery(queryset: QuerySet) -> tuple[str, tuple]:
    """A queryset's SQL to embed in QUEUE_SQL; one that can match nothing (.none()) selects no row."""
    try:
        return queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:
        return "SELECT 0 WHERE 1 = 0", ()


def appraisal_queue(
    user: User, period: Period, *, only: str = "", assessment_id: int | None = None
) -> list[QueueSheet]:
    """The submitted sheets a member works on, with progress over only their own criteria, counted in SQL in one
    statement (QUEUE_SQL: round-1 counts on each sheet's row, grouped passes joined to the sheets for the rest), read
    as plain rows rather than model objects.

    With assessment_id, only that sheet (the workspace's counters after a save).
    """
    seat = council_seat(user, period)
    if not seat.is_member or not seat_has_work(seat):
        return []
    sheets = appraisal_workspaces(user, period)
    if assessment_id is not None:
        sheets = sheets.filter(pk=assessment_id)
    criteria_sql, criteria_params = period_criteria_sql(Criterion.objects.db, period.pk)
    sheets_sql, sheets_params = _subquery(sheets.values("pk").order_by())
    appraisable_sql, appraisable_params = _subquery(appraisable_assessments(user, period).values("pk").order_by())
    assigned, assigned_params = _assigned_sql(seat)
    assigned_row, assigned_row_params = _assigned_sql(seat, criterion="council.criterion_id")
    assigned_request, assigned_request_params = _assigned_sql(seat, criterion="request.criterion_id")
    sql = QUEUE_SQL.format(
        criteria=criteria_sql,
        sheets=sheets_sql,
        assigned=assigned,
        assigned_row=assigned_row,
        assigned_request=assigned_request,
        appraisable=appraisable_sql,
        only=QUEUE_ONLY.get(only, QUEUE_ONLY[""]),
    )
    params = [
        *criteria_params,
        Stage.ROUND_1.value,  # queue_sheets: appraised_count
        *assigned_row_params,
        Stage.SELF.value,  # differs_count
        Stage.ROUND_1.value,
        *assigned_row_params,
        *sheets_params,
        *assigned_params,  # queue_leaves
        Stage.SELF.value,  # queue_evidence
        *assigned_params,
        *assigned_request_params,  # queue_requests
        Stage.ROUND_2.value,
        *appraisable_params,  # queue
    ]
    with connections[sheets.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        QueueSheet(
            *(int(count) for count in counts),
            pk=pk,
            unit_name=unit_name,
            block_name=block_name,
            is_finalised=block_id in seat.finalised_block_ids,
            can_appraise=bool(can_appraise),
        )
        for pk, unit_name, block_id, block_name, can_appraise, *counts in rows
    ]
