"""The questionnaire: questions mapped to survey criteria, problems shown before opening, frozen once open, cloned."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from scoring.frameworks.services import framework_clone
from scoring.models import AuditEvent, Criterion, Framework, Period
from scoring.survey import services
from scoring.survey.forms import parse_levels
from scoring.survey.models import Survey, SurveyLevel, SurveyQuestion
from tests.scoring.survey.conftest import add_question

pytestmark = pytest.mark.django_db

A_TO_D = [("Rất hài lòng", Decimal("100")), ("Hài lòng", Decimal("60")), ("Chưa hài lòng", Decimal("20"))]


def window(days: int = 10):
    now = timezone.now()
    return {"opens_at": now, "closes_at": now + datetime.timedelta(days=days)}


def test_levels_are_read_one_per_line_with_their_weight():
    assert parse_levels("Rất hài lòng : 100\nHài lòng: 60%\n\nChưa hài lòng : 12,5") == [
        ("Rất hài lòng", Decimal("100")),
        ("Hài lòng", Decimal("60")),
        ("Chưa hài lòng", Decimal("12.5")),
    ]
    with pytest.raises(ValidationError) as error:
        parse_levels("Rất hài lòng\nHài lòng : sáu mươi\nKém : 120")
    assert error.value.messages == [
        "Dòng 1: hãy ghi “Mức trả lời : trọng số”, ví dụ “Hài lòng : 60”.",
        "Dòng 2: trọng số “sáu mươi” không phải là số.",
        "Dòng 3: trọng số phải từ 0 đến 100, tối đa 2 chữ số thập phân.",
    ]


def test_the_secretary_adds_questions_and_each_is_audited(survey_world):
    w = survey_world

    question = services.question_add(
        actor=w["secretary"], survey=w["survey"], criterion=w["criterion"], text="Thái độ phục vụ?", levels=A_TO_D
    )
    second = services.question_add(
        actor=w["secretary"], survey=w["survey"], criterion=w["criterion"], text="Thời gian giải quyết?", levels=A_TO_D
    )

    assert (question.code, second.code) == ("1", "2")
    assert list(question.levels.values_list("position", "label", "weight")) == [
        (0, "Rất hài lòng", Decimal("100.00")),
        (1, "Hài lòng", Decimal("60.00")),
        (2, "Chưa hài lòng", Decimal("20.00")),
    ]
    assert [event.data["criterion"] for event in AuditEvent.objects.filter(action="survey.question_add")] == [
        "2.3",
        "2.3",
    ]


def test_a_question_must_count_towards_a_survey_criterion_of_this_framework(survey_world):
    w = survey_world
    levels_rule = Criterion.objects.get(framework=w["framework"], code="1.1.1")

    with pytest.raises(ValidationError) as error:
        services.question_add(
            actor=w["secretary"], survey=w["survey"], criterion=levels_rule, text="", levels=A_TO_D[:1]
        )

    assert error.value.messages == [
        "Tiêu chí được chọn không phải tiêu chí điều tra xã hội học của bộ chỉ số này.",
        "Hãy nhập nội dung câu hỏi.",
        "Câu hỏi cần ít nhất hai mức trả lời.",
    ]
    assert SurveyQuestion.objects.count() == 0
    assert not AuditEvent.objects.filter(action="survey.question_add").exists()


def test_unit_staff_and_council_cannot_edit_the_questionnaire(survey_world):
    w = survey_world
    for person in (w["staff"], w["member"], w["leadership"]):
        with pytest.raises(PermissionDenied):
            services.question_add(
                actor=person, survey=w["survey"], criterion=w["criterion"], text="Câu hỏi?", levels=A_TO_D
            )
    assert SurveyQuestion.objects.count() == 0


def test_opening_needs_every_survey_criterion_covered_and_then_freezes_the_questions(survey_world):
    w = survey_world
    with pytest.raises(ValidationError) as error:
        services.survey_open(actor=w["secretary"], survey=w["survey"], **window())
    assert error.value.messages == [
        "Phiếu khảo sát chưa có câu hỏi nào.",
        "Tiêu chí điều tra 2.3 chưa có câu hỏi nào tính điểm.",
    ]
    w["survey"].refresh_from_db()
    assert w["survey"].opened_at is None

    question = add_question(w["survey"], w["criterion"], "1", "Thái độ phục vụ?")
    services.survey_open(actor=w["secretary"], survey=w["survey"], **window())
    w["survey"].refresh_from_db()
    assert w["survey"].is_frozen and w["survey"].state == Survey.State.OPEN

    with pytest.raises(ValidationError) as frozen:
        services.question_add(
            actor=w["secretary"], survey=w["survey"], criterion=w["criterion"], text="Mới?", levels=A_TO_D
        )
    with pytest.raises(ValidationError):
        services.question_remove(actor=w["secretary"], question=question)
    assert frozen.value.messages == [
        "Phiếu khảo sát đã mở nên không sửa được câu hỏi; hãy sao chép sang năm sau để sửa."
    ]
    assert list(SurveyQuestion.objects.values_list("text", flat=True)) == ["Thái độ phục vụ?"]


def test_a_window_must_end_after_it_starts_and_in_the_future(survey_world):
    w = survey_world
    add_question(w["survey"], w["criterion"], "1", "Thái độ phục vụ?")
    now = timezone.now()

    with pytest.raises(ValidationError) as error:
        services.survey_open(
            actor=w["secretary"], survey=w["survey"], opens_at=now - datetime.timedelta(days=3), closes_at=now
        )

    assert error.value.messages == ["Hạn nhận phiếu phải ở sau thời điểm hiện tại."]
    assert Survey.objects.get().opened_at is None


def test_a_year_without_survey_does_not_open_one(survey_world):
    w = survey_world
    add_question(w["survey"], w["criterion"], "1", "Thái độ phục vụ?")
    Period.objects.filter(pk=w["period"].pk).update(has_survey=False)
    w["survey"].refresh_from_db()

    with pytest.raises(ValidationError) as error:
        services.survey_open(actor=w["secretary"], survey=w["survey"], **window())

    assert error.value.messages == [
        "Kỳ đánh giá năm 2023 được đặt là không điều tra xã hội học (trang cài đặt kết quả): không mở khảo sát."
    ]
    assert Survey.objects.get().opened_at is None


def test_closing_stops_the_window(survey_world):
    w = survey_world
    add_question(w["survey"], w["criterion"], "1", "Thái độ phục vụ?")
    services.survey_open(actor=w["secretary"], survey=w["survey"], **window())

    services.survey_close(actor=w["secretary"], survey=w["survey"])

    assert Survey.objects.get().state == Survey.State.CLOSED
    assert list(AuditEvent.objects.filter(action__startswith="survey.").values_list("action", flat=True)) == [
        "survey.close",
        "survey.open",
    ]


def test_next_year_clones_the_questionnaire_onto_the_criteria_of_the_same_code(survey_world):
    w = survey_world
    add_question(w["survey"], w["criterion"], "1", "Thái độ phục vụ?")
    add_question(w["survey"], w["criterion"], "2", "Thời gian giải quyết?")
    next_year = Period.objects.create(authority=w["authority"], year=2024)
    framework = framework_clone(actor=w["secretary"], source=w["framework"], period=next_year)

    clone = services.survey_clone(actor=w["secretary"], source=w["survey"], framework=framework)

    new_criterion = Criterion.objects.get(framework=framework, code="2.3")
    assert clone.title == "Khảo sát sự hài lòng khối phường 2024"
    assert clone.cloned_from == w["survey"] and clone.period == next_year and not clone.is_frozen
    assert list(clone.questions.values_list("code", "text", "criterion")) == [
        ("1", "Thái độ phục vụ?", new_criterion.pk),
        ("2", "Thời gian giải quyết?", new_criterion.pk),
    ]
    assert list(
        SurveyLevel.objects.filter(question__survey=clone, question__code="1").values_list("label", "weight")
    ) == [
        ("Rất hài lòng", Decimal("100.00")),
        ("Hài lòng", Decimal("60.00")),
        ("Chưa hài lòng", Decimal("20.00")),
        ("Không hài lòng", Decimal("0.00")),
    ]
    # the source year is untouched
    assert list(w["survey"].questions.values_list("criterion", flat=True)) == [w["criterion"].pk] * 2


def test_a_block_has_one_questionnaire_per_year(survey_world):
    w = survey_world
    with pytest.raises(ValidationError) as error:
        services.survey_create(actor=w["secretary"], framework=w["framework"])
    assert error.value.messages == ["Khối “Khối phường” đã có phiếu khảo sát năm 2023."]
    assert Survey.objects.count() == 1


def test_the_secretary_builds_the_questionnaire_through_the_pages(client, survey_world):
    w = survey_world
    Survey.objects.all().delete()
    client.force_login(w["secretary"])

    created = client.post(reverse("survey_create", args=[2023]), {"framework": w["framework"].pk, "source": ""})
    survey = Survey.objects.get()
    added = client.post(
        reverse("survey_question_add", args=[survey.pk]),
        {"criterion": w["criterion"].pk, "text": "Thái độ phục vụ?", "levels": "Hài lòng : 100\nKhông hài lòng : 0"},
    )
    page = client.get(reverse("survey_detail", args=[survey.pk]))

    assert created.status_code == 302 and created["Location"] == reverse("survey_detail", args=[survey.pk])
    assert added.status_code == 302
    content = page.content.decode()
    assert "Khảo sát sự hài lòng về Khối phường năm 2023" in content
    assert "Thái độ phục vụ?" in content
    assert "Hài lòng (100%) · Không hài lòng (0%)" in content
    assert "Cần hoàn thiện trước khi mở khảo sát" not in content
    assert f'action="/survey/{survey.pk}/open/"' in content


def test_council_reads_the_questionnaire_but_gets_no_editing_forms(client, open_survey):
    w = open_survey
    client.force_login(w["member"])

    page = client.get(reverse("survey_detail", args=[w["survey"].pk]))

    content = page.content.decode()
    assert page.status_code == 200
    assert "Ông/Bà hài lòng thế nào với thái độ của công chức?" in content
    assert "Thêm câu hỏi" not in content and "Mẫu khảo sát" not in content
    assert client.get(reverse("survey_respondents", args=[w["survey"].pk])).status_code == 404


def test_unit_people_see_no_survey_pages(client, open_survey):
    w = open_survey
    for person in (w["staff"], w["head"]):
        client.force_login(person)
        assert client.get(reverse("survey_list", args=[2023])).status_code == 404
        assert client.get(reverse("survey_detail", args=[w["survey"].pk])).status_code == 404
        assert client.get(reverse("survey_results", args=[w["survey"].pk])).status_code == 404


def test_list_page_query_count_does_not_grow_with_blocks(client, survey_world, django_assert_num_queries):
    w = survey_world
    from tests.factories import BlockFactory, small_framework

    for number in range(4):
        block = BlockFactory(authority=w["authority"], code=f"khoi-{number}", name=f"Khối {number}")
        framework = small_framework(Framework.objects.create(period=w["period"], block=block, name=f"BCS {number}"))
        Survey.objects.create(period=w["period"], framework=framework, title=f"Khảo sát khối {number}")
    client.force_login(w["secretary"])
    client.get(reverse("survey_list", args=[2023]))  # warm the session

    with django_assert_num_queries(9):
        page = client.get(reverse("survey_list", args=[2023]))

    assert page.content.decode().count("Khảo sát khối ") == 4
