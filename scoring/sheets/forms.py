from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from scoring.feedback import add_service_error
from scoring.rules import ENTRY_FIELDS, Entry, input_name, rule_input_names
from scoring.text import localized_number


class ScoreForm(forms.Form):
    """Rule-aware input for one criterion; which inputs show depends on the criterion's rule."""

    option = forms.TypedChoiceField(label=_("Mức đạt được"), required=False, coerce=int, empty_value=None)
    percent = forms.CharField(label=_("Tỷ lệ đạt (%)"), required=False, max_length=20)
    achieved = forms.CharField(label=_("Số đạt"), required=False, max_length=20)
    required = forms.CharField(label=_("Số yêu cầu"), required=False, max_length=20)
    value = forms.CharField(label=_("Điểm"), required=False, max_length=20)
    is_yes = forms.TypedChoiceField(
        label=_("Kết quả"),
        required=False,
        choices=[("", "—"), ("yes", _("Có")), ("no", _("Không"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
    )
    occurrences = forms.CharField(label=_("Số lần vi phạm"), required=False, max_length=20)
    is_not_applicable = forms.BooleanField(label=_("Không áp dụng với đơn vị"), required=False)
    explanation = forms.CharField(
        label=_("Giải thích"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    no_evidence_reason = forms.CharField(
        label=_("Lý do không có tài liệu kiểm chứng"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 1}),
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "invalid": _("Trang đã cũ hoặc bị sửa đổi; hãy tải lại trang rồi nhập lại."),
            "required": _("Trang đã cũ hoặc bị sửa đổi; hãy tải lại trang rồi nhập lại."),
            "min_value": _("Trang đã cũ hoặc bị sửa đổi; hãy tải lại trang rồi nhập lại."),
        },
    )

    def __init__(self, *args, criterion, options=None, **kwargs):
        """options: the criterion's rule options as (id, label) when the caller loaded them (the sheet, for all its
        rows at once)."""
        kwargs.setdefault("prefix", f"c{criterion.pk}")
        super().__init__(*args, **kwargs)
        self.criterion = criterion
        if options is None:
            options = [(option.pk, option.label) for option in criterion.options.all()]
        self.fields["option"].choices = [("", "—"), *options]
        if not criterion.allows_not_applicable:
            del self.fields["is_not_applicable"]

    @property
    def input_fields(self):
        return [self[name] for name in rule_input_names(self.criterion.rule_type)]

    def score_input(self):
        from scoring.sheets.services import ScoreInput

        data = self.cleaned_data
        entry = Entry(**{field: _entered(data.get(input_name(field))) for field in ENTRY_FIELDS})
        return ScoreInput(
            entry=entry,
            is_not_applicable=bool(data.get("is_not_applicable")),
            explanation=data.get("explanation", ""),
            no_evidence_reason=data.get("no_evidence_reason", ""),
        )

    def add_rule_error(self, error) -> None:
        """Put a rule's complaint next to the input it is about."""
        field = input_name(getattr(error, "field", None) or "")
        if field in self.fields:
            self.add_error(field, error)
        else:
            add_service_error(self, error)


def _entered(value):
    """An empty input is no input; False (the answer “Không”) is an answer."""
    return None if value == "" else value


def _initial(value):
    """A stored input as the form shows it: numbers in the person's locale (92,5 in Vietnamese), yes/no as chosen."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return localized_number(value)
    return str(value)  # the chosen level's id, a count of occurrences


def score_form_initial(score) -> dict:
    if score is None:
        return {"version": 0}
    return {
        **{input_name(field): _initial(getattr(score, field)) for field in ENTRY_FIELDS},
        "is_not_applicable": score.is_not_applicable,
        "explanation": score.explanation,
        "no_evidence_reason": score.no_evidence_reason,
        "version": score.version,
    }


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Lý do mở lại"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    extended_until = forms.DateTimeField(
        label=_("Cho phép sửa đến"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
    )


class SubmitConfirmForm(forms.Form):
    """Submitting locks the sheet: the head ticks that they have checked what will be locked."""

    confirm = forms.BooleanField(
        label=_("Tôi đã kiểm tra phiếu và chịu trách nhiệm về kết quả tự đánh giá."),
        error_messages={"required": _("Hãy đánh dấu ô xác nhận đã kiểm tra phiếu trước khi nộp; phiếu chưa được nộp.")},
    )
