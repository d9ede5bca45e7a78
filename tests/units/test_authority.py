"""One authority per installation: named once, renamed in place, never doubled."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from scoring.models import AuditEvent
from tests.factories import AuthorityFactory, user_with_role
from units.models import Authority, Role, Unit, User
from units.services import authority_setup

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_second_authority():
    AuthorityFactory(name="UBND thành phố Hải Minh")

    with pytest.raises(IntegrityError), transaction.atomic():
        Authority.objects.create(name="UBND tỉnh Khác", level=Authority.Level.PROVINCE)

    assert list(Authority.objects.values_list("name", flat=True)) == ["UBND thành phố Hải Minh"]


def test_setup_names_the_authority_once_then_renames_it():
    first = authority_setup(actor=None, name="  UBND thành phố Hải Minh ", level="city", short_name="Hải Minh")
    second = authority_setup(actor=None, name="UBND thành phố Hải Minh mới", level="province")

    assert second.pk == first.pk
    assert list(Authority.objects.values_list("name", "short_name", "level")) == [
        ("UBND thành phố Hải Minh mới", "", "province")
    ]
    assert list(AuditEvent.objects.order_by("id").values_list("action", "summary")) == [
        ("authority.create", "Cơ quan đánh giá: UBND thành phố Hải Minh (Thành phố)"),
        ("authority.update", "Cơ quan đánh giá: UBND thành phố Hải Minh mới (Tỉnh)"),
    ]


def test_setup_refuses_bad_input_and_other_people_than_administrators():
    with pytest.raises(ValidationError) as refused:
        authority_setup(actor=None, name=" ", level="ward")
    assert refused.value.message_dict == {
        "name": ["Hãy nhập tên cơ quan đánh giá."],
        "level": ["Cấp “ward” không có; hãy chọn một trong: district, city, province."],
    }
    with pytest.raises(PermissionDenied):
        authority_setup(actor=user_with_role(Role.COUNCIL_SECRETARY), name="UBND thành phố X", level="city")
    assert not Authority.objects.exists()


def test_setup_command():
    out = io.StringIO()

    call_command("authority_setup", "--name", "UBND thành phố Hải Minh", "--level", "city", stdout=out)

    assert out.getvalue().strip() == "Cơ quan đánh giá: UBND thành phố Hải Minh (thành phố)."
    assert Authority.objects.get().level == "city"


def test_the_demo_refuses_a_database_that_serves_another_authority():
    AuthorityFactory(name="UBND thành phố Hải Minh")

    with pytest.raises(CommandError) as refused:
        call_command("seed_demo", stdout=io.StringIO())

    assert str(refused.value) == (
        "Cơ sở dữ liệu này đã phục vụ “UBND thành phố Hải Minh”; mỗi cài đặt chỉ có một cơ quan đánh giá. "
        "Hãy nạp dữ liệu mẫu “UBND quận Thanh Xuân” vào một cơ sở dữ liệu riêng (DATABASE_URL khác)."
    )
    assert Authority.objects.count() == 1
    assert not Unit.objects.exists()
    assert not User.objects.exists()


def test_framework_commands_need_the_authority(tmp_path):
    with pytest.raises(CommandError) as refused:
        call_command("framework_export", "--year", "2025", "--block", "phuong", "-o", tmp_path / "x.xlsx")

    assert str(refused.value) == "Chưa khai báo cơ quan đánh giá (manage.py authority_setup)."
