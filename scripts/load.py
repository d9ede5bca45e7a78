"""`make load`: the portal under 50 simultaneous users, on gunicorn and PostgreSQL, over loopback only.

Steps, each in a throwaway place that is removed at the end whatever happens:
1. create the PostgreSQL database `cchc_load`, migrate, load the demo (seed_demo), collect static files;
2. give every simulated person their own account and their own rows (extra unit staff on the open
   sheets, extra council members with one area of one submitted sheet each), through the ORM and the
   council services, and write that plan for the locustfile;
3. start gunicorn with the production settings (cchc_portal.settings.load: prod over plain HTTP) on a
   free port of 127.0.0.1 and run scripts/locustfile.py headless (50 users, 60 s);
4. read locust's CSV statistics, then check that every save the server acknowledged is in the database
   with the value sent and every acknowledged upload is on storage with its SHA-256;
5. stop gunicorn, drop the database, delete the uploaded and collected files, and write the figures
   with the machine they ran on into docs/load.md (between its markers; the notes around them stay).

Traffic goes to 127.0.0.1 only, and locust stops by itself after --run-time. The exit status is 0 when
every target is met (no error, p95 of a score save within the target) and the integrity check passes.
"""

import argparse
import csv
import dataclasses
import hashlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SETTINGS = "cchc_portal.settings.load"
POSTGRES_URL = os.environ.get("LOAD_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("LOAD_DATABASE_NAME", "cchc_load")
OPEN_YEAR = 2023  # the demo's year in self-assessment and appraisal
PUBLISHED_YEAR = 2022  # the demo's latest published ranking
SAVE_P95_TARGET_MS = 300
BEGIN, END = "<!-- load:begin (written by scripts/load.py) -->", "<!-- load:end -->"
SCORE_FIELDS = {
    "option": "option_id",
    "percent": "percent",
    "achieved": "achieved",
    "required": "required",
    "value": "value",
    "is_yes": "is_yes",
    "occurrences": "occurrences",
}


def say(message: str) -> None:
    print(f"load: {message}", flush=True)


# --- the throwaway database and server ----------------------------------------------------------------


def admin_connection():
    import psycopg2

    connection = psycopg2.connect(f"{POSTGRES_URL}/postgres")
    connection.autocommit = True
    return connection


def database_recreate() -> None:
    if not DATABASE.startswith("cchc_load"):  # never drop a database this script did not name
        raise SystemExit(f"LOAD_DATABASE_NAME must start with 'cchc_load' (got {DATABASE!r})")
    connection = admin_connection()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{DATABASE}"')
    finally:
        connection.close()


def database_drop() -> None:
    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # Django was never set up
        pass
    connection = admin_connection()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    finally:
        connection.close()


def server_environment(run_dir: Path) -> dict[str, str]:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_", "SECURE_"))
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": f"{POSTGRES_URL}/{DATABASE}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": str(run_dir / "static"),
        "MEDIA_ROOT": str(run_dir / "media"),
        "EVIDENCE_ROOT": str(run_dir / "media" / "evidence"),
        "EVIDENCE_STORAGE": "local",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        # As deploy/env.example sets it in production: each worker keeps its database connection.
        "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),
        # Every simulated respondent comes from 127.0.0.1: the per-address limit of the answer page would stop
        # them all together (in production nginx passes each client's own address).
        "SURVEY_RATE_LIMIT": "1000000/60",
        "PYTHONUNBUFFERED": "1",
    }
    return environment


