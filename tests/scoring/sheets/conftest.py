"""The sheet the self-assessment tests start from: an open period, Hạ Đình's fresh sheet and its people."""

from datetime import timedelta

import pytest
from django.utils import timezone

from scoring.frameworks.services import period_open_self_assessment
from scoring.models import Assessment, Criterion
from tests.factories import UnitFactory, small_framework, user_with_role
from units.models import Role


@pytest.fixture
def sheet():
    """An open period (deadline in a week) whose unit has a fresh sheet, and its people."""
    framework = small_framework()
    unit = UnitFactory(block=framework.block, name="UBND phường Hạ Đình", code="ha-dinh")
    other_unit = UnitFactory(block=framework.block, name="UBND phường Kim Giang")
    period_open_self_assessment(actor=None, period=framework.period, deadline=timezone.now() + timedelta(days=7))
    assessment = Assessment.objects.select_related("period", "unit", "framework").get(unit=unit)
    people = {
        "staff": user_with_role(Role.UNIT_STAFF, unit=unit),
        "head": user_with_role(Role.UNIT_HEAD, unit=unit),
        "other_staff": user_with_role(Role.UNIT_STAFF, unit=other_unit),
        "member": user_with_role(Role.COUNCIL_MEMBER),
        "conflicted_member": user_with_role(Role.COUNCIL_MEMBER, home_unit=unit),
        "secretary": user_with_role(Role.COUNCIL_SECRETARY),
        "leadership": user_with_role(Role.LEADERSHIP),
    }
    criteria = {c.code: c for c in Criterion.objects.filter(framework=framework)}
    return assessment, criteria, people
