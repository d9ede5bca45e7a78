"""Live results computed in the database, on hand-checked blocks."""

from decimal import Decimal

import pytest

from scoring.models import (
    AdjustmentEntry,
    AdjustmentItem,
    RankingExclusion,
    ResultsConfig,
    Stage,
)
from scoring.results.compute import area_results, criterion_results, rank_of, unit_results
from tests.factories import (
    NOT_APPLICABLE,
    FrameworkFactory,
    UserFactory,
    enter_scores,
    full_minus,
    small_framework,
    standard_bands,
    unit_sheet,
)

pytestmark = pytest.mark.django_db


def table(period, **kwargs):
    return [(row.unit.name, rank_of(row), row.points, row.index, row.band) for row in unit_results(period, **kwargs)]


def test_equal_indices_share_a_rank_and_the_next_rank_is_skipped():
    # given four wards scoring 9, 8, 8 and 7 of 10 (10 − 1, 10 − 2 …)
    framework = small_framework()
    standard_bands(framework.period)
    for name, lost in [("Hạ Đình", "1"), ("Kim Giang", "2"), ("Khương Mai", "2"), ("Nhân Chính", "3")]:
        enter_scores(
            unit_sheet(framework, name), full_minus(c1_2=lost) if lost != "3" else full_minus(c1_2="2", c2_1="1")
        )

    # when / then
    assert table(framework.period) == [
        ("Hạ Đình", 1, Decimal("9.00"), Decimal("90.00"), "Tốt"),
        ("Kim Giang", 2, Decimal("8.00"), Decimal("80.00"), "Khá"),
        ("Khương Mai", 2, Decimal("8.00"), Decimal("80.00"), "Khá"),
        ("Nhân Chính", 4, Decimal("7.00"), Decimal("70.00"), "Trung bình"),
    ]


def test_dense_ranking_does_not_skip_after_a_tie():
    framework = small_framework()
    for name, scores in [
        ("Hạ Đình", full_minus(c1_2="1")),
        ("Kim Giang", full_minus(c1_2="2")),
        ("Khương Mai", full_minus(c1_2="2")),
        ("Nhân Chính", full_minus(c1_2="2", c2_1="1")),
    ]:
        enter_scores(unit_sheet(framework, name), scores)
    ResultsConfig.objects.create(period=framework.period, ranking_method=ResultsConfig.RankingMethod.DENSE)

    assert [(name, rank) for name, rank, *_ in table(framework.period)] == [
        ("Hạ Đình", 1),
        ("Kim Giang", 2),
        ("Khương Mai", 2),
        ("Nhân Chính", 3),
    ]


