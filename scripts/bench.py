"""Province-scale benchmark (`make bench`): build the data, measure, write docs/benchmarks.md.

The orchestrator (no Django) creates throwaway PostgreSQL databases (migrated once into a template,
then copied), runs one worker process per scale (20 and 200 units) that fills its database through
scripts/bench_data.py and measures, and finally drops the databases and writes the figures.

Every figure is the median of repeated runs; where a floor exists (a raw SQL aggregate over the same
rows, a minimal view through the same middleware and template stack) it is measured in the same run
and the ratio is reported. Peak memory of an export is the maximum resident set size of a fresh
process that renders it once.

The cost of refusing hostile workbooks (scripts/bench_intake.py) is measured on its own throwaway SQLite
database, in the full run or alone with `--only intake`, which rewrites only that section of the doc.

Onboarding a province (200 units, 600 people) and the framework workbook's round trip (scripts/bench_onboarding.py)
are measured on their own throwaway SQLite databases too, in the full run or alone with `--only onboarding`.

Usage: scripts/bench.py [--units 20,200] [--runs 5] [--keep | --reuse] [--no-write] [--only intake [--old-code DIR]]
       scripts/bench.py --only scales [--units 200] [--reuse]   (the scales only, printed; quick with --reuse)
       scripts/bench.py --only onboarding [--runs 5] [--no-write]
Environment: BENCH_DATABASE_URL (server, default postgres://postgres@127.0.0.1:5432), BENCH_DB_PREFIX (names of
the throwaway databases, default cchc_bench), PYTHON.
"""

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
END_OF_GENERATED = "<!-- end of generated figures: notes below are kept when the benchmark runs again -->"
SERVER_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
SETTINGS = os.environ.get("DJANGO_SETTINGS_MODULE", "cchc_portal.settings.bench")
# BENCH_DB_PREFIX lets two checkouts benchmark side by side without dropping each other's databases.
DB_PREFIX = os.environ.get("BENCH_DB_PREFIX", "cchc_bench")
TEMPLATE_DB = f"{DB_PREFIX}_template"
# The budget of every page people work in (issue #20): at most 6 times the empty page, at most 15 queries.
PAGE_RATIO, PAGE_QUERIES = 6, 15
PAGE_TARGET = f"ratio ≤ {PAGE_RATIO}, ≤ {PAGE_QUERIES} queries"
# From this scale up (a ministry-sized or merged-province year) only the results and the ranking page are measured,
# on the two published years; the open year's sheets are not built.
RESULTS_ONLY_FROM = 1000


# ---------------------------------------------------------------------------------------------
# Orchestrator


def _database_url(name: str) -> str:
    parts = urlsplit(SERVER_URL)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


def _admin_execute(*statements: str) -> list:
    import psycopg2

    connection = psycopg2.connect(_database_url("postgres"))
    connection.autocommit = True
    rows = []
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
            if cursor.description:
                rows = cursor.fetchall()
    connection.close()
    return rows


def _env(database: str) -> dict:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "DATABASE_URL": _database_url(database)}


def machine() -> dict:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        cpu = found.group(1).strip() if found else platform.processor() or "unknown"
    memory = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"^MemTotal:\s*(\d+) kB", meminfo.read_text(), re.MULTILINE)
        memory = f"{int(found.group(1)) / 1024 / 1024:.1f} GiB" if found else "unknown"
    postgres = _admin_execute("SHOW server_version")[0][0]
    import django

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": postgres,
        "os": platform.platform(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load": " / ".join(f"{value:.1f}" for value in os.getloadavg()),
    }


def orchestrate_intake(arguments: argparse.Namespace) -> int:
    """Only the hostile-workbook figures: no PostgreSQL dataset; their section of the doc is replaced in place."""
    import bench_intake

    rows = bench_intake.measure(sys.executable, __file__, ROOT)
    section = bench_intake.render(rows)
    if arguments.old_code:
        old_rows = bench_intake.measure(sys.executable, __file__, ROOT, code_root=Path(arguments.old_code).resolve())
        section += "\n" + bench_intake.render(
            old_rows, title=OLD_INTAKE_TITLE, intro=bench_intake.OLD_CODE_INTRO, verdicts=("passed", "failed")
        )
    print(section)
    if not arguments.no_write:
        DOC.write_text(_with_section(DOC.read_text() if DOC.exists() else "", section))
        print(f"bench: wrote the intake section of {DOC.relative_to(ROOT)}")
    failed = [f"{row['import']}/{row['shape']}" for row in rows if not row["passes"]]
    print(f"bench: {len(failed)} hostile workbook(s) miss their target" + (f": {', '.join(failed)}" if failed else ""))
    return 0


