"""Pictures drawn from figures a page already holds (no query): a unit's index over the years."""

from django import template
from django.utils.translation import gettext as _

from scoring.results.dashboard import charts
from scoring.templatetags.scoring_format import points

register = template.Library()


@register.inclusion_tag("scoring/results/dashboard/_years.html")
def index_over_years_chart(history: list, unit_name: str, chart_id: str = "years") -> dict:
    """`history`: history.HistoryEntry of one unit, oldest first (results.history.unit_history)."""
    picture = charts.index_over_years(history, title="", description="")
    values = {
        "unit": unit_name,
        "first": history[0].year if history else "",
        "last": history[-1].year if history else "",
        "low": points(picture.low),
        "high": points(picture.high),
    }
    title = (
        _("Chỉ số của %(unit)s qua các năm %(first)s–%(last)s (trục từ %(low)s%% đến %(high)s%%)") % values
        if picture.starts_at_zero
        else _("Chỉ số của %(unit)s qua các năm %(first)s–%(last)s (trục bắt đầu từ %(low)s%%, không phải 0)") % values
    )
    description = (
        _(
            "Đường nối chỉ số (%%) của đơn vị trong từng năm đã công bố; mỗi điểm ghi chỉ số và thứ hạng trong khối. "
            "Trục tung từ %(low)s%% đến %(high)s%%. Số liệu đầy đủ ở bảng kết quả qua các năm."
        )
        % values
    )
    return {"chart": {**picture.__dict__, "title": title, "description": description}, "chart_id": chart_id}
