"""Reads of the appraisal: the queue, the workspace on one sheet, and the period's appraisal progress. Callers
import from here."""

from scoring.appraisal.selectors.progress import (
    COUNTS_SQL,
    AppraisalCounts,
    AppraisalGap,
    appraisal_counts,
    appraisal_gaps,
    block_appraisal_gaps,
    requests_to_settle,
)
from scoring.appraisal.selectors.queue import (
    FILTERS,
    QUEUE_ONLY,
    QUEUE_SQL,
    AppraisalProgress,
    QueueSheet,
    appraisal_queue,
    period_criteria_sql,
    seat_has_work,
)
from scoring.appraisal.selectors.workspace import (
    AdjustmentLine,
    AppraisalRow,
    Workspace,
    adjustment_lines,
    appraisal_workspace,
    filter_rows,
    round_two_open,
)
