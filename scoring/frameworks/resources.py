"""Excel columns of a framework's criteria tree (django-import-export), one row per criterion.

Cells are parsed strictly and every problem of a row is reported at once, in Vietnamese and with the
Excel line number, so that a secretary can fix the whole file in one pass.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources

from scoring.frameworks.cells import (
    STEP_LIMIT,
    CodeWidget,
    FlagWidget,
    ParsedOption,
    PointsWidget,
    RuleTypeWidget,
    TextWidget,
    drop_blank_rows,
    has_two_decimals_at_most,
    header_problems,
    neutralise_formula,
    parse_options,
    read_cells,
    render_options,
)
from scoring.frameworks.services import CODE_PATTERN, RULES_WITH_OPTIONS
from scoring.models import Criterion, Framework, RuleOption, RuleType
from scoring.text import number_text


class CriterionResource(resources.ModelResource):
    """The criteria of one framework; a row's parent follows from its code (1.2.3 belongs to 1.2)."""

    code = fields.Field(attribute="code", column_name="Mã", widget=CodeWidget())
    title = fields.Field(attribute="title", column_name="Nội dung", widget=TextWidget())
    guidance = fields.Field(attribute="guidance", column_name="Hướng dẫn chấm", widget=TextWidget())
    max_points = fields.Field(attribute="max_points", column_name="Điểm tối đa", widget=PointsWidget("Điểm tối đa"))
    rule_type = fields.Field(attribute="rule_type", column_name="Cách chấm", widget=RuleTypeWidget())
    step = fields.Field(attribute="step", column_name="Bước điểm", widget=PointsWidget("Bước điểm", STEP_LIMIT))
    deduction_per_occurrence = fields.Field(
        attribute="deduction_per_occurrence",
        column_name="Điểm trừ mỗi lần",
        widget=PointsWidget("Điểm trừ mỗi lần"),
    )
    evidence_required = fields.Field(
        attribute="evidence_required",
        column_name="Cần tài liệu kiểm chứng",
        widget=FlagWidget("Cần tài liệu kiểm chứng"),
    )
    allows_not_applicable = fields.Field(
        attribute="allows_not_applicable",
        column_name="Cho phép không áp dụng",
        widget=FlagWidget("Cho phép không áp dụng"),
    )
    options = fields.Field(column_name="Các mức", widget=TextWidget(), readonly=True)

    class Meta:
        model = Criterion
        fields = (
            "code",
            "title",
            "guidance",
            "max_points",
            "rule_type",
            "step",
            "deduction_per_occurrence",
            "evidence_required",
            "allows_not_applicable",
            "options",
        )
        export_order = fields
        import_order = fields
        import_id_fields = ("code",)
        skip_diff = True
        use_transactions = True

    REQUIRED_COLUMNS = ("Mã", "Nội dung", "Điểm tối đa")

    def __init__(self, *, framework: Framework, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.framework = framework
        self.lines: list[int] = []  # Excel line of each data row that is not blank
        self.lines_by_code: dict[str, list[int]] = {}
        self.known_ids: dict[str, int] = {}  # code → id of criteria in the framework or saved so far

    # ---- columns -------------------------------------------------------------------------------

    @classmethod
    def column_names(cls) -> list[str]:
        return [field.column_name for field in cls.fields.values()]

    def header_problems(self, headers: list[Any]) -> list[str]:
        return header_problems(headers, required=self.REQUIRED_COLUMNS, columns=self.column_names())

    def line_of(self, row_number: int) -> int:
        """The Excel line of the n-th (1-based) non-blank data row."""
        return self.lines[row_number - 1]

    # ---- export --------------------------------------------------------------------------------

    def dehydrate_options(self, criterion: Criterion) -> str:
        return neutralise_formula(render_options(criterion))

    # ---- import --------------------------------------------------------------------------------

    def get_queryset(self):
        return Criterion.objects.filter(framework=self.framework)

    def init_instance(self, row: dict | None = None) -> Criterion:
        return Criterion(framework=self.framework)

    def before_import(self, dataset, **kwargs: Any) -> None:
        """Drop blank lines (remembering the Excel line of the others) and note where each code appears."""
        self.lines += drop_blank_rows(dataset)
        code_field = self.fields["code"]
        for index, row in enumerate(dataset.dict):
            code = code_field.widget.clean(row.get(code_field.column_name))
            self.lines_by_code.setdefault(code, []).append(self.lines[index])
        self.known_ids = dict(self.get_queryset().values_list("code", "id"))

    def import_instance(self, instance: Criterion, row: dict, **kwargs: Any) -> None:
        """Read every cell, then check the row as a whole; raise one error listing all its problems."""
        line = self.line_of(kwargs["row_number"])
        problems, unreadable = read_cells(self, instance, row, **kwargs)
        problems += self._row_problems(instance, line, unreadable)
        options = None
        if "rule_type" not in unreadable:  # options are read according to the rule
            options, option_problems = self._options_of(instance, row)
            problems += option_problems
        if options is not None:
            problems += self._option_problems(instance, options)
        if problems:
            raise ValidationError(problems)
        instance._imported_options = options

    def after_save_instance(self, instance: Criterion, row: dict, **kwargs: Any) -> None:
        self.known_ids[instance.code] = instance.id
        options = getattr(instance, "_imported_options", None)
        if options is None:
            return
        instance.options.all().delete()
        RuleOption.objects.bulk_create(
            RuleOption(
                criterion=instance,
                position=position,
                label=option.label,
                points=option.points,
                min_percent=option.min_percent,
            )
            for position, option in enumerate(options)
        )

    def _options_of(self, instance: Criterion, row: dict) -> tuple[list[ParsedOption] | None, list[str]]:
        """None when the file has no options column (an update then keeps the stored options)."""
        column = self.fields["options"].column_name
        if column not in row:
            return None, []
        return parse_options(instance.rule_type, row[column])

    def _row_problems(self, instance: Criterion, line: int, unreadable: set[str]) -> list[str]:
        code = instance.code
        if not code:
            return [_("Thiếu mã tiêu chí.")]
        problems = []
        if not CODE_PATTERN.match(code):
            problems.append(_("Mã “%(code)s” không đúng dạng (ví dụ: 1, 1.2, 1.2.3).") % {"code": code})
        else:
            problems += self._place_problems(instance, line)
        if not instance.title:
            problems.append(_("Thiếu “Nội dung”."))
        elif len(instance.title) > Criterion._meta.get_field("title").max_length:
            problems.append(_("“Nội dung” dài quá 500 ký tự."))
        if instance.max_points is None and "max_points" not in unreadable:
            problems.append(_("Thiếu “Điểm tối đa”."))
        problems += self._rule_problems(instance, unreadable)
        return problems

    def _place_problems(self, instance: Criterion, line: int) -> list[str]:
        """The code must be new in this file, and its parent must be known before this line."""
        code = instance.code
        first_line = self.lines_by_code.get(code, [line])[0]
        if first_line != line:
            return [_("Mã “%(code)s” trùng với dòng %(other)s.") % {"code": code, "other": first_line}]
        parent_code = code.rpartition(".")[0]
        if not parent_code:
            instance.parent_id = None
            return []
        if parent_code in self.known_ids:
            instance.parent_id = self.known_ids[parent_code]
            return []
        parent_lines = self.lines_by_code.get(parent_code)
        if not parent_lines:
            return [_("Không có tiêu chí cha “%(parent)s” trong tệp hoặc trong bộ chỉ số.") % {"parent": parent_code}]
        if parent_lines[0] > line:
            return [
                _("Tiêu chí cha “%(parent)s” (dòng %(other)s) phải đứng trước dòng này.")
                % {"parent": parent_code, "other": parent_lines[0]}
            ]
        return [
            _("Tiêu chí cha “%(parent)s” (dòng %(other)s) có lỗi.") % {"parent": parent_code, "other": parent_lines[0]}
        ]

    def _rule_problems(self, instance: Criterion, unreadable: set[str]) -> list[str]:
        rule = instance.rule_type
        problems = []
        if rule == RuleType.MANUAL and instance.step is None and "step" not in unreadable:
            problems.append(_("Cách chấm “manual” cần “Bước điểm”."))
        if (
            rule == RuleType.DEDUCTION
            and instance.deduction_per_occurrence is None
            and "deduction_per_occurrence" not in unreadable
        ):
            problems.append(_("Cách chấm “deduction” cần “Điểm trừ mỗi lần”."))
        return problems

    def _option_problems(self, instance: Criterion, options: list[ParsedOption]) -> list[str]:
        rule = instance.rule_type
        if rule not in RULES_WITH_OPTIONS:
            if not options:
                return []
            return [_("Cách chấm “%(rule)s” không dùng cột “Các mức”; hãy để trống.") % {"rule": rule or _("(trống)")}]
        problems = []
        if len(options) < 2:
            problems.append(_("Cách chấm “%(rule)s” cần ít nhất hai mức trong cột “Các mức”.") % {"rule": rule})
        for option in options:
            problems += self._one_option_problems(instance, option)
        return problems

    def _one_option_problems(self, instance: Criterion, option: ParsedOption) -> list[str]:
        problems = []
        label_limit = RuleOption._meta.get_field("label").max_length
        if len(option.label) > label_limit:
            problems.append(_("Tên mức “%(label)s…” dài quá 300 ký tự.") % {"label": option.label[:40]})
        if not has_two_decimals_at_most(option.points):
            problems.append(_("Mức “%(label)s”: điểm chỉ được có tối đa 2 chữ số thập phân.") % {"label": option.label})
        elif instance.max_points is not None and option.points > instance.max_points:
            problems.append(
                _("Mức “%(label)s” có %(points)s điểm, vượt điểm tối đa %(max)s.")
                % {
                    "label": option.label,
                    "points": number_text(option.points),
                    "max": number_text(instance.max_points),
                }
            )
        if option.min_percent is not None and (
            option.min_percent > 100 or not has_two_decimals_at_most(option.min_percent)
        ):
            problems.append(
                _("Mức “%(label)s”: tỷ lệ bắt đầu %(percent)s%% phải từ 0 đến 100, tối đa 2 chữ số thập phân.")
                % {"label": option.label, "percent": number_text(option.min_percent)}
            )
        return problems
