"""The onboarding workbooks (organisation: blocks and units; people: accounts and roles): services and commands."""

import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from scoring.models import AuditEvent
from tests.factories import (
    BLOCK_HEADERS,
    BLOCKS,
    PERSON_HEADERS,
    ROLE_HEADERS,
    UNIT_HEADERS,
    UNITS,
    AuthorityFactory,
    BlockFactory,
    UnitFactory,
    UserFactory,
    organisation_file,
    people_file,
    user_with_role,
    workbook,
)
from units.models import Authority, Block, Role, RoleAssignment, Unit, User
from units.services import activation_send, organisation_import, people_import
from units.workbooks.books import ORGANISATION, PEOPLE, export_book

pytestmark = pytest.mark.django_db


def sheets_of(content: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def units_snapshot() -> list[tuple]:
    return list(
        Unit.objects.order_by("block__position", "position").values_list(
            "code", "name", "block__code", "position", "is_active", "predecessor__code"
        )
    )


@pytest.fixture
def authority() -> Authority:
    return AuthorityFactory(name="UBND thành phố Hải Minh", level=Authority.Level.CITY)


@pytest.fixture
def onboarded(authority) -> None:
    organisation_import(actor=None, file=organisation_file())
    people_import(actor=None, file=people_file())
    mail.outbox.clear()


# ---- organisation ---------------------------------------------------------------------------------


def test_organisation_import_creates_blocks_and_units_in_file_order(authority):
    # when
    result = organisation_import(actor=None, file=organisation_file())

    # then
    assert result.problems == []
    assert result.summary() == "Khối: 2 mới, 0 cập nhật, 0 không đổi; Đơn vị: 3 mới, 0 cập nhật, 0 không đổi"
    assert list(Block.objects.order_by("position").values_list("code", "name", "position", "authority")) == [
        ("so-nganh", "Sở, ban, ngành", 1, authority.pk),
        ("phuong", "UBND phường", 2, authority.pk),
    ]
    assert units_snapshot() == [
        ("so-noi-vu", "Sở Nội vụ", "so-nganh", 1, True, None),
        ("so-tu-phap", "Sở Tư pháp", "so-nganh", 2, True, None),
        ("phuong-an-bien", "UBND phường An Biên", "phuong", 1, True, None),
    ]
    event = AuditEvent.objects.get(action="units.import")
    assert event.actor is None
    assert event.data == {
        "Khối": {"created": 2, "updated": 0, "unchanged": 0},
        "Đơn vị": {"created": 3, "updated": 0, "unchanged": 0},
    }


def test_export_then_import_changes_nothing(onboarded):
    before = units_snapshot()
    exported = export_book(ORGANISATION)

    result = organisation_import(actor=None, file=exported)

    assert result.problems == []
    assert result.summary() == "Khối: 0 mới, 0 cập nhật, 2 không đổi; Đơn vị: 0 mới, 0 cập nhật, 3 không đổi"
    assert units_snapshot() == before
    assert AuditEvent.objects.filter(action="units.import").count() == 1  # only the first import changed anything


def test_export_writes_both_worksheets_with_headers_on_line_1(onboarded):
    Unit.objects.filter(code="so-tu-phap").update(is_active=False)
    Unit.objects.filter(code="phuong-an-bien").update(predecessor=Unit.objects.get(code="so-tu-phap"))

    sheets = sheets_of(export_book(ORGANISATION))

    assert sheets == {
        "Khối": [("Mã khối", "Tên khối"), ("so-nganh", "Sở, ban, ngành"), ("phuong", "UBND phường")],
        "Đơn vị": [
            tuple(UNIT_HEADERS),
            ("so-noi-vu", "Sở Nội vụ", "so-nganh", 1, None),
            ("so-tu-phap", "Sở Tư pháp", "so-nganh", 0, None),
            ("phuong-an-bien", "UBND phường An Biên", "phuong", 1, "so-tu-phap"),
        ],
    }


def test_reimport_updates_names_moves_units_and_deactivates_without_deleting(onboarded):
    units = [
        ["so-tu-phap", "Sở Tư pháp thành phố", "so-nganh", 0, None],
        ["so-noi-vu", "Sở Nội vụ", "so-nganh", "có", None],
        ["phuong-an-bien", "UBND phường An Biên", "phuong", "", None],
    ]

    result = organisation_import(actor=None, file=organisation_file(units=units))

    assert result.problems == []
    assert result.summary() == "Khối: 0 mới, 0 cập nhật, 2 không đổi; Đơn vị: 0 mới, 2 cập nhật, 1 không đổi"
    assert units_snapshot() == [
        ("so-tu-phap", "Sở Tư pháp thành phố", "so-nganh", 1, False, None),
        ("so-noi-vu", "Sở Nội vụ", "so-nganh", 2, True, None),
        ("phuong-an-bien", "UBND phường An Biên", "phuong", 1, True, None),
    ]


def test_a_unit_absent_from_the_file_is_left_alone(onboarded):
    result = organisation_import(actor=None, file=organisation_file(units=UNITS[:1]))

    assert result.problems == []
    assert Unit.objects.count() == 3
    assert Unit.objects.get(code="phuong-an-bien").is_active is True


def test_a_new_unit_may_continue_a_unit_listed_further_down(authority):
    units = [
        ["phuong-moi", "UBND phường Mới", "phuong", 1, "phuong-cu"],
        ["phuong-cu", "UBND phường Cũ", "phuong", 0, None],
    ]

    result = organisation_import(actor=None, file=organisation_file(units=units))

    assert result.problems == []
    assert Unit.objects.get(code="phuong-moi").predecessor == Unit.objects.get(code="phuong-cu")
    assert organisation_import(actor=None, file=export_book(ORGANISATION)).changed == 0


def test_one_bad_row_saves_nothing_and_every_problem_names_its_sheet_and_line(authority):
    blocks = [["so-nganh", "Sở, ban, ngành"], [None, None], ["so nganh", ""], ["so-nganh", "Lặp"]]
    units = [
        ["so-noi-vu", "Sở Nội vụ", "so-nganh", 1, None],
        ["so-noi-vu", "Sở Nội vụ (lặp)", "so-nganh", 1, None],
        ["phuong-x", "", "xa", "có lẽ", "khong-co"],
        ["phuong-y", "UBND phường Y", None, 1, "phuong-y"],
    ]

    result = organisation_import(actor=None, file=organisation_file(blocks=blocks, units=units))

    assert result.problems == [
        "Trang “Khối”, dòng 4: “Mã khối” là “so nganh”: chỉ dùng chữ không dấu, chữ số, dấu gạch ngang (-) "
        "hoặc gạch dưới (_).",
        "Trang “Khối”, dòng 4: Thiếu “Tên khối”.",
        "Trang “Khối”, dòng 5: trùng với dòng 2.",
        "Trang “Đơn vị”, dòng 3: trùng với dòng 2.",
        "Trang “Đơn vị”, dòng 4: Khối mã “xa” không có trong trang “Khối” hay trong danh mục.",
        "Trang “Đơn vị”, dòng 4: “Đang hoạt động” là “có lẽ”; hãy ghi 1 (có) hoặc 0 (không).",
        "Trang “Đơn vị”, dòng 4: “Tiếp nối đơn vị” là “khong-co”, không có đơn vị mã này trong danh mục hay ở "
        "dòng trên.",
        "Trang “Đơn vị”, dòng 4: Thiếu “Tên đơn vị”.",
        "Trang “Đơn vị”, dòng 5: Một đơn vị không tiếp nối chính nó; hãy để trống “Tiếp nối đơn vị”.",
        "Trang “Đơn vị”, dòng 5: Thiếu “Mã khối”.",
    ]
    assert not Block.objects.exists()
    assert not Unit.objects.exists()
    assert not AuditEvent.objects.exists()


def test_wrong_headers_are_reported_before_any_row(authority):
    content = workbook({"Khối": (["Mã khối", "Ten khoi"], BLOCKS), "Đơn vị": (UNIT_HEADERS, UNITS)})

    result = organisation_import(actor=None, file=content)

    assert result.problems == [
        "Trang “Khối”: Dòng 1: thiếu cột “Tên khối”.",
        "Trang “Khối”: Dòng 1: cột “Ten khoi” không thuộc mẫu; các cột hợp lệ: Mã khối, Tên khối.",
    ]
    assert not Block.objects.exists()


def test_a_workbook_without_the_expected_sheets_is_refused(authority):
    content = workbook({"Sheet1": (BLOCK_HEADERS, BLOCKS)})

    with pytest.raises(ValidationError) as refused:
        organisation_import(actor=None, file=content)

    assert refused.value.messages == [
        "Tệp không có trang tính nào tên “Khối”, “Đơn vị”; hãy dùng tệp mẫu xuất từ cổng."
    ]


def test_a_file_that_is_not_excel_is_refused_by_the_intake(authority):
    with pytest.raises(ValidationError) as refused:
        organisation_import(actor=None, file=b"Ma don vi;Ten\nx;y\n")

    assert refused.value.messages == [
        "Tệp không phải bảng tính Excel (.xlsx) đọc được; hãy dùng tệp xuất từ cổng hoặc lưu lại dưới dạng .xlsx."
    ]


def test_the_organisation_needs_its_authority_first():
    result = organisation_import(actor=None, file=organisation_file())

    assert result.problems == [
        "Chưa khai báo cơ quan đánh giá. Hãy khai báo tên và cấp của cơ quan một lần (trang quản trị › "
        "Cơ quan đánh giá, hoặc lệnh manage.py authority_setup) rồi nhập lại."
    ]
    assert not Block.objects.exists()


def test_a_dry_run_reports_the_changes_and_saves_nothing(authority):
    result = organisation_import(actor=None, file=organisation_file(), dry_run=True)

    assert result.problems == []
    assert result.summary() == "Khối: 2 mới, 0 cập nhật, 0 không đổi; Đơn vị: 3 mới, 0 cập nhật, 0 không đổi"
    assert [row.import_type for row in result.sheet("Đơn vị").changed_rows] == ["new", "new", "new"]
    assert not Block.objects.exists()
    assert not AuditEvent.objects.exists()


def test_only_the_secretariat_imports_the_organisation(authority):
    staff = user_with_role(Role.UNIT_STAFF, UnitFactory(block=BlockFactory(authority=authority)))
    secretary = user_with_role(Role.COUNCIL_SECRETARY)

    with pytest.raises(PermissionDenied):
        organisation_import(actor=staff, file=organisation_file())
    assert Unit.objects.count() == 1

    assert organisation_import(actor=secretary, file=organisation_file()).problems == []
    assert AuditEvent.objects.get(action="units.import").actor == secretary


# ---- people -----------------------------------------------------------------------------------------


def test_people_import_creates_accounts_without_passwords_and_their_roles(authority):
    organisation_import(actor=None, file=organisation_file())

    result = people_import(actor=None, file=people_file())

    assert result.problems == []
    assert result.summary() == (
        "Người dùng: 3 mới, 0 cập nhật, 0 không đổi; Phân quyền: 3 mới, 0 cập nhật, 0 không đổi"
    )
    people = User.objects.order_by("username")
    assert [
        (u.username, u.full_name, u.job_title, u.email, u.home_unit.code, u.has_usable_password()) for u in people
    ] == [
        ("thuky", "Trần Thị Thư", "Chuyên viên Sở Nội vụ", "thuky@example.vn", "so-noi-vu", False),
        ("truong.anbien", "Lê Văn An", "Chủ tịch UBND phường An Biên", "an@example.vn", "phuong-an-bien", False),
        ("truong.noivu", "Ngô Đức Thắng", "Giám đốc Sở Nội vụ", "thang@example.vn", "so-noi-vu", False),
    ]
    assert sorted(RoleAssignment.objects.values_list("user__username", "role", "unit__code")) == [
        ("thuky", "council_secretary", None),
        ("truong.anbien", "unit_head", "phuong-an-bien"),
        ("truong.noivu", "unit_head", "so-noi-vu"),
    ]


def test_each_new_person_receives_an_activation_link_that_sets_the_password_once(
    authority, django_capture_on_commit_callbacks
):
    organisation_import(actor=None, file=organisation_file())

    with django_capture_on_commit_callbacks(execute=True):
        people_import(actor=None, file=people_file())

    assert sorted(message.to[0] for message in mail.outbox) == [
        "an@example.vn",
        "thang@example.vn",
        "thuky@example.vn",
    ]
    message = next(m for m in mail.outbox if m.to == ["an@example.vn"])
    assert message.subject == "[CCHC] Kích hoạt tài khoản trên Cổng chỉ số CCHC"
    assert "Kính gửi Lê Văn An," in message.body
    assert "UBND thành phố Hải Minh đã tạo cho anh/chị một tài khoản" in message.body
    assert "Tên đăng nhập: truong.anbien" in message.body
    assert "Vai trò: Người đứng đầu đơn vị — UBND phường An Biên" in message.body
    assert "trong 7 ngày" in message.body
    link = re.search(r"http://127\.0\.0\.1:8000(/activate/\S+/)", message.body).group(1)

    client = Client()
    form_page = client.get(link, follow=True)
    assert "Hãy đặt mật khẩu cho tài khoản <strong>truong.anbien</strong>" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Phuong-An-Bien-2026", "new_password2": "Phuong-An-Bien-2026"},
        follow=True,
    )
    assert "Tài khoản đã kích hoạt" in done.content.decode()
    assert User.objects.get(username="truong.anbien").check_password("Phuong-An-Bien-2026")
    assert Client().login(username="truong.anbien", password="Phuong-An-Bien-2026")

    reused = Client().get(link, follow=True)
    assert "Đường dẫn kích hoạt không còn dùng được" in reused.content.decode()


