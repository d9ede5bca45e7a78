"""One django-import-export resource per worksheet: blocks, units, people and role assignments.

Cells are read strictly; every problem of a row is reported at once, with its Excel line; a row equal to what
is stored is "unchanged" and not saved, so importing the same file twice changes nothing. Codes and usernames
are looked up in a `Directory` that the rows saved earlier in the same import keep current, so a unit may name
a block created three lines up on the other worksheet.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db.models import Model, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader

from scoring.frameworks.resources import neutralise_formula, restore_text
from scoring.permissions.admin import can_edit_person, can_grant_role
from units.models import UNIT_ROLES, Authority, Block, Role, RoleAssignment, Unit, User

HEADER_LINE = 1
FIRST_DATA_LINE = HEADER_LINE + 1
USERNAME = re.compile(r"^[\w.@+-]+\Z")


def code_text(value: Any) -> str:
    """A code cell: Excel turns a typed 12 into the number 12 (or 12.0); codes are text."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return restore_text(value)


def _max_length(model: type[Model], name: str) -> int:
    return model._meta.get_field(name).max_length


@dataclass
class Directory:
    """What the worksheets of one import look codes up in; rows saved during the import are added as they go."""

    actor: User | None
    authority: Authority | None
    blocks: dict[str, Block] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    protected_user_ids: set[int] = field(default_factory=set)  # superusers and administrators
    created_people: list[User] = field(default_factory=list)
    loaded: set[str] = field(default_factory=set)

    def load(self, *tables: str) -> None:
        """Read each table once per import (one query each), after the worksheets before it were saved."""
        for table in tables:
            if table in self.loaded:
                continue
            self.loaded.add(table)
            if table == "blocks":
                blocks = Block.objects.filter(authority=self.authority) if self.authority else Block.objects.none()
                self.blocks = {block.code: block for block in blocks}
            elif table == "units":
                self.units = {unit.code: unit for unit in Unit.objects.all()}
            elif table == "users":
                self.users = {user.username: user for user in User.objects.all()}
                self.protected_user_ids = set(
                    User.objects.filter(
                        Q(is_superuser=True) | Q(role_assignments__role=Role.ADMINISTRATOR)
                    ).values_list("pk", flat=True)
                )


# ---------------------------------------------------------------------------------------------
# Cells


class TextCell(widgets.Widget):
    """Text: trimmed, Unicode NFC, formula-looking text neutralised on export and restored on import."""

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> str:
        return restore_text(value)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return neutralise_formula(value or "")


class CodeCell(TextCell):
    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> str:
        return code_text(value)


class ActiveCell(widgets.Widget):
    """1 / 0 (or có / không); an empty cell means active, the usual case."""

    TRUE_WORDS = frozenset({"", "1", "có", "co", "x", "true", "yes", "đúng"})
    FALSE_WORDS = frozenset({"0", "không", "khong", "false", "no", "sai"})

    def __init__(self, column: str) -> None:
        super().__init__(coerce_to_string=False)
        self.column = column

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value)
        word = restore_text(value).lower()
        if word in self.TRUE_WORDS:
            return True
        if word in self.FALSE_WORDS:
            return False
        raise ValueError(
            _("“%(column)s” là “%(value)s”; hãy ghi 1 (có) hoặc 0 (không).") % {"column": self.column, "value": value}
        )

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> int:
        return 1 if value else 0


class LookupCell(widgets.Widget):
    """A code (or username) naming a row of the directory: stored already or saved earlier in this import."""

    def __init__(self, *, table: str, key: str, missing: str) -> None:
        super().__init__()
        self.table, self.key, self.missing = table, key, missing
        self.directory: Directory | None = None

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> Model | None:
        code = code_text(value)
        if not code:
            return None
        found = getattr(self.directory, self.table).get(code)
        if found is None:
            raise ValueError(str(self.missing) % {"code": code})
        return found

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return getattr(value, self.key) if value is not None else ""


