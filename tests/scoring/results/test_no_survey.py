"""“No survey this year”: the index is taken over the maximum without the survey's criteria."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from scoring.council.survey import survey_import
from scoring.models import AuditEvent, ResultAreaRow, ResultRow, Score
from scoring.results.compute import area_results, criterion_results, rank_of, unit_results
from scoring.results.services import period_survey_set
from tests.factories import (
    FrameworkFactory,
    enter_scores,
    full_minus,
    in_appraisal,
    publish_results,
    small_framework,
    unit_sheet,
    user_with_role,
)
from units.models import Role

pytestmark = pytest.mark.django_db

# small_framework: 10 points, of which 1 (criterion 2.3, in area 2 of 4 points) is the survey.


@pytest.fixture
def year():
    framework = small_framework(FrameworkFactory())
    period = in_appraisal(framework)
    # Hạ Đình loses one point outside the survey and half the survey; Kim Giang one and a half outside, none in it.
    enter_scores(unit_sheet(framework, "Hạ Đình"), full_minus(c1_2="1", c2_3="0.5"))
    enter_scores(unit_sheet(framework, "Kim Giang"), full_minus(c1_2="1.5"))
    return period


def table(period):
    return [
        (row.unit.name, rank_of(row), row.points, row.max_points, row.adjusted_max, row.index, row.unappraised_count)
        for row in unit_results(period)
    ]


def test_with_the_survey_the_index_counts_it(year):
    assert table(year) == [
        ("Hạ Đình", 1, Decimal("8.50"), Decimal("10.00"), Decimal("10.00"), Decimal("85.00"), 0),
        ("Kim Giang", 1, Decimal("8.50"), Decimal("10.00"), Decimal("10.00"), Decimal("85.00"), 0),
    ]


def test_without_the_survey_the_index_is_over_the_rest_of_the_maximum(year):
    secretary = user_with_role(Role.COUNCIL_SECRETARY)

    period = period_survey_set(actor=secretary, period=year, has_survey=False)

    # 8 of 9 and 7.5 of 9: the survey's points are left out even where the council had entered them
    assert table(period) == [
        ("Hạ Đình", 1, Decimal("8.00"), Decimal("9.00"), Decimal("9.00"), Decimal("88.89"), 0),
        ("Kim Giang", 2, Decimal("7.50"), Decimal("9.00"), Decimal("9.00"), Decimal("83.33"), 0),
    ]
    areas = [(a.code, a.points, a.counted_max, a.adjusted_max, a.index) for a in area_results(period)]
    assert areas[:2] == [
        ("1", Decimal("5.00"), Decimal("6.00"), Decimal("6.00"), Decimal("83.33")),
        ("2", Decimal("3.00"), Decimal("3.00"), Decimal("3.00"), Decimal("100.00")),
    ]
    assert "2.3" not in {criterion.code for criterion in criterion_results(period)}
    event = AuditEvent.objects.get(action="period.survey")
    assert event.summary == (
        f"Năm {period.year} không điều tra xã hội học: chỉ số tính trên điểm tối đa không gồm phần điều tra"
    )


def test_an_unappraised_survey_no_longer_counts_as_missing(year):
    Score.objects.filter(criterion__code="2.3").delete()
    assert [row[-1] for row in table(year)] == [1, 1]

    period = period_survey_set(actor=user_with_role(Role.COUNCIL_SECRETARY), period=year, has_survey=False)

    assert [row[-1] for row in table(period)] == [0, 0]


def test_the_published_snapshot_keeps_the_maximum_without_the_survey(year):
    secretary = user_with_role(Role.COUNCIL_SECRETARY)
    period = period_survey_set(actor=secretary, period=year, has_survey=False)
    publish_results(period, secretary, user_with_role(Role.LEADERSHIP), number="12/QĐ-UBND")

    assert list(ResultRow.objects.order_by("position").values_list("unit_name", "points", "max_points", "index")) == [
        ("Hạ Đình", Decimal("8.00"), Decimal("9.00"), Decimal("88.89")),
        ("Kim Giang", Decimal("7.50"), Decimal("9.00"), Decimal("83.33")),
    ]
    assert list(
        ResultAreaRow.objects.filter(row__unit_name="Hạ Đình").order_by("position").values_list("code", "max_points")
    ) == [("1", Decimal("6.00")), ("2", Decimal("3.00"))]
    with pytest.raises(ValidationError) as refused:
        period_survey_set(actor=secretary, period=period, has_survey=True)
    assert refused.value.messages == ["Kết quả đã công bố: không đổi cách tính phần điều tra xã hội học được nữa."]


def test_no_survey_points_are_imported_in_a_year_without_survey(year):
    secretary = user_with_role(Role.COUNCIL_SECRETARY)
    period = period_survey_set(actor=secretary, period=year, has_survey=False)
    before = Score.objects.count()

    with pytest.raises(ValidationError) as refused:
        survey_import(actor=secretary, period=period, file=b"unused")

    assert refused.value.messages == [
        f"Kỳ đánh giá năm {period.year} không điều tra xã hội học: chỉ số được tính trên điểm tối đa không gồm "
        "phần điều tra, nên không nhập điểm điều tra."
    ]
    assert Score.objects.count() == before


def test_only_the_secretary_sets_it_on_the_settings_page(client, year):
    leadership = user_with_role(Role.LEADERSHIP)
    client.force_login(leadership)
    url = reverse("results_settings", args=[year.year])
    assert client.post(url, {"action": "survey", "no_survey": "on"}).status_code == 404
    year.refresh_from_db()
    assert year.has_survey is True

    secretary = user_with_role(Role.COUNCIL_SECRETARY)
    client.force_login(secretary)
    page = client.get(url).content.decode()
    assert "Phần điều tra trong bộ chỉ số: " in page
    assert "Năm nay không điều tra xã hội học: chỉ số tính trên điểm tối đa không gồm phần điều tra" in page
    response = client.post(url, {"action": "survey", "no_survey": "on"}, follow=True)

    assert "Đã lưu cách tính phần điều tra xã hội học." in response.content.decode()
    year.refresh_from_db()
    assert year.has_survey is False