def orchestrate_onboarding(arguments: argparse.Namespace) -> int:
    """Only the onboarding and framework-workbook figures; their section of the doc is replaced in place."""
    import bench_onboarding

    measured = bench_onboarding.measure(sys.executable, __file__, ROOT, runs=arguments.runs)
    section = bench_onboarding.render(measured)
    print(section)
    if not arguments.no_write:
        document = DOC.read_text() if DOC.exists() else ""
        DOC.write_text(bench_onboarding.with_section(document, section, END_OF_GENERATED))
        print(f"bench: wrote the onboarding section of {DOC.relative_to(ROOT)}")
    failed = bench_onboarding.failures(measured)
    print(f"bench: {len(failed)} onboarding figure(s) miss their target" + (f": {', '.join(failed)}" if failed else ""))
    return 0


INTAKE_TITLE = "## Hostile workbooks refused (the one Excel intake)"
OLD_INTAKE_TITLE = "### For the record: the same files before the intake (commit 779ad34)"


def _with_section(document: str, section: str, *, previous: str | None = None) -> str:
    """The doc with its intake section replaced (or added before the marker). The record of the old code is
    measured once by hand (`--old-code`): a run without it keeps the one found in `previous` (else `document`)."""
    if OLD_INTAKE_TITLE not in section:
        record = _intake_section(previous if previous is not None else document)
        if OLD_INTAKE_TITLE in record:
            section = section.rstrip("\n") + "\n\n" + record[record.index(OLD_INTAKE_TITLE) :].strip("\n") + "\n"
    section = section.rstrip("\n") + "\n\n"
    if INTAKE_TITLE in document:
        start = document.index(INTAKE_TITLE)
        end = start + len(_intake_section(document))
        return document[:start] + section + document[end:].lstrip("\n")
    if END_OF_GENERATED in document:
        return document.replace(END_OF_GENERATED, section + END_OF_GENERATED, 1)
    return document.rstrip("\n") + "\n\n" + section


def _intake_section(document: str) -> str:
    """From the intake heading to the next second-level heading or the marker ("" when there is none)."""
    if INTAKE_TITLE not in document:
        return ""
    start = document.index(INTAKE_TITLE)
    ends = [
        position
        for position in (document.find("\n## ", start), document.find(END_OF_GENERATED, start))
        if position != -1
    ]
    return document[start : min(ends) if ends else len(document)]


def _migrate(database: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=_env(database), check=True
    )


