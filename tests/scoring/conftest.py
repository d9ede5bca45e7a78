"""Fixtures shared across the scoring stages (council, notices, results)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from scoring.models import CouncilMembership, Period
from tests.factories import AssessmentFactory, UnitFactory, UserFactory, small_framework, user_with_role
from units.models import Role


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup, django_db_blocker):
    """The demo district seeded once for the module that asks, inside a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def council_world():
    """A period in self-assessment (deadline passed) with two units, one submitted, and a person per role."""
    framework = small_framework()
    period = framework.period
    period.state = Period.State.SELF_ASSESSMENT
    period.self_assessment_deadline = timezone.now() - timedelta(days=1)
    period.save()
    unit = UnitFactory(block=framework.block, name="UBND phường Hạ Đình", code="ha-dinh")
    other = UnitFactory(block=framework.block, name="UBND phường Kim Giang", code="kim-giang")
    people = {
        "staff": user_with_role(Role.UNIT_STAFF, unit=unit, full_name="Trần Thị Hoa", email="hoa@example.vn"),
        "head": user_with_role(Role.UNIT_HEAD, unit=unit, full_name="Lê Văn Nam", email="nam@example.vn"),
        "member": user_with_role(Role.COUNCIL_MEMBER, full_name="Phạm Minh Đức", email="duc@example.vn"),
        "chair": user_with_role(Role.COUNCIL_MEMBER, full_name="Vũ Thị Lan"),
        "secretary": user_with_role(Role.COUNCIL_SECRETARY, full_name="Nguyễn Thu Hà"),
        "leadership": user_with_role(Role.LEADERSHIP, full_name="Đỗ Quang Vinh"),
        "administrator": user_with_role(Role.ADMINISTRATOR, full_name="Quản Trị Viên"),
        "nobody": UserFactory(full_name="Người Chưa Có Vai Trò"),
    }
    sheet = AssessmentFactory(framework=framework, unit=unit, submitted=True, submitted_by=people["head"])
    draft = AssessmentFactory(framework=framework, unit=other)
    CouncilMembership.objects.create(period=period, user=people["member"])
    CouncilMembership.objects.create(period=period, user=people["chair"], is_chair=True)
    return {
        "period": period,
        "framework": framework,
        "unit": unit,
        "other": other,
        "sheet": sheet,
        "draft": draft,
        **people,
    }
