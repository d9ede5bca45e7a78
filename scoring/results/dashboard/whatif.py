"""What-if before publication: how a unit's index, rank and band would change if one criterion's final score were
different, and how many points it lacks for the next rank or band. Computed from the live results, never stored.

The arithmetic is the live results' own (scoring/results/compute.py): amounts in whole hundredths, the total never
below 0, the index rounded half up by integer division, the rank over the ranked units of the block with the
period's ranking rule (ties share a rank), the band the highest whose threshold the index reaches.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from scoring.models import Assessment, ClassificationBand, Criterion, Period, ResultsConfig
from scoring.results.compute import criterion_results, rank_of, results_config, unit_result_rows
from scoring.text import number_text


def _cents(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


def index_hundredths(total_cents: int, maximum_cents: int) -> int | None:
    """compute.index_hundredths in Python: total / maximum × 100, in hundredths, rounded half up."""
    if maximum_cents <= 0:
        return None
    return (total_cents * 20000 + maximum_cents) // (maximum_cents * 2)


def cents_for_index(target_hundredths: int, maximum_cents: int) -> int:
    """The fewest hundredths of a point whose index reaches `target_hundredths` (the inverse of the rounding)."""
    needed = -(-(2 * maximum_cents * target_hundredths - maximum_cents) // 20000)  # ceiling division
    return max(needed, 0)


@dataclass(frozen=True)
class Standing:
    """A unit's figures in one scenario."""

    points: Decimal
    index: Decimal | None
    rank: int | None
    band: str
    next_rank: int | None  # the better rank it could reach next (None when first)
    points_for_next_rank: Decimal | None  # None when first, or when it cannot be reached within the maximum
    next_band: str
    points_for_next_band: Decimal | None


@dataclass(frozen=True)
class WhatIf:
    assessment: Assessment
    criterion: Criterion
    current_points: Decimal  # the criterion's final score now (0 when the council has not scored it)
    new_points: Decimal
    before: Standing
    after: Standing
    block_size: int

    @property
    def index_change(self) -> Decimal | None:
        if self.before.index is None or self.after.index is None:
            return None
        return self.after.index - self.before.index

    @property
    def rank_change(self) -> int | None:
        if self.before.rank is None or self.after.rank is None:
            return None
        return self.before.rank - self.after.rank


def _rank(index: int | None, others: list[int], method: str) -> int | None:
    if index is None:
        return None
    higher = [other for other in others if other > index]
    return 1 + (len(set(higher)) if method == ResultsConfig.RankingMethod.DENSE else len(higher))


def _band(index: int | None, bands: list[tuple[int, str]]) -> str:
    if index is None:
        return ""
    return next((label for minimum, label in bands if index >= minimum), "")


def standing(
    total_cents: int, maximum_cents: int, others: list[int], bands: list[tuple[int, str]], method: str, *, ranked: bool
) -> Standing:
    """The unit's index, rank and band at `total_cents`, and the points it lacks for the next rank and band (only
    counting what its adjusted maximum still allows)."""
    index = index_hundredths(total_cents, maximum_cents)
    rank = _rank(index, others, method) if ranked else None
    band = _band(index, bands)
    room = maximum_cents - total_cents

    def lacking(target: int | None) -> Decimal | None:
        if target is None:
            return None
        needed = cents_for_index(target, maximum_cents) - total_cents
        return Decimal(needed) / 100 if 0 < needed <= room else None

    above = sorted({other for other in others if index is not None and other > index})
    next_rank_index = above[0] if ranked and above else None
    higher_bands = [(minimum, label) for minimum, label in bands if index is not None and minimum > index]
    next_band = min(higher_bands) if higher_bands else None
    return Standing(
        points=Decimal(total_cents) / 100,
        index=None if index is None else Decimal(index) / 100,
        rank=rank,
        band=band,
        next_rank=_rank(next_rank_index, others, method) if next_rank_index is not None else None,
        points_for_next_rank=lacking(next_rank_index),
        next_band=next_band[1] if next_band else "",
        points_for_next_band=lacking(next_band[0] if next_band else None),
    )


def what_if(period: Period, assessment: Assessment, criterion: Criterion, new_points: Decimal) -> WhatIf:
    """The unit's standing now and with `new_points` on `criterion` (four queries)."""
    if new_points < 0 or new_points > criterion.max_points:
        raise ValidationError(_("Điểm giả định phải từ 0 đến %(max)s.") % {"max": number_text(criterion.max_points)})
    if new_points != new_points.quantize(Decimal("0.01")):
        raise ValidationError(_("Điểm giả định có nhiều nhất hai chữ số thập phân."))
    method = results_config(period).ranking_method
    block_id = assessment.unit.block_id
    rows = [row for row in unit_result_rows(period, ranking_method=method) if row.unit.block_id == block_id]
    row = next(result for result in rows if result.pk == assessment.pk)
    [final] = criterion_results(period, assessment_ids=[assessment.pk]).filter(pk=criterion.pk)
    if final.is_not_applicable:
        raise ValidationError(_("Tiêu chí %(code)s không áp dụng đối với đơn vị.") % {"code": criterion.code})
    bands = [
        (_cents(band.min_index), band.label)
        for band in ClassificationBand.objects.filter(period=period).order_by("-min_index")
    ]
    current = final.final_points or Decimal(0)
    others = [
        _cents(other.index) for other in rows if other.pk != row.pk and rank_of(other) and other.index is not None
    ]
    maximum = _cents(row.adjusted_max)
    criteria, bonus, penalty = _cents(row.criteria_points), _cents(row.bonus), _cents(row.penalty)
    after_total = max(criteria + _cents(new_points) - _cents(current) + bonus - penalty, 0)
    return WhatIf(
        assessment=assessment,
        criterion=criterion,
        current_points=current,
        new_points=new_points,
        before=standing(_cents(row.points), maximum, others, bands, method, ranked=row.is_ranked),
        after=standing(after_total, maximum, others, bands, method, ranked=row.is_ranked),
        block_size=sum(1 for other in rows if other.is_ranked),
    )
