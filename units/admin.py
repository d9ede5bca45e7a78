from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from units.models import Authority, Block, RoleAssignment, Unit, User


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "level"]


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "authority", "position"]
    list_filter = ["authority"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "block", "is_active"]
    list_filter = ["block", "is_active"]
    search_fields = ["name", "code"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "job_title", "home_unit", "is_active"]
    list_filter = ["is_active", "role_assignments__role"]
    search_fields = ["username", "full_name", "email"]
    list_select_related = ["home_unit"]
    autocomplete_fields = ["home_unit"]
    inlines = [RoleAssignmentInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("full_name", "job_title", "email", "home_unit")}),
        (_("Trạng thái"), {"fields": ("is_active", "is_superuser", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "home_unit", "password1", "password2")}),
    )
    readonly_fields = ["last_login", "date_joined"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "created_at"]
    list_filter = ["role", "unit__block"]
    search_fields = ["user__username", "user__full_name", "unit__name"]
    list_select_related = ["user", "unit"]
    autocomplete_fields = ["user", "unit"]
