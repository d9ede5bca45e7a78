"""Reads of remediation plans: a unit's weak criteria of a published year beside its plans, every plan someone may
follow, overdue plans, and last year's score and plan on each criterion of this year's sheet."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db.models import F, OuterRef, QuerySet, Subquery

from scoring.models import Assessment, Period, RemediationPlan, ResultCriterionRow, ResultPublication
from scoring.permissions.plans import visible_plans_filter
from scoring.results.exports.data import code_key
from scoring.results.history import latest_publications
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
    matched by code, and the plan the head made for it, in one query (nothing when no earlier year is published)."""
    period = assessment.period
    previous = latest_publications(period.authority_id).filter(period__year__lt=period.year)
    plans = RemediationPlan.objects.filter(
        period_id=OuterRef("row__publication__period_id"), unit_id=assessment.unit_id, criterion_code=OuterRef("code")
    )
    rows = ResultCriterionRow.objects.filter(
        row__publication=Subquery(previous.order_by("-period__year").values("pk")[:1]),
        row__unit_id=assessment.unit_id,
        is_appraised=True,
    ).annotate(
        year=F("row__publication__period__year"),
        plan_id=Subquery(plans.values("pk")[:1]),
        plan_status=Subquery(plans.values("status")[:1]),
        plan_due_date=Subquery(plans.values("due_date")[:1]),
    )
    if code is not None:
        rows = rows.filter(code=code)
    return {
        row.code: LastYear(
            year=row.year,
            max_points=row.max_points,
            final_points=row.final_points,
            is_not_applicable=row.is_not_applicable,
            plan=RemediationPlan(pk=row.plan_id, status=row.plan_status, due_date=row.plan_due_date)
            if row.plan_id
            else None,
        )
        for row in rows
    }