def orchestrate(arguments: argparse.Namespace) -> int:
    sizes = [int(size) for size in arguments.units.split(",")]
    started = time.perf_counter()
    databases = [f"{DB_PREFIX}_{size}" for size in sizes]
    existing = {row[0] for row in _admin_execute("SELECT datname FROM pg_database")}
    reused = set(databases) & existing if arguments.reuse else set()
    _admin_execute(*(f"DROP DATABASE IF EXISTS {name}" for name in [TEMPLATE_DB, *databases] if name not in reused))
    _admin_execute(f"CREATE DATABASE {TEMPLATE_DB}")
    results = []
    info = machine()
    try:
        print(f"bench: migrating {TEMPLATE_DB}", flush=True)
        _migrate(TEMPLATE_DB)
        for size, database in zip(sizes, databases, strict=True):
            if database in reused:
                print(f"bench: reusing {database} (migrated to this code, data kept)", flush=True)
                _migrate(database)
            else:
                _admin_execute(f"CREATE DATABASE {database} TEMPLATE {TEMPLATE_DB}")
            output = ROOT / "var" / f"bench-{size}.json"
            output.parent.mkdir(exist_ok=True)
            print(f"bench: {size} units in {database}", flush=True)
            subprocess.run(
                [sys.executable, __file__, "--worker", str(size), "--runs", str(arguments.runs), "--output", output],
                cwd=ROOT,
                env=_env(database),
                check=True,
            )
            results.append(json.loads(output.read_text()))
    finally:
        kept = set(databases) if arguments.keep or arguments.reuse else set()
        _admin_execute(*(f"DROP DATABASE IF EXISTS {name}" for name in [TEMPLATE_DB, *databases] if name not in kept))
    if arguments.only == "scales":  # the scales' figures are printed as they are measured; the doc is left alone
        failed = [m["name"] for result in results for m in result["measures"] if m["passes"] is False]
        print(f"bench: {len(failed)} figure(s) miss their target" + (f": {', '.join(failed)}" if failed else ""))
        return 0
    print("bench: hostile workbooks (throwaway SQLite database)", flush=True)
    import bench_intake

    intake = bench_intake.measure(sys.executable, __file__, ROOT)
    print("bench: onboarding and the framework workbook (throwaway SQLite databases)", flush=True)
    import bench_onboarding

    onboarding = bench_onboarding.measure(sys.executable, __file__, ROOT, runs=arguments.runs)
    info["wall"] = time.perf_counter() - started
    markdown = _with_section(
        render(results, info), bench_intake.render(intake), previous=DOC.read_text() if DOC.exists() else ""
    )
    markdown = bench_onboarding.with_section(markdown, bench_onboarding.render(onboarding), END_OF_GENERATED)
    print(markdown.split(END_OF_GENERATED)[0])
    if not arguments.no_write:
        notes = ""
        if DOC.exists() and END_OF_GENERATED in DOC.read_text():
            notes = DOC.read_text().split(END_OF_GENERATED, 1)[1]
        DOC.parent.mkdir(exist_ok=True)
        DOC.write_text(markdown + notes)
        print(f"bench: wrote {DOC.relative_to(ROOT)}")
    failed = [m["name"] for result in results for m in result["measures"] if m["passes"] is False]
    failed += [f"hostile workbook {row['import']}/{row['shape']}" for row in intake if not row["passes"]]
    failed += bench_onboarding.failures(onboarding)
    print(f"bench: {len(failed)} figure(s) miss their target" + (f": {', '.join(failed)}" if failed else ""))
    return 0


# ---------------------------------------------------------------------------------------------
# Markdown


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def render(results: list[dict], info: dict) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (scripts/bench.py); do not edit above the marker line, run the benchmark again.",
        "",
        f"- Date: {info['date']}; one full run took {info['wall'] / 60:.1f} min (data generation included)",
        f"- CPU: {info['cpu']}, {info['cores']} cores; RAM {info['memory']}; {info['os']}",
        f"- Python {info['python']}, Django {info['django']}, PostgreSQL {info['postgresql']} (same machine)",
        "- Settings: `cchc_portal.settings.bench` (DEBUG off, persistent connection, fast password hasher)",
        "",
        "Times are server times measured through Django's test client (the whole middleware stack, no network),",
        "each the median of the runs shown; a ratio is the median divided by the floor measured in the same run.",
        "CPU is the median CPU time of the measuring process over the same runs: on a shared machine the wall time",
        f"also holds waiting for a core (load average {info['load']} over 1 / 5 / 15 min when the run started, on",
        f"{info['cores']} cores), the CPU time does not.",
        "",
    ]
    for result in results:
        data = result["dataset"]
        lines += [
            f"## {data['units']} units",
            "",
            f"Dataset: {data['units']} units in 3 blocks ({', '.join(str(n) for n in data['block_sizes'])}), "
            f"{data['leaves']} sub-criteria per framework, published years {data['years'][0]} and {data['years'][1]}, "
            + (
                "results and ranking page only (no open year); "
                if data.get("results_only")
                else f"{data['years'][2]} in appraisal; "
            )
            + f"{data['scores']:,} score rows, {data['evidence_links']:,} evidence "
            f"links, {data['result_rows']:,} published criterion rows. Built in {data['build_seconds']:.0f} s "
            f"({'; '.join(f'{step}: {seconds:.0f} s' for step, seconds in data['timings'].items())}).",
            "",
            "| Measure | Median | CPU | Floor | Ratio | Target | Result | Queries | Runs |",
            "|---|---:|---:|---:|---:|---|---|---:|---:|",
        ]
        for measure in result["measures"]:
            ratio = f"{measure['ratio']:.2f}" if measure.get("ratio") is not None else "—"
            verdict = {True: "pass", False: "**FAIL**", None: "—"}[measure["passes"]]
            queries = "—" if measure.get("queries") is None else str(measure["queries"])
            lines.append(
                f"| {measure['name']} | {_seconds(measure['median'])} | {_seconds(measure.get('cpu'))} "
                f"| {_seconds(measure.get('floor'))} | {ratio} "
                f"| {measure['target']} | {verdict} | {queries} | {measure['runs']} |"
            )
        notes = [measure for measure in result["measures"] if measure.get("note")]
        if notes:
            lines.append("")
            lines += [f"- {measure['name']}: {measure['note']}" for measure in notes]
        lines.append("")
    full = [result for result in results if not result["dataset"].get("results_only")]
    if len(full) >= 2:
        small, large = full[0], full[-1]
        lines += [
            f"## Queries at {small['dataset']['units']} and at {large['dataset']['units']} units",
            "",
            f"| Page | {small['dataset']['units']} units | {large['dataset']['units']} units | Constant |",
            "|---|---:|---:|---|",
        ]
        counts = {m["name"]: m.get("queries") for m in small["measures"]}
        for measure in large["measures"]:
            if measure.get("page") and measure.get("queries") is not None and counts.get(measure["name"]) is not None:
                same = "yes" if counts[measure["name"]] == measure["queries"] else "**no**"
                lines.append(f"| {measure['name']} | {counts[measure['name']]} | {measure['queries']} | {same} |")
        lines.append("")
    lines.append(END_OF_GENERATED)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# Worker: runs inside Django, against one filled database


