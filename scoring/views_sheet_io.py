"""Download the self-assessment sheet as Excel and upload it back once filled offline."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scoring import permissions
from scoring.services.sheet_io import XLSX_CONTENT_TYPE, sheet_export, sheet_export_filename, sheet_import


class SheetImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel đã điền (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )


@login_required
def sheet_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = permissions.get_assessment_for_view(request.user, pk)
    response = HttpResponse(sheet_export(assessment=assessment), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, sheet_export_filename(assessment))
    return response


@login_required
def sheet_import_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = permissions.get_assessment_for_view(request.user, pk)
    if not permissions.can_edit_self_assessment(request.user, assessment):
        raise PermissionDenied(_("Phiếu tự đánh giá đã khóa hoặc bạn không có quyền sửa."))
    form = SheetImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = sheet_import(actor=request.user, assessment=assessment, file=form.cleaned_data["file"])
        except ValidationError as error:
            errors = error.messages
        else:
            if result.changed:
                messages.success(request, _("Đã nhập %(count)s tiêu chí từ tệp Excel.") % {"count": result.changed})
            else:
                messages.info(request, _("Tệp Excel không có thay đổi nào so với phiếu trên cổng."))
            return redirect("assessment_sheet", pk=pk)
    return render(
        request,
        "scoring/sheet_import.html",
        {
            "assessment": assessment,
            "form": form,
            "errors": errors,
            "deadline": permissions.effective_deadline(assessment),
        },
    )
