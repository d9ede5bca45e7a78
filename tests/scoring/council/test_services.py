"""Council management services: membership, chair, assignments, conflicts, starting appraisal."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from scoring.council import services
from scoring.models import (
    AppraisalAssignment,
    AuditEvent,
    ConflictDeclaration,
    CouncilMembership,
    Criterion,
    Notice,
    Period,
    Score,
    ScoreChange,
    Stage,
)
from tests.factories import ScoreFactory, user_with_role
from units.models import Role

pytestmark = pytest.mark.django_db


def audit_actions(period) -> list[str]:
    return list(AuditEvent.objects.filter(period=period).order_by("id").values_list("action", flat=True))


# ---------------------------------------------------------------------------------------------
# Membership


def test_secretary_adds_a_council_member_with_an_audit_event(council_world):
    w = council_world
    newcomer = user_with_role(Role.COUNCIL_MEMBER, full_name="Hoàng Văn Bình")

    membership = services.council_member_add(actor=w["secretary"], period=w["period"], user=newcomer)

    assert membership.is_chair is False
    assert CouncilMembership.objects.filter(period=w["period"]).count() == 3
    event = AuditEvent.objects.get(action="council.member_add")
    assert (event.actor, event.summary, event.data) == (w["secretary"], "Hoàng Văn Bình", {"user_id": newcomer.pk})


def test_leadership_may_sit_on_the_council(council_world):
    w = council_world
    services.council_member_add(actor=w["secretary"], period=w["period"], user=w["leadership"])
    assert CouncilMembership.objects.filter(period=w["period"], user=w["leadership"]).exists()


@pytest.mark.parametrize("who", ["staff", "nobody"])
def test_people_without_a_council_role_are_refused_and_nothing_changes(council_world, who):
    w = council_world
    with pytest.raises(ValidationError) as error:
        services.council_member_add(actor=w["secretary"], period=w["period"], user=w[who])
    assert error.value.messages == [
        f"{w[who]} chưa có vai trò Thành viên Hội đồng thẩm định (hoặc Thư ký, Lãnh đạo UBND); "
        "hãy giao vai trò trước khi đưa vào Hội đồng."
    ]
    assert CouncilMembership.objects.filter(period=w["period"]).count() == 2
    assert audit_actions(w["period"]) == []


def test_adding_someone_twice_is_refused(council_world):
    w = council_world
    with pytest.raises(ValidationError) as error:
        services.council_member_add(actor=w["secretary"], period=w["period"], user=w["member"])
    assert error.value.messages == [f"Phạm Minh Đức đã là thành viên Hội đồng năm {w['period'].year}."]
    assert audit_actions(w["period"]) == []


@pytest.mark.parametrize("who", ["member", "chair", "leadership", "head", "staff"])
def test_only_the_secretary_manages_the_council(council_world, who):
    w = council_world
    newcomer = user_with_role(Role.COUNCIL_MEMBER)
    with pytest.raises(PermissionDenied):
        services.council_member_add(actor=w[who], period=w["period"], user=newcomer)
    with pytest.raises(PermissionDenied):
        services.council_chair_set(actor=w[who], period=w["period"], user=w["member"])
    with pytest.raises(PermissionDenied):
        services.assignment_add(actor=w[who], period=w["period"], member=w["member"], unit=w["unit"])
    assert CouncilMembership.objects.filter(period=w["period"]).count() == 2
    assert AppraisalAssignment.objects.count() == 0
    assert audit_actions(w["period"]) == []


def test_administrator_stands_in_for_the_secretary(council_world):
    w = council_world
    services.assignment_add(actor=w["administrator"], period=w["period"], member=w["member"], unit=w["unit"])
    assert audit_actions(w["period"]) == ["council.assignment_add"]


def test_nothing_is_managed_once_the_period_is_published(council_world):
    w = council_world
    Period.objects.filter(pk=w["period"].pk).update(state=Period.State.PUBLISHED)
    with pytest.raises(PermissionDenied):
        services.council_member_add(actor=w["secretary"], period=w["period"], user=w["leadership"])
    assert audit_actions(w["period"]) == []


def test_removing_a_member_drops_assignments_and_keeps_their_scores(council_world):
    w = council_world
    services.assignment_add(actor=w["secretary"], period=w["period"], member=w["member"], unit=w["unit"])
    criterion = Criterion.objects.get(framework=w["framework"], code="2.1")
    score = ScoreFactory(
        assessment=w["sheet"], criterion=criterion, stage=Stage.ROUND_1, value=Decimal("1"), updated_by=w["member"]
    )
    ScoreChange.objects.create(score=score, actor=w["member"], new_points=Decimal("1"))

    result = services.council_member_remove(actor=w["secretary"], period=w["period"], user=w["member"])

    assert (result.kept_scores, result.removed_assignments) == (1, 1)
    assert not CouncilMembership.objects.filter(user=w["member"]).exists()
    assert AppraisalAssignment.objects.count() == 0
    assert Score.objects.filter(pk=score.pk, points=Decimal("1")).exists()
    event = AuditEvent.objects.get(action="council.member_remove")
    assert event.data == {"user_id": w["member"].pk, "was_chair": False, "kept_scores": 1, "removed_assignments": 1}


def test_chair_moves_to_another_member(council_world):
    w = council_world
    services.council_chair_set(actor=w["secretary"], period=w["period"], user=w["member"])
    chairs = list(CouncilMembership.objects.filter(period=w["period"], is_chair=True).values_list("user", flat=True))
    assert chairs == [w["member"].pk]
    assert AuditEvent.objects.get(action="council.chair_set").data == {
        "user_id": w["member"].pk,
        "previous_user_id": w["chair"].pk,
    }


def test_the_chair_must_be_a_member(council_world):
    w = council_world
    with pytest.raises(ValidationError) as error:
        services.council_chair_set(actor=w["secretary"], period=w["period"], user=w["leadership"])
    assert error.value.messages == [f"Đỗ Quang Vinh không phải thành viên Hội đồng năm {w['period'].year}."]
    assert CouncilMembership.objects.get(is_chair=True).user == w["chair"]
    assert audit_actions(w["period"]) == []


# ---------------------------------------------------------------------------------------------
# Assignments and conflicts


def test_assignments_by_unit_by_area_and_both(council_world):
    w = council_world
    p, s, m = w["period"], w["secretary"], w["member"]
    by_unit = services.assignment_add(actor=s, period=p, member=m, unit=w["unit"])
    by_area = services.assignment_add(actor=s, period=p, member=m, area_code="2")
    both = services.assignment_add(actor=s, period=p, member=m, unit=w["other"], area_code="1")
    assert [(a.unit_id, a.area_code) for a in (by_unit, by_area, both)] == [
        (w["unit"].pk, ""),
        (None, "2"),
        (w["other"].pk, "1"),
    ]
    assert audit_actions(p) == ["council.assignment_add"] * 3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "Hãy chọn đơn vị, lĩnh vực hoặc cả hai."),
        ({"area_code": "9"}, "Lĩnh vực “9” không có trong bộ chỉ số năm {year}."),
        ({"area_code": "1.1"}, "Lĩnh vực “1.1” không có trong bộ chỉ số năm {year}."),
    ],
)
def test_bad_assignments_are_refused(council_world, kwargs, message):
    w = council_world
    with pytest.raises(ValidationError) as error:
        services.assignment_add(actor=w["secretary"], period=w["period"], member=w["member"], **kwargs)
    assert error.value.messages == [message.format(year=w["period"].year)]
    assert AppraisalAssignment.objects.count() == 0
    assert audit_actions(w["period"]) == []


def test_a_member_is_never_assigned_their_own_unit(council_world):
    w = council_world
    w["member"].home_unit = w["unit"]
    w["member"].save()
    with pytest.raises(ValidationError) as error:
        services.assignment_add(actor=w["secretary"], period=w["period"], member=w["member"], unit=w["unit"])
    assert error.value.messages == [
        "Phạm Minh Đức công tác hoặc có vai trò tại UBND phường Hạ Đình nên không được thẩm định đơn vị này."
    ]
    assert AppraisalAssignment.objects.count() == 0


def test_duplicate_assignment_is_refused(council_world):
    w = council_world
    services.assignment_add(actor=w["secretary"], period=w["period"], member=w["member"], area_code="1")
    with pytest.raises(ValidationError) as error:
        services.assignment_add(actor=w["secretary"], period=w["period"], member=w["member"], area_code="1")
    assert error.value.messages == ["Phân công này đã có."]
    assert AppraisalAssignment.objects.count() == 1


def test_assignment_remove_is_audited(council_world):
    w = council_world
    assignment = services.assignment_add(actor=w["secretary"], period=w["period"], member=w["member"], area_code="1")
    services.assignment_remove(actor=w["secretary"], assignment=assignment)
    assert AppraisalAssignment.objects.count() == 0
    assert audit_actions(w["period"]) == ["council.assignment_add", "council.assignment_remove"]


def test_declaring_a_conflict_withdraws_that_units_assignments(council_world):
    w = council_world
    services.assignment_add(actor=w["secretary"], period=w["period"], member=w["member"], unit=w["unit"])
    conflict = services.conflict_declare(
        actor=w["secretary"], period=w["period"], member=w["member"], unit=w["unit"], reason="  Vợ là Chủ tịch phường "
    )
    assert (conflict.reason, conflict.declared_by) == ("Vợ là Chủ tịch phường", w["secretary"])
    assert AppraisalAssignment.objects.count() == 0
    assert AuditEvent.objects.get(action="council.conflict_declare").data == {
        "member_id": w["member"].pk,
        "unit_id": w["unit"].pk,
        "reason": "Vợ là Chủ tịch phường",
        "withdrawn_assignments": 1,
    }
    with pytest.raises(ValidationError) as error:
        services.assignment_add(actor=w["secretary"], period=w["period"], member=w["member"], unit=w["unit"])
    assert error.value.messages == [
        "Phạm Minh Đức đã khai xung đột lợi ích với UBND phường Hạ Đình nên không được phân công đơn vị này."
    ]


def test_a_conflict_needs_a_reason(council_world):
    w = council_world
    with pytest.raises(ValidationError) as error:
        services.conflict_declare(
            actor=w["secretary"], period=w["period"], member=w["member"], unit=w["unit"], reason=" "
        )
    assert error.value.message_dict == {"reason": ["Hãy ghi lý do xung đột lợi ích."]}
    assert ConflictDeclaration.objects.count() == 0
    assert audit_actions(w["period"]) == []


def test_conflict_remove_is_audited(council_world):
    w = council_world
    conflict = services.conflict_declare(
        actor=w["secretary"], period=w["period"], member=w["member"], unit=w["unit"], reason="Người thân"
    )
    services.conflict_remove(actor=w["secretary"], conflict=conflict)
    assert ConflictDeclaration.objects.count() == 0
    assert audit_actions(w["period"]) == ["council.conflict_declare", "council.conflict_remove"]


# ---------------------------------------------------------------------------------------------
# Starting appraisal


def test_start_appraisal_after_the_deadline(council_world, django_capture_on_commit_callbacks):
    w = council_world
    deadline = timezone.now() + timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        period = services.period_start_appraisal(actor=w["secretary"], period=w["period"], appraisal_deadline=deadline)
    assert (period.state, period.appraisal_deadline) == (Period.State.APPRAISAL, deadline)
    event = AuditEvent.objects.get(action="period.start_appraisal")
    assert event.data == {"appraisal_deadline": deadline.isoformat(), "early": False, "unsubmitted": 1}
    assert Notice.objects.filter(recipient__in=[w["member"], w["chair"]]).count() == 2


def test_start_appraisal_before_the_deadline_needs_confirmation(council_world):
    w = council_world
    Period.objects.filter(pk=w["period"].pk).update(self_assessment_deadline=timezone.now() + timedelta(days=2))
    w["period"].refresh_from_db()
    deadline = timezone.now() + timedelta(days=10)
    with pytest.raises(ValidationError) as error:
        services.period_start_appraisal(actor=w["secretary"], period=w["period"], appraisal_deadline=deadline)
    shown = timezone.localtime(w["period"].self_assessment_deadline).strftime("%H:%M %d/%m/%Y")
    assert error.value.message_dict == {
        "confirm_early": [
            f"Hạn tự đánh giá ({shown}) chưa đến: các phiếu chưa nộp sẽ bị khóa ngay. "
            "Hãy đánh dấu xác nhận nếu vẫn muốn bắt đầu thẩm định."
        ]
    }
    w["period"].refresh_from_db()
    assert w["period"].state == Period.State.SELF_ASSESSMENT
    assert audit_actions(w["period"]) == []

    services.period_start_appraisal(
        actor=w["secretary"], period=w["period"], appraisal_deadline=deadline, confirm_early=True
    )
    assert AuditEvent.objects.get(action="period.start_appraisal").data["early"] is True


def test_start_appraisal_refuses_a_past_deadline_and_other_states(council_world):
    w = council_world
    with pytest.raises(ValidationError) as error:
        services.period_start_appraisal(
            actor=w["secretary"], period=w["period"], appraisal_deadline=timezone.now() - timedelta(hours=1)
        )
    assert error.value.message_dict == {"appraisal_deadline": ["Hạn thẩm định phải ở sau thời điểm hiện tại."]}
    Period.objects.filter(pk=w["period"].pk).update(state=Period.State.APPRAISAL)
    with pytest.raises(ValidationError) as error:
        services.period_start_appraisal(
            actor=w["secretary"], period=w["period"], appraisal_deadline=timezone.now() + timedelta(days=3)
        )
    assert error.value.messages == ["Chỉ chuyển sang thẩm định từ giai đoạn tự đánh giá (hiện tại: Thẩm định)."]
    assert audit_actions(w["period"]) == []


def test_start_appraisal_is_the_secretarys(council_world):
    w = council_world
    with pytest.raises(PermissionDenied):
        services.period_start_appraisal(
            actor=w["chair"], period=w["period"], appraisal_deadline=timezone.now() + timedelta(days=3)
        )
    w["period"].refresh_from_db()
    assert w["period"].state == Period.State.SELF_ASSESSMENT
