"""Council pages: permission matrix, forms end to end, fixed query counts on a 25-unit, 120-criterion period."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from scoring import models
from tests.factories import (
    AssessmentFactory,
    CriterionFactory,
    FrameworkFactory,
    ScoreFactory,
    UnitFactory,
    login,
    small_framework,
    survey_xlsx,
    user_with_role,
    wide_framework,
)
from units.models import Role

pytestmark = pytest.mark.django_db


def flash(response) -> list[str]:
    """The messages this request added (earlier ones wait in the session until a page shows them)."""
    get_messages(response.wsgi_request)
    return [str(message) for message in response.wsgi_request._messages._queued_messages]


WHO = ["staff", "head", "member", "chair", "secretary", "leadership", "administrator", "nobody"]
OVERVIEW = dict(zip(WHO, [404, 404, 404, 200, 200, 200, 200, 404], strict=True))
MANAGE = dict(zip(WHO, [404, 404, 404, 403, 200, 403, 200, 404], strict=True))


def test_anonymous_visitors_are_sent_to_login(client, council_world):
    year = council_world["period"].year
    for name in ["council_overview", "council_members", "council_survey_import", "council_survey_template"]:
        response = client.get(reverse(name, args=[year]))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("who", "status"), OVERVIEW.items())
def test_overview_access_matrix(client, council_world, who, status):
    assert (
        login(client, council_world[who])
        .get(reverse("council_overview", args=[council_world["period"].year]))
        .status_code
        == status
    )


@pytest.mark.parametrize(("who", "status"), MANAGE.items())
def test_management_pages_access_matrix(client, council_world, who, status):
    client = login(client, council_world[who])
    year = council_world["period"].year
    for name in ["council_members", "council_survey_import", "council_survey_template"]:
        assert client.get(reverse(name, args=[year])).status_code == status, name


@pytest.mark.parametrize(("who", "status"), MANAGE.items())
def test_management_posts_access_matrix_change_nothing_when_refused(client, council_world, who, status):
    newcomer = user_with_role("council_member", full_name="Hoàng Văn Bình")
    response = login(client, council_world[who]).post(
        reverse("council_member_add", args=[council_world["period"].year]), {"user": newcomer.pk}
    )
    assert response.status_code == (302 if status == 200 else status)
    assert models.CouncilMembership.objects.filter(user=newcomer).exists() is (status == 200)
    assert models.AuditEvent.objects.count() == (1 if status == 200 else 0)


def test_overview_shows_the_chair_the_finalisation_part_only(client, council_world):
    year = council_world["period"].year
    chair_page = login(client, council_world["chair"]).get(reverse("council_overview", args=[year])).content.decode()
    assert "Chốt kết quả thẩm định theo khối" in chair_page
    assert "Chốt kết quả thẩm định khối</button>" in chair_page
    assert "Đề xuất giải trình chờ gửi đơn vị" not in chair_page
    assert "Bắt đầu thẩm định" not in chair_page
    client.logout()
    leader_page = (
        login(client, council_world["leadership"]).get(reverse("council_overview", args=[year])).content.decode()
    )
    assert "Chốt kết quả thẩm định theo khối" not in leader_page
    assert "Tiến độ theo đơn vị" in leader_page
    assert "UBND phường Hạ Đình" in leader_page


def test_secretary_starts_appraisal_from_the_dashboard(client, council_world):
    year = council_world["period"].year
    client = login(client, council_world["secretary"])
    page = client.get(reverse("council_overview", args=[year])).content.decode()
    assert "Bắt đầu thẩm định" in page
    deadline = timezone.localtime() + timedelta(days=7)
    response = client.post(
        reverse("council_start_appraisal", args=[year]), {"appraisal_deadline": deadline.strftime("%Y-%m-%dT%H:%M")}
    )
    assert response.status_code == 302
    assert flash(response) == [f"Kỳ đánh giá năm {year} đã chuyển sang giai đoạn thẩm định."]
    council_world["period"].refresh_from_db()
    assert council_world["period"].state == models.Period.State.APPRAISAL


def test_member_management_forms_end_to_end(client, council_world):
    w = council_world
    year = w["period"].year
    client = login(client, w["secretary"])
    newcomer = user_with_role("council_member", full_name="Hoàng Văn Bình")
    page = client.get(reverse("council_members", args=[year])).content.decode()
    assert "Hoàng Văn Bình" in page  # offered as a candidate

    response = client.post(reverse("council_member_add", args=[year]), {"user": newcomer.pk})
    assert flash(response) == ["Đã đưa Hoàng Văn Bình vào Hội đồng thẩm định."]
    response = client.post(reverse("council_chair_set", args=[year, newcomer.pk]))
    assert flash(response) == ["Hoàng Văn Bình là Chủ tịch Hội đồng thẩm định."]
    response = client.post(reverse("council_assignment_add", args=[year]), {"member": newcomer.pk, "area_code": "2"})
    assert flash(response) == ["Đã phân công Hoàng Văn Bình: lĩnh vực 2 (mọi đơn vị)."]
    response = client.post(reverse("council_assignment_add", args=[year]), {"member": newcomer.pk})
    assert flash(response) == ["Hãy chọn đơn vị, lĩnh vực hoặc cả hai."]
    response = client.post(
        reverse("council_conflict_add", args=[year]),
        {"conflict-member": newcomer.pk, "conflict-unit": w["unit"].pk, "conflict-reason": ""},
    )
    assert flash(response) == ["Lý do xung đột lợi ích: Trường này là bắt buộc."]
    response = client.post(
        reverse("council_conflict_add", args=[year]),
        {
            "conflict-member": newcomer.pk,
            "conflict-unit": w["unit"].pk,
            "conflict-reason": "Anh trai là Chủ tịch phường",
        },
    )
    assert flash(response) == ["Đã ghi xung đột lợi ích: Hoàng Văn Bình không thẩm định UBND phường Hạ Đình."]
    conflict = models.ConflictDeclaration.objects.get()
    assignment = models.AppraisalAssignment.objects.get()
    page = client.get(reverse("council_members", args=[year])).content.decode()
    assert "Anh trai là Chủ tịch phường" in page
    client.post(reverse("council_conflict_remove", args=[year, conflict.pk]))
    client.post(reverse("council_assignment_remove", args=[year, assignment.pk]))
    response = client.post(reverse("council_member_remove", args=[year, newcomer.pk]))
    assert flash(response) == ["Đã đưa Hoàng Văn Bình ra khỏi Hội đồng và bỏ 0 phân công."]
    assert list(models.AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "council.member_add",
        "council.chair_set",
        "council.assignment_add",
        "council.conflict_declare",
        "council.conflict_remove",
        "council.assignment_remove",
        "council.member_remove",
    ]


def test_survey_import_page_reports_row_errors_then_imports(client, council_world):
    w = council_world
    models.Period.objects.filter(pk=w["period"].pk).update(state=models.Period.State.APPRAISAL)
    year = w["period"].year
    client = login(client, w["secretary"])
    bad = survey_xlsx([("ha-dinh", "2.3", 3)])
    bad_file = ("diem.xlsx", bad)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("council_survey_import", args=[year]), {"file": SimpleUploadedFile(*bad_file)})
    assert response.status_code == 200
    assert "Dòng 2: Điểm 3 ngoài khoảng 0 đến 1 của tiêu chí 2.3." in response.content.decode()
    response = client.post(
        reverse("council_survey_import", args=[year]),
        {"file": SimpleUploadedFile("diem.xlsx", survey_xlsx([("ha-dinh", "2.3", 0.8)]))},
    )
    assert response.status_code == 302
    assert flash(response) == ["Đã nhập 1 điểm điều tra xã hội học (thẩm định vòng 1)."]
    assert models.Score.objects.get(stage=models.Stage.ROUND_1).points == Decimal("0.80")


def test_chair_finalises_a_block_when_nothing_blocks(client, council_world):
    w = council_world
    models.Period.objects.filter(pk=w["period"].pk).update(state=models.Period.State.APPRAISAL)
    year = w["period"].year
    url = reverse("council_block_finalise", args=[year, w["framework"].block_id])
    response = login(client, w["chair"]).post(url)
    assert flash(response)[0] == "UBND phường Hạ Đình: còn 7 tiêu chí chưa thẩm định vòng 1."
    assert models.BlockFinalisation.objects.count() == 0
    for criterion in models.Criterion.objects.filter(framework=w["framework"]).exclude(rule_type=""):
        ScoreFactory(
            assessment=w["sheet"],
            criterion=criterion,
            stage=models.Stage.ROUND_1,
            value=0,
            points=0,
            updated_by=w["chair"],
        )
    response = client.post(url)
    assert flash(response) == [f"Đã chốt kết quả thẩm định khối “{w['framework'].block}”."]
    assert models.BlockFinalisation.objects.get().finalised_by == w["chair"]
    card = client.get(reverse("council_overview", args=[year])).content.decode()
    minutes = models.SignedDocument.objects.get(kind=models.SignedDocument.Kind.MINUTES, block=w["framework"].block)
    closed_at = date_format(
        timezone.localtime(models.BlockFinalisation.objects.get().finalised_at), "SHORT_DATETIME_FORMAT"
    )
    assert f"Đã chốt</span> {closed_at} · {w['chair'].get_full_name()}</p>" in card
    assert reverse("signing_document_pdf", args=[minutes.reference]) in card
    client.logout()
    assert login(client, w["secretary"]).post(url).status_code == 403


def blocker_items(html: str) -> list[str]:
    return re.findall(r"<li>(.*?)</li>", html.split('data-testid="blockers">', 1)[1].split("</ul>", 1)[0])


def test_each_blocker_links_the_chair_to_the_workspace_and_the_secretary_to_the_sheet_or_the_proposals(
    client, council_world
):
    # given Hạ Đình's sheet with 2.1 explained and waiting for round 2, 2.2 proposed for explanation, the rest
    # not appraised in round 1
    w = council_world
    models.Period.objects.filter(pk=w["period"].pk).update(state=models.Period.State.APPRAISAL)
    criteria = {c.code: c for c in w["framework"].criteria.all()}
    models.ExplanationRequest.objects.create(
        assessment=w["sheet"], criterion=criteria["2.1"], message="Bổ sung biên bản", requested_by=w["member"],
        state=models.ExplanationRequest.State.ANSWERED, sent_at=timezone.now(),
        deadline=timezone.now() + timedelta(days=2), answer="Đã bổ sung",
    )  # fmt: skip
    models.ExplanationRequest.objects.create(
        assessment=w["sheet"], criterion=criteria["2.2"], message="Bổ sung báo cáo", requested_by=w["member"]
    )
    sheet, workspace = f"/assessments/{w['sheet'].pk}/", f"/appraisal/{w['sheet'].pk}/"
    assert reverse("appraisal_workspace", args=[w["sheet"].pk]) == workspace
    url = reverse("council_overview", args=[w["period"].year])
    unit = "UBND phường Hạ Đình"

    # the chair appraises every unit: each blocker opens the workspace, at the criterion or on what is left
    chair = blocker_items(login(client, w["chair"]).get(url).content.decode())
    assert chair == [
        f'<a href="{workspace}?only=todo">{unit}: còn 7 tiêu chí chưa thẩm định vòng 1.</a>',
        f'<a href="{workspace}#row-{criteria["2.1"].pk}">{unit}: tiêu chí 2.1 chờ thẩm định vòng 2 sau giải trình.</a>',
        f'<a href="{workspace}#row-{criteria["2.2"].pk}">{unit}: tiêu chí 2.2 có đề xuất giải trình chưa gửi đơn vị '
        "(gửi hoặc rút lại trước khi chốt).</a>",
    ]
    client.logout()
    # the secretary sits on no council seat: the unit's sheet, and the proposals listed below to send or withdraw
    secretary_page = login(client, w["secretary"]).get(url).content.decode()
    assert blocker_items(secretary_page) == [
        f'<a href="{sheet}">{unit}: còn 7 tiêu chí chưa thẩm định vòng 1.</a>',
        f'<a href="{sheet}#row-{criteria["2.1"].pk}">{unit}: tiêu chí 2.1 chờ thẩm định vòng 2 sau giải trình.</a>',
        f'<a href="#explanations-heading">{unit}: tiêu chí 2.2 có đề xuất giải trình chưa gửi đơn vị '
        "(gửi hoặc rút lại trước khi chốt).</a>",
    ]
    assert 'id="explanations-heading"' in secretary_page and "Bổ sung báo cáo" in secretary_page


def test_a_secretary_seated_for_one_area_is_sent_to_the_sheet_for_a_criterion_outside_it(client, council_world):
    w = council_world
    models.Period.objects.filter(pk=w["period"].pk).update(state=models.Period.State.APPRAISAL)
    models.CouncilMembership.objects.create(period=w["period"], user=w["secretary"])
    models.AppraisalAssignment.objects.create(period=w["period"], member=w["secretary"], unit=w["unit"], area_code="1")
    criterion = w["framework"].criteria.get(code="2.1")
    models.ExplanationRequest.objects.create(
        assessment=w["sheet"], criterion=criterion, message="Bổ sung", requested_by=w["member"],
        state=models.ExplanationRequest.State.SENT, sent_at=timezone.now(), deadline=timezone.now() + timedelta(days=2),
    )  # fmt: skip
    html = login(client, w["secretary"]).get(reverse("council_overview", args=[w["period"].year])).content.decode()
    items = blocker_items(html)
    # round 1 of area 1 is theirs to appraise; criterion 2.1 is not on their workspace, so the sheet shows it
    assert items[0].startswith(f'<a href="/appraisal/{w["sheet"].pk}/?only=todo">')
    assert items[1].startswith(f'<a href="/assessments/{w["sheet"].pk}/#row-{criterion.pk}">')


def test_secretary_sends_flagged_explanations_with_a_deadline(client, council_world):
    w = council_world
    models.Period.objects.filter(pk=w["period"].pk).update(state=models.Period.State.APPRAISAL)
    request = models.ExplanationRequest.objects.create(
        assessment=w["sheet"], criterion=w["framework"].criteria.get(code="2.1"), message="Bổ sung biên bản",
        requested_by=w["member"],
    )  # fmt: skip
    year = w["period"].year
    client = login(client, w["secretary"])
    assert "Bổ sung biên bản" in client.get(reverse("council_overview", args=[year])).content.decode()
    deadline = timezone.localtime() + timedelta(days=5)
    response = client.post(
        reverse("council_explanation_send", args=[year]),
        {"deadline": deadline.strftime("%Y-%m-%dT%H:%M"), "requests": [request.pk]},
    )
    assert flash(response) == ["Đã gửi 1 yêu cầu giải trình cho các đơn vị."]
    request.refresh_from_db()
    assert request.state == models.ExplanationRequest.State.SENT


def test_each_units_row_tells_its_state_and_the_days_left(client):
    # given a period whose self-assessment closed two days ago (noon, so no midnight falls between)
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    framework = FrameworkFactory(period__state=models.Period.State.APPRAISAL)
    models.Period.objects.filter(pk=framework.period_id).update(self_assessment_deadline=noon - timedelta(days=2))
    AssessmentFactory(framework=framework, unit=UnitFactory(block=framework.block, name="Xã Trễ"))
    AssessmentFactory(
        framework=framework,
        unit=UnitFactory(block=framework.block, name="Xã Gia Hạn"),
        extended_until=noon + timedelta(days=5),
    )
    submitted = AssessmentFactory(
        framework=framework, unit=UnitFactory(block=framework.block, name="Xã Đã Nộp"), submitted=True
    )
    models.ExplanationRequest.objects.create(
        assessment=submitted,
        criterion=CriterionFactory(framework=framework, code="1"),
        message="Bổ sung",
        requested_by=user_with_role("council_member"),
        state=models.ExplanationRequest.State.SENT,
        sent_at=noon,
        deadline=noon + timedelta(days=3),
    )
    client = login(client, user_with_role("council_secretary"))

    # when
    html = client.get(reverse("council_overview", args=[framework.period.year])).text

    # then
    def row(unit: str) -> list[str]:
        return re.sub(r"<[^>]+>", " ", html.split(f">{unit}</a>", 1)[1].split("</tr>", 1)[0]).split()

    block = framework.block.name
    assert row("Xã Trễ") == f"{block} Quá hạn, chưa nộp — 0 quá hạn 2 ngày —".split()
    assert row("Xã Gia Hạn") == f"{block} Đang tự đánh giá — 0 còn 5 ngày —".split()
    assert row("Xã Đã Nộp") == f"{block} Đã nộp 0/0 1 — còn 3 ngày".split()


def test_a_progress_row_is_written_whole_with_its_words_escaped(client):
    # given a sheet submitted late by a unit whose name holds markup, one criterion to appraise, one request answered
    # and one due today at noon
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    framework = FrameworkFactory(period__state=models.Period.State.APPRAISAL)
    criterion = CriterionFactory(framework=framework, code="1.1", rule_type=models.RuleType.YES_NO)
    sheet = AssessmentFactory(
        framework=framework,
        unit=UnitFactory(block=framework.block, name='Xã <Mới> & "Cũ"'),
        submitted=True,
        is_late=True,
    )
    sent = {"message": "Bổ sung", "requested_by": user_with_role("council_member"), "sent_at": noon, "deadline": noon}
    models.ExplanationRequest.objects.create(
        assessment=sheet, criterion=criterion, state="answered", answer="Xong", **sent
    )
    second = CriterionFactory(framework=framework, code="1.2")
    models.ExplanationRequest.objects.create(assessment=sheet, criterion=second, state="sent", **sent)
    client = login(client, user_with_role("council_secretary"))

    # when
    html = client.get(reverse("council_overview", args=[framework.period.year])).text

    # then
    name = "Xã &lt;Mới&gt; &amp; &quot;Cũ&quot;"
    assert (
        f'<tr><th scope="row" class="fw-normal"><a href="/assessments/{sheet.pk}/" data-testid="unit-link">{name}</a>'
        f'<div class="small text-muted">{framework.block.name}</div></th>'
        '<td><span class="badge text-bg-success">Đã nộp</span> <span class="badge text-bg-danger">Nộp muộn</span></td>'
        f'<td style="min-width:9rem"><div class="progress" role="progressbar" aria-label="Thẩm định vòng 1 của {name}" '
        'aria-valuenow="0" aria-valuemin="0" aria-valuemax="1"><div class="progress-bar" style="width: 0%"></div></div>'
        '<span class="small">0/1</span></td><td>1 <span class="small text-muted">(1 đã trả lời)</span></td>'
        '<td class="small"><span class="text-muted">—</span></td>'
        '<td class="small"><strong class="text-warning-emphasis">hôm nay</strong></td></tr>'
    ) in html


# ---------------------------------------------------------------------------------------------
# Query counts


@pytest.fixture
def wide_world():
    """25 submitted sheets of a 120-criterion framework, partly appraised, with members, assignments and requests."""
    framework = wide_framework(FrameworkFactory(period__state=models.Period.State.APPRAISAL))
    period = framework.period
    period.self_assessment_deadline = timezone.now() - timedelta(days=2)
    period.appraisal_deadline = timezone.now() + timedelta(days=5)
    period.save()
    secretary = user_with_role("council_secretary", full_name="Nguyễn Thu Hà")
    chair = user_with_role("council_member", full_name="Vũ Thị Lan")
    leadership = user_with_role("leadership", full_name="Đỗ Quang Vinh")
    models.CouncilMembership.objects.create(period=period, user=chair, is_chair=True)
    leaves = list(models.Criterion.objects.filter(framework=framework).exclude(rule_type="").order_by("id"))
    passed = {o.criterion_id: o for o in models.RuleOption.objects.filter(criterion__framework=framework, points=1)}
    scores = []
    for number in range(25):
        unit = UnitFactory(block=framework.block)
        head = user_with_role("unit_head", unit=unit)
        sheet = AssessmentFactory(
            framework=framework,
            unit=unit,
            submitted=True,
            submitted_by=head,
        )
        member = user_with_role("council_member")
        models.CouncilMembership.objects.create(period=period, user=member)
        models.AppraisalAssignment.objects.create(period=period, member=member, unit=unit)
        models.AppraisalAssignment.objects.create(period=period, member=member, area_code=str(number % 6 + 1))
        for criterion in leaves:
            option = passed[criterion.pk]
            scores.append(ScoreFactory.build(assessment=sheet, criterion=criterion, option=option, updated_by=head))
            if criterion.pk % 3 == number % 3:
                scores.append(
                    ScoreFactory.build(
                        assessment=sheet, criterion=criterion, stage=models.Stage.ROUND_1, points=0, updated_by=chair
                    )
                )
        models.ExplanationRequest.objects.create(
            assessment=sheet, criterion=leaves[number], message="Bổ sung", requested_by=member
        )
    models.Score.objects.bulk_create(scores)
    return {"period": period, "secretary": secretary, "chair": chair, "leadership": leadership}


# the chair's page also asks, for the navigation, whether this council member chairs an open council, and reads
# their seat (assignments, conflicts, closed blocks); secretary and chair see the blocks: two more queries read the
# requests to settle (the secretary's flagged list and the blockers), and the frameworks with their closing and
# minutes
OVERVIEW_QUERIES = {"secretary": 14, "chair": 18, "leadership": 12}


@pytest.mark.parametrize("who", OVERVIEW_QUERIES)
def test_overview_runs_a_fixed_number_of_queries(client, wide_world, who, django_assert_num_queries):
    client = login(client, wide_world[who])
    url = reverse("council_overview", args=[wide_world["period"].year])
    with django_assert_num_queries(OVERVIEW_QUERIES[who]):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") > 25 + 26


def test_every_blocks_blockers_cost_the_same_queries_as_one_block(client, django_assert_num_queries):
    # given three blocks, each with a sheet appraised but for a criterion sent back for explanation, and a sheet
    # with two criteria left and a request still flagged
    first = wide_framework(FrameworkFactory(period__state=models.Period.State.APPRAISAL), areas=1, leaves_per_area=3)
    period = first.period
    secretary = user_with_role("council_secretary")
    member = user_with_role("council_member")
    models.CouncilMembership.objects.create(period=period, user=member)
    models.AppraisalAssignment.objects.create(period=period, member=member, area_code="1")
    for number, framework in enumerate(
        [first, *(wide_framework(FrameworkFactory(period=period), areas=1, leaves_per_area=3) for _ in range(2))]
    ):
        leaves = list(models.Criterion.objects.filter(framework=framework).exclude(rule_type="").order_by("code"))
        appraised = AssessmentFactory(
            framework=framework, unit=UnitFactory(block=framework.block, name=f"Xã Xong {number}"), submitted=True
        )
        unfinished = AssessmentFactory(
            framework=framework, unit=UnitFactory(block=framework.block, name=f"Xã Dở {number}"), submitted=True
        )
        for leaf in leaves:
            ScoreFactory(assessment=appraised, criterion=leaf, stage=models.Stage.ROUND_1, updated_by=member)
        ScoreFactory(assessment=unfinished, criterion=leaves[0], stage=models.Stage.ROUND_1, updated_by=member)
        models.ExplanationRequest.objects.create(
            assessment=appraised,
            criterion=leaves[1],
            message="Bổ sung",
            requested_by=member,
            state=models.ExplanationRequest.State.SENT,
            sent_at=timezone.now(),
            deadline=timezone.now() + timedelta(days=3),
        )
        models.ExplanationRequest.objects.create(
            assessment=unfinished, criterion=leaves[2], message="Bổ sung", requested_by=member
        )
    client = login(client, secretary)

    # when
    with django_assert_num_queries(OVERVIEW_QUERIES["secretary"]):
        response = client.get(reverse("council_overview", args=[period.year]))

    # then each block's card names its own units, in the order the chair's finalisation check gives them
    cards = [card.split("</ul>", 1)[0] for card in response.text.split('data-testid="blockers">')[1:]]
    assert [re.findall(r'<li><a href="[^"]*">([^<]*)</a></li>', card) for card in cards] == [
        [
            f"Xã Dở {number}: còn 2 tiêu chí chưa thẩm định vòng 1.",
            f"Xã Xong {number}: tiêu chí 1.2 chờ thẩm định vòng 2 sau giải trình.",
            f"Xã Dở {number}: tiêu chí 1.3 có đề xuất giải trình chưa gửi đơn vị (gửi hoặc rút lại trước khi chốt).",
        ]
        for number in range(3)
    ]


def test_members_page_runs_a_fixed_number_of_queries(client, wide_world, django_assert_num_queries):
    client = login(client, wide_world["secretary"])
    with django_assert_num_queries(14):
        response = client.get(reverse("council_members", args=[wide_world["period"].year]))
    assert response.status_code == 200


def test_survey_pages_run_a_fixed_number_of_queries(client, wide_world, django_assert_num_queries):
    client = login(client, wide_world["secretary"])
    year = wide_world["period"].year
    with django_assert_num_queries(6):
        assert client.get(reverse("council_survey_import", args=[year])).status_code == 200
    with django_assert_num_queries(7):
        assert client.get(reverse("council_survey_template", args=[year])).status_code == 200


def test_the_navigation_entry_opens_the_current_periods_council(client):
    framework = small_framework()
    models.Period.objects.filter(pk=framework.period_id).update(state=models.Period.State.APPRAISAL)
    client.force_login(user_with_role(Role.COUNCIL_SECRETARY))
    response = client.get(reverse("council_current"))
    assert response.status_code == 302
    assert response.url == reverse("council_overview", args=[framework.period.year])
    home = client.get(reverse("home")).content.decode()
    assert 'href="/council/"' in home


def test_a_blocks_card_lists_its_first_gaps_and_counts_the_others_in_one_query_less_without_requests(
    client, django_assert_num_queries
):
    # given a block of eleven submitted sheets, none appraised, and no explanation request in the period
    framework = wide_framework(
        FrameworkFactory(period__state=models.Period.State.APPRAISAL), areas=1, leaves_per_area=3
    )
    period = framework.period
    member = user_with_role("council_member")
    models.CouncilMembership.objects.create(period=period, user=member)
    models.AppraisalAssignment.objects.create(period=period, member=member, area_code="1")
    for number in range(11):
        AssessmentFactory(
            framework=framework, unit=UnitFactory(block=framework.block, name=f"Xã {number:02}"), submitted=True
        )
    client = login(client, user_with_role("council_secretary"))

    # when (no requests to settle to read)
    with django_assert_num_queries(OVERVIEW_QUERIES["secretary"] - 1):
        response = client.get(reverse("council_overview", args=[period.year]))

    # then the card names the first eight sheets and counts the three others
    card = response.text.split('data-testid="blockers">', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r'<li><a href="[^"]*">([^<]*)</a></li>', card) == [
        f"Xã {number:02}: còn 3 tiêu chí chưa thẩm định vòng 1." for number in range(8)
    ]
    assert card.endswith("<li>… và 3 việc khác</li>")
