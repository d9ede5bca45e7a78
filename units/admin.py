"""Admin screens for the authority, blocks, units, people and roles, with the two onboarding workbooks.

The workbooks go through django-import-export's import views (upload → dry-run preview → confirm), given a
format that reads the upload through the portal's safe intake and a resource that imports the whole book
with the same service the management commands use.
"""

from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.admin import ImportMixin
from import_export.formats.base_formats import Format
from import_export.forms import ImportForm

from evidence.workbooks import check_archive
from scoring.models import Assessment, ResultRow
from scoring.permissions.admin import can_manage_organisation, can_manage_people
from scoring.spreadsheets import XLSX_CONTENT_TYPE, xlsx_download
from units.models import Authority, Block, RoleAssignment, Unit, User
from units.roles import is_administrator
from units.services import (
    activation_send,
    authority_setup,
    organisation_import,
    people_import,
    second_authority_message,
    units_deactivate,
)
from units.workbooks.books import ORGANISATION, PEOPLE, Book, export_book, read_book

# ---------------------------------------------------------------------------------------------
# The workbook import, plugged into django-import-export's admin views


class BookFormat(Format):
    """.xlsx read through the safe intake into the book's worksheets (never by tablib's own loader)."""

    book: ClassVar[Book]

    def __init__(self, encoding: str | None = None) -> None:
        self.encoding = encoding

    def get_title(self) -> str:
        return "xlsx"

    def create_dataset(self, in_stream):
        return read_book(in_stream, self.book)

    def get_extension(self) -> str:
        return "xlsx"

    def get_content_type(self) -> str:
        return XLSX_CONTENT_TYPE

    def can_import(self) -> bool:
        return True


class OrganisationFormat(BookFormat):
    book = ORGANISATION


class PeopleFormat(BookFormat):
    book = PEOPLE


class BookResource(resources.Resource):
    """The whole workbook as one django-import-export resource: its import is the service's."""

    book: ClassVar[Book]

    @classmethod
    def get_display_name(cls) -> str:
        return str(cls.book.what)

    def get_user_visible_fields(self) -> list:
        return []

    def import_data(self, dataset, dry_run: bool = False, raise_errors: bool = False, **kwargs: Any):
        return self.run(actor=kwargs.get("user"), file=dataset, dry_run=dry_run)

    def run(self, **kwargs: Any):
        raise NotImplementedError


class OrganisationResource(BookResource):
    book = ORGANISATION

    def run(self, **kwargs: Any):
        return organisation_import(**kwargs)


class PeopleResource(BookResource):
    book = PEOPLE

    def run(self, **kwargs: Any):
        return people_import(**kwargs)


class BookImportForm(ImportForm):
    """Vietnamese labels, and the intake's cheap checks (size, archive, macros) before the file is kept."""

    def __init__(self, formats, resources, **kwargs: Any) -> None:
        super().__init__(formats, resources, **kwargs)
        self.book: Book = formats[0].book
        self.fields["import_file"].label = _("Tệp Excel (.xlsx)")
        self.fields["import_file"].widget.attrs["accept"] = ".xlsx"
        self.fields["format"].widget = forms.HiddenInput()
        self.fields["format"].initial = "0"

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limits = self.book.limits
        check_archive(upload.read(limits.max_bytes + 1), limits=limits, what=str(self.book.what))
        upload.seek(0)
        return upload


