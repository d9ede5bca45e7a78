"""Who may download a signed document, and who may attach a decision signed outside the portal.

Checking a document is open to everyone (the verification page reads only what the visitor's own file and its
reference show); downloading the portal's copy follows the rule of what the document is about.
"""

from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from scoring.models import Period, ResultPublication, SignedDocument
from scoring.permissions.appraisal import council_seat, is_conflicted
from scoring.permissions.results import can_view_published
from scoring.permissions.sheets import can_view_assessment
from units.models import Unit, User
from units.roles import is_administrator, is_leadership, is_secretary


def can_view_minutes(user: User | AnonymousUser, period: Period, block_id: int) -> bool:
    """The secretariat, leadership, and council members who are conflicted with no unit of the block."""
    if not user.is_authenticated:
        return False
    if is_administrator(user) or is_secretary(user) or is_leadership(user):
        return True
    if not council_seat(user, period).is_member:
        return False
    unit_ids = Unit.objects.filter(block_id=block_id).values_list("pk", flat=True)
    return not any(is_conflicted(user, unit_id, period) for unit_id in unit_ids)


def can_view_signed_document(user: User | AnonymousUser, document: SignedDocument) -> bool:
    if document.kind == SignedDocument.Kind.ANNEX:
        config = getattr(document.period, "results_config", None)
        return can_view_published(user, is_public=bool(config and config.is_public))
    if document.kind == SignedDocument.Kind.MINUTES:
        return can_view_minutes(user, document.period, document.block_id)
    return user.is_authenticated and can_view_assessment(user, document.assessment)


def get_signed_document_for_view(user: User | AnonymousUser, reference: str) -> SignedDocument:
    """404 both for an unknown reference and for a document this visitor may not download."""
    document = (
        SignedDocument.objects.select_related(
            "period__authority",
            "period__results_config",
            "publication",
            "block",
            "assessment__period",
            "assessment__unit",
        )
        .filter(reference=reference)
        .first()
    )
    if document is None or not can_view_signed_document(user, document):
        raise Http404
    return document


def can_attach_signed_decision(user: User | AnonymousUser, publication: ResultPublication) -> bool:
    """Leadership signs the decision; they attach the copy signed with their own token once it is published."""
    return user.is_authenticated and is_leadership(user) and publication.period.state == Period.State.PUBLISHED
