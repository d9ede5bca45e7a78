"""Reads of who prepares which criterion: on the sheet, and each officer's criteria in a published year."""

from dataclasses import dataclass, field
from decimal import Decimal

from scoring.models import Assessment, CriterionPreparer, ResultCriterionRow, ResultPublication
from scoring.results.exports.data import code_key
from units.models import User


def preparers_of(assessment: Assessment, *, criterion_id: int | None = None) -> dict[int, User]:
    """criterion id → the officer who prepares it (one query)."""
    preparers = CriterionPreparer.objects.filter(assessment=assessment).select_related("officer")
    if criterion_id is not None:
        preparers = preparers.filter(criterion_id=criterion_id)
    return {preparer.criterion_id: preparer.officer for preparer in preparers}


@dataclass
class OfficerResult:
    """One officer's criteria in a published year, with the final scores and the points lost on them."""

    officer: User | None  # None: criteria nobody was named for
    criteria: list[ResultCriterionRow] = field(default_factory=list)

    @property
    def max_points(self) -> Decimal:
        return sum((row.max_points for row in self.counted), Decimal(0))

    @property
    def final_points(self) -> Decimal:
        return sum((row.final_points for row in self.counted), Decimal(0))

    @property
    def lost(self) -> Decimal:
        return self.max_points - self.final_points

    @property
    def counted(self) -> list[ResultCriterionRow]:
        return [row for row in self.criteria if not row.is_not_applicable and row.final_points is not None]


def officer_results(publication: ResultPublication, unit_id: int) -> list[OfficerResult]:
    """Every officer named on the unit's sheet of the published year, with their criteria's published final scores
    (matched by code), the most points lost first; unassigned criteria last (two queries)."""
    assigned = {
        preparer.criterion.code: preparer.officer
        for preparer in CriterionPreparer.objects.filter(
            assessment__period_id=publication.period_id, assessment__unit_id=unit_id
        ).select_related("criterion", "officer")
    }
    by_officer: dict[int | None, OfficerResult] = {}
    rows = ResultCriterionRow.objects.filter(row__publication=publication, row__unit_id=unit_id)
    for row in sorted(rows, key=lambda row: code_key(row.code)):
        counted = not row.is_not_applicable and row.final_points is not None
        row.lost = row.max_points - row.final_points if counted else None
        officer = assigned.get(row.code)
        key = officer.pk if officer else None
        by_officer.setdefault(key, OfficerResult(officer=officer)).criteria.append(row)
    named = sorted((result for key, result in by_officer.items() if key is not None), key=lambda result: -result.lost)
    return named + ([by_officer[None]] if None in by_officer else [])
