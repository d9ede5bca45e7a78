"""The `make load` scenario: unit staff, council members and visitors on one portal (run by scripts/load.py).

Each simulated person logs in once with their own account (login throttling counts only failures) and
then works like the portal's htmx pages do: unit staff save rows of their own sheet and attach small
PDFs as evidence, council members save round-1 scores on the rows assigned to them, visitors read the
published rankings. scripts/load.py writes the plan (LOAD_PLAN: accounts, sheets and each person's own
rows, so no two people ever save the same row) and reads back what the server acknowledged
(LOAD_ACK_DIR: one JSON line per acknowledged save or upload) to check it against the database.

A save answered with the "someone else just saved this" message is the optimistic-concurrency check
doing its job: it is recorded as a conflict, not as an error (with one person per row there should be
none). Anything else that does not carry the saved marker is a failure.
"""

import hashlib
import itertools
import json
import os
import random
import re
import time
from decimal import Decimal
from http.cookiejar import Cookie
from pathlib import Path

from locust import FastHttpUser, LoadTestShape, between, events, task

from tests.pdfs import one_page_pdf_from

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text(encoding="utf-8"))
ACK_DIR = Path(os.environ["LOAD_ACK_DIR"])
PASSWORD = PLAN["password"]
RUN = PLAN["run"]  # a short tag that makes every explanation and file of this run unique

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')
VERSION_FIELD = re.compile(r'name="((?:c|r1-)(\d+))-version" value="(\d+)"')
# The optimistic-concurrency message of scoring.sheets.services.StaleScoreError (Vietnamese UI).
CONFLICT_TEXT = "vừa được người khác cập nhật"

# How many of the plan's people take part (a deadline-day step may use the first ones only).
STAFF_USERS = min(len(PLAN["staff"]), int(os.environ.get("LOAD_STAFF", len(PLAN["staff"]))))
COUNCIL_USERS = min(len(PLAN["council"]), int(os.environ.get("LOAD_COUNCIL", len(PLAN["council"]))))
_staff_accounts = iter(PLAN["staff"])
_survey_links = iter(PLAN.get("survey", []))
# "survey": the respondents' phase of `make load` (no accounts, no warm-up); otherwise staff, council and visitors.
SCENARIO = os.environ.get("LOAD_SCENARIO", "portal")
STARTED_FIELD = re.compile(r'name="started" value="([^"]+)"')
THANKS_MARKER = 'data-testid="survey-thanks"'
USED_MARKER = 'data-state="used"'
_council_accounts = iter(PLAN["council"])
_sequence = itertools.count(1)
# One locust process per deadline-day step: the step's tag keeps explanations and file names unique across steps.
STEP = os.environ.get("LOAD_STEP", "")
_ack_file = None
# Steady state: the run is measured from the moment everyone who logs in has done so (see WarmThenMeasure).
USERS = int(os.environ.get("LOAD_USERS", "50"))
SPAWN_RATE = float(os.environ.get("LOAD_SPAWN_RATE", "10"))
RUN_TIME = float(os.environ.get("LOAD_RUN_TIME", "60"))
WARM_UP_LIMIT = float(
    os.environ.get("LOAD_WARM_UP_LIMIT", "180")
)  # seconds: measure anyway if some logins never finish
# Seconds a person waits between two actions: 1–3 s by default; `--deadline` uses 5–15 s, the pace of someone
# reading a criterion and its evidence before typing the score.
WAIT = tuple(float(part) for part in os.environ.get("LOAD_WAIT", "1,3").split(","))
_logged_in = 0
_measured_since: float | None = None


def acknowledge(record: dict) -> None:
    """Append one acknowledged write to this process's JSONL file (flushed at once: a crash loses nothing)."""
    global _ack_file
    if _ack_file is None:
        ACK_DIR.mkdir(parents=True, exist_ok=True)
        stem = "survey" if SCENARIO == "survey" else "acks"
        _ack_file = open(ACK_DIR / f"{stem}-{os.getpid()}.jsonl", "a", encoding="utf-8", buffering=1)  # noqa: SIM115
    _ack_file.write(json.dumps({**record, "at": time.time()}, ensure_ascii=False) + "\n")


@events.quitting.add_listener
def _close_ack_file(environment, **kwargs) -> None:
    if _ack_file is not None:
        _ack_file.close()


def session_cookie(session_key: str) -> Cookie:
    return Cookie(
        0,
        "sessionid",
        session_key,
        None,
        False,
        "127.0.0.1",
        False,
        False,
        "/",
        True,
        False,
        None,
        False,
        None,
        None,
        {},
    )


