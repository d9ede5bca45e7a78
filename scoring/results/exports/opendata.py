"""Open data: the published ranking as JSON and CSV, one flat record per unit, same fields in both."""

import csv
import io
import json
from decimal import Decimal

from scoring.results.exports.data import PublishedResults

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
            "previous_rank": row.previous.rank if row.previous else None,
            "previous_points": row.previous.points if row.previous else None,
            "previous_index": row.previous.index if row.previous else None,
            "change_points": row.change_points,
            "change_index": row.change_index,
            "change_rank": row.change_rank,
        }
        for row in results.rows
    ]


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
        "correction_reason": publication.correction_reason,
        "fields": FIELDS,
        "results": [{key: _json_value(value) for key, value in record.items()} for record in records(results)],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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