def role_of(text: str) -> str | None:
    """A role from its code (unit_head) or its Vietnamese label (Người đứng đầu đơn vị), any case."""
    wanted = unicodedata.normalize("NFC", text).strip().casefold()
    for role in Role:
        if wanted in (role.value.casefold(), str(role.label).casefold()):
            return role.value
    return None


class RoleCell(widgets.Widget):
    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> str:
        text = restore_text(value)
        if not text:
            return ""
        role = role_of(text)
        if role is None:
            raise ValueError(
                _("Vai trò “%(value)s” không có; hãy dùng một trong: %(roles)s.")
                % {"value": text, "roles": "; ".join(str(role.label) for role in Role)}
            )
        return role

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return str(Role(value).label) if value else ""


# ---------------------------------------------------------------------------------------------
# The worksheet resource every sheet shares


class DirectoryLoader(BaseInstanceLoader):
    """Existing rows come from the directory the resource keeps, not from one query per row."""

    def get_instance(self, row: dict) -> Model | None:
        return self.resource.existing(row)


class SheetResource(resources.ModelResource):
    """One worksheet: header checks, Excel line numbers, all problems of a row at once, unchanged rows skipped."""

    title: ClassVar[str] = ""
    required_columns: ClassVar[tuple[str, ...]] = ()
    compared_attributes: ClassVar[tuple[str, ...]] = ()  # beyond the columns, e.g. the position from the file

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False
        use_transactions = True
        instance_loader_class = DirectoryLoader

    def __init__(self, *, directory: Directory, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.directory = directory
        for resource_field in self.fields.values():
            if isinstance(resource_field.widget, LookupCell):
                resource_field.widget.directory = directory
        self.lines: list[int] = []  # the Excel line of each data row that is not blank
        self.first_line: dict[Any, int] = {}  # a row's key → the first line that names it

    @classmethod
    def column_names(cls) -> list[str]:
        return [cls.fields[name].column_name for name in cls._meta.export_order]

    def header_problems(self, headers: Iterable[Any]) -> list[str]:
        """Missing required columns, columns this sheet does not know (often a typo), repeated columns."""
        names = [restore_text(header) for header in headers or []]
        known = set(self.column_names())
        problems = [
            _("Dòng %(line)s: thiếu cột “%(column)s”.") % {"line": HEADER_LINE, "column": column}
            for column in self.required_columns
            if column not in names
        ]
        problems += [
            _("Dòng %(line)s: cột “%(column)s” không thuộc mẫu; các cột hợp lệ: %(columns)s.")
            % {"line": HEADER_LINE, "column": name, "columns": ", ".join(self.column_names())}
            for name in names
            if name and name not in known
        ]
        repeated = sorted({name for name in names if name and names.count(name) > 1})
        problems += [
            _("Dòng %(line)s: cột “%(column)s” bị lặp.") % {"line": HEADER_LINE, "column": name} for name in repeated
        ]
        return problems

    def line_of(self, row_number: int) -> int:
        return self.lines[row_number - 1]

    def cell(self, row: dict, name: str) -> Any:
        return row.get(self.fields[name].column_name)

    # ---- the import steps ------------------------------------------------------------------------

    def before_import(self, dataset, **kwargs: Any) -> None:
        """Drop blank lines (remembering the Excel line of the others), then let the sheet read what it needs."""
        dataset.headers = [restore_text(header) for header in dataset.headers]
        blank = []
        for index, values in enumerate(dataset):
            if all(restore_text(value) == "" for value in values):
                blank.append(index)
            else:
                self.lines.append(index + FIRST_DATA_LINE)
        for index in reversed(blank):
            del dataset[index]
        self.prepare(dataset)
        for index, row in enumerate(dataset.dict):
            key = self.key_of(row)
            if key is not None:
                self.first_line.setdefault(key, self.lines[index])

    def prepare(self, dataset) -> None:
        """Load the directory tables the sheet looks codes up in."""

    def key_of(self, row: dict) -> Any:
        """What names a row (its code, its username …); two lines with the same key are a mistake."""
        return None

    def existing(self, row: dict) -> Model | None:
        return None

    def get_instance(self, instance_loader, row: dict) -> Model | None:
        return instance_loader.get_instance(row)

    def import_instance(self, instance: Model, row: dict, **kwargs: Any) -> None:
        """Read every cell, then check the row as a whole; raise one error listing all its problems."""
        line = self.line_of(kwargs["row_number"])
        problems: list[str] = []
        unreadable: set[str] = set()
        for resource_field in self.get_import_fields():
            try:
                self.import_field(resource_field, instance, row, **kwargs)
            except ValueError as error:
                problems.append(str(error))
                unreadable.add(resource_field.attribute)
        key = self.key_of(row)
        first = self.first_line.get(key, line) if key is not None else line
        if first != line:
            problems.append(self.repeated_message(first))
        else:
            problems += self.row_problems(instance, row, line, unreadable)
        if problems:
            raise ValidationError(problems)

    def repeated_message(self, first_line: int) -> str:
        return _("trùng với dòng %(line)s.") % {"line": first_line}

    def row_problems(self, instance: Model, row: dict, line: int, unreadable: set[str]) -> list[str]:
        return []

    def skip_row(self, instance: Model, original: Model, row: dict, import_validation_errors=None) -> bool:
        if import_validation_errors:
            return False
        unchanged = super().skip_row(instance, original, row, import_validation_errors) and all(
            getattr(instance, name) == getattr(original, name) for name in self.compared_attributes
        )
        if not unchanged:
            self.check_change(instance, original)
        return unchanged

    def check_change(self, instance: Model, original: Model) -> None:
        """Raise ValidationError when the actor may not make this change (the row is then refused)."""

    def after_save_instance(self, instance: Model, row: dict, **kwargs: Any) -> None:
        self.remember(instance)

    def remember(self, instance: Model) -> None:
        """Put a saved row into the directory so that later rows (and sheets) may name it."""

    def after_import(self, dataset, result, **kwargs: Any) -> None:
        """Nothing: primary keys come from the database, so its sequences never need resetting."""


def required_text(instance: Model, name: str, column: str, unreadable: set[str]) -> list[str]:
    if name in unreadable:
        return []
    value = getattr(instance, name)
    if not value:
        return [_("Thiếu “%(column)s”.") % {"column": column}]
    limit = _max_length(type(instance), name)
    if len(value) > limit:
        return [_("“%(column)s” dài quá %(limit)s ký tự.") % {"column": column, "limit": limit}]
    return []


def slug_problems(code: str, column: str, limit: int) -> list[str]:
    if not code:
        return [_("Thiếu “%(column)s”.") % {"column": column}]
    problems = []
    try:
        validate_slug(code)
    except ValidationError:
        problems.append(
            _("“%(column)s” là “%(code)s”: chỉ dùng chữ không dấu, chữ số, dấu gạch ngang (-) hoặc gạch dưới (_).")
            % {"column": column, "code": code}
        )
    if len(code) > limit:
        problems.append(_("“%(column)s” dài quá %(limit)s ký tự.") % {"column": column, "limit": limit})
    return problems


# ---------------------------------------------------------------------------------------------
# The organisation workbook


class BlockResource(SheetResource):
    """Khối: a ranking group. Its position is its order on the worksheet."""

    title = "Khối"
    required_columns = ("Mã khối", "Tên khối")
    compared_attributes = ("position",)

    code = fields.Field(attribute="code", column_name="Mã khối", widget=CodeCell())
    name = fields.Field(attribute="name", column_name="Tên khối", widget=TextCell())

    class Meta:
        model = Block
        fields = ("code", "name")
        import_order = export_order = ("code", "name")

    def get_queryset(self):
        authority = self.directory.authority
        return (
            Block.objects.filter(authority=authority).order_by("position", "id") if authority else Block.objects.none()
        )

    def init_instance(self, row: dict | None = None) -> Block:
        return Block(authority=self.directory.authority)

    def prepare(self, dataset) -> None:
        self.directory.load("blocks")

    def key_of(self, row: dict) -> str | None:
        return code_text(self.cell(row, "code")) or None

    def existing(self, row: dict) -> Block | None:
        return self.directory.blocks.get(code_text(self.cell(row, "code")))

    def row_problems(self, instance: Block, row: dict, line: int, unreadable: set[str]) -> list[str]:
        instance.position = self.lines.index(line) + 1
        return slug_problems(instance.code, "Mã khối", _max_length(Block, "code")) + required_text(
            instance, "name", "Tên khối", unreadable
        )

    def remember(self, instance: Block) -> None:
        self.directory.blocks[instance.code] = instance


class UnitResource(SheetResource):
    """Đơn vị: who is assessed. Its position is its order among the units of its block on the worksheet."""

    title = "Đơn vị"
    required_columns = ("Mã đơn vị", "Tên đơn vị", "Mã khối")
    compared_attributes = ("position",)

    code = fields.Field(attribute="code", column_name="Mã đơn vị", widget=CodeCell())
    name = fields.Field(attribute="name", column_name="Tên đơn vị", widget=TextCell())
    block = fields.Field(
        attribute="block",
        column_name="Mã khối",
        widget=LookupCell(
            table="blocks",
            key="code",
            missing=gettext_lazy("Khối mã “%(code)s” không có trong trang “Khối” hay trong danh mục."),
        ),
    )
    is_active = fields.Field(attribute="is_active", column_name="Đang hoạt động", widget=ActiveCell("Đang hoạt động"))
    predecessor = fields.Field(
        attribute="predecessor",
        column_name="Tiếp nối đơn vị",
        widget=LookupCell(
            table="units",
            key="code",
            missing=gettext_lazy(
                "“Tiếp nối đơn vị” là “%(code)s”, không có đơn vị mã này trong danh mục hay ở dòng trên."
            ),
        ),
    )

    class Meta:
        model = Unit
        fields = ("code", "name", "block", "is_active", "predecessor")
        import_order = export_order = ("code", "name", "block", "is_active", "predecessor")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.positions: dict[int, int] = {}  # block id → units placed so far in this file
        self.deferred: list[tuple[Unit, str]] = []  # units whose predecessor is a new unit further down

    def import_field(self, resource_field, instance: Unit, row: dict, is_m2m: bool = False, **kwargs: Any) -> None:
        """A predecessor may be a new unit further down the file (an export lists units by block): it is set
        once that unit is saved."""
        if resource_field.attribute == "predecessor":
            code = code_text(self.cell(row, "predecessor"))
            if code and code == code_text(self.cell(row, "code")):
                raise ValueError(_("Một đơn vị không tiếp nối chính nó; hãy để trống “Tiếp nối đơn vị”."))
            if code and code not in self.directory.units and code in self.first_line:
                instance.predecessor = None
                self.deferred.append((instance, code))
                return
        super().import_field(resource_field, instance, row, is_m2m, **kwargs)

    def get_queryset(self):
        return Unit.objects.select_related("block", "predecessor").order_by("block__position", "position", "name")

    def prepare(self, dataset) -> None:
        self.directory.load("blocks", "units")

    def key_of(self, row: dict) -> str | None:
        return code_text(self.cell(row, "code")) or None

    def existing(self, row: dict) -> Unit | None:
        return self.directory.units.get(code_text(self.cell(row, "code")))

    def row_problems(self, instance: Unit, row: dict, line: int, unreadable: set[str]) -> list[str]:
        problems = slug_problems(instance.code, "Mã đơn vị", _max_length(Unit, "code"))
        problems += required_text(instance, "name", "Tên đơn vị", unreadable)
        if instance.block_id is None and "block" not in unreadable:
            problems.append(_("Thiếu “Mã khối”."))
        if instance.block_id is not None:
            self.positions[instance.block_id] = self.positions.get(instance.block_id, 0) + 1
            instance.position = self.positions[instance.block_id]
        return problems

    def remember(self, instance: Unit) -> None:
        self.directory.units[instance.code] = instance

    def after_import(self, dataset, result, **kwargs: Any) -> None:
        for unit, code in self.deferred:
            predecessor = self.directory.units.get(code)
            if unit.pk is not None and predecessor is not None and predecessor.pk is not None:
                unit.predecessor = predecessor
                Unit.objects.filter(pk=unit.pk).update(predecessor=predecessor)


# ---------------------------------------------------------------------------------------------
# The people workbook


class PersonResource(SheetResource):
    """Người dùng: an account. A new one has no password: the person sets it from the activation e-mail."""

    title = "Người dùng"
    required_columns = ("Tên đăng nhập", "Họ và tên")

    username = fields.Field(attribute="username", column_name="Tên đăng nhập", widget=CodeCell())
    full_name = fields.Field(attribute="full_name", column_name="Họ và tên", widget=TextCell())
    job_title = fields.Field(attribute="job_title", column_name="Chức vụ", widget=TextCell())
    email = fields.Field(attribute="email", column_name="Thư điện tử", widget=TextCell())
    home_unit = fields.Field(
        attribute="home_unit",
        column_name="Mã đơn vị công tác",
        widget=LookupCell(
            table="units",
            key="code",
            missing=gettext_lazy("Đơn vị công tác mã “%(code)s” không có trong danh mục đơn vị."),
        ),
    )

    class Meta:
        model = User
        fields = ("username", "full_name", "job_title", "email", "home_unit")
        import_order = export_order = ("username", "full_name", "job_title", "email", "home_unit")

    def get_queryset(self):
        return User.objects.select_related("home_unit").order_by("username")

    def prepare(self, dataset) -> None:
        self.directory.load("units", "users")

    def key_of(self, row: dict) -> str | None:
        return code_text(self.cell(row, "username")) or None

    def existing(self, row: dict) -> User | None:
        return self.directory.users.get(code_text(self.cell(row, "username")))

    def row_problems(self, instance: User, row: dict, line: int, unreadable: set[str]) -> list[str]:
        problems = []
        if not instance.username:
            problems.append(_("Thiếu “Tên đăng nhập”."))
        elif not USERNAME.match(instance.username) or len(instance.username) > _max_length(User, "username"):
            problems.append(
                _(
                    "Tên đăng nhập “%(username)s” không hợp lệ: tối đa 150 ký tự, chỉ gồm chữ, chữ số "
                    "và các dấu . @ + - _ (không có dấu cách)."
                )
                % {"username": instance.username}
            )
        problems += required_text(instance, "full_name", "Họ và tên", unreadable)
        if len(instance.job_title) > _max_length(User, "job_title"):
            problems.append(_("“Chức vụ” dài quá %(limit)s ký tự.") % {"limit": _max_length(User, "job_title")})
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

    def remember(self, instance: User) -> None:
        self.directory.users[instance.username] = instance


class RoleResource(SheetResource):
    """Phân quyền: one role of one person; unit roles name their unit, other roles none. Rows only add roles."""

    title = "Phân quyền"
    required_columns = ("Tên đăng nhập", "Vai trò")

    user = fields.Field(
        attribute="user",
        column_name="Tên đăng nhập",
        widget=LookupCell(
            table="users",
            key="username",
            missing=gettext_lazy("Không có người dùng “%(code)s” trong trang “Người dùng” hay trong danh sách."),
        ),
    )
    role = fields.Field(attribute="role", column_name="Vai trò", widget=RoleCell())
    unit = fields.Field(
        attribute="unit",
        column_name="Mã đơn vị",
        widget=LookupCell(
            table="units",
            key="code",
            missing=gettext_lazy("Đơn vị mã “%(code)s” không có trong danh mục đơn vị."),
        ),
    )

    class Meta:
        model = RoleAssignment
        fields = ("user", "role", "unit")
        import_order = export_order = ("user", "role", "unit")

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
