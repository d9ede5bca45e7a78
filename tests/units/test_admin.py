"""The onboarding workbooks in the admin (upload → dry-run preview → confirm), the units' deactivation, the one
authority, and who may do each."""

import io

import openpyxl
import pytest
from django.core import mail
from django.urls import reverse

from scoring.models import AuditEvent
from tests.factories import (
    AuthorityFactory,
    BlockFactory,
    PeriodFactory,
    UnitFactory,
    organisation_file,
    people_file,
    user_with_role,
)
from units.models import Authority, Block, Role, RoleAssignment, Unit, User
from units.services import organisation_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def authority() -> Authority:
    return AuthorityFactory(name="UBND thành phố Hải Minh", level=Authority.Level.CITY)


@pytest.fixture
def secretary_client(client, authority):
    client.force_login(user_with_role(Role.COUNCIL_SECRETARY, username="thuky.admin", email="tk@example.vn"))
    return client


def upload(client, url: str, content: bytes, name: str = "tep.xlsx"):
    return client.post(url, {"import_file": io.BytesIO(content), "format": "0", "resource": "0"}, format="multipart")


def test_unit_changelist_offers_import_and_export_to_the_secretary(secretary_client):
    page = secretary_client.get(reverse("admin:units_unit_changelist")).content.decode()

    assert f'href="{reverse("admin:units_unit_import")}"' in page
    assert "Nhập từ Excel" in page
    assert f'href="{reverse("admin:units_unit_book_export")}"' in page


def test_import_page_describes_both_worksheets_in_vietnamese(secretary_client):
    page = secretary_client.get(reverse("admin:units_unit_import")).content.decode()

    assert "Nhập danh mục khối và đơn vị từ Excel" in page
    assert "Trang “Khối”: “Mã khối”*, “Tên khối”*" in page
    assert "Trang “Đơn vị”: “Mã đơn vị”*, “Tên đơn vị”*, “Mã khối”*, “Đang hoạt động”, “Tiếp nối đơn vị”" in page


def test_upload_shows_a_preview_and_saves_only_on_confirmation(secretary_client):
    # given: the secretary uploads the organisation workbook
    preview = upload(secretary_client, reverse("admin:units_unit_import"), organisation_file())

    # then: a preview, nothing saved yet
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Xem trước (chưa lưu)" in page
    assert "Trang “Khối”: 2 mới, 0 cập nhật, 0 không đổi" in page
    assert "Trang “Đơn vị”: 3 mới, 0 cập nhật, 0 không đổi" in page
    assert "UBND phường An Biên" in page
    assert not Unit.objects.exists()
    confirm = preview.context["confirm_form"]

    # when: the secretary confirms
    done = secretary_client.post(
        reverse("admin:units_unit_process_import"),
        {name: confirm.initial[name] for name in ("import_file_name", "original_file_name", "format", "resource")},
        follow=True,
    )

    # then
    assert done.redirect_chain[-1][0] == reverse("admin:units_unit_changelist")
    assert (
        "Đã nhập danh mục khối và đơn vị: Khối: 2 mới, 0 cập nhật, 0 không đổi; Đơn vị: 3 mới, 0 cập nhật, "
        "0 không đổi." in done.content.decode()
    )
    assert list(Unit.objects.order_by("code").values_list("code", flat=True)) == [
        "phuong-an-bien",
        "so-noi-vu",
        "so-tu-phap",
    ]
    assert AuditEvent.objects.get(action="units.import").actor.username == "thuky.admin"


def test_a_file_with_a_bad_row_shows_every_problem_and_no_confirm_button(secretary_client):
    units = [["so-noi-vu", "Sở Nội vụ", "so-nganh", 1, None], ["x", "UBND xã X", "xa", 1, None]]

    response = upload(secretary_client, reverse("admin:units_unit_import"), organisation_file(units=units))

    page = response.content.decode()
    assert "Chưa nhập gì: tệp có 1 lỗi. Hãy sửa tệp rồi tải lên lại." in page
    assert "Trang “Đơn vị”, dòng 3: Khối mã “xa” không có trong trang “Khối” hay trong danh mục." in page
    assert "Xác nhận nhập" not in page
    assert response.context.get("confirm_form") is None
    assert not Block.objects.exists()


def test_a_file_that_is_not_excel_is_refused_on_the_form(secretary_client):
    response = upload(secretary_client, reverse("admin:units_unit_import"), b"not a workbook at all")

    assert response.context["form"].errors == {
        "import_file": [
            "Tệp không phải bảng tính Excel (.xlsx) đọc được; hãy dùng tệp xuất từ cổng hoặc lưu lại dưới dạng .xlsx."
        ]
    }
    assert not Block.objects.exists()


