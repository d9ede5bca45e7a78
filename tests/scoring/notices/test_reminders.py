"""`manage.py send_reminders`: who is reminded of what, by notice and e-mail, and only once a day."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from scoring.models import AppraisalAssignment, Assessment, ExplanationRequest, Notice, Period

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def when(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def test_unsubmitted_sheets_near_the_deadline_remind_staff_and_head_once(
    council_world, django_capture_on_commit_callbacks
):
    w = council_world
    deadline = timezone.now() + timedelta(days=2)
    Period.objects.filter(pk=w["period"].pk).update(self_assessment_deadline=deadline)
    Assessment.objects.filter(pk=w["sheet"].pk).update(
        state=Assessment.State.DRAFT, submitted_at=None, submitted_by=None
    )
    days = (timezone.localdate(deadline) - timezone.localdate()).days
    message = (
        f"Nhắc việc: phiếu tự đánh giá năm {w['period'].year} của UBND phường Hạ Đình chưa nộp; "
        f"hạn nộp {when(deadline)} (còn {days} ngày)."
    )

    with django_capture_on_commit_callbacks(execute=True):
        output = run("--days", "3")
    assert "Đã gửi 2 nhắc việc." in output
    assert sorted(Notice.objects.filter(message=message).values_list("recipient__username", flat=True)) == sorted(
        [w["staff"].username, w["head"].username]
    )
    assert sorted(m.to[0] for m in mail.outbox) == ["hoa@example.vn", "nam@example.vn"]
    assert mail.outbox[0].subject == f"[CCHC] {message[:120]}"

    with django_capture_on_commit_callbacks(execute=True):
        output = run("--days", "3")
    assert "Đã gửi 0 nhắc việc." in output
    assert Notice.objects.count() == 2
    assert len(mail.outbox) == 2


def test_deadlines_beyond_the_window_are_not_reminded(council_world):
    w = council_world
    Period.objects.filter(pk=w["period"].pk).update(self_assessment_deadline=timezone.now() + timedelta(days=5))
    assert "Đã gửi 0 nhắc việc." in run("--days", "3")
    assert "Đã gửi 1 nhắc việc." not in run("--days", "3")
    assert Notice.objects.count() == 0


def test_dry_run_lists_without_sending(council_world):
    w = council_world
    Period.objects.filter(pk=w["period"].pk).update(self_assessment_deadline=timezone.now() + timedelta(days=1))
    output = run("--dry-run")
    assert "Sẽ gửi 0 nhắc việc." in output  # the draft unit (Kim Giang) has no people
    Assessment.objects.filter(pk=w["sheet"].pk).update(
        state=Assessment.State.DRAFT, submitted_at=None, submitted_by=None
    )
    output = run("--dry-run")
    assert "Sẽ gửi 2 nhắc việc." in output
    assert "[thử]" in output
    assert Notice.objects.count() == 0
    assert mail.outbox == []


def test_unanswered_explanations_remind_the_unit(council_world, django_capture_on_commit_callbacks):
    w = council_world
    deadline = timezone.now() + timedelta(days=1)
    for code in ("2.1", "1.2"):
        ExplanationRequest.objects.create(
            assessment=w["sheet"],
            criterion=w["framework"].criteria.get(code=code),
            state=ExplanationRequest.State.SENT,
            message="Bổ sung tài liệu",
            requested_by=w["member"],
            sent_by=w["secretary"],
            sent_at=timezone.now(),
            deadline=deadline,
        )
    ExplanationRequest.objects.create(
        assessment=w["sheet"],
        criterion=w["framework"].criteria.get(code="1.3"),
        message="Chưa gửi",
        requested_by=w["member"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        run()
    message = f"Nhắc việc: UBND phường Hạ Đình chưa giải trình tiêu chí 1.2, 2.1; hạn giải trình {when(deadline)}."
    assert sorted(Notice.objects.values_list("message", "recipient__username")) == sorted(
        [(message, w["staff"].username), (message, w["head"].username)]
    )
    assert len(mail.outbox) == 2
    run()
    assert Notice.objects.count() == 2


def test_members_with_unappraised_assignments_are_reminded(council_world, django_capture_on_commit_callbacks):
    w = council_world
    deadline = timezone.now() + timedelta(days=2)
    Period.objects.filter(pk=w["period"].pk).update(state=Period.State.APPRAISAL, appraisal_deadline=deadline)
    AppraisalAssignment.objects.create(period=w["period"], member=w["member"], area_code="2")
    with django_capture_on_commit_callbacks(execute=True):
        run()
    message = (
        f"Nhắc việc: bạn còn 3 tiêu chí được phân công chưa thẩm định vòng 1 (năm {w['period'].year}); "
        f"hạn thẩm định {when(deadline)}."
    )
    assert list(Notice.objects.values_list("message", "recipient")) == [(message, w["member"].pk)]
    assert [m.to for m in mail.outbox] == [["duc@example.vn"]]
    with django_capture_on_commit_callbacks(execute=True):
        run()
    assert Notice.objects.count() == 1
    assert len(mail.outbox) == 1