def test_reimporting_the_same_people_file_changes_nothing_and_sends_nothing(
    onboarded, django_capture_on_commit_callbacks
):
    before = list(User.objects.order_by("pk").values_list("username", "full_name", "email", "password"))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = people_import(actor=None, file=export_book(PEOPLE))

    assert result.problems == []
    assert result.changed == 0
    assert list(User.objects.order_by("pk").values_list("username", "full_name", "email", "password")) == before
    assert RoleAssignment.objects.count() == 3
    assert callbacks == []
    assert mail.outbox == []


def test_people_export_lists_accounts_and_roles_with_vietnamese_role_names(onboarded):
    sheets = sheets_of(export_book(PEOPLE))

    assert sheets["Người dùng"][0] == tuple(PERSON_HEADERS)
    assert sheets["Người dùng"][1:] == [
        ("thuky", "Trần Thị Thư", "Chuyên viên Sở Nội vụ", "thuky@example.vn", "so-noi-vu"),
        ("truong.anbien", "Lê Văn An", "Chủ tịch UBND phường An Biên", "an@example.vn", "phuong-an-bien"),
        ("truong.noivu", "Ngô Đức Thắng", "Giám đốc Sở Nội vụ", "thang@example.vn", "so-noi-vu"),
    ]
    assert sheets["Phân quyền"] == [
        tuple(ROLE_HEADERS),
        ("thuky", "Thư ký Hội đồng (Phòng Nội vụ)", None),
        ("truong.anbien", "Người đứng đầu đơn vị", "phuong-an-bien"),
        ("truong.noivu", "Người đứng đầu đơn vị", "so-noi-vu"),
    ]


