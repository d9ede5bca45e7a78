"""A test-only middleware (tests/faults/slow_settings.py) that lets a fault test kill a worker at a known point.

A request carrying `X-Fault-Marker: <path>` gets the worker's pid written to that file as soon as it arrives
(before its body is read). With `X-Fault-Pause-On: <SQL fragment>` as well, the worker writes `<path>.paused`
right after running the first query containing that fragment, then sleeps, so the test can SIGKILL it there.
With `X-Fault-Hold-Until: <path>` instead of sleeping it waits (once) until that file exists, then goes on: two
requests held at the same point are released together, so they truly run at the same instant.
"""

import os
import time
from pathlib import Path

from django.db import connection

PAUSE_SECONDS = 60


class PauseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        marker = request.headers.get("X-Fault-Marker")
        if not marker:
            return self.get_response(request)
        Path(marker).write_text(str(os.getpid()))
        fragment = request.headers.get("X-Fault-Pause-On")
        if not fragment:
            return self.get_response(request)

        release = request.headers.get("X-Fault-Hold-Until")
        held = []

        def pause_after(execute, sql, params, many, context):
            result = execute(sql, params, many, context)
            if fragment in sql and not held:
                Path(f"{marker}.paused").write_text(sql[:200])
                if release:
                    held.append(sql)
                    wait_for_file(Path(release))
                else:
                    time.sleep(PAUSE_SECONDS)
            return result

        with connection.execute_wrapper(pause_after):
            return self.get_response(request)


def wait_for_file(path: Path) -> None:
    deadline = time.monotonic() + PAUSE_SECONDS
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
