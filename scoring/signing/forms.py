"""The one form of the feature: a PDF to check, or a decision signed outside the portal to attach."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class SignedPdfForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp PDF"),
        error_messages={
            "required": _("Hãy chọn tệp PDF."),
            "empty": _("Tệp tải lên rỗng."),
            "invalid": _("Không nhận được tệp: hãy chọn lại tệp PDF."),
        },
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        limit = settings.SIGNING_MAX_UPLOAD_BYTES
        if uploaded.size > limit:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa %(size)s MB).") % {"size": limit // (1024 * 1024)})
        return uploaded
