"""What refusing a hostile workbook costs a worker: in `make bench`, or alone with `scripts/bench.py --only intake`.

Each hostile shape (a used range claimed to column XFD, a cell at column XFD without a claim, entity declarations,
10,000 extra rows, a zip bomb) is made from the portal's own export of each import (the self-assessment sheet, the
survey points, the framework) and posted to that import's page, as the person who may import it, through Django's
test client: the whole middleware stack, the form, the service, the one Excel intake (evidence/workbooks.py).

Every post runs in a fresh process on a throwaway SQLite database (no benchmark dataset needed). Before it, the
process signs in and imports the unmodified export once, as a worker that has served real imports; its resident
memory then is the baseline. The peak is reset (/proc/self/clear_refs) and the hostile post's peak resident memory
(VmHWM) above that baseline, and its wall and CPU time, are the cost. Target: ≤ 1 s and ≤ 50 MB, and refused.
"""

import html
import io
import json
import os
import re
import resource
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

TARGET_SECONDS = 1.0
TARGET_MEGABYTES = 50
MEGABYTE = 1024 * 1024
PROBE_TIMEOUT_SECONDS = 120  # the code before the intake may take far longer on some shapes
PROBE_MEMORY_LIMIT = 4 * 1024 * MEGABYTE  # address space of a probe: the old code may try to take it all

SHAPES = {
    "xfd-claim": 'Used range claimed to column XFD (`<dimension ref="A1:XFD…"/>`)',
    "xfd-cell": "A cell at column XFD on the last row, no claimed range",
    "entities": "Entity declarations (billion laughs, 10 levels of 10)",
    "extra-rows": "10,000 extra rows",
    "zip-bomb": "Zip bomb (a 60 MB member of zeros, 60 KB packed)",
}
IMPORTS = {
    "sheet": "Self-assessment sheet (unit staff)",
    "survey": "Survey points (secretary)",
    "framework": "Framework (secretary, administration)",
}
# Ten entities of ten references each: 10^9 "lol" if a parser expanded &lol9; in full.
BILLION_LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (level, b"&lol%d;" % (level - 1) * 10) for level in range(1, 10))
    + b"]>"
)
# The blocks a person reads an error in; their list items (one per problem) when they have some.
MESSAGE_BLOCK = re.compile(
    r'<(section|div|ul|p)\b[^>]*class="[^"]*(?:alert|invalid-feedback|errorlist|messagelist)[^"]*"[^>]*>(.*?)</\1>',
    re.DOTALL,
)


# ---------------------------------------------------------------------------------------------
# Hostile files, from a clean export


def _rewrite(xlsx: bytes, member: str, change) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            data = source.read(info.filename)
            copy.writestr(info.filename, change(data) if info.filename == member else data)
    return buffer.getvalue()


def _with_openpyxl(xlsx: bytes, edit) -> bytes:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx))
    edit(book.worksheets[0])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def hostile(shape: str, clean: bytes) -> bytes:
    sheet = "xl/worksheets/sheet1.xml"
    if shape == "xfd-claim":
        return _rewrite(
            clean, sheet, lambda xml: re.sub(rb'<dimension ref="([A-Z]+\d+):[A-Z]+', rb'<dimension ref="\1:XFD', xml)
        )
    if shape == "xfd-cell":
        marked = _with_openpyxl(clean, lambda ws: ws.cell(ws.max_row, 16384, "x"))
        return _rewrite(marked, sheet, lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml))
    if shape == "entities":

        def laughs(xml: bytes) -> bytes:
            body = re.sub(rb"^<\?xml[^>]*\?>", b"", xml)
            body = re.sub(rb"(<t(?: [^>]*)?>)", rb"\1&lol9;", body, count=1)  # one reference, in the first text cell
            return b'<?xml version="1.0"?>' + BILLION_LAUGHS + body

        return _rewrite(clean, sheet, laughs)
    if shape == "extra-rows":
        return _with_openpyxl(
            clean, lambda ws: [ws.append([f"9.{number}", "Dòng thừa", "", 1]) for number in range(10_000)]
        )
    if shape == "zip-bomb":
        buffer = io.BytesIO(clean)
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/media/padding.bin", b"\0" * (60 * MEGABYTE))
        return buffer.getvalue()
    raise ValueError(shape)


# ---------------------------------------------------------------------------------------------
# Inside Django: the world, and one probe


