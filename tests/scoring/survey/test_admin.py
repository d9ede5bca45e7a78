"""The survey in the admin: the questionnaire editable until it opens, the sample's contacts correctable, and the
responses read-only and anonymous (answers are final; exclusions happen in the portal, with a reason)."""

import pytest
from django.urls import reverse

from scoring.survey.models import Respondent, SurveyAnswer, SurveyResponse
from scoring.survey.services import response_submit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_superuser=True))
    return client


@pytest.fixture
def answered(open_survey):
    w = open_survey
    choices = {w["q1"].pk: w["q1"].levels.get(position=0).pk, w["q2"].pk: w["q2"].levels.get(position=1).pk}
    w["response"] = response_submit(respondent=w["respondents"][0], choices=choices, seconds_taken=42, address=None)
    return w


def test_a_response_is_read_only_and_shows_no_respondent(admin_client, answered):
    url = reverse("admin:scoring_surveyresponse_change", args=[answered["response"].pk])
    page = admin_client.get(url).content.decode()
    assert "UBND phường Hạ Đình" in page and "Rất hài lòng (100.00 %)" in page and "Hài lòng (60.00 %)" in page
    assert "Nguyễn Văn An" not in page and "an@example.vn" not in page
    assert 'name="_save"' not in page
    assert admin_client.post(url, {"is_excluded": "on", "exclusion_reason": "x"}).status_code == 403
    delete = reverse("admin:scoring_surveyresponse_delete", args=[answered["response"].pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert SurveyResponse.objects.filter(is_excluded=False).count() == 1 and SurveyAnswer.objects.count() == 2
    changelist = admin_client.get(reverse("admin:scoring_surveyresponse_changelist")).content.decode()
    assert reverse("admin:scoring_surveyresponse_add") not in changelist


def test_a_respondents_contact_may_be_corrected_but_one_who_answered_is_never_deleted(admin_client, answered):
    bình = answered["respondents"][1]
    url = reverse("admin:scoring_respondent_change", args=[bình.pk])
    data = {"name": "Trần Thị Bình", "group": "citizen", "phone": "0912 345 679", "email": "binh@example.vn"}
    assert admin_client.post(url, data).status_code == 302
    bình.refresh_from_db()
    assert (bình.phone, bình.email, bình.token) == ("0912 345 679", "binh@example.vn", answered["respondents"][1].token)
    assert bình.token not in admin_client.get(url).content.decode()  # the one-time link is not shown here
    an = answered["respondents"][0]
    assert (
        admin_client.post(reverse("admin:scoring_respondent_delete", args=[an.pk]), {"post": "yes"}).status_code == 403
    )
    assert Respondent.objects.filter(pk=an.pk).exists()
    changelist = admin_client.get(reverse("admin:scoring_respondent_changelist")).content.decode()
    assert changelist.count('alt="False"') == 4  # all five in the sample, four have not answered


def test_the_questionnaire_is_editable_until_the_survey_opens(admin_client, survey_world, open_survey):
    survey = open_survey["survey"]
    page = admin_client.get(reverse("admin:scoring_survey_change", args=[survey.pk])).content.decode()
    assert "Ông/Bà hài lòng thế nào với thái độ của công chức?" in page
    assert 'name="_save"' not in page and 'name="questions-0-text"' not in page
    question = reverse("admin:scoring_surveyquestion_change", args=[open_survey["q1"].pk])
    assert 'name="levels-0-weight"' not in admin_client.get(question).content.decode()

    # given the same questionnaire before opening
    type(survey).objects.filter(pk=survey.pk).update(opened_at=None, opens_at=None, closes_at=None)
    page = admin_client.get(reverse("admin:scoring_survey_change", args=[survey.pk])).content.decode()
    assert 'name="_save"' in page and 'name="questions-0-text"' in page
    assert 'name="levels-0-weight"' in admin_client.get(question).content.decode()