def small_pdf(text: str) -> bytes:
    """A valid one-page PDF (about 1 KB) whose text, and so whose SHA-256, is unique to this upload."""
    words = text.encode("ascii", "replace")
    content = b"BT /F1 14 Tf 72 770 Td (Tai lieu kiem chung - tai thu) Tj 0 -24 Td (" + words + b") Tj ET\n"
    content += b"".join(b"BT /F1 9 Tf 72 %d Td (Dong %d: noi dung mau.) Tj ET\n" % (700 - 14 * n, n) for n in range(20))
    return one_page_pdf_from(content, binary_comment=True)


def multipart(fields: dict[str, str], *, file_field: str, file_name: str, content: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body as a browser sends it (the fast HTTP client takes bytes)."""
    boundary = f"----load{hashlib.sha256(content).hexdigest()[:24]}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{file_name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def rule_input(row: dict, rng: random.Random) -> dict[str, str]:
    """Valid inputs for a criterion's rule, as a person types them (Vietnamese decimal comma sometimes)."""
    match row["rule"]:
        case "levels":
            return {"option": str(rng.choice(row["options"]))}
        case "bands":
            percent = Decimal(rng.randint(100, 200)) / 2  # 50 to 100 in halves
            return {"percent": f"{percent:f}".replace(".", ",")}
        case "ratio":
            required = rng.randint(4, 40)
            return {"achieved": str(rng.randint(0, required)), "required": str(required)}
        case "manual" | "survey":
            maximum, step = Decimal(row["max"]), Decimal(row["step"] or "0.25")
            steps = int(maximum / step)
            return {"value": f"{(step * rng.randint(0, steps)).normalize():f}".replace(".", ",")}
        case "yes_no":
            return {"is_yes": rng.choice(("yes", "no"))}
        case "deduction":
            return {"occurrences": str(rng.randint(0, 3))}
    raise ValueError(row["rule"])


def _warm_up_done(environment) -> None:
    """Write the login figures of the warm-up, then start the measured period from clean statistics."""
    global _measured_since
    if _measured_since is not None:
        return
    stats = environment.stats
    warm_up = {}
    for (name, method), entry in stats.entries.items():
        warm_up[f"{method} {name}"] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "p50": entry.get_response_time_percentile(0.5),
            "p95": entry.get_response_time_percentile(0.95),
            "max": entry.max_response_time,
        }
    shape = environment.shape_class
    warm_up["seconds"] = shape.get_run_time() if shape is not None else None
    warm_up["measured_since"] = time.time()
    ACK_DIR.mkdir(parents=True, exist_ok=True)
    (ACK_DIR / "warm-up.json").write_text(json.dumps(warm_up, ensure_ascii=False), encoding="utf-8")
    stats.reset_all()
    _measured_since = time.monotonic()


class WarmThenMeasure(LoadTestShape):
    """All users start (each person logs in once), then the run lasts RUN_TIME seconds from clean statistics.

    Fifty logins at once cost about a CPU-second each (PBKDF2, as in production) and would otherwise fill
    most of a one-minute run; their own figures are kept apart in warm-up.json.
    """

    def tick(self):
        if SCENARIO == "survey":  # nobody logs in: measured from the first second
            return None if self.get_run_time() >= RUN_TIME else (USERS, SPAWN_RATE)
        if _measured_since is None:
            if self.get_run_time() > WARM_UP_LIMIT:
                _warm_up_done(self.runner.environment)
            return (USERS, SPAWN_RATE)
        if time.monotonic() - _measured_since >= RUN_TIME:
            return None
        return (USERS, SPAWN_RATE)


