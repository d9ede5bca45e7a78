"""Read-only admin listings of evidence: files come in only through the permission-checked upload service."""

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from evidence.models import Document, DocumentVersion, EvidenceLink, StoredFile


class ReadOnlyAdminMixin:
    """No add, change or delete: evidence rows and their files must stay consistent with storage and audit (the
    audit log and the survey's final answers use it too)."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(StoredFile)
class StoredFileAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["sha256", "content_type", "size", "created_at"]
    list_filter = ["content_type"]
    search_fields = ["sha256"]
    date_hierarchy = "created_at"


class DocumentVersionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DocumentVersion
    fields = ["original_name", "file", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    extra = 0


class EvidenceLinkInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = EvidenceLink
    fields = ["assessment", "criterion", "locator", "created_by", "created_at"]
    readonly_fields = fields
    extra = 0


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "number", "unit", "period", "original_name", "uploaded_by", "uploaded_at", "download"]
    list_filter = ["period", "unit__block", "unit"]
    search_fields = ["title", "number", "original_name", "file__sha256"]
    list_select_related = ["unit", "period", "uploaded_by", "file"]
    date_hierarchy = "uploaded_at"
    inlines = [DocumentVersionInline, EvidenceLinkInline]

    @admin.display(description=_("Tải về"))
    def download(self, obj: Document) -> str:
        return format_html('<a href="{}">↓</a>', reverse("evidence_document_download", args=[obj.pk]))
