"""Points computed in SQL from the answers, recorded as the council's round-1 scores; advisory checks, exclusions
and the anonymised export."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from scoring.models import AuditEvent, BlockFinalisation, Score, ScoreChange, Stage
from scoring.survey.models import Survey, SurveyResponse
from scoring.survey.selectors import response_checks, response_flags, survey_points
from scoring.survey.services import response_exclude, response_restore, response_submit, survey_points_record
from tests.scoring.survey.conftest import add_question, respondent

pytestmark = pytest.mark.django_db


def answer(world, person, first: str, second: str, *, seconds: int = 45, address: str = "203.0.113.5"):
    by_label = {
        (question.pk, level.label): level.pk
        for question in (world["q1"], world["q2"])
        for level in question.levels.all()
    }
    return response_submit(
        respondent=person,
        choices={world["q1"].pk: by_label[(world["q1"].pk, first)], world["q2"].pk: by_label[(world["q2"].pk, second)]},
        seconds_taken=seconds,
        address=address,
    )


@pytest.fixture
def answered(open_survey):
    """Hạ Đình: 100+60, 60+20, 0+0 → 240 of 600 = 40 %; Kim Giang: 100+100, 60+20 → 280 of 400 = 70 %."""
    w = open_survey
    an, binh, minh_chau, cuc, dung = w["respondents"]
    w["responses"] = {
        "an": answer(w, an, "Rất hài lòng", "Hài lòng"),
        "binh": answer(w, binh, "Hài lòng", "Chưa hài lòng", seconds=4),
        "minh_chau": answer(w, minh_chau, "Không hài lòng", "Không hài lòng"),
        "cuc": answer(w, cuc, "Rất hài lòng", "Rất hài lòng", address="198.51.100.20"),
        "dung": answer(w, dung, "Hài lòng", "Chưa hài lòng", address="198.51.100.21"),
    }
    return w


def close(survey: Survey) -> None:
    Survey.objects.filter(pk=survey.pk).update(closed_at=timezone.now())
    survey.refresh_from_db()


def test_points_are_the_maximum_times_the_weighted_share(answered, django_assert_num_queries):
    w = answered
    with django_assert_num_queries(1):
        rows = survey_points([w["survey"].pk])

    assert [(row.unit_id, row.criterion_id, row.responses, row.answers, row.points) for row in rows] == [
        (w["units"]["ha-dinh"].pk, w["criterion"].pk, 3, 6, Decimal("0.40")),
        (w["units"]["kim-giang"].pk, w["criterion"].pk, 2, 4, Decimal("0.70")),
    ]


def test_an_excluded_response_does_not_count(answered):
    w = answered
    response_exclude(actor=w["member"], response=w["responses"]["minh_chau"], reason="Trả lời hộ, không phải người dân")

    points = {row.unit_id: row.points for row in survey_points([w["survey"].pk])}

    assert points[w["units"]["ha-dinh"].pk] == Decimal("0.60")
    event = AuditEvent.objects.get(action="survey.response_exclude")
    assert event.actor == w["member"]
    assert event.data["reason"] == "Trả lời hộ, không phải người dân"

    response_restore(actor=w["member"], response=w["responses"]["minh_chau"], reason="Đã xác minh là người dân")
    assert {row.unit_id: row.points for row in survey_points([w["survey"].pk])}[w["units"]["ha-dinh"].pk] == Decimal(
        "0.40"
    )
    assert AuditEvent.objects.get(action="survey.response_restore").data["previous_reason"] == (
        "Trả lời hộ, không phải người dân"
    )


def test_an_exclusion_needs_a_reason_and_a_council_seat_without_conflict(answered):
    w = answered
    target = w["responses"]["an"]  # Hạ Đình, where hoidong2 works
    with pytest.raises(ValidationError) as error:
        response_exclude(actor=w["member"], response=target, reason="  ")
    assert error.value.messages == ["Hãy ghi lý do loại phiếu trả lời."]
    for person in (w["conflicted"], w["leadership"], w["staff"]):
        with pytest.raises(PermissionDenied):
            response_exclude(actor=person, response=target, reason="Nghi ngờ")
    assert SurveyResponse.objects.filter(is_excluded=True).count() == 0
    assert not AuditEvent.objects.filter(action="survey.response_exclude").exists()


def test_recording_writes_round_one_scores_through_the_score_history(answered):
    w = answered
    close(w["survey"])

    result = survey_points_record(actor=w["secretary"], survey=w["survey"])

    assert (result.changed, result.unchanged, result.without_sheet) == (2, 0, [])
    scores = {
        score.assessment.unit.code: score
        for score in Score.objects.filter(stage=Stage.ROUND_1, criterion=w["criterion"]).select_related(
            "assessment__unit"
        )
    }
    assert {code: score.points for code, score in scores.items()} == {
        "ha-dinh": Decimal("0.40"),
        "kim-giang": Decimal("0.70"),
    }
    assert scores["ha-dinh"].explanation == (
        "Tính từ kết quả khảo sát trong cổng: 3 phiếu trả lời, tỷ lệ có trọng số 40% × 1 điểm."
    )
    assert scores["ha-dinh"].updated_by == w["secretary"]
    assert ScoreChange.objects.filter(score__in=scores.values()).count() == 2
    assert AuditEvent.objects.get(action="survey.points_record").data["scores"] == [
        {"unit": "ha-dinh", "criterion": "2.3", "points": "0.40"},
        {"unit": "kim-giang", "criterion": "2.3", "points": "0.70"},
    ]

    # again after an exclusion: only the changed unit moves, with a new version
    response_exclude(actor=w["member"], response=w["responses"]["minh_chau"], reason="Trùng người")
    again = survey_points_record(actor=w["secretary"], survey=w["survey"])
    assert (again.changed, again.unchanged) == (1, 1)
    score = Score.objects.get(stage=Stage.ROUND_1, criterion=w["criterion"], assessment=w["sheets"]["ha-dinh"])
    assert (score.points, score.version) == (Decimal("0.60"), 2)


def test_units_without_a_submitted_sheet_are_named_and_left_out(answered):
    w = answered
    thuong_dinh = w["units"]["thuong-dinh"]
    late = respondent(w["survey"], thuong_dinh, "Vũ Thị Én", imported_by=w["secretary"])
    answer(w, late, "Hài lòng", "Hài lòng")
    close(w["survey"])

    result = survey_points_record(actor=w["secretary"], survey=w["survey"])

    assert (result.changed, result.without_sheet) == (2, ["UBND phường Thượng Đình"])
    assert not Score.objects.filter(assessment=w["sheets"]["thuong-dinh"], stage=Stage.ROUND_1).exists()


@pytest.mark.parametrize(
    ("situation", "error"),
    [
        ("open", "Cuộc khảo sát chưa kết thúc: hãy đóng khảo sát hoặc chờ hết hạn nhận phiếu."),
        ("finalised", "Khối “Khối phường” đã chốt kết quả thẩm định."),
    ],
)
def test_recording_is_refused_while_open_or_once_the_block_is_closed(answered, situation, error):
    w = answered
    if situation == "finalised":
        close(w["survey"])
        BlockFinalisation.objects.create(period=w["period"], block=w["block"], finalised_by=w["member"])

    with pytest.raises(ValidationError) as refused:
        survey_points_record(actor=w["secretary"], survey=w["survey"])

    assert refused.value.messages == [error]
    assert not Score.objects.filter(stage=Stage.ROUND_1).exists()
    assert not AuditEvent.objects.filter(action="survey.points_record").exists()


def test_a_year_without_survey_records_no_survey_points(answered):
    w = answered
    close(w["survey"])
    type(w["period"]).objects.filter(pk=w["period"].pk).update(has_survey=False)

    with pytest.raises(ValidationError) as refused:
        survey_points_record(actor=w["secretary"], survey=w["survey"])

    assert refused.value.messages == [
        "Kỳ đánh giá năm 2023 không điều tra xã hội học: chỉ số được tính không gồm phần điều tra, "
        "nên không ghi điểm khảo sát."
    ]
    assert not Score.objects.filter(stage=Stage.ROUND_1).exists()


def test_only_the_secretary_records(answered):
    w = answered
    close(w["survey"])
    for person in (w["member"], w["leadership"], w["staff"]):
        with pytest.raises(PermissionDenied):
            survey_points_record(actor=person, survey=w["survey"])
    assert not Score.objects.filter(stage=Stage.ROUND_1).exists()


def test_advisory_checks_flag_but_never_exclude(open_survey):
    w = open_survey
    q3 = add_question(w["survey"], w["criterion"], "3", "Ông/Bà có được hướng dẫn đầy đủ không?")
    kim_giang = w["units"]["kim-giang"]
    people = [respondent(w["survey"], kim_giang, f"Người dân {n}", imported_by=w["secretary"]) for n in range(5)]
    first = {q.pk: q.levels.all()[0].pk for q in (w["q1"], w["q2"], q3)}
    for person in people:  # five identical answer sets, all "Rất hài lòng", from one network, in 5 s
        response_submit(respondent=person, choices=first, seconds_taken=5, address="100.64.7.20")
    varied = {
        w["q1"].pk: w["q1"].levels.all()[1].pk,
        w["q2"].pk: w["q2"].levels.all()[0].pk,
        q3.pk: q3.levels.all()[2].pk,
    }
    honest = response_submit(respondent=w["respondents"][0], choices=varied, seconds_taken=80, address="203.0.113.9")

    found = {
        response.pk: response_flags(response, question_count=3)
        for response in response_checks(w["survey"], question_count=3)
    }

    assert found[honest.pk] == []
    flags = found[SurveyResponse.objects.get(respondent=people[0]).pk]
    assert flags == [
        "Trả lời trong 5 giây, nhanh hơn thời gian đọc hợp lý (9 giây).",
        "Mọi câu cùng một mức trả lời.",
        "5 phiếu của đơn vị có cùng một dãy câu trả lời.",
        "5 phiếu của đơn vị gửi từ cùng một mạng.",
    ]
    assert SurveyResponse.objects.filter(is_excluded=True).count() == 0


def test_results_page_shows_rates_points_and_distribution(client, answered, django_assert_num_queries):
    w = answered
    client.force_login(w["member"])
    url = reverse("survey_results", args=[w["survey"].pk])
    client.get(url)

    with django_assert_num_queries(15):
        page = client.get(url)

    content = page.content.decode()
    assert "Cỡ mẫu 5 người, 5 phiếu trả lời, 0 phiếu bị Hội đồng loại." in content
    assert "Tiêu chí 2.3 (tối đa 1)" in content
    assert '<td class="numeric">100%</td>' in content  # Hạ Đình: 3 of 3, Kim Giang: 2 of 2
    assert "<strong>0,4</strong>" in content and "<strong>0,7</strong>" in content
    assert "Nguyễn Văn An" not in content and "an@example.vn" not in content
    assert "Ghi điểm khảo sát" not in content  # only the secretary records


def test_a_conflicted_member_sees_neither_the_units_results_nor_its_responses(client, answered):
    w = answered
    client.force_login(w["conflicted"])

    results = client.get(reverse("survey_results", args=[w["survey"].pk])).content.decode()
    responses = client.get(reverse("survey_responses", args=[w["survey"].pk])).content.decode()
    exclusion = client.post(
        reverse("survey_response_exclude", args=[w["survey"].pk, w["responses"]["an"].pk]), {"reason": "Thử"}
    )

    assert "UBND phường Hạ Đình" not in results and "UBND phường Kim Giang" in results
    assert results.count("(2 câu trả lời)") == 2  # the distribution counts Kim Giang's two responses only
    assert "UBND phường Hạ Đình" not in responses and responses.count('data-testid="response-row"') == 2
    assert exclusion.status_code == 404
    assert not SurveyResponse.objects.filter(is_excluded=True).exists()


def test_the_council_excludes_a_response_from_the_page_with_a_reason(client, answered):
    w = answered
    client.force_login(w["member"])
    target = w["responses"]["binh"]
    url = reverse("survey_response_exclude", args=[w["survey"].pk, target.pk])

    refused = client.post(url, {"reason": ""})
    assert not SurveyResponse.objects.get(pk=target.pk).is_excluded
    done = client.post(url, {"reason": "Trả lời trong 4 giây"})
    page = client.get(reverse("survey_responses", args=[w["survey"].pk]) + "?flagged=1")

    assert refused.status_code == 302 and done.status_code == 302
    target.refresh_from_db()
    assert (target.is_excluded, target.exclusion_reason, target.excluded_by) == (
        True,
        "Trả lời trong 4 giây",
        w["member"],
    )
    content = page.content.decode()
    assert "Trả lời trong 4 giây, nhanh hơn thời gian đọc hợp lý (6 giây)." in content
    assert "<strong>Đã loại</strong>: Trả lời trong 4 giây" in content
    assert "Trần Thị Bình" not in content


def test_leadership_reads_but_cannot_exclude(client, answered):
    w = answered
    client.force_login(w["leadership"])
    target = w["responses"]["binh"]

    page = client.get(reverse("survey_responses", args=[w["survey"].pk]))
    refused = client.post(
        reverse("survey_response_exclude", args=[w["survey"].pk, target.pk]), {"reason": "Không hợp lệ"}
    )

    assert page.status_code == 200 and "Loại phiếu" not in page.content.decode()
    assert refused.status_code == 403
    assert not SurveyResponse.objects.filter(is_excluded=True).exists()


def test_the_secretary_records_from_the_results_page(client, answered):
    w = answered
    close(w["survey"])
    client.force_login(w["secretary"])

    response = client.post(reverse("survey_record", args=[w["survey"].pk]), follow=True)

    assert "Đã ghi 2 điểm khảo sát vào phiếu đánh giá (thẩm định vòng 1)." in response.content.decode()
    assert Score.objects.filter(stage=Stage.ROUND_1, criterion=w["criterion"]).count() == 2


def test_the_export_is_anonymous(client, answered):
    w = answered
    response_exclude(actor=w["member"], response=w["responses"]["minh_chau"], reason="Trùng người")
    client.force_login(w["leadership"])

    response = client.get(reverse("survey_export", args=[w["survey"].pk]))

    workbook = load_workbook(io.BytesIO(response.content))
    rows = [row[:3] + row[4:] for row in workbook["Phieu tra loi"].values]  # the date column varies
    assert rows[0] == (
        "Đơn vị",
        "Phiếu số",
        "Nhóm",
        "Thời gian trả lời (giây)",
        "Câu 1",
        "Câu 2",
        "Bị loại",
        "Lý do loại",
    )
    assert rows[1:] == [
        ("UBND phường Hạ Đình", 1, "Người dân", 45, "Rất hài lòng", "Hài lòng", None, None),
        ("UBND phường Hạ Đình", 2, "Người dân", 4, "Hài lòng", "Chưa hài lòng", None, None),
        ("UBND phường Hạ Đình", 3, "Doanh nghiệp", 45, "Không hài lòng", "Không hài lòng", "Có", "Trùng người"),
        ("UBND phường Kim Giang", 1, "Người dân", 45, "Rất hài lòng", "Rất hài lòng", None, None),
        ("UBND phường Kim Giang", 2, "Người dân", 45, "Hài lòng", "Chưa hài lòng", None, None),
    ]
    flat = " ".join(str(value) for row in workbook["Phieu tra loi"].values for value in row)
    for person in w["respondents"]:
        assert person.name not in flat and person.token not in flat
    assert "an@example.vn" not in flat
