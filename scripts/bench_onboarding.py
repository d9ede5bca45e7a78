"""What onboarding a province costs: in `make bench`, or alone with `scripts/bench.py --only onboarding`.

- The organisation workbook of 200 units (three blocks) and the people workbook of 600 people with one role each,
  imported through the services the admin and the commands use (read through the Excel intake, checked row by
  row, saved all or nothing, audited; the 600 activation e-mails built and handed to the mail backend, a dummy
  one here). Target ≤ 10 s for both workbooks.
- The same two files imported again: every row is read, checked and found unchanged.
- The framework workbook of 120 criteria (six areas of twenty) exported and imported into an empty framework,
  with its bonus and penalty, bands and settings worksheets. Target ≤ 2 s for the round trip.

Every run is a fresh process on a fresh copy of a migrated throwaway SQLite database (no benchmark dataset needed),
so each import starts from an empty organisation as a real onboarding does.
"""

import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

TITLE = "## Onboarding workbooks and the framework workbook"
UNITS, PEOPLE_PER_UNIT = 200, 3
TARGETS = {"onboarding": 10.0, "framework": 2.0}


def measure(python: str, script: str, root: Path, *, runs: int = 5) -> dict:
    with tempfile.TemporaryDirectory(prefix="cchc-bench-onboarding-") as folder:
        directory = Path(folder)
        template = directory / "template.sqlite3"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cchc_portal.settings.bench",
            "DATABASE_URL": f"sqlite:///{template}",
        }
        subprocess.run([python, "manage.py", "migrate", "--no-input", "-v0"], cwd=root, env=env, check=True)
        results = []
        for run in range(runs):
            database = directory / f"run-{run}.sqlite3"
            shutil.copyfile(template, database)
            print(f"  onboarding: run {run + 1} of {runs}", flush=True)
            completed = subprocess.run(
                [python, script, "--onboarding-probe", str(directory / f"run-{run}.json")],
                cwd=root,
                env={**env, "DATABASE_URL": f"sqlite:///{database}"},
                capture_output=True,
                text=True,
                check=True,
            )
            results.append(json.loads(completed.stdout.strip().splitlines()[-1]))
    return {"runs": results}


def render(measured: dict) -> str:
    runs = measured["runs"]

    def median(key: str) -> float:
        return statistics.median(run[key] for run in runs)

    first = runs[0]
    rows = [
        (
            f"Organisation ({UNITS} units) and people ({UNITS * PEOPLE_PER_UNIT} people, their roles) imported",
            median("onboarding"),
            median("onboarding_cpu"),
            "≤ 10 s",
            median("onboarding") <= TARGETS["onboarding"],
            first["onboarding_queries"],
        ),
        (
            "The same two workbooks again (every row unchanged)",
            median("again"),
            median("again_cpu"),
            "—",
            None,
            first["again_queries"],
        ),
        (
            "Framework workbook of 120 criteria: export, then import into an empty framework",
            median("framework"),
            median("framework_cpu"),
            "≤ 2 s",
            median("framework") <= TARGETS["framework"],
            first["framework_queries"],
        ),
    ]
    lines = [
        TITLE,
        "",
        "Through the services the admin and the commands use, on a fresh copy of a migrated throwaway SQLite database",
        f"each run (scripts/bench_onboarding.py). Saved per run: {first['saved']}. The wall time also holds waiting",
        "for a core on a shared machine; the CPU time does not.",
        "",
        "| Measure | Median | CPU | Target | Result | Queries | Runs |",
        "|---|---:|---:|---|---|---:|---:|",
    ]
    for name, wall, cpu, target, passes, queries in rows:
        verdict = {True: "pass", False: "**FAIL**", None: "—"}[passes]
        lines.append(f"| {name} | {wall:.2f} s | {cpu:.2f} s | {target} | {verdict} | {queries} | {len(runs)} |")
    return "\n".join(lines) + "\n"


def failures(measured: dict) -> list[str]:
    runs = measured["runs"]
    return [
        f"onboarding {key}" for key, limit in TARGETS.items() if statistics.median(run[key] for run in runs) > limit
    ]


