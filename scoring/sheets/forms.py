from decimal import Decimal

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _


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

    RULE_FIELDS = {
        "levels": ("option",),
        "bands": ("percent",),
        "ratio": ("achieved", "required"),
        "manual": ("value",),
        "survey": ("value",),
        "yes_no": ("is_yes",),
        "deduction": ("occurrences",),
    }

    def __init__(self, *args, criterion, **kwargs):
        kwargs.setdefault("prefix", f"c{criterion.pk}")
        super().__init__(*args, **kwargs)
        self.criterion = criterion
        self.fields["option"].choices = [("", "—")] + [(o.pk, f"{o.label}") for o in criterion.options.all()]
        if not criterion.allows_not_applicable:
            del self.fields["is_not_applicable"]

    @property
    def input_fields(self):
        return [self[name] for name in self.RULE_FIELDS.get(self.criterion.rule_type, ())]

    def score_input(self):
        from scoring.rules import Entry
        from scoring.sheets.services import ScoreInput

        data = self.cleaned_data
        occurrences = data.get("occurrences") or None
        entry = Entry(
            option_id=data.get("option"),
            percent=data.get("percent") or None,
            achieved=data.get("achieved") or None,
            required=data.get("required") or None,
            value=data.get("value") or None,
            is_yes=data.get("is_yes"),
            occurrences=occurrences,
        )
        return ScoreInput(
            entry=entry,
            is_not_applicable=bool(data.get("is_not_applicable")),
            explanation=data.get("explanation", ""),
            no_evidence_reason=data.get("no_evidence_reason", ""),
        )

    def add_rule_error(self, error) -> None:
        """Put a rule's complaint next to the input it is about."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
            return
        field = getattr(error, "field", None)
        field = {"option_id": "option"}.get(field, field)
        self.add_error(field if field in self.fields else None, error)


def score_form_initial(score) -> dict:
    if score is None:
        return {"version": 0}

    def text(value):
        """Numbers as the person typed them, in their locale (92,5 in Vietnamese)."""
        if value is None:
            return ""
        if hasattr(value, "normalize"):
            return formats.number_format(
                value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
            )
        return str(value)

    return {
        "option": score.option_id,
        "percent": text(score.percent),
        "achieved": text(score.achieved),
        "required": text(score.required),
        "value": text(score.value),
        "is_yes": "" if score.is_yes is None else ("yes" if score.is_yes else "no"),
        "occurrences": "" if score.occurrences is None else str(score.occurrences),
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
