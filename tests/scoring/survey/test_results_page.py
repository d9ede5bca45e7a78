"""The survey results page: units a page at a time, points made from counted answers exactly as survey_points makes
them, distributions of every unit or one, at a number of queries that does not grow with responses or units."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from scoring.survey.models import SurveyAnswer, SurveyResponse
from scoring.survey.selectors import answer_counts, criterion_shares, survey_points, survey_questions
from scoring.survey.services import response_exclude, response_restore
from tests.factories import UnitFactory
from tests.scoring.survey.conftest import add_question, bulk_responses

pytestmark = pytest.mark.django_db


def answered(world, unit, levels_by_question: list[dict], *, excluded: bool = False) -> None:
    """One response per entry, each answering every question at the given level position."""
    responses = bulk_responses(world, unit, len(levels_by_question), pattern="")
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=response, question=question, level=question.levels.all()[position])
        for response, choices in zip(responses, levels_by_question, strict=True)
        for question, position in choices.items()
    )
    if excluded:
        for response in responses:
            response_exclude(actor=world["secretary"], response=response, reason="Trùng người")


def test_points_made_from_the_counts_are_survey_points(open_survey):
    w = open_survey
    unmapped = add_question(w["survey"], None, "3", "Ông/Bà có ý kiến gì khác?")
    ha_dinh, kim_giang = w["units"]["ha-dinh"], w["units"]["kim-giang"]
    answered(w, ha_dinh, [{w["q1"]: 0, w["q2"]: 1, unmapped: 0}, {w["q1"]: 2, w["q2"]: 3, unmapped: 3}])
    answered(w, ha_dinh, [{w["q1"]: 3, w["q2"]: 3, unmapped: 3}], excluded=True)
    answered(w, kim_giang, [{w["q1"]: 1, w["q2"]: 1, unmapped: 2}, {w["q1"]: 0, w["q2"]: 2, unmapped: 2}] * 3)

    questions = survey_questions(w["survey"])
    shares = criterion_shares(questions, answer_counts(w["survey"]), [ha_dinh.pk, kim_giang.pk])

    expected = {(row.unit_id, row.criterion_id): (row.points, row.answers) for row in survey_points([w["survey"].pk])}
    assert {key: (share.points, share.answers) for key, share in shares.items()} == expected
    # Hạ Đình: 100 + 60 + 20 + 0 of 400 → 45 % of 1 point; the excluded response counts nowhere
    assert expected[(ha_dinh.pk, w["criterion"].pk)][0] == Decimal("0.45")


def test_units_are_listed_thirty_to_a_page_with_the_totals_of_all(client, open_survey, django_assert_num_queries):
    w = open_survey
    block = w["block"]
    units = [
        UnitFactory(block=block, code=f"xa-{number:03}", name=f"UBND xã {number:03}", position=10 + number)
        for number in range(40)
    ]
    for unit in units:
        answered(w, unit, [{w["q1"]: 0, w["q2"]: 1}])
    client.force_login(w["secretary"])
    url = reverse("survey_results", args=[w["survey"].pk])
    client.get(url)

    with django_assert_num_queries(10):
        first = client.get(url)
    with django_assert_num_queries(10):
        second = client.get(url, {"page": 2, "unit": units[39].pk})

    first_content, second_content = first.content.decode(), second.content.decode()
    assert first_content.count("<tr>\n      <td><a href=") == 30  # Hạ Đình, Kim Giang, Thượng Đình, then 27 communes
    assert "UBND xã 026" in first_content and "UBND xã 027" not in first_content
    assert "Trang 1/2" in first_content and 'href="?page=2"' in first_content
    assert second_content.count("<tr>\n      <td><a href=") == 13
    assert "UBND xã 027" in second_content and "UBND xã 039" in second_content
    assert f'href="?unit={units[0].pk}&amp;page=2#distribution"' not in second_content  # page 1's unit
    assert f'href="?unit={units[39].pk}&amp;page=2#distribution"' in second_content
    assert "Cỡ mẫu 45 người, 40 phiếu trả lời, 0 phiếu bị Hội đồng loại." in first_content
    assert "<strong>0,8</strong>" in second_content  # (100 + 60) / 2 % of 1 point
    assert "Phân bố câu trả lời — UBND xã 039" in second_content
    assert second_content.count("(1 câu trả lời)") == 2  # the chosen commune's distribution, one answer a question


def test_the_points_follow_each_new_response_exclusion_and_restoration(client, open_survey):
    w = open_survey
    ha_dinh = w["units"]["ha-dinh"]
    client.force_login(w["secretary"])
    url = reverse("survey_results", args=[w["survey"].pk])

    def points() -> str:  # Hạ Đình's points on 2.3 (1 point), as the table shows them
        row = re.search(r"Hạ Đình</a></td>.*?</tr>", client.get(url).content.decode(), re.DOTALL).group()
        return re.search(r"<strong>([^<]*)</strong>", row).group(1)

    answered(w, ha_dinh, [{w["q1"]: 0, w["q2"]: 0}])
    first = points()
    answered(w, ha_dinh, [{w["q1"]: 3, w["q2"]: 3}])
    second = points()
    late = SurveyResponse.objects.filter(unit=ha_dinh).latest("id")
    response_exclude(actor=w["secretary"], response=late, reason="Trùng người")
    excluded = points()
    response_restore(actor=w["secretary"], response=SurveyResponse.objects.get(pk=late.pk), reason="Đã xác minh")
    restored = points()

    assert (first, second, excluded, restored) == ("1", "0,5", "1", "0,5")