def test_bad_people_rows_save_nothing_and_send_nothing(onboarded, django_capture_on_commit_callbacks):
    people = [
        ["nguoi moi", "Nguyễn Văn Mới", "", "moi@example.vn", "so-noi-vu"],
        ["canbo.anbien", "Phạm Thị Cán", "Công chức", None, "phuong-an-bien"],
        ["canbo.tuphap", "Vũ Văn Pháp", "", "khong-phai-thu", "xa-khong-co"],
        ["canbo.hop-le", "Đỗ Văn Hợp", "", "hop@example.vn", "so-tu-phap"],
    ]
    roles = [
        ["canbo.hop-le", "Cán bộ đầu mối CCHC", None],
        ["canbo.hop-le", "Chánh văn phòng", "so-tu-phap"],
        ["canbo.hop-le", "Lãnh đạo UBND", "so-tu-phap"],
        ["canbo.hop-le", "unit_head", "phuong-an-bien"],
        ["ai-do", "unit_staff", "so-tu-phap"],
        ["canbo.hop-le", "unit_staff", "so-tu-phap"],
        ["canbo.hop-le", "Cán bộ đầu mối CCHC", "so-tu-phap"],
    ]
    users_before = User.objects.count()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = people_import(actor=None, file=people_file(people=people, roles=roles))

    assert result.problems == [
        "Trang “Người dùng”, dòng 2: Tên đăng nhập “nguoi moi” không hợp lệ: tối đa 150 ký tự, chỉ gồm chữ, "
        "chữ số và các dấu . @ + - _ (không có dấu cách).",
        "Trang “Người dùng”, dòng 3: Người dùng mới cần “Thư điện tử” để nhận thư kích hoạt tài khoản.",
        "Trang “Người dùng”, dòng 4: Đơn vị công tác mã “xa-khong-co” không có trong danh mục đơn vị.",
        "Trang “Người dùng”, dòng 4: Địa chỉ thư điện tử “khong-phai-thu” không hợp lệ.",
        "Trang “Phân quyền”, dòng 2: Vai trò “Cán bộ đầu mối CCHC” cần “Mã đơn vị”.",
        "Trang “Phân quyền”, dòng 3: Vai trò “Chánh văn phòng” không có; hãy dùng một trong: Cán bộ đầu mối CCHC; "
        "Người đứng đầu đơn vị; Thành viên Hội đồng thẩm định; Thư ký Hội đồng (Phòng Nội vụ); Lãnh đạo UBND; "
        "Quản trị hệ thống.",
        "Trang “Phân quyền”, dòng 4: Vai trò “Lãnh đạo UBND” không gắn với đơn vị; hãy để trống “Mã đơn vị”.",
        "Trang “Phân quyền”, dòng 5: UBND phường An Biên đã có người đứng đầu là Lê Văn An (truong.anbien); mỗi "
        "đơn vị chỉ có một người đứng đầu — hãy thu hồi vai trò đó trong trang quản trị trước.",
        "Trang “Phân quyền”, dòng 6: Không có người dùng “ai-do” trong trang “Người dùng” hay trong danh sách.",
        "Trang “Phân quyền”, dòng 8: vai trò này đã có ở dòng 7.",
    ]
    assert User.objects.count() == users_before
    assert RoleAssignment.objects.count() == 3
    assert callbacks == []
    assert mail.outbox == []


