"""Numbers and yes/no answers as Vietnamese people write them (scoring/text.py) and the spreadsheet cells built on
them (scoring/spreadsheets.py): one definition behind every page, file and message."""

from datetime import datetime
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation

from scoring.spreadsheets import Column, cell_decimal, cell_text, code_text, header_positions, row_cells, set_text
from scoring.text import (
    NO_WORDS,
    YES_WORDS,
    localized_number,
    number_text,
    parse_decimal,
    parse_yes_no,
    percent_done,
)


@pytest.mark.parametrize(
    "number,text",
    [
        (Decimal("0.50"), "0,5"),
        (Decimal("92.5"), "92,5"),
        (Decimal("100.00"), "100"),
        (Decimal("1E+2"), "100"),
        (Decimal("0"), "0"),
        (Decimal("0.25"), "0,25"),
        (3, "3"),
    ],
)
def test_number_text_is_vietnamese_whatever_the_language(number, text):
    with translation.override("en"):
        assert number_text(number) == text


def test_number_text_of_nothing_is_the_chosen_placeholder():
    assert number_text(None) == ""
    assert number_text(None, empty="—") == "—"


@pytest.mark.parametrize("done,total,percent", [(0, 8, 0), (1, 3, 33), (2, 3, 67), (8, 8, 100), (0, 0, 0)])
def test_percent_done_is_a_whole_percent_and_zero_when_there_is_no_work(done, total, percent):
    assert percent_done(done, total) == percent


def test_localized_number_follows_the_active_language():
    with translation.override("vi"):
        assert localized_number(Decimal("92.50")) == "92,5"
        assert localized_number(Decimal("100.00")) == "100"
        assert localized_number(Decimal("7.5"), 2) == "7,50"
    with translation.override("en"):
        assert localized_number(Decimal("92.50")) == "92.5"
        assert localized_number(Decimal("7.5"), 2) == "7.50"
    assert localized_number(None, empty="—") == "—"


@pytest.mark.parametrize(
    "value,number",
    [
        ("92,5", Decimal("92.5")),
        (" 92.5 ", Decimal("92.5")),
        ("0,125", Decimal("0.125")),
        ("-1", Decimal("-1")),
        (7, Decimal("7")),
        (0.1, Decimal("0.1")),  # the float's shortest text, not its binary expansion
        (Decimal("1.25"), Decimal("1.25")),
    ],
)
def test_parse_decimal_reads_a_comma_or_a_dot_and_number_cells(value, number):
    assert parse_decimal(value) == number


@pytest.mark.parametrize("value", [None, "", "   ", "một", "1,5,5", "1.000,5", True, False])
def test_parse_decimal_says_none_for_what_is_not_a_number(value):
    assert parse_decimal(value) is None


def test_parse_decimal_keeps_what_decimal_reads_so_callers_can_name_the_problem():
    assert parse_decimal("NaN").is_nan()
    assert parse_decimal("Infinity").is_infinite()
    assert parse_decimal("1e309") == Decimal("1e309")


def test_the_points_filter_shows_scores_in_the_pages_language():
    template = Template("{% load scoring_format %}{{ a|points }} {{ b|points }} {{ c|points }} {{ d|points }}")
    context = Context({"a": Decimal("0.50"), "b": None, "c": "2,50", "d": "không có"})
    with translation.override("vi"):
        assert template.render(context) == "0,5 — 2,5 không có"
    with translation.override("en"):
        assert template.render(context) == "0.5 — 2.5 không có"


