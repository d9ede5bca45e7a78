"""Reads for the signed-in home page: each of the person's units with its sheet and what they may do with it."""

from dataclasses import dataclass

from scoring.models import Assessment, Framework, Period
from scoring.permissions.sheets import can_edit_self_assessment, can_submit_assessment, is_locked_at_deadline
from units.models import Unit, User
from units.roles import roles_of
from units.selectors import units_of


@dataclass(frozen=True)
class UnitTask:
    """One unit the person works for, its sheet in the current period (if any) and the actions open to them."""

    unit: Unit
    assessment: Assessment | None = None
    framework: Framework | None = None
    can_edit: bool = False
    can_submit: bool = False
    is_locked: bool = False


def unit_tasks(user: User, period: Period | None, frameworks: list[Framework]) -> list[UnitTask]:
    """Two queries whatever the number of units: the units, then their sheets; the flags come from the same
    predicates that guard the sheet itself, so the home page never offers what the sheet would refuse."""
    units = list(units_of(roles_of(user).unit_ids()))
    if period is None:
        return [UnitTask(unit) for unit in units]
    sheets = {
        assessment.unit_id: assessment
        for assessment in Assessment.objects.filter(period=period, unit__in=units).select_related("submitted_by")
    }
    framework_of_block = {framework.block_id: framework for framework in frameworks}
    tasks = []
    for unit in units:
        assessment = sheets.get(unit.id)
        if assessment is not None:
            assessment.period, assessment.unit = period, unit  # what the predicates read, without a query per sheet
        tasks.append(
            UnitTask(
                unit=unit,
                assessment=assessment,
                framework=framework_of_block.get(unit.block_id),
                can_edit=assessment is not None and can_edit_self_assessment(user, assessment),
                can_submit=assessment is not None and can_submit_assessment(user, assessment),
                is_locked=assessment is not None and is_locked_at_deadline(assessment),
            )
        )
    return tasks
