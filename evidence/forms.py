"""Forms of the evidence pages; they only parse input; files are checked by evidence.validation in the services."""

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from evidence.models import Document
from evidence.validation import allowed_extensions

LOCATOR_HELP = _("Ví dụ: trang 3, mục II.2")


def accept_attribute() -> str:
    """Hint for the browser's file picker; the server still sniffs every file."""
    return ",".join(f".{extension}" for extension in allowed_extensions())


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or many files; empty files pass here so the service can name them in its message."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept_attribute()}))
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_clean = super().clean
        if isinstance(data, list | tuple):
            files = [single_clean(item, initial) for item in data if item]
        else:
            files = [single_clean(data, initial)] if data else []
        if self.required and not files:
            raise forms.ValidationError(_("Hãy chọn ít nhất một tệp để tải lên."), code="required")
        if len(files) > settings.EVIDENCE_MAX_FILES_PER_UPLOAD:
            raise forms.ValidationError(
                _("Mỗi lần chỉ tải lên tối đa %(count)s tệp.") % {"count": settings.EVIDENCE_MAX_FILES_PER_UPLOAD},
                code="too_many_files",
            )
        return files


class DocumentUploadForm(forms.Form):
    title = forms.CharField(
        label=_("Tên tài liệu"),
        max_length=300,
        required=False,
        help_text=_("Để trống thì lấy tên tệp. Khi chọn nhiều tệp, mỗi tệp thành một tài liệu."),
    )
    number = forms.CharField(label=_("Số, ký hiệu"), max_length=100, required=False)
    issued_on = forms.DateField(
        label=_("Ngày ban hành"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    files = MultipleFileField(label=_("Tệp"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control"
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}-help"


class CriterionUploadForm(forms.Form):
    files = MultipleFileField(label=_("Tệp"))
    locator = forms.CharField(label=_("Trang / mục"), max_length=200, required=False, help_text=LOCATOR_HELP)


class DocumentReplaceForm(forms.Form):
    file = forms.FileField(label=_("Tệp mới"), allow_empty_file=True)


class EvidenceLinkForm(forms.Form):
    document = forms.ModelChoiceField(
        label=_("Tài liệu trong thư viện"),
        queryset=Document.objects.none(),
        error_messages={"invalid_choice": _("Tài liệu đã chọn không có trong thư viện của đơn vị.")},
    )
    locator = forms.CharField(label=_("Trang / mục"), max_length=200, required=False, help_text=LOCATOR_HELP)

    def __init__(self, *args, library: QuerySet[Document], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = library


class LocatorForm(forms.Form):
    locator = forms.CharField(label=_("Trang / mục"), max_length=200, required=False)
