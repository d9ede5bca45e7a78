"""Remediation plans: the head plans each weak criterion of a published year and reports progress; the unit, the
secretariat and leadership follow them; overdue plans remind; next year's sheet shows last year's score and plan.

The role_world: 2022 published; UBND phường Hạ Đình (own) lost 1 of 2 points on 1.2, Kim Giang (other) lost none;
a plan already exists for Hạ Đình's 1.2 (due 30/06/2030). 2023 is under appraisal with both sheets submitted.
"""

import datetime
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from scoring.models import AuditEvent, Notice, Period, RemediationPlan
from scoring.plans.services import plan_progress_update, plan_record
from tests.factories import user_with_role
from tests.world import row_counts
from units.models import Role

pytestmark = pytest.mark.django_db

NEXT_MONTH = timezone.localdate() + datetime.timedelta(days=30)


@pytest.fixture
def world(role_world):
    RemediationPlan.objects.filter(pk=role_world["plan"].pk).delete()  # each test starts without a plan
    return role_world


def record(world, actor, **overrides):
    fields = {
        "period": Period.objects.get(pk=world["published"].pk),
        "unit": world["own"],
        "criterion_code": "1.2",
        "action": "Lập sổ theo dõi văn bản chỉ đạo, rà soát hằng tháng",
        "owner": "Văn phòng – Thống kê",
        "due_date": NEXT_MONTH,
        **overrides,
    }
    return plan_record(actor=actor, **fields)


def test_the_head_plans_a_criterion_the_unit_lost_points_on(world):
    head = world["people"]["own_head"]

    plan = record(world, head)

    plan.refresh_from_db()
    assert (plan.unit_id, plan.criterion_code, plan.criterion_title) == (
        world["own"].pk,
        "1.2",
        "Tỷ lệ văn bản chỉ đạo được thực hiện",
    )
    assert (plan.owner, plan.due_date, plan.status) == ("Văn phòng – Thống kê", NEXT_MONTH, "planned")
    event = AuditEvent.objects.get(action="plan.record")
    assert (event.actor, event.summary) == (head, "Lập kế hoạch khắc phục tiêu chí 1.2 của UBND phường Hạ Đình")


