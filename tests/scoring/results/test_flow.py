"""From preliminary results through objections to a frozen, versioned publication."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from scoring import models
from scoring.results.compute import unit_results
from scoring.results.services import objection_file, objection_resolve, results_publish, results_release_preliminary
from scoring.rules import Entry
from scoring.sheets.services import ScoreInput
from tests.factories import FULL, release_preliminary

pytestmark = pytest.mark.django_db

DECISION_DATE = datetime.date(2023, 1, 16)


def publish(actor, period, *, number="15/QĐ-UBND", **fields):
    """Sign decision `number` of DECISION_DATE as `actor` (`now=` for a moment after the objection window)."""
    return results_publish(actor=actor, period=period, decision_number=number, decision_date=DECISION_DATE, **fields)


def test_preliminary_release_needs_every_block_closed(setting):
    models.BlockFinalisation.objects.all().delete()
    with pytest.raises(ValidationError) as error:
        release_preliminary(setting["period"], setting["secretary"])
    assert error.value.messages == [f"Khối “{setting['framework'].block.name}” chưa được chốt kết quả thẩm định."]
    setting["period"].refresh_from_db()
    assert setting["period"].state == models.Period.State.APPRAISAL
    assert not models.AuditEvent.objects.filter(action="results.release_preliminary").exists()


def test_only_the_secretary_releases_preliminary_results(setting):
    with pytest.raises(PermissionDenied):
        results_release_preliminary(
            actor=setting["leader"], period=setting["period"], objection_deadline=timezone.now() + datetime.timedelta(1)
        )
    setting["period"].refresh_from_db()
    assert setting["period"].state == models.Period.State.APPRAISAL


def test_an_objection_filed_in_the_window_and_accepted_writes_round_two_and_changes_the_result(setting):
    # given preliminary results: Hạ Đình 8.5 of an adjusted 9 (94.44), Kim Giang 9 of 10 (90.00)
    period = release_preliminary(setting["period"], setting["secretary"])
    assert period.state == models.Period.State.PRELIMINARY
    before = unit_results(period).get(unit__name="Hạ Đình")
    assert (before.points, before.index) == (Decimal("8.50"), Decimal("94.44"))

    # when the unit objects to 2.1 and the secretary accepts with 1.5
    objection = objection_file(
        actor=setting["staff"], assessment=setting["ha_dinh"], criterion=setting["criterion"], text="Đã có hồ sơ đầy đủ"
    )
    assert (objection.state, objection.old_points) == (models.Objection.State.FILED, Decimal("1.00"))
    resolved = objection_resolve(
        actor=setting["secretary"],
        objection=objection,
        accept=True,
        reason="Hồ sơ bổ sung hợp lệ",
        data=ScoreInput(entry=Entry(value=Decimal("1.5"))),
    )

    # then a round-2 score carries the resolution reason and the live result follows
    assert (resolved.state, resolved.new_points) == (models.Objection.State.ACCEPTED, Decimal("1.5"))
    round_two = models.Score.objects.get(
        assessment=setting["ha_dinh"], criterion=setting["criterion"], stage=models.Stage.ROUND_2
    )
    assert (round_two.points, round_two.explanation) == (Decimal("1.50"), "Hồ sơ bổ sung hợp lệ")
    after = unit_results(period).get(unit__name="Hạ Đình")
    assert (after.points, after.index, after.band) == (Decimal("9.00"), Decimal("100.00"), "Tốt")


def test_a_rejected_objection_keeps_the_score(setting):
    release_preliminary(setting["period"], setting["secretary"])
    objection = objection_file(
        actor=setting["head"], assessment=setting["ha_dinh"], criterion=setting["criterion"], text="Đề nghị xem lại"
    )
    resolved = objection_resolve(
        actor=setting["secretary"], objection=objection, accept=False, reason="Hồ sơ không chứng minh được"
    )
    assert (resolved.state, resolved.new_points, resolved.resolution) == (
        models.Objection.State.REJECTED,
        Decimal("1.00"),
        "Hồ sơ không chứng minh được",
    )
    assert not models.Score.objects.filter(stage=models.Stage.ROUND_2).exists()
    assert unit_results(setting["period"]).get(unit__name="Hạ Đình").points == Decimal("8.50")


def test_objections_are_refused_after_the_window_and_from_another_unit(setting):
    release_preliminary(setting["period"], setting["secretary"], hours=1)
    later = timezone.now() + datetime.timedelta(hours=2)
    with pytest.raises(PermissionDenied) as error:
        objection_file(
            actor=setting["staff"],
            assessment=setting["ha_dinh"],
            criterion=setting["criterion"],
            text="Muộn",
            now=later,
        )
    assert str(error.value) == "Đã hết hạn kiến nghị hoặc bạn không có quyền kiến nghị cho đơn vị này."
    with pytest.raises(PermissionDenied):
        objection_file(
            actor=setting["other_staff"], assessment=setting["ha_dinh"], criterion=setting["criterion"], text="Không"
        )
    assert not models.Objection.objects.exists()


def test_publishing_needs_the_decision_and_every_objection_resolved(setting):
    period = release_preliminary(setting["period"], setting["secretary"], hours=1)
    objection_file(
        actor=setting["staff"], assessment=setting["ha_dinh"], criterion=setting["criterion"], text="Xem lại"
    )
    after_window = timezone.now() + datetime.timedelta(hours=2)
    with pytest.raises(ValidationError) as error:
        results_publish(
            actor=setting["leader"], period=period, decision_number="", decision_date=None, now=after_window
        )
    assert error.value.message_dict == {
        "decision_number": ["Hãy nhập số quyết định công bố."],
        "decision_date": ["Hãy nhập ngày ký quyết định."],
    }
    with pytest.raises(ValidationError) as error:
        publish(setting["leader"], period)
    assert error.value.messages == ["Chưa hết hạn kiến nghị kết quả sơ bộ."]
    with pytest.raises(ValidationError) as error:
        publish(setting["leader"], period, now=after_window)
    assert error.value.messages == ["Còn 1 kiến nghị chưa được giải quyết."]
    with pytest.raises(PermissionDenied):
        publish(setting["secretary"], period, now=after_window)
    assert not models.ResultPublication.objects.exists()


def test_publication_freezes_a_snapshot_and_a_correction_is_a_new_readable_version(setting):
    period = release_preliminary(setting["period"], setting["secretary"], hours=1)
    after_window = timezone.now() + datetime.timedelta(hours=2)

    first = publish(setting["leader"], period, now=after_window)

    period.refresh_from_db()
    assert period.state == models.Period.State.PUBLISHED
    assert (first.version, first.ranking_method) == (1, "rank")
    rows = list(first.rows.values_list("unit_name", "rank", "points", "max_points", "adjusted_max", "index", "band"))
    assert rows == [
        ("Hạ Đình", 1, Decimal("8.50"), Decimal("10.00"), Decimal("9.00"), Decimal("94.44"), "Tốt"),
        ("Kim Giang", 2, Decimal("9.00"), Decimal("10.00"), Decimal("10.00"), Decimal("90.00"), "Tốt"),
    ]
    ha_dinh = first.rows.get(unit_name="Hạ Đình")
    assert ha_dinh.head_name == "Lê Văn Trưởng"
    assert list(ha_dinh.areas.values_list("code", "points", "adjusted_max", "index")) == [
        ("1", Decimal("5.00"), Decimal("5.00"), Decimal("100.00")),
        ("2", Decimal("3.50"), Decimal("4.00"), Decimal("87.50")),
    ]
    na = ha_dinh.criteria.get(code="1.3")
    assert (na.self_points, na.is_self_not_applicable, na.final_points, na.is_not_applicable, na.reason) == (
        None,
        True,
        None,
        True,
        "Không có chức năng kiểm tra",
    )
    assert list(ha_dinh.criteria.values_list("code", flat=True)) == list(FULL)  # every leaf, in tree order

    # when a score is edited after publication, the published figures do not move
    models.Score.objects.filter(
        assessment=setting["ha_dinh"], criterion=setting["criterion"], stage=models.Stage.ROUND_1
    ).update(points=Decimal("1.5"))
    assert unit_results(period).get(unit__name="Hạ Đình").points == Decimal("9.00")
    assert first.rows.get(unit_name="Hạ Đình").points == Decimal("8.50")

    # a correction needs a reason, then becomes version 2; version 1 stays as it was
    with pytest.raises(ValidationError) as error:
        publish(setting["leader"], period, number="20/QĐ-UBND")
    assert error.value.message_dict == {"correction_reason": ["Công bố đính chính cần ghi lý do."]}
    second = results_publish(
        actor=setting["leader"],
        period=period,
        decision_number="20/QĐ-UBND",
        decision_date=datetime.date(2023, 2, 1),
        correction_reason="Sửa điểm tiêu chí 2.1 của Hạ Đình",
    )
    assert second.version == 2
    assert second.rows.get(unit_name="Hạ Đình").index == Decimal("100.00")
    assert first.rows.get(unit_name="Hạ Đình").index == Decimal("94.44")
    assert models.ResultRow.objects.count() == 4
    assert models.ResultAreaRow.objects.count() == 8
    assert models.ResultCriterionRow.objects.count() == 28
    assert models.AuditEvent.objects.filter(action="results.publish").count() == 2
