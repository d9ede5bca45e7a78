"""Forms of the results pages: settings, release, publication, objections and commendations.

Fields keep the names the pages post. A form only reads the values (numbers, dates, choices); what the portal
requires of them (a decision number, a reason, a zero floor) is checked by the service, whose message is shown.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from scoring.models import Commendation, Criterion, ResultsConfig
from scoring.rules import CENT
from scoring.text import parse_decimal
from units.models import Unit

MAX_BANDS = 20
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M"]  # what <input type="datetime-local"> sends


class ResultsConfigForm(forms.Form):
    ranking_method = forms.ChoiceField(label=_("Cách xếp hạng"), choices=ResultsConfig.RankingMethod.choices)
    is_public = forms.BooleanField(label=_("Công khai kết quả đã công bố (xem không cần đăng nhập)"), required=False)


class SurveySettingForm(forms.Form):
    no_survey = forms.BooleanField(
        label=_("Năm nay không điều tra xã hội học: chỉ số tính trên điểm tối đa không gồm phần điều tra"),
        required=False,
    )


class ClassificationBandsForm(forms.Form):
    """As many lines as the page showed (band_min_N, band_label_N); a line left blank on both sides is dropped."""

    band_count = forms.IntegerField(min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        count = self.data.get("band_count", "")
        for number in range(min(int(count), MAX_BANDS) if str(count).isdigit() else 0):
            self.fields[f"band_min_{number}"] = forms.CharField(label=_("Từ chỉ số (%)"), required=False)
            self.fields[f"band_label_{number}"] = forms.CharField(label=_("Xếp loại"), required=False, max_length=60)

    def clean(self) -> dict:
        data = super().clean()
        bands: list[tuple[Decimal, str]] = []
        for name in self.fields:
            if not name.startswith("band_min_"):
                continue
            minimum, label = data.get(name, ""), data.get(name.replace("min", "label"), "")
            if not minimum and not label:
                continue
            if not minimum:
                raise ValidationError(_("Hãy nhập ngưỡng chỉ số cho mức “%(label)s”.") % {"label": label})
            value = parse_decimal(minimum)
            if value is None or not value.is_finite():
                raise ValidationError(_("“%(value)s” không phải là số.") % {"value": minimum})
            if not 0 <= value <= 100 or value != value.quantize(CENT):  # what the database keeps: 0,00 to 100,00
                raise ValidationError(
                    _("Ngưỡng chỉ số “%(value)s” phải từ 0 đến 100, có tối đa 2 chữ số thập phân.") % {"value": minimum}
                )
            bands.append((value, label))
        data["bands"] = bands
        return data


class UnitChoiceForm(forms.Form):
    """A unit among those the page offers (for an unranked unit ranked again)."""

    lookups = ("unit",)  # fields naming the object the request is about: one that is not there answers 404
    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none())

    def __init__(self, *args, units: QuerySet[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class RankingExclusionForm(UnitChoiceForm):
    reason = forms.CharField(label=_("Lý do"), required=False, max_length=300)


class ReleaseForm(forms.Form):
    objection_deadline = forms.DateTimeField(label=_("Hạn kiến nghị"), required=False, input_formats=DATETIME_FORMATS)


class PublishForm(forms.Form):
    decision_number = forms.CharField(label=_("Số quyết định"), required=False, max_length=60)
    decision_date = forms.DateField(label=_("Ngày ký"), required=False, input_formats=["%Y-%m-%d"])
    correction_reason = forms.CharField(label=_("Lý do đính chính"), required=False)


class ObjectionFileForm(forms.Form):
    lookups = ("criterion",)
    criterion = forms.ModelChoiceField(label=_("Tiêu chí"), queryset=Criterion.objects.none())
    text = forms.CharField(label=_("Nội dung kiến nghị"), required=False)

    def __init__(self, *args, framework_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = Criterion.objects.filter(framework_id=framework_id)


class ObjectionResolveForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Quyết định"), choices=[("reject", _("Không chấp nhận")), ("accept", _("Chấp nhận, chấm lại"))]
    )
    resolution = forms.CharField(label=_("Ý kiến giải quyết"), required=False)


class CommendationForm(forms.Form):
    lookups = ("unit",)
    kind = forms.ChoiceField(label=_("Loại"), choices=Commendation.Kind.choices)
    name = forms.CharField(label=_("Tên tập thể / cá nhân"), required=False, max_length=200)
    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none(), required=False)
    note = forms.CharField(label=_("Ghi chú (hình thức khen)"), required=False, max_length=500)

    def __init__(self, *args, units: QuerySet[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("name") and data.get("unit") is not None:
            data["name"] = data["unit"].name  # a collective is named after its unit unless the page says otherwise
        return data
