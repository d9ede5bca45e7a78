"""Reads of the council's pages (secretary dashboard, membership, chair's finalisation), each in a fixed number of
queries whatever the number of units, criteria and members; one module per part of the page. Callers import
from here."""

from scoring.council.selectors.closing import (
    BLOCKS_SQL,
    DIFFERENCES_SQL,
    BlockStatus,
    Difference,
    block_statuses,
    council_users,
    flagged_explanations,
    flagged_of,
    largest_differences,
)
from scoring.council.selectors.members import (
    MemberLoad,
    council_candidates,
    member_workloads,
    period_areas,
    period_units,
)
from scoring.council.selectors.progress import (
    PROGRESS_SQL,
    DaysLeft,
    Sheet,
    SheetUnit,
    UnitProgress,
    UnitRow,
    days_until,
    unit_progress,
)
