from django import forms
from django.utils.translation import gettext_lazy as _

from scoring.models import Period


class PeriodCreateForm(forms.Form):
    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=2000, max_value=2100)
    copy_from = forms.ModelChoiceField(
        label=_("Sao chép bộ chỉ số từ năm"),
        queryset=Period.objects.order_by("-year"),
        required=False,
        empty_label=_("— Không sao chép, tạo trống —"),
    )


class PeriodOpenForm(forms.Form):
    self_assessment_deadline = forms.DateTimeField(
        label=_("Hạn nộp phiếu tự đánh giá"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
