"""Reads about units and people."""

from django.db.models import Count, QuerySet

from units.models import Authority, Block, Role, RoleAssignment, Unit, User


def the_authority() -> Authority | None:
    """The authority this installation serves: there is at most one (the database refuses a second)."""
    return Authority.objects.first()


def units_of(user_unit_ids: frozenset[int]) -> QuerySet[Unit]:
    return Unit.objects.filter(id__in=user_unit_ids).select_related("block", "block__authority").order_by("name")


def unit_heads(unit_ids) -> dict[int, User]:
    """The head of each unit, from the role assignments (the single source of who leads a unit)."""
    assignments = RoleAssignment.objects.filter(role=Role.UNIT_HEAD, unit_id__in=unit_ids).select_related("user")
    return {assignment.unit_id: assignment.user for assignment in assignments}


def blocks_with_unit_counts(authority_id: int | None = None) -> QuerySet[Block]:
    blocks = Block.objects.annotate(unit_count=Count("units")).order_by("position")
    if authority_id is not None:
        blocks = blocks.filter(authority_id=authority_id)
    return blocks
