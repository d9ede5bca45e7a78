"""The unit's explanation page: who sees it, who answers, the deadline, and evidence added while it is open."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from evidence.models import Document, EvidenceLink
from scoring.models import AuditEvent, Criterion, ExplanationRequest, Notice, Period
from tests.factories import (
    AssessmentFactory,
    FrameworkFactory,
    PeriodFactory,
    ScoreFactory,
    UnitFactory,
    small_framework,
    user_with_role,
    wide_framework,
)
from units.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("evidence_root")]


def pdf(pdf_bytes, name="Bổ sung kế hoạch.pdf"):
    return SimpleUploadedFile(name, pdf_bytes, content_type="application/pdf")


@pytest.fixture
def sheet():
    """A submitted sheet in the explanation phase, its people, and the secretary who sends requests."""
    period = PeriodFactory(state=Period.State.EXPLANATION, self_assessment_deadline=timezone.now() - timedelta(days=30))
    framework = small_framework(FrameworkFactory(period=period))
    unit = UnitFactory(block=framework.block, name="UBND phường Khương Đình")
    other_unit = UnitFactory(block=framework.block, name="UBND phường Kim Giang")
    people = {
        "staff": user_with_role(Role.UNIT_STAFF, unit=unit, full_name="Trần Thị Đầu Mối"),
        "head": user_with_role(Role.UNIT_HEAD, unit=unit, full_name="Lê Văn Trưởng"),
        "other_staff": user_with_role(Role.UNIT_STAFF, unit=other_unit),
        "member": user_with_role(Role.COUNCIL_MEMBER, full_name="Phạm Thị Thẩm Định"),
        "conflicted_member": user_with_role(Role.COUNCIL_MEMBER, home_unit=unit),
        "secretary": user_with_role(Role.COUNCIL_SECRETARY),
        "leadership": user_with_role(Role.LEADERSHIP),
    }
    assessment = AssessmentFactory(
        framework=framework,
        unit=unit,
        submitted=True,
        submitted_at=timezone.now() - timedelta(days=30),
        submitted_by=people["head"],
    )
    criteria = {c.code: c for c in Criterion.objects.filter(framework=framework)}
    return assessment, criteria, people


def send(assessment, criterion, requester, *, message="Bổ sung kế hoạch CCHC đã ký.", deadline_in=timedelta(days=3)):
    now = timezone.now()
    return ExplanationRequest.objects.create(
        assessment=assessment,
        criterion=criterion,
        state=ExplanationRequest.State.SENT,
        message=message,
        requested_by=requester,
        sent_by=requester,
        sent_at=now - timedelta(days=1),
        deadline=now + deadline_in,
    )


def expire(request):
    ExplanationRequest.objects.filter(pk=request.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    request.refresh_from_db()


def page_url(assessment):
    return reverse("explanation_list", args=[assessment.pk])


def answer_url(request):
    return reverse("explanation_answer", args=[request.assessment_id, request.pk])


# --- the page -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status", "has_form"),
    [
        ("anonymous", 302, False),
        ("staff", 200, True),
        ("head", 200, True),
        ("other_staff", 404, False),
        ("member", 200, False),
        ("conflicted_member", 404, False),
        ("secretary", 200, False),
        ("leadership", 200, False),
    ],
)
def test_page_permission_matrix(client, sheet, role, status, has_form):
    assessment, criteria, people = sheet
    request = send(assessment, criteria["1.1.1"], people["member"])
    if role != "anonymous":
        client.force_login(people[role])
    response = client.get(page_url(assessment))
    assert response.status_code == status
    if role == "anonymous":
        assert response["Location"] == f"{reverse('login')}?next={page_url(assessment)}"
    if status == 200:
        html = response.content.decode()
        assert "Bổ sung kế hoạch CCHC đã ký." in html
        assert (f'action="{answer_url(request)}"' in html) is has_form
        assert ("Thêm tài liệu kiểm chứng" in html) is has_form


def test_page_shows_the_request_the_self_score_and_days_left(client, sheet):
    assessment, criteria, people = sheet
    ScoreFactory(
        assessment=assessment,
        criterion=criteria["1.1.1"],
        option=criteria["1.1.1"].options.get(label="Kịp thời"),
        points=Decimal("1"),
        explanation="Ban hành ngày 05/01",
        updated_by=people["staff"],
    )
    send(assessment, criteria["1.1.1"], people["member"], deadline_in=timedelta(days=3, hours=1))
    client.force_login(people["staff"])
    html = client.get(page_url(assessment)).content.decode()
    assert "Ban hành kế hoạch CCHC năm" in html
    assert '<span data-testid="self-1.1.1">1</span> điểm' in html
    assert "Ban hành ngày 05/01" in html
    assert "còn 3 ngày" in html or "còn 4 ngày" in html  # local midnight may fall inside the extra hour
    assert "Chờ giải trình" in html


def test_flagged_requests_are_invisible_to_the_unit(client, sheet):
    assessment, criteria, people = sheet
    ExplanationRequest.objects.create(
        assessment=assessment,
        criterion=criteria["1.2"],
        message="Đề xuất nội bộ của thành viên",
        requested_by=people["member"],
    )
    client.force_login(people["staff"])
    html = client.get(page_url(assessment)).content.decode()
    assert "Đề xuất nội bộ của thành viên" not in html
    assert "Hội đồng chưa gửi yêu cầu giải trình nào cho phiếu này." in html
    sheet_html = client.get(reverse("assessment_sheet", args=[assessment.pk])).content.decode()
    assert reverse("explanation_list", args=[assessment.pk]) not in sheet_html


def test_sheet_links_to_the_page_with_the_number_of_sent_requests(client, sheet):
    assessment, criteria, people = sheet
    send(assessment, criteria["1.1.1"], people["member"])
    send(assessment, criteria["2.1"], people["member"])
    ExplanationRequest.objects.create(
        assessment=assessment, criterion=criteria["1.2"], message="Đề xuất", requested_by=people["member"]
    )
    client.force_login(people["head"])
    html = client.get(reverse("assessment_sheet", args=[assessment.pk])).content.decode()
    assert f'href="{page_url(assessment)}">Giải trình (2)</a>' in html


def test_after_the_deadline_the_answer_is_read_only(client, sheet):
    assessment, criteria, people = sheet
    request = send(assessment, criteria["1.1.1"], people["member"])
    request.answer = "Kế hoạch ban hành đúng hạn."
    request.state = ExplanationRequest.State.ANSWERED
    request.answered_by = people["staff"]
    request.answered_at = timezone.now()
    request.save()
    expire(request)
    client.force_login(people["staff"])
    html = client.get(page_url(assessment)).content.decode()
    assert "Đã hết hạn giải trình" in html
    assert f'action="{answer_url(request)}"' not in html
    assert (
        '<div class="border rounded p-2 bg-light small" data-testid="answer-1.1.1">Kế hoạch ban hành đúng hạn.</div>'
        in html
    )
    assert "Thêm tài liệu kiểm chứng" not in html


def test_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries, pdf_bytes):
    period = PeriodFactory(state=Period.State.EXPLANATION)
    framework = wide_framework(FrameworkFactory(period=period), areas=3, leaves_per_area=10)
    unit = UnitFactory(block=framework.block)
    head = user_with_role(Role.UNIT_HEAD, unit=unit)
    staff = user_with_role(Role.UNIT_STAFF, unit=unit)
    member = user_with_role(Role.COUNCIL_MEMBER)
    assessment = AssessmentFactory(
        framework=framework,
        unit=unit,
        submitted=True,
        submitted_by=head,
    )
    leaves = list(Criterion.objects.filter(framework=framework).exclude(rule_type=""))
    for leaf in leaves:
        ScoreFactory(assessment=assessment, criterion=leaf, updated_by=staff)
        send(assessment, leaf, member)
    first = Document.objects.create(
        unit=unit,
        period=period,
        title="Kế hoạch",
        file=_stored(pdf_bytes),
        original_name="ke-hoach.pdf",
        uploaded_by=staff,
    )
    EvidenceLink.objects.bulk_create(
        EvidenceLink(document=first, assessment=assessment, criterion=leaf, created_by=staff) for leaf in leaves
    )
    client.force_login(staff)
    # session, user, sheet, roles, requests, self scores, evidence links, library, finalised blocks, unread notices,
    # cycle banner
    with django_assert_num_queries(11):
        response = client.get(page_url(assessment))
    assert response.status_code == 200
    assert response.content.decode().count('<section class="card mb-3" id="request-') == 30


def _stored(content: bytes):
    from evidence.models import StoredFile

    return StoredFile.objects.create(
        sha256="a" * 64, size=len(content), content_type="application/pdf", storage_name="aa/aa/x"
    )


# --- answering ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("other_staff", 404),
        ("member", 403),
        ("conflicted_member", 404),
        ("secretary", 403),
        ("leadership", 403),
    ],
)
def test_answer_is_refused_outside_the_unit_and_nothing_changes(client, sheet, role, status):
    assessment, criteria, people = sheet
    request = send(assessment, criteria["1.1.1"], people["member"])
    if role != "anonymous":
        client.force_login(people[role])
    response = client.post(answer_url(request), {"answer": "Giải trình thay đơn vị"})
    assert response.status_code == status
    request.refresh_from_db()
    assert (request.state, request.answer, request.answered_by) == (ExplanationRequest.State.SENT, "", None)
    assert not AuditEvent.objects.filter(action="explanation.answer").exists()
    assert not Notice.objects.exists()


@pytest.mark.parametrize("role", ["staff", "head"])
def test_unit_answers_before_the_deadline(client, sheet, role):
    assessment, criteria, people = sheet
    request = send(assessment, criteria["1.1.1"], people["member"])
    client.force_login(people[role])
    response = client.post(
        answer_url(request), {"answer": "  Kế hoạch ban hành ngày 05/01, kèm bản ký.  "}, follow=True
    )
    assert response.redirect_chain == [(f"{page_url(assessment)}#request-{request.pk}", 302)]
    assert "Đã gửi nội dung giải trình tiêu chí 1.1.1 cho Hội đồng thẩm định." in response.content.decode()
    request.refresh_from_db()
    assert (request.state, request.answer, request.answered_by) == (
        ExplanationRequest.State.ANSWERED,
        "Kế hoạch ban hành ngày 05/01, kèm bản ký.",
        people[role],
    )
    event = AuditEvent.objects.get(action="explanation.answer")
    assert (event.actor, event.summary, event.data) == (
        people[role],
        f"{assessment} 1.1.1",
        {"old": "", "new": "Kế hoạch ban hành ngày 05/01, kèm bản ký."},
    )
    notice = Notice.objects.get()
    assert (notice.recipient, notice.message, notice.url) == (
        people["member"],
        "UBND phường Khương Đình đã giải trình tiêu chí 1.1.1.",
        f"/appraisal/{assessment.pk}/#row-{criteria['1.1.1'].pk}",
    )


def test_an_empty_answer_is_refused(client, sheet):
    assessment, criteria, people = sheet
    request = send(assessment, criteria["1.1.1"], people["member"])
    client.force_login(people["staff"])
    response = client.post(answer_url(request), {"answer": "   "}, follow=True)
    assert "1.1.1: Hãy ghi nội dung giải trình." in response.content.decode()
    request.refresh_from_db()
    assert (request.state, request.answer) == (ExplanationRequest.State.SENT, "")
    assert not AuditEvent.objects.exists()


def test_answer_after_the_deadline_is_refused_and_nothing_changes(client, sheet):
    assessment, criteria, people = sheet
    request = send(assessment, criteria["1.1.1"], people["member"])
    expire(request)
    client.force_login(people["staff"])
    response = client.post(answer_url(request), {"answer": "Giải trình muộn"}, follow=True)
    deadline = timezone.localtime(request.deadline).strftime("%H:%M %d/%m/%Y")
    assert (
        f"Đã hết hạn giải trình tiêu chí 1.1.1 (hạn {deadline}): nội dung giải trình không được thay đổi."
        in response.content.decode()
    )
    request.refresh_from_db()
    assert (request.state, request.answer, request.answered_at) == (ExplanationRequest.State.SENT, "", None)
    assert not AuditEvent.objects.exists()
    assert not Notice.objects.exists()


def test_a_flagged_request_cannot_be_answered(client, sheet):
    assessment, criteria, people = sheet
    request = ExplanationRequest.objects.create(
        assessment=assessment, criterion=criteria["1.2"], message="Đề xuất", requested_by=people["member"]
    )
    client.force_login(people["staff"])
    assert client.post(answer_url(request), {"answer": "x"}).status_code == 404
    request.refresh_from_db()
    assert (request.state, request.answer) == (ExplanationRequest.State.FLAGGED, "")


def test_answer_is_a_post(client, sheet):
    assessment, criteria, people = sheet
    request = send(assessment, criteria["1.1.1"], people["member"])
    client.force_login(people["staff"])
    assert client.get(answer_url(request)).status_code == 405


# --- evidence while the request is open -------------------------------------------------------------------


def upload_url(assessment, criterion):
    return reverse("evidence_criterion_upload", args=[assessment.pk, criterion.pk])


def test_evidence_for_the_requested_criterion_is_accepted_while_open(client, sheet, pdf_bytes, evidence_root):
    assessment, criteria, people = sheet
    send(assessment, criteria["1.1.1"], people["member"])
    client.force_login(people["staff"])
    response = client.post(
        upload_url(assessment, criteria["1.1.1"]),
        {"files": [pdf(pdf_bytes)], "locator": "trang 2"},
        headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{page_url(assessment)}"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bổ sung kế hoạch" in html and "— trang 2" in html
    assert "Thêm tài liệu kiểm chứng" in html  # still open: the unit may add more
    link = EvidenceLink.objects.select_related("document").get()
    assert (link.criterion, link.document.title, link.locator, link.created_by) == (
        criteria["1.1.1"],
        "Bổ sung kế hoạch",
        "trang 2",
        people["staff"],
    )
    assert AuditEvent.objects.filter(action="evidence.upload").count() == 1
    assert len([p for p in evidence_root.rglob("*") if p.is_file()]) == 1


@pytest.mark.parametrize(
    "code,is_expired", [("1.2", False), ("1.1.1", True)], ids=["for-another-criterion", "after-the-deadline"]
)
def test_evidence_outside_the_open_request_is_refused(client, sheet, pdf_bytes, evidence_root, code, is_expired):
    assessment, criteria, people = sheet
    request = send(assessment, criteria["1.1.1"], people["member"])
    if is_expired:
        expire(request)
    client.force_login(people["staff"])
    response = client.post(upload_url(assessment, criteria[code]), {"files": [pdf(pdf_bytes)]})
    assert response.status_code == 403
    assert not Document.objects.exists() and not EvidenceLink.objects.exists()
    assert not AuditEvent.objects.exists()
    assert not evidence_root.exists() or not any(p.is_file() for p in evidence_root.rglob("*"))


def test_council_cannot_add_evidence_for_the_unit(client, sheet, pdf_bytes):
    assessment, criteria, people = sheet
    send(assessment, criteria["1.1.1"], people["member"])
    client.force_login(people["member"])
    assert client.post(upload_url(assessment, criteria["1.1.1"]), {"files": [pdf(pdf_bytes)]}).status_code == 403
    assert not Document.objects.exists()


def test_submitted_evidence_cannot_be_unlinked_during_the_explanation(client, sheet, pdf_bytes):
    assessment, criteria, people = sheet
    document = Document.objects.create(
        unit=assessment.unit,
        period=assessment.period,
        title="Kế hoạch đã nộp",
        file=_stored(pdf_bytes),
        original_name="ke-hoach.pdf",
        uploaded_by=people["staff"],
    )
    old_link = EvidenceLink.objects.create(
        document=document, assessment=assessment, criterion=criteria["1.1.1"], created_by=people["staff"]
    )
    EvidenceLink.objects.filter(pk=old_link.pk).update(created_at=timezone.now() - timedelta(days=20))
    send(assessment, criteria["1.1.1"], people["member"])
    client.force_login(people["staff"])
    response = client.post(reverse("evidence_link_unlink", args=[old_link.pk]), headers={"HX-Request": "true"})
    assert (
        "Trong thời gian giải trình chỉ được bổ sung tài liệu: không thể bỏ tài liệu đã nộp cùng phiếu tự đánh giá."
        in response.content.decode()
    )
    assert EvidenceLink.objects.filter(pk=old_link.pk).exists()
    assert not AuditEvent.objects.exists()
    # but what the unit added for the explanation it may take back
    client.post(upload_url(assessment, criteria["1.1.1"]), {"files": [pdf(pdf_bytes)]}, headers={"HX-Request": "true"})
    new_link = EvidenceLink.objects.exclude(pk=old_link.pk).get()
    client.post(reverse("evidence_link_unlink", args=[new_link.pk]), headers={"HX-Request": "true"})
    assert list(EvidenceLink.objects.values_list("pk", flat=True)) == [old_link.pk]
