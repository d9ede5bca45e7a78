"""The public answer page: one response per link, only in the window, clear refusals, rate-limited."""

import datetime
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from scoring.survey.models import Respondent, Survey, SurveyAnswer, SurveyResponse
from scoring.survey.respondents import TOKEN_BYTES

pytestmark = pytest.mark.django_db


def url(respondent: Respondent) -> str:
    return reverse("survey_answer", args=[respondent.token])


def answers(world, first: str = "Rất hài lòng", second: str = "Hài lòng") -> dict:
    levels = {
        (level.question_id, level.label): level.pk
        for question in (world["q1"], world["q2"])
        for level in question.levels.all()
    }
    return {
        f"q{world['q1'].pk}": levels[(world["q1"].pk, first)],
        f"q{world['q2'].pk}": levels[(world["q2"].pk, second)],
    }


def started_field(client, respondent) -> str:
    page = client.get(url(respondent))
    return re.search(r'name="started" value="([^"]+)"', page.content.decode()).group(1)


def test_the_page_shows_the_questions_but_never_the_persons_name(client, open_survey):
    w = open_survey
    person = w["respondents"][0]

    response = client.get(url(person))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Khảo sát sự hài lòng khối phường 2023" in page
    assert "UBND phường Hạ Đình" in page
    assert "1.</span> Ông/Bà hài lòng thế nào với thái độ của công chức?" in page
    assert page.count('type="radio"') == 8
    assert "Nguyễn Văn An" not in page and "an@example.vn" not in page
    assert response["Cache-Control"] == "no-store, max-age=0, no-cache, must-revalidate, private"
    assert response["Referrer-Policy"] == "same-origin"
    assert 'lang="vi"' in page and 'name="viewport"' in page


def test_an_answer_is_stored_once_and_the_link_then_refuses(client, open_survey):
    w = open_survey
    person = w["respondents"][0]
    data = answers(w) | {"started": started_field(client, person)}

    sent = client.post(url(person), data, REMOTE_ADDR="203.0.113.7")

    assert sent.status_code == 200
    assert "Cảm ơn Ông/Bà đã trả lời!" in sent.content.decode()
    response = SurveyResponse.objects.get(respondent=person)
    assert (response.unit, response.group, response.pattern, response.is_excluded) == (
        w["units"]["ha-dinh"],
        "citizen",
        "0-1",
        False,
    )
    assert response.seconds_taken is not None and 0 <= response.seconds_taken < 5
    assert len(response.network) == 16 and "203.0.113" not in response.network
    assert sorted(SurveyAnswer.objects.filter(response=response).values_list("level__label", flat=True)) == [
        "Hài lòng",
        "Rất hài lòng",
    ]

    # when the same link is used again, with other answers
    again = client.post(url(person), answers(w, "Không hài lòng", "Không hài lòng"))
    page = client.get(url(person))

    # then nothing changes and both say so
    assert again.status_code == 410
    assert "Phiếu khảo sát này đã được gửi. Mỗi đường dẫn chỉ dùng được một lần" in again.content.decode()
    assert page.status_code == 410
    assert 'data-state="used"' in page.content.decode()
    assert SurveyResponse.objects.count() == 1
    assert SurveyAnswer.objects.count() == 2
    assert SurveyResponse.objects.get().pattern == "0-1"


def test_every_question_must_be_answered_and_nothing_is_stored_until_then(client, open_survey):
    w = open_survey
    person = w["respondents"][1]
    only_first = {f"q{w['q1'].pk}": answers(w)[f"q{w['q1'].pk}"]}

    response = client.post(url(person), only_first)

    page = response.content.decode()
    assert response.status_code == 400
    assert "Còn 1 câu chưa trả lời:" in page
    assert "Xin chọn một câu trả lời cho câu 2." in page
    assert f'value="{only_first[f"q{w['q1'].pk}"]}" checked' in page  # the first answer is kept on the page
    assert SurveyResponse.objects.count() == 0


def test_a_level_of_another_question_is_refused(client, open_survey):
    w = open_survey
    person = w["respondents"][1]
    crossed = answers(w)
    crossed[f"q{w['q1'].pk}"] = crossed[f"q{w['q2'].pk}"]

    response = client.post(url(person), crossed)

    assert response.status_code == 400
    assert "Câu trả lời của câu 1 không hợp lệ." in response.content.decode()
    assert SurveyResponse.objects.count() == 0


def test_unknown_link_is_refused_with_a_clear_message(client, open_survey):
    response = client.get(reverse("survey_answer", args=["khong-co-duong-dan-nay"]))

    assert response.status_code == 404
    assert "Không tìm thấy phiếu khảo sát của đường dẫn này." in response.content.decode()