def test_bonus_and_penalty_are_held_within_the_item_caps_and_the_framework_caps():
    # given bonus items capped at 1.5 and 1, penalties capped at 1 each, framework caps 3 and 1
    framework = small_framework()
    framework.bonus_cap, framework.penalty_cap = Decimal("3"), Decimal("1")
    framework.save()
    items = {
        code: AdjustmentItem.objects.create(
            framework=framework, kind=kind, code=code, title=code, max_points=Decimal(cap)
        )
        for code, kind, cap in [
            ("T1", AdjustmentItem.Kind.BONUS, "1.5"),
            ("T2", AdjustmentItem.Kind.BONUS, "1"),
            ("Tr1", AdjustmentItem.Kind.PENALTY, "1"),
            ("Tr2", AdjustmentItem.Kind.PENALTY, "1"),
        ]
    }
    strong, weak = unit_sheet(framework, "Hạ Đình"), unit_sheet(framework, "Kim Giang")
    enter_scores(strong, full_minus(c1_2="2"))  # 8 points
    enter_scores(weak, {"1.1.1": "0.5"})  # 0.5 points
    actor = UserFactory()
    for assessment, code, points in [
        (strong, "T1", "1.5"),
        (strong, "T2", "1.25"),  # above the item's cap of 1 (stored before the cap was lowered): counts 1
        (strong, "Tr1", "1"),
        (strong, "Tr2", "0.5"),  # 1.5 of penalties, held at the framework's 1
        (weak, "Tr1", "1"),
    ]:
        AdjustmentEntry.objects.create(
            assessment=assessment, item=items[code], points=Decimal(points), reason="Lý do", entered_by=actor
        )

    # then: 8 + 2.5 − 1 = 9.5; and 0.5 − 1 is floored at 0
    rows = {row.unit.name: row for row in unit_results(framework.period)}
    assert (rows["Hạ Đình"].bonus, rows["Hạ Đình"].penalty, rows["Hạ Đình"].points) == (
        Decimal("2.50"),
        Decimal("1.00"),
        Decimal("9.50"),
    )
    assert rows["Hạ Đình"].criteria_points == Decimal("8.00")
    assert rows["Hạ Đình"].index == Decimal("95.00")
    assert (rows["Kim Giang"].points, rows["Kim Giang"].index) == (Decimal("0.00"), Decimal("0.00"))

    # when the framework's bonus cap is lowered to 2, the live result follows
    framework.bonus_cap = Decimal("2")
    framework.save()
    row = unit_results(framework.period).get(unit__name="Hạ Đình")
    assert (row.bonus, row.points, row.index) == (Decimal("2.00"), Decimal("9.00"), Decimal("90.00"))


def test_a_unit_assessed_but_not_ranked_is_listed_after_the_ranked_units_without_a_rank():
    framework = small_framework()
    enter_scores(unit_sheet(framework, "Hạ Đình"), full_minus(c1_2="1"))
    merged = unit_sheet(framework, "Phường mới sáp nhập")
    enter_scores(merged, full_minus())  # the best index, yet not ranked
    enter_scores(unit_sheet(framework, "Kim Giang"), full_minus(c1_2="2"))
    RankingExclusion.objects.create(
        period=framework.period, unit=merged.unit, reason="Mới thành lập trong năm", created_by=UserFactory()
    )

    rows = list(unit_results(framework.period))
    assert [(row.unit.name, rank_of(row), row.index, row.exclusion_reason) for row in rows] == [
        ("Hạ Đình", 1, Decimal("90.00"), ""),
        ("Kim Giang", 2, Decimal("80.00"), ""),
        ("Phường mới sáp nhập", None, Decimal("100.00"), "Mới thành lập trong năm"),
    ]


def test_not_applicable_lowers_the_maximum_so_the_ranking_by_index_differs_from_the_ranking_by_points():
    # given Hạ Đình, whose criterion 1.3 the council confirms does not apply: 8.6 of an adjusted 9
    framework = small_framework()
    confirmed = unit_sheet(framework, "Hạ Đình")
    enter_scores(confirmed, {**full_minus(c1_2="1"), "1.3": NOT_APPLICABLE}, stage=Stage.SELF)
    enter_scores(confirmed, {**full_minus(c1_2="1"), "1.3": NOT_APPLICABLE}, explanation="Không có chức năng kiểm tra")
    enter_scores(confirmed, {"1.2": "1.6"}, stage=Stage.ROUND_2, explanation="Bổ sung văn bản sau giải trình")
    # and Kim Giang, whose mark on 1.3 the council rejects and scores 1: 9 of 10
    rejected = unit_sheet(framework, "Kim Giang")
    enter_scores(rejected, {**full_minus(c1_2="1"), "1.3": NOT_APPLICABLE}, stage=Stage.SELF)
    enter_scores(rejected, full_minus(c1_2="1"), explanation="Đơn vị có thực hiện kiểm tra")

    rows = list(unit_results(framework.period))

    # then Kim Giang has more points, but Hạ Đình the higher index (8.6 / 9 = 95.555…% → 95.56)
    assert [(r.unit.name, rank_of(r), r.points, r.max_points, r.adjusted_max, r.index) for r in rows] == [
        ("Hạ Đình", 1, Decimal("8.60"), Decimal("10.00"), Decimal("9.00"), Decimal("95.56")),
        ("Kim Giang", 2, Decimal("9.00"), Decimal("10.00"), Decimal("10.00"), Decimal("90.00")),
    ]
    areas = [
        (a.result_assessment_id, a.code, a.points, a.adjusted_max, a.index) for a in area_results(framework.period)
    ]
    assert areas == [
        (confirmed.pk, "1", Decimal("4.60"), Decimal("5.00"), Decimal("92.00")),
        (confirmed.pk, "2", Decimal("4.00"), Decimal("4.00"), Decimal("100.00")),
        (rejected.pk, "1", Decimal("5.00"), Decimal("6.00"), Decimal("83.33")),
        (rejected.pk, "2", Decimal("4.00"), Decimal("4.00"), Decimal("100.00")),
    ]


