"""Admin screens for periods, frameworks and the survey; a framework becomes read-only once its period has opened,
a questionnaire once its survey has opened; the audit log and the survey's responses are read-only."""

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

from evidence.admin import ReadOnlyAdminMixin
from scoring.feedback import flash_errors
from scoring.frameworks.resources import CriterionResource
from scoring.frameworks.workbook import framework_export, framework_import
from scoring.models import AdjustmentItem, AuditEvent, Criterion, Framework, Period, RuleOption
from scoring.permissions.periods import can_manage_frameworks
from scoring.spreadsheets import xlsx_download
from scoring.survey.models import Respondent, Survey, SurveyAnswer, SurveyLevel, SurveyQuestion, SurveyResponse


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
        filename = f"bo-chi-so-{slugify(framework.block.code)}-{framework.period.year}.xlsx"
        return xlsx_download(framework_export(framework=framework), filename)

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
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Append-only: the log can be read here but never written or erased."""

    list_display = ["at", "action", "actor", "period", "summary"]
    list_filter = ["action", "period"]
    search_fields = ["summary", "action"]
    list_select_related = ["actor", "period"]
    date_hierarchy = "at"


# --- the survey: the questionnaire changes until it opens; the sample's contacts may be corrected; answers are final


class FrozenOnceOpened:
    """Questions and levels change only until their survey opens (then it is frozen, like an open framework).
    On inlines: the parent object is passed to each permission (model admins say themselves whether they add)."""

    def _survey(self, obj) -> Survey | None:
        return getattr(obj, "survey", obj) if obj is not None else None

    def _is_frozen(self, obj) -> bool:
        survey = self._survey(obj)
        return survey is not None and survey.is_frozen

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return not self._is_frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return not self._is_frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return not self._is_frozen(obj) and super().has_delete_permission(request, obj)


class SurveyQuestionInline(FrozenOnceOpened, admin.TabularInline):
    model = SurveyQuestion
    extra = 0
    fields = ["position", "code", "text", "criterion"]
    show_change_link = True


@admin.register(Survey)
class SurveyAdmin(FrozenOnceOpened, admin.ModelAdmin):
    """Opening, closing and recording points happen in the portal (/surveys/<year>/), where they are audited."""

    list_display = ["title", "period", "block", "state_label", "opens_at", "closes_at", "response_count"]
    list_filter = ["period", "framework__block"]
    search_fields = ["title"]
    list_select_related = ["period", "framework__block"]
    fields = ["period", "framework", "title", "introduction", "opens_at", "closes_at", "opened_at", "closed_at"]
    readonly_fields = ["period", "framework", "opens_at", "closes_at", "opened_at", "closed_at"]
    inlines = [SurveyQuestionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Survey]:
        return super().get_queryset(request).annotate(response_count=Count("responses"))

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # a questionnaire starts in the portal, for a block's framework of the year

    @admin.display(description=gettext_lazy("khối"), ordering="framework__block__position")
    def block(self, survey: Survey) -> str:
        return survey.framework.block.name

    @admin.display(description=gettext_lazy("trạng thái"))
    def state_label(self, survey: Survey) -> str:
        return survey.get_state_display()

    @admin.display(description=gettext_lazy("số phiếu trả lời"), ordering="response_count")
    def response_count(self, survey: Survey) -> int:
        return survey.response_count


class SurveyLevelInline(FrozenOnceOpened, admin.TabularInline):
    model = SurveyLevel
    extra = 0
    fields = ["position", "label", "weight"]


@admin.register(SurveyQuestion)
class SurveyQuestionAdmin(FrozenOnceOpened, admin.ModelAdmin):
    list_display = ["code", "text", "survey", "criterion"]
    list_filter = ["survey"]
    list_select_related = ["survey", "criterion"]
    fields = ["survey", "criterion", "code", "text", "position"]
    readonly_fields = ["survey"]
    inlines = [SurveyLevelInline]

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # questions are added on the questionnaire's page, with their levels


@admin.register(Respondent)
class RespondentAdmin(admin.ModelAdmin):
    """The named sample: a contact may be corrected; the link, the unit and whether they answered may not."""

    list_display = ["name", "unit", "group", "survey", "is_in_sample", "invited_at", "has_answered"]
    list_filter = ["survey", "group", "is_in_sample"]
    search_fields = ["name", "phone", "email"]
    list_select_related = ["unit", "survey"]
    fields = ["survey", "unit", "name", "group", "phone", "email", "is_in_sample", "invited_at", "imported_by"]
    readonly_fields = ["survey", "unit", "is_in_sample", "invited_at", "imported_by"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Respondent]:
        return super().get_queryset(request).annotate(answered=Count("response"))

    @admin.display(description=gettext_lazy("đã trả lời"), boolean=True)
    def has_answered(self, respondent: Respondent) -> bool:
        return bool(respondent.answered)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people come in through the sample's Excel import, each with a fresh one-time link

    def has_delete_permission(self, request: HttpRequest, obj: Respondent | None = None) -> bool:
        return not (obj and hasattr(obj, "response")) and super().has_delete_permission(request, obj)


class SurveyAnswerInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SurveyAnswer
    fields = ["question", "level"]
    extra = 0


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Final once sent; anonymous here too (no respondent); the council excludes one in the portal, with a reason."""

    list_display = ["pk", "survey", "unit", "group", "submitted_at", "seconds_taken", "is_excluded"]
    list_filter = ["survey", "group", "is_excluded"]
    list_select_related = ["survey", "unit"]
    fields = ["survey", "unit", "group", "submitted_at", "seconds_taken", "is_excluded", "exclusion_reason"]
    inlines = [SurveyAnswerInline]