class PortalUser(FastHttpUser):
    abstract = True
    wait_time = between(*WAIT)

    def log_in(self, username: str) -> None:
        self.username = username
        session = PLAN.get("sessions", {}).get(username)
        if session:
            # Signed in beforehand (scripts/load.py made the session): hundreds of PBKDF2 logins at once would
            # measure the password hasher, not the deadline-day saves.
            self.client.cookiejar.set_cookie(session_cookie(session))
            return
        page = self.client.get("/login/", name="login (page)")
        token = CSRF_FIELD.search(page.text).group(1)
        with self.client.post(
            "/login/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="login (post)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/login/" in response.headers.get("Location", ""):
                response.failure(f"login of {username} refused ({response.status_code})")

    def take(self, account: dict) -> None:
        """Become the plan's `account`: its own repeatable random choices, its rows, no row versions yet; sign in."""
        self.rng = random.Random(account["username"])
        self.rows = account["rows"]
        self.versions: dict[tuple[int, int], int] = {}
        self.log_in(account["username"])

    def ready(self) -> None:
        """Count this person in; the last one to be ready starts the measured period."""
        global _logged_in
        _logged_in += 1
        if _logged_in == STAFF_USERS + COUNCIL_USERS:
            _warm_up_done(self.environment)

    def open_page(self, path: str, name: str, assessment: int) -> None:
        """A full page: keep its CSRF token (sent by htmx as X-CSRFToken) and the versions of its rows."""
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{name}: HTTP {response.status_code}")
                return
            self.csrf_token = CSRF_HEADER.search(response.text).group(1)
            for _name, criterion_id, version in VERSION_FIELD.findall(response.text):
                self.versions[(assessment, int(criterion_id))] = int(version)

    def htmx_headers(self, page: str) -> dict[str, str]:
        return {"HX-Request": "true", "HX-Current-URL": f"{self.host}{page}", "X-CSRFToken": self.csrf_token}

    def explanation(self) -> str:
        return f"Tải thử {RUN} #{STEP}{next(_sequence)}: đã thực hiện theo kế hoạch, có tài liệu kèm theo."

    def save_row(
        self,
        url: str,
        *,
        name: str,
        page: str,
        row: dict,
        stage: str,
        prefix: str,
        sent: dict,
        extra: dict[str, str] | None = None,
    ) -> None:
        """Save one row of a sheet as htmx posts it from `page`: its inputs, an explanation, any `extra` fields and
        the row's version as last seen."""
        explanation = self.explanation()
        data = {f"{prefix}-{field}": value for field, value in sent.items()}
        data[f"{prefix}-explanation"] = explanation
        data |= {f"{prefix}-{field}": value for field, value in (extra or {}).items()}
        data[f"{prefix}-version"] = str(self.versions.get((row["assessment"], row["criterion"]), 0))
        with self.client.post(
            url, data=data, headers=self.htmx_headers(page), name=name, catch_response=True
        ) as response:
            self.record_save(response=response, row=row, stage=stage, prefix=prefix, sent=sent, explanation=explanation)

    def record_save(self, *, response, row: dict, stage: str, prefix: str, sent: dict, explanation: str) -> None:
        """The saved marker means the server committed the row; anything else is a conflict or a failure."""
        criterion_id = row["criterion"]
        key = (row["assessment"], criterion_id)
        if response.status_code == 200 and "data-saved" in response.text:
            match = re.search(rf'name="{re.escape(prefix)}-version" value="(\d+)"', response.text)
            version = int(match.group(1)) if match else None
            self.versions[key] = version if version is not None else self.versions.get(key, 0)
            acknowledge(
                {
                    "kind": "score",
                    "user": self.username,
                    "assessment": row["assessment"],
                    "criterion": criterion_id,
                    "stage": stage,
                    "fields": sent,
                    "explanation": explanation,
                    "version": version,
                }
            )
            response.success()
        elif response.status_code == 200 and CONFLICT_TEXT in response.text:
            match = re.search(rf'name="{re.escape(prefix)}-version" value="(\d+)"', response.text)
            if match:
                self.versions[key] = int(match.group(1))
            acknowledge({"kind": "conflict", "user": self.username, "criterion": criterion_id, "stage": stage})
            response.success()
        else:
            errors = re.findall(r'class="invalid-feedback"[^>]*>([^<]+)<', response.text)[:2]
            response.failure(f"not saved: HTTP {response.status_code} {errors}")


class UnitStaff(PortalUser):
    """A unit's focal officer filling in their own rows of the unit's sheet and attaching evidence."""

    fixed_count = STAFF_USERS

    def on_start(self) -> None:
        account = next(_staff_accounts)
        self.assessment = account["assessment"]
        self.sheet = f"/assessments/{self.assessment}/"
        self.take(account)
        self.open_page(self.sheet, "sheet (page)", self.assessment)
        self.ready()

    @task(8)
    def save_score(self) -> None:
        row = self.rng.choice(self.rows)
        self.save_row(
            f"/assessments/{self.assessment}/criteria/{row['criterion']}/",
            name="score save",
            page=self.sheet,
            row=row,
            stage="self",
            prefix=f"c{row['criterion']}",
            sent=rule_input(row, self.rng),
            extra={"no_evidence_reason": "Hồ sơ giấy lưu tại đơn vị."},
        )

    @task(2)
    def upload_evidence(self) -> None:
        row = self.rng.choice(self.rows)
        name = f"load-{RUN}-{self.username}-{STEP}{next(_sequence)}.pdf"
        content = small_pdf(name)
        body, content_type = multipart(
            {"locator": "trang 1", "next": self.sheet}, file_field="files", file_name=name, content=content
        )
        with self.client.post(
            f"/evidence/assessments/{self.assessment}/criteria/{row['criterion']}/upload/",
            data=body,
            headers=self.htmx_headers(self.sheet) | {"Content-Type": content_type},
            name="evidence upload",
            catch_response=True,
        ) as response:
            stem = name.removesuffix(".pdf")
            if response.status_code == 200 and "evidenceChanged" in response.headers.get("HX-Trigger", ""):
                if stem not in response.text:
                    response.failure("upload answered without the new document")
                    return
                acknowledge(
                    {
                        "kind": "upload",
                        "user": self.username,
                        "assessment": self.assessment,
                        "criterion": row["criterion"],
                        "name": name,
                        "sha256": hashlib.sha256(content).hexdigest(),
                        "size": len(content),
                    }
                )
                response.success()
            else:
                errors = re.findall(r'role="alert">(.*?)</div>\s*</div>', response.text, re.S)[:1]
                response.failure(f"upload refused: HTTP {response.status_code} {errors}")

    @task(1)
    def reload_sheet(self) -> None:
        self.open_page(self.sheet, "sheet (page)", self.assessment)


class CouncilMember(PortalUser):
    """A council member confirming round-1 scores on the rows of the sheets assigned to them."""

    fixed_count = COUNCIL_USERS

    def on_start(self) -> None:
        self.take(next(_council_accounts))
        self.client.get("/appraisal/", name="appraisal queue (page)")
        for assessment in sorted({row["assessment"] for row in self.rows}):
            self.open_page(f"/appraisal/{assessment}/", "appraisal workspace (page)", assessment)
        self.ready()

    @task(8)
    def save_round_one(self) -> None:
        row = self.rng.choice(self.rows)
        self.save_row(
            f"/appraisal/{row['assessment']}/criteria/{row['criterion']}/round1/",
            name="appraisal save (round 1)",
            page=f"/appraisal/{row['assessment']}/",
            row=row,
            stage="round1",
            prefix=f"r1-{row['criterion']}",
            # The unit's own input, confirmed (a survey row has none: the council enters it), with a reason.
            sent=dict(row["own"]) if row["own"] else rule_input(row, self.rng),
        )

    @task(1)
    def reload_workspace(self) -> None:
        assessment = self.rng.choice(self.rows)["assessment"]
        self.open_page(f"/appraisal/{assessment}/", "appraisal workspace (page)", assessment)


class Visitor(FastHttpUser):
    """Anyone reading the published results, without logging in."""

    weight = 1
    wait_time = between(*WAIT)

    def on_start(self) -> None:
        self.rng = random.Random()

    @task(6)
    def ranking(self) -> None:
        self.client.get(f"/results/{PLAN['published_year']}/", name="published ranking (public)")

    @task(1)
    def results_index(self) -> None:
        self.client.get("/results/", name="results index (public)")

    @task(2)
    def unit_page(self) -> None:
        unit = self.rng.choice(PLAN["published_units"])
        self.client.get(
            f"/results/{PLAN['published_year']}/published/units/{unit}/", name="published unit page (public)"
        )


if SCENARIO == "survey":  # defined only for the respondents' phase, so no other run ever starts one

    class SurveyRespondent(FastHttpUser):
        """A person of a unit's sample answering by their one-time link (QR code or e-mail), without an account."""

        wait_time = between(1, 3)

        def on_start(self) -> None:
            self.rng = random.Random()

        @task
        def answer(self) -> None:
            link = next(_survey_links, None)
            if link is None:  # every planned link used: stay idle rather than reuse one
                time.sleep(1)
                return
            path = f"/s/{link['token']}/"
            with self.client.get(path, name="survey answer (page)", catch_response=True) as page:
                if page.status_code != 200:
                    page.failure(f"answer page: HTTP {page.status_code}")
                    return
                token = CSRF_FIELD.search(page.text).group(1)
                started = STARTED_FIELD.search(page.text).group(1)
            time.sleep(self.rng.uniform(2, 6))  # reading and choosing
            choices = {str(question["id"]): self.rng.choice(question["levels"]) for question in link["questions"]}
            data = {f"q{question}": str(level) for question, level in choices.items()}
            data |= {"csrfmiddlewaretoken": token, "started": started}
            with self.client.post(
                path,
                data=data,
                headers={"Referer": f"{self.host}{path}"},
                name="survey answer (post)",
                catch_response=True,
            ) as response:
                if response.status_code == 200 and THANKS_MARKER in response.text:
                    acknowledge({"kind": "survey", "respondent": link["respondent"], "choices": choices})
                    response.success()
                elif response.status_code == 410 and USED_MARKER in response.text:
                    acknowledge({"kind": "used", "respondent": link["respondent"]})
                    response.success()
                else:
                    response.failure(f"answer not stored: HTTP {response.status_code}")