def prepare(directory: Path) -> None:
    """A unit with a draft sheet (2024), a year in appraisal with a submitted sheet (2023, survey), a draft
    framework (2025); the clean exports and every hostile variant written to `directory`, with the plan."""
    import django

    django.setup()
    from datetime import timedelta

    from bench_data import _framework
    from django.contrib.auth.hashers import make_password
    from django.urls import reverse
    from django.utils import timezone

    from scoring.council.survey import survey_template
    from scoring.frameworks.workbook import framework_export
    from scoring.models import Assessment, Framework, Period
    from scoring.sheets.workbook import sheet_export
    from units.models import Authority, Block, Role, RoleAssignment, Unit, User

    authority = Authority.objects.create(name="Thành phố Benchmark", short_name="TP Benchmark", level="city")
    block = Block.objects.create(authority=authority, code="phuong", name="UBND phường", position=1)
    unit = Unit.objects.create(block=block, code="phuong-001", name="UBND phường số 1", position=1)
    password = make_password("bench-password")
    staff = User.objects.create(username="canbo", full_name="Cán bộ đầu mối", password=password)
    secretary = User.objects.create(username="thuky", full_name="Thư ký Hội đồng", password=password)
    RoleAssignment.objects.create(user=staff, role=Role.UNIT_STAFF, unit=unit)
    RoleAssignment.objects.create(user=secretary, role=Role.COUNCIL_SECRETARY)

    def framework_of(year: int, state: str) -> Framework:
        period = Period.objects.create(
            authority=authority, year=year, state=state, self_assessment_deadline=timezone.now() + timedelta(days=14)
        )
        return _framework(period, block)

    own = framework_of(2024, Period.State.SELF_ASSESSMENT)
    sheet = Assessment.objects.create(period=own.period, unit=unit, framework=own)
    appraisal = framework_of(2023, Period.State.APPRAISAL)
    Assessment.objects.create(
        period=appraisal.period,
        unit=unit,
        framework=appraisal,
        state=Assessment.State.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=staff,
    )
    draft = framework_of(2025, Period.State.DRAFT)
    sources = {
        "sheet": (staff, reverse("sheet_import", args=[sheet.pk]), sheet_export(assessment=sheet)),
        "survey": (
            secretary,
            reverse("council_survey_import", args=[appraisal.period.year]),
            survey_template(period=appraisal.period),
        ),
        "framework": (
            secretary,
            reverse("admin:scoring_framework_import", args=[draft.pk]),
            framework_export(framework=draft),
        ),
    }
    plan = []
    for kind, (user, url, clean) in sources.items():
        (directory / f"{kind}-clean.xlsx").write_bytes(clean)
        for shape in SHAPES:
            path = directory / f"{kind}-{shape}.xlsx"
            path.write_bytes(hostile(shape, clean))
            plan.append(
                {
                    "import": kind,
                    "shape": shape,
                    "url": url,
                    "username": user.username,
                    "file": str(path),
                    "clean": str(directory / f"{kind}-clean.xlsx"),
                    "bytes": path.stat().st_size,
                }
            )
    (directory / "plan.json").write_text(json.dumps(plan, indent=2))


def _memory_kib() -> dict[str, int]:
    status = Path("/proc/self/status").read_text()
    return {key: int(re.search(rf"^{key}:\s*(\d+) kB", status, re.MULTILINE).group(1)) for key in ("VmRSS", "VmHWM")}


def probe(case: dict) -> dict:
    """One hostile post in this (fresh) process, after a clean import of the same kind."""
    resource.setrlimit(resource.RLIMIT_AS, (PROBE_MEMORY_LIMIT, PROBE_MEMORY_LIMIT))
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from units.models import User

    client = Client()
    client.force_login(User.objects.get(username=case["username"]))

    def post(path: str):
        return client.post(case["url"], {"file": SimpleUploadedFile(Path(path).name, Path(path).read_bytes())})

    post(case["clean"])  # a worker that has served a real import: code, templates and openpyxl warmed up
    content = Path(case["file"]).read_bytes()
    upload = SimpleUploadedFile("tep-tai-len.xlsx", content)
    baseline = _memory_kib()["VmRSS"]
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM restarts from the current resident memory
    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        response = client.post(case["url"], {"file": upload})
        outcome = {"status": response.status_code, "messages": _messages(response.content.decode())}
    except MemoryError:
        outcome = {
            "status": None,
            "messages": [f"MemoryError at the {PROBE_MEMORY_LIMIT // MEGABYTE // 1024} GB limit"],
        }
    except Exception as error:  # the code before the intake: a server error (500) instead of a message
        outcome = {"status": 500, "messages": [f"server error: {type(error).__name__}: {str(error)[:120]}"]}
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = _memory_kib()["VmHWM"]
    return {
        **outcome,
        "seconds": seconds,
        "cpu": cpu,
        "above_baseline_mib": (peak - baseline) / 1024,
        "baseline_mib": baseline / 1024,
    }


