"""Appraisal progress of a period: counts per sheet and area (COUNTS_SQL), the gaps that block closing, and the
explanation requests still to settle."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from scoring.appraisal.selectors.queue import period_criteria_sql
from scoring.models import (
    Assessment,
    ExplanationRequest,
    Period,
    Score,
    Stage,
)
from scoring.permissions.appraisal import (
    hidden_unit_ids,
)
from scoring.results.versions import kept
from units.models import User


@dataclass(frozen=True)
class AppraisalGap:
    """One thing that keeps a block from being closed, with the sheet and criterion it counts (a conflicted
    viewer's units are only counted: no sheet, so no page can name or link them)."""

    class Kind(StrEnum):
        ROUND_ONE = "round_one"  # criteria of a sheet without a round-1 score
        ROUND_TWO = "round_two"  # an explained criterion without its round-2 score
        FLAGGED = "flagged"  # a proposed explanation request not yet sent nor withdrawn
        CONFLICTED = "conflicted"  # units the viewer may not see, counted

    kind: Kind
    message: str
    assessment_id: int | None = None
    unit_id: int | None = None
    criterion_id: int | None = None
    area_code: str | None = None  # the criterion's area: a member assigned some areas sees only those rows

    def __str__(self) -> str:
        return self.message


@dataclass
class AppraisalCounts:
    """How many leaf criteria each framework has per area, and how many round-1 scores each sheet has per area."""

    leaves: dict[tuple[int, str], int] = field(default_factory=dict)  # (framework id, area code) → leaves
    done: dict[tuple[int, str], int] = field(default_factory=dict)  # (sheet id, area code) → round-1 scores

    def __post_init__(self) -> None:
        self._leaf_totals: dict[int, int] = {}
        self._done_totals: dict[int, int] = {}
        for (framework_id, _area), count in self.leaves.items():
            self._leaf_totals[framework_id] = self._leaf_totals.get(framework_id, 0) + count
        for (sheet_id, _area), count in self.done.items():
            self._done_totals[sheet_id] = self._done_totals.get(sheet_id, 0) + count

    def areas_of(self, framework_id: int) -> list[str]:
        return [area for framework, area in self.leaves if framework == framework_id]

    def count_on(self, sheets: Iterable[Assessment]) -> None:
        """Set each sheet's leaf_count and round_one (its round-1 scores)."""
        for sheet in sheets:
            sheet.leaf_count = self._leaf_totals.get(sheet.framework_id, 0)
            sheet.round_one = self._done_totals.get(sheet.pk, 0)


# The counts behind AppraisalCounts in one statement over the same criteria table as QUEUE_SQL ({criteria}, with its
# area): leaves per framework and area, and round-1 scores per sheet and area ({sheets}: one %s a sheet id). Joining
# the scores to that small table spares working out a score's area from its criterion's code on each of the 24,000
# score rows of 200 sheets, and the ORM's compiling of a union of two grouped querysets (together 2.5 ms of the council
# overview at 200 units).
COUNTS_SQL = """
WITH counted_criteria AS ({criteria})
SELECT 'leaves', framework_id, area, COUNT(*) FROM counted_criteria WHERE is_leaf GROUP BY framework_id, area
UNION ALL
SELECT 'done', score.assessment_id, leaf.area, COUNT(*)
FROM scoring_score score JOIN counted_criteria leaf ON leaf.id = score.criterion_id
WHERE score.stage = %s AND score.assessment_id IN ({sheets})
GROUP BY score.assessment_id, leaf.area
"""


def appraisal_counts(
    period: Period, sheet_ids: Iterable[int], *, stamp: tuple[str, int] | None = None
) -> AppraisalCounts:
    """The period's leaf criteria per framework and area, and the given sheets' round-1 scores per area, grouped in
    SQL in one round trip (COUNTS_SQL; rows: kind, framework or sheet, area, count). Counted once per framework, not
    once per sheet: a correlated count of the framework's criteria on each sheet's row took 21 ms of the council
    overview's 27 ms query at 200 units. With the period's `stamp` (versions.stamp_to_keep), counted once per
    version of the results, whose triggers watch both the round-1 scores and the criteria (1.6 ms of the database
    at 200 units, 11 ms once every sheet's round 1 is scored). The counts are shared: read them, never change them."""
    sheet_ids = list(sheet_ids)
    using = Score.objects.db

    def count() -> AppraisalCounts:
        criteria_sql, criteria_params = period_criteria_sql(using, period.pk)
        sheets = ", ".join(["%s"] * len(sheet_ids)) or "NULL"  # IN (NULL) matches no sheet
        leaves: dict[tuple[int, str], int] = {}
        done: dict[tuple[int, str], int] = {}
        with connections[using].cursor() as cursor:
            cursor.execute(
                COUNTS_SQL.format(criteria=criteria_sql, sheets=sheets),
                [*criteria_params, Stage.ROUND_1.value, *sheet_ids],
            )
            for kind, owner, area, number in cursor.fetchall():
                (leaves if kind == "leaves" else done)[owner, area] = number
        return AppraisalCounts(leaves, done)

    return kept(("appraisal_counts", using, period.pk, tuple(sheet_ids)), stamp, count)


def requests_to_settle(period: Period, block=None) -> QuerySet:
    """The explanation requests that keep a block from closing: flagged ones (to send or withdraw), and sent or
    answered ones whose criterion has no round-2 score yet; by unit name and criterion code."""

    round_two = Score.objects.filter(
        assessment=OuterRef("assessment"), criterion=OuterRef("criterion"), stage=Stage.ROUND_2
    )
    requests = ExplanationRequest.objects.filter(assessment__period=period).filter(
        Q(state=ExplanationRequest.State.FLAGGED)
        # round 2 of THIS criterion on THIS sheet (a join would match any round-2 score of the sheet)
        | Q(state__in=[ExplanationRequest.State.SENT, ExplanationRequest.State.ANSWERED]) & ~Exists(round_two)
    )
    if block is not None:
        requests = requests.filter(assessment__unit__block=block)
    return requests.select_related("assessment__unit__block", "criterion", "requested_by").order_by(
        "assessment__unit__name", "criterion__code"
    )


def appraisal_gaps(period: Period, block, *, viewer: User | None = None) -> list[AppraisalGap]:
    """Per submitted sheet of the block: criteria without a round-1 score, explanations without round 2, and
    proposals not yet sent, each with the sheet (and criterion) it counts, in three queries.

    For a viewer conflicted with some units (hidden_unit_ids), those units still block the block but are only
    counted, without their name or figures: the chair must know the block cannot be closed yet, not why.
    """
    sheets = list(
        Assessment.objects.filter(period=period, unit__block=block, state=Assessment.State.SUBMITTED)
        .select_related("unit")
        .order_by("unit__position", "unit__name")
    )
    appraisal_counts(period, [sheet.pk for sheet in sheets]).count_on(sheets)
    requests = requests_to_settle(period, block)
    return block_appraisal_gaps(period, sheets, requests, viewer=viewer).get(block.pk, [])


def block_appraisal_gaps(
    period: Period, sheets: Iterable[Assessment], requests: Iterable, *, viewer: User | None = None
) -> dict[int, list[AppraisalGap]]:
    """appraisal_gaps of every block, by block id, from the sheets (in unit order, counted by
    AppraisalCounts.count_on) and requests_to_settle already read: no query of its own."""

    hidden = hidden_unit_ids(viewer, period) if viewer is not None else frozenset()
    gaps: dict[int, list[AppraisalGap]] = {}
    hidden_with_gaps: dict[int, set[int]] = {}
    round_one_left = _("%(unit)s: còn %(count)s tiêu chí chưa thẩm định vòng 1.")  # looked up once, not once a sheet
    for assessment in sheets:
        if assessment.state != Assessment.State.SUBMITTED or assessment.round_one >= assessment.leaf_count:
            continue
        block_id = assessment.unit.block_id
        if assessment.unit_id in hidden:
            hidden_with_gaps.setdefault(block_id, set()).add(assessment.unit_id)
            continue
        gaps.setdefault(block_id, []).append(
            AppraisalGap(
                AppraisalGap.Kind.ROUND_ONE,
                round_one_left % {"unit": assessment.unit, "count": assessment.leaf_count - assessment.round_one},
                assessment_id=assessment.pk,
                unit_id=assessment.unit_id,
            )
        )
    requests = list(requests)
    for kind, state_is_flagged, message in (
        (AppraisalGap.Kind.ROUND_TWO, False, _("%(unit)s: tiêu chí %(code)s chờ thẩm định vòng 2 sau giải trình.")),
        (
            AppraisalGap.Kind.FLAGGED,
            True,
            _("%(unit)s: tiêu chí %(code)s có đề xuất giải trình chưa gửi đơn vị (gửi hoặc rút lại trước khi chốt)."),
        ),
    ):
        for request in requests:
            if (request.state == ExplanationRequest.State.FLAGGED) != state_is_flagged:
                continue
            unit = request.assessment.unit
            if unit.pk in hidden:
                hidden_with_gaps.setdefault(unit.block_id, set()).add(unit.pk)
                continue
            gaps.setdefault(unit.block_id, []).append(
                AppraisalGap(
                    kind,
                    message % {"unit": unit, "code": request.criterion.code},
                    assessment_id=request.assessment_id,
                    unit_id=unit.pk,
                    criterion_id=request.criterion_id,
                    area_code=request.criterion.code.split(".")[0],
                )
            )
    for block_id, units in hidden_with_gaps.items():
        gaps.setdefault(block_id, []).append(
            AppraisalGap(
                AppraisalGap.Kind.CONFLICTED,
                ngettext(
                    "%(count)s đơn vị bạn có xung đột lợi ích chưa thẩm định xong (không hiển thị tên và số liệu).",
                    "%(count)s đơn vị bạn có xung đột lợi ích chưa thẩm định xong (không hiển thị tên và số liệu).",
                    len(units),
                )
                % {"count": len(units)},
            )
        )
    return gaps
