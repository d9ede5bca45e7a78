"""`make load LOAD_ARGS="--scale-out"`: the scale-out proof, on loopback only.

Topology, every piece a real process on 127.0.0.1 and thrown away at the end:

    locust ──> nginx ──┬──> gunicorn A ──┐
                       └──> gunicorn B ──┼──> PostgreSQL (one database)
    db_worker (django.tasks) ────────────┤
                                         └──> S3-compatible storage (moto's server, a stand-in for real S3)

During the run one app server (A) is killed with SIGKILL and started again, and leadership publishes a
correction of the last published year through nginx. Afterwards the run checks that:
- every write acknowledged to a client is in the database, and every acknowledged upload is in the bucket
  with its SHA-256 (the same integrity check as the single-server run);
- the only failed requests are ones nginx had sent to A while it was being killed;
- once the correction's response has been received, neither A nor B (asked directly) serves the
  superseded figures, and the year's annex is rebuilt by the worker into the bucket.
The figures and the topology go into docs/load.md between the scale-out markers.
"""

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from http.cookiejar import CookieJar
from pathlib import Path

import load

BEGIN = "<!-- scale-out:begin (written by scripts/load.py --scale-out) -->"
END = "<!-- scale-out:end -->"
BUCKET = "cchc-load"
KILL_AT, CORRECT_AT = 0.3, 0.6  # fractions of the measured run
DOWN_SECONDS = 5
NGINX = "/usr/sbin/nginx"
NGINX_CONF = """
worker_processes 1;
daemon off;
pid {run}/nginx.pid;
error_log {run}/nginx-error.log warn;
events {{ worker_connections 2048; }}
http {{
    log_format timed '$msec $status $upstream_addr "$upstream_status" $request_time "$request"';
    access_log {run}/nginx-access.log timed;
    client_body_temp_path {run}/nginx-body;
    proxy_temp_path {run}/nginx-proxy;
    fastcgi_temp_path {run}/nginx-fastcgi;
    uwsgi_temp_path {run}/nginx-uwsgi;
    scgi_temp_path {run}/nginx-scgi;
    client_max_body_size 25m;
    upstream portal {{
        server 127.0.0.1:{a} max_fails=1 fail_timeout=3s;
        server 127.0.0.1:{b} max_fails=1 fail_timeout=3s;
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://portal;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Real-IP $remote_addr;
            # A request that reached a server is never sent again (POST is not idempotent); one refused at
            # connect time goes to the other server.
            proxy_next_upstream error timeout;
        }}
    }}
}}
"""


@dataclass
class Events:
    killed_at: float = 0.0
    restarted_at: float = 0.0
    corrected_at: float = 0.0  # when the correction's response was received
    correction_version: int = 0
    corrected_unit: str = ""
    old_points: str = ""
    new_points: str = ""
    stale_answers: list[str] = field(default_factory=list)
    fresh_checks: int = 0
    old_served_before: int = 0  # reads showing the old figure just before the correction (the check is live)
    annex_built: bool = False
    annex_seconds: float = 0.0


def say(message: str) -> None:
    print(f"scale-out: {message}", flush=True)


def answering(server: subprocess.Popen, url: str, *, seconds: float, every: float, refusal: str) -> subprocess.Popen:
    """The server we started, once `url` answers; RuntimeError(`refusal`) when it has not within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return server
        except OSError:
            time.sleep(every)
    raise RuntimeError(refusal)


def moto_start(run_dir: Path, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(Path(load.PYTHON).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=(run_dir / "moto.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return answering(
        server, f"http://127.0.0.1:{port}/", seconds=30, every=0.3, refusal="moto's S3 server did not start"
    )


def nginx_start(run_dir: Path, *, port: int, a: int, b: int) -> subprocess.Popen:
    folder = run_dir / "nginx"
    folder.mkdir(exist_ok=True)
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF.format(run=folder, port=port, a=a, b=b), encoding="utf-8")
    server = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(folder)], start_new_session=True)
    refusal = f"nginx did not answer; see {folder}/nginx-error.log"
    return answering(server, f"http://127.0.0.1:{port}/healthz", seconds=20, every=0.2, refusal=refusal)


def kill_hard(process: subprocess.Popen) -> None:
    """SIGKILL to the master and its workers at once: requests in flight on A are cut mid-way."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


