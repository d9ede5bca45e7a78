"""Excel export and all-or-nothing import of a framework: the criteria tree on the first worksheet, then its
bonus and penalty items, the year's classification bands and the settings (scoring/frameworks/extras.py)."""

from dataclasses import dataclass
from typing import BinaryIO

import tablib
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from import_export.results import Result, RowResult

from evidence.workbooks import Limits, Row, read_sheets
from scoring.frameworks.cells import problems_by_line, worksheet_dataset
from scoring.frameworks.extras import Extras, apply_extras, extra_datasets, read_extras
from scoring.frameworks.resources import CriterionResource
from scoring.frameworks.selectors import framework_tree
from scoring.frameworks.services import ensure_editable, tree_problems
from scoring.models import AuditEvent, Framework, Period
from scoring.permissions.periods import can_manage_frameworks
from units.models import Block, User

# A framework has 100–300 criteria and a dozen columns.
LIMITS = Limits(max_rows=2000, max_columns=30)
SHEET_TITLE = "Bộ chỉ số"


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int
    settings_changed: tuple[str, ...] = ()  # the other worksheets (or settings) whose content changed


def framework_export(*, framework: Framework) -> bytes:
    """Everything the framework has, as an .xlsx that imports back unchanged: the criteria tree (header on line 1),
    then the bonus and penalty items, the classification bands and the settings."""
    criteria = [node.criterion for node in framework_tree(framework).nodes]
    dataset = CriterionResource(framework=framework).export(queryset=criteria)
    dataset.title = SHEET_TITLE
    return tablib.Databook([dataset, *extra_datasets(framework)]).export("xlsx")


def framework_import(*, actor: User | None, framework: Framework, file: BinaryIO | bytes) -> ImportReport:
    """Create or update criteria from an .xlsx; on any problem nothing is saved and every problem is raised.

    Raises ValidationError whose messages name the Excel line (“Dòng 5: …”) of each problem.
    """
    if actor is not None and not can_manage_frameworks(actor):
        raise PermissionDenied
    dataset, sheets = _read_workbook(file)
    resource = CriterionResource(framework=framework)
    header_problems = resource.header_problems(dataset.headers)
    if header_problems:
        raise ValidationError(header_problems, code="bad_headers")
    with transaction.atomic():
        framework.period = Period.objects.select_for_update().get(pk=framework.period_id)
        ensure_editable(framework)
        extras: Extras = read_extras(sheets, framework)
        result = resource.import_data(dataset, use_transactions=True, rollback_on_validation_errors=True)
        problems = (_row_problems(resource, result) or _tree_problems(framework)) + extras.problems
        changed = () if problems else tuple(apply_extras(extras, framework))
        report = ImportReport(
            created=result.totals[RowResult.IMPORT_TYPE_NEW],
            updated=result.totals[RowResult.IMPORT_TYPE_UPDATE],
            settings_changed=changed,
        )
        if problems:
            transaction.set_rollback(True)
        else:
            _audit(actor=actor, framework=framework, report=report)
    if problems:
        raise ValidationError(problems, code="invalid_rows")
    return report


@transaction.atomic
def framework_for_import(*, actor: User | None, period: Period, block: Block) -> Framework:
    """The block's framework of the period, created empty (and audited) when it does not exist yet."""
    if actor is not None and not can_manage_frameworks(actor):
        raise PermissionDenied
    framework = Framework.objects.select_related("period", "block").filter(period=period, block=block).first()
    if framework is not None:
        return framework
    if period.frameworks_are_frozen:
        raise ValidationError(_("Kỳ đánh giá năm %(year)s đã mở, không thể thêm bộ chỉ số.") % {"year": period.year})
    framework = Framework.objects.create(period=period, block=block, name=f"Bộ chỉ số {block.name} năm {period.year}")
    AuditEvent.objects.create(
        actor=actor,
        action="framework.create",
        period=period,
        summary=str(framework),
        data={"framework_id": framework.id},
    )
    return framework


def _read_workbook(file: BinaryIO | bytes) -> tuple[tablib.Dataset, dict[str, list[Row]]]:
    """The criteria worksheet (“Bộ chỉ số”, else the first) as a dataset with its header on line 1, and every
    worksheet's rows — all through the one safe intake for workbooks."""
    sheets = read_sheets(file, limits=LIMITS, what=_("bộ chỉ số"))
    rows = sheets.get(SHEET_TITLE) or next(iter(sheets.values()), [])
    if not rows or not any(value not in (None, "") for value in rows[0][1]):
        raise ValidationError(_("Tệp không có dòng tiêu đề ở dòng 1."), code="empty")
    return worksheet_dataset(rows), sheets


def _row_problems(resource: CriterionResource, result: Result) -> list[str]:
    """Every problem of every row, in line order, as “Dòng N: …”."""
    problems = [
        _("Dòng %(line)s: %(message)s") % {"line": line, "message": message}
        for line, message in problems_by_line(resource, result)
    ]
    problems += [str(error.error) for error in result.base_errors]
    if not problems and not result.total_rows:
        problems.append(_("Tệp không có dòng tiêu chí nào (từ dòng 2 trở đi)."))
    return problems


def _tree_problems(framework: Framework) -> list[str]:
    """Checks of the whole tree (sums, rules of inner nodes …), made only once every row could be read."""
    return tree_problems(framework_tree(framework))


def _audit(*, actor: User | None, framework: Framework, report: ImportReport) -> None:
    AuditEvent.objects.create(
        actor=actor,
        action="framework.import",
        period=framework.period,
        summary=_("%(framework)s: nhập từ Excel %(created)s tiêu chí mới, cập nhật %(updated)s tiêu chí.")
        % {"framework": framework, "created": report.created, "updated": report.updated},
        data={
            "framework_id": framework.id,
            "created": report.created,
            "updated": report.updated,
            "settings_changed": list(report.settings_changed),
        },
    )
