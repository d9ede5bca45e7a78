"""A block of three wards under appraisal with a survey criterion (2.3, 1 point), and the people around it."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from scoring.models import Assessment, Criterion
from scoring.survey.models import (
    Respondent,
    RespondentGroup,
    Survey,
    SurveyLevel,
    SurveyQuestion,
    SurveyResponse,
)
from scoring.survey.respondents import new_token
from tests.factories import (
    UnitFactory,
    sheet_xlsx,
    user_with_role,
    ward_framework,
)
from units.models import Role

LEVELS = [("Rất hài lòng", "100"), ("Hài lòng", "60"), ("Chưa hài lòng", "20"), ("Không hài lòng", "0")]


def xlsx(rows, headers=("Mã đơn vị", "Tên đơn vị", "Họ và tên", "Nhóm", "Điện thoại", "Thư điện tử")) -> bytes:
    """A respondents workbook as the secretariat fills it in."""
    return sheet_xlsx(rows, headers)


def add_question(survey: Survey, criterion: Criterion, code: str, text: str, levels=LEVELS) -> SurveyQuestion:
    question = SurveyQuestion.objects.create(
        survey=survey, criterion=criterion, code=code, text=text, position=int(code)
    )
    for position, (label, weight) in enumerate(levels):
        SurveyLevel.objects.create(question=question, position=position, label=label, weight=Decimal(weight))
    return question


def respondent(survey: Survey, unit, name: str, **fields) -> Respondent:
    return Respondent.objects.create(
        survey=survey,
        unit=unit,
        name=name,
        group=fields.pop("group", RespondentGroup.CITIZEN),
        token=new_token(),
        imported_by=fields.pop("imported_by"),
        **fields,
    )


def bulk_responses(world, unit, count: int, **fields) -> list[SurveyResponse]:
    """count respondents of unit who have answered (responses without answers unless the caller adds them); fields
    set on every response, or per response when a callable of its number."""
    people = Respondent.objects.bulk_create(
        Respondent(
            survey=world["survey"],
            unit=unit,
            name=f"Người dân {unit.code} {number}",
            group=RespondentGroup.CITIZEN,
            token=new_token(),
            imported_by=world["secretary"],
        )
        for number in range(count)
    )
    return SurveyResponse.objects.bulk_create(
        SurveyResponse(
            respondent=person,
            survey=world["survey"],
            unit=unit,
            group=RespondentGroup.CITIZEN,
            **{name: value(number) if callable(value) else value for name, value in fields.items()},
        )
        for number, person in enumerate(people)
    )


@pytest.fixture
def survey_world(db):
    framework = ward_framework(2023, name="Bộ chỉ số phường 2023", deadline=timezone.now() - datetime.timedelta(days=5))
    period, block = framework.period, framework.block
    units = {
        code: UnitFactory(block=block, code=code, name=name, position=position)
        for position, (code, name) in enumerate(
            [
                ("ha-dinh", "UBND phường Hạ Đình"),
                ("kim-giang", "UBND phường Kim Giang"),
                ("thuong-dinh", "UBND phường Thượng Đình"),
            ]
        )
    }
    secretary = user_with_role(Role.COUNCIL_SECRETARY, username="thuky", full_name="Trần Thị Thư Ký")
    member = user_with_role(Role.COUNCIL_MEMBER, username="hoidong1", full_name="Lê Văn Hội Đồng")
    conflicted = user_with_role(
        Role.COUNCIL_MEMBER, username="hoidong2", full_name="Phạm Văn Xung Đột", home_unit=units["ha-dinh"]
    )
    leadership = user_with_role(Role.LEADERSHIP, username="lanhdao")
    staff = user_with_role(Role.UNIT_STAFF, units["ha-dinh"], username="canbo.hadinh")
    head = user_with_role(Role.UNIT_HEAD, units["ha-dinh"], username="truong.hadinh")
    sheets = {
        code: Assessment.objects.create(
            period=period,
            unit=unit,
            framework=framework,
            state=Assessment.State.SUBMITTED if code != "thuong-dinh" else Assessment.State.DRAFT,
            submitted_at=timezone.now() - datetime.timedelta(days=6) if code != "thuong-dinh" else None,
            submitted_by=head if code != "thuong-dinh" else None,
        )
        for code, unit in units.items()
    }
    from scoring.models import CouncilMembership

    CouncilMembership.objects.create(period=period, user=member, is_chair=True)
    CouncilMembership.objects.create(period=period, user=conflicted)
    survey = Survey.objects.create(period=period, framework=framework, title="Khảo sát sự hài lòng khối phường 2023")
    criterion = Criterion.objects.get(framework=framework, code="2.3")
    return {
        "authority": period.authority,
        "block": block,
        "period": period,
        "framework": framework,
        "units": units,
        "sheets": sheets,
        "secretary": secretary,
        "member": member,
        "conflicted": conflicted,
        "leadership": leadership,
        "staff": staff,
        "head": head,
        "survey": survey,
        "criterion": criterion,
    }


def open_now(survey: Survey, *, days: int = 7) -> Survey:
    """Open the window from a minute ago, as survey_open would have (questions already in place)."""
    now = timezone.now()
    Survey.objects.filter(pk=survey.pk).update(
        opens_at=now - datetime.timedelta(minutes=1), closes_at=now + datetime.timedelta(days=days), opened_at=now
    )
    survey.refresh_from_db()
    return survey


@pytest.fixture
def open_survey(survey_world):
    """Two questions on 2.3, opened, with three named respondents at Hạ Đình and two at Kim Giang."""
    w = survey_world
    w["q1"] = add_question(w["survey"], w["criterion"], "1", "Ông/Bà hài lòng thế nào với thái độ của công chức?")
    w["q2"] = add_question(w["survey"], w["criterion"], "2", "Ông/Bà hài lòng thế nào với thời gian giải quyết hồ sơ?")
    open_now(w["survey"])
    ha_dinh, kim_giang = w["units"]["ha-dinh"], w["units"]["kim-giang"]
    w["respondents"] = [
        respondent(w["survey"], ha_dinh, "Nguyễn Văn An", email="an@example.vn", imported_by=w["secretary"]),
        respondent(w["survey"], ha_dinh, "Trần Thị Bình", phone="0912345678", imported_by=w["secretary"]),
        respondent(
            w["survey"], ha_dinh, "Công ty TNHH Minh Châu", group=RespondentGroup.BUSINESS, imported_by=w["secretary"]
        ),
        respondent(w["survey"], kim_giang, "Lê Thị Cúc", email="cuc@example.vn", imported_by=w["secretary"]),
        respondent(w["survey"], kim_giang, "Hoàng Văn Dũng", imported_by=w["secretary"]),
    ]
    return w
