"""A council member's workspace on one sheet: each criterion's rows, evidence and explanation requests."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from evidence.models import EvidenceLink
from evidence.selectors import links_by_criterion
from scoring.appraisal.selectors.queue import AppraisalProgress
from scoring.frameworks.selectors import FrameworkTree, TreeNode, framework_tree
from scoring.models import (
    AdjustmentEntry,
    AdjustmentItem,
    Assessment,
    Criterion,
    ExplanationRequest,
    RuleType,
    Score,
    Stage,
)
from scoring.permissions.appraisal import (
    council_seat,
)
from units.models import User


def round_two_open(request: ExplanationRequest | None, now: datetime | None = None) -> bool:
    """Round 2 scores a criterion once its explanation was answered or its deadline has passed.

    Takes the already-loaded request so list pages ask no query per row (services.appraisal uses it too).
    """
    if request is None or request.state == ExplanationRequest.State.FLAGGED:
        return False
    return request.state == ExplanationRequest.State.ANSWERED or (now or timezone.now()) > request.deadline


@dataclass
class AppraisalRow:
    node: TreeNode
    own: Score | None
    round_one: Score | None
    round_two: Score | None
    request: ExplanationRequest | None
    links: list = field(default_factory=list)
    is_round_two_open: bool = False

    @property
    def criterion(self) -> Criterion:
        return self.node.criterion

    @property
    def area_code(self) -> str:
        return self.criterion.code.split(".")[0]

    @property
    def is_appraised(self) -> bool:
        return self.round_one is not None

    @property
    def differs(self) -> bool:
        """Round 1 disagrees with the unit (same test as the service's reason rule, survey aside)."""
        if self.round_one is None or self.own is None:
            return False
        return (
            self.own.is_not_applicable != self.round_one.is_not_applicable or self.own.points != self.round_one.points
        )

    @property
    def evidence_uncited(self) -> bool:
        criterion = self.criterion
        if not criterion.evidence_required or criterion.rule_type == RuleType.SURVEY:
            return False
        return not self.links and not (self.own is not None and self.own.is_not_applicable)

    @property
    def evidence_missing(self) -> bool:
        """No document and no reason written for it (a reason given is counted apart: evidence_reason)."""
        return self.evidence_uncited and not (self.own is not None and self.own.no_evidence_reason)

    @property
    def evidence_reason(self) -> bool:
        """No document, but the unit wrote why."""
        return self.evidence_uncited and self.own is not None and bool(self.own.no_evidence_reason)


@dataclass
class Workspace:
    assessment: Assessment
    tree: FrameworkTree
    rows: list[AppraisalRow]
    areas: frozenset[str] | None  # None: every area

    @property
    def sorted_areas(self) -> list[str]:
        return sorted(self.areas or (), key=lambda code: (len(code), code))

    @property
    def area_titles(self) -> dict[str, str]:
        return {node.criterion.code: f"{node.criterion.code}. {node.criterion.title}" for node in self.tree.roots}

    @property
    def progress(self) -> AppraisalProgress:
        """The member's counts over the rows; the queue counts the same in SQL (appraisal_queue)."""
        rows = self.rows
        return AppraisalProgress(
            assigned_count=len(rows),
            appraised_count=sum(row.is_appraised for row in rows),
            differs_count=sum(row.differs for row in rows),
            evidence_missing_count=sum(row.evidence_missing for row in rows),
            evidence_reason_count=sum(row.evidence_reason for row in rows),
            open_requests_count=sum(row.request is not None and row.round_two is None for row in rows),
        )


def appraisal_workspace(user: User, assessment: Assessment, *, criterion_id: int | None = None) -> Workspace:
    """The member's leaves of one sheet with the unit's score, evidence and the council's rounds, in fixed queries."""
    areas = council_seat(user, assessment.period).areas_for(assessment.unit_id)
    tree = framework_tree(assessment.framework)
    scores = Score.objects.filter(assessment=assessment).select_related("updated_by")
    requests = ExplanationRequest.objects.filter(assessment=assessment)
    if criterion_id is not None:
        scores = scores.filter(criterion_id=criterion_id)
        requests = requests.filter(criterion_id=criterion_id)
    by_stage: dict[tuple[int, str], Score] = {(score.criterion_id, score.stage): score for score in scores}
    by_criterion = {request.criterion_id: request for request in requests}
    links = links_by_criterion(assessment) if criterion_id is None else _links_of(assessment, criterion_id)
    now = timezone.now()
    rows = []
    for node in tree.leaves:
        criterion = node.criterion
        if criterion_id is not None and criterion.id != criterion_id:
            continue
        if areas is not None and criterion.code.split(".")[0] not in areas:
            continue
        stages = [by_stage.get((criterion.id, stage)) for stage in (Stage.SELF, Stage.ROUND_1, Stage.ROUND_2)]
        for score in stages:
            if score is not None:
                score.criterion = criterion  # already loaded with its options: no query when displayed
        request = by_criterion.get(criterion.id)
        rows.append(
            AppraisalRow(
                node=node,
                own=stages[0],
                round_one=stages[1],
                round_two=stages[2],
                request=request,
                links=links.get(criterion.id, []),
                is_round_two_open=round_two_open(request, now),
            )
        )
    return Workspace(assessment=assessment, tree=tree, rows=rows, areas=areas)


def _links_of(assessment: Assessment, criterion_id: int) -> dict[int, list[EvidenceLink]]:
    links = (
        EvidenceLink.objects.filter(assessment=assessment, criterion_id=criterion_id)
        .select_related("document__file")
        .order_by("document__title", "id")
    )
    return {criterion_id: list(links)}


def filter_rows(rows: list[AppraisalRow], only: str) -> list[AppraisalRow]:
    if only == "todo":
        return [row for row in rows if not row.is_appraised]
    if only == "differs":
        return [row for row in rows if row.differs]
    if only == "evidence":
        return [row for row in rows if row.evidence_missing]
    if only == "reason":
        return [row for row in rows if row.evidence_reason]
    return rows


@dataclass
class AdjustmentLine:
    item: AdjustmentItem
    entry: AdjustmentEntry | None


def adjustment_lines(assessment: Assessment) -> list[AdjustmentLine]:
    """Every bonus/penalty item of the sheet's framework with what the council gave (two queries)."""
    entries = {
        entry.item_id: entry
        for entry in AdjustmentEntry.objects.filter(assessment=assessment).select_related("entered_by")
    }
    items = AdjustmentItem.objects.filter(framework_id=assessment.framework_id).order_by("kind", "position", "id")
    return [AdjustmentLine(item, entries.get(item.pk)) for item in items]
