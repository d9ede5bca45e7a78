"""The council's list of responses: a page at a time, filters kept in the query string, checks counted in SQL."""

import re

import pytest
from django.urls import reverse

from scoring.survey.models import SurveyResponse
from scoring.survey.selectors import response_checks, response_flags
from tests.scoring.survey.conftest import bulk_responses

pytestmark = pytest.mark.django_db


def responses(world, unit, count: int, *, seconds: int = 60, patterns=None) -> list[SurveyResponse]:
    """count responses at unit, each with its own answers (so no copies) unless patterns says otherwise."""
    return bulk_responses(
        world,
        unit,
        count,
        seconds_taken=seconds,
        pattern=(lambda number: patterns[number]) if patterns else (lambda number: f"{number}-{number + 1}"),
    )


def rows(page) -> list[list[str]]:
    """The unit and number cells of each listed response."""
    found = re.findall(
        r'data-testid="response-row">\s*<td><a href="[^"]*">([^<]+)</a></td>\s*<td class="numeric">(\d+)</td>',
        page.content.decode(),
    )
    return [[unit, int(number)] for unit, number in found]


def test_responses_are_listed_thirty_to_a_page_with_the_filters_kept(client, open_survey):
    w = open_survey
    kim_giang = w["units"]["kim-giang"]
    responses(w, kim_giang, 52)
    responses(w, kim_giang, 3, seconds=2)  # numbers 53–55, too fast for two questions (6 s)
    responses(w, w["units"]["ha-dinh"], 4)
    client.force_login(w["member"])
    url = reverse("survey_responses", args=[w["survey"].pk])

    first = client.get(url, {"unit": kim_giang.pk})
    second = client.get(url, {"unit": kim_giang.pk, "page": 2})
    flagged = client.get(url, {"flagged": "1"})

    assert rows(first) == [["UBND phường Kim Giang", number] for number in range(1, 31)]
    content = first.content.decode()
    assert "Trang 1/2" in content
    assert f'href="?unit={kim_giang.pk}&amp;page=2"' in content
    assert "3 trong 55 phiếu có dấu hiệu cần xem." in content
    assert rows(second) == [["UBND phường Kim Giang", number] for number in range(31, 56)]
    assert f'href="?unit={kim_giang.pk}&amp;page=1"' in second.content.decode()
    assert rows(flagged) == [["UBND phường Kim Giang", number] for number in (53, 54, 55)]
    flagged_content = flagged.content.decode()
    assert "3 trong 59 phiếu có dấu hiệu cần xem." in flagged_content
    assert "Trả lời trong 2 giây, nhanh hơn thời gian đọc hợp lý (6 giây)." in flagged_content
    assert "Trang 1/1" not in flagged_content and "Trang sau" not in flagged_content


def test_a_page_runs_across_units_each_numbered_on_its_own(client, open_survey):
    w = open_survey
    for code in ("ha-dinh", "kim-giang", "thuong-dinh"):
        responses(w, w["units"][code], 20, seconds=2 if code == "kim-giang" else 60)
    client.force_login(w["secretary"])
    url = reverse("survey_responses", args=[w["survey"].pk])

    first, second = client.get(url), client.get(url, {"page": 2})
    flagged = client.get(url, {"flagged": "1"})

    expected = [
        [f"UBND phường {name}", number] for name in ("Hạ Đình", "Kim Giang", "Thượng Đình") for number in range(1, 21)
    ]
    assert rows(first) == expected[:30]
    assert rows(second) == expected[30:]
    assert rows(flagged) == expected[20:40]
    assert "Trang 2/2" in second.content.decode()
    assert 'aria-label="Trang phiếu trả lời"' not in flagged.content.decode()  # 20 flagged: one page


def test_each_unit_is_offered_with_its_counts(client, open_survey):
    w = open_survey
    responses(w, w["units"]["ha-dinh"], 4, seconds=1)
    responses(w, w["units"]["kim-giang"], 2)
    client.force_login(w["secretary"])

    page = client.get(reverse("survey_responses", args=[w["survey"].pk])).content.decode()

    assert ">UBND phường Hạ Đình (4 phiếu, 4 có dấu hiệu)</option>" in page
    assert ">UBND phường Kim Giang (2 phiếu, 0 có dấu hiệu)</option>" in page
    assert "Thượng Đình" not in page  # no response, no entry
    assert "4 trong 6 phiếu có dấu hiệu cần xem." in page


def test_a_conflicted_member_is_offered_neither_the_unit_nor_its_responses(client, open_survey):
    w = open_survey
    ha_dinh = w["units"]["ha-dinh"]
    responses(w, ha_dinh, 4)
    responses(w, w["units"]["kim-giang"], 2)
    client.force_login(w["conflicted"])
    url = reverse("survey_responses", args=[w["survey"].pk])

    page = client.get(url).content.decode()
    asked = client.get(url, {"unit": ha_dinh.pk}).content.decode()

    assert "Hạ Đình" not in page and "Hạ Đình" not in asked
    assert "0 trong 2 phiếu có dấu hiệu cần xem." in asked  # an unknown unit is no filter: what they may see


def test_the_page_costs_the_same_queries_for_5_responses_and_for_200(client, open_survey, django_assert_num_queries):
    w = open_survey
    responses(w, w["units"]["kim-giang"], 5, seconds=2)
    client.force_login(w["member"])
    url = reverse("survey_responses", args=[w["survey"].pk])
    client.get(url)

    with django_assert_num_queries(15):
        small = client.get(url)
    for unit in w["units"].values():
        responses(w, unit, 65, seconds=2)
    with django_assert_num_queries(15):
        large = client.get(url, {"flagged": "1", "page": "2"})

    assert len(rows(small)) == 5 and len(rows(large)) == 30
    assert "Loại phiếu" in large.content.decode()


def test_an_exclusion_returns_to_the_list_it_was_made_from(client, open_survey):
    w = open_survey
    kim_giang = w["units"]["kim-giang"]
    target = responses(w, kim_giang, 55, seconds=2)[52]
    client.force_login(w["member"])

    done = client.post(
        reverse("survey_response_exclude", args=[w["survey"].pk, target.pk]),
        {"reason": "Trả lời trong 2 giây", "flagged": "1", "page": "2"},
    )

    assert done.status_code == 302
    assert (
        done["Location"]
        == reverse("survey_responses", args=[w["survey"].pk]) + f"?unit={kim_giang.pk}&flagged=1&page=2"
    )
    assert SurveyResponse.objects.get(pk=target.pk).exclusion_reason == "Trả lời trong 2 giây"


@pytest.mark.parametrize(
    ("pattern", "is_straight"),
    [("2-2-2", True), ("10-10-10-10", True), ("1-1", False), ("1-11-1", False), ("11-1-1", False), ("0-0-1", False)],
)
def test_a_straight_line_is_one_level_for_every_question_of_three_or_more(open_survey, pattern, is_straight):
    w = open_survey
    responses(w, w["units"]["ha-dinh"], 1, patterns=[pattern])

    [response] = response_checks(w["survey"], question_count=len(pattern.split("-")))

    assert response.is_straight is is_straight
    assert ("Mọi câu cùng một mức trả lời." in response_flags(response, question_count=2)) is is_straight
