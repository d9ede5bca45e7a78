"""Fixtures shared by the results tests: a published year with its files, a period whose blocks are closed for
the preliminary results, and two hand-made published years for statistics and pages."""

import pytest

from scoring.models import BlockFinalisation, Criterion, Period, RankingExclusion, Stage
from tests.factories import (
    FORMULA_NAME,
    NOT_APPLICABLE,
    PUBLISHED_YEAR,
    AuthorityFactory,
    BlockFactory,
    FrameworkFactory,
    PeriodFactory,
    UnitFactory,
    enter_scores,
    full_minus,
    in_appraisal,
    publish_results,
    publish_snapshot,
    small_framework,
    standard_bands,
    unit_sheet,
    user_with_role,
)
from units.models import Role


@pytest.fixture
def published():
    """PUBLISHED_YEAR published through the services: wards (Thượng Đình with a criterion that does not apply,
    Hạ Đình, Kim Giang assessed but not ranked) and departments (Nội vụ, a unit named like a formula), classified
    in the standard bands, with the year before to compare Thượng Đình with; and a person per role."""
    authority = AuthorityFactory(name="UBND quận Thanh Xuân")
    period = Period.objects.create(authority=authority, year=PUBLISHED_YEAR, state=Period.State.APPRAISAL)
    wards = small_framework(
        FrameworkFactory(period=period, block=BlockFactory(authority=authority, code="phuong", name="Khối phường"))
    )
    departments = small_framework(
        FrameworkFactory(
            period=period,
            block=BlockFactory(authority=authority, code="phong-ban", name="Khối phòng, ban, đơn vị"),
        )
    )
    standard_bands(period)
    thuong_dinh = unit_sheet(wards, "UBND phường Thượng Đình", code="thuong-dinh", position=1)
    ha_dinh = unit_sheet(wards, "UBND phường Hạ Đình", code="ha-dinh", position=2)
    kim_giang = unit_sheet(wards, "UBND phường Kim Giang", code="kim-giang", position=3)
    noi_vu = unit_sheet(departments, "Phòng Nội vụ", code="noi-vu", position=1)
    formula = unit_sheet(departments, FORMULA_NAME, code="cong-thuc", position=2)
    # Thượng Đình: 1.3 does not apply (maximum 9), 8.6 points → 95,56 %; Hạ Đình 9 of 10 → 90,00 %.
    thuong_dinh_scores = {**full_minus(c1_2="0.4"), "1.3": NOT_APPLICABLE}
    enter_scores(thuong_dinh, thuong_dinh_scores, stage=Stage.SELF)
    enter_scores(thuong_dinh, {code: points for code, points in thuong_dinh_scores.items() if code != "1.3"})
    enter_scores(thuong_dinh, {"1.3": NOT_APPLICABLE}, explanation="Phường không có chức năng kiểm tra")
    enter_scores(ha_dinh, full_minus(c1_2="1"))
    enter_scores(kim_giang, full_minus(c2_1="1.5"))
    enter_scores(noi_vu, full_minus(c2_2="0.5"))
    enter_scores(formula, full_minus(c2_2="1"))
    secretary = user_with_role(Role.COUNCIL_SECRETARY)
    leader = user_with_role(Role.LEADERSHIP)
    RankingExclusion.objects.create(period=period, unit=kim_giang.unit, reason="Mới sáp nhập", created_by=secretary)
    # The year before: Thượng Đình ranked 2nd with 8 of 10.
    publish_snapshot(
        Period.objects.create(authority=authority, year=PUBLISHED_YEAR - 1),
        [
            {
                "unit": thuong_dinh.unit,
                "block_name": thuong_dinh.unit.block.name,
                "points": "8",
                "max_points": "10",
                "adjusted_max": "10",
                "index": "80",
                "rank": 2,
            }
        ],
    )
    publication = publish_results(period, secretary, leader)
    return {
        "period": period,
        "publication": publication,
        "thuong_dinh": thuong_dinh.unit,
        "ha_dinh": ha_dinh.unit,
        "formula": formula.unit,
        "anonymous": None,
        "own_staff": user_with_role(Role.UNIT_STAFF, thuong_dinh.unit),
        "own_head": user_with_role(Role.UNIT_HEAD, thuong_dinh.unit),
        "other_staff": user_with_role(Role.UNIT_STAFF, ha_dinh.unit),
        "council_member": user_with_role(Role.COUNCIL_MEMBER),
        "secretary": secretary,
        "leadership": leader,
    }


