"""Forms of the survey pages. Choices come from lists the view has already loaded (no query of their own)."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scoring.council.forms import DATETIME_FORMATS, DATETIME_WIDGET, StyledForm
from scoring.text import number_text, parse_decimal

DEFAULT_LEVELS = "Rất hài lòng : 100\nHài lòng : 60\nChưa hài lòng : 20\nKhông hài lòng : 0"


def parse_levels(text: str) -> list[tuple[str, Decimal]]:
    """One level per line, “label : weight %” (“Hài lòng : 60”); a Vietnamese decimal comma is accepted."""
    levels: list[tuple[str, Decimal]] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        label, separator, weight_text = line.rpartition(":")
        if not separator or not label.strip():
            problems.append(
                _("Dòng %(line)s: hãy ghi “Mức trả lời : trọng số”, ví dụ “Hài lòng : 60”.") % {"line": number}
            )
            continue
        weight = parse_decimal(weight_text.strip().removesuffix("%"))
        if weight is None:
            problems.append(
                _("Dòng %(line)s: trọng số “%(value)s” không phải là số.")
                % {"line": number, "value": weight_text.strip()}
            )
            continue
        if not weight.is_finite() or not Decimal(0) <= weight <= 100 or weight != weight.quantize(Decimal("0.01")):
            problems.append(
                _("Dòng %(line)s: trọng số phải từ 0 đến 100, tối đa 2 chữ số thập phân.") % {"line": number}
            )
            continue
        if len(label.strip()) > 200:
            problems.append(_("Dòng %(line)s: mức trả lời dài quá 200 ký tự.") % {"line": number})
            continue
        levels.append((label.strip(), weight))
    if problems:
        raise ValidationError(problems)
    return levels


class SurveyCreateForm(StyledForm):
    framework = forms.TypedChoiceField(label=gettext_lazy("Khối"), coerce=int)
    source = forms.TypedChoiceField(
        label=gettext_lazy("Sao chép câu hỏi từ"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, frameworks=(), sources=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].choices = [("", _("— Chọn khối —"))] + [(f.pk, f.block.name) for f in frameworks]
        self.fields["source"].choices = [("", _("— Phiếu trống —"))] + [
            (s.pk, f"{s.title} ({s.period.year})") for s in sources
        ]


class SurveyEditForm(StyledForm):
    title = forms.CharField(label=gettext_lazy("Tên phiếu khảo sát"), max_length=300)
    introduction = forms.CharField(
        label=gettext_lazy("Lời giới thiệu (hiện đầu phiếu)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QuestionForm(StyledForm):
    criterion = forms.TypedChoiceField(label=gettext_lazy("Tính điểm cho tiêu chí"), coerce=int)
    text = forms.CharField(label=gettext_lazy("Câu hỏi"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    levels = forms.CharField(
        label=gettext_lazy("Các mức trả lời và trọng số (%), mỗi dòng một mức"),
        initial=DEFAULT_LEVELS,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [("", _("— Chọn tiêu chí —"))] + [
            (c.pk, f"{c.code} {c.title} ({number_text(c.max_points)} đ)") for c in criteria
        ]

    def clean_levels(self) -> list[tuple[str, Decimal]]:
        return parse_levels(self.cleaned_data["levels"])


class SurveyOpenForm(StyledForm):
    opens_at = forms.DateTimeField(
        label=gettext_lazy("Mở nhận phiếu từ"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    closes_at = forms.DateTimeField(
        label=gettext_lazy("Hạn nhận phiếu"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )


class RespondentImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel danh sách (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "class": "form-control",
            }
        ),
    )
    is_pool = forms.BooleanField(
        label=gettext_lazy("Đây là danh sách để chọn mẫu ngẫu nhiên (chưa phải mẫu khảo sát)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class SampleDrawForm(StyledForm):
    size = forms.IntegerField(label=gettext_lazy("Số người mỗi đơn vị"), min_value=1, max_value=500, initial=30)


class ReasonForm(StyledForm):
    reason = forms.CharField(label=gettext_lazy("Lý do"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ResponseFilterForm(StyledForm):
    """The responses page's filters from the query string: a unit (from the page's own counts), flagged only."""

    unit = forms.TypedChoiceField(label=gettext_lazy("Đơn vị"), coerce=int, required=False, empty_value=None)
    flagged = forms.BooleanField(label=gettext_lazy("Chỉ phiếu có dấu hiệu"), required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("Mọi đơn vị"))] + [
            (
                unit.unit_id,
                _("%(unit)s (%(total)s phiếu, %(flagged)s có dấu hiệu)")
                % {"unit": unit.unit_name, "total": unit.total, "flagged": unit.flagged},
            )
            for unit in units
        ]

    def chosen(self) -> tuple[int | None, bool]:
        """The unit chosen (None for every unit, or one the page does not list) and whether only flagged ones."""
        self.is_valid()
        return self.cleaned_data.get("unit"), self.cleaned_data.get("flagged", False)