def test_a_person_outside_the_drawn_sample_has_no_working_link(client, open_survey):
    person = open_survey["respondents"][4]
    Respondent.objects.filter(pk=person.pk).update(is_in_sample=False)

    assert client.get(url(person)).status_code == 404
    assert client.post(url(person), answers(open_survey)).status_code == 404
    assert SurveyResponse.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "status", "state", "message"),
    [
        (
            {"closes_at_delta": -1},
            410,
            "expired",
            "Đường dẫn đã hết hạn: cuộc khảo sát nhận phiếu đến",
        ),
        ({"closed": True}, 410, "closed", "Cuộc khảo sát đã đóng, không nhận thêm phiếu trả lời."),
        ({"opens_at_delta": 2}, 403, "not_open", "Cuộc khảo sát chưa mở. Phiếu nhận trả lời từ"),
        ({"draft": True}, 403, "not_open", "Cuộc khảo sát chưa mở. Xin vui lòng quay lại sau."),
    ],
)
def test_outside_the_window_the_link_refuses_on_the_server(client, open_survey, change, status, state, message):
    w = open_survey
    now = timezone.now()
    survey = w["survey"]
    fields = {}
    if "closes_at_delta" in change:
        fields = {"opens_at": now - datetime.timedelta(days=3), "closes_at": now + datetime.timedelta(hours=-1)}
    if change.get("closed"):
        fields = {"closed_at": now}
    if "opens_at_delta" in change:
        fields = {"opens_at": now + datetime.timedelta(hours=2), "closes_at": now + datetime.timedelta(days=3)}
    if change.get("draft"):
        fields = {"opened_at": None, "opens_at": None, "closes_at": None}
    Survey.objects.filter(pk=survey.pk).update(**fields)
    person = w["respondents"][0]

    shown = client.get(url(person))
    sent = client.post(url(person), answers(w))

    for response in (shown, sent):
        assert response.status_code == status
        assert f'data-state="{state}"' in response.content.decode()
        assert message in response.content.decode()
    assert SurveyResponse.objects.count() == 0


def test_tokens_are_long_random_and_unique(open_survey):
    tokens = [person.token for person in open_survey["respondents"]]

    assert len(set(tokens)) == 5
    assert TOKEN_BYTES * 8 >= 128
    assert all(len(token) == 32 and re.fullmatch(r"[A-Za-z0-9_-]+", token) for token in tokens)
    assert not any(str(person.pk) == token for person, token in zip(open_survey["respondents"], tokens, strict=True))


@override_settings(SURVEY_RATE_LIMIT="4/300")
def test_too_many_requests_from_one_address_are_refused(client, open_survey):
    person = open_survey["respondents"][0]
    for _ in range(4):
        assert client.get(url(person), REMOTE_ADDR="198.51.100.9").status_code == 200

    refused = client.post(url(person), answers(open_survey), REMOTE_ADDR="198.51.100.9")
    other_address = client.get(url(person), REMOTE_ADDR="198.51.100.10")

    assert refused.status_code == 429
    assert refused["Retry-After"] == "300"
    assert "Có quá nhiều yêu cầu từ cùng một địa chỉ mạng." in refused.content.decode()
    assert SurveyResponse.objects.count() == 0
    assert other_address.status_code == 200


@override_settings(SURVEY_MISS_LIMIT="3/900")
def test_guessing_links_locks_the_address_out_even_for_real_links(client, open_survey):
    for guess in ("aaaa", "bbbb", "cccc"):
        assert client.get(reverse("survey_answer", args=[guess]), REMOTE_ADDR="192.0.2.1").status_code == 404

    response = client.get(url(open_survey["respondents"][0]), REMOTE_ADDR="192.0.2.1")

    assert response.status_code == 429


def test_two_sends_of_one_link_store_one_response(open_survey):
    """The service itself refuses the second send (the view is not the only guard)."""
    from scoring.survey.services import LinkRefused, response_submit

    w = open_survey
    person = w["respondents"][3]
    choices = {w["q1"].pk: w["q1"].levels.all()[0].pk, w["q2"].pk: w["q2"].levels.all()[0].pk}
    response_submit(respondent=person, choices=choices, seconds_taken=40, address="10.0.0.1")

    with pytest.raises(LinkRefused) as refused:
        response_submit(respondent=person, choices=choices, seconds_taken=41, address="10.0.0.1")

    assert refused.value.state.code == "used"
    assert SurveyResponse.objects.filter(respondent=person).count() == 1


def test_the_page_and_an_answer_cost_a_fixed_handful_of_queries(client, open_survey, django_assert_num_queries):
    """The frozen questionnaire is read once per process; each page reads the link, each answer writes it."""
    w = open_survey
    client.get(url(w["respondents"][4]))  # the first page of the survey reads its questions

    with django_assert_num_queries(1):
        page = client.get(url(w["respondents"][0]))
    started = re.search(r'name="started" value="([^"]+)"', page.content.decode()).group(1)
    data = answers(w) | {"started": started}
    # the link, then in one transaction: its row locked, the response (in a savepoint) and its answers
    with django_assert_num_queries(8):
        sent = client.post(url(w["respondents"][0]), data)

    assert page.status_code == 200 and sent.status_code == 200
    assert SurveyAnswer.objects.filter(response__respondent=w["respondents"][0]).count() == 2
    assert SurveyResponse.objects.get(respondent=w["respondents"][0]).seconds_taken is not None
