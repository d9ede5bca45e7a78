from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from scoring.models import RuleType
from scoring.rules import Entry, Option, Rule, compute_points

D = Decimal
LEVELS = Rule(RuleType.LEVELS, D("1"), options=(Option(1, D("1")), Option(2, D("0.5")), Option(3, D("0"))))
BANDS = Rule(
    RuleType.BANDS, D("2"), options=(Option(1, D("2"), D("90")), Option(2, D("1"), D("70")), Option(3, D("0"), D("0")))
)
RATIO = Rule(RuleType.RATIO, D("2"))
MANUAL = Rule(RuleType.MANUAL, D("1.5"), step=D("0.25"))
YES_NO = Rule(RuleType.YES_NO, D("1"))
DEDUCTION = Rule(RuleType.DEDUCTION, D("1.5"), deduction_per_occurrence=D("0.5"))
SURVEY = Rule(RuleType.SURVEY, D("6"))


def error_of(rule, entry) -> str:
    with pytest.raises(ValidationError) as caught:
        compute_points(rule, entry)
    return caught.value.messages[0]


@pytest.mark.parametrize(("option_id", "points"), [(1, "1.00"), (2, "0.50"), (3, "0.00")])
def test_levels_give_the_chosen_option_points(option_id, points):
    assert compute_points(LEVELS, Entry(option_id=option_id)) == D(points)


def test_levels_refuse_missing_and_foreign_options():
    assert error_of(LEVELS, Entry()) == "Hãy chọn một mức."
    assert error_of(LEVELS, Entry(option_id=99)) == "Mức đã chọn không thuộc tiêu chí này."


@pytest.mark.parametrize(
    ("percent", "points"),
    [("100", "2"), ("90", "2"), ("89.99", "1"), ("70", "1"), ("69.99", "0"), ("0", "0"), ("90,5", "2")],
)
def test_bands_lower_bound_is_inclusive(percent, points):
    assert compute_points(BANDS, Entry(percent=percent)) == D(points)


@pytest.mark.parametrize("percent", ["-0.01", "100.01", "1e309"])
def test_bands_refuse_percentages_outside_0_100(percent):
    assert error_of(BANDS, Entry(percent=percent)) in {"Tỷ lệ phải từ 0 đến 100%.", "tỷ lệ (%) quá lớn."}


@pytest.mark.parametrize("percent", ["NaN", "abc", "Infinity"])
def test_bands_refuse_non_numbers(percent):
    assert "phải là một số" in error_of(BANDS, Entry(percent=percent))


@pytest.mark.parametrize(
    ("achieved", "required", "points"),
    [("0", "10", "0.00"), ("10", "10", "2.00"), ("1", "3", "0.67"), ("2", "3", "1.33")],
)
def test_ratio_is_max_times_achieved_over_required_rounded_half_up(achieved, required, points):
    assert compute_points(RATIO, Entry(achieved=achieved, required=required)) == D(points)


def test_ratio_refuses_impossible_numbers():
    assert error_of(RATIO, Entry(achieved="1", required="0")) == "Số yêu cầu phải lớn hơn 0."
    assert error_of(RATIO, Entry(achieved="-1", required="5")) == "Số đạt không được âm."
    assert error_of(RATIO, Entry(achieved="6", required="5")) == "Số đạt không được lớn hơn số yêu cầu."
    assert error_of(RATIO, Entry(achieved="1")) == "Chưa nhập số yêu cầu."


@pytest.mark.parametrize(("value", "points"), [("0", "0"), ("0.25", "0.25"), ("1.5", "1.5"), ("1,25", "1.25")])
def test_manual_accepts_multiples_of_the_step_up_to_max(value, points):
    assert compute_points(MANUAL, Entry(value=value)) == D(points)


def test_manual_refuses_off_step_and_out_of_range():
    assert error_of(MANUAL, Entry(value="0.3")) == "Điểm phải là bội số của 0,25."
    assert error_of(MANUAL, Entry(value="1.75")) == "Điểm phải từ 0 đến 1,5."
    assert error_of(MANUAL, Entry(value="-0.25")) == "Điểm phải từ 0 đến 1,5."
    assert error_of(MANUAL, Entry(value="")) == "Chưa nhập điểm."


def test_yes_no_gives_max_or_zero():
    assert compute_points(YES_NO, Entry(is_yes=True)) == D("1")
    assert compute_points(YES_NO, Entry(is_yes=False)) == D("0")
    assert error_of(YES_NO, Entry()) == "Hãy chọn Có hoặc Không."


@pytest.mark.parametrize(("count", "points"), [(0, "1.5"), (1, "1.0"), (3, "0"), (10, "0")])
def test_deduction_subtracts_per_occurrence_never_below_zero(count, points):
    assert compute_points(DEDUCTION, Entry(occurrences=count)) == D(points)


def test_deduction_refuses_negative_or_fractional_counts():
    assert error_of(DEDUCTION, Entry(occurrences=-1)) == "Số lần phải là số nguyên không âm."
    assert error_of(DEDUCTION, Entry(occurrences="1.5")) == "Số lần phải là số nguyên không âm."


def test_survey_takes_imported_points_within_max():
    assert compute_points(SURVEY, Entry(value="5.37")) == D("5.37")
    assert error_of(SURVEY, Entry(value="6.01")) == "Điểm phải từ 0 đến 6."


def test_inner_nodes_are_not_scorable():
    assert error_of(Rule("", D("5")), Entry(value="1")) == "Tiêu chí này không chấm trực tiếp."


def test_numbers_with_more_than_two_decimals_or_huge_are_refused():
    assert error_of(MANUAL, Entry(value="0.125")) == "điểm chỉ được có tối đa 2 chữ số thập phân."
    assert error_of(RATIO, Entry(achieved="1", required="1e12")) == "số yêu cầu quá lớn."


def test_normalized_parses_typed_numbers_for_storage():
    from scoring.rules import normalized

    assert normalized(Entry(percent="92,5"), RuleType.BANDS).percent == D("92.5")
    assert normalized(Entry(achieved=" 7 ", required="8"), RuleType.RATIO).achieved == D("7")
    assert normalized(Entry(occurrences="2"), RuleType.DEDUCTION).occurrences == 2


def test_normalized_keeps_only_the_inputs_its_rule_reads():
    from scoring.rules import normalized

    entry = normalized(Entry(option_id=3, percent="92,5", value="x", is_yes=True), RuleType.LEVELS)
    assert entry == Entry(option_id=3)
