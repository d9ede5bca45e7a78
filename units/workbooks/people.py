"""The people workbook's worksheets: accounts, and the roles they hold."""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields

from scoring.permissions.admin import can_edit_person, can_grant_role
from units.models import UNIT_ROLES, Role, RoleAssignment, User
from units.workbooks.cells import CodeCell, RoleCell, TextCell, lookup_field, max_length
from units.workbooks.resources import CodedResource, SheetResource, required_text

USERNAME = re.compile(r"^[\w.@+-]+\Z")


class PersonResource(CodedResource):
    """Người dùng: an account. A new one has no password: the person sets it from the activation e-mail."""

    title = "Người dùng"
    table, key, tables = "users", "username", ("units", "users")
    required_columns = ("Tên đăng nhập", "Họ và tên")

    username = fields.Field(attribute="username", column_name="Tên đăng nhập", widget=CodeCell())
    full_name = fields.Field(attribute="full_name", column_name="Họ và tên", widget=TextCell())
    job_title = fields.Field(attribute="job_title", column_name="Chức vụ", widget=TextCell())
    email = fields.Field(attribute="email", column_name="Thư điện tử", widget=TextCell())
    home_unit = lookup_field(
        "home_unit",
        "Mã đơn vị công tác",
        table="units",
        missing=gettext_lazy("Đơn vị công tác mã “%(code)s” không có trong danh mục đơn vị."),
    )

    class Meta:
        model = User
        fields = import_order = export_order = ("username", "full_name", "job_title", "email", "home_unit")

    def get_queryset(self):
        return User.objects.select_related("home_unit").order_by("username")

    def row_problems(self, instance: User, row: dict, line: int, unreadable: set[str]) -> list[str]:
        problems = []
        if not instance.username:
            problems.append(_("Thiếu “Tên đăng nhập”."))
        elif not USERNAME.match(instance.username) or len(instance.username) > max_length(User, "username"):
            problems.append(
                _(
                    "Tên đăng nhập “%(username)s” không hợp lệ: tối đa 150 ký tự, chỉ gồm chữ, chữ số "
                    "và các dấu . @ + - _ (không có dấu cách)."
                )
                % {"username": instance.username}
            )
        problems += required_text(instance, "full_name", "Họ và tên", unreadable)
        if len(instance.job_title) > max_length(User, "job_title"):
            problems.append(_("“Chức vụ” dài quá %(limit)s ký tự.") % {"limit": max_length(User, "job_title")})
        if instance.email:
            try:
                validate_email(instance.email)
            except ValidationError:
                problems.append(_("Địa chỉ thư điện tử “%(email)s” không hợp lệ.") % {"email": instance.email})
        elif instance.pk is None:
            problems.append(_("Người dùng mới cần “Thư điện tử” để nhận thư kích hoạt tài khoản."))
        return problems

    def check_change(self, instance: User, original: User) -> None:
        if original.pk is not None and not can_edit_person(
            self.directory.actor, is_protected=original.pk in self.directory.protected_user_ids
        ):
            raise ValidationError(
                _("Tài khoản “%(username)s” là tài khoản quản trị hệ thống; chỉ quản trị hệ thống được sửa.")
                % {"username": original.username}
            )

    def before_save_instance(self, instance: User, row: dict, **kwargs: Any) -> None:
        if instance.pk is None:
            instance.set_unusable_password()  # no hash to compute: the person chooses the password
            instance.is_active = True

    def after_save_instance(self, instance: User, row: dict, **kwargs: Any) -> None:
        if instance.username not in self.directory.users:
            self.directory.created_people.append(instance)
        super().after_save_instance(instance, row, **kwargs)