def test_a_secretary_cannot_grant_administrator_rights_or_change_an_administrator(onboarded):
    secretary = User.objects.get(username="thuky")
    admin = UserFactory(username="quantri", full_name="Quản Trị", email="quantri@example.vn", is_superuser=True)
    people = [["quantri", "Quản Trị", "", "ke-gian@example.vn", None]]
    roles = [["thuky", "Quản trị hệ thống", None]]

    result = people_import(actor=secretary, file=people_file(people=people, roles=roles))

    assert result.problems == [
        "Trang “Người dùng”, dòng 2: Tài khoản “quantri” là tài khoản quản trị hệ thống; chỉ quản trị hệ thống "
        "được sửa.",
        "Trang “Phân quyền”, dòng 2: Chỉ quản trị hệ thống được giao vai trò “Quản trị hệ thống”.",
    ]
    admin.refresh_from_db()
    assert admin.email == "quantri@example.vn"
    assert not RoleAssignment.objects.filter(role=Role.ADMINISTRATOR).exists()


def test_an_unchanged_administrator_row_passes_for_the_secretary(onboarded):
    secretary = User.objects.get(username="thuky")
    UserFactory(username="quantri", full_name="Quản Trị", email="quantri@example.vn", is_superuser=True)

    result = people_import(actor=secretary, file=export_book(PEOPLE))

    assert result.problems == []
    assert result.changed == 0


