"""Forms of the council pages. Choices come from lists the page has already loaded, so rendering a form
never runs a query of its own."""

from django import forms
from django.utils.translation import gettext_lazy as _

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M"]


class StyledForm(forms.Form):
    """Bootstrap classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


def _user_choices(users) -> list[tuple[int, str]]:
    return [(user.pk, f"{user} ({user.username})") for user in users]


class MemberAddForm(StyledForm):
    user = forms.TypedChoiceField(label=_("Người được đưa vào Hội đồng"), coerce=int)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", _("— Chọn người —"))] + _user_choices(candidates)


class AssignmentForm(StyledForm):
    member = forms.TypedChoiceField(label=_("Thành viên"), coerce=int)
    unit = forms.TypedChoiceField(label=_("Đơn vị"), coerce=int, required=False, empty_value=None)
    area_code = forms.ChoiceField(label=_("Lĩnh vực"), required=False)

    def __init__(self, *args, members=(), units=(), areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", _("— Chọn thành viên —"))] + _user_choices(members)
        self.fields["unit"].choices = [("", _("— Mọi đơn vị —"))] + [(unit.pk, unit.name) for unit in units]
        self.fields["area_code"].choices = [("", _("— Mọi lĩnh vực —"))] + [
            (area.code, f"{area.code}. {area.title}") for area in areas
        ]


class ConflictForm(StyledForm):
    member = forms.TypedChoiceField(label=_("Thành viên"), coerce=int)
    unit = forms.TypedChoiceField(label=_("Đơn vị"), coerce=int)
    reason = forms.CharField(
        label=_("Lý do xung đột lợi ích"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, members=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", _("— Chọn thành viên —"))] + _user_choices(members)
        self.fields["unit"].choices = [("", _("— Chọn đơn vị —"))] + [(unit.pk, unit.name) for unit in units]


class StartAppraisalForm(StyledForm):
    appraisal_deadline = forms.DateTimeField(
        label=_("Hạn thẩm định"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    confirm_early = forms.BooleanField(
        label=_("Tôi xác nhận bắt đầu thẩm định trước hạn tự đánh giá (phiếu chưa nộp sẽ bị khóa)."), required=False
    )


class ExplanationSendForm(forms.Form):
    deadline = forms.DateTimeField(label=_("Hạn giải trình"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS)
    requests = forms.TypedMultipleChoiceField(label=_("Đề xuất được gửi"), coerce=int)

    def __init__(self, *args, flagged=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requests"].choices = [(request.pk, request.pk) for request in flagged]


class SurveyImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel kết quả điều tra (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
