"""Who may run the survey, read its aggregates and exclude a response; and when a respondent's link works.

Respondents' names and contacts are the secretariat's working list (it imported them): only the survey's
managers see them. Council and leadership read aggregates and anonymous responses; units see only the
points recorded on their sheet.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from scoring.models import BlockFinalisation, Period
from scoring.permissions.appraisal import APPRAISAL_STATES, council_seat, hidden_unit_ids, is_conflicted
from scoring.permissions.results import is_results_staff
from scoring.survey.models import Respondent, Survey, SurveyResponse
from units.models import User
from units.roles import is_administrator, is_secretary


def can_manage_surveys(user: User | AnonymousUser, period: Period) -> bool:
    """The secretariat builds the questionnaire, imports the sample and sends the links, until publication."""
    return (is_secretary(user) or is_administrator(user)) and period.state != Period.State.PUBLISHED


def can_read_survey_results(user: User | AnonymousUser, period: Period) -> bool:
    """Aggregates and anonymous responses: the secretariat, leadership and the period's council, who follow
    the live results too."""
    return is_results_staff(user, period)


def can_record_survey_points(user: User, survey: Survey) -> bool:
    """Computed points become the council's round-1 scores while the period is under appraisal."""
    return (is_secretary(user) or is_administrator(user)) and survey.period.state in APPRAISAL_STATES


def can_exclude_response(user: User, response: SurveyResponse) -> bool:
    """The council's secretary, or a council member not conflicted with the unit, until the block is closed."""
    period = response.survey.period
    if period.state not in APPRAISAL_STATES:
        return False
    if BlockFinalisation.objects.filter(period=period, block_id=response.unit.block_id).exists():
        return False
    if is_secretary(user) or is_administrator(user):
        return True
    return council_seat(user, period).is_member and not is_conflicted(user, response.unit_id, period)


def _survey(pk: int) -> Survey:
    return get_object_or_404(Survey.objects.select_related("period__authority", "framework__block"), pk=pk)


def get_survey_for_manage(user: User, pk: int) -> Survey:
    """The survey if this person runs it; 404 for a missing one and for everyone else."""
    survey = _survey(pk)
    if not can_manage_surveys(user, survey.period):
        raise Http404
    return survey


def get_survey_for_results(user: User, pk: int) -> Survey:
    survey = _survey(pk)
    if not can_read_survey_results(user, survey.period):
        raise Http404
    return survey


def get_response_for_exclusion(user: User, survey: Survey, pk: int) -> SurveyResponse:
    response = get_object_or_404(SurveyResponse.objects.select_related("survey__period", "unit"), pk=pk, survey=survey)
    if response.unit_id in hidden_unit_ids(user, survey.period):
        raise Http404
    return response


# --- the public link ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkState:
    """Whether a respondent's link may be answered now, and if not the reason shown to them."""

    code: str  # "open", "unknown", "used", "not_open", "expired", "closed"
    status: int
    message: str = ""

    @property
    def is_open(self) -> bool:
        return self.code == "open"

    @property
    def title(self) -> str:
        """The heading the respondent reads above the message."""
        return str(LINK_TITLES.get(self.code, LINK_TITLES["unknown"]))


LINK_TITLES = {
    "used": _("Phiếu đã được gửi"),
    "expired": _("Đường dẫn đã hết hạn"),
    "closed": _("Khảo sát đã đóng"),
    "not_open": _("Khảo sát chưa mở"),
    "rate_limited": _("Xin thử lại sau"),
    "unknown": _("Không tìm thấy phiếu khảo sát"),
}


LINK_UNKNOWN = LinkState(
    "unknown",
    404,
    _(
        "Không tìm thấy phiếu khảo sát của đường dẫn này. Hãy kiểm tra lại đường dẫn trong thư mời "
        "hoặc quét lại mã QR trên phiếu được phát."
    ),
)


def link_state(respondent: Respondent | None, now=None) -> LinkState:
    """Decided on the server from the stored window, never from anything the browser sends."""
    now = now or timezone.now()
    if respondent is None or not respondent.is_in_sample:
        return LINK_UNKNOWN
    if hasattr(respondent, "response"):
        return LinkState(
            "used",
            410,
            _(
                "Phiếu khảo sát này đã được gửi. Mỗi đường dẫn chỉ dùng được một lần; "
                "câu trả lời đã gửi không sửa được."
            ),
        )
    survey = respondent.survey
    if survey.opened_at is None or survey.opens_at is None or survey.closes_at is None:
        return LinkState("not_open", 403, _("Cuộc khảo sát chưa mở. Xin vui lòng quay lại sau."))
    if survey.closed_at is not None:
        return LinkState("closed", 410, _("Cuộc khảo sát đã đóng, không nhận thêm phiếu trả lời. Xin cảm ơn."))
    if now < survey.opens_at:
        return LinkState(
            "not_open",
            403,
            _("Cuộc khảo sát chưa mở. Phiếu nhận trả lời từ %(moment)s.")
            % {"moment": date_format(timezone.localtime(survey.opens_at), "H:i d/m/Y")},
        )
    if now >= survey.closes_at:
        return LinkState(
            "expired",
            410,
            _("Đường dẫn đã hết hạn: cuộc khảo sát nhận phiếu đến %(moment)s.")
            % {"moment": date_format(timezone.localtime(survey.closes_at), "H:i d/m/Y")},
        )
    return LinkState("open", 200)
