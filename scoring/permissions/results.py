"""Who may see and do what with a period's results."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from scoring.models import Assessment, Period, ResultPublication, ResultRow, ResultsConfig
from scoring.permissions.appraisal import APPRAISAL_STATES, council_seat, hidden_unit_ids, is_hidden_by_conflict
from units.models import Role, Unit, User
from units.roles import is_administrator, is_council_member, is_leadership, is_secretary, roles_of

RESULT_STATES = frozenset({Period.State.PRELIMINARY, Period.State.PUBLISHED})


def is_results_staff(user: User | AnonymousUser, period: Period) -> bool:
    """The secretariat, the council and leadership follow the live (unpublished) results of every unit."""
    if not user.is_authenticated:
        return False
    return (
        is_administrator(user)
        or is_secretary(user)
        or is_leadership(user)
        or is_council_member(user)
        or council_seat(user, period).is_member
    )


def can_view_live_ranking(user: User | AnonymousUser, period: Period) -> bool:
    return period.state != Period.State.DRAFT and is_results_staff(user, period)


def can_view_live_detail(user: User | AnonymousUser, assessment: Assessment) -> bool:
    """A unit sees its own detailed scores and the council's reasons once preliminary results are out;
    a council member never sees a unit they are conflicted with."""
    period = assessment.period
    if assessment.unit_id in roles_of(user).unit_ids(Role.UNIT_STAFF, Role.UNIT_HEAD):
        return period.state in RESULT_STATES
    return can_view_live_ranking(user, period) and not is_hidden_by_conflict(user, assessment.unit_id, period)


def is_public_period(period: Period) -> bool:
    """Whether the secretariat made the period's published results public (readable without an account); read from
    `period.results_config`, which callers select_related."""
    config = getattr(period, "results_config", None)
    return bool(config and config.is_public)


def can_view_published(user: User | AnonymousUser, *, is_public: bool) -> bool:
    """Published rankings are for everyone logged in, and for anonymous visitors when made public."""
    return user.is_authenticated or is_public


def can_release_preliminary(user: User, period: Period) -> bool:
    return is_secretary(user) and period.state in APPRAISAL_STATES


def can_file_objection(user: User, assessment: Assessment, now=None) -> bool:
    """The unit's staff and head object on their own sheet while the window is open."""
    period = assessment.period
    return (
        assessment.unit_id in roles_of(user).unit_ids(Role.UNIT_STAFF, Role.UNIT_HEAD)
        and period.state == Period.State.PRELIMINARY
        and period.objection_deadline is not None
        and (now or timezone.now()) <= period.objection_deadline
    )


def can_resolve_objection(user: User, assessment: Assessment) -> bool:
    """The secretary or the chair, while results are preliminary; never a chair conflicted with the unit."""
    period = assessment.period
    return (
        period.state == Period.State.PRELIMINARY
        and (is_secretary(user) or council_seat(user, period).is_chair)
        and not is_hidden_by_conflict(user, assessment.unit_id, period)
    )


def can_publish(user: User, period: Period) -> bool:
    """Leadership signs the decision: the first publication, and any correction after it."""
    return is_leadership(user) and period.state in RESULT_STATES


def can_manage_results(user: User, period: Period) -> bool:
    """The secretariat sets the ranking rule, bands, units not ranked, public access and commendations."""
    return is_secretary(user) or is_administrator(user)


def get_publication_for_view(user: User | AnonymousUser, year: int, version: int | None = None) -> ResultPublication:
    """The latest (or a given) publication of a year; 404 when unpublished or not visible to this visitor."""
    publications = ResultPublication.objects.select_related("period__authority", "period__results_config").filter(
        period__year=year
    )
    if version is None:
        publication = publications.order_by("-version").first()
        if publication is None:
            raise Http404
    else:
        publication = get_object_or_404(publications, version=version)
    if not can_view_published(user, is_public=is_public_period(publication.period)):
        raise Http404
    return publication


@dataclass(frozen=True)
class PublicationStamp:
    """What identifies a published page without loading the publication: its id and time of publication, and the
    newest publication of all years (a later one may change the page's comparison or its list of versions)."""

    pk: int
    published_at: datetime.datetime
    newest_pk: int
    # With unit_id: the unit's name as published (the page's title) and its code today (its scorecard's link).
    unit_name: str = ""
    unit_code: str = ""


def publication_stamp_for_view(
    user: User | AnonymousUser, year: int, version: int | None = None, *, unit_id: int | None = None
) -> PublicationStamp:
    """get_publication_for_view for a page served from the cache: the same rule, in one indexed lookup.

    With unit_id (a unit's published page), the same lookup reads whether the unit has a row in that publication
    (404 when it has none, as for a publication the visitor may not read), its published name and its code.
    Plain SQL on purpose: this is the most read page of the portal, and building the equivalent ORM query took
    three times as long as the database took to answer it (docs/benchmarks.md).
    """
    publication, period, config, row, unit = (
        model._meta.db_table for model in (ResultPublication, Period, ResultsConfig, ResultRow, Unit)
    )
    with_unit = unit_id is not None
    sql = (
        f"SELECT p.id, p.published_at, (SELECT MAX(id) FROM {publication}), c.is_public"
        + (", r.unit_name, u.code" if with_unit else "")
        + f" FROM {publication} p JOIN {period} y ON y.id = p.period_id LEFT JOIN {config} c ON c.period_id = y.id"
    )
    if with_unit:
        sql += f" LEFT JOIN {row} r ON r.publication_id = p.id AND r.unit_id = %s"
        sql += f" LEFT JOIN {unit} u ON u.id = r.unit_id"
    sql += " WHERE y.year = %s" + (" AND p.version = %s" if version is not None else "")
    sql += " ORDER BY p.version DESC LIMIT 1"
    parameters = [value for value in (unit_id, year, version) if value is not None]
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        found = cursor.fetchone()
    if found is None or not can_view_published(user, is_public=bool(found[3])):
        raise Http404
    pk, published_at, newest_pk, _is_public = found[:4]
    unit_name, unit_code = found[4:] if with_unit else ("", "")
    if unit_code is None:  # the unit has no row in this publication
        raise Http404
    if isinstance(published_at, str):  # SQLite hands timestamps back as text
        published_at = datetime.datetime.fromisoformat(published_at)
    return PublicationStamp(
        pk=pk, published_at=published_at, newest_pk=newest_pk, unit_name=unit_name, unit_code=unit_code
    )


WHAT_IF_STATES = frozenset(
    {Period.State.SELF_ASSESSMENT, Period.State.APPRAISAL, Period.State.EXPLANATION, Period.State.PRELIMINARY}
)


def can_use_what_if(user: User | AnonymousUser, period: Period) -> bool:
    """Unpublished figures played with before publication: the secretariat and leadership only (not the council)."""
    return (
        user.is_authenticated
        and period.state in WHAT_IF_STATES
        and (is_secretary(user) or is_leadership(user) or is_administrator(user))
    )


def what_if_assessments(user: User, period: Period) -> QuerySet[Assessment]:
    """can_use_what_if's sheets: every unit of the period except those whose unpublished figures the person must
    not see (hidden_unit_ids: a council member's own or declared units)."""
    if not can_use_what_if(user, period):
        return Assessment.objects.none()
    return Assessment.objects.filter(period=period).exclude(unit_id__in=hidden_unit_ids(user, period))
