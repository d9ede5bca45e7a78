"""A version of each period's results, kept by the database itself.

Every input of `unit_results` (the council's scores, adjustments and their caps, criteria and frameworks, the
sheets, exclusions, bands, the survey switch, units, blocks, heads and their names) is watched by a trigger that
adds one to the period's counter in `ResultsVersion`, in the same transaction as the change. The triggers live in
the database rather than in Python so that no write can miss them: the admin, bulk inserts, imports, the demo and a
raw UPDATE all count. A unit's own (self-assessment) score counts only on a sheet the council has begun scoring
(the council overview compares the council's rounds with it: scoring/council/selectors/closing.py largest_differences);
a unit's save on a sheet still its own never touches the counter, so deadline day never waits on it.

Figures computed from those inputs are kept once per version (`kept`): the live results' rows, the council's
counts and differences. A change is seen by the next reader, whatever wrote it.

The triggers are (re)installed after every `migrate` (`install`, connected to post_migrate in scoring/apps.py),
because SQLite drops a table's triggers when a migration rebuilds the table. `missing_triggers` lets a test prove
that every watched table has its trigger on the database at hand.

A version is a random token (made with the period, so a period number reused after a rollback never meets an old
cache entry) and the counter.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections

TABLE = "scoring_resultsversion"
TRIGGER = "results_version"


@dataclass(frozen=True)
class Watched:
    table: str
    period: str | None  # SQL giving the row's period id from {row} (NEW or OLD); None: every period
    condition: str = "TRUE"  # SQL over {row}: whether the row is an input of the results
    events: tuple[str, ...] = ("INSERT", "UPDATE", "DELETE")
    changed: str | None = None  # for an UPDATE-only watch: the column whose change counts


_VIA_SHEET = "(SELECT period_id FROM scoring_assessment WHERE id = {row}.assessment_id)"
_VIA_FRAMEWORK = "(SELECT period_id FROM scoring_framework WHERE id = {row}.framework_id)"

WATCHED = (
    Watched(
        "scoring_score",
        _VIA_SHEET,
        "{row}.stage IN ('round1', 'round2') OR ({row}.stage = 'self' AND EXISTS (SELECT 1 FROM scoring_score council"
        " WHERE council.assessment_id = {row}.assessment_id AND council.stage = 'round1'))",
    ),
    Watched("scoring_adjustmententry", _VIA_SHEET),
    Watched("scoring_adjustmentitem", _VIA_FRAMEWORK),
    Watched("scoring_criterion", _VIA_FRAMEWORK),
    Watched("scoring_framework", "{row}.period_id"),
    Watched("scoring_assessment", "{row}.period_id"),
    Watched("scoring_rankingexclusion", "{row}.period_id"),
    Watched("scoring_classificationband", "{row}.period_id"),
    Watched("scoring_period", "{row}.id", events=("UPDATE",)),
    Watched("units_unit", None),
    Watched("units_block", None),
    Watched("units_roleassignment", None, "{row}.role = 'unit_head'"),
    # Only a changed name matters: a login (last_login) must not throw every period's results away.
    Watched("units_user", None, events=("UPDATE",), changed="full_name"),
)


def _bump(watched: Watched, row: str) -> str:
    where = f" WHERE period_id = {watched.period.format(row=row)}" if watched.period else ""
    return f"UPDATE {TABLE} SET counter = counter + 1{where};"


def _postgresql() -> list[str]:
    new_token = "md5(random()::text || clock_timestamp()::text)"
    statements = [
        f"""CREATE OR REPLACE FUNCTION {TRIGGER}_period_created() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {TABLE} (period_id, token, counter) VALUES (NEW.id, {new_token}, 0);
            RETURN NULL;
        END $$""",
        f"DROP TRIGGER IF EXISTS {TRIGGER}_created ON scoring_period",
        f"""CREATE TRIGGER {TRIGGER}_created AFTER INSERT ON scoring_period
        FOR EACH ROW EXECUTE FUNCTION {TRIGGER}_period_created()""",
        f"""INSERT INTO {TABLE} (period_id, token, counter)
        SELECT id, {new_token}, 0 FROM scoring_period WHERE id NOT IN (SELECT period_id FROM {TABLE})""",
    ]
    # One trigger per statement and event, reading the statement's rows as transition tables: a bulk insert of
    # many scores moves a period's version once, not once per row (a row trigger would update the same version row
    # once per score, each update slower than the last inside one transaction).
    transition = {"INSERT": ["NEW"], "DELETE": ["OLD"], "UPDATE": ["OLD", "NEW"]}
    for watched in WATCHED:
        for event in watched.events:
            tables = transition[event]
            referencing = " ".join(f"{side} TABLE AS {side.lower()}_rows" for side in tables)
            if watched.changed:
                changed = (
                    f"EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id"
                    f" WHERE o.{watched.changed} IS DISTINCT FROM n.{watched.changed})"
                )
                bump = f"UPDATE {TABLE} SET counter = counter + 1 WHERE {changed};"
            elif watched.period is None:
                rows = " UNION ALL ".join(
                    f"SELECT 1 FROM {side.lower()}_rows r WHERE {watched.condition.format(row='r')}" for side in tables
                )
                bump = f"UPDATE {TABLE} SET counter = counter + 1 WHERE EXISTS ({rows});"
            else:
                periods = " UNION ".join(
                    f"SELECT {watched.period.format(row='r')} FROM {side.lower()}_rows r"
                    f" WHERE {watched.condition.format(row='r')}"
                    for side in tables
                )
                bump = f"UPDATE {TABLE} SET counter = counter + 1 WHERE period_id IN ({periods});"
            function = f"{TRIGGER}_{watched.table}_{event.lower()}"
            statements += [
                f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    {bump}
                    RETURN NULL;
                END $$""",
                f"DROP TRIGGER IF EXISTS {TRIGGER} ON {watched.table}",  # the row trigger of the first version
                f"DROP TRIGGER IF EXISTS {TRIGGER}_{event.lower()} ON {watched.table}",
                f"""CREATE TRIGGER {TRIGGER}_{event.lower()} AFTER {event} ON {watched.table}
                REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()""",
            ]
    return statements