def _messages(page: str) -> list[str]:
    """What the page tells the person, most specific last (the list items of an error block)."""
    found = []
    for _tag, inner in MESSAGE_BLOCK.findall(page):
        items = re.findall(r"<li\b[^>]*>(.*?)</li>", inner, re.DOTALL) or [inner]
        found += [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", item)).split()) for item in items]
    return [message for message in found if message]


# ---------------------------------------------------------------------------------------------
# Orchestrator side (no Django)


def measure(python: str, script: str, root: Path, *, code_root: Path | None = None) -> list[dict]:
    """Migrate a throwaway SQLite database, prepare the files, run one fresh probe per case; `code_root` measures
    another checkout of the portal (the code before the intake) with the same files."""
    code_root = code_root or root
    with tempfile.TemporaryDirectory(prefix="cchc-bench-intake-") as folder:
        directory = Path(folder)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cchc_portal.settings.bench",
            "DATABASE_URL": f"sqlite:///{directory / 'intake.sqlite3'}",
            "BENCH_CODE_ROOT": str(code_root),
        }
        subprocess.run([python, "manage.py", "migrate", "--no-input", "-v0"], cwd=code_root, env=env, check=True)
        subprocess.run([python, script, "--intake-prepare", str(directory)], cwd=code_root, env=env, check=True)
        rows = []
        for case in json.loads((directory / "plan.json").read_text()):
            case_file = directory / f"case-{case['import']}-{case['shape']}.json"
            case_file.write_text(json.dumps(case))
            print(f"  intake: {case['import']} / {case['shape']}", flush=True)
            try:
                completed = subprocess.run(
                    [python, script, "--intake-probe", str(case_file)],
                    cwd=code_root,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=PROBE_TIMEOUT_SECONDS,
                )
                lines = completed.stdout.strip().splitlines()
                result = json.loads(lines[-1]) if completed.returncode == 0 and lines else None
                if result is None:
                    result = {"status": None, "messages": [_last_line(completed.stderr)], "seconds": None}
            except subprocess.TimeoutExpired:
                result = {
                    "status": None,
                    "messages": [f"still running after {PROBE_TIMEOUT_SECONDS} s"],
                    "seconds": None,
                }
            rows.append({**case, **result, "passes": _passes(result)})
    return rows


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:160] if lines else "no output"


def _passes(result: dict) -> bool:
    return (
        result.get("status") == 200
        and bool(result.get("messages"))
        and result["seconds"] is not None
        and result["seconds"] <= TARGET_SECONDS
        and result["above_baseline_mib"] <= TARGET_MEGABYTES
    )


def _shown(row: dict) -> str:
    if row.get("messages"):
        return row["messages"][-1]
    if row.get("status") == 302:
        return "(none: the file was accepted and imported)"
    return f"(none: answered {row.get('status')})"


OLD_CODE_INTRO = (
    "The same files and method on an extract of commit 779ad34 (`git archive 779ad34`, measured with"
    " `scripts/bench.py --only intake --old-code DIR`), the code before the intake, kept for the record: its"
    ' "failed" rows are what the intake fixed, not misses of today\'s code. There, "passed" only says the post'
    " answered within the targets, whatever the reason it gave; the wall times include waiting for a core"
    " on the shared machine (compare the CPU column)."
)


def render(
    rows: list[dict],
    *,
    title: str = "## Hostile workbooks refused (the one Excel intake)",
    intro: str = "",
    verdicts: tuple[str, str] = ("pass", "**FAIL**"),
) -> str:
    lines = [
        title,
        "",
        intro
        or "Measured by `scripts/bench.py --only intake` (scripts/bench_intake.py): each file posted to its import page"
        " through Django's test client in a fresh process on a throwaway SQLite database, after one clean import of"
        " the same kind; memory is the peak resident memory of the post above the process's resident memory just"
        f" before it. Target: refused, ≤ {TARGET_SECONDS:.0f} s and ≤ {TARGET_MEGABYTES} MB above the baseline.",
        "",
        "| Import | Hostile file | Size | Wall | CPU | Memory above baseline | Baseline | Result | Message shown |",
        "|---|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in rows:
        seconds = "—" if row.get("seconds") is None else f"{row['seconds'] * 1000:.0f} ms"
        cpu = "—" if row.get("cpu") is None else f"{row['cpu'] * 1000:.0f} ms"
        above = "—" if row.get("above_baseline_mib") is None else f"{row['above_baseline_mib']:.1f} MiB"
        baseline = "—" if row.get("baseline_mib") is None else f"{row['baseline_mib']:.0f} MiB"
        message = _shown(row).replace("|", "\\|")
        lines.append(
            f"| {IMPORTS[row['import']]} | {SHAPES[row['shape']]} | {row['bytes'] / 1024:.0f} KiB | {seconds} | {cpu} "
            f"| {above} | {baseline} | {verdicts[0] if row['passes'] else verdicts[1]} | {message[:110]} |"
        )
    lines.append("")
    return "\n".join(lines)


def main_prepare(directory: str) -> None:
    prepare(Path(directory))


def main_probe(case_file: str) -> None:
    print(json.dumps(probe(json.loads(Path(case_file).read_text()))))