class Browser:
    """A signed-in person talking HTTP to one address (urllib with a cookie jar)."""

    def __init__(self, base: str):
        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path: str, data: dict, *, token: str) -> tuple[int, str]:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        with self.opener.open(request, timeout=60) as response:
            return response.status, response.read().decode()

    def log_in(self, username: str, password: str) -> None:
        page = self.get("/login/")
        self.post("/login/", {"username": username, "password": password}, token=_token(page))


def _token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def points_text(points: Decimal) -> str:
    return f"{points:.2f}".replace(".", ",")


def correct_a_published_score() -> tuple[str, Decimal, Decimal]:
    """The council's final score of one criterion of one unit of the published year is lowered (as after an
    upheld complaint); the live figures change, the published ones do not until the correction."""
    from django.db.models import Q

    from scoring.models import Score, Stage
    from scoring.results.compute import unit_results

    period_year = load.PUBLISHED_YEAR
    rows = {row.unit.name: row for row in unit_results(load_period(period_year)).select_related("unit")}
    score = (
        Score.objects.filter(
            Q(stage=Stage.ROUND_1) | Q(stage=Stage.ROUND_2),
            assessment__period__year=period_year,
            points__gte=Decimal("0.5"),
            is_not_applicable=False,
        )
        .select_related("assessment__unit")
        .order_by("-stage", "assessment__unit__name", "criterion__code")
        .first()
    )
    unit = score.assessment.unit.name
    before = rows[unit].points
    Score.objects.filter(pk=score.pk).update(points=score.points - Decimal("0.5"))
    return unit, before, before - Decimal("0.5")


def load_period(year: int):
    from scoring.models import Period

    return Period.objects.get(year=year)


def publish_correction(nginx: str, events: Events) -> None:
    leader = Browser(nginx)
    leader.log_in("lanhdao", load_password())
    live = leader.get(f"/results/{load.PUBLISHED_YEAR}/live/")
    status, page = leader.post(
        f"/results/{load.PUBLISHED_YEAR}/publish/",
        {
            "decision_number": "9999/QĐ-UBND",
            "decision_date": datetime.now().date().isoformat(),
            "correction_reason": "Đính chính điểm sau kiến nghị (tải thử)",
        },
        token=_token(live),
    )
    events.corrected_at = time.time()
    if status != 200 or "Đã công bố kết quả" not in page:
        raise RuntimeError(f"the correction was not published (HTTP {status})")
    events.correction_version = int(re.search(r"Đã công bố kết quả \(lần (\d+)\)", page).group(1))


def load_password() -> str:
    from scoring.demo.accounts import DEMO_PASSWORD

    return DEMO_PASSWORD


def watch_for_stale(servers: dict[str, str], events: Events, seconds: float = 10) -> None:
    """Ask each app server directly, again and again, for the published ranking: the old figure must be gone."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for name, base in servers.items():
            try:
                with urllib.request.urlopen(f"{base}/results/{load.PUBLISHED_YEAR}/", timeout=10) as response:
                    page = response.read().decode()
            except OSError as error:
                events.stale_answers.append(f"{name}: no answer ({error})")
                continue
            events.fresh_checks += 1
            row = _unit_row(page, events.corrected_unit)
            if events.new_points not in row or events.old_points in row:
                events.stale_answers.append(f"{name} at +{time.time() - events.corrected_at:.2f} s: {row[:160]!r}")
        time.sleep(0.1)


def _unit_row(page: str, unit: str) -> str:
    """The table row of the ranking that names the unit."""
    for row in re.findall(r"<tr[^>]*>.*?</tr>", page, flags=re.S):
        if unit in row:
            return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))
    return ""


def annex_rebuilt(nginx: str, events: Events) -> None:
    """The corrected year's annex, built by the task worker into the bucket, downloads through nginx."""
    visitor = Browser(nginx)
    started = time.monotonic()
    deadline = started + 120
    while time.monotonic() < deadline:
        # The status page starts the build and, once the file is in the bucket, redirects to its download.
        with visitor.opener.open(f"{nginx}/results/{load.PUBLISHED_YEAR}/build/pdf/", timeout=60) as response:
            if response.read(5) == b"%PDF-":
                events.annex_built = True
                events.annex_seconds = time.monotonic() - started
                return
        time.sleep(1)