class BookImportMixin(ImportMixin):
    book: ClassVar[Book]
    book_format: ClassVar[type[BookFormat]]
    book_resource: ClassVar[type[BookResource]]
    import_template_name = "admin/units/book_import.html"
    import_export_change_list_template = "admin/units/change_list_book.html"
    import_form_class = BookImportForm
    skip_admin_log = True  # the service writes the portal's own audit event

    def get_import_formats(self) -> list:
        return [self.book_format]

    def get_import_resource_classes(self, request: HttpRequest) -> list:
        return [self.book_resource]

    def has_import_permission(self, request: HttpRequest) -> bool:
        raise NotImplementedError

    def get_import_context_data(self, **kwargs: Any) -> dict:
        return {
            "book": self.book,
            "book_sheets": [(sheet.title, sheet.column_names(), sheet.required_columns) for sheet in self.book.sheets],
        }

    def add_data_read_fail_error_to_form(self, form, e: Exception) -> None:
        if isinstance(e, ValidationError):
            for message in e.messages:
                form.add_error("import_file", message)
        else:
            form.add_error("import_file", _("Không đọc được tệp; hãy dùng tệp Excel (.xlsx) xuất từ cổng."))

    def process_result(self, result, request: HttpRequest) -> HttpResponse:
        if result.has_errors():  # the data changed between the preview and the confirmation
            context = {
                **self.admin_site.each_context(request),
                **self.get_import_context_data(),
                "title": _("Nhập %(what)s từ Excel") % {"what": self.book.what},
                "opts": self.model._meta,
                "form": self.get_import_form_class(request)(
                    self.get_import_formats(), self.get_import_resource_classes(request)
                ),
                "result": result,
            }
            return TemplateResponse(request, [self.import_template_name], context)
        return super().process_result(result, request)

    def add_success_message(self, result, request: HttpRequest) -> None:
        text = _("Đã nhập %(what)s: %(summary)s.") % {"what": self.book.what, "summary": result.summary()}
        if result.created_people:
            text += " " + _("Đã gửi thư kích hoạt tài khoản cho %(count)s người mới.") % {
                "count": len(result.created_people)
            }
        messages.success(request, text)

    def import_action(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        response = super().import_action(request, **kwargs)
        if isinstance(response, TemplateResponse):
            response.context_data["title"] = _("Nhập %(what)s từ Excel") % {"what": self.book.what}
        return response

    def get_urls(self) -> list:
        name = f"{self.model._meta.app_label}_{self.model._meta.model_name}_book_export"
        own = [path("xuat-excel/", self.admin_site.admin_view(self.book_export_view), name=name)]
        return own + super().get_urls()

    def book_export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return xlsx_download(export_book(self.book), self.book.filename)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra_context = {**(extra_context or {}), "book": self.book}
        return super().changelist_view(request, extra_context)


class OrganisationBookMixin(BookImportMixin):
    book = ORGANISATION
    book_format = OrganisationFormat
    book_resource = OrganisationResource

    def has_import_permission(self, request: HttpRequest) -> bool:
        return can_manage_organisation(request.user)


class PeopleBookMixin(BookImportMixin):
    book = PEOPLE
    book_format = PeopleFormat
    book_resource = PeopleResource

    def has_import_permission(self, request: HttpRequest) -> bool:
        return can_manage_people(request.user)


# ---------------------------------------------------------------------------------------------
# The models


class AuthorityForm(forms.ModelForm):
    class Meta:
        model = Authority
        fields = ["name", "short_name", "level"]

    def clean(self) -> dict:
        cleaned = super().clean()
        existing = Authority.objects.exclude(pk=self.instance.pk).order_by("pk").first()
        if existing is not None:
            raise ValidationError(second_authority_message(existing))
        return cleaned


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    """One authority per installation: it can be named and renamed, never doubled."""

    form = AuthorityForm
    list_display = ["name", "short_name", "level"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not Authority.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Authority | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Authority, form, change: bool) -> None:
        saved = authority_setup(
            actor=request.user,
            name=form.cleaned_data["name"],
            level=form.cleaned_data["level"],
            short_name=form.cleaned_data["short_name"],
        )
        obj.pk = saved.pk


@admin.register(Block)
class BlockAdmin(OrganisationBookMixin, admin.ModelAdmin):
    list_display = ["name", "code", "authority", "position"]
    list_filter = ["authority"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Unit)
class UnitAdmin(OrganisationBookMixin, admin.ModelAdmin):
    list_display = ["name", "code", "block", "is_active", "predecessor"]
    list_filter = ["block", "is_active"]
    list_select_related = ["block", "predecessor"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["predecessor"]
    actions = ["deactivate"]

    def has_delete_permission(self, request: HttpRequest, obj: Unit | None = None) -> bool:
        """A unit with a sheet or a published result is deactivated, never deleted: its history stays."""
        if obj is not None and _has_history(Unit.objects.filter(pk=obj.pk)):
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Unit]) -> None:
        if _has_history(queryset):
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    @admin.action(description=gettext_lazy("Ngừng hoạt động các đơn vị đã chọn (giữ nguyên lịch sử)"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Unit]) -> None:
        if not self.has_change_permission(request):
            raise PermissionDenied
        count = units_deactivate(actor=request.user, units=list(queryset))
        messages.success(request, _("Đã ngừng hoạt động %(count)s đơn vị.") % {"count": count})


def _has_history(units: QuerySet[Unit]) -> bool:
    return units.filter(
        Exists(Assessment.objects.filter(unit=OuterRef("pk"))) | Exists(ResultRow.objects.filter(unit=OuterRef("pk")))
    ).exists()


@admin.register(User)
class UserAdmin(PeopleBookMixin, DjangoUserAdmin):
    list_display = ["username", "full_name", "job_title", "home_unit", "is_active", "is_activated"]
    list_filter = ["is_active", "role_assignments__role"]
    search_fields = ["username", "full_name", "email"]
    list_select_related = ["home_unit"]
    autocomplete_fields = ["home_unit"]
    inlines = [RoleAssignmentInline]
    actions = ["send_activation"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("full_name", "job_title", "email", "home_unit")}),
        (_("Trạng thái"), {"fields": ("is_active", "is_superuser", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "home_unit", "password1", "password2")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    @admin.display(description=gettext_lazy("đã đặt mật khẩu"), boolean=True)
    def is_activated(self, user: User) -> bool:
        return user.has_usable_password()

    @admin.action(description=gettext_lazy("Gửi (lại) thư kích hoạt cho người chưa đặt mật khẩu"))
    def send_activation(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = activation_send(actor=request.user, users=list(queryset))
        messages.success(request, _("Đã gửi thư kích hoạt cho %(count)s người.") % {"count": count})

    def get_actions(self, request: HttpRequest, action_location=ActionLocation.CHANGE_LIST) -> dict:
        actions = super().get_actions(request, action_location)
        if not can_manage_people(request.user):
            actions.pop("send_activation", None)
        if not is_administrator(request.user):
            actions.pop("delete_selected", None)
        return actions


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(PeopleBookMixin, admin.ModelAdmin):
    list_display = ["user", "role", "unit", "created_at"]
    list_filter = ["role", "unit__block"]
    search_fields = ["user__username", "user__full_name", "unit__name"]
    list_select_related = ["user", "unit"]
    autocomplete_fields = ["user", "unit"]
