"""PostgreSQL restarted while the portal serves requests: the requests caught by the outage get the portal's
error page (or a clean connection error), the portal recovers by itself, and no score is half-saved.

Runs only against PostgreSQL (DATABASE_URL, as in CI) with the server binaries installed: the test starts a
throwaway cluster of its own on a free port, so the shared server is never touched.
"""

import contextlib
import http.client
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.faults.servers import free_port, inspect, manage, running, seed, server_env

pytestmark = pytest.mark.faults

BIN = Path("/usr/lib/postgresql/15/bin")
ERROR_PAGE = "Hệ thống đang gặp sự cố"
DEBUG_PAGE_SIGNS = ("Traceback", "django.db.utils", "You're seeing this error because you have DEBUG = True")

if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    pytest.skip("needs PostgreSQL (DATABASE_URL), as in CI; SQLite has no server to restart", allow_module_level=True)
if not (BIN / "initdb").exists() or not shutil.which("runuser"):
    pytest.skip(f"needs the PostgreSQL server binaries in {BIN} and runuser", allow_module_level=True)


def as_postgres(*command: str, timeout: float = 60) -> None:
    """initdb and pg_ctl refuse to run as root: run them as the postgres system user."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    result = subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")


@pytest.fixture(scope="module")
def cluster():
    """A throwaway PostgreSQL 15 cluster in a temporary folder, on a free port; stopped and deleted at the end."""
    folder = Path(tempfile.mkdtemp(prefix="cchc-faults-pg-"))  # pytest's own tmp folders are closed to postgres
    shutil.chown(folder, "postgres", "postgres")
    os.chmod(folder, 0o700)
    data, port = folder / "data", free_port()
    as_postgres(str(BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
    control = [str(BIN / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log")]
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    as_postgres(*control, "-o", options, "-w", "-t", "30", "start")
    try:
        as_postgres(str(BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "cchc")
        yield {"url": f"postgres://postgres@127.0.0.1:{port}/cchc", "control": control, "options": options}
    finally:
        with contextlib.suppress(Exception):
            as_postgres(*control, "-m", "immediate", "-w", "-t", "30", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def test_requests_during_a_restart_fail_cleanly_and_the_portal_recovers_without_half_saves(cluster, tmp_path):
    # given: the production settings served by gunicorn (two workers, persistent connections as deployed)
    env = server_env(
        "tests.faults.prod_settings",
        cluster["url"],
        tmp_path / "evidence",
        SECRET_KEY="faults-only-secret-key-faults-only-secret-key",
        ALLOWED_HOSTS="127.0.0.1",
        CONN_MAX_AGE="60",
        AXES_ENABLED="False",
    )
    manage(env, "migrate", "--no-input")
    world = seed(env, tmp_path)
    criterion = world["criteria"]["2.1"]
    save = f"/assessments/{world['assessment']}/criteria/{criterion}/"
    sheet = f"/assessments/{world['assessment']}/"
    version, values, outcomes = 0, ["0", "0,25", "0,5", "0,75", "1", "1,25", "1,5"], []

    def save_score(attempt: int):
        nonlocal version
        body = f"c{criterion}-value={values[attempt % len(values)]}&c{criterion}-version={version}".encode()
        status, page = server.request(
            "POST",
            save,
            body=body,
            timeout=20,
            **{"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"},
        )
        if status == 200:
            found = re.search(rf'name="c{criterion}-version" value="(\d+)"', page)
            version = int(found.group(1)) if found else version
        return status, page

    def one_request(attempt: int):
        try:
            status, page = save_score(attempt) if attempt % 2 == 0 else server.request("GET", sheet, timeout=20)
        except (OSError, http.client.HTTPException) as error:
            return ("connection error", type(error).__name__)
        return (status, page)

    with running(env, tmp_path / "gunicorn.log", workers=2, cookies={"sessionid": world["sessionid"]}) as server:
        for attempt in range(6):
            status, page = one_request(attempt)
            assert status == 200, f"before the restart: {status}"

        # when: the cluster restarts (a fast shutdown ends every connection) while requests keep coming
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        command = [*cluster["control"], "-o", cluster["options"], "-m", "fast", "-w", "-t", "30", "restart"]
        restarter = subprocess.Popen([*prefix, *command], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            attempt, deadline = 6, time.monotonic() + 40
            while restarter.poll() is None and time.monotonic() < deadline:
                outcomes.append(one_request(attempt))
                attempt += 1
            assert restarter.wait(timeout=40) == 0, "pg_ctl restart failed"
        finally:
            if restarter.poll() is None:
                restarter.kill()
                restarter.wait(timeout=10)

        # then: every request after the restart succeeds, without restarting gunicorn
        after = [one_request(attempt)[0] for attempt in range(100, 112)]
        assert after == [200] * len(after), f"after the restart: {after}; during: {[o[0] for o in outcomes]}"

        # and a restart while nobody uses the portal (say at night) goes unnoticed: the workers' persistent
        # connections died with it, the next requests must not pay for that with an error page
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=60)
        quiet = [one_request(attempt)[0] for attempt in range(200, 212)]
        assert quiet == [200] * len(quiet), f"after a quiet restart: {quiet}"

    assert outcomes, "no request was sent while the cluster restarted"
    for status, page in outcomes:
        if status == 500:
            assert ERROR_PAGE in page and not any(sign in page for sign in DEBUG_PAGE_SIGNS)
        else:
            assert status in (200, "connection error"), status
    state = inspect(env)
    assert state["scores_with_incomplete_history"] == []
    assert state["score_versions"][str(criterion)] == version
