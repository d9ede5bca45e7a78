"""The bell: a person sees only their own notices, newest first, and marks them read."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring.models import Notice
from tests.factories import UnitFactory, user_with_role
from units.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    unit = UnitFactory(name="UBND phường Khương Đình")
    return {
        "staff": user_with_role(Role.UNIT_STAFF, unit=unit),
        "member": user_with_role(Role.COUNCIL_MEMBER),
    }


def notice(recipient, message, *, read=False, url="", minutes_ago=0):
    item = Notice.objects.create(
        recipient=recipient, message=message, url=url, read_at=timezone.now() if read else None
    )
    Notice.objects.filter(pk=item.pk).update(created_at=timezone.now() - timedelta(minutes=minutes_ago))
    return item


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("notice_list"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('notice_list')}"
    assert client.post(reverse("notice_read_all")).status_code == 302


def test_only_own_notices_newest_first_unread_bold(client, people):
    older = notice(
        people["staff"],
        "Hội đồng yêu cầu giải trình tiêu chí 1.1.1.",
        url="/assessments/7/explanations/",
        minutes_ago=60,
    )
    newer = notice(people["staff"], "Phiếu đã được mở lại.", read=True, minutes_ago=5)
    notice(people["member"], "Thông báo của thành viên Hội đồng")
    client.force_login(people["staff"])
    html = client.get(reverse("notice_list")).content.decode()
    assert "Thông báo của thành viên Hội đồng" not in html
    assert html.index(f'id="notice-{newer.pk}"') < html.index(f'id="notice-{older.pk}"')
    assert (
        '<li class="list-group-item d-flex justify-content-between gap-3 fw-bold notice-unread" '
        f'id="notice-{older.pk}">' in html
    )
    assert f'<li class="list-group-item d-flex justify-content-between gap-3" id="notice-{newer.pk}">' in html
    assert f'<a href="/notices/{older.pk}/">Hội đồng yêu cầu giải trình tiêu chí 1.1.1.</a>' in html


def test_empty_list_says_so(client, people):
    client.force_login(people["member"])
    assert "Bạn chưa có thông báo nào." in client.get(reverse("notice_list")).content.decode()


def test_mark_all_read_touches_only_own_unread_notices(client, people):
    mine = [notice(people["staff"], f"Việc {n}") for n in range(3)]
    already = notice(people["staff"], "Đã đọc", read=True)
    read_at = Notice.objects.get(pk=already.pk).read_at
    theirs = notice(people["member"], "Của người khác")
    client.force_login(people["staff"])
    response = client.post(reverse("notice_read_all"), follow=True)
    assert response.redirect_chain == [(reverse("notice_list"), 302)]
    assert "Đã đánh dấu 3 thông báo là đã đọc." in response.content.decode()
    assert not Notice.objects.filter(pk__in=[n.pk for n in mine], read_at__isnull=True).exists()
    assert Notice.objects.get(pk=already.pk).read_at == read_at
    assert Notice.objects.get(pk=theirs.pk).read_at is None


def test_mark_all_read_with_nothing_unread(client, people):
    client.force_login(people["staff"])
    response = client.post(reverse("notice_read_all"), follow=True)
    assert "Không có thông báo nào chưa đọc." in response.content.decode()


def test_mark_all_read_is_a_post(client, people):
    notice(people["staff"], "Việc")
    client.force_login(people["staff"])
    assert client.get(reverse("notice_read_all")).status_code == 405
    assert Notice.objects.filter(read_at__isnull=True).count() == 1


def test_navbar_shows_the_unread_count(client, people):
    notice(people["staff"], "Một")
    notice(people["staff"], "Hai")
    notice(people["staff"], "Đã đọc", read=True)
    notice(people["member"], "Của người khác")
    client.force_login(people["staff"])
    html = client.get(reverse("notice_list")).content.decode()
    assert f'href="{reverse("notice_list")}" data-testid="notice-bell"' in html
    assert (
        '<span class="badge text-bg-danger" data-testid="unread-count">2<span class="visually-hidden"> chưa đọc</span>'
        in html
    )
    client.post(reverse("notice_read_all"))
    assert 'data-testid="unread-count"' not in client.get(reverse("notice_list")).content.decode()


def test_anonymous_pages_have_no_bell(client):
    assert 'data-testid="notice-bell"' not in client.get(reverse("login")).content.decode()


def test_page_runs_a_fixed_number_of_queries(client, people, django_assert_num_queries):
    Notice.objects.bulk_create(Notice(recipient=people["staff"], message=f"Thông báo {n}") for n in range(80))
    client.force_login(people["staff"])
    # session, user, roles, page count, notices, unread count, cycle banner
    with django_assert_num_queries(7):
        response = client.get(reverse("notice_list"))
    assert response.content.decode().count('class="list-group-item d-flex') == 50
    assert "Trang 1/2" in response.content.decode()


def test_opening_a_notice_marks_it_read_and_follows_its_link(client):
    user = user_with_role(Role.LEADERSHIP)
    other = user_with_role(Role.LEADERSHIP)
    notice = Notice.objects.create(recipient=user, message="Có phiếu mới nộp", url="/assessments/")
    foreign = Notice.objects.create(recipient=other, message="Của người khác", url="/")
    client.force_login(user)
    response = client.get(reverse("notice_open", args=[notice.pk]))
    assert (response.status_code, response.url) == (302, "/assessments/")
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert client.get(reverse("notice_open", args=[foreign.pk])).status_code == 404
    foreign.refresh_from_db()
    assert foreign.read_at is None