def failed_requests(access_log: Path, since: float) -> list[tuple[float, int, str, str]]:
    """(time, status, upstream, request) of every nginx answer ≥ 500 after `since`."""
    found = []
    for line in access_log.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split(" ", 4)
        if len(parts) < 5:
            continue
        moment, status, upstream = float(parts[0]), int(parts[1]), parts[2]
        if moment >= since and status >= 500:
            found.append((moment, status, upstream, parts[4].rsplit('"', 2)[-2] if '"' in parts[4] else parts[4]))
    return found


def ensure_nginx() -> None:
    """Debian's nginx, installed when missing if we are root (as `make run` does for its packages)."""
    if Path(NGINX).exists():
        return
    if os.geteuid() != 0:
        raise SystemExit("scale-out: nginx is missing; install it: sudo apt-get install -y nginx")
    say("installing nginx (Debian's package)")
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "nginx"], check=True)


def main(options) -> int:
    ensure_nginx()
    started = datetime.now().astimezone()
    run = secrets.token_hex(3)
    run_dir = load.ROOT / "var" / "load" / f"scale-out-{started:%Y%m%d-%H%M%S}"
    run_dir.mkdir(parents=True, exist_ok=True)
    ports = {name: load.free_port() for name in ("moto", "a", "b", "nginx")}
    nginx_url = f"http://127.0.0.1:{ports['nginx']}"
    environment = load.server_environment(run_dir) | {
        "EVIDENCE_STORAGE": "s3",
        "EXPORTS_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{ports['moto']}",
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "load-test",
        "AWS_SECRET_ACCESS_KEY": "load-test",
        "TASKS_BACKEND": "db",
        "SITE_URL": nginx_url,
    }
    processes: dict[str, subprocess.Popen | None] = {}
    events = Events()
    ok = False
    try:
        say(f"S3 (moto) on {ports['moto']}")
        processes["moto"] = moto_start(run_dir, ports["moto"])
        import boto3

        boto3.client(
            "s3",
            endpoint_url=environment["AWS_S3_ENDPOINT_URL"],
            aws_access_key_id="load-test",
            aws_secret_access_key="load-test",
            region_name="us-east-1",
        ).create_bucket(Bucket=BUCKET)
        load.prepare(environment, run_dir)
        plan = load.build_plan(staff_count=options.staff, council_count=options.council, run=run, sessions=True)
        plan_path = run_dir / "plan.json"
        plan_path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
        about = load.machine() | load.versions() | {"load_before": os.getloadavg()[0]}
        from django.db import connections

        connections.close_all()
        workers = max(1, options.workers // 2)
        for name in ("a", "b"):
            (run_dir / name).mkdir(exist_ok=True)
            say(f"gunicorn {name.upper()}: {workers} workers on 127.0.0.1:{ports[name]}")
            processes[name] = load.gunicorn_start(environment, run_dir / name, port=ports[name], workers=workers)
        processes["worker"] = subprocess.Popen(
            [load.PYTHON, "manage.py", "db_worker"],
            cwd=load.ROOT,
            env=environment,
            stdout=(run_dir / "worker.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        say(f"nginx on {ports['nginx']} in front of A and B")
        processes["nginx"] = nginx_start(run_dir, port=ports["nginx"], a=ports["a"], b=ports["b"])

        say(f"locust: {options.users} users for {options.run_time} s through nginx")
        locust = load.run_locust(
            environment, run_dir, host=nginx_url, plan_path=plan_path, users=options.users, options=options
        )
        warm_up_file = run_dir / "acks" / "locust" / "warm-up.json"
        while not warm_up_file.exists() and locust.poll() is None:
            time.sleep(0.5)
        measured_since = json.loads(warm_up_file.read_text())["measured_since"]

        time.sleep(max(0.0, measured_since + KILL_AT * options.run_time - time.time()))
        say("killing gunicorn A (SIGKILL to master and workers)")
        events.killed_at = time.time()
        kill_hard(processes["a"])
        time.sleep(DOWN_SECONDS)
        processes["a"] = load.gunicorn_start(environment, run_dir / "a", port=ports["a"], workers=workers)
        events.restarted_at = time.time()
        say(f"gunicorn A is back after {events.restarted_at - events.killed_at:.1f} s")

        time.sleep(max(0.0, measured_since + CORRECT_AT * options.run_time - time.time()))
        unit, before, after = correct_a_published_score()
        events.corrected_unit, events.old_points, events.new_points = unit, points_text(before), points_text(after)
        servers = {"A": f"http://127.0.0.1:{ports['a']}", "B": f"http://127.0.0.1:{ports['b']}"}
        watch_for_stale(servers, events, seconds=1)  # both servers render and cache the old page now
        events.old_served_before = len(events.stale_answers)
        events.stale_answers.clear()
        events.fresh_checks = 0
        say(f"publishing a correction of {load.PUBLISHED_YEAR} ({unit}: {events.old_points} → {events.new_points})")
        publish_correction(nginx_url, events)
        watch_for_stale(servers, events)
        annex_rebuilt(nginx_url, events)

        load.wait_for(locust, options.run_time + 300)
        about["load_after"] = os.getloadavg()[0]
        load.process_stop(processes["nginx"], timeout=20)
        for name in ("a", "b"):
            load.process_stop(processes[name])
        load.process_stop(processes["worker"], timeout=20)

        lines = load.read_stats(run_dir / "locust")
        failures = failed_requests(run_dir / "nginx" / "nginx-access.log", measured_since)
        say("checking acknowledged saves and uploads against the database and the bucket")
        integrity = load.check_integrity(run_dir / "acks" / "locust", run=run)
        block, ok = report(
            options=options,
            about=about,
            started=started,
            lines=lines,
            failures=failures,
            integrity=integrity,
            events=events,
            ports=ports,
            workers=workers,
        )
        print(block.replace(BEGIN, "").replace(END, "").strip())
        if not options.no_doc:
            load.write_doc(options.doc, block, BEGIN, END)
    finally:
        for name in ("nginx", "a", "b", "worker", "moto"):
            process = processes.get(name)
            if process is not None and process.poll() is None:
                load.process_stop(process, timeout=20)
        try:
            load.database_drop()
        except Exception as error:
            say(f"could not drop the database: {error}")
        for folder in ("media", "static"):
            shutil.rmtree(run_dir / folder, ignore_errors=True)
        if not options.keep:
            shutil.rmtree(run_dir, ignore_errors=True)
    return 0 if ok else 1


def report(*, options, about, started, lines, failures, integrity, events: Events, ports, workers) -> tuple[str, bool]:
    mark = {True: "✅", False: "❌"}
    window = (events.killed_at - 1, events.restarted_at + 4)  # nginx keeps A out for fail_timeout=3 s
    in_flight = [f for f in failures if f[2].endswith(f":{ports['a']}") and window[0] <= f[0] <= window[1]]
    other = [f for f in failures if f not in in_flight]
    by_name = {line.name: line for line in lines}
    total = by_name.get("Aggregated")
    save = by_name.get("score save")
    fresh = not events.stale_answers and events.fresh_checks > 0 and events.old_served_before > 0
    ok = integrity.is_ok and not other and fresh and events.annex_built
    out = [
        BEGIN,
        f"## Scale-out proof: last run {started:%Y-%m-%d %H:%M} ({started.astimezone().tzname()})",
        "",
        '`make load LOAD_ARGS="--scale-out"` (scripts/scale_out.py): nginx (Debian\'s package) in front of two '
        f"gunicorn app servers of {workers} sync workers each, one PostgreSQL database, the task worker "
        "(`manage.py db_worker`), and evidence and built files in an S3 bucket served by moto's server (a stand-in "
        f"for real S3 in this test only), all on 127.0.0.1 of this {about['cores']}-core machine with locust. "
        f"{options.users} users for {options.run_time} s (signed in beforehand, 1–3 s between actions). At "
        f"{int(KILL_AT * 100)} % of the run server A is killed (SIGKILL to master and workers) and started again "
        f"{DOWN_SECONDS} s later; at {int(CORRECT_AT * 100)} % a council score of {load.PUBLISHED_YEAR} is lowered "
        "and leadership publishes a correction through nginx; then each server is asked directly for the "
        "published ranking every 0.1 s for 10 s.",
        "",
        "| Request | Requests | Errors | Req/s | p50 ms | p95 ms | p99 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for line in sorted(lines, key=lambda line: (line.name == "Aggregated", line.name)):
        if line.requests:
            name = "**All requests**" if line.name == "Aggregated" else line.name
            out.append(
                f"| {name} | {line.requests} | {line.failures} | {line.rps:.1f} | {load.milliseconds(line.median)} | "
                f"{load.milliseconds(line.p95)} | {load.milliseconds(line.p99)} |"
            )
    out += [
        "",
        f"Load average of the machine (1 min) before the servers started: {about['load_before']:.2f}; after the run: "
        f"{about.get('load_after', float('nan')):.2f}. Latencies are only comparable between runs on an otherwise "
        "idle machine; this run's checks do not depend on them.",
        "",
        f"- Server A down for {events.restarted_at - events.killed_at:.1f} s (kill to first answer after restart). "
        f"Failed requests (nginx status ≥ 500): {len(failures)}, of which {len(in_flight)} were on A while it was "
        f"killed and {len(other)} elsewhere. {mark[not other]} only requests in flight on the killed server failed.",
        f"- Correction: {events.corrected_unit} {events.old_points} → {events.new_points} points, published as version "
        f"{events.correction_version}; in the second before it, {events.old_served_before} direct reads showed the "
        f"old figure (the servers' cached pages); after its response, {events.fresh_checks} direct reads of A and B, "
        f"{len(events.stale_answers)} with the superseded figure. {mark[fresh]} no server served the superseded "
        "figures after the correction's response.",
        f"- The corrected annex was built by the task worker into the bucket and downloaded through nginx in "
        f"{events.annex_seconds:.1f} s: {mark[events.annex_built]}.",
        f"- Integrity: {integrity.saves} acknowledged saves on {integrity.rows} rows and {integrity.uploads} "
        "acknowledged uploads; "
        + (
            "each is in the database, and each upload is in the bucket with the SHA-256 sent. ✅"
            if integrity.is_ok
            else f"{len(integrity.problems)} problems ❌"
        ),
        f"- All requests: {total.requests if total else 0}, p95 {load.milliseconds(total.p95) if total else '—'} ms; "
        f"score saves p95 {load.milliseconds(save.p95) if save else '—'} ms.",
    ]
    out += [f"  - {problem}" for problem in integrity.problems[:20]]
    out += [f"  - failed elsewhere: {f}" for f in other[:10]]
    out += [f"  - stale: {answer}" for answer in events.stale_answers[:10]]
    out += ["", f"Overall: {'the scale-out check passes' if ok else 'the scale-out check FAILS'}.", END]
    return "\n".join(out) + "\n", ok