def test_only_council_scores_count_and_unappraised_criteria_are_reported():
    framework = small_framework()
    assessment = unit_sheet(framework, "Hạ Đình")
    enter_scores(assessment, full_minus(), stage=Stage.SELF)  # the unit claims 10
    enter_scores(assessment, {"1.1.1": "1", "1.1.2": "1", "2.1": "1.25"})  # the council scored three criteria

    row = unit_results(framework.period).get()
    assert (row.points, row.adjusted_max, row.index, row.unappraised_count) == (
        Decimal("3.25"),
        Decimal("10.00"),
        Decimal("32.50"),
        4,
    )


def test_criterion_rows_show_self_and_final_scores_with_the_councils_reason():
    framework = small_framework()
    assessment = unit_sheet(framework, "Hạ Đình")
    enter_scores(assessment, {"1.2": "2", "1.3": NOT_APPLICABLE}, stage=Stage.SELF)
    enter_scores(assessment, {"1.2": "1", "1.3": NOT_APPLICABLE}, explanation="Thiếu văn bản")
    enter_scores(assessment, {"1.2": "1.5"}, stage=Stage.ROUND_2, explanation="Đã bổ sung một phần")

    rows = {
        row.code: (row.self_points, row.is_self_not_applicable, row.final_points, row.is_not_applicable, row.reason)
        for row in criterion_results(framework.period)
    }
    assert rows["1.2"] == (Decimal("2.00"), False, Decimal("1.50"), False, "Đã bổ sung một phần")
    assert rows["1.3"] == (None, True, None, True, "Thiếu văn bản")
    assert rows["2.1"] == (None, False, None, False, "")
    assert len(rows) == 7


def test_a_unit_the_council_has_not_appraised_is_not_ranked_and_says_so():
    # given two appraised wards and two the council has not scored at all (one with its own scores)
    framework = small_framework(FrameworkFactory())
    standard_bands(framework.period)
    enter_scores(unit_sheet(framework, "Hạ Đình"), full_minus(c1_2="1"))
    waiting = unit_sheet(framework, "Khương Mai")
    enter_scores(waiting, full_minus(), stage=Stage.SELF)  # submitted, 10 of 10 by its own count
    unit_sheet(framework, "Nhân Chính")
    enter_scores(unit_sheet(framework, "Kim Giang"), full_minus(c1_2="2"))

    rows = list(unit_results(framework.period))

    # then the appraised are ranked 1 and 2, and the others follow, unranked, "not appraised" (not tied last at 0 %)
    assert [(r.unit.name, rank_of(r), r.is_appraised, r.is_ranked, r.exclusion_reason) for r in rows] == [
        ("Hạ Đình", 1, True, True, ""),
        ("Kim Giang", 2, True, True, ""),
        ("Khương Mai", None, False, False, "Chưa thẩm định"),
        ("Nhân Chính", None, False, False, "Chưa thẩm định"),
    ]
