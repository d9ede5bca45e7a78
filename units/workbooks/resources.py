"""The worksheet resource every onboarding sheet shares, and the organisation workbook's: blocks and units.

Cells are read strictly; every problem of a row is reported at once, with its Excel line; a row equal to what
is stored is "unchanged" and not saved, so importing the same file twice changes nothing. Codes and usernames
are looked up in a `Directory` that the rows saved earlier in the same import keep current, so a unit may name
a block created three lines up on the other worksheet.
"""

from collections.abc import Iterable
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources
from import_export.instance_loaders import BaseInstanceLoader

from scoring.frameworks.cells import FlagWidget, drop_blank_rows, header_problems, read_cells
from units.models import Block, Unit
from units.workbooks.cells import CodeCell, Directory, LookupCell, TextCell, code_text, lookup_field, max_length

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
        return header_problems(headers, required=self.required_columns, columns=self.column_names())

    def line_of(self, row_number: int) -> int:
        return self.lines[row_number - 1]

    def cell(self, row: dict, name: str) -> Any:
        return row.get(self.fields[name].column_name)

    # ---- the import steps ------------------------------------------------------------------------

    def before_import(self, dataset, **kwargs: Any) -> None:
        """Drop blank lines (remembering the Excel line of the others), then let the sheet read what it needs."""
        self.lines += drop_blank_rows(dataset)
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
        problems, unreadable = read_cells(self, instance, row, **kwargs)
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


class CodedResource(SheetResource):
    """A sheet whose rows are named by one code (a block's or a unit's code, a person's username): the rows are
    found in, and saved into, the directory's `table`, after loading the `tables` the sheet looks codes up in."""

    table: ClassVar[str] = ""
    key: ClassVar[str] = "code"
    tables: ClassVar[tuple[str, ...]] = ()

    def prepare(self, dataset) -> None:
        self.directory.load(*self.tables)

    def key_of(self, row: dict) -> str | None:
        return code_text(self.cell(row, self.key)) or None

    def existing(self, row: dict) -> Model | None:
        return getattr(self.directory, self.table).get(code_text(self.cell(row, self.key)))

    def remember(self, instance: Model) -> None:
        getattr(self.directory, self.table)[getattr(instance, self.key)] = instance


def required_text(instance: Model, name: str, column: str, unreadable: set[str]) -> list[str]:
    if name in unreadable:
        return []
    value = getattr(instance, name)
    if not value:
        return [_("Thiếu “%(column)s”.") % {"column": column}]
    limit = max_length(type(instance), name)
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


class BlockResource(CodedResource):
    """Khối: a ranking group. Its position is its order on the worksheet."""

    title = "Khối"
    table, tables = "blocks", ("blocks",)
    required_columns = ("Mã khối", "Tên khối")
    compared_attributes = ("position",)

    code = fields.Field(attribute="code", column_name="Mã khối", widget=CodeCell())
    name = fields.Field(attribute="name", column_name="Tên khối", widget=TextCell())

    class Meta:
        model = Block
        fields = import_order = export_order = ("code", "name")

    def get_queryset(self):
        authority = self.directory.authority
        return (
            Block.objects.filter(authority=authority).order_by("position", "id") if authority else Block.objects.none()
        )

    def init_instance(self, row: dict | None = None) -> Block:
        return Block(authority=self.directory.authority)

    def row_problems(self, instance: Block, row: dict, line: int, unreadable: set[str]) -> list[str]:
        instance.position = self.lines.index(line) + 1
        return slug_problems(instance.code, "Mã khối", max_length(Block, "code")) + required_text(
            instance, "name", "Tên khối", unreadable
        )


class UnitResource(CodedResource):
    """Đơn vị: who is assessed. Its position is its order among the units of its block on the worksheet."""

    title = "Đơn vị"
    table, tables = "units", ("blocks", "units")
    required_columns = ("Mã đơn vị", "Tên đơn vị", "Mã khối")
    compared_attributes = ("position",)

    code = fields.Field(attribute="code", column_name="Mã đơn vị", widget=CodeCell())
    name = fields.Field(attribute="name", column_name="Tên đơn vị", widget=TextCell())
    block = lookup_field(
        "block",
        "Mã khối",
        table="blocks",
        missing=gettext_lazy("Khối mã “%(code)s” không có trong trang “Khối” hay trong danh mục."),
    )
    is_active = fields.Field(  # an empty cell: active, the usual case
        attribute="is_active", column_name="Đang hoạt động", widget=FlagWidget("Đang hoạt động", blank=True)
    )
    predecessor = lookup_field(
        "predecessor",
        "Tiếp nối đơn vị",
        table="units",
        missing=gettext_lazy("“Tiếp nối đơn vị” là “%(code)s”, không có đơn vị mã này trong danh mục hay ở dòng trên."),
    )

    class Meta:
        model = Unit
        fields = import_order = export_order = ("code", "name", "block", "is_active", "predecessor")

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

    def row_problems(self, instance: Unit, row: dict, line: int, unreadable: set[str]) -> list[str]:
        problems = slug_problems(instance.code, "Mã đơn vị", max_length(Unit, "code"))
        problems += required_text(instance, "name", "Tên đơn vị", unreadable)
        if instance.block_id is None and "block" not in unreadable:
            problems.append(_("Thiếu “Mã khối”."))
        if instance.block_id is not None:
            self.positions[instance.block_id] = self.positions.get(instance.block_id, 0) + 1
            instance.position = self.positions[instance.block_id]
        return problems

    def after_import(self, dataset, result, **kwargs: Any) -> None:
        for unit, code in self.deferred:
            predecessor = self.directory.units.get(code)
            if unit.pk is not None and predecessor is not None and predecessor.pk is not None:
                unit.predecessor = predecessor
                Unit.objects.filter(pk=unit.pk).update(predecessor=predecessor)
