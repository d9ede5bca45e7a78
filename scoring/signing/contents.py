"""What each signed document states, as plain data taken at the moment it is made (reads only).

The snapshot is stored on the document, rendered into its PDF and embedded in it as JSON, so a signed copy can be
checked against the portal's record field by field. Numbers are strings with two decimals ("9.50"): the same on
SQLite and PostgreSQL, and never rounded by a JSON reader.
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F

from evidence.models import EvidenceLink
from scoring.models import (
    AdjustmentEntry,
    Assessment,
    BlockFinalisation,
    CouncilMembership,
    Criterion,
    ExplanationRequest,
    ResultPublication,
    ResultRow,
    Score,
    SignedDocument,
    Stage,
)


def points(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _code_key(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split(".") if part.isdigit())


def _header(kind: str, reference: str, period) -> dict:
    return {"kind": kind, "reference": reference, "authority": period.authority.name, "year": period.year}


def annex_content(publication: ResultPublication, reference: str) -> dict:
    """The decision annex: every unit's published figures of one publication (one query for the rows)."""
    period = publication.period
    rows = (
        ResultRow.objects.filter(publication=publication)
        .annotate(unit_code=F("unit__code"), block_code=F("block__code"))
        .order_by("position")
    )
    return {
        **_header(SignedDocument.Kind.ANNEX, reference, period),
        "publication": {
            "version": publication.version,
            "decision_number": publication.decision_number,
            "decision_date": publication.decision_date.isoformat(),
            "ranking_method": publication.ranking_method,
            "correction_reason": publication.correction_reason,
        },
        "units": [
            {
                "block": row.block_code,
                "block_name": row.block_name,
                "unit": row.unit_code,
                "name": row.unit_name,
                "is_ranked": row.is_ranked,
                "rank": row.rank,
                "points": points(row.points),
                "max_points": points(row.max_points),
                "adjusted_max": points(row.adjusted_max),
                "index": points(row.index),
                "band": row.band,
            }
            for row in rows
        ],
    }


def _shown(score: Score | None) -> str | None:
    if score is None:
        return None
    return "na" if score.is_not_applicable else points(score.points)


def minutes_content(finalisation: BlockFinalisation, reference: str) -> dict:
    """The council's minutes for one block: who sat, when it was closed, every score the council changed in each
    round and why, the explanation requests and their outcome, bonus and penalty points (six queries)."""
    period, block = finalisation.period, finalisation.block
    members = (
        CouncilMembership.objects.filter(period=period)
        .select_related("user")
        .order_by("-is_chair", "user__full_name", "user__username")
    )
    sheets = list(
        Assessment.objects.filter(period=period, unit__block=block, state=Assessment.State.SUBMITTED)
        .select_related("unit")
        .order_by("unit__position", "unit__name")
    )
    scores = defaultdict(dict)  # (assessment id, criterion id) → stage → score
    criteria: dict[int, Criterion] = {}
    for score in Score.objects.filter(assessment__in=sheets).select_related("criterion"):
        scores[(score.assessment_id, score.criterion_id)][score.stage] = score
        criteria[score.criterion_id] = score.criterion
    units = []
    changes = []
    for sheet in sheets:
        totals = {"self": Decimal(0), "round1": Decimal(0), "final": Decimal(0)}
        keys = sorted((key for key in scores if key[0] == sheet.pk), key=lambda key: _code_key(criteria[key[1]].code))
        for key in keys:
            by_stage = scores[key]
            own, first, second = by_stage.get(Stage.SELF), by_stage.get(Stage.ROUND_1), by_stage.get(Stage.ROUND_2)
            final = second or first or own
            for stage, score in (("self", own), ("round1", first or own), ("final", final)):
                if score is not None and score.points is not None:
                    totals[stage] += score.points
            criterion = criteria[key[1]]
            for round_number, before, after in ((1, own, first), (2, first or own, second)):
                # a score entered where there was none (survey points) is not a change
                if after is not None and before is not None and _shown(before) != _shown(after):
                    changes.append(
                        {
                            "unit": sheet.unit.name,
                            "code": criterion.code,
                            "title": criterion.title,
                            "round": round_number,
                            "before": _shown(before),
                            "after": _shown(after),
                            "reason": after.explanation,
                        }
                    )
        units.append(
            {
                "unit": sheet.unit.code,
                "name": sheet.unit.name,
                "self": points(totals["self"]),
                "round1": points(totals["round1"]),
                "final": points(totals["final"]),
            }
        )
    explanations = [
        {
            "unit": request.assessment.unit.name,
            "code": request.criterion.code,
            "message": request.message,
            "state": request.state,
            "deadline": request.deadline.isoformat() if request.deadline else None,
            "answer": request.answer,
            "round2": _shown(scores.get((request.assessment_id, request.criterion_id), {}).get(Stage.ROUND_2)),
        }
        for request in ExplanationRequest.objects.filter(assessment__in=sheets)
        .select_related("assessment__unit", "criterion")
        .order_by("assessment__unit__position", "criterion__position", "id")
    ]
    adjustments = [
        {
            "unit": entry.assessment.unit.name,
            "kind": entry.item.kind,
            "code": entry.item.code,
            "title": entry.item.title,
            "points": points(entry.points),
            "reason": entry.reason,
        }
        for entry in AdjustmentEntry.objects.filter(assessment__in=sheets)
        .select_related("assessment__unit", "item")
        .order_by("assessment__unit__position", "item__kind", "item__position")
    ]
    return {
        **_header(SignedDocument.Kind.MINUTES, reference, period),
        "block": {"code": block.code, "name": block.name},
        "finalised_at": finalisation.finalised_at.isoformat(),
        "finalised_by": finalisation.finalised_by.get_full_name(),
        "council": [
            {"name": member.user.get_full_name(), "job_title": member.user.job_title, "is_chair": member.is_chair}
            for member in members
        ],
        "units": units,
        "changes": changes,
        "explanations": explanations,
        "adjustments": adjustments,
    }