def manage(environment: dict[str, str], *arguments: str, log: Path) -> None:
    with log.open("a") as output:
        subprocess.run(
            [PYTHON, "manage.py", *arguments],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            check=True,
            timeout=600,
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_start(environment: dict[str, str], run_dir: Path, *, port: int, workers: int) -> subprocess.Popen:
    command = [PYTHON, "-m", "gunicorn", "cchc_portal.wsgi:application"]
    if (ROOT / "deploy" / "gunicorn.conf.py").exists():
        command += ["-c", "deploy/gunicorn.conf.py"]  # the production configuration; loopback overrides follow
    command += [
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=sync",
        f"--access-logfile={run_dir / 'access.log'}",
        # when, what, status and the worker's own time: the server's share of each response time
        '--access-logformat=%(t)s "%(r)s" %(s)s %(M)s',
        f"--error-logfile={run_dir / 'gunicorn.log'}",
        "--capture-output",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=environment, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}; see {run_dir / 'gunicorn.log'}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    process_stop(server)
    raise RuntimeError("gunicorn did not answer within 60 s")


def process_stop(process: subprocess.Popen | None, *, timeout: int = 40) -> None:
    """TERM to a process we started (a gunicorn master stops its workers), KILL to its group if it hangs."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# --- the plan: one account and one set of rows per simulated person -------------------------------------


def form_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def build_survey_plan(*, period, secretary, count: int) -> list[dict]:
    """Every block's questionnaire of the open year, open now, with `count` more named respondents spread over the
    units. The demo (seed_demo) already runs one per block; a block without one gets it here through the survey
    services (two questions per survey criterion, A–D at 100/60/20/0 %)."""
    from datetime import timedelta

    from django.utils import timezone

    from scoring.demo.survey import LEVELS
    from scoring.survey.models import Respondent, Survey
    from scoring.survey.respondents import new_token
    from scoring.survey.selectors import survey_criteria
    from scoring.survey.services import question_add, survey_create, survey_open
    from units.models import Unit

    if count <= 0:
        return []
    units = []
    for framework in period.frameworks.select_related("block", "period"):
        survey = Survey.objects.filter(framework=framework).first()
        if survey is None:
            survey = survey_create(actor=secretary, framework=framework)
            for criterion in survey_criteria(survey):
                for text in ("Thái độ phục vụ của công chức", "Thời gian giải quyết hồ sơ so với giấy hẹn"):
                    question_add(actor=secretary, survey=survey, criterion=criterion, text=text, levels=LEVELS)
            now = timezone.now()
            survey_open(actor=secretary, survey=survey, opens_at=now, closes_at=now + timedelta(days=1))
        units += [(survey, unit) for unit in Unit.objects.filter(block=framework.block, is_active=True)]
    respondents = Respondent.objects.bulk_create(
        Respondent(
            survey=survey,
            unit=unit,
            name=f"Người dân tải thử {number + 1:04d}",
            group="citizen",
            token=new_token(),
            imported_by=secretary,
        )
        for number, (survey, unit) in ((n, units[n % len(units)]) for n in range(count))
    )
    questions = {}
    for respondent in respondents:
        if respondent.survey_id not in questions:
            questions[respondent.survey_id] = [
                {"id": question.pk, "levels": [level.pk for level in question.levels.all()]}
                for question in respondent.survey.questions.prefetch_related("levels").order_by("position")
            ]
    return [
        {"respondent": respondent.pk, "token": respondent.token, "questions": questions[respondent.survey_id]}
        for respondent in respondents
    ]


def build_plan(
    *, staff_count: int, council_count: int, run: str, sessions: bool = False, survey_count: int = 0
) -> dict:
    """Accounts for the run (the demo's own where there is one), each with rows nobody else saves; with
    `sessions`, each account also gets a signed-in session, so the run needs no login."""
    from django.contrib.auth.hashers import make_password

    from scoring.council.services import assignment_add, council_member_add
    from scoring.demo.accounts import DEMO_PASSWORD
    from scoring.frameworks.selectors import framework_tree
    from scoring.models import AppraisalAssignment, Assessment, Criterion, Period, RuleType, Score, Stage
    from units.models import Role, RoleAssignment, Unit, User

    password = make_password(DEMO_PASSWORD)
    period = Period.objects.get(year=OPEN_YEAR)
    secretary = User.objects.get(username="thuky")

    def row(sheet: Assessment, criterion: Criterion, own: dict | None = None) -> dict:
        return {
            "assessment": sheet.pk,
            "criterion": criterion.pk,
            "rule": criterion.rule_type,
            "options": [option.pk for option in criterion.options.all()],
            "max": form_value(criterion.max_points),
            "step": form_value(criterion.step) if criterion.step else "",
            "own": own,
        }

    def leaves(sheet: Assessment) -> list[Criterion]:
        ids = [node.criterion.pk for node in framework_tree(sheet.framework).leaves]
        by_id = Criterion.objects.prefetch_related("options").in_bulk(ids)
        return [by_id[pk] for pk in ids]

    # Unit staff: open sheets in turn; people on the same sheet share its rows out (every k-th row each).
    drafts = list(
        Assessment.objects.filter(period=period, state=Assessment.State.DRAFT)
        .select_related("unit", "framework")
        .order_by("unit__block__position", "unit__position")
    )
    demo_staff = {
        assignment.unit_id: assignment.user
        for assignment in RoleAssignment.objects.filter(role=Role.UNIT_STAFF, unit__in=[s.unit for s in drafts])
        .select_related("user")
        .order_by("user__username")
    }
    people: dict[int, list[User]] = defaultdict(list)
    for number in range(staff_count):
        sheet = drafts[number % len(drafts)]
        person = demo_staff.get(sheet.unit_id) if not people[sheet.pk] else None
        if person is None:
            person = User.objects.create(
                username=f"load.canbo{number + 1:02d}",
                full_name=f"Cán bộ tải thử {number + 1:02d}",
                job_title="Công chức đầu mối CCHC (tải thử)",
                home_unit=sheet.unit,
                password=password,
            )
            RoleAssignment.objects.create(user=person, role=Role.UNIT_STAFF, unit=sheet.unit)
        people[sheet.pk].append(person)
    staff = []
    for sheet in drafts:
        scored = [c for c in leaves(sheet) if c.rule_type != RuleType.SURVEY]
        share = len(people[sheet.pk])
        for index, person in enumerate(people[sheet.pk]):
            staff.append(
                {
                    "username": person.username,
                    "assessment": sheet.pk,
                    "rows": [row(sheet, criterion) for criterion in scored[index::share]],
                }
            )

    # Council: the demo's two members keep some areas of their whole-unit assignments; extra members get
    # one area of one submitted sheet each (assignment_add), handed out so everyone has about as many rows.
    submitted = list(
        Assessment.objects.filter(period=period, state=Assessment.State.SUBMITTED)
        .select_related("unit", "framework")
        .order_by("unit__block__position", "unit__position")
    )
    whole = dict(
        AppraisalAssignment.objects.filter(period=period, area_code="", unit__isnull=False).values_list(
            "unit_id", "member__username"
        )
    )
    members = list(User.objects.filter(username__in=["hoidong1", "hoidong2"]).order_by("username"))
    for number in range(council_count - len(members)):
        member = User.objects.create(
            username=f"load.hoidong{number + 1:02d}",
            full_name=f"Thành viên Hội đồng tải thử {number + 1:02d}",
            job_title="Thành viên Hội đồng thẩm định (tải thử)",
            password=password,
        )
        RoleAssignment.objects.create(user=member, role=Role.COUNCIL_MEMBER, unit=None)
        council_member_add(actor=secretary, period=period, user=member)
        members.append(member)
    rows_of: dict[str, list[dict]] = {member.username: [] for member in members}
    for sheet in submitted:
        own = {s.criterion_id: s for s in Score.objects.filter(assessment=sheet, stage=Stage.SELF)}
        areas: dict[str, list[dict]] = defaultdict(list)
        for criterion in leaves(sheet):
            score = own.get(criterion.pk)
            if criterion.rule_type == RuleType.SURVEY:
                areas[criterion.code.split(".")[0]].append(row(sheet, criterion))
            elif score is not None and not score.is_not_applicable:
                inputs = {
                    name: form_value(getattr(score, attribute))
                    for name, attribute in SCORE_FIELDS.items()
                    if getattr(score, attribute) is not None
                }
                areas[criterion.code.split(".")[0]].append(row(sheet, criterion, inputs))
        for area, area_rows in sorted(areas.items()):
            candidates = [
                m for m in members if m.username.startswith("load.") or whole.get(sheet.unit_id) == m.username
            ]
            member = min(candidates, key=lambda m: len(rows_of[m.username]))
            if member.username.startswith("load."):
                assignment_add(actor=secretary, period=period, member=member, unit=sheet.unit, area_code=area)
            rows_of[member.username] += area_rows
    council = [{"username": username, "rows": rows} for username, rows in rows_of.items() if rows]

    published_units = list(
        Unit.objects.filter(assessments__period__year=PUBLISHED_YEAR).values_list("pk", flat=True).distinct()
    )
    plan = {
        "survey": build_survey_plan(period=period, secretary=secretary, count=survey_count),
        "run": run,
        "password": DEMO_PASSWORD,
        "staff": staff,
        "council": council,
        "published_year": PUBLISHED_YEAR,
        "published_units": published_units,
    }
    if sessions:
        plan["sessions"] = signed_in_sessions([person["username"] for person in staff + council])
    return plan


def signed_in_sessions(usernames: list[str]) -> dict[str, str]:
    """A database session per person, as a successful login leaves it (user id, backend, password hash)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from units.models import User

    backend = "units.backends.RoleBackend"
    found = {}
    for user in User.objects.filter(username__in=usernames):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        found[user.username] = session.session_key
    return found


# --- statistics -------------------------------------------------------------------------------------------


@dataclass
class Line:
    name: str
    requests: int
    failures: int
    rps: float
    median: float
    p95: float
    p99: float
    maximum: float


def read_stats(prefix: Path) -> list[Line]:
    def number(text: str) -> float:
        return float(text) if text not in ("", "N/A") else 0.0

    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as handle:
        return [
            Line(
                name=record["Name"],
                requests=int(record["Request Count"]),
                failures=int(record["Failure Count"]),
                rps=number(record["Requests/s"]),
                median=number(record["50%"]),
                p95=number(record["95%"]),
                p99=number(record["99%"]),
                maximum=number(record["Max Response Time"]),
            )
            for record in csv.DictReader(handle)
        ]


ACCESS_LINE = re.compile(r'^\[([^\]]+)\] "(\w+) (\S+) [^"]*" (\d+) (\d+)$')
ROUTES = (
    ("POST", re.compile(r"^/assessments/\d+/criteria/\d+/$"), "score save"),
    ("POST", re.compile(r"^/appraisal/\d+/criteria/\d+/round1/$"), "appraisal save (round 1)"),
    ("POST", re.compile(r"^/evidence/assessments/\d+/criteria/\d+/upload/$"), "evidence upload"),
    ("GET", re.compile(r"^/assessments/\d+/$"), "sheet (page)"),
    ("GET", re.compile(r"^/appraisal/\d+/$"), "appraisal workspace (page)"),
    ("GET", re.compile(rf"^/results/{PUBLISHED_YEAR}/$"), "published ranking (public)"),
    ("GET", re.compile(r"^/results/\d+/published/units/\d+/$"), "published unit page (public)"),
    ("GET", re.compile(r"^/results/$"), "results index (public)"),
    ("GET", re.compile(r"^/s/[A-Za-z0-9_-]+/$"), "survey answer (page)"),
    ("POST", re.compile(r"^/s/[A-Za-z0-9_-]+/$"), "survey answer (post)"),
)


def server_times(access_log: Path, since: float) -> dict[str, tuple[int, int, int]]:
    """p50/p95/p99 of the time spent inside a gunicorn worker, per request type, over the measured period."""
    times: dict[str, list[int]] = defaultdict(list)
    if not access_log.exists():
        return {}
    for line in access_log.read_text(encoding="utf-8", errors="replace").splitlines():
        match = ACCESS_LINE.match(line.strip())
        if not match:
            continue
        when = datetime.strptime(match.group(1), "%d/%b/%Y:%H:%M:%S %z").timestamp()
        if when + 1 < since:
            continue
        for method, pattern, name in ROUTES:
            if match.group(2) == method and pattern.match(match.group(3)):
                times[name].append(int(match.group(5)))
                break

    def percentile(values: list[int], share: float) -> int:
        return values[min(len(values) - 1, round(share * (len(values) - 1)))]

    return {
        name: (percentile(sorted(v), 0.5), percentile(sorted(v), 0.95), percentile(sorted(v), 0.99))
        for name, v in times.items()
    }


def read_failures(prefix: Path) -> list[str]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return [f"{r['Occurrences']} × {r['Method']} {r['Name']}: {r['Error']}" for r in csv.DictReader(handle)]


# --- integrity ----------------------------------------------------------------------------------------------


@dataclass
class Checked:
    """What a check of the stored data against the acknowledgements found wrong; nothing when all is well."""

    problems: list[str] = field(default_factory=list)

    @property
    def is_ok(self) -> bool:
        return not self.problems


@dataclass
class Integrity(Checked):
    saves: int = 0
    rows: int = 0
    uploads: int = 0
    conflicts: int = 0
    unacknowledged_saves: int = 0
    unacknowledged_uploads: int = 0


def same(field_name: str, sent: str, stored: Any) -> bool:
    if stored is None:
        return False
    if field_name == "is_yes":
        return (sent == "yes") == stored
    if field_name in ("option", "occurrences"):
        return int(sent) == int(stored)
    return Decimal(sent.replace(",", ".")) == Decimal(str(stored))


def check_integrity(ack_dir: Path, *, run: str) -> Integrity:
    """Every acknowledged save is in the score history and the row holds the last one; every upload is stored."""
    from django.core.files.storage import storages

    from evidence.models import Document, EvidenceLink
    from scoring.models import Score, ScoreChange

    records = [
        json.loads(line) for path in sorted(ack_dir.glob("acks-*.jsonl")) for line in path.read_text().splitlines()
    ]
    result = Integrity(conflicts=sum(1 for r in records if r["kind"] == "conflict"))
    saves = [r for r in records if r["kind"] == "score"]
    uploads = [r for r in records if r["kind"] == "upload"]
    result.saves, result.uploads = len(saves), len(uploads)

    marker = f"Tải thử {run} #"
    changes = {
        change.reason: change
        for change in ScoreChange.objects.filter(reason__startswith=marker).select_related("score")
    }
    result.unacknowledged_saves = len(changes.keys() - {r["explanation"] for r in saves})
    by_row: dict[tuple, list[dict]] = defaultdict(list)
    for save in saves:
        by_row[(save["assessment"], save["criterion"], save["stage"])].append(save)
        change = changes.get(save["explanation"])
        where = f"sheet {save['assessment']} criterion {save['criterion']} ({save['stage']})"
        if change is None:
            result.problems.append(f"acknowledged save missing from the history: {where}, {save['explanation']}")
            continue
        score = change.score
        if (score.assessment_id, score.criterion_id, score.stage) != (
            save["assessment"],
            save["criterion"],
            save["stage"],
        ):
            result.problems.append(f"acknowledged save recorded on another row: {where}")
        for name, sent in save["fields"].items():
            if not same(name, sent, change.new_values.get(SCORE_FIELDS[name])):
                result.problems.append(f"{where}: sent {name}={sent}, history holds {change.new_values}")
    result.rows = len(by_row)
    scores = {
        (s.assessment_id, s.criterion_id, s.stage): s
        for s in Score.objects.filter(assessment_id__in={key[0] for key in by_row})
    }
    for key, row_saves in by_row.items():
        last = max(row_saves, key=lambda save: (save["version"] or 0, save["at"]))
        score = scores.get(key)
        where = f"sheet {key[0]} criterion {key[1]} ({key[2]})"
        if score is None:
            result.problems.append(f"{where}: no score row after {len(row_saves)} acknowledged saves")
        elif score.version < (last["version"] or 0):
            result.problems.append(f"{where}: version {score.version} < acknowledged {last['version']}")
        elif score.version == last["version"]:
            if score.explanation != last["explanation"]:
                result.problems.append(
                    f"{where}: holds '{score.explanation}', last acknowledged '{last['explanation']}'"
                )
            for name, sent in last["fields"].items():
                if not same(name, sent, getattr(score, SCORE_FIELDS[name])):
                    result.problems.append(
                        f"{where}: sent {name}={sent}, row holds {getattr(score, SCORE_FIELDS[name])}"
                    )

    storage = storages["evidence"]
    documents = {
        document.original_name: document
        for document in Document.objects.filter(original_name__startswith=f"load-{run}-").select_related("file")
    }
    result.unacknowledged_uploads = len(documents.keys() - {u["name"] for u in uploads})
    for upload in uploads:
        document = documents.get(upload["name"])
        if document is None:
            result.problems.append(f"acknowledged upload without its document: {upload['name']}")
            continue
        stored = document.file
        if (stored.sha256, stored.size) != (upload["sha256"], upload["size"]):
            result.problems.append(
                f"{upload['name']}: stored {stored.sha256[:12]}/{stored.size} B, sent {upload['sha256'][:12]}"
            )
        if not storage.exists(stored.storage_name):
            result.problems.append(f"{upload['name']}: file {stored.storage_name} missing from storage")
        else:
            with storage.open(stored.storage_name, "rb") as handle:
                if hashlib.sha256(handle.read()).hexdigest() != upload["sha256"]:
                    result.problems.append(f"{upload['name']}: the file on storage does not match its SHA-256")
        if not EvidenceLink.objects.filter(
            document=document, assessment_id=upload["assessment"], criterion_id=upload["criterion"]
        ).exists():
            result.problems.append(f"{upload['name']}: not cited for criterion {upload['criterion']}")
    return result


@dataclass
class SurveyIntegrity(Checked):
    answers: int = 0
    refused_used: int = 0
    unacknowledged: int = 0


def check_survey_integrity(ack_dir: Path, *, plan: dict) -> SurveyIntegrity:
    """Every acknowledged answer is stored once, with exactly the levels sent; no response stored twice."""
    from scoring.survey.models import SurveyAnswer, SurveyResponse

    records = [
        json.loads(line) for path in sorted(ack_dir.glob("survey-*.jsonl")) for line in path.read_text().splitlines()
    ]
    answers = [r for r in records if r["kind"] == "survey"]
    result = SurveyIntegrity(answers=len(answers), refused_used=sum(1 for r in records if r["kind"] == "used"))
    planned = {entry["respondent"] for entry in plan["survey"]}
    stored = {response.respondent_id: response for response in SurveyResponse.objects.filter(respondent_id__in=planned)}
    levels: dict[int, dict[int, int]] = defaultdict(dict)
    for respondent_id, question_id, level_id in SurveyAnswer.objects.filter(
        response__respondent_id__in=planned
    ).values_list("response__respondent_id", "question_id", "level_id"):
        levels[respondent_id][question_id] = level_id
    acknowledged = set()
    for answer in answers:
        respondent = answer["respondent"]
        if respondent in acknowledged:
            result.problems.append(f"respondent {respondent}: acknowledged twice")
        acknowledged.add(respondent)
        if respondent not in stored:
            result.problems.append(f"respondent {respondent}: acknowledged answer not stored")
            continue
        sent = {int(question): level for question, level in answer["choices"].items()}
        if levels[respondent] != sent:
            result.problems.append(f"respondent {respondent}: sent {sent}, stored {levels[respondent]}")
    result.unacknowledged = len(set(stored) - acknowledged)
    return result


# --- the report ---------------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    memory = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": str(os.cpu_count()), "memory": memory or "unknown", "os": platform.platform()}


def versions() -> dict[str, str]:
    from importlib.metadata import version

    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgres": postgres.split()[0],
        "gunicorn": version("gunicorn"),
        "locust": version("locust"),
    }


def request_table(lines: list[Line], server: dict) -> list[str]:
    """One Markdown row per kind of request (the aggregate last): locust's figures, then the worker's own times."""
    out = [
        "| Request | Requests | Errors | Req/s | p50 ms | p95 ms | p99 ms | max ms | in worker p50/p95/p99 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for line in sorted(lines, key=lambda line: (line.name == "Aggregated", line.name)):
        if not line.requests:
            continue
        name = "**All requests**" if line.name == "Aggregated" else line.name
        out.append(
            f"| {name} | {line.requests} | {line.failures} | {line.rps:.1f} | {milliseconds(line.median)} | "
            f"{milliseconds(line.p95)} | {milliseconds(line.p99)} | {milliseconds(line.maximum)} | "
            + (" / ".join(str(value) for value in server[line.name]) if line.name in server else "")
            + " |"
        )
    return out


def milliseconds(value: float) -> str:
    return f"{value:.0f}"


def report(
    *,
    lines: list[Line],
    failures: list[str],
    integrity: Integrity,
    options,
    plan: dict,
    about: dict,
    started: datetime,
    warm_up: dict,
    server: dict[str, tuple[int, int, int]],
    survey: dict | None = None,
) -> tuple[str, bool]:
    by_name = {line.name: line for line in lines}
    total = by_name.get("Aggregated")
    save = by_name.get("score save")
    errors = total.failures if total else 0
    save_ok = bool(save and save.requests and save.p95 <= SAVE_P95_TARGET_MS)
    ok = errors == 0 and save_ok and integrity.is_ok
    mark = {True: "✅ met", False: "❌ missed"}
    visitors = options.users - len(plan["staff"]) - len(plan["council"])
    out = [
        BEGIN,
        f"## Last run: {started:%Y-%m-%d %H:%M} ({started.astimezone().tzname()})",
        "",
        f"- Machine: {about['cpu']}, {about['cores']} cores, {about['memory']} RAM; {about['os']}",
        f"- Software: Python {about['python']}, Django {about['django']}, PostgreSQL {about['postgres']}, "
        f"gunicorn {about['gunicorn']} ({options.workers} sync workers, production settings over loopback), "
        f"locust {about['locust']} (same machine)",
        f"- Scenario: {options.users} users for {options.run_time} s (spawned {options.spawn_rate}/s), each "
        f"waiting 1–3 s between actions: {len(plan['staff'])} unit staff on "
        f"{len({s['assessment'] for s in plan['staff']})} open sheets (score saves 8 : evidence uploads 2 : "
        f"sheet reloads 1), {len(plan['council'])} council members on round 1 of "
        f"{len({r['assessment'] for c in plan['council'] for r in c['rows']})} submitted sheets (saves 8 : "
        f"workspace reloads 1), {visitors} anonymous visitors ({PUBLISHED_YEAR} ranking 6 : unit page 2 : "
        "results index 1). Everyone logs in once with their own account and saves only their own rows.",
        "",
    ]
    out += request_table(lines, server)
    out += [
        "",
        "Percentiles are locust's (rounded to two significant figures above 100 ms), as the client saw them; the "
        "last column is the time gunicorn's access log gives for the same requests inside a worker, so the "
        f"difference is time spent waiting for a free worker ({options.workers} sync workers on {about['cores']} "
        "cores) or in the client. "
        "The figures cover the "
        f"{options.run_time} s after every user had logged in and opened their page; the warm-up before that "
        f"(all {len(plan['staff']) + len(plan['council'])} logins at once, each a PBKDF2 hash of about a CPU-second) "
        f"took {warm_up.get('seconds') or 0:.0f} s, its logins answering in "
        f"{milliseconds(warm_up.get('POST login (post)', {}).get('p50', 0))} ms (p50) / "
        f"{milliseconds(warm_up.get('POST login (post)', {}).get('p95', 0))} ms (p95), "
        f"with {sum(v.get('failures', 0) for v in warm_up.values() if isinstance(v, dict))} errors.",
        "",
        f"Load average of the machine (1 min) just before the server started: {about['load_before']:.2f}; "
        f"right after the run: {about['load_after']:.2f}. Figures are only comparable between runs on an otherwise "
        "idle machine; the load generator shares the same cores as gunicorn and PostgreSQL.",
        "",
        "**Targets**",
        "",
        f"- No errors: {mark[errors == 0]} ({errors} failed requests)",
        f"- p95 of a score save ≤ {SAVE_P95_TARGET_MS} ms: {mark[save_ok]} "
        f"({milliseconds(save.p95) if save else '—'} ms over {save.requests if save else 0} saves)",
        "",
        "**Integrity after the run**",
        "",
        f"- {integrity.saves} saves acknowledged (HTTP 200 with the saved marker) on {integrity.rows} rows: "
        + (
            "each is in the score history with the values sent, and each row holds its last acknowledged save."
            if integrity.is_ok
            else "see the problems below."
        ),
        f"- {integrity.uploads} uploads acknowledged: "
        + (
            "each has its document, its citation on the criterion and its file on storage with the SHA-256 sent."
            if integrity.is_ok
            else "see the problems below."
        ),
        f"- Concurrency conflicts answered (expected outcome, not an error): {integrity.conflicts}. "
        f"Writes committed without an acknowledgement reaching the client (requests cut when the run stopped): "
        f"{integrity.unacknowledged_saves} saves, {integrity.unacknowledged_uploads} uploads.",
    ]
    if integrity.problems:
        out += ["", f"Integrity problems ({len(integrity.problems)}):", ""]
        out += [f"- {problem}" for problem in integrity.problems[:30]]
    if failures:
        out += ["", "Failures reported by locust:", ""]
        out += [f"- {failure}" for failure in failures[:30]]
    if survey is not None:
        survey_ok, survey_lines = survey_report(survey, options=options, about=about)
        ok = ok and survey_ok
        out += survey_lines
    out += ["", f"Overall: {'all targets met' if ok else 'NOT all targets met'}.", END]
    return "\n".join(out) + "\n", ok


def survey_report(survey: dict, *, options, about: dict) -> tuple[bool, list[str]]:
    """The respondents' phase: the answer page under 50 simultaneous respondents, and what was stored."""
    lines: list[Line] = survey["lines"]
    integrity: SurveyIntegrity = survey["integrity"]
    server = survey["server"]
    by_name = {line.name: line for line in lines}
    post = by_name.get("survey answer (post)")
    errors = by_name["Aggregated"].failures if "Aggregated" in by_name else 0
    post_ok = bool(post and post.requests and post.p95 <= SAVE_P95_TARGET_MS)
    ok = errors == 0 and post_ok and integrity.is_ok
    mark = {True: "✅ met", False: "❌ missed"}
    out = [
        "",
        "### Respondents answering the survey",
        "",
        f"Then {options.respondents} respondents at once for {options.survey_run_time} s, without accounts, each "
        "opening a one-time link (the answer page), reading for 2–6 s, sending the form, and taking the next "
        f"link 1–3 s later ({len(survey['plan'])} links in the plan, each answered at most once). Every request "
        "comes from 127.0.0.1, so the answer page's per-address rate limit is raised for this run "
        "(SURVEY_RATE_LIMIT); in production nginx gives the real address.",
        "",
    ]
    out += request_table(lines, server)
    out += [
        "",
        f"- No errors: {mark[errors == 0]} ({errors} failed requests)",
        f"- p95 of an answer (the POST) ≤ {SAVE_P95_TARGET_MS} ms: {mark[post_ok]} "
        f"({milliseconds(post.p95) if post else '—'} ms over {post.requests if post else 0} answers)",
        f"- {integrity.answers} answers acknowledged (the thank-you page): "
        + (
            "each is stored once with exactly the levels sent."
            if integrity.is_ok
            else f"{len(integrity.problems)} problems: " + "; ".join(integrity.problems[:10])
        )
        + f" Stored without an acknowledgement reaching the client (cut when the run stopped): "
        f"{integrity.unacknowledged}.",
    ]
    if survey["failures"]:
        out += ["", "Failures reported by locust (respondents):", ""]
        out += [f"- {failure}" for failure in survey["failures"][:20]]
    return ok, out


DOC_TEMPLATE = """# Load test

`make load` runs the portal as in production (gunicorn, the production settings, PostgreSQL) on this
machine and puts 50 simultaneous users on it for 60 s through [locust](https://locust.io), over loopback
only. Everything it creates is thrown away afterwards: the `cchc_load` database, the uploaded files and the
collected static files. The section between the markers below is rewritten by each run
(`scripts/load.py`); the notes after it are kept.

How it works: `scripts/load.py` creates the database, migrates, loads the demo (`seed_demo`), gives every
simulated person their own account and rows, starts gunicorn with `cchc_portal.settings.load` (the
production settings with HTTPS-only cookies and redirects relaxed, because there is no nginx and no TLS on
loopback) and runs `scripts/locustfile.py`. The locustfile records every write the server acknowledged in
a JSON-lines file; afterwards the orchestrator checks them against the database and the evidence storage.
A second phase follows on the same server: 50 survey respondents at once (no accounts) open their one-time
links of the open year's questionnaires (created through the survey services before the server starts) and
send their answers; every acknowledged answer is then checked to be stored once with exactly the levels sent.

Options: `make load LOAD_ARGS="--users 50 --run-time 60 --workers 4"`; `--keep` keeps the run's logs and
CSV files in `var/load/`; `--no-doc` leaves this file alone; `--respondents 50 --survey-run-time 60` size the
survey phase (`--respondents 0` skips it); `LOAD_DATABASE_NAME` (starting with `cchc_load`) names the database.
PostgreSQL is reached at `LOAD_POSTGRES_URL`
(default `postgres://postgres@127.0.0.1:5432`, a role allowed to create databases).

{block}
## Notes

"""


def write_doc(path: Path, block: str, begin: str = BEGIN, end: str = END) -> None:
    """Replace the section between `begin` and `end` (appended before the notes when the file lacks it)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(DOC_TEMPLATE.format(block=block if begin == BEGIN else ""), encoding="utf-8")
        if begin == BEGIN:
            return
    text = path.read_text(encoding="utf-8")
    if begin in text:
        head, rest = text.split(begin, 1)
        tail = rest.split(end, 1)[1] if end in rest else ""
        path.write_text(head + block.rstrip("\n") + tail, encoding="utf-8")
    else:
        head, notes, tail = text.partition("\n## Notes\n")
        path.write_text(head.rstrip("\n") + "\n\n" + block + "\n" + notes + tail, encoding="utf-8")


# --- the run ------------------------------------------------------------------------------------------------


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--staff", type=int, default=30, help="unit staff among the users")
    parser.add_argument("--council", type=int, default=8, help="council members among the users (the rest visit)")
    parser.add_argument("--run-time", type=int, default=60, help="seconds")
    parser.add_argument("--spawn-rate", type=int, default=10, help="users started per second")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument(
        "--deadline",
        action="store_true",
        help="deadline day: unit staff signed in beforehand, 5–15 s between actions, one run per --steps",
    )
    parser.add_argument("--steps", default="200,300,400,500,600", help="with --deadline: users of each run")
    parser.add_argument(
        "--scale-out",
        action="store_true",
        help="two app servers behind nginx, evidence on S3 (moto), the task worker; one server killed mid-run",
    )
    parser.add_argument("--doc", type=Path, default=ROOT / "docs" / "load.md")
    parser.add_argument("--no-doc", action="store_true", help="do not write the figures into the doc")
    parser.add_argument("--keep", action="store_true", help="keep logs, CSV and acknowledgements in var/load/")
    parser.add_argument("--respondents", type=int, default=50, help="survey respondents at once (0: no survey phase)")
    parser.add_argument("--survey-run-time", type=int, default=60, help="seconds of the survey phase")
    options = parser.parse_args()
    options.step_users = [int(part) for part in options.steps.split(",") if part.strip()]
    if options.deadline and options.scale_out:
        parser.error("--deadline and --scale-out are separate runs")
    if not options.deadline and (options.staff + options.council > options.users or options.council < 2):
        parser.error("--staff + --council must not exceed --users, and --council must be at least 2")
    if not 1 <= options.run_time <= 600 or not 1 <= options.survey_run_time <= 600:
        parser.error("--run-time and --survey-run-time must be between 1 and 600 seconds")
    return options


def run_locust(
    environment: dict[str, str],
    run_dir: Path,
    *,
    host: str,
    plan_path: Path,
    users: int,
    options,
    name: str = "locust",
    wait: str = "1,3",
    people: tuple[int, int] | None = None,
    scenario: str = "portal",
    run_time: int | None = None,
    classes: tuple[str, ...] = (),
) -> subprocess.Popen:
    """Start locust headless against `host` (it stops by itself after the run time); the caller waits."""
    locust_environment = environment | {
        "LOAD_PLAN": str(plan_path),
        "LOAD_ACK_DIR": str(run_dir / "acks" / name),
        "LOAD_USERS": str(users),
        "LOAD_SPAWN_RATE": str(options.spawn_rate),
        "LOAD_RUN_TIME": str(run_time or options.run_time),
        "LOAD_WAIT": wait,
        "LOAD_SCENARIO": scenario,
        "LOAD_STEP": "" if name == "locust" else f"{name}-",
    }
    if people is not None:
        locust_environment |= {"LOAD_STAFF": str(people[0]), "LOAD_COUNCIL": str(people[1])}
    return subprocess.Popen(
        [
            PYTHON,
            "-m",
            "locust",
            "-f",
            str(ROOT / "scripts" / "locustfile.py"),
            "--headless",
            "--host",
            host,
            "--users",
            str(users),
            "--spawn-rate",
            str(options.spawn_rate),
            "--stop-timeout",
            "10",
            "--csv",
            str(run_dir / name),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--logfile",
            str(run_dir / f"{name}.log"),
            *classes,
        ],
        cwd=ROOT,
        env=locust_environment,
    )


def wait_for(process: subprocess.Popen, seconds: float) -> None:
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)


def prepare(environment: dict[str, str], run_dir: Path) -> None:
    """The throwaway database with the demo, collected static files, and Django set up in this process."""
    say(f"database {DATABASE}: create, migrate, seed the demo, collect static files (log: {run_dir}/setup.log)")
    database_recreate()
    for arguments in (("migrate", "--no-input"), ("seed_demo",), ("collectstatic", "--no-input")):
        manage(environment, *arguments, log=run_dir / "setup.log")
    os.environ.update(environment)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def main() -> int:
    options = parse_arguments()
    if options.scale_out:
        import scale_out

        return scale_out.main(options)
    started = datetime.now().astimezone()
    run = secrets.token_hex(3)
    run_dir = ROOT / "var" / "load" / f"{started:%Y%m%d-%H%M%S}"
    run_dir.mkdir(parents=True, exist_ok=True)
    environment = server_environment(run_dir)
    server = None
    ok = False
    try:
        prepare(environment, run_dir)
        if options.deadline:
            users = max(options.step_users)
            staff, council = step_people(users)
        else:
            users, staff, council = options.users, options.staff, options.council
        plan = build_plan(
            staff_count=staff,
            council_count=council,
            run=run,
            sessions=options.deadline,
            # enough links that no respondent runs out: one answer every ~6 s each
            survey_count=0 if options.deadline else options.respondents * (options.survey_run_time // 4 + 10),
        )
        plan_path = run_dir / "plan.json"
        plan_path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
        about = machine() | versions()
        from django.db import connections

        connections.close_all()

        about["load_before"] = os.getloadavg()[0]
        port = free_port()
        say(f"gunicorn: {options.workers} workers on 127.0.0.1:{port}")
        server = gunicorn_start(environment, run_dir, port=port, workers=options.workers)
        if options.deadline:
            ok = deadline_day(environment, run_dir, options=options, plan=plan, plan_path=plan_path, port=port)
            process_stop(server)
            server = None
            say("checking acknowledged saves and uploads against the database and the storage")
            integrity = check_integrity_all(run_dir / "acks", run=run)
            block, ok = deadline_report(
                run_dir, options=options, plan=plan, about=about, started=started, integrity=integrity
            )
            print(block.replace(DEADLINE_BEGIN, "").replace(DEADLINE_END, "").strip())
            if not options.no_doc:
                write_doc(options.doc, block, DEADLINE_BEGIN, DEADLINE_END)
            return 0 if ok else 1

        say(f"locust: {options.users} users for {options.run_time} s")
        locust = run_locust(
            environment, run_dir, host=f"http://127.0.0.1:{port}", plan_path=plan_path, users=users, options=options
        )
        wait_for(locust, options.run_time + 300)  # the shape's warm-up is capped at 180 s
        survey_since = time.time()
        if options.respondents:
            say(f"locust: {options.respondents} survey respondents for {options.survey_run_time} s")
            respondents = run_locust(
                environment,
                run_dir,
                host=f"http://127.0.0.1:{port}",
                plan_path=plan_path,
                users=options.respondents,
                options=options,
                name="survey",
                scenario="survey",
                run_time=options.survey_run_time,
                classes=("SurveyRespondent",),
            )
            wait_for(respondents, options.survey_run_time + 120)
        process_stop(server)
        server = None

        about["load_after"] = os.getloadavg()[0]
        prefix = run_dir / "locust"
        lines = read_stats(prefix)
        failures = read_failures(prefix)
        warm_up_file = run_dir / "acks" / "locust" / "warm-up.json"
        warm_up = json.loads(warm_up_file.read_text(encoding="utf-8")) if warm_up_file.exists() else {}
        say("checking acknowledged saves and uploads against the database and the storage")
        integrity = check_integrity(run_dir / "acks" / "locust", run=run)
        block, ok = report(
            lines=lines,
            failures=failures,
            integrity=integrity,
            options=options,
            plan=plan,
            about=about,
            started=started,
            warm_up=warm_up,
            server=server_times(run_dir / "access.log", warm_up.get("measured_since", 0)),
            survey=(
                {
                    "lines": read_stats(run_dir / "survey"),
                    "failures": read_failures(run_dir / "survey"),
                    "integrity": check_survey_integrity(run_dir / "acks" / "survey", plan=plan),
                    "server": server_times(run_dir / "access.log", survey_since),
                    "plan": plan["survey"],
                }
                if options.respondents
                else None
            ),
        )
        print(block.replace(BEGIN, "").replace(END, "").strip())
        if not options.no_doc:
            write_doc(options.doc, block)
            say(f"figures written to {options.doc}")
    finally:
        process_stop(server)
        try:
            database_drop()
        except Exception as error:  # PostgreSQL itself may be what failed: say so, keep the first error
            say(f"could not drop the database {DATABASE}: {error}")
        for folder in ("media", "static"):
            shutil.rmtree(run_dir / folder, ignore_errors=True)
        if not options.keep:
            shutil.rmtree(run_dir, ignore_errors=True)
        say(f"database {DATABASE} dropped; server stopped")
    return 0 if ok else 1


# --- deadline day: the capacity curve ------------------------------------------------------------------------

DEADLINE_BEGIN = "<!-- deadline:begin (written by scripts/load.py --deadline) -->"
DEADLINE_END = "<!-- deadline:end -->"
DEADLINE_WAIT = "5,15"


@dataclass
class Step:
    users: int
    save: Line | None
    total: Line | None
    failures: list[str]
    load_after: float


def step_people(users: int) -> tuple[int, int]:
    """Unit staff and council members among a step's users; a tenth are visitors reading the results."""
    council = max(2, users // 20)
    return users - users // 10 - council, council


def deadline_day(environment, run_dir: Path, *, options, plan: dict, plan_path: Path, port: int) -> bool:
    """One locust run per step of users on the same server, until the p95 of a save passes the target."""
    steps: list[Step] = []
    for users in sorted(options.step_users):
        say(
            f"deadline day: {users} users for {options.run_time} s, {DEADLINE_WAIT.replace(',', '–')} s between actions"
        )
        name = f"step-{users}"
        locust = run_locust(
            environment,
            run_dir,
            host=f"http://127.0.0.1:{port}",
            plan_path=plan_path,
            users=users,
            options=options,
            name=name,
            wait=DEADLINE_WAIT,
            people=step_people(users),
        )
        wait_for(locust, options.run_time + 300)
        by_name = {line.name: line for line in read_stats(run_dir / name)}
        step = Step(
            users=users,
            save=by_name.get("score save"),
            total=by_name.get("Aggregated"),
            failures=read_failures(run_dir / name),
            load_after=os.getloadavg()[0],
        )
        steps.append(step)
        (run_dir / "steps.json").write_text(
            json.dumps([dataclasses.asdict(item) for item in steps], ensure_ascii=False), encoding="utf-8"
        )
        if step.save is None or step.save.p95 > SAVE_P95_TARGET_MS:
            break
    return True


def check_integrity_all(ack_root: Path, *, run: str) -> "Integrity":
    """The acknowledgements of every step together: each row must hold the last save acknowledged on it."""
    merged = ack_root / "all"
    merged.mkdir(parents=True, exist_ok=True)
    lines = [line for path in sorted(ack_root.glob("step-*/acks-*.jsonl")) for line in path.read_text().splitlines()]
    (merged / "acks-all.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return check_integrity(merged, run=run)


def deadline_report(
    run_dir: Path, *, options, plan: dict, about: dict, started: datetime, integrity
) -> tuple[str, bool]:
    steps = [
        Step(
            **{**item, "save": item["save"] and Line(**item["save"]), "total": item["total"] and Line(**item["total"])}
        )
        for item in json.loads((run_dir / "steps.json").read_text(encoding="utf-8"))
    ]
    mark = {True: "✅ met", False: "❌ missed"}
    first = next((step for step in steps if step.users == 200), None)
    first_ok = bool(
        first and first.save and first.save.p95 <= SAVE_P95_TARGET_MS and first.total and first.total.failures == 0
    )
    crossing = next((step for step in steps if step.save is None or step.save.p95 > SAVE_P95_TARGET_MS), None)
    out = [
        DEADLINE_BEGIN,
        f"## Deadline day: last run {started:%Y-%m-%d %H:%M} ({started.astimezone().tzname()})",
        "",
        f'`make load LOAD_ARGS="--deadline"`: one gunicorn ({options.workers} sync workers) on this '
        f"{about['cores']}-core machine with PostgreSQL and locust, the demo's open sheets shared out between unit "
        "staff (each person saves only their own rows: score saves 8 : evidence uploads 2 : sheet reloads 1), "
        "a few council members (round 1) and visitors (10 %). Everyone waits "
        f"{DEADLINE_WAIT.replace(',', '–')} s between actions, the pace of a focal officer reading a criterion and "
        "its evidence before typing the score, and is signed in beforehand (a session made by the script), so the "
        "figures are the saves, not a burst of PBKDF2 logins. Each step is its own "
        f"{options.run_time}-second run on the same server; the curve stops at the first step whose p95 of a "
        f"score save passes {SAVE_P95_TARGET_MS} ms.",
        "",
        "| Users | Requests/s | Score saves | p50 save ms | p95 save ms | p99 save ms | p95 all ms | Errors "
        "| Load after |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for step in steps:
        save, total = step.save, step.total
        out.append(
            f"| {step.users} | {total.rps if total else 0:.1f} | {save.requests if save else 0} | "
            f"{milliseconds(save.median) if save else '—'} | {milliseconds(save.p95) if save else '—'} | "
            f"{milliseconds(save.p99) if save else '—'} | {milliseconds(total.p95) if total else '—'} | "
            f"{total.failures if total else '—'} | {step.load_after:.1f} |"
        )
    out += [
        "",
        f"- 200 users, p95 of a score save ≤ {SAVE_P95_TARGET_MS} ms with 0 errors: {mark[first_ok]}",
        (
            f"- The p95 of a save passes {SAVE_P95_TARGET_MS} ms at {crossing.users} users."
            if crossing
            else f"- The p95 of a save stayed within {SAVE_P95_TARGET_MS} ms up to {steps[-1].users} users "
            "(the last step run)."
        ),
        f"- Integrity over every step: {integrity.saves} acknowledged saves on {integrity.rows} rows and "
        f"{integrity.uploads} uploads; "
        + (
            "each is in the database and on storage as sent."
            if integrity.is_ok
            else f"{len(integrity.problems)} problems:"
        ),
    ]
    out += [f"  - {problem}" for problem in integrity.problems[:20]]
    out += ["", DEADLINE_END]
    return "\n".join(out) + "\n", first_ok and integrity.is_ok


if __name__ == "__main__":
    sys.exit(main())
