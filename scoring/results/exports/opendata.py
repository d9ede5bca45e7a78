"""Open data: the published ranking as JSON and CSV, one flat record per unit, same fields in both."""

import csv
import io
import json
from decimal import Decimal

from scoring.results.exports.data import PublishedResults
from scoring.results.history import UnitChange
from scoring.spreadsheets import FORMULA_PREFIXES

FIELDS = [
    "year",
    "version",
    "decision_number",
    "decision_date",
    "block",
    "block_name",
    "rank",
    "is_ranked",
    "unit_code",
    "unit_name",
    "points",
    "max_points",
    "adjusted_max",
    "index",
    "band",
    "bonus",
    "penalty",
    "exclusion_reason",
    "is_new",
    "previous_year",
    "previous_rank",
    "previous_points",
    "previous_index",
    "change_points",
    "change_index",
    "change_rank",
]


def records(results: PublishedResults) -> list[dict]:
    """Decimals stay Decimal here; each format writes them exactly (no float arithmetic)."""
    publication = results.publication
    return [
        {
            "year": results.year,
            "version": publication.version,
            "decision_number": publication.decision_number,
            "decision_date": publication.decision_date.isoformat(),
            "block": row.block_code,
            "block_name": row.block_name,
            "rank": row.rank,
            "is_ranked": row.is_ranked,
            "unit_code": row.unit_code,
            "unit_name": row.unit_name,
            "points": row.points,
            "max_points": row.max_points,
            "adjusted_max": row.adjusted_max,
            "index": row.index,
            "band": row.band,
            "bonus": row.bonus,
            "penalty": row.penalty,
            "exclusion_reason": row.exclusion_reason,
            **_change_fields(row.change),
        }
        for row in results.rows
    ]


def _change_fields(change: UnitChange | None) -> dict:
    """Empty when no earlier year was published; `is_new` when it was, without this unit."""
    return {
        "is_new": None if change is None else change.is_new,
        "previous_year": getattr(change, "previous_year", None),
        "previous_rank": getattr(change, "previous_rank", None),
        "previous_points": getattr(change, "previous_points", None),
        "previous_index": getattr(change, "previous_index", None),
        "change_points": getattr(change, "points_change", None),
        "change_index": getattr(change, "index_change", None),
        "change_rank": getattr(change, "rank_change", None),
    }


def _json_value(value):
    # Two-decimal figures: float() of such a Decimal prints back the same digits in JSON.
    return float(value) if isinstance(value, Decimal) else value


def to_json(results: PublishedResults) -> bytes:
    publication = results.publication
    document = {
        "year": results.year,
        "authority": publication.period.authority.name,
        "version": publication.version,
        "decision_number": publication.decision_number,
        "decision_date": publication.decision_date.isoformat(),
        "ranking_method": publication.ranking_method,
        "published_at": publication.published_at.isoformat(),
        "previous_year": results.previous_year,
        "correction_reason": publication.correction_reason,
        "fields": FIELDS,
        "results": [{key: _json_value(value) for key, value in record.items()} for record in records(results)],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _csv_value(value) -> str:
    """Text that a spreadsheet would take for a formula gets a leading apostrophe (numbers are left alone)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def to_csv(results: PublishedResults) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens Vietnamese names correctly; dot decimals for machines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for record in records(results):
        writer.writerow([_csv_value(record[field]) for field in FIELDS])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")