def _median_of(function, runs: int, *, warm_up: int = 1) -> tuple[float, float]:
    """Median wall time and median CPU time of this process (the server's share when other work competes)."""
    for _ in range(warm_up):
        function()
    walls, cpus = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu_started)
    return statistics.median(walls), statistics.median(cpus)


def _queries_of(function) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


MINIMAL_TEMPLATE = "{% extends 'base.html' %}{% block content %}<p>ok</p>{% endblock %}"
_minimal_template = []


def _minimal_view(request):
    """The floor of a page: the same middleware, session, user, context processors and base template."""
    from django.http import HttpResponse
    from django.template import engines

    if not _minimal_template:
        _minimal_template.append(engines["django"].from_string(MINIMAL_TEMPLATE))
    return HttpResponse(_minimal_template[0].render({}, request))


def _bench_urlconf() -> str:
    """The portal's URLs plus the minimal view, as a module the benchmark alone uses."""
    import types

    from django.urls import include, path

    module = types.ModuleType("bench_urls")
    module.urlpatterns = [path("bench/minimal/", _minimal_view), path("", include("cchc_portal.urls"))]
    sys.modules["bench_urls"] = module
    return "bench_urls"


def _client(user=None):
    from django.test import Client

    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _get(client, url: str):
    def fetch():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url}: {response.status_code}")
        return response

    return fetch