def test_people_import_from_the_user_changelist_sends_activation_after_confirmation(
    secretary_client, django_capture_on_commit_callbacks
):
    organisation_import(actor=None, file=organisation_file())
    preview = upload(secretary_client, reverse("admin:units_user_import"), people_file())
    page = preview.content.decode()
    assert "Sau khi xác nhận, 3 người mới sẽ nhận thư kích hoạt để tự đặt mật khẩu." in page
    assert mail.outbox == []
    confirm = preview.context["confirm_form"]

    with django_capture_on_commit_callbacks(execute=True):
        done = secretary_client.post(
            reverse("admin:units_user_process_import"),
            {name: confirm.initial[name] for name in ("import_file_name", "original_file_name", "format", "resource")},
            follow=True,
        )

    assert "Đã gửi thư kích hoạt tài khoản cho 3 người mới." in done.content.decode()
    assert sorted(message.to[0] for message in mail.outbox) == [
        "an@example.vn",
        "thang@example.vn",
        "thuky@example.vn",
    ]
    assert RoleAssignment.objects.filter(role=Role.UNIT_HEAD).count() == 2


def test_export_downloads_the_organisation_workbook(secretary_client):
    UnitFactory(code="so-noi-vu", name="Sở Nội vụ", block=BlockFactory(code="so-nganh", name="Sở, ban, ngành"))

    response = secretary_client.get(reverse("admin:units_unit_book_export"))

    assert response["Content-Disposition"] == 'attachment; filename="danh-muc-don-vi.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Khối", "Đơn vị"]
    assert list(book["Đơn vị"].iter_rows(values_only=True))[1] == ("so-noi-vu", "Sở Nội vụ", "so-nganh", 1, None)


@pytest.mark.parametrize("name", ["admin:units_unit_import", "admin:units_user_import", "admin:units_unit_book_export"])
def test_unit_staff_cannot_reach_the_workbooks(client, authority, name):
    client.force_login(user_with_role(Role.UNIT_STAFF, UnitFactory()))

    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_leadership_sees_no_import_page(client, authority):
    client.force_login(user_with_role(Role.LEADERSHIP))

    response = client.get(reverse("admin:units_user_import"))

    assert response.status_code == 302
    assert not User.objects.filter(username="thuky").exists()


# ---- units are deactivated, not deleted -------------------------------------------------------------


def test_a_unit_with_a_sheet_cannot_be_deleted_and_is_deactivated_instead(admin_client, authority):
    from scoring.models import Assessment
    from tests.factories import FrameworkFactory

    unit = UnitFactory(name="UBND phường Cũ")
    framework = FrameworkFactory(block=unit.block, period=PeriodFactory(authority=authority))
    Assessment.objects.create(period=framework.period, unit=unit, framework=framework)

    page = admin_client.get(reverse("admin:units_unit_change", args=[unit.pk])).content.decode()
    assert reverse("admin:units_unit_delete", args=[unit.pk]) not in page
    assert admin_client.post(reverse("admin:units_unit_delete", args=[unit.pk]), {"post": "yes"}).status_code == 403

    response = admin_client.post(
        reverse("admin:units_unit_changelist"),
        {"action": "deactivate", "_selected_action": [unit.pk]},
        follow=True,
    )

    assert "Đã ngừng hoạt động 1 đơn vị." in response.content.decode()
    unit.refresh_from_db()
    assert unit.is_active is False
    assert AuditEvent.objects.get(action="units.deactivate").summary == "Ngừng hoạt động 1 đơn vị: UBND phường Cũ."


def test_a_unit_without_history_may_still_be_deleted_by_an_administrator(admin_client, authority):
    unit = UnitFactory()

    admin_client.post(reverse("admin:units_unit_delete", args=[unit.pk]), {"post": "yes"})

    assert not Unit.objects.filter(pk=unit.pk).exists()


# ---- one authority ----------------------------------------------------------------------------------


def test_the_authority_cannot_be_added_twice(admin_client, authority):
    changelist = admin_client.get(reverse("admin:units_authority_changelist")).content.decode()
    assert reverse("admin:units_authority_add") not in changelist

    response = admin_client.post(
        reverse("admin:units_authority_add"), {"name": "UBND tỉnh Khác", "short_name": "", "level": "province"}
    )

    assert response.status_code == 403
    assert list(Authority.objects.values_list("name", flat=True)) == ["UBND thành phố Hải Minh"]


def test_the_authority_is_renamed_in_place(admin_client, authority):
    admin_client.post(
        reverse("admin:units_authority_change", args=[authority.pk]),
        {"name": "UBND thành phố Hải Minh (mới)", "short_name": "Hải Minh", "level": "city"},
    )

    authority.refresh_from_db()
    assert (authority.name, authority.short_name) == ("UBND thành phố Hải Minh (mới)", "Hải Minh")
    assert AuditEvent.objects.get(action="authority.update").summary == (
        "Cơ quan đánh giá: UBND thành phố Hải Minh (mới) (Thành phố)"
    )


def test_the_first_authority_is_added_once(admin_client):
    response = admin_client.post(
        reverse("admin:units_authority_add"),
        {"name": "UBND thành phố Hải Minh", "short_name": "Hải Minh", "level": "city"},
    )

    assert response.status_code == 302
    assert list(Authority.objects.values_list("name", "level")) == [("UBND thành phố Hải Minh", "city")]
    assert AuditEvent.objects.filter(action="authority.create").count() == 1
