"""A respondent's answers through a one-time link."""

import hashlib
import hmac
import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from scoring.permissions.survey import (
    LinkState,
    link_state,
)
from scoring.survey.models import Respondent, SurveyAnswer, SurveyLevel, SurveyQuestion, SurveyResponse
from scoring.survey.selectors import (
    frozen_survey_questions,
)


class LinkRefused(Exception):
    """The link cannot be answered now (used, closed, expired...); the state carries what to tell the person."""

    def __init__(self, state: LinkState):
        super().__init__(str(state.message))
        self.state = state


def network_of(address: str | None) -> str:
    """A keyed hash of the address's network (/24, /48): equal for neighbours, unreadable, never the address."""
    if not address:
        return ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    network = ipaddress.ip_network(f"{ip}/{prefix}", strict=False)
    digest = hmac.new(settings.SECRET_KEY.encode(), str(network).encode(), hashlib.sha256).hexdigest()
    return digest[:16]


@transaction.atomic
def response_submit(
    *, respondent: Respondent, choices: dict[int, int | None], seconds_taken: int | None, address: str | None
) -> SurveyResponse:
    """Store a respondent's answers once, while the window is open; final from then on.

    `choices` maps every question id to the chosen level id. Raises LinkRefused when the link cannot be
    answered (checked again under the respondent's row lock, so two sends of one link store one response),
    and ValidationError naming each unanswered question.
    """
    # Lock the respondent's row only (its response, joined to know whether it exists, may be missing).
    respondent = (
        Respondent.objects.select_for_update(of=("self",)).select_related("survey", "response").get(pk=respondent.pk)
    )
    state = link_state(respondent)
    if not state.is_open:
        raise LinkRefused(state)
    questions = frozen_survey_questions(respondent.survey)
    errors: dict[str, str] = {}
    chosen: list[tuple[SurveyQuestion, SurveyLevel]] = []
    for question in questions:
        levels = {level.pk: level for level in question.levels.all()}
        level = levels.get(choices.get(question.pk))
        if level is None:
            errors[f"q{question.pk}"] = (
                _("Xin chọn một câu trả lời cho câu %(code)s.") % {"code": question.code}
                if choices.get(question.pk) is None
                else _("Câu trả lời của câu %(code)s không hợp lệ.") % {"code": question.code}
            )
            continue
        chosen.append((question, level))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                respondent=respondent,
                survey=respondent.survey,
                unit_id=respondent.unit_id,
                group=respondent.group,
                seconds_taken=seconds_taken,
                pattern="-".join(str(level.position) for _question, level in chosen)[:200],
                network=network_of(address),
            )
    except IntegrityError:  # the same link sent twice at once: the first one counts
        raise LinkRefused(link_state(Respondent.objects.select_related("survey").get(pk=respondent.pk))) from None
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=response, question=question, level=level) for question, level in chosen
    )
    return response