@pytest.fixture
def setting():
    """A period in appraisal whose one block is closed: Hạ Đình (1.3 confirmed not applicable) and Kim Giang, scored
    by the council, ready for the preliminary results; and the people who object, resolve and publish."""
    framework = small_framework()
    period = in_appraisal(framework)
    standard_bands(period)
    ha_dinh, kim_giang = unit_sheet(framework, "Hạ Đình"), unit_sheet(framework, "Kim Giang")
    enter_scores(ha_dinh, {**full_minus(c2_1="0.5"), "1.3": NOT_APPLICABLE}, stage=Stage.SELF)
    enter_scores(ha_dinh, {**full_minus(c2_1="0.5"), "1.3": NOT_APPLICABLE}, explanation="Không có chức năng kiểm tra")
    enter_scores(kim_giang, full_minus(c1_2="1"))
    secretary = user_with_role(Role.COUNCIL_SECRETARY)
    BlockFinalisation.objects.create(period=period, block=framework.block, finalised_by=secretary)
    return {
        "period": period,
        "framework": framework,
        "ha_dinh": ha_dinh,
        "kim_giang": kim_giang,
        "secretary": secretary,
        "leader": user_with_role(Role.LEADERSHIP, full_name="Trần Thị Lãnh Đạo"),
        "staff": user_with_role(Role.UNIT_STAFF, ha_dinh.unit),
        "head": user_with_role(Role.UNIT_HEAD, ha_dinh.unit, full_name="Lê Văn Trưởng"),
        "other_staff": user_with_role(Role.UNIT_STAFF, kim_giang.unit),
        "criterion": Criterion.objects.get(framework=framework, code="2.1"),
    }


@pytest.fixture
def years():
    """Two published years of block K, written straight into the snapshot tables (see test_statistics)."""
    authority = AuthorityFactory()
    block = BlockFactory(authority=authority, name="Khối phường")
    units = {name: UnitFactory(block=block, name=f"UBND phường {name}") for name in "ABCDE"}
    first = publish_snapshot(
        PeriodFactory(authority=authority, year=2021),
        [
            {"unit": units["A"], "points": "86", "adjusted_max": "100", "index": "86", "rank": 1, "head": "Nguyễn An"},
            {"unit": units["B"], "points": "85", "adjusted_max": "100", "index": "85", "rank": 2, "head": "Lê Bình"},
            {"unit": units["C"], "points": "70", "adjusted_max": "100", "index": "70", "rank": 3, "head": "Phạm Cường"},
        ],
    )
    second = publish_snapshot(
        PeriodFactory(authority=authority, year=2022),
        [
            {
                "unit": units["B"],
                "points": "95.5",
                "adjusted_max": "100",
                "index": "95.5",
                "rank": 1,
                "head": "Lê Bình",
                "areas": [("1", "100"), ("2", "91"), ("3", "96")],
            },
            {
                "unit": units["A"],
                "points": "85.5",
                "adjusted_max": "95",
                "index": "90",
                "rank": 2,
                "head": "Trần Thị Hoa",
                "areas": [("1", "95"), ("2", "85"), ("3", "90")],
            },
            {
                "unit": units["D"],
                "points": "90",
                "adjusted_max": "100",
                "index": "90",
                "rank": 2,
                "head": "Võ Dũng",
                "areas": [("1", "90"), ("2", "90"), ("3", "93")],
            },
            {
                "unit": units["C"],
                "points": "68.5",
                "adjusted_max": "100",
                "index": "68.5",
                "rank": 4,
                "head": "Phạm Cường",
                "areas": [("1", "80"), ("2", "57"), ("3", "70")],
            },
            {
                "unit": units["E"],
                "points": "50",
                "adjusted_max": "100",
                "index": "50",
                "rank": None,
                "reason": "Mới sáp nhập",
                "areas": [("1", "10"), ("2", "10"), ("3", "10")],
            },
        ],
    )
    return {"first": first, "second": second, "units": units, "block": block}
