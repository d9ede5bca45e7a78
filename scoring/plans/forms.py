from django import forms
from django.utils.translation import gettext_lazy as _

from scoring.models import RemediationPlan


class PlanForm(forms.Form):
    criterion_code = forms.ChoiceField(label=_("Tiêu chí bị mất điểm"))
    action = forms.CharField(
        label=_("Biện pháp khắc phục"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": _("Hãy ghi biện pháp khắc phục.")},
    )
    owner = forms.CharField(
        label=_("Người / bộ phận thực hiện"),
        max_length=200,
        error_messages={"required": _("Hãy ghi người hoặc bộ phận thực hiện.")},
    )
    due_date = forms.DateField(
        label=_("Hạn hoàn thành"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Hãy chọn hạn hoàn thành (ngày/tháng/năm)."),
            "invalid": _("Hạn hoàn thành không phải là một ngày hợp lệ."),
        },
    )

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion_code"].choices = choices
        self.fields["criterion_code"].error_messages = {
            "required": _("Hãy chọn tiêu chí."),
            "invalid_choice": _("Tiêu chí đã chọn không bị mất điểm hoặc đã có kế hoạch."),
        }


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Tiến độ"), choices=RemediationPlan.Status.choices)
    progress_note = forms.CharField(
        label=_("Kết quả thực hiện"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