def test_unit_staff_may_not_import_people(onboarded):
    staff = user_with_role(Role.UNIT_STAFF, Unit.objects.get(code="so-noi-vu"))

    with pytest.raises(PermissionDenied):
        people_import(actor=staff, file=people_file())


def test_activation_can_be_sent_again_to_those_without_a_password(onboarded, django_capture_on_commit_callbacks):
    secretary = User.objects.get(username="thuky")
    activated = User.objects.get(username="truong.noivu")
    activated.set_password("Da-Kich-Hoat-2026")
    activated.save()

    with django_capture_on_commit_callbacks(execute=True):
        count = activation_send(actor=secretary, users=User.objects.all())

    assert count == 2
    assert sorted(message.to[0] for message in mail.outbox) == ["an@example.vn", "thuky@example.vn"]
    assert AuditEvent.objects.get(action="people.activation_send").actor == secretary


# ---- commands ---------------------------------------------------------------------------------------


def test_commands_round_trip_both_workbooks(authority, tmp_path: Path, django_capture_on_commit_callbacks):
    (tmp_path / "org.xlsx").write_bytes(organisation_file())
    (tmp_path / "people.xlsx").write_bytes(people_file())
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("units_import", tmp_path / "org.xlsx", stdout=out)
        call_command("people_import", tmp_path / "people.xlsx", "--no-activation", stdout=out)
        call_command("units_export", "-o", tmp_path / "org-out.xlsx", stdout=out)
        call_command("people_export", "-o", tmp_path / "people-out.xlsx", stdout=out)
        call_command("units_import", tmp_path / "org-out.xlsx", stdout=out)
        call_command("people_import", tmp_path / "people-out.xlsx", stdout=out)

    assert out.getvalue().splitlines() == [
        "Đã nhập danh mục khối và đơn vị: Khối: 2 mới, 0 cập nhật, 0 không đổi; Đơn vị: 3 mới, 0 cập nhật, "
        "0 không đổi.",
        "Đã nhập danh sách người dùng và phân quyền: Người dùng: 3 mới, 0 cập nhật, 0 không đổi; Phân quyền: 3 mới, "
        "0 cập nhật, 0 không đổi.",
        "3 người mới: chưa gửi thư kích hoạt (gửi từ trang quản trị › Người dùng › “Gửi (lại) thư kích hoạt”).",
        f"Đã xuất danh mục khối và đơn vị ra {tmp_path / 'org-out.xlsx'}.",
        f"Đã xuất danh sách người dùng và phân quyền ra {tmp_path / 'people-out.xlsx'}.",
        "Đã nhập danh mục khối và đơn vị: Khối: 0 mới, 0 cập nhật, 2 không đổi; Đơn vị: 0 mới, 0 cập nhật, "
        "3 không đổi.",
        "Đã nhập danh sách người dùng và phân quyền: Người dùng: 0 mới, 0 cập nhật, 3 không đổi; Phân quyền: 0 mới, "
        "0 cập nhật, 3 không đổi.",
    ]
    assert mail.outbox == []


def test_import_command_prints_each_problem_and_saves_nothing(authority, tmp_path: Path):
    (tmp_path / "org.xlsx").write_bytes(organisation_file(units=[["x", "", "so-nganh", 1, None]]))
    err = io.StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("units_import", tmp_path / "org.xlsx", stderr=err)

    assert str(failed.value) == "Nhập không thành công: 1 lỗi, chưa lưu gì."
    assert err.getvalue().splitlines() == ["Trang “Đơn vị”, dòng 2: Thiếu “Tên đơn vị”."]
    assert not Block.objects.exists()


def test_dry_run_command_saves_nothing(authority, tmp_path: Path):
    (tmp_path / "org.xlsx").write_bytes(organisation_file())
    out = io.StringIO()

    call_command("units_import", tmp_path / "org.xlsx", "--dry-run", stdout=out)

    assert out.getvalue().strip() == (
        "Kiểm tra xong, không có lỗi (chưa lưu gì): Khối: 2 mới, 0 cập nhật, 0 không đổi; Đơn vị: 3 mới, "
        "0 cập nhật, 0 không đổi."
    )
    assert not Block.objects.exists()