class RoleResource(SheetResource):
    """Phân quyền: one role of one person; unit roles name their unit, other roles none. Rows only add roles."""

    title = "Phân quyền"
    required_columns = ("Tên đăng nhập", "Vai trò")

    user = lookup_field(
        "user",
        "Tên đăng nhập",
        table="users",
        key="username",
        missing=gettext_lazy("Không có người dùng “%(code)s” trong trang “Người dùng” hay trong danh sách."),
    )
    role = fields.Field(attribute="role", column_name="Vai trò", widget=RoleCell())
    unit = lookup_field(
        "unit", "Mã đơn vị", table="units", missing=gettext_lazy("Đơn vị mã “%(code)s” không có trong danh mục đơn vị.")
    )

    class Meta:
        model = RoleAssignment
        fields = import_order = export_order = ("user", "role", "unit")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.assignments: dict[tuple[int, str, int | None], RoleAssignment] = {}
        self.heads: dict[int, User] = {}  # unit id → its head, stored or given higher up in the file

    def get_queryset(self):
        return RoleAssignment.objects.select_related("user", "unit").order_by("user__username", "role", "unit__code")

    def prepare(self, dataset) -> None:
        self.directory.load("units", "users")
        users = {user.pk: user for user in self.directory.users.values()}
        units = {unit.pk: unit for unit in self.directory.units.values()}
        for assignment in RoleAssignment.objects.all():
            assignment.user = users[assignment.user_id]
            assignment.unit = units.get(assignment.unit_id)
            self.assignments[(assignment.user_id, assignment.role, assignment.unit_id)] = assignment
            if assignment.role == Role.UNIT_HEAD:
                self.heads[assignment.unit_id] = assignment.user

    def _key(self, row: dict) -> tuple[int, str, int | None] | None:
        try:
            user = self.fields["user"].clean(row)
            role = self.fields["role"].clean(row)
            unit = self.fields["unit"].clean(row)
        except ValueError:
            return None
        if user is None or not role:
            return None
        return (user.pk, role, unit.pk if unit else None)

    def key_of(self, row: dict) -> tuple[int, str, int | None] | None:
        return self._key(row)

    def existing(self, row: dict) -> RoleAssignment | None:
        key = self._key(row)
        return self.assignments.get(key) if key else None

    def row_problems(self, instance: RoleAssignment, row: dict, line: int, unreadable: set[str]) -> list[str]:
        problems = []
        if instance.user_id is None and "user" not in unreadable:
            problems.append(_("Thiếu “Tên đăng nhập”."))
        role = instance.role
        if not role and "role" not in unreadable:
            problems.append(_("Thiếu “Vai trò”."))
        if not role:
            return problems
        label = Role(role).label
        if role in UNIT_ROLES and instance.unit_id is None and "unit" not in unreadable:
            problems.append(_("Vai trò “%(role)s” cần “Mã đơn vị”.") % {"role": label})
        if role not in UNIT_ROLES and instance.unit_id is not None:
            problems.append(_("Vai trò “%(role)s” không gắn với đơn vị; hãy để trống “Mã đơn vị”.") % {"role": label})
        if instance.pk is None and not can_grant_role(self.directory.actor, role):
            problems.append(_("Chỉ quản trị hệ thống được giao vai trò “%(role)s”.") % {"role": label})
        if role == Role.UNIT_HEAD and instance.unit_id is not None and instance.user_id is not None:
            head = self.heads.get(instance.unit_id)
            if head is not None and head.pk != instance.user_id:
                problems.append(
                    _(
                        "%(unit)s đã có người đứng đầu là %(head)s (%(username)s); mỗi đơn vị chỉ có một người "
                        "đứng đầu — hãy thu hồi vai trò đó trong trang quản trị trước."
                    )
                    % {"unit": instance.unit.name, "head": head.get_full_name(), "username": head.username}
                )
        return problems

    def repeated_message(self, first_line: int) -> str:
        return _("vai trò này đã có ở dòng %(line)s.") % {"line": first_line}

    def remember(self, instance: RoleAssignment) -> None:
        self.assignments[(instance.user_id, instance.role, instance.unit_id)] = instance
        if instance.role == Role.UNIT_HEAD:
            self.heads[instance.unit_id] = instance.user
