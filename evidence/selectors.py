"""Reads of evidence for pages; each a fixed number of queries."""

from collections import defaultdict

from django.db.models import QuerySet

from evidence.models import Document, EvidenceLink


def links_by_criterion(assessment, *, criterion_id: int | None = None) -> dict[int, list[EvidenceLink]]:
    """Every evidence link of a sheet (or of one of its criteria), grouped by criterion id, in one query."""
    grouped: dict[int, list[EvidenceLink]] = defaultdict(list)
    links = EvidenceLink.objects.filter(assessment=assessment)
    if criterion_id is not None:
        links = links.filter(criterion_id=criterion_id)
    links = links.select_related("document").order_by("criterion_id", "document__title", "id")  # its title names it
    for link in links:
        grouped[link.criterion_id].append(link)
    return grouped


def unit_library(*, unit_id: int, period_id: int) -> QuerySet[Document]:
    """The unit's evidence library for the period, newest first."""
    return Document.objects.filter(unit_id=unit_id, period_id=period_id).select_related("file", "uploaded_by")
