"""Shared set-up for the results tests: a block of units scored directly (computation is what is tested)."""

from decimal import Decimal

from scoring.models import Assessment, ClassificationBand, Criterion, Framework, Score, Stage
from tests.factories import FrameworkFactory, UnitFactory, UserFactory, small_framework

# small_framework leaves and maxima: area 1 (6) = 1.1.1 (1) + 1.1.2 (2) + 1.2 (2) + 1.3 (1, may not apply);
# area 2 (4) = 2.1 (1.5) + 2.2 (1.5) + 2.3 (1, survey). Total 10.
FULL = {"1.1.1": "1", "1.1.2": "2", "1.2": "2", "1.3": "1", "2.1": "1.5", "2.2": "1.5", "2.3": "1"}
NOT_APPLICABLE = None


def block_framework() -> Framework:
    return small_framework(FrameworkFactory())


def sheet(framework: Framework, name: str = "", **unit_fields) -> Assessment:
    unit = UnitFactory(block=framework.block, **({"name": name} if name else {}), **unit_fields)
    return Assessment.objects.create(period=framework.period, unit=unit, framework=framework)


def score(assessment: Assessment, scores: dict, stage: str = Stage.ROUND_1, explanation: str = "") -> None:
    """Store points per code; None marks the criterion not applicable."""
    by_code = {c.code: c for c in Criterion.objects.filter(framework=assessment.framework)}
    actor = UserFactory()
    Score.objects.bulk_create(
        Score(
            assessment=assessment,
            criterion=by_code[code],
            stage=stage,
            points=None if points is None else Decimal(points),
            is_not_applicable=points is None,
            explanation=explanation,
            updated_by=actor,
        )
        for code, points in scores.items()
    )


def full_minus(**lost: str) -> dict:
    """Full marks except the given criteria, e.g. full_minus(c1_2="1") scores 1.2 one point lower."""
    scores = dict(FULL)
    for key, points in lost.items():
        code = key.removeprefix("c").replace("_", ".")
        scores[code] = str(Decimal(scores[code]) - Decimal(points))
    return scores


def standard_bands(period) -> None:
    ClassificationBand.objects.bulk_create(
        ClassificationBand(period=period, min_index=Decimal(minimum), label=label, position=position)
        for position, (minimum, label) in enumerate([("90", "Tốt"), ("80", "Khá"), ("70", "Trung bình"), ("0", "Yếu")])
    )
