"""Load the province demo through the portal's own doors: the two onboarding workbooks through the import the
secretary uses, the frameworks, 2025 published through the council's and leadership's services, 2026 opened
from a copy of 2025."""

from collections.abc import Callable, Sequence
from datetime import datetime

from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError

from scoring.demo import province
from scoring.demo.frameworks import seed_framework
from scoring.demo.history import Cast, in_turn, seed_history, set_deadlines
from scoring.demo.province_frameworks import BLOCK_CODES, province_framework_spec
from scoring.frameworks.services import period_create, period_open_self_assessment
from scoring.models import Framework, Period
from units.models import Authority, User
from units.services import organisation_import, people_import


def seed_province(authority: Authority, *, open_deadlines: Sequence[datetime]) -> list[Framework]:
    """Everything but the authority (named by the caller); safe to run again: nothing already there changes."""
    organisation, accounts = province.workbooks()
    for result in (
        organisation_import(actor=None, file=organisation),
        people_import(actor=None, file=accounts, send_activation=False),
    ):
        if result.problems:
            raise CommandError("Tệp mẫu của hồ sơ province có lỗi:\n" + "\n".join(result.problems))
    users = _demo_passwords([person.username for person in province.people()])
    cast = Cast(
        admin=users["admin"],
        secretary=users["thuky"],
        members=tuple(users[username] for username in province.COUNCIL),
        leadership=users["lanhdao"],
    )
    blocks = {block.code: block for block in authority.blocks.all()}
    published = _period(authority, province.PUBLISHED_YEAR, province.DEADLINES_2025, actor=cast.admin)
    frameworks = [_framework(published, blocks[code], actor=cast.admin) for code in BLOCK_CODES]
    seed_history(
        published,
        cast,
        province.DEADLINES_2025,
        plans=province.PLANS,
        groups=province.GROUPS,
        bands=province.BANDS,
        choose=in_turn,
    )
    published.refresh_from_db()
    current = Period.objects.filter(authority=authority, year=province.OPEN_YEAR).first()
    if current is None:  # next year starts as a copy of this year: frameworks, bands and ranking
        current = period_create(actor=cast.admin, authority=authority, year=province.OPEN_YEAR, copy_from=published)
        set_deadlines(current, open_deadlines)
    if current.state == Period.State.DRAFT:
        current = period_open_self_assessment(actor=cast.admin, period=current, deadline=open_deadlines[0])
    frameworks += list(current.frameworks.select_related("block").order_by("block__position"))
    return frameworks


def _demo_passwords(usernames: list[str]) -> dict[str, User]:
    """One published password for every demo account (hashed once); the administrator also gets the admin site."""
    User.objects.filter(username__in=usernames).update(password=make_password(province.PASSWORD), is_active=True)
    User.objects.filter(username="admin").update(is_superuser=True, is_staff=True)
    return {user.username: user for user in User.objects.filter(username__in=usernames)}


def _period(authority: Authority, year: int, deadlines: Sequence[datetime], *, actor: User) -> Period:
    period = Period.objects.filter(authority=authority, year=year).first()
    if period is None:
        period = period_create(actor=actor, authority=authority, year=year)
        set_deadlines(period, deadlines)
    return period


def _framework(period: Period, block, *, actor: User, spec_of: Callable = province_framework_spec) -> Framework:
    return seed_framework(period, block, spec_of(block.code, period.year), actor=actor)
