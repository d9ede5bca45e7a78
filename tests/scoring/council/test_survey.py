"""Survey points import: a real .xlsx round trip, every bad row reported, nothing saved on error."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from scoring.council.survey import survey_import, survey_template
from scoring.models import AuditEvent, Criterion, Period, Score, ScoreChange, Stage
from tests.factories import survey_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(council_world):
    Period.objects.filter(pk=council_world["period"].pk).update(state=Period.State.APPRAISAL)
    council_world["period"].refresh_from_db()
    council_world["survey"] = Criterion.objects.get(framework=council_world["framework"], code="2.3")
    return council_world


def test_template_lists_every_submitted_unit_and_survey_criterion(world):
    workbook = load_workbook(io.BytesIO(survey_template(period=world["period"])))
    rows = [row for row in workbook.active.iter_rows(values_only=True)]
    assert rows == [
        ("Mã đơn vị", "Tên đơn vị", "Mã tiêu chí", "Nội dung tiêu chí", "Điểm tối đa", "Điểm", "Ghi chú"),
        ("ha-dinh", "UBND phường Hạ Đình", "2.3", "Mức độ hài lòng của người dân", 1, None, None),
    ]


def test_round_trip_writes_round_one_scores_with_history(world):
    w = world
    workbook = load_workbook(io.BytesIO(survey_template(period=w["period"])))
    sheet = workbook.active
    sheet["F2"] = 0.75
    sheet["G2"] = "Phiếu khảo sát quý IV"
    output = io.BytesIO()
    workbook.save(output)

    result = survey_import(actor=w["secretary"], period=w["period"], file=output.getvalue())

    assert (result.changed, result.unchanged) == (1, 0)
    score = Score.objects.get(assessment=w["sheet"], criterion=w["survey"], stage=Stage.ROUND_1)
    assert (score.points, score.value, score.version, score.updated_by) == (
        Decimal("0.75"),
        Decimal("0.75"),
        1,
        w["secretary"],
    )
    assert score.explanation == "Nhập từ kết quả điều tra xã hội học: Phiếu khảo sát quý IV"
    change = ScoreChange.objects.get(score=score)
    assert (change.old_points, change.new_points) == (None, Decimal("0.75"))
    event = AuditEvent.objects.get(action="survey.import")
    assert event.data == {"scores": [{"unit": "ha-dinh", "criterion": "2.3", "points": "0.75"}]}

    # the template now carries the imported points; importing it again changes nothing
    again = survey_template(period=w["period"])
    assert load_workbook(io.BytesIO(again)).active["F2"].value == 0.75
    second = survey_import(
        actor=w["secretary"], period=w["period"], file=survey_xlsx([("ha-dinh", "2.3", 0.75, "Phiếu khảo sát quý IV")])
    )
    assert (second.changed, second.unchanged) == (0, 1)
    assert ScoreChange.objects.count() == 1


def test_a_new_value_bumps_the_version(world):
    w = world
    survey_import(actor=w["secretary"], period=w["period"], file=survey_xlsx([("ha-dinh", "2.3", 1)]))
    survey_import(actor=w["secretary"], period=w["period"], file=survey_xlsx([("ha-dinh", "2.3", "0,5")]))
    score = Score.objects.get(assessment=w["sheet"], criterion=w["survey"], stage=Stage.ROUND_1)
    assert (score.points, score.version, score.explanation) == (
        Decimal("0.50"),
        2,
        "Nhập từ kết quả điều tra xã hội học",
    )


def test_every_bad_row_is_reported_and_nothing_is_saved(world):
    w = world
    rows = [
        ("ha-dinh", "2.3", 0.5),  # line 2: fine
        ("khong-co", "2.3", 1),  # 3
        ("kim-giang", "2.3", 1),  # 4: draft sheet
        ("ha-dinh", "9.9", 1),  # 5
        ("ha-dinh", "2.1", 1),  # 6: manual, not survey
        ("ha-dinh", "2", 1),  # 7: an area
        ("ha-dinh", "2.3", 0.25),  # 8: duplicate
    ]
    other_rows = [
        ("ha-dinh", "2.3", 1.5),
        ("ha-dinh", "2.3", "nhiều"),
        ("ha-dinh", "2.3", 0.125),
        ("ha-dinh", "2.3", -1),
        ("ha-dinh", "2.3", None),
    ]
    with pytest.raises(ValidationError) as error:
        survey_import(actor=w["secretary"], period=w["period"], file=survey_xlsx(rows))
    assert error.value.messages == [
        "Dòng 3: Không có đơn vị mã “khong-co”.",
        "Dòng 4: UBND phường Kim Giang chưa nộp phiếu tự đánh giá nên chưa nhập được điểm điều tra.",
        "Dòng 5: Tiêu chí “9.9” không có trong bộ chỉ số của UBND phường Hạ Đình.",
        "Dòng 6: Tiêu chí 2.1 không phải tiêu chí điều tra xã hội học (cách chấm: Chấm trực tiếp).",
        "Dòng 7: Tiêu chí 2 không phải tiêu chí điều tra xã hội học (cách chấm: tổng hợp tiêu chí con).",
        "Dòng 8: ha-dinh – tiêu chí 2.3 đã có ở dòng 2; mỗi đơn vị và tiêu chí chỉ một dòng.",
    ]
    messages = []
    for row in other_rows:
        with pytest.raises(ValidationError) as error:
            survey_import(actor=w["secretary"], period=w["period"], file=survey_xlsx([row]))
        messages += error.value.messages
    assert messages == [
        "Dòng 2: Điểm 1,5 ngoài khoảng 0 đến 1 của tiêu chí 2.3.",
        "Dòng 2: Điểm “nhiều” không phải là số.",
        "Dòng 2: Điểm 0,125 có quá 2 chữ số thập phân.",
        "Dòng 2: Điểm -1 ngoài khoảng 0 đến 1 của tiêu chí 2.3.",
        "Dòng 2: Chưa nhập điểm.",
    ]
    assert Score.objects.filter(stage=Stage.ROUND_1).count() == 0
    assert AuditEvent.objects.count() == 0


def test_missing_columns_and_foreign_files_are_refused(world):
    w = world
    with pytest.raises(ValidationError) as error:
        survey_import(
            actor=w["secretary"],
            period=w["period"],
            file=survey_xlsx([("ha-dinh", "2.3")], headers=("Mã đơn vị", "Mã tiêu chí")),
        )
    assert error.value.messages == ["Dòng 1: Thiếu cột “Điểm”."]
    with pytest.raises(ValidationError) as error:
        survey_import(actor=w["secretary"], period=w["period"], file=b"Ma don vi;Diem\n")
    assert error.value.messages == [
        "Tệp không phải bảng tính Excel (.xlsx) đọc được; hãy dùng tệp xuất từ cổng hoặc lưu lại dưới dạng .xlsx."
    ]
    with pytest.raises(ValidationError) as error:
        survey_import(actor=w["secretary"], period=w["period"], file=survey_xlsx([]))
    assert error.value.messages == ["Tệp không có dòng điểm nào (từ dòng 2 trở đi)."]


@pytest.mark.parametrize("who", ["member", "chair", "leadership", "head"])
def test_only_the_secretary_imports(world, who):
    w = world
    with pytest.raises(PermissionDenied):
        survey_import(actor=w[who], period=w["period"], file=survey_xlsx([("ha-dinh", "2.3", 1)]))
    assert Score.objects.filter(stage=Stage.ROUND_1).count() == 0
    assert AuditEvent.objects.count() == 0


def test_import_is_refused_outside_appraisal(world):
    w = world
    Period.objects.filter(pk=w["period"].pk).update(state=Period.State.PRELIMINARY)
    w["period"].refresh_from_db()
    with pytest.raises(PermissionDenied):
        survey_import(actor=w["secretary"], period=w["period"], file=survey_xlsx([("ha-dinh", "2.3", 1)]))
    assert Score.objects.count() == 0
