"""Forms of the appraisal workspace: a council round's score, an explanation request, a bonus/penalty line."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from scoring.models import Criterion, Stage
from scoring.sheets.forms import ScoreForm
from scoring.text import parse_decimal

STAGE_PREFIX = {Stage.ROUND_1: "r1", Stage.ROUND_2: "r2"}


class CouncilScoreForm(ScoreForm):
    """The unit's rule-aware input, reused for a council round: the explanation becomes the council's reason."""

    def __init__(self, *args, criterion: Criterion, stage: str, **kwargs):
        kwargs.setdefault("prefix", f"{STAGE_PREFIX[stage]}-{criterion.pk}")
        super().__init__(*args, criterion=criterion, **kwargs)
        self.stage = stage
        del self.fields["no_evidence_reason"]
        self.fields["explanation"].label = _("Lý do của Hội đồng (bắt buộc khi khác điểm tự chấm)")
        if "is_not_applicable" in self.fields:
            self.fields["is_not_applicable"].label = _("Xác nhận “không áp dụng”")


class ExplanationFlagForm(forms.Form):
    message = forms.CharField(
        label=_("Nội dung đơn vị cần giải trình hoặc bổ sung"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Hãy ghi nội dung đơn vị cần giải trình hoặc bổ sung.")},
    )

    def __init__(self, *args, criterion: Criterion, **kwargs):
        kwargs.setdefault("prefix", f"flag-{criterion.pk}")
        super().__init__(*args, **kwargs)


class AdjustmentForm(forms.Form):
    points = forms.CharField(label=_("Điểm"), max_length=20)
    reason = forms.CharField(
        label=_("Lý do"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 1})
    )

    def __init__(self, *args, item_pk: int, **kwargs):
        kwargs.setdefault("prefix", f"adj-{item_pk}")
        super().__init__(*args, **kwargs)

    def clean_points(self) -> Decimal:
        points = parse_decimal(self.cleaned_data["points"])
        if points is None:
            raise ValidationError(_("Điểm phải là một số."), code="invalid")
        if not points.is_finite() or abs(points) >= 10**6 or points != points.quantize(Decimal("0.01")):
            raise ValidationError(_("Điểm phải là một số có tối đa 2 chữ số thập phân."), code="invalid")
        return points