def receipt_content(assessment: Assessment, reference: str) -> dict:
    """The head's submission: the sheet's own scores and every evidence file cited, by SHA-256 (three queries)."""
    period = assessment.period
    scores = {
        score.criterion_id: score
        for score in Score.objects.filter(assessment=assessment, stage=Stage.SELF).only(
            "criterion_id", "points", "is_not_applicable"
        )
    }
    leaves = sorted(
        Criterion.objects.filter(framework_id=assessment.framework_id).exclude(rule_type=""),
        key=lambda criterion: _code_key(criterion.code),
    )
    lines, total, maximum, adjusted = [], Decimal(0), Decimal(0), Decimal(0)
    for criterion in leaves:
        score = scores.get(criterion.pk)
        maximum += criterion.max_points
        if score is None or not score.is_not_applicable:
            adjusted += criterion.max_points
        if score is not None and score.points is not None:
            total += score.points
        lines.append(
            {
                "code": criterion.code,
                "title": criterion.title,
                "max_points": points(criterion.max_points),
                "points": _shown(score),
            }
        )
    documents: dict[int, dict] = {}
    links = (
        EvidenceLink.objects.filter(assessment=assessment)
        .select_related("document__file", "criterion")
        .order_by("document__title", "document_id", "criterion__position")
    )
    for link in links:
        document = link.document
        entry = documents.setdefault(
            document.pk,
            {
                "title": document.title,
                "number": document.number,
                "file_name": document.original_name,
                "sha256": document.file.sha256,
                "size": document.file.size,
                "criteria": [],
            },
        )
        entry["criteria"].append({"code": link.criterion.code, "locator": link.locator})
    for entry in documents.values():
        entry["criteria"].sort(key=lambda cited: _code_key(cited["code"]))
    index = (total / adjusted * 100) if adjusted else None
    return {
        **_header(SignedDocument.Kind.RECEIPT, reference, period),
        "unit": {"code": assessment.unit.code, "name": assessment.unit.name},
        "framework": assessment.framework.name,
        "submitted_at": assessment.submitted_at.isoformat(),
        "submitted_by": assessment.submitted_by.get_full_name(),
        "is_late": assessment.is_late,
        "scores": lines,
        "total": points(total),
        "max_points": points(maximum),
        "adjusted_max": points(adjusted),
        "index": points(index.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if index is not None else None),
        "evidence": list(documents.values()),
    }
