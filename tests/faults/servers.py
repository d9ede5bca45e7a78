"""Real app servers for the fault tests: a migrated database of its own, gunicorn in a subprocess, raw HTTP.

Every subprocess is started with a deadline and stopped in a `finally` (see `running`), whatever happens.
"""

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import psutil

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
CSRF_TOKEN = "faultsfaultsfaultsfaultsfaults12"  # 32 characters, sent as both cookie and header


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env: dict, *arguments: str, timeout: float = 240) -> str:
    """Run manage.py (or `python -m …` when the first argument is -m) in a subprocess; raise with its output."""
    command = [PYTHON, *arguments] if arguments[0] == "-m" else [PYTHON, "manage.py", *arguments]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(arguments)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@contextlib.contextmanager
def own_database(folder: Path, prefix: str) -> Iterator[str]:
    """An empty database for one server: a PostgreSQL database next to the suite's (DATABASE_URL, dropped at the
    end), else an SQLite file in the folder."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{folder / 'portal.sqlite3'}"
        return
    import psycopg2

    name = f"cchc_faults_{prefix}_{uuid.uuid4().hex[:8]}"
    server = urlparse(url)
    admin = psycopg2.connect(url.replace(server.path, "/postgres", 1) if server.path else url)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield server._replace(path=f"/{name}").geturl()
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def server_env(settings_module: str, database_url: str, evidence_root: Path, **extra: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        FAULTS_DATABASE_URL=database_url,
        DATABASE_URL=database_url,
        FAULTS_EVIDENCE_ROOT=str(evidence_root),
        EVIDENCE_ROOT=str(evidence_root),
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def seed(env: dict, output: Path) -> dict:
    """A unit, its staff (logged in), an open self-assessment sheet and its exported, filled-in Excel file."""
    manage(env, "-m", "tests.faults.seed_fault_world", str(output))
    return json.loads((output / "world.json").read_text())


def inspect(env: dict) -> dict:
    return json.loads(manage(env, "-m", "tests.faults.inspect_state", timeout=120))


@dataclass
class Gunicorn:
    port: int
    process: subprocess.Popen
    log: Path
    workers: int = 1
    cookies: dict = field(default_factory=dict)

    def worker_pids(self) -> list[int]:
        try:
            return [child.pid for child in psutil.Process(self.process.pid).children()]
        except psutil.NoSuchProcess:
            return []

    def wait_ready(self, timeout: float = 30) -> None:
        """Until every worker is up and /healthz answers (the master respawns a killed worker by itself)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log.read_text()[-3000:]}")
            if len(self.worker_pids()) >= self.workers:
                with contextlib.suppress(OSError, http.client.HTTPException):
                    if self.request("GET", "/healthz", timeout=5)[0] == 200:
                        return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn not ready after {timeout} s:\n{self.log.read_text()[-3000:]}")

    def headers(self, **extra: str) -> dict:
        cookies = {"csrftoken": CSRF_TOKEN, **self.cookies}
        return {
            "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
            "X-CSRFToken": CSRF_TOKEN,
            "Host": "127.0.0.1",
            **extra,
        }

    def request(self, method: str, path: str, body: bytes | None = None, timeout: float = 30, **headers: str):
        """(status, body text); raises OSError / HTTPException when the connection dies."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=self.headers(**headers))
            response = connection.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            connection.close()


@contextlib.contextmanager
def running(env: dict, log: Path, *, workers: int = 1, cookies: dict | None = None) -> Iterator[Gunicorn]:
    """gunicorn serving the portal; always stopped (TERM, then KILL) when the block ends."""
    port = free_port()
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "cchc_portal.wsgi:application",
                f"--bind=127.0.0.1:{port}",
                f"--workers={workers}",
                "--timeout=120",
                "--graceful-timeout=2",
                "--access-logfile=-",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Gunicorn(port=port, process=process, log=log, workers=workers, cookies=cookies or {})
    try:
        server.wait_ready()
        yield server
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]], boundary: str = "faultsboundary") -> bytes:
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)


def wait_for(path: Path, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text():
            return path.read_text()
        time.sleep(0.05)
    raise TimeoutError(f"{path} never appeared")