def _memory(kind: str, url: str, username: str | None) -> dict:
    """Render one export in a fresh process; its peak resident memory is the worker's cost for that file."""
    command = [sys.executable, __file__, "--memory", kind, "--url", url]
    if username:
        command += ["--user", username]
    completed = subprocess.run(command, cwd=ROOT, env=os.environ, check=True, capture_output=True, text=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _memory_status() -> dict[str, int]:
    """Current (VmRSS) and peak (VmHWM) resident memory of this process in KiB.

    Not getrusage's ru_maxrss: Linux carries it over from the parent through fork and exec, so a fresh probe
    started by a big worker would report the worker's peak.
    """
    status = Path("/proc/self/status").read_text()
    return {key: int(re.search(rf"^{key}:\s*(\d+) kB", status, re.MULTILINE).group(1)) for key in ("VmRSS", "VmHWM")}


def memory_probe(arguments: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.test.utils import override_settings

    from units.models import User

    with override_settings(ROOT_URLCONF=_bench_urlconf()):
        user = User.objects.get(username=arguments.user) if arguments.user else None
        client = _client(user)
        before = _memory_status()["VmRSS"]
        started = time.perf_counter()
        response = _get(client, arguments.url)()
        seconds = time.perf_counter() - started
        peak = _memory_status()["VmHWM"]
    print(
        json.dumps(
            {"seconds": seconds, "peak_mib": peak / 1024, "baseline_mib": before / 1024, "bytes": len(response.content)}
        )
    )


def _measure(add, name: str, fetch, *, runs: int, **details) -> None:
    """Time `fetch` (median wall and CPU time of `runs` calls), count its queries, and add it with its target."""
    median, cpu = _median_of(fetch, runs)
    add(name, median, cpu=cpu, queries=_queries_of(fetch), **details)


def _measure_page(add, name: str, client, url: str, *, floor: float, runs: int) -> None:
    """A page people work in, against the empty page's floor measured with the same client: within the budget."""
    _measure(
        add,
        name,
        _get(client, url),
        runs=runs,
        floor=floor,
        target=PAGE_TARGET,
        ratio_limit=PAGE_RATIO,
        query_limit=PAGE_QUERIES,
        page=True,
    )


def work(arguments: argparse.Namespace) -> None:
    import django

    django.setup()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_data
    from django.db import connection
    from django.test.utils import override_settings

    from scoring.models import Assessment, Period
    from scoring.results.compute import unit_result_rows, unit_results

    runs = arguments.runs
    started = time.perf_counter()
    reuse = Period.objects.exists()  # measuring again a database kept by --keep
    results_only = arguments.worker >= RESULTS_ONLY_FROM
    dataset = bench_data.load() if reuse else bench_data.build(arguments.worker, current_year=not results_only)
    build_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        # Fresh planner statistics, as autovacuum keeps them in production: without them the planner guesses
        # a handful of rows per table and picks plans no real database would run.
        cursor.execute("ANALYZE")
    past_year, current_year = dataset.years[1], dataset.years[2]
    past = Period.objects.get(year=past_year)
    measures: list[dict] = []

    def add(
        name: str,
        median: float,
        *,
        target: str,
        cpu: float | None = None,
        limit: float | None = None,
        floor: float | None = None,
        ratio_limit: float | None = None,
        queries: int | None = None,
        query_limit: int | None = None,
        runs_done: int = runs,
        page: bool = False,
        note: str = "",
    ) -> None:
        ratio = median / floor if floor else None
        checks = []
        if limit is not None:
            checks.append(median <= limit)
        if ratio_limit is not None and ratio is not None:
            checks.append(ratio <= ratio_limit)
        if query_limit is not None and queries is not None:
            checks.append(queries <= query_limit)
        measures.append(
            {
                "name": name,
                "median": median,
                "cpu": cpu,
                "floor": floor,
                "ratio": ratio,
                "target": target,
                "passes": all(checks) if checks else None,
                "queries": queries,
                "runs": runs_done,
                "page": page,
                "note": note,
            }
        )
        print(f"  {name}: {median * 1000:.1f} ms" + (f" (ratio {ratio:.2f})" if ratio else ""), flush=True)

    # Results of a whole period as pages read them (computed once per version of the period's results, then kept),
    # and computed afresh as the first reader after a change pays, against a raw SQL aggregate of the same scores.
    def read():
        return unit_result_rows(past)

    def compute():
        return list(unit_results(past))

    raw_sql = """
        SELECT s.assessment_id, SUM(COALESCE(s.points, 0)), COUNT(*)
        FROM scoring_score s JOIN scoring_assessment a ON a.id = s.assessment_id
        WHERE a.period_id = %s AND s.stage IN ('round1', 'round2')
        GROUP BY s.assessment_id
    """

    def floor_sql():
        with connection.cursor() as cursor:
            cursor.execute(raw_sql, [past.pk])
            return cursor.fetchall()

    compute_sql, compute_params = unit_results(past).query.sql_with_params()

    def compute_in_database():
        with connection.cursor() as cursor:
            cursor.execute(compute_sql, compute_params)
            return cursor.fetchall()

    floor_median, _ = _median_of(floor_sql, runs)
    database_median, _ = _median_of(compute_in_database, runs)
    _measure(
        add,
        f"Results of {past_year} for all units, as pages read them (unit_result_rows)",
        read,
        runs=runs,
        floor=floor_median,
        target="ratio ≤ 2 to raw SQL SUM",
        ratio_limit=2,
    )
    _measure(
        add,
        f"Results of {past_year}, computed afresh: the first reader after a change (unit_results)",
        compute,
        runs=runs,
        floor=floor_median,
        target="—",
    )
    add(
        f"Results of {past_year}, database part (the SQL of unit_results through a cursor)",
        database_median,
        floor=floor_median,
        target="—",
        queries=1,
    )

    with override_settings(ROOT_URLCONF=_bench_urlconf()):
        anonymous = _client()
        floor_median, _ = _median_of(_get(anonymous, "/bench/minimal/"), runs)
        _measure(
            add,
            f"Published ranking page {past_year} (anonymous)",
            _get(anonymous, f"/results/{past_year}/"),
            runs=runs,
            floor=floor_median,
            target="ratio ≤ 2, ≤ 10 queries",
            ratio_limit=2,
            query_limit=10,
            page=True,
        )

        if results_only:
            _write_output(arguments, dataset, measures, build_seconds, results_only=True)
            return

        # Leadership's overview of a published year, from a cold cache (its rendering is cached per publication,
        # so a warm reader costs one query): the public page, and leadership's home that shows it.
        from django.core.cache import cache

        def cold(fetch):
            def run():
                cache.clear()
                return fetch()

            return run

        for name, user, url, limit in (
            (f"Results overview {past_year}, cold cache (anonymous)", None, f"/results/{past_year}/overview/", 10),
            ("Leadership's home with the overview, cold cache (leadership)", dataset.leadership, "/", None),
        ):
            client = _client(user)
            floor_median, _ = _median_of(_get(client, "/bench/minimal/"), runs)
            _measure(
                add,
                name,
                cold(_get(client, url)),
                runs=runs,
                floor=floor_median,
                target=f"≤ {limit} queries, same at 20 and 200" if limit else "queries constant in units",
                query_limit=limit,
                page=True,
            )

        head_unit = min(dataset.heads)
        sheet = Assessment.objects.get(period__year=current_year, unit_id=head_unit)
        pages = [
            ("Scoresheet (120 criteria, unit head)", dataset.heads[head_unit], f"/assessments/{sheet.pk}/"),
            ("Appraisal queue (every unit, council member)", dataset.members[0], "/appraisal/"),
            ("Council overview / progress statistics (secretary)", dataset.secretary, f"/council/{current_year}/"),
            (f"Live results {current_year} (secretary)", dataset.secretary, f"/results/{current_year}/live/"),
            (
                "Published unit page with block statistics (anonymous)",
                None,
                f"/results/{past_year}/published/units/{head_unit}/",
            ),
        ]
        pages += [
            (f"Results overview {past_year} (anonymous)", None, f"/results/{past_year}/overview/"),
            ("Leadership's home with the overview (leadership)", dataset.leadership, "/"),
        ]
        for name, user, url in pages:
            client = _client(user)
            floor_median, _ = _median_of(_get(client, "/bench/minimal/"), runs)
            _measure_page(add, name, client, url, floor=floor_median, runs=runs)

        unit_code = sheet.unit.code
        pdf_url = f"/results/{past_year}/ket-qua-{past_year}.pdf"
        card_url = f"/results/{past_year}/units/{unit_code}/scorecard.pdf"
        xlsx_url = f"/results/{past_year}/ket-qua-{past_year}.xlsx"
        for name, kind, url, limit, target in (
            (f"Full-year PDF annex ({dataset.unit_count} units)", "pdf", pdf_url, 5, "≤ 5 s"),
            ("One-unit scorecard PDF", "pdf", card_url, 1, "≤ 1 s"),
            (f"Excel workbook, unit × criterion matrix ({dataset.unit_count} units)", "xlsx", xlsx_url, 3, "≤ 3 s"),
        ):
            fetch = _get(anonymous, url)
            median, cpu = _median_of(fetch, runs)
            memory = _memory(kind, url, None)
            add(
                name,
                median,
                cpu=cpu,
                target=target,
                limit=limit,
                queries=_queries_of(fetch),
                note=f"peak resident memory of a fresh process rendering it once: {memory['peak_mib']:.0f} MiB "
                f"(after start-up {memory['baseline_mib']:.0f} MiB), {memory['bytes'] / 1024:.0f} KiB",
            )

    imports = dataset.import_seconds or [float("nan")]
    add(
        "Sheet import, 120 rows (sheet_import)",
        statistics.median(imports),
        target="≤ 150 ms, ≤ 30 queries",
        limit=0.15,
        queries=dataset.import_queries,
        query_limit=30,
        runs_done=len(imports),
        note=f"every unit's self-assessment of {current_year} imported while building the data; "
        f"fastest {min(imports) * 1000:.0f} ms, slowest {max(imports) * 1000:.0f} ms",
    )

    survey_measures(dataset, add=add, runs=runs)

    _write_output(arguments, dataset, measures, build_seconds)


def _write_output(arguments, dataset, measures: list[dict], build_seconds: float, *, results_only=False) -> None:
    import bench_data

    from evidence.models import EvidenceLink
    from scoring.models import ResultCriterionRow, Score

    output = {
        "dataset": {
            "units": dataset.unit_count,
            "block_sizes": bench_data._block_sizes(dataset.unit_count),
            "leaves": bench_data.AREAS * bench_data.LEAVES_PER_AREA,
            "years": dataset.years,
            "results_only": results_only,
            "scores": Score.objects.count(),
            "evidence_links": EvidenceLink.objects.count(),
            "result_rows": ResultCriterionRow.objects.count(),
            "build_seconds": build_seconds,
            "timings": dataset.timings,
        },
        "measures": measures,
    }
    Path(arguments.output).write_text(json.dumps(output, indent=2, default=str))


# ---------------------------------------------------------------------------------------------
# The survey inside the portal: points of every unit from 30 responses each


SURVEY_RESPONSES_PER_UNIT = 30
SURVEY_CRITERIA = 3  # survey leaves per framework, two questions each


def survey_dataset(dataset) -> list[int]:
    """A draft year after the others with, per block, a 30-point survey area (3 leaves × 2 questions, A–D) and
    30 responses for every unit (random levels); inserted in bulk like the past years' scores. Returns the surveys."""
    import random
    from decimal import Decimal

    from scoring.demo.survey import LEVELS
    from scoring.models import Criterion, Framework, Period, RuleType
    from scoring.survey.models import Respondent, Survey, SurveyAnswer, SurveyLevel, SurveyQuestion, SurveyResponse
    from scoring.survey.respondents import new_token
    from units.models import Block, Unit

    rng = random.Random(2026)
    authority = Block.objects.order_by("id").first().authority
    kept = list(Survey.objects.filter(period__year=dataset.current_year + 1).values_list("pk", flat=True))
    if kept:  # measuring again a database kept by --keep or --reuse
        return kept
    period = Period.objects.create(authority=authority, year=dataset.current_year + 1)  # a draft: no page picks it
    surveys = []
    for block in Block.objects.filter(authority=authority).order_by("position"):
        framework = Framework.objects.create(period=period, block=block, name=f"Khảo sát {block.name}")
        area = Criterion.objects.create(
            framework=framework, code="1", title="Mức độ hài lòng", max_points=Decimal(10 * SURVEY_CRITERIA)
        )
        leaves = [
            Criterion.objects.create(
                framework=framework,
                parent=area,
                code=f"1.{number}",
                title=f"Hài lòng {number}",
                max_points=Decimal(10),
                rule_type=RuleType.SURVEY,
                evidence_required=False,
            )
            for number in range(1, SURVEY_CRITERIA + 1)
        ]
        survey = Survey.objects.create(period=period, framework=framework, title=f"Khảo sát {block.name}")
        questions = []
        for position, leaf in enumerate(leaves * 2):
            question = SurveyQuestion.objects.create(
                survey=survey, criterion=leaf, code=str(position + 1), text=f"Câu {position + 1}", position=position
            )
            question.level_list = SurveyLevel.objects.bulk_create(
                SurveyLevel(question=question, position=index, label=label, weight=weight)
                for index, (label, weight) in enumerate(LEVELS)
            )
            questions.append(question)
        units = list(Unit.objects.filter(block=block))
        respondents = Respondent.objects.bulk_create(
            (
                Respondent(
                    survey=survey,
                    unit=unit,
                    name=f"Người dân {number}",
                    group="citizen",
                    token=new_token(),
                    imported_by=dataset.secretary,
                )
                for unit in units
                for number in range(SURVEY_RESPONSES_PER_UNIT)
            ),
            batch_size=2000,
        )
        responses = SurveyResponse.objects.bulk_create(
            (
                SurveyResponse(
                    respondent=respondent,
                    survey=survey,
                    unit_id=respondent.unit_id,
                    group="citizen",
                    seconds_taken=rng.randint(20, 300),
                    pattern="",
                )
                for respondent in respondents
            ),
            batch_size=2000,
        )
        SurveyAnswer.objects.bulk_create(
            (
                SurveyAnswer(response=response, question=question, level=rng.choice(question.level_list))
                for response in responses
                for question in questions
            ),
            batch_size=5000,
        )
        surveys.append(survey.pk)
    return surveys


def survey_measures(dataset, *, add, runs: int) -> None:
    """Points of every unit on every survey criterion, in one aggregate query; the results page at constant queries."""
    from django.db import connection
    from django.test.utils import override_settings

    from scoring.survey.models import SurveyAnswer
    from scoring.survey.selectors import survey_points

    started = time.perf_counter()
    surveys = survey_dataset(dataset)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    built = time.perf_counter() - started
    answers = SurveyAnswer.objects.filter(response__survey_id__in=surveys).count()

    def compute():
        return survey_points(surveys)

    rows = compute()
    _measure(
        add,
        f"Survey points, {dataset.unit_count} units × {SURVEY_RESPONSES_PER_UNIT} responses (survey_points)",
        compute,
        runs=runs,
        target="≤ 10 queries",
        query_limit=10,
        note=f"{len(rows)} unit × criterion points from {answers:,} answers "
        f"({SURVEY_CRITERIA} criteria × 2 questions); "
        f"data inserted in {built:.0f} s",
    )
    with override_settings(ROOT_URLCONF=_bench_urlconf()):
        client = _client(dataset.secretary)
        floor_median, _ = _median_of(_get(client, "/bench/minimal/"), runs)
        for name, url in (
            ("Survey results page, largest block (secretary)", f"/survey/{surveys[1]}/results/"),
            ("Survey answers for the council, largest block (secretary)", f"/survey/{surveys[1]}/responses/"),
        ):
            _measure_page(add, name, client, url, floor=floor_median, runs=runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--units",
        default="20,200,1000",
        help=f"scales to measure, comma-separated (from {RESULTS_ONLY_FROM}: results and ranking page only)",
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (the median is reported)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark databases afterwards")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure again the databases a run with --keep or --reuse left (built when missing, kept afterwards)",
    )
    parser.add_argument("--no-write", action="store_true", help="print the figures without writing the doc")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    parser.add_argument("--memory", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--user", help=argparse.SUPPRESS)
    parser.add_argument(
        "--only",
        choices=["intake", "onboarding", "scales"],
        help="measure only this part (intake and onboarding need no PostgreSQL; scales prints, never writes)",
    )
    parser.add_argument("--old-code", help="with --only intake: also measure this checkout of older code")
    parser.add_argument("--intake-prepare", help=argparse.SUPPRESS)
    parser.add_argument("--intake-probe", help=argparse.SUPPRESS)
    parser.add_argument("--onboarding-probe", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    # The portal's code: this checkout, or the older one whose intake --old-code measures with the same files.
    sys.path.insert(0, os.environ.get("BENCH_CODE_ROOT", str(ROOT)))
    sys.path.insert(1, str(Path(__file__).resolve().parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    if arguments.intake_prepare or arguments.intake_probe:
        import bench_intake

        if arguments.intake_prepare:
            bench_intake.main_prepare(arguments.intake_prepare)
        else:
            bench_intake.main_probe(arguments.intake_probe)
        return 0
    if arguments.onboarding_probe:
        import bench_onboarding

        bench_onboarding.main_probe(arguments.onboarding_probe)
        return 0
    if arguments.only == "intake":
        return orchestrate_intake(arguments)
    if arguments.only == "onboarding":
        return orchestrate_onboarding(arguments)
    if arguments.memory:
        memory_probe(arguments)
        return 0
    if arguments.worker:
        work(arguments)
        return 0
    return orchestrate(arguments)


if __name__ == "__main__":
    sys.exit(main())
