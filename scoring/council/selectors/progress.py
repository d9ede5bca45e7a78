"""The council overview's progress table: every sheet of a period with its unit, its explanation requests and
its deadlines, in a fixed number of queries whatever the number of units."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.db import connections
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from scoring.appraisal.selectors import AppraisalCounts, appraisal_counts
from scoring.models import (
    Assessment,
    ExplanationRequest,
    Period,
)
from scoring.permissions.appraisal import hidden_unit_ids
from scoring.results.versions import stamp_to_keep
from scoring.templatetags import scoring_state
from scoring.text import percent_done
from units.models import User


def days_until(moment: datetime | None, today: date | None = None) -> int | None:
    """Whole days left until a deadline (negative once passed), counted in local dates."""
    if moment is None:
        return None
    return (timezone.localdate(moment) - (today or timezone.localdate())).days


@dataclass(slots=True)
class SheetUnit:
    """The unit of a Sheet: its name (what str() gives, as for a Unit) and its block."""

    pk: int
    name: str
    block_id: int
    block_name: str

    def __str__(self) -> str:
        return self.name


@dataclass(slots=True)
class Sheet:
    """A period's sheet as the council's pages read it, from one values() row rather than three model objects
    (600 objects took ~3.5 ms to build at 200 units, their row tuples 0.6 ms). It answers what member_workloads,
    block_statuses and block_appraisal_gaps ask of an Assessment: pk, unit_id, unit (name, block_id),
    framework_id, state, and the leaf_count and round_one AppraisalCounts.count_on sets."""

    pk: int
    unit_id: int
    framework_id: int
    state: str
    is_late: bool
    extended_until: datetime | None
    unit: SheetUnit
    flagged_explanations: int
    open_explanations: int
    answered_explanations: int
    next_explanation_deadline: datetime | None
    leaf_count: int = 0
    round_one: int = 0

    @property
    def is_submitted(self) -> bool:
        return self.state == Assessment.State.SUBMITTED


@dataclass(frozen=True)
class DaysLeft:
    """How a deadline reads in a table cell: its words, their colour and whether they stand out (today), worked out
    once a page so the markup only places them (council_progress.days_left)."""

    text: str
    css: str = ""
    is_today: bool = False

    @classmethod
    def of(cls, days: int | None) -> "DaysLeft":
        if days is None:
            return cls("—", "text-muted")
        if days > 0:
            return cls(ngettext("còn %(days)s ngày", "còn %(days)s ngày", days) % {"days": days})
        if days == 0:
            return cls(_("hôm nay"), "text-warning-emphasis", is_today=True)
        return cls(_("quá hạn %(late)s ngày") % {"late": -days}, "text-danger")


class _RowWords:
    """The translated words every row of a page shares, looked up once a page rather than once a row."""

    def __init__(self, now: datetime) -> None:
        self.now, self.today = now, timezone.localdate(now)
        self.progress = _("Thẩm định vòng 1 của %(unit)s")
        self.answered = _("%(n)s đã trả lời")
        self.overdue = _("Quá hạn, chưa nộp")
        self.states = {state: str(label) for state, label in Assessment.State.choices}
        tones = scoring_state.STATE_TONES[Assessment]
        self.tones = {state: tones.get(state, scoring_state.DEFAULT_TONE) for state in Assessment.State.values}
        self._days: dict[datetime | None, DaysLeft] = {}

    def days_left(self, moment: datetime | None) -> DaysLeft:
        """The days left until a deadline, worked out once a moment: most rows share the period's deadlines."""
        if moment not in self._days:
            self._days[moment] = DaysLeft.of(days_until(moment, self.today))
        return self._days[moment]


class UnitRow:
    """One sheet's row of the council's progress table, its words and figures worked out once in Python: the row is
    rendered 200 times, and every template tag of it counts (60-80 µs a row when the template worked them out)."""

    __slots__ = (
        "answered_text",
        "assessment",
        "block_name",
        "explanation_due",
        "is_late",
        "leaf_count",
        "open_explanations",
        "pk",
        "progress_label",
        "progress_percent",
        "round_one",
        "round_one_text",
        "self_due",
        "state_label",
        "state_tone",
        "unit_name",
    )

    def __init__(self, assessment: Sheet, deadline: datetime | None, words: _RowWords) -> None:
        """`deadline` is the sheet's own lock time (period deadline or a later extension); `words.now` one clock for
        every row of a page. Figures are text already: the template would localise each number again."""
        is_draft = assessment.state == Assessment.State.DRAFT
        self.assessment, self.pk = assessment, assessment.pk
        self.unit_name, self.block_name = assessment.unit.name, assessment.unit.block_name
        if is_draft and deadline is not None and words.now > deadline:
            self.state_tone, self.state_label = "danger", words.overdue
        else:
            self.state_tone, self.state_label = words.tones[assessment.state], words.states[assessment.state]
        self.is_late = assessment.is_submitted and assessment.is_late
        round_one, leaf_count = assessment.round_one, assessment.leaf_count
        self.round_one, self.leaf_count = str(round_one), str(leaf_count)
        if assessment.is_submitted:
            self.progress_label = words.progress % {"unit": self.unit_name}
            self.round_one_text = f"{round_one}/{leaf_count}"
        else:
            self.progress_label = self.round_one_text = ""
        self.progress_percent = str(percent_done(round_one, leaf_count))
        self.open_explanations = str(assessment.open_explanations) if assessment.open_explanations else ""
        answered = assessment.answered_explanations
        self.answered_text = words.answered % {"n": answered} if answered else ""
        self.self_due = words.days_left(deadline if is_draft else None)
        self.explanation_due = words.days_left(assessment.next_explanation_deadline)