def _sqlite() -> list[str]:
    new_token = "lower(hex(randomblob(16)))"
    statements = [
        f"""CREATE TRIGGER IF NOT EXISTS {TRIGGER}_created AFTER INSERT ON scoring_period FOR EACH ROW
        BEGIN INSERT INTO {TABLE} (period_id, token, counter) VALUES (NEW.id, {new_token}, 0); END""",
        f"""INSERT INTO {TABLE} (period_id, token, counter)
        SELECT id, {new_token}, 0 FROM scoring_period WHERE id NOT IN (SELECT period_id FROM {TABLE})""",
    ]
    for watched in WATCHED:
        for event in watched.events:
            rows = {"INSERT": ["NEW"], "DELETE": ["OLD"], "UPDATE": ["OLD", "NEW"]}[event]
            condition = " OR ".join(f"({watched.condition.format(row=row)})" for row in rows)
            if watched.changed:
                rows, condition = ["NEW"], f"OLD.{watched.changed} IS NOT NEW.{watched.changed}"
            bumps = " ".join(_bump(watched, row) for row in rows)
            statements.append(
                f"""CREATE TRIGGER IF NOT EXISTS {TRIGGER}_{watched.table}_{event.lower()}
                AFTER {event} ON {watched.table} FOR EACH ROW WHEN {condition}
                BEGIN {bumps} END"""
            )
    return statements


def install(using: str = "default", **kwargs) -> None:
    """Create (or re-create) the triggers and the versions of periods that have none; idempotent."""
    connection = connections[using]
    if TABLE not in connection.introspection.table_names():
        return  # migrating backwards, or before scoring's migrations ran
    statements = _postgresql() if connection.vendor == "postgresql" else _sqlite()
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def missing_triggers(using: str = "default") -> list[str]:
    """The watched tables and events ("scoring_score INSERT") without their results trigger on this database."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT event_object_table, trigger_name FROM information_schema.triggers WHERE trigger_name LIKE %s",
                [f"{TRIGGER}_%"],
            )
            present = {(table, name.removeprefix(f"{TRIGGER}_").upper()) for table, name in cursor.fetchall()}
        else:
            cursor.execute(
                "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [f"{TRIGGER}_%"]
            )
            present = {(table, name.rsplit("_", 1)[-1].upper()) for table, name in cursor.fetchall()}
    return [
        f"{watched.table} {event}"
        for watched in WATCHED
        for event in watched.events
        if (watched.table, event) not in present
    ]


def results_stamp(period_id: int, using: str = "default") -> tuple[str, int] | None:
    """The period's results version as (token, counter), one query; None when the period has none."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT token, counter FROM {TABLE} WHERE period_id = %s", [period_id])
        row = cursor.fetchone()
    return tuple(row) if row else None


# Figures kept per version: a key naming what was computed (and for which period and readers), with the version,
# newest last. A few periods and readers at once (the open year, last year for comparisons, the council's pages).
_KEPT: OrderedDict[tuple, object] = OrderedDict()
_KEPT_LOCK = threading.Lock()
KEPT_ENTRIES = 32


def stamp_to_keep(period_id: int, using: str = "default") -> tuple[str, int] | None:
    """The version to keep a period's figures under, one query; None inside a transaction, whose reads may be its own
    uncommitted writes (a publication computes afresh), and for a period without a version."""
    if connections[using].in_atomic_block:
        return None
    return results_stamp(period_id, using)


def kept[T](key: tuple, stamp: tuple[str, int] | None, compute: Callable[[], T]) -> T:
    """compute() once per key and version (stamp_to_keep, read before computing: the figures are never older than
    their version); with no version, computed afresh and not kept. Readers share what is kept: read it, never
    change it."""
    if stamp is None:
        return compute()
    entry = (*key, stamp)
    with _KEPT_LOCK:
        if entry in _KEPT:
            _KEPT.move_to_end(entry)
            return _KEPT[entry]
    value = compute()
    with _KEPT_LOCK:
        _KEPT[entry] = value
        while len(_KEPT) > KEPT_ENTRIES:
            _KEPT.popitem(last=False)
    return value