def with_section(document: str, section: str, marker: str) -> str:
    """The doc with this section replaced (or added before the marker of the generated part)."""
    section = section.rstrip("\n") + "\n\n"
    if TITLE in document:
        start = document.index(TITLE)
        ends = [p for p in (document.find("\n## ", start + 1), document.find(marker, start)) if p != -1]
        end = min(ends) if ends else len(document)
        return document[:start] + section + document[end:].lstrip("\n")
    if marker in document:
        return document.replace(marker, section + marker, 1)
    return document.rstrip("\n") + "\n\n" + section


# ---------------------------------------------------------------------------------------------
# The probe: one fresh process, one fresh database


def _workbooks() -> tuple[bytes, bytes]:
    from units.models import Role
    from units.workbooks.books import ORGANISATION, PEOPLE, SheetRows, write_workbook

    blocks = [("so-nganh", "Sở, ban, ngành", 14), ("phuong", "UBND phường", 70), ("xa", "UBND xã", 116)]
    units = [(f"{code}-{number:03d}", f"{name} số {number}", code) for code, name, size in blocks
             for number in range(1, size + 1)]  # fmt: skip
    organisation = write_workbook(
        [
            SheetRows("Khối", ORGANISATION.sheets[0].column_names(), [[code, name] for code, name, _s in blocks]),
            SheetRows("Đơn vị", ORGANISATION.sheets[1].column_names(), [[c, n, b, 1, None] for c, n, b in units]),
        ]
    )
    kinds = (("truong", Role.UNIT_HEAD), ("canbo", Role.UNIT_STAFF), ("phobo", Role.UNIT_STAFF))
    people = [
        (f"{prefix}.{code}", f"Nguyễn Văn {prefix.title()} {index}", "Công chức", code, role)
        for index, (code, _name, _block) in enumerate(units)
        for prefix, role in kinds
    ]
    accounts = write_workbook(
        [
            SheetRows(
                "Người dùng",
                PEOPLE.sheets[0].column_names(),
                [[u, n, t, f"{u}@bench.example", c] for u, n, t, c, _r in people],
            ),
            SheetRows(
                "Phân quyền", PEOPLE.sheets[1].column_names(), [[u, str(r.label), c] for u, _n, _t, c, r in people]
            ),
        ]
    )
    return organisation, accounts


def _timed(function) -> tuple[float, float, int, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started, cpu_started = time.perf_counter(), time.process_time()
        value = function()
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return wall, cpu, len(captured), value


def main_probe(output: str) -> None:
    import sys

    import django

    django.setup()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_data

    from scoring.frameworks.workbook import framework_export, framework_import
    from scoring.models import Framework, Period
    from units.models import Block
    from units.services import authority_setup, organisation_import, people_import

    authority = authority_setup(actor=None, name="Thành phố Benchmark", level="city")
    organisation, accounts = _workbooks()

    def onboard():
        return organisation_import(actor=None, file=organisation), people_import(actor=None, file=accounts)

    wall, cpu, queries, (units, people) = _timed(onboard)
    assert not units.problems and not people.problems, units.problems + people.problems
    again_wall, again_cpu, again_queries, (units_again, people_again) = _timed(onboard)
    assert units_again.changed == people_again.changed == 0

    block = Block.objects.filter(authority=authority).first()
    source = bench_data._framework(Period.objects.create(authority=authority, year=2025), block)
    target = Framework.objects.create(period=Period.objects.create(authority=authority, year=2026), block=block)

    def round_trip():
        return framework_import(actor=None, framework=target, file=framework_export(framework=source))

    framework_wall, framework_cpu, framework_queries, report = _timed(round_trip)
    assert report.created == source.criteria.count()
    result = {
        "onboarding": wall,
        "onboarding_cpu": cpu,
        "onboarding_queries": queries,
        "again": again_wall,
        "again_cpu": again_cpu,
        "again_queries": again_queries,
        "framework": framework_wall,
        "framework_cpu": framework_cpu,
        "framework_queries": framework_queries,
        "saved": f"{units.summary()}; {people.summary()}; framework: {report.created} criteria",
    }
    Path(output).write_text(json.dumps(result))
    print(json.dumps(result))
