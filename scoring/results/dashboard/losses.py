"""Where points are lost: for a published year, the criteria on which the ranked units of a block lose the most
points in total, with the council's reasons; for one unit, its weakest criteria against the block average.

Read from the frozen criterion rows (ResultCriterionRow); sums are taken in the database as whole hundredths, as the
block statistics are. A criterion that does not apply to a unit, or that was never appraised, loses it nothing.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Max, Min, Q, Sum

from scoring.models import ResultCriterionRow, ResultPublication, ResultRow
from scoring.results.compute import cents
from scoring.results.exports.data import code_key

HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class Reason:
    unit_id: int
    unit_name: str
    lost: Decimal
    reason: str


@dataclass
class CriterionLoss:
    code: str
    title: str
    max_points: Decimal
    lost: Decimal  # points lost by all the block's ranked units together
    losing_count: int  # units that lost some of it
    unit_count: int  # units it applied to
    reasons: list[Reason] = field(default_factory=list)

    @property
    def average_lost(self) -> Decimal:
        return (self.lost / self.unit_count).quantize(HUNDREDTH) if self.unit_count else Decimal(0)


@dataclass(frozen=True)
class BlockLosses:
    block_id: int
    block_name: str
    total_lost: Decimal
    criteria: list[CriterionLoss]


def _counted() -> Q:
    return Q(row__is_ranked=True, is_not_applicable=False, is_appraised=True, final_points__isnull=False)


def block_losses(publication: ResultPublication, *, limit: int = 10) -> list[BlockLosses]:
    """Per block (in published order), the `limit` criteria with the most points lost, each with the council's
    reasons for the units that lost on it (two queries)."""
    grouped = (
        ResultCriterionRow.objects.filter(_counted(), row__publication=publication)
        .order_by()
        .values("row__block_id", "code")
        .annotate(
            block_name=Min("row__block_name"),
            block_position=Min("row__position"),
            title=Min("title"),
            max_cents=Max(cents(F("max_points"))),
            lost_cents=Sum(cents(F("max_points") - F("final_points"))),
            losing=Count("pk", filter=Q(final_points__lt=F("max_points"))),
            units=Count("pk"),
        )
    )
    blocks: dict[int, dict] = {}
    for item in grouped:
        block = blocks.setdefault(
            item["row__block_id"],
            {"name": item["block_name"], "position": item["block_position"], "total": 0, "criteria": []},
        )
        block["position"] = min(block["position"], item["block_position"])
        block["total"] += item["lost_cents"]
        if item["lost_cents"] > 0:
            block["criteria"].append(
                CriterionLoss(
                    code=item["code"],
                    title=item["title"],
                    max_points=Decimal(item["max_cents"]) / 100,
                    lost=Decimal(item["lost_cents"]) / 100,
                    losing_count=item["losing"],
                    unit_count=item["units"],
                )
            )
    for block in blocks.values():
        block["criteria"].sort(key=lambda loss: (-loss.lost, code_key(loss.code)))
        del block["criteria"][limit:]
    wanted = {(block_id, loss.code): loss for block_id, block in blocks.items() for loss in block["criteria"]}
    if wanted:
        reasons = (
            ResultCriterionRow.objects.filter(
                _counted(),
                row__publication=publication,
                code__in={code for _block, code in wanted},
                final_points__lt=F("max_points"),
            )
            .values("row__block_id", "row__unit_id", "row__unit_name", "code", "reason", "max_points", "final_points")
            .order_by("row__position")
        )
        for item in reasons:
            loss = wanted.get((item["row__block_id"], item["code"]))
            if loss is not None:
                loss.reasons.append(
                    Reason(
                        unit_id=item["row__unit_id"],
                        unit_name=item["row__unit_name"],
                        lost=item["max_points"] - item["final_points"],
                        reason=item["reason"],
                    )
                )
        for loss in wanted.values():
            loss.reasons.sort(key=lambda reason: -reason.lost)  # stable: published order among equals
    return [
        BlockLosses(block_id, block["name"], Decimal(block["total"]) / 100, block["criteria"])
        for block_id, block in sorted(blocks.items(), key=lambda pair: pair[1]["position"])
    ]


@dataclass(frozen=True)
class WeakCriterion:
    code: str
    title: str
    max_points: Decimal
    final_points: Decimal
    block_average: Decimal | None  # the block's ranked units' average final score on it
    reason: str

    @property
    def lost(self) -> Decimal:
        return self.max_points - self.final_points

    @property
    def difference(self) -> Decimal | None:
        return None if self.block_average is None else self.final_points - self.block_average


def unit_weakest(publication: ResultPublication, row: ResultRow, *, limit: int = 10) -> list[WeakCriterion]:
    """A unit's criteria with points lost, the most lost first (then the furthest below the block), next to the
    block average of each (one query; the unit's criteria are the row's prefetched `criteria`)."""
    averages = {
        item["code"]: (Decimal(item["final_cents"]) / item["count"] / 100).quantize(HUNDREDTH, ROUND_HALF_UP)
        for item in ResultCriterionRow.objects.filter(
            _counted(), row__publication=publication, row__block_id=row.block_id
        )
        .order_by()
        .values("code")
        .annotate(final_cents=Sum(cents(F("final_points"))), count=Count("pk"))
    }
    weak = [
        WeakCriterion(
            code=criterion.code,
            title=criterion.title,
            max_points=criterion.max_points,
            final_points=criterion.final_points,
            block_average=averages.get(criterion.code),
            reason=criterion.reason,
        )
        for criterion in row.criteria.all()
        if not criterion.is_not_applicable
        and criterion.is_appraised
        and criterion.final_points is not None
        and criterion.final_points < criterion.max_points
    ]
    weak.sort(key=lambda item: (-item.lost, item.difference if item.difference is not None else 0, code_key(item.code)))
    return weak[:limit]
