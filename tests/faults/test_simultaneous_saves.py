"""Two people save the same criterion at the same instant, on two gunicorn workers (two processes) sharing one
database: an SQLite file by default (what `make run` uses), PostgreSQL when DATABASE_URL points to it.

Both requests are held inside their save, right after reading the score, until the test releases them together
(tests/faults/pause.py): without the write lock taken when the transaction starts, SQLite let both read, then
refused the second writer with "database is locked" (HTTP 500). Now the second waits for the first, reads the
newer version and is told the page is stale; the history holds exactly one change.
"""

import threading
import time
from pathlib import Path

import pytest

from tests.faults.servers import CSRF_TOKEN, inspect, manage, own_database, running, seed, server_env

pytestmark = pytest.mark.faults

STALE_MESSAGE = "Điểm này vừa được người khác cập nhật. Hãy xem giá trị mới rồi lưu lại nếu cần."
SAVED_MESSAGE = "Đã lưu"
# The score read inside the save's transaction (score_write), just before it writes.
SCORE_READ = 'FROM "scoring_score"'


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("simultaneous")
    with own_database(folder, "simultaneous") as database_url:
        env = server_env("tests.faults.slow_settings", database_url, folder / "evidence")
        manage(env, "migrate", "--no-input")
        world = seed(env, folder)
        with running(env, folder / "gunicorn.log", workers=2) as gunicorn:
            yield {"gunicorn": gunicorn, "env": env, "world": world, "database_url": database_url}


def test_simultaneous_saves_of_one_criterion_save_one_and_tell_the_other_its_page_is_stale(server, tmp_path):
    # given: two focal officers of the unit, each on the sheet as loaded (version 0) of criterion 2.1
    gunicorn, world = server["gunicorn"], server["world"]
    criterion = world["criteria"]["2.1"]
    path = f"/assessments/{world['assessment']}/criteria/{criterion}/"
    release = tmp_path / "release"
    people = {"first": (world["sessionid"], "0,5"), "second": (world["colleague_sessionid"], "1,25")}
    answers: dict[str, tuple[int, str]] = {}
    before = inspect(server["env"])

    def save(name: str) -> None:
        sessionid, value = people[name]
        answers[name] = gunicorn.request(
            "POST",
            path,
            body=f"c{criterion}-value={value}&c{criterion}-version=0".encode(),
            timeout=90,
            **{
                "Content-Type": "application/x-www-form-urlencoded",
                "HX-Request": "true",
                "Cookie": f"csrftoken={CSRF_TOKEN}; sessionid={sessionid}",
                "X-Fault-Marker": str(tmp_path / name),
                "X-Fault-Pause-On": SCORE_READ,
                "X-Fault-Hold-Until": str(release),
            },
        )

    # when: both saves are sent at once; each is held right after reading the score, and both are released
    # together once both are held (or, when one cannot even start its transaction while the other holds the
    # database, after two seconds: then they run one after the other, as they should)
    threads = [threading.Thread(target=save, args=(name,), daemon=True) for name in people]
    for thread in threads:
        thread.start()
    held = [tmp_path / f"{name}.paused" for name in people]
    deadline = time.monotonic() + 30
    while not any(marker.exists() for marker in held) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert any(marker.exists() for marker in held), "neither save reached the score"
    deadline = time.monotonic() + 2
    while not all(marker.exists() for marker in held) and time.monotonic() < deadline:
        time.sleep(0.02)
    both_held_at_once = all(marker.exists() for marker in held)
    Path(release).touch()
    for thread in threads:
        thread.join(timeout=90)

    # then: no error page; one save is stored, the other is told the page is stale
    assert sorted(answers) == ["first", "second"], f"a save never answered: {answers.keys()}"
    statuses = {name: status for name, (status, _page) in answers.items()}
    assert statuses == {"first": 200, "second": 200}, {n: (s, p[-1500:]) for n, (s, p) in answers.items()}
    saved = [name for name, (_status, page) in answers.items() if SAVED_MESSAGE in page]
    stale = [name for name, (_status, page) in answers.items() if STALE_MESSAGE in page]
    assert len(saved) == 1 and len(stale) == 1 and saved != stale, (saved, stale)
    # the stale answer shows the value the other person saved, with the new version to save over it
    winner_value = people[saved[0]][1]
    stale_page = answers[stale[0]][1]
    assert f'name="c{criterion}-version" value="1"' in stale_page
    assert f'value="{winner_value.replace(",", ".")}"' in stale_page or f'value="{winner_value}"' in stale_page

    # and the database holds one change of that score, by the person whose save went through
    state = inspect(server["env"])
    assert state["score_versions"][str(criterion)] == 1
    assert state["score_changes"] == before["score_changes"] + 1
    assert state["scores_with_incomplete_history"] == []
    # PostgreSQL's row lock (select_for_update) and SQLite's write lock both make the second save wait for the
    # first: neither may read the score while the other is between its read and its write
    assert not both_held_at_once, "both saves were inside their transaction at the same time"
