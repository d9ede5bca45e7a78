"""Single sign-on against a real OpenID Connect provider process on loopback (tests/oidc.py): accounts are matched,
never created; roles stay the portal's; local passwords can be kept for administrators only."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory, user_with_role
from units.models import Role, RoleAssignment, User

pytestmark = pytest.mark.django_db

PROVIDER_NAME = "Cổng đăng nhập một lần"
REFUSED = (
    "Không đăng nhập được qua Cổng đăng nhập một lần: tài khoản này chưa được cấp trên Cổng, hoặc đăng nhập bị từ"
    " chối. Hãy liên hệ quản trị hệ thống để được cấp tài khoản."
)


def sign_in_at_provider(client, provider, subject: str, *, next_url: str = "/results/"):
    """The browser's round trip: the portal sends us to the provider, we approve as `subject`, the provider sends
    us back with a code, and the portal exchanges it (server to server) for the person's claims."""
    start = client.get(reverse("sso_login"), {"next": next_url})
    assert start.status_code == 302
    authorize = start["Location"]
    assert authorize.startswith(f"{provider.url}/oauth2/authorize?")
    query = parse_qs(urlsplit(authorize).query)
    assert query["client_id"] == ["cong-cchc"] and query["code_challenge_method"] == ["S256"] and query["nonce"]
    approved = requests.post(authorize, data={"sub": subject}, allow_redirects=False, timeout=10)
    assert approved.status_code == 302, approved.text
    back = urlsplit(approved.headers["Location"])
    assert back.path == reverse("sso_callback")
    return client.get(f"{back.path}?{back.query}")


def signed_in_user_id(client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value else None


def test_an_official_signs_in_by_e_mail_and_keeps_the_portals_roles_and_name(client, sso):
    person = user_with_role(Role.LEADERSHIP, email="lan.vu@thanhxuan.gov.vn", full_name="Vũ Thị Lan")
    sso.set_person(
        "vneid-001",
        {"email": "Lan.Vu@ThanhXuan.gov.vn", "name": "Tên khác từ cổng", "roles": ["administrator"]},
    )
    roles_before = list(RoleAssignment.objects.values_list("user_id", "role", "unit_id"))

    response = sign_in_at_provider(client, sso, "vneid-001")

    assert response.status_code == 302 and response["Location"] == "/results/"
    assert signed_in_user_id(client) == person.pk
    person.refresh_from_db()
    assert person.full_name == "Vũ Thị Lan"  # nothing the provider says changes the account
    assert list(RoleAssignment.objects.values_list("user_id", "role", "unit_id")) == roles_before
    home = client.get(reverse("home"))
    assert "Xin chào, Vũ Thị Lan" in home.text
    assert reverse("admin:index") not in home.text  # the provider's "roles" claim gives nothing


def test_matching_by_username_when_configured(client, sso, settings):
    settings.OIDC_MATCH_CLAIM = "preferred_username"
    person = UserFactory(username="canbo.hadinh", email="chung@example.org")
    UserFactory(username="khac", email="canbo.hadinh@example.org")
    sso.set_person("vneid-002", {"preferred_username": "CANBO.HADINH", "email": "chung@example.org"})

    response = sign_in_at_provider(client, sso, "vneid-002")

    assert response.status_code == 302
    assert signed_in_user_id(client) == person.pk


@pytest.mark.parametrize(
    "case",
    ["unknown", "inactive", "two_accounts", "no_claim"],
)
def test_nobody_unknown_or_ambiguous_gets_in_and_no_account_is_created(client, sso, case):
    if case == "inactive":
        UserFactory(email="nghi.viec@thanhxuan.gov.vn", is_active=False)
    if case == "two_accounts":
        UserFactory(email="trung@thanhxuan.gov.vn")
        UserFactory(email="TRUNG@thanhxuan.gov.vn")
    email = {
        "unknown": "chua.co@thanhxuan.gov.vn",
        "inactive": "nghi.viec@thanhxuan.gov.vn",
        "two_accounts": "trung@thanhxuan.gov.vn",
        "no_claim": None,
    }[case]
    sso.set_person(f"vneid-{case}", {"email": email} if email else {"name": "Không có e-mail"})
    users_before = list(User.objects.order_by("pk").values_list("pk", "username", "email", "is_active"))

    response = sign_in_at_provider(client, sso, f"vneid-{case}")

    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert signed_in_user_id(client) is None
    assert list(User.objects.order_by("pk").values_list("pk", "username", "email", "is_active")) == users_before
    page = client.get(reverse("login"))
    assert REFUSED in page.text


def test_the_login_page_offers_single_sign_on_only_when_configured(client, oidc_provider, settings):
    assert "Đăng nhập qua" not in client.get(reverse("login")).text
    assert client.get(reverse("sso_login")).status_code == 404
    for name, value in oidc_provider.settings().items():
        setattr(settings, name, value)
    page = client.get(reverse("login"), {"next": "/results/"})
    assert f'href="{reverse("sso_login")}?next=/results/">Đăng nhập qua {PROVIDER_NAME}</a>' in page.text


def test_local_passwords_can_be_kept_for_administrators_only(client, sso, settings):
    settings.LOCAL_PASSWORD_LOGIN = "administrators"
    official = user_with_role(Role.COUNCIL_SECRETARY, username="thuky")
    administrator = user_with_role(Role.ADMINISTRATOR, username="quantri")

    refused = client.post(reverse("login"), {"username": official.username, "password": PASSWORD})

    assert refused.status_code == 200
    assert signed_in_user_id(client) is None
    assert (
        "Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản này phải đăng nhập qua Cổng đăng nhập một lần: mật khẩu chỉ"
        " dành cho quản trị hệ thống."
    ) in refused.text
    allowed = client.post(reverse("login"), {"username": administrator.username, "password": PASSWORD})
    assert allowed.status_code == 302
    assert signed_in_user_id(client) == administrator.pk
    # the official still gets in, through the province's sign-on
    client.logout()
    official.email = "thuky@thanhxuan.gov.vn"
    official.save(update_fields=["email"])
    sso.set_person("vneid-thuky", {"email": "thuky@thanhxuan.gov.vn"})
    assert sign_in_at_provider(client, sso, "vneid-thuky").status_code == 302
    assert signed_in_user_id(client) == official.pk


def test_a_callback_without_a_started_sign_in_changes_nothing(client, sso):
    response = client.get(reverse("sso_callback"), {"code": "forged", "state": "forged"})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert signed_in_user_id(client) is None
