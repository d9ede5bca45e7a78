"""Reads that pages need, each in a bounded number of queries."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    Prefetch,
    QuerySet,
    Value,
)
from django.db.models.functions import Concat, Left, StrIndex

from scoring.models import (
    AdjustmentItem,
    Criterion,
    Framework,
    Period,
    RuleOption,
)
from units.models import Authority
from units.selectors import the_authority


@dataclass
class TreeNode:
    criterion: Criterion
    children: list["TreeNode"] = field(default_factory=list)

    @property
    def is_leaf(self) -> bool:
        return not self.children


@dataclass
class FrameworkTree:
    framework: Framework
    roots: list[TreeNode]
    nodes: list[TreeNode]  # every node, depth-first in code order

    @property
    def total(self) -> Decimal:
        return sum((node.criterion.max_points for node in self.roots), Decimal(0))

    @property
    def leaves(self) -> list[TreeNode]:
        return [node for node in self.nodes if node.is_leaf]


def build_tree(framework: Framework, criteria: Iterable[Criterion]) -> FrameworkTree:
    """Arrange already-loaded criteria into a tree ordered by code (1, 1.2, 1.10 — numerically)."""
    by_id = {criterion.id: TreeNode(criterion) for criterion in criteria}
    roots: list[TreeNode] = []
    for node in by_id.values():
        parent = by_id.get(node.criterion.parent_id)
        (parent.children if parent else roots).append(node)

    def key(node: TreeNode) -> tuple:
        return (node.criterion.code_key, node.criterion.position)

    ordered: list[TreeNode] = []

    def walk(nodes: list[TreeNode]) -> None:
        nodes.sort(key=key)
        for node in nodes:
            ordered.append(node)
            walk(node.children)

    walk(roots)
    return FrameworkTree(framework=framework, roots=roots, nodes=ordered)


def framework_tree(framework: Framework) -> FrameworkTree:
    """The whole tree with rule options in two queries, whatever its size."""
    criteria = Criterion.objects.filter(framework=framework).prefetch_related(
        Prefetch("options", queryset=RuleOption.objects.order_by("position", "id"))
    )
    return build_tree(framework, criteria)


def framework_adjustments(framework: Framework) -> QuerySet[AdjustmentItem]:
    return framework.adjustment_items.order_by("kind", "position", "id")


def periods_for(authority: Authority | None = None) -> QuerySet[Period]:
    periods = Period.objects.select_related("authority").annotate(framework_count=Count("frameworks"))
    if authority is not None:
        periods = periods.filter(authority=authority)
    return periods.order_by("-year")


def period_frameworks(period: Period) -> QuerySet[Framework]:
    return (
        Framework.objects.filter(period=period)
        .select_related("block", "period", "cloned_from__period")
        .annotate(criterion_count=Count("criteria"))
        .order_by("block__position", "block_id")
    )


def current_period(authority: Authority | None = None) -> Period | None:
    """The period people are working in: the newest one that is not a draft, else the newest."""
    periods = Period.objects.select_related("authority").order_by("-year")
    if authority is not None:
        periods = periods.filter(authority=authority)
    return periods.exclude(state=Period.State.DRAFT).first() or periods.first()


def default_authority() -> Authority | None:
    """The authority this installation serves (one per installation: the database refuses a second)."""
    return the_authority()


# ---------------------------------------------------------------------------------------------
# Scoresheets


def area_code_of(path: str):
    """SQL for the area code of a criterion code: "3" for "3.2.1" (the text before the first dot)."""
    return Left(path, StrIndex(Concat(path, Value(".")), Value(".")) - 1)


# ---------------------------------------------------------------------------------------------
# Appraisal
