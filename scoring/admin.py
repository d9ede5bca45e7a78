"""Admin screens for periods and frameworks; a framework becomes read-only once its period has opened."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scoring.feedback import flash_errors
from scoring.frameworks.resources import CriterionResource
from scoring.frameworks.workbook import framework_export, framework_import
from scoring.models import AdjustmentItem, AuditEvent, Criterion, Framework, Period, RuleOption
from scoring.permissions.periods import can_manage_frameworks
from scoring.spreadsheets import XLSX_CONTENT_TYPE


def _is_frozen(framework: Framework | None) -> bool:
    return framework is not None and framework.period.frameworks_are_frozen


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["year", "authority", "state", "self_assessment_deadline"]
    list_filter = ["authority", "state"]
    list_select_related = ["authority"]


class AdjustmentItemInline(admin.TabularInline):
    model = AdjustmentItem
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Framework | None = None) -> bool:
        return not _is_frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Framework | None = None) -> bool:
        return not _is_frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Framework | None = None) -> bool:
        return not _is_frozen(obj) and super().has_delete_permission(request, obj)


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp Excel (.xlsx)"))


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "period", "block", "criterion_count"]
    list_filter = ["period", "block"]
    list_select_related = ["period", "block"]
    inlines = [AdjustmentItemInline]
    change_form_template = "admin/scoring/framework/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Framework]:
        return super().get_queryset(request).annotate(criterion_count=Count("criteria"))

    @admin.display(description=gettext_lazy("số tiêu chí"), ordering="criterion_count")
    def criterion_count(self, framework: Framework) -> int:
        return framework.criterion_count

    def has_change_permission(self, request: HttpRequest, obj: Framework | None = None) -> bool:
        return not _is_frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Framework | None = None) -> bool:
        return not _is_frozen(obj) and super().has_delete_permission(request, obj)

    def get_urls(self) -> list:
        own = [
            path(
                "<int:framework_id>/xuat-excel/",
                self.admin_site.admin_view(self.export_view),
                name="scoring_framework_export",
            ),
            path(
                "<int:framework_id>/nhap-excel/",
                self.admin_site.admin_view(self.import_view),
                name="scoring_framework_import",
            ),
        ]
        return own + super().get_urls()

    def _framework(self, request: HttpRequest, framework_id: int) -> Framework:
        framework = Framework.objects.select_related("period", "block").filter(pk=framework_id).first()
        if framework is None or not self.has_view_permission(request, framework):
            raise Http404
        return framework

    def export_view(self, request: HttpRequest, framework_id: int) -> HttpResponse:
        framework = self._framework(request, framework_id)
        response = HttpResponse(framework_export(framework=framework), content_type=XLSX_CONTENT_TYPE)
        filename = f"bo-chi-so-{slugify(framework.block.code)}-{framework.period.year}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def import_view(self, request: HttpRequest, framework_id: int) -> HttpResponse:
        framework = self._framework(request, framework_id)
        if not can_manage_frameworks(request.user):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                report = framework_import(actor=request.user, framework=framework, file=form.cleaned_data["file"])
            except ValidationError as error:
                messages.error(request, _("Chưa nhập gì: tệp có %(count)s lỗi.") % {"count": len(error.messages)})
                flash_errors(request, error)
            else:
                messages.success(
                    request,
                    _("Đã nhập: %(created)s tiêu chí mới, cập nhật %(updated)s tiêu chí.")
                    % {"created": report.created, "updated": report.updated},
                )
                if report.settings_changed:
                    messages.success(
                        request, _("Cũng đã cập nhật: %(parts)s.") % {"parts": ", ".join(report.settings_changed)}
                    )
                return HttpResponseRedirect(reverse("admin:scoring_framework_change", args=[framework.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": framework,
            "title": _("Nhập bộ chỉ số từ Excel"),
            "form": form,
            "is_frozen": _is_frozen(framework),
            "columns": CriterionResource.column_names(),
        }
        return TemplateResponse(request, "admin/scoring/framework/import.html", context)


class RuleOptionInline(admin.TabularInline):
    model = RuleOption
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Criterion | None = None) -> bool:
        return not (obj and _is_frozen(obj.framework)) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Criterion | None = None) -> bool:
        return not (obj and _is_frozen(obj.framework)) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Criterion | None = None) -> bool:
        return not (obj and _is_frozen(obj.framework)) and super().has_delete_permission(request, obj)


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "framework", "max_points", "rule_type"]
    list_filter = ["framework"]
    search_fields = ["code", "title"]
    list_select_related = ["framework__period"]
    raw_id_fields = ["parent"]
    inlines = [RuleOptionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Criterion]:
        return super().get_queryset(request).select_related("framework__period")

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "framework":  # new criteria only go into frameworks still being prepared
            kwargs["queryset"] = Framework.objects.filter(period__state=Period.State.DRAFT).select_related("period")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Criterion | None = None) -> bool:
        return not (obj and _is_frozen(obj.framework)) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Criterion | None = None) -> bool:
        return not (obj and _is_frozen(obj.framework)) and super().has_delete_permission(request, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Append-only: the log can be read here but never written or erased."""

    list_display = ["at", "action", "actor", "period", "summary"]
    list_filter = ["action", "period"]
    search_fields = ["summary", "action"]
    list_select_related = ["actor", "period"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
