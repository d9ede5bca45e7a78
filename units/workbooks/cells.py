"""The cells of the onboarding worksheets: text, codes, yes/no, lookups of blocks, units and people, roles; and the
`Directory` the lookups read, which rows saved earlier in the same import keep current."""

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q
from django.utils.translation import gettext as _
from import_export import fields, widgets

from scoring.frameworks.cells import neutralise_formula, restore_text
from units.models import Authority, Block, Role, Unit, User


def code_text(value: Any) -> str:
    """A code cell: Excel turns a typed 12 into the number 12 (or 12.0); codes are text."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return restore_text(value)


def max_length(model: type[Model], name: str) -> int:
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


def lookup_field(attribute: str, column_name: str, *, table: str, missing: str, key: str = "code") -> fields.Field:
    """A column naming a row of the directory's `table` by its `key`; `missing` says what an unknown %(code)s is."""
    return fields.Field(
        attribute=attribute, column_name=column_name, widget=LookupCell(table=table, key=key, missing=missing)
    )


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
