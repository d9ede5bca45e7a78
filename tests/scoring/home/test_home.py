"""The home page offers each person only what the pages behind it allow: entry into an open sheet, reading a sheet
locked at its deadline or submitted, opening a period still in preparation; with a fixed number of queries."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring.models import Period
from tests.factories import AssessmentFactory, UnitFactory, small_framework, user_with_role
from units.models import Role

pytestmark = pytest.mark.django_db

ENTER = "Nhập phiếu tự đánh giá"
READ = "Xem phiếu đánh giá"
SUBMIT = "Xem tóm tắt và nộp phiếu"
LOCKED = "Phiếu đã khóa vì đã quá hạn tự đánh giá; chỉ Thư ký Hội đồng mở lại được."
HOW_TO = "Đơn vị tự chấm điểm từng tiêu chí, kèm tài liệu kiểm chứng; người đứng đầu duyệt và nộp phiếu trước hạn."
OPEN_HINT = "Kiểm tra bộ chỉ số của từng khối rồi mở kỳ tự đánh giá."


@pytest.fixture
def ward():
    """Hạ Đình's draft sheet in a period in self-assessment whose deadline is a week away; its focal officer and
    head."""
    framework = small_framework()
    Period.objects.filter(pk=framework.period_id).update(
        state=Period.State.SELF_ASSESSMENT, self_assessment_deadline=timezone.now() + timedelta(days=7)
    )
    framework.period.refresh_from_db()
    unit = UnitFactory(block=framework.block, name="UBND phường Hạ Đình")
    return {
        "sheet": AssessmentFactory(framework=framework, unit=unit),
        "staff": user_with_role(Role.UNIT_STAFF, unit=unit),
        "head": user_with_role(Role.UNIT_HEAD, unit=unit),
    }


def card(client, user, unit) -> str:
    """The home page's card of one unit, as the person sees it."""
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    found = re.search(rf'<section class="card task-card h-100" aria-label="{unit.name}">(.*?)</section>', html, re.S)
    assert found, f"no card for {unit.name}"
    return found.group(1)


def links(html: str) -> list[tuple[str, str]]:
    return [(href, text.strip()) for href, text in re.findall(r'<a class="btn[^"]*" href="([^"]+)">([^<]+)</a>', html)]


def pass_the_deadline(period: Period) -> None:
    Period.objects.filter(pk=period.pk).update(self_assessment_deadline=timezone.now() - timedelta(minutes=1))


def test_an_open_sheet_is_offered_for_entry(client, ward):
    sheet = ward["sheet"]
    staff_card = card(client, ward["staff"], sheet.unit)
    assert '<span class="text-muted">(còn 7 ngày)</span>' in client.get(reverse("home")).content.decode()
    assert HOW_TO in staff_card
    assert LOCKED not in staff_card
    framework_link = (reverse("framework_detail", args=[sheet.framework_id]), "Xem bộ chỉ số của khối")
    assert links(staff_card) == [(reverse("assessment_sheet", args=[sheet.pk]), ENTER), framework_link]
    # the head also approves and submits
    assert links(card(client, ward["head"], sheet.unit)) == [
        (reverse("assessment_sheet", args=[sheet.pk]), ENTER),
        (reverse("assessment_submit", args=[sheet.pk]), SUBMIT),
        framework_link,
    ]


def test_a_sheet_locked_at_its_deadline_is_offered_for_reading_not_entry(client, ward):
    # given the deadline passed a minute ago and the sheet was never submitted
    sheet = ward["sheet"]
    pass_the_deadline(sheet.period)

    # then the focal officer is offered to read it, told why, and not invited to enter scores
    staff_card = card(client, ward["staff"], sheet.unit)
    assert '<span class="text-danger">(đã hết hạn)</span>' in client.get(reverse("home")).content.decode()
    assert ENTER not in staff_card
    assert HOW_TO not in staff_card
    assert LOCKED in staff_card
    assert links(staff_card)[0] == (reverse("assessment_sheet", args=[sheet.pk]), READ)
    # the head may still submit it (it will be marked late)
    head_links = links(card(client, ward["head"], sheet.unit))
    assert head_links[:2] == [
        (reverse("assessment_sheet", args=[sheet.pk]), READ),
        (reverse("assessment_submit", args=[sheet.pk]), SUBMIT),
    ]
    # and the sheet behind the link indeed refuses entry
    page = client.get(reverse("assessment_sheet", args=[sheet.pk])).content.decode()
    assert LOCKED in page
    assert "score-form" not in page


def test_a_sheet_reopened_until_a_later_day_is_offered_for_entry_again(client, ward):
    sheet = ward["sheet"]
    pass_the_deadline(sheet.period)
    sheet.extended_until = timezone.now() + timedelta(days=2)
    sheet.save(update_fields=["extended_until"])
    staff_card = card(client, ward["staff"], sheet.unit)
    assert links(staff_card)[0] == (reverse("assessment_sheet", args=[sheet.pk]), ENTER)
    assert LOCKED not in staff_card


def test_a_submitted_sheet_is_offered_for_reading_only(client, ward):
    sheet = ward["sheet"]
    sheet.state, sheet.submitted_at, sheet.submitted_by = sheet.State.SUBMITTED, timezone.now(), ward["head"]
    sheet.save()
    head_card = card(client, ward["head"], sheet.unit)
    assert '<span class="badge text-bg-success">Đã nộp</span>' in head_card
    assert links(head_card)[0] == (reverse("assessment_sheet", args=[sheet.pk]), READ)
    assert SUBMIT not in head_card
    assert LOCKED not in head_card


def test_the_secretary_is_asked_to_open_a_period_in_preparation_and_then_to_follow_the_council(client):
    framework = small_framework()
    secretary = user_with_role(Role.COUNCIL_SECRETARY)
    leader = user_with_role(Role.LEADERSHIP)
    overview = reverse("council_overview", args=[framework.period.year])

    client.force_login(secretary)
    draft_page = client.get(reverse("home")).content.decode()
    assert OPEN_HINT in draft_page
    assert overview not in draft_page
    client.force_login(leader)
    assert overview not in client.get(reverse("home")).content.decode()

    Period.objects.filter(pk=framework.period_id).update(state=Period.State.SELF_ASSESSMENT)
    client.force_login(secretary)
    open_page = client.get(reverse("home")).content.decode()
    assert OPEN_HINT not in open_page
    assert f'href="{overview}">Hội đồng thẩm định và tiến độ</a>' in open_page
    client.force_login(leader)
    assert f'href="{overview}">Tiến độ thẩm định</a>' in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("count", [1, 8])
def test_the_home_page_runs_a_fixed_number_of_queries(client, ward, count, django_assert_num_queries):
    # given a head of `count` units, every other sheet submitted by a different person
    framework, head = ward["sheet"].framework, ward["head"]
    for number in range(count - 1):
        unit = UnitFactory(block=framework.block)
        head.role_assignments.create(role=Role.UNIT_HEAD, unit=unit)
        AssessmentFactory(framework=framework, unit=unit, submitted=number % 2 == 0)
    client.force_login(head)
    client.get(reverse("home"))  # warm-up: session and the like

    # session, user, roles, current period, frameworks, units, sheets; then the bell and the cycle banner
    with django_assert_num_queries(9):
        response = client.get(reverse("home"))
    assert response.content.decode().count('class="card task-card h-100" aria-label=') == count
