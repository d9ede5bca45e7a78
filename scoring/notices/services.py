"""In-app notices and their e-mails; sent only once the surrounding transaction commits."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task

from scoring.council.selectors import council_users
from scoring.models import Notice, Period
from scoring.permissions.appraisal import conflicted_people
from units.models import Role, RoleAssignment, User


def unit_people(unit_id: int) -> list[User]:
    """The unit's focal officers and head: who answers for the unit's sheet."""
    return [
        assignment.user
        for assignment in RoleAssignment.objects.filter(
            unit_id=unit_id, role__in=[Role.UNIT_STAFF, Role.UNIT_HEAD], user__is_active=True
        ).select_related("user")
    ]


def council_and_secretariat(period: Period, *, about_unit_id: int | None = None) -> list[User]:
    """Everyone who acts on a submitted sheet: the period's council and the secretaries. A notice about one unit
    never reaches a council member conflicted with it (conflicted_people, the twin of hidden_unit_ids)."""
    members = council_users(period)
    if about_unit_id is not None:
        conflicted = set(conflicted_people(about_unit_id, period).values_list("pk", flat=True))
        members = [member for member in members if member.pk not in conflicted]
    secretaries = [
        a.user
        for a in RoleAssignment.objects.filter(role=Role.COUNCIL_SECRETARY, unit__isnull=True).select_related("user")
    ]
    return members + secretaries


def notify(recipients: Iterable[User], message: str, *, url: str = "") -> list[Notice]:
    recipients = {user.pk: user for user in recipients if user.is_active}
    notices = Notice.objects.bulk_create(
        Notice(recipient=user, message=message, url=url) for user in recipients.values()
    )
    addresses = [user.email for user in recipients.values() if user.email]
    if addresses:  # the e-mails leave from the worker (or at once in development), after the commit
        transaction.on_commit(lambda: notice_mail_send.enqueue(addresses, message, url))
    return notices


@task()
def notice_mail_send(addresses: list[str], message: str, url: str) -> None:
    body = f"{message}\n\n{settings.SITE_URL.rstrip('/')}{url}" if url else message
    for address in addresses:  # one message each: recipients must not see each other's addresses
        send_mail(subject=f"[CCHC] {message[:120]}", message=body, from_email=None, recipient_list=[address])
