import pytest
from django.test import override_settings
from django.urls import include, path

from tests.factories import UnitFactory, user_with_role
from units.models import Role


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", boom), path("", include("cchc_portal.urls"))]

pytestmark = pytest.mark.django_db


def test_not_found_speaks_vietnamese_in_the_portal_layout(client):
    client.force_login(user_with_role(Role.LEADERSHIP))
    response = client.get("/assessments/999999/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy trang" in html and "Chỉ số CCHC" in html


def test_forbidden_says_why(client):
    client.force_login(user_with_role(Role.UNIT_STAFF, unit=UnitFactory()))
    response = client.post("/periods/new/", {"year": 2030})
    assert response.status_code == 403
    assert "Bạn không được thực hiện thao tác này" in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_server_error_page_promises_nothing_was_changed(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Thao tác chưa được thực hiện và dữ liệu của bạn không bị thay đổi." in response.content.decode()


def test_visitors_without_an_account_find_the_login_link(client):
    html = client.get("/khong-co-trang-nay/").content.decode()
    assert '<a class="btn btn-outline-light btn-sm" href="/login/?next=/khong-co-trang-nay/">Đăng nhập</a>' in html