@dataclass
class UnitProgress:
    rows: list[UnitRow]
    hidden_count: int  # sheets left out for the viewer (conflict of interest): counted, never named
    sheets: list[Sheet] = field(default_factory=list)  # every sheet, hidden ones too: for figures never shown
    counts: AppraisalCounts = field(default_factory=AppraisalCounts)
    stamp: tuple[str, int] | None = None  # the version of the period's results the counts were kept under

    @property
    def has_explanation_requests(self) -> bool:
        """Whether any sheet of the period (hidden ones too) has an explanation request in any state: without one,
        nothing is left to settle (requests_to_settle) and the page need not ask."""
        return any(sheet.open_explanations or sheet.answered_explanations for sheet in self.sheets)

    @property
    def explanation_totals(self) -> dict[str, int]:
        """Explanation requests of the sheets shown, by state (the hidden sheets' are left out)."""
        flagged = sum(row.assessment.flagged_explanations for row in self.rows)
        return {
            ExplanationRequest.State.FLAGGED: flagged,
            ExplanationRequest.State.SENT: sum(row.assessment.open_explanations for row in self.rows) - flagged,
            ExplanationRequest.State.ANSWERED: sum(row.assessment.answered_explanations for row in self.rows),
        }


# Every sheet of a period with its unit and block, and its explanation requests counted by state in one grouped pass
# (not four correlated counts a sheet). Written out: built through the ORM, its four filtered aggregates took 2.8 ms
# of compiling and converting at 200 units, the statement itself 0.3 ms.
PROGRESS_SQL = """
SELECT sheet.id, sheet.unit_id, sheet.framework_id, sheet.state, sheet.is_late, sheet.extended_until,
    unit.name, unit.block_id, block.name,
    COUNT(CASE WHEN request.state = %(flagged)s THEN 1 END),
    COUNT(CASE WHEN request.state IN (%(flagged)s, %(sent)s) THEN 1 END),
    COUNT(CASE WHEN request.state = %(answered)s THEN 1 END),
    MIN(CASE WHEN request.state = %(sent)s THEN request.deadline END)
FROM scoring_assessment sheet
JOIN units_unit unit ON unit.id = sheet.unit_id
JOIN units_block block ON block.id = unit.block_id
LEFT JOIN scoring_explanationrequest request ON request.assessment_id = sheet.id
WHERE sheet.period_id = %(period)s
GROUP BY sheet.id, unit.id, block.id
ORDER BY block.position, unit.position, unit.name
"""


def _moment(value: datetime | str | None) -> datetime | None:
    """A date and time as a DateTimeField reads it: SQLite answers a written-out statement in UTC without its zone,
    as text when the column is computed."""
    if value is None:
        return None
    moment = parse_datetime(value) if isinstance(value, str) else value
    return timezone.make_aware(moment, UTC) if timezone.is_naive(moment) else moment


def unit_progress(period: Period, *, viewer: User | None = None) -> UnitProgress:
    """Every sheet of the period with its state, round-1 progress and explanations, counted in SQL (3 queries:
    PROGRESS_SQL, the results' version, appraisal_counts unless kept for that version); a viewer's conflicted units
    (hidden_unit_ids) are left out and only counted."""
    hidden = hidden_unit_ids(viewer, period) if viewer is not None else frozenset()
    stamp = stamp_to_keep(period.pk, Assessment.objects.db)
    State = ExplanationRequest.State
    with connections[Assessment.objects.db].cursor() as cursor:
        cursor.execute(
            PROGRESS_SQL,
            {"period": period.pk, **{state.name.lower(): state.value for state in State}},
        )
        rows = cursor.fetchall()
    sheets = [
        Sheet(
            pk,
            unit_id,
            framework_id,
            state,
            bool(late),
            _moment(extended),
            SheetUnit(unit_id, name, block_id, block),
            *explanations,
            _moment(deadline),
        )
        for pk, unit_id, framework_id, state, late, extended, name, block_id, block, *explanations, deadline in rows
    ]
    progress = UnitProgress(rows=[], hidden_count=0, sheets=sheets, stamp=stamp)
    words = _RowWords(timezone.now())
    progress.counts = appraisal_counts(period, [sheet.pk for sheet in progress.sheets], stamp=stamp)
    progress.counts.count_on(progress.sheets)
    for assessment in progress.sheets:
        if assessment.unit_id in hidden:
            progress.hidden_count += 1
            continue
        deadline = period.self_assessment_deadline
        if assessment.extended_until and (deadline is None or assessment.extended_until > deadline):
            deadline = assessment.extended_until
        progress.rows.append(UnitRow(assessment, deadline, words))
    return progress
