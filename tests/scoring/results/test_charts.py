"""The published page's bar chart: geometry computed from the figures alone."""

from decimal import Decimal
from types import SimpleNamespace

from scoring.results.charts import bar_chart


def row(name: str, index: str | None, is_ranked: bool = True) -> SimpleNamespace:
    return SimpleNamespace(unit_name=name, index=None if index is None else Decimal(index), is_ranked=is_ranked)


def test_bars_are_as_long_as_the_index_on_a_430_wide_plot_one_under_the_other():
    chart = bar_chart([row("UBND phường Hạ Đình", "95.5"), row("UBND phường Kim Giang", "50")], title="Khối phường")
    assert chart["title"] == "Khối phường"
    assert [(bar["y"], bar["text_y"], bar["width"], bar["value_x"]) for bar in chart["bars"]] == [
        ("22", "34", "410.6", "664.6"),  # 95.5 % of 430 = 410.65, to a tenth (half to even)
        ("44", "56", "215.0", "469.0"),
    ]
    assert (chart["width"], chart["height"], chart["axis_bottom"]) == ("730", "70", "66")
    assert (chart["label_x"], chart["bar_x"], chart["bar_height"]) == ("244", "250", "16")
    assert chart["ticks"] == [
        {"value": 0, "x": "250"},
        {"value": 25, "x": "357"},
        {"value": 50, "x": "465"},
        {"value": 75, "x": "572"},
        {"value": 100, "x": "680"},
    ]


def test_a_missing_index_draws_no_bar_and_an_index_over_100_stops_at_the_axis_end():
    chart = bar_chart([row("Phòng Nội vụ", None, is_ranked=False), row("Phòng Tư pháp", "104")], title="")
    assert [(bar["width"], bar["index"], bar["is_ranked"]) for bar in chart["bars"]] == [
        ("0.0", None, False),
        ("430.0", Decimal("104"), True),
    ]


def test_long_unit_names_are_cut_for_the_label_and_kept_whole_for_the_tooltip():
    name = "Phòng Lao động – Thương binh và Xã hội quận Thanh Xuân"
    bar = bar_chart([row(name, "90")], title="")["bars"][0]
    assert (bar["label"], bar["name"]) == (name[:35] + "…", name)
    assert len(bar["label"]) == 36
    assert bar_chart([row("Thanh tra quận", "90")], title="")["bars"][0]["label"] == "Thanh tra quận"


def test_no_units_draw_an_empty_chart():
    chart = bar_chart([], title="")
    assert (chart["bars"], chart["height"], chart["axis_bottom"]) == ([], "26", "22")
