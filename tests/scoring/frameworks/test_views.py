from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from scoring.models import AuditEvent, Framework, Period
from tests.factories import (
    FrameworkFactory,
    UnitFactory,
    UserFactory,
    login,
    small_framework,
    user_with_role,
    wide_framework,
)
from units.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """One draft period with a valid framework, one unit in its block, and a person for every role."""
    framework = small_framework()
    unit = UnitFactory(block=framework.block, name="UBND phường Hạ Đình")
    people = {
        "staff": user_with_role(Role.UNIT_STAFF, unit=unit, full_name="Trần Thị Hoa"),
        "head": user_with_role(Role.UNIT_HEAD, unit=unit, full_name="Lê Văn Nam"),
        "member": user_with_role(Role.COUNCIL_MEMBER, full_name="Phạm Minh Đức"),
        "secretary": user_with_role(Role.COUNCIL_SECRETARY, full_name="Nguyễn Thu Hà"),
        "leadership": user_with_role(Role.LEADERSHIP, full_name="Đỗ Quang Vinh"),
        "administrator": user_with_role(Role.ADMINISTRATOR, full_name="Quản Trị Viên"),
        "nobody": UserFactory(full_name="Người Chưa Có Vai Trò"),
    }
    return framework, unit, people


def test_anonymous_visitors_are_sent_to_login(client, world):
    framework, _, _ = world
    for url in [reverse("home"), reverse("period_list"), reverse("framework_detail", args=[framework.pk])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("staff", "Xem bộ chỉ số của khối"),
        ("head", "Xem bộ chỉ số của khối"),
        ("member", "Thành viên Hội đồng thẩm định"),
        ("secretary", "Quản lý kỳ đánh giá"),
        ("leadership", "Lãnh đạo UBND"),
        ("administrator", "Mở trang quản trị"),
        ("nobody", "Tài khoản của bạn chưa được phân vai trò nào."),
    ],
)
def test_home_shows_each_role_what_it_has_to_do(client, world, who, expected):
    framework, _, people = world
    Period.objects.filter(pk=framework.period_id).update(state=Period.State.SELF_ASSESSMENT)
    response = login(client, people[who]).get(reverse("home"))
    assert response.status_code == 200
    assert expected in response.content.decode()


# Drafts belong to the secretariat (and leadership and council may preview); units see frameworks once opened.
DRAFT_FRAMEWORK_ACCESS = {
    "staff": 404, "head": 404, "member": 200, "secretary": 200, "leadership": 200, "administrator": 200, "nobody": 404,
}  # fmt: skip


@pytest.mark.parametrize(("who", "status"), DRAFT_FRAMEWORK_ACCESS.items())
def test_draft_framework_access_matrix(client, world, who, status):
    framework, _, people = world
    assert login(client, people[who]).get(reverse("framework_detail", args=[framework.pk])).status_code == status
    assert login(client, people[who]).get(reverse("period_detail", args=[framework.period.year])).status_code == status


@pytest.mark.parametrize("who", ["staff", "head", "member", "secretary", "leadership", "administrator"])
def test_opened_framework_is_readable_by_every_role(client, world, who):
    framework, _, people = world
    Period.objects.filter(pk=framework.period_id).update(state=Period.State.SELF_ASSESSMENT)
    response = login(client, people[who]).get(reverse("framework_detail", args=[framework.pk]))
    assert response.status_code == 200
    assert "Ban hành kế hoạch CCHC năm" in response.content.decode()


def test_framework_page_shows_tree_rules_and_total(client, world):
    framework, _, people = world
    html = login(client, people["secretary"]).get(reverse("framework_detail", args=[framework.pk])).content.decode()
    assert "Tổng điểm tối đa: 10 · 7 tiêu chí chấm điểm" in html
    assert "từ 90%: Từ 90% trở lên — <strong>2</strong>" in html
    assert "trừ 0,5 điểm mỗi lần, không dưới 0" in html
    assert "bước 0,25 điểm" in html
    assert "có thể không áp dụng" in html


def test_framework_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    framework = wide_framework(areas=6, leaves_per_area=20)  # 120 leaves
    secretary = user_with_role(Role.COUNCIL_SECRETARY)
    login(client, secretary)
    # session, user, roles, framework, criteria, options, adjustments (check), adjustments (page), unread notices,
    # cycle banner
    with django_assert_num_queries(10):
        response = client.get(reverse("framework_detail", args=[framework.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('class="tree-leaf') == 120


def test_period_list_query_count_does_not_grow_with_periods(client, django_assert_num_queries):
    secretary = user_with_role(Role.COUNCIL_SECRETARY)
    framework = FrameworkFactory()
    for year in range(2000, 2010):
        FrameworkFactory(period__authority=framework.period.authority, period__year=year, block=framework.block)
    login(client, secretary)
    # session, user, roles, periods with framework counts, the copy-from choices, authority, unread notices,
    # cycle banner
    with django_assert_num_queries(8):
        response = client.get(reverse("period_list"))
    assert response.content.decode().count("/periods/20") >= 11


def test_secretary_creates_next_year_by_copying_and_opens_it(client, world):
    framework, _, people = world
    login(client, people["secretary"])
    response = client.post(reverse("period_create"), {"year": 2091, "copy_from": framework.period_id})
    assert response.status_code == 302
    period = Period.objects.get(year=2091)
    assert Framework.objects.get(period=period).cloned_from == framework
    response = client.post(
        reverse("period_open", args=[2091]), {"self_assessment_deadline": "2091-12-15T17:00"}, follow=True
    )
    assert "Đã mở kỳ tự đánh giá năm 2091; các bộ chỉ số đã được khóa." in response.content.decode()
    period.refresh_from_db()
    assert period.state == Period.State.SELF_ASSESSMENT
    assert period.self_assessment_deadline == datetime(2091, 12, 15, 17, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def test_opening_without_a_deadline_is_refused_with_a_message(client, world):
    framework, _, people = world
    login(client, people["secretary"])
    response = client.post(reverse("period_open", args=[framework.period.year]), {}, follow=True)
    assert "Trường này là bắt buộc." in response.content.decode()
    assert Period.objects.get(pk=framework.period_id).state == Period.State.DRAFT


@pytest.mark.parametrize("who", ["staff", "head", "member", "leadership"])
def test_other_roles_cannot_create_or_open_periods(client, world, who):
    framework, _, people = world
    login(client, people[who])
    assert client.post(reverse("period_create"), {"year": 2091}).status_code == 403
    status = client.post(
        reverse("period_open", args=[framework.period.year]), {"self_assessment_deadline": "2091-12-15T17:00"}
    ).status_code
    assert status in (403, 404)
    assert not Period.objects.filter(year=2091).exists()
    assert Period.objects.get(pk=framework.period_id).state == Period.State.DRAFT
    assert not AuditEvent.objects.exists()


def test_english_is_available_through_the_language_switch(client, world):
    _, _, people = world
    login(client, people["secretary"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Log out" in client.get(reverse("home")).content.decode()
