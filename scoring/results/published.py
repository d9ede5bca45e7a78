"""Reads of published snapshots: figures copied at publication, never recomputed."""

from django.db.models import Prefetch, QuerySet

from scoring.models import ResultAreaRow, ResultCriterionRow, ResultPublication, ResultRow


def publication_versions(publication: ResultPublication) -> QuerySet[ResultPublication]:
    return ResultPublication.objects.filter(period_id=publication.period_id).select_related("published_by")


def publication_rows(publication: ResultPublication) -> QuerySet[ResultRow]:
    """The ranking as published, block by block, ranked units first."""
    return ResultRow.objects.filter(publication=publication).order_by("position")


def publication_unit_row(publication: ResultPublication | int, unit_id: int) -> ResultRow | None:
    """A unit's published row with its areas and criteria, and its publication (for pages that start from a
    stamp, which holds only the publication's id)."""
    return (
        ResultRow.objects.filter(publication=publication, unit_id=unit_id)
        .select_related("unit", "publication__period")
        .prefetch_related(
            Prefetch("areas", queryset=ResultAreaRow.objects.order_by("position")),
            Prefetch("criteria", queryset=ResultCriterionRow.objects.order_by("position")),
        )
        .first()
    )
