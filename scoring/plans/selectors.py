"""Reads of remediation plans: a unit's weak criteria of a published year beside its plans, every plan someone may
follow, overdue plans, and last year's score and plan on each criterion of this year's sheet."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db import connection
from django.db.models import F, QuerySet

from scoring.models import Assessment, Period, RemediationPlan, ResultCriterionRow, ResultPublication, ResultRow
from scoring.permissions.plans import visible_plans_filter
from scoring.results.exports.data import code_key
from units.models import User


def _latest_rows(period: Period, unit_id: int) -> QuerySet[ResultCriterionRow]:
    """The unit's criterion rows in the latest published version of the period."""
    newest = ResultPublication.objects.filter(period=period).order_by("-version").values("pk")[:1]
    return ResultCriterionRow.objects.filter(row__publication__in=newest, row__unit_id=unit_id)


def weak_criteria(period: Period, unit_id: int) -> list[ResultCriterionRow]:
    """Criteria on which the unit lost points in the published year, in framework order (one query)."""
    rows = _latest_rows(period, unit_id).filter(
        is_not_applicable=False, is_appraised=True, final_points__lt=F("max_points")
    )
    return sorted(rows, key=lambda row: code_key(row.code))


def unit_plans(period: Period, unit_id: int) -> dict[str, RemediationPlan]:
    return {plan.criterion_code: plan for plan in RemediationPlan.objects.filter(period=period, unit_id=unit_id)}


def plans_visible_to(user: User, *, only_overdue: bool = False, today: datetime.date | None = None):
    """Every plan this person may follow, the soonest due first, with its unit and year (one query)."""
    plans = (
        RemediationPlan.objects.filter(visible_plans_filter(user))
        .select_related("unit__block", "period")
        .order_by("due_date", "unit__block__position", "unit__position", "criterion_code")
    )
    if only_overdue:
        plans = overdue(plans, today)
    return plans


def overdue(plans: QuerySet[RemediationPlan], today: datetime.date | None = None) -> QuerySet[RemediationPlan]:
    from django.utils import timezone

    return plans.filter(due_date__lt=today or timezone.localdate()).exclude(status=RemediationPlan.Status.DONE)


@dataclass(frozen=True)
class LastYear:
    """A criterion's published result in the unit's previous year, and the plan made for it."""

    year: int
    max_points: Decimal
    final_points: Decimal | None
    is_not_applicable: bool
    plan: RemediationPlan | None

    @cached_property  # read up to three times per row of a 120-row sheet
    def lost(self) -> Decimal | None:
        if self.is_not_applicable or self.final_points is None:
            return None
        return self.max_points - self.final_points


def last_year_by_code(assessment: Assessment, *, code: str | None = None) -> dict[str, LastYear]:
    """On each criterion of this year's sheet (or only `code`): last published year's final score of the same unit,
    matched by code, and the plan the head made for it, in one query (nothing when no earlier year is published).

    Written as one statement with a LEFT JOIN to the plan (one plan per period, unit and code): built through the
    ORM, the publication and plan subqueries took ~5 ms of a 120-row sheet's CPU to assemble, more than the query
    itself. The latest version of the most recent earlier year is latest_publications' choice (history.py)."""
    period = assessment.period
    tables = {
        "criterion_row": ResultCriterionRow._meta.db_table,
        "row": ResultRow._meta.db_table,
        "publication": ResultPublication._meta.db_table,
        "period": Period._meta.db_table,
        "plan": RemediationPlan._meta.db_table,
    }
    only_code = "AND c.code = %s" if code is not None else ""
    sql = f"""
        SELECT c.id, c.code, c.max_points, c.final_points, c.is_not_applicable, p.year AS year,
               plan.id AS plan_id, plan.status AS plan_status, plan.due_date AS plan_due_date
        FROM {tables["criterion_row"]} c
        JOIN {tables["row"]} r ON r.id = c.row_id
        JOIN {tables["publication"]} pub ON pub.id = r.publication_id
        JOIN {tables["period"]} p ON p.id = pub.period_id
        LEFT JOIN {tables["plan"]} plan
            ON plan.period_id = pub.period_id AND plan.unit_id = r.unit_id AND plan.criterion_code = c.code
        WHERE r.unit_id = %s AND c.is_appraised {only_code} AND pub.id = (
            SELECT last.id FROM {tables["publication"]} last JOIN {tables["period"]} last_period
                ON last_period.id = last.period_id
            WHERE last_period.authority_id = %s AND last_period.year < %s
            ORDER BY last_period.year DESC, last.version DESC LIMIT 1
        )
    """  # noqa: S608 - table names from the models, every value a parameter
    params = [assessment.unit_id, *([code] if code is not None else []), period.authority_id, period.year]
    # Read through a cursor: Manager.raw() made a model object of each of 120 rows only to read six values off it.
    points = ResultCriterionRow._meta.get_field("max_points")  # SQLite answers decimals as floats, dates as text
    due_date = RemediationPlan._meta.get_field("due_date")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {
        code: LastYear(
            year=year,
            max_points=points.to_python(max_points),
            final_points=points.to_python(final_points),
            is_not_applicable=bool(is_not_applicable),
            plan=RemediationPlan(pk=plan_id, status=plan_status, due_date=due_date.to_python(plan_due_date))
            if plan_id
            else None,
        )
        for _id, code, max_points, final_points, is_not_applicable, year, plan_id, plan_status, plan_due_date in rows
    }
