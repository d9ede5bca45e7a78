"""Live (unpublished) results as one person may see them: the units they are conflicted with are left out, by the
rule that hides those units' sheets (scoring/permissions/appraisal.py hidden_unit_ids)."""

from dataclasses import dataclass, field

from scoring.models import Assessment, Objection, Period
from scoring.permissions.appraisal import hidden_unit_ids
from scoring.results.compute import rank_of, unit_result_rows
from units.models import Block, User


@dataclass
class LiveBlock:
    """One block's rows as (sheet with its figures, rank); a block holding a unit left out shows no ranks at all,
    since the others' ranks would tell where that unit stands."""

    block: Block
    rows: list[tuple[Assessment, int | None]] = field(default_factory=list)
    hidden_count: int = 0  # units left out for this person


@dataclass
class LiveRanking:
    blocks: list[LiveBlock] = field(
        default_factory=list
    )  # in the order of unit_result_rows, blocks with a visible unit
    pending_objections: int = 0


def live_ranking(user: User, period: Period, *, ranking_method: str) -> LiveRanking:
    """Every unit's live figures the person may see, ranked inside its block (two queries after the permission
    reads, whatever the number of units)."""
    hidden = hidden_unit_ids(user, period)
    blocks: dict[int, LiveBlock] = {}
    visible = []
    for row in unit_result_rows(period, ranking_method=ranking_method):
        block = blocks.get(row.unit.block_id)
        if block is None:
            block = blocks[row.unit.block_id] = LiveBlock(row.unit.block)
        if row.unit_id in hidden:
            block.hidden_count += 1
        else:
            visible.append(row)
    for row in visible:
        block = blocks[row.unit.block_id]
        block.rows.append((row, None if block.hidden_count else rank_of(row)))
    ranking = LiveRanking(blocks=[block for block in blocks.values() if block.rows])
    ranking.pending_objections = (
        Objection.objects.filter(assessment__period=period, state=Objection.State.FILED)
        .exclude(assessment__unit_id__in=hidden)
        .count()
    )
    return ranking


@dataclass(frozen=True)
class LiveUnitResult:
    row: Assessment
    rank: int | None
    is_rank_withheld: bool  # the block holds a unit the person may not see: its rank would tell where that one stands


def live_unit_result(user: User, assessment: Assessment) -> LiveUnitResult:
    """One sheet's live figures and rank in its block, for a person allowed to see that sheet."""
    block_id = assessment.unit.block_id
    block_rows = [row for row in unit_result_rows(assessment.period) if row.unit.block_id == block_id]
    row = next(result for result in block_rows if result.pk == assessment.pk)
    hidden = hidden_unit_ids(user, assessment.period)
    is_withheld = any(result.unit_id in hidden for result in block_rows if result.pk != assessment.pk)
    return LiveUnitResult(row=row, rank=None if is_withheld else rank_of(row), is_rank_withheld=is_withheld)