@pytest.mark.parametrize("who", ["own_staff", "other_staff", "secretary", "leadership"])
def test_only_the_units_head_plans_and_a_refusal_changes_nothing(world, who):
    before = row_counts()

    with pytest.raises(PermissionDenied):
        record(world, world["people"][who])

    assert row_counts() == before


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"criterion_code": "1.1.1"}, "Tiêu chí 1.1.1 không bị mất điểm trong kết quả năm 2022."),
        ({"action": "  "}, "Hãy ghi biện pháp khắc phục."),
        ({"owner": ""}, "Hãy ghi người hoặc bộ phận thực hiện."),
        ({"due_date": None}, "Hãy chọn hạn hoàn thành (ngày/tháng/năm)."),
        ({"due_date": datetime.date(2020, 1, 1)}, "Hạn hoàn thành không được trước hôm nay."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(world, overrides, message):
    before = row_counts()

    with pytest.raises(ValidationError) as refused:
        record(world, world["people"]["own_head"], **overrides)

    assert refused.value.messages == [message]
    assert row_counts() == before


def test_one_plan_per_criterion(world):
    record(world, world["people"]["own_head"])
    before = row_counts()

    with pytest.raises(ValidationError) as refused:
        record(world, world["people"]["own_head"], action="Một kế hoạch khác")

    assert refused.value.messages == ["Tiêu chí 1.2 đã có kế hoạch khắc phục; hãy cập nhật tiến độ của kế hoạch đó."]
    assert row_counts() == before


def test_the_head_reports_progress_and_done_needs_what_was_done(world):
    head = world["people"]["own_head"]
    plan = record(world, head)

    with pytest.raises(ValidationError) as refused:
        plan_progress_update(actor=head, plan=plan, status="done", note="")
    assert refused.value.messages == ["Hãy ghi kết quả đã làm được khi báo hoàn thành."]
    plan.refresh_from_db()
    assert plan.status == "planned"

    plan_progress_update(actor=head, plan=plan, status="done", note="Đã lập sổ theo dõi từ tháng 2.")

    plan.refresh_from_db()
    assert (plan.status, plan.progress_note) == ("done", "Đã lập sổ theo dõi từ tháng 2.")
    assert AuditEvent.objects.get(action="plan.progress").data == {"plan": plan.pk, "from": "planned", "to": "done"}
    with pytest.raises(PermissionDenied):
        plan_progress_update(actor=world["people"]["own_staff"], plan=plan, status="planned", note="")


def test_the_unit_page_lists_the_weak_criteria_with_their_plans(client, role_world):
    url = reverse("plan_unit", args=[2022, role_world["own"].pk])
    for who in ("own_staff", "own_head", "secretary", "leadership"):
        client.force_login(role_world["people"][who])
        html = client.get(url).content.decode()
        assert "1.2 Tỷ lệ văn bản chỉ đạo được thực hiện" in html
        assert "Theo dõi văn bản chỉ đạo hằng tháng" in html
        assert "Văn phòng UBND phường · hạn 30/06/2030" in html
        assert ("Lưu kế hoạch" in html) is False  # the only weak criterion already has its plan
        assert ('action="/plans/' in html) is (who == "own_head")  # only the head reports progress
    for who in ("other_staff", "council_member", "conflicted_member"):
        client.force_login(role_world["people"][who])
        assert client.get(url).status_code == 404


def test_the_head_records_a_plan_through_the_page(client, world):
    client.force_login(world["people"]["own_head"])
    url = reverse("plan_unit", args=[2022, world["own"].pk])
    assert "Lưu kế hoạch" in client.get(url).content.decode()

    bad = client.post(url, {"criterion_code": "1.2", "action": "x", "owner": "y", "due_date": "30/02/2030"})
    assert "Hạn hoàn thành không phải là một ngày hợp lệ." in bad.content.decode()
    assert not RemediationPlan.objects.exists()

    response = client.post(
        url, {"criterion_code": "1.2", "action": "Rà soát", "owner": "Văn phòng", "due_date": NEXT_MONTH.isoformat()}
    )

    assert response.status_code == 302
    assert RemediationPlan.objects.get().action == "Rà soát"


def test_the_list_shows_every_plan_to_those_who_follow_them_and_the_own_to_a_unit(
    client, role_world, django_assert_num_queries
):
    other_plan = RemediationPlan.objects.create(
        period=role_world["published"],
        unit=role_world["other"],
        criterion_code="2.1",
        criterion_title="Chất lượng giải quyết hồ sơ",
        action="Số hoá hồ sơ",
        owner="Bộ phận một cửa",
        due_date=datetime.date(2020, 1, 1),
        created_by=role_world["people"]["own_head"],
    )
    RemediationPlan.objects.bulk_create(  # enough plans of both units for an N+1 to show
        RemediationPlan(
            period=role_world["published"],
            unit=role_world["own" if number % 2 else "other"],
            criterion_code=f"9.{number}",
            criterion_title=f"Tiêu chí 9.{number}",
            action=f"Biện pháp {number}",
            owner="Văn phòng",
            due_date=datetime.date(2030, 1, 1),
            created_by=role_world["people"]["own_head"],
        )
        for number in range(20)
    )
    client.force_login(role_world["people"]["leadership"])
    client.get(reverse("plan_list"))  # warm the session
    with django_assert_num_queries(7):  # session, user, roles, plans, published years, unread notices, banner
        html = client.get(reverse("plan_list")).content.decode()
    assert "Theo dõi văn bản chỉ đạo hằng tháng" in html and "Số hoá hồ sơ" in html
    assert html.count("<td>2022</td>") == 22
    overdue = client.get(reverse("plan_list") + "?filter=overdue").content.decode()
    assert "Số hoá hồ sơ" in overdue and "Quá hạn" in overdue
    assert "Theo dõi văn bản chỉ đạo hằng tháng" not in overdue

    client.force_login(role_world["people"]["own_staff"])
    html = client.get(reverse("plan_list")).content.decode()
    assert "Theo dõi văn bản chỉ đạo hằng tháng" in html and "Số hoá hồ sơ" not in html
    assert other_plan.is_overdue


def test_an_overdue_plan_reminds_the_head_once_a_day(role_world):
    RemediationPlan.objects.filter(pk=role_world["plan"].pk).update(due_date=datetime.date(2024, 3, 31))
    head = role_world["people"]["own_head"]

    call_command("send_reminders", stdout=StringIO())
    call_command("send_reminders", stdout=StringIO())

    [notice] = Notice.objects.filter(recipient=head, message__startswith="Nhắc việc: kế hoạch khắc phục")
    assert notice.message == (
        "Nhắc việc: kế hoạch khắc phục tiêu chí 1.2 (kết quả năm 2022) của UBND phường Hạ Đình đã quá hạn "
        "31/03/2024; hãy cập nhật tiến độ."
    )
    assert notice.url == f"/plans/2022/units/{role_world['own'].pk}/"


def test_a_plan_done_or_not_yet_due_does_not_remind(role_world):
    RemediationPlan.objects.filter(pk=role_world["plan"].pk).update(due_date=datetime.date(2024, 3, 31), status="done")

    call_command("send_reminders", stdout=StringIO())

    assert not Notice.objects.filter(message__startswith="Nhắc việc: kế hoạch khắc phục").exists()


def test_next_years_sheet_shows_last_years_score_and_the_plans_status(client, role_world):
    RemediationPlan.objects.filter(pk=role_world["plan"].pk).update(status="in_progress")
    client.force_login(role_world["people"]["own_staff"])

    html = client.get(reverse("assessment_sheet", args=[role_world["sheets"]["own"].pk])).content.decode()

    hint = html.split('data-testid="last-year-1.2">')[1].split("</div>")[0]
    assert "Năm 2022: 1/2 điểm" in hint and "(−1)" in hint
    assert "Kế hoạch khắc phục" in hint and "Đang thực hiện" in hint
    full = html.split('data-testid="last-year-1.1.1">')[1].split("</div>")[0]
    assert "Năm 2022: 1/1 điểm" in full and "kế hoạch" not in full


def test_a_new_head_sees_no_other_units_plans(client, role_world):
    client.force_login(user_with_role(Role.UNIT_HEAD, role_world["other"]))

    response = client.get(reverse("plan_unit", args=[2022, role_world["own"].pk]))

    assert response.status_code == 404
