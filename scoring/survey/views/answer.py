"""The public answer page: no account, one response per link, only while the window is open on the server."""

import time

from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from scoring.permissions.survey import LINK_UNKNOWN, LinkState, link_state
from scoring.survey.models import Respondent
from scoring.survey.ratelimit import answer_rate, client_address, hit, is_over, miss_rate
from scoring.survey.selectors import frozen_survey_questions
from scoring.survey.services import LinkRefused, response_submit

STARTED_SALT = "scoring.survey.answer.started"
MAX_TOKEN_LENGTH = 64
# A page left open longer than this still counts, but its reading time is no longer meaningful.
STARTED_MAX_AGE = 7 * 24 * 60 * 60


def _private(response: HttpResponse) -> HttpResponse:
    """The link is the respondent's key: never cached, never sent to another site as a referrer, never indexed.

    same-origin rather than no-referrer: with no-referrer browsers send `Origin: null` on the form's POST, which
    Django's CSRF check rightly refuses."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _refused(request: HttpRequest, state: LinkState, respondent: Respondent | None = None) -> HttpResponse:
    return _private(
        render(
            request,
            "scoring/survey/answer.html",
            {"state": state, "survey": respondent.survey if respondent else None},
            status=state.status,
        )
    )


def _started_token(respondent: Respondent) -> str:
    return signing.dumps({"r": respondent.pk, "t": int(time.time())}, salt=STARTED_SALT, compress=True)


def _seconds_taken(respondent: Respondent, value: str) -> int | None:
    """How long the page was open before it was sent, from the time the server signed into it."""
    try:
        started = signing.loads(value, salt=STARTED_SALT, max_age=STARTED_MAX_AGE)
    except signing.BadSignature:
        return None
    if started.get("r") != respondent.pk:
        return None
    return max(0, int(time.time()) - int(started.get("t", 0)))


def _choices(request: HttpRequest) -> dict[int, int | None]:
    """Question id → chosen level id from fields named q<id>; a value that is not a number is kept as -1
    (answered, but with nothing valid), so the service names it rather than calling it unanswered."""
    choices: dict[int, int | None] = {}
    for name, value in request.POST.items():
        if name.startswith("q") and name[1:].isdigit() and len(name) < 20:
            choices[int(name[1:])] = int(value) if value.isdigit() and len(value) < 19 else (None if not value else -1)
    return choices


@never_cache
@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, token: str) -> HttpResponse:
    if hit(request, "answer", answer_rate()) or is_over(request, "miss", miss_rate()):
        state = LinkState(
            "rate_limited",
            429,
            _("Có quá nhiều yêu cầu từ cùng một địa chỉ mạng. Xin vui lòng thử lại sau ít phút."),
        )
        response = _refused(request, state)
        response["Retry-After"] = str(answer_rate().window)
        return response
    respondent = None
    if 0 < len(token) <= MAX_TOKEN_LENGTH:
        respondent = (
            Respondent.objects.select_related("survey__period__authority", "unit", "response")
            .filter(token=token)
            .first()
        )
    if respondent is None:
        hit(request, "miss", miss_rate())
        return _refused(request, LINK_UNKNOWN)
    errors: dict[str, str] = {}
    choices: dict[int, int | None] = {}
    if request.method == "POST":
        # The service decides under the respondent's row lock whether the link may still be answered.
        choices = _choices(request)
        try:
            response_submit(
                respondent=respondent,
                choices=choices,
                seconds_taken=_seconds_taken(respondent, request.POST.get("started", "")),
                address=client_address(request),
            )
        except LinkRefused as refused:
            return _refused(request, refused.state, respondent)
        except ValidationError as error:
            errors = {key: messages[0] for key, messages in error.message_dict.items()}
        else:
            return _private(
                render(request, "scoring/survey/answer.html", {"survey": respondent.survey, "is_sent": True})
            )
    else:
        state = link_state(respondent)
        if not state.is_open:
            return _refused(request, state, respondent)
    items = [
        {
            "question": question,
            "levels": list(question.levels.all()),
            "chosen": choices.get(question.pk),
            "error": errors.get(f"q{question.pk}", ""),
        }
        for question in frozen_survey_questions(respondent.survey)
    ]
    return _private(
        render(
            request,
            "scoring/survey/answer.html",
            {
                "is_open": True,
                "survey": respondent.survey,
                "unit": respondent.unit,
                "items": items,
                "errors": [item for item in items if item["error"]],
                "started": _started_token(respondent),
            },
            status=400 if errors else 200,
        )
    )
