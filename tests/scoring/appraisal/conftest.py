from types import SimpleNamespace

import pytest

from tests.factories import (
    AssessmentFactory,
    UnitFactory,
    in_appraisal,
    self_scored_sheet,
    small_framework,
    user_with_role,
)
from units.models import Role


@pytest.fixture
def sheets() -> SimpleNamespace:
    """A period in appraisal: Hạ Đình's sheet self-scored and submitted by its head, Kim Giang's still a draft."""
    framework = small_framework()
    period = in_appraisal(framework)
    unit = UnitFactory(block=framework.block, name="UBND phường Hạ Đình", position=1)
    other_unit = UnitFactory(block=framework.block, name="UBND phường Kim Giang", position=2)
    head = user_with_role(Role.UNIT_HEAD, unit=unit)
    assessment = self_scored_sheet(framework, unit, head)
    draft = AssessmentFactory(framework=framework, unit=other_unit)
    return SimpleNamespace(
        framework=framework,
        period=period,
        unit=unit,
        other_unit=other_unit,
        head=head,
        assessment=assessment,
        draft=draft,
    )
