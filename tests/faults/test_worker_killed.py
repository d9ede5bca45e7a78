"""A gunicorn worker killed (SIGKILL) in the middle of an evidence upload or a sheet import leaves no row
without its file, no file without its row, and no half-imported sheet.

The server runs in a subprocess against a database of its own (an SQLite file, or a PostgreSQL database
created for the module when DATABASE_URL points to PostgreSQL); `tests/faults/pause.py` tells the test
which worker serves a request and can hold it right after a chosen SQL statement.
"""

import contextlib
import os
import signal
import socket
import threading
from pathlib import Path

import pytest

from tests.faults.servers import inspect, manage, multipart, own_database, running, seed, server_env, wait_for
from tests.world import PDF_BYTES

pytestmark = pytest.mark.faults


@pytest.fixture(scope="module")
def database_url(tmp_path_factory) -> str:
    """An empty database for the module's server: a PostgreSQL database next to the suite's, or an SQLite file."""
    with own_database(tmp_path_factory.mktemp("worker-db"), "worker") as url:
        yield url


@pytest.fixture(scope="module")
def server(database_url, tmp_path_factory):
    """Migrated, seeded, served by one gunicorn worker (its master starts a new one after each kill)."""
    folder = tmp_path_factory.mktemp("worker")
    env = server_env("tests.faults.slow_settings", database_url, folder / "evidence")
    manage(env, "migrate", "--no-input")
    world = seed(env, folder)
    with running(env, folder / "gunicorn.log", cookies={"sessionid": world["sessionid"]}) as gunicorn:
        yield {"gunicorn": gunicorn, "env": env, "world": world, "folder": folder}


def kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def in_background(send) -> threading.Thread:
    """Send a request from a thread; the connection is expected to die with the worker."""

    def run():
        with contextlib.suppress(OSError, Exception):
            send()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def assert_consistent(state: dict) -> None:
    assert state["rows_without_file"] == [], "a StoredFile row points at a file that is not on storage"
    assert state["files_without_row"] == [], "a file on storage belongs to no StoredFile row (orphan)"
    assert state["scores_with_incomplete_history"] == []


def test_upload_cut_off_while_the_body_is_being_sent(server, tmp_path):
    # given: the headers and half of a 3 MB upload have reached the worker
    gunicorn, world = server["gunicorn"], server["world"]
    marker = tmp_path / "worker.pid"
    before = inspect(server["env"])
    body = multipart({"title": "Kế hoạch"}, {"files": ("ke-hoach.pdf", PDF_BYTES + b"%" * 3_000_000)})
    head = (
        f"POST /evidence/assessments/{world['assessment']}/upload/ HTTP/1.1\r\n"
        + "".join(f"{name}: {value}\r\n" for name, value in gunicorn.headers().items())
        + f"X-Fault-Marker: {marker}\r\n"
        + "Content-Type: multipart/form-data; boundary=faultsboundary\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", gunicorn.port), timeout=30) as connection:
        connection.sendall(head + body[: len(body) // 2])
        pid = int(wait_for(marker))

        # when
        kill(pid)

    # then
    gunicorn.wait_ready()
    state = inspect(server["env"])
    assert (state["documents"], state["stored_files"], state["files"]) == (
        before["documents"],
        before["stored_files"],
        before["files"],
    )
    assert state["rows_without_file"] == state["files_without_row"] == []


def test_upload_killed_after_the_file_is_stored_but_before_the_commit(server, tmp_path):
    # given: the worker has stored the file and inserted its rows, and waits before committing
    gunicorn, world = server["gunicorn"], server["world"]
    marker = tmp_path / "worker.pid"
    body = multipart({"title": "Báo cáo"}, {"files": ("bao-cao.pdf", PDF_BYTES + b"% orphan?\n")})
    in_background(
        lambda: gunicorn.request(
            "POST",
            f"/evidence/assessments/{world['assessment']}/upload/",
            body=body,
            **{
                "Content-Type": "multipart/form-data; boundary=faultsboundary",
                "X-Fault-Marker": str(marker),
                "X-Fault-Pause-On": 'INSERT INTO "evidence_document"',
            },
        )
    )
    pid = int(wait_for(marker))
    wait_for(Path(f"{marker}.paused"))

    # when
    kill(pid)

    # then: no row survives; the file written before the commit is an orphan until the daily sweep removes it
    gunicorn.wait_ready()
    state = inspect(server["env"])
    assert (state["documents"], state["stored_files"]) == (0, 0)
    assert len(state["files_without_row"]) == 1
    assert "Đã xóa 1 tệp không có bản ghi." in manage(server["env"], "evidence_sweep", "--older-than-minutes", "0")
    assert_consistent(inspect(server["env"]))


def test_sheet_import_killed_half_way_saves_no_row_then_imports_every_row(server, tmp_path):
    # given: the worker has written the import's scores and their history rows, and has not committed yet
    gunicorn, world = server["gunicorn"], server["world"]
    marker = tmp_path / "worker.pid"
    sheet = (server["folder"] / "sheet.xlsx").read_bytes()
    body = multipart({}, {"file": ("phieu.xlsx", sheet)})
    path = f"/assessments/{world['assessment']}/import/"
    headers = {"Content-Type": "multipart/form-data; boundary=faultsboundary"}
    before = inspect(server["env"])
    in_background(
        lambda: gunicorn.request(
            "POST",
            path,
            body=body,
            **headers,
            **{"X-Fault-Marker": str(marker), "X-Fault-Pause-On": 'INSERT INTO "scoring_scorechange"'},
        )
    )
    pid = int(wait_for(marker))
    wait_for(Path(f"{marker}.paused"))

    # when
    kill(pid)

    # then: nothing of the import is there
    gunicorn.wait_ready()
    state = inspect(server["env"])
    assert (state["scores"], state["score_changes"]) == (before["scores"], before["score_changes"])
    assert state["scores_with_incomplete_history"] == []

    # and the same file imported again, undisturbed, saves every row
    status, _page = gunicorn.request("POST", path, body=body, **headers)
    assert status == 302
    state = inspect(server["env"])
    assert state["scores"] == before["scores"] + world["filled_rows"]
    assert state["score_changes"] == before["score_changes"] + world["filled_rows"]
    assert state["scores_with_incomplete_history"] == []
    assert (state["files"], state["stored_files"]) == (before["files"], before["stored_files"])