TWO_DECIMALS_VALUES = [
    Decimal("92.155"),
    Decimal("92.145"),
    Decimal("-0.004"),
    Decimal("-1.5"),
    Decimal("100"),
    Decimal("1E+3"),
    Decimal("1234567.891"),
    Decimal("12345678901234567890123456789.125"),
    Decimal("NaN"),
    Decimal("92.16"),
    Decimal("-1.50"),
    Decimal("0.00"),
    Decimal("-0.00"),
    Decimal("1.2E+2"),
    Decimal("12345678901234567890123456789.12"),
    0,
    -3,
    2.675,
    None,
    "",
    "không có",
]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_two_decimals_writes_what_floatformat_2_writes(language):
    two_decimals = Template("{% load scoring_format %}{% for v in values %}[{{ v|two_decimals }}]{% endfor %}")
    floatformat = Template("{% for v in values %}[{{ v|floatformat:2 }}]{% endfor %}")
    context = Context({"values": TWO_DECIMALS_VALUES})
    with translation.override(language):
        shown = two_decimals.render(context)
        assert shown == floatformat.render(context)
    assert shown.startswith("[92,16][92,15][0,00][-1,50][100,00][1000,00]" if language == "vi" else "[92.16][92.15]")


@pytest.mark.parametrize(
    "word", ["Có", "có", " CO ", "x", "X", "Đúng", "đúng", "dung", "yes", "TRUE", "1", 1, 1.0, True]
)
def test_yes_words(word):
    assert parse_yes_no(word) is True


@pytest.mark.parametrize("word", ["Không", "KHÔNG", "khong", "Sai", "no", "false", "0", 0, False])
def test_no_words(word):
    assert parse_yes_no(word) is False


@pytest.mark.parametrize("word", [None, "", "  "])
def test_a_blank_answer_is_none(word):
    assert parse_yes_no(word) is None


@pytest.mark.parametrize("word", ["Chưa rõ", "có lẽ", "2", 2, 0.5])
def test_any_other_answer_is_refused(word):
    with pytest.raises(ValueError):
        parse_yes_no(word)


def test_the_vocabulary_has_no_word_on_both_sides():
    assert not YES_WORDS & NO_WORDS


def test_text_that_excel_would_run_as_a_formula_is_stored_as_text():
    sheet = openpyxl.Workbook().active
    formula_like = set_text(sheet.cell(1, 1), "=1+1")
    plain = set_text(sheet.cell(1, 2), "Kế hoạch")
    assert (formula_like.value, formula_like.data_type, formula_like.quotePrefix) == ("=1+1", "s", True)
    assert (plain.value, plain.quotePrefix) == ("Kế hoạch", False)


def test_cells_are_read_as_people_typed_them():
    assert cell_decimal("92,5 %") == Decimal("92.5")
    assert cell_decimal(0.75) == Decimal("0.75")
    assert cell_decimal("chín mươi") == "chín mươi"
    assert cell_decimal(True) == "True"
    assert cell_decimal("  ") is None
    assert cell_text(datetime(2024, 12, 31)) == "31/12/2024"
    assert cell_text("  Có biên bản ") == "Có biên bản"
    assert (code_text("1.10"), code_text(2), code_text(1.1)) == ("1.10", "2", None)


def test_header_positions_find_moved_columns_by_their_text():
    columns = (Column("code", "Mã", 9), Column("points", "Điểm", 9), Column("note", "Ghi chú", 9))
    assert header_positions((1, ("  điểm ", None, "MÃ")), columns) == {"points": 0, "code": 2}
    with pytest.raises(ValidationError) as raised:
        header_positions((1, (None, " ")), columns)
    assert raised.value.messages == ["Tệp không có dòng tiêu đề ở dòng 1."]


def test_header_positions_refuse_a_file_without_a_required_column_naming_each():
    columns = (
        Column("unit", "Mã đơn vị", 9, is_required=True),
        Column("points", "Điểm", 9, is_required=True),
        Column("criterion", "Mã tiêu chí", 9, is_required=True),
        Column("note", "Ghi chú", 9),
    )
    with pytest.raises(ValidationError) as raised:
        header_positions((1, ("Mã đơn vị", "Ghi chú")), columns)
    assert raised.value.messages == ["Dòng 1: Thiếu cột “Điểm”.", "Dòng 1: Thiếu cột “Mã tiêu chí”."]


def test_row_cells_are_none_where_the_row_stops_short():
    assert row_cells(("a", "b"), {"first": 0, "third": 2, "second": 1}) == {"first": "a", "third": None, "second": "b"}
