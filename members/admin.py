from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from members.models import AccessRole, MemberBody, MemberCategory, Representative, ResponsibleParty, Role, RoleAssignment, User
from core.admin_forms import PlatformColumnAdmin, SamePlatformForm, same_platform_form


@admin.register(MemberCategory)
class MemberCategoryAdmin(PlatformColumnAdmin, admin.ModelAdmin):
    list_display = ["name", "platform", "order"]
    list_filter = ["platform"]
    search_fields = ["name"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["member_body", "responsible_party"]


class RepresentativeInline(admin.TabularInline):
    """役職・氏名 on the body's own page: the 出席者名簿 and 構成員名簿 of the packet are filled from here."""

    model = Representative
    extra = 1
    fields = ["order", "title", "name", "capacity", "is_primary"]


@admin.register(MemberBody)
class MemberBodyAdmin(PlatformColumnAdmin, admin.ModelAdmin):
    list_display = ["name", "parent", "short_label", "category", "membership", "platform", "joined_on", "left_on"]
    list_filter = ["platform", "membership", "category"]
    search_fields = ["name", "short_label", "organisation"]
    list_select_related = ["category", "parent", "platform__prefecture"]
    autocomplete_fields = ["parent"]
    inlines = [RepresentativeInline]


@admin.register(Representative)
class RepresentativeAdmin(admin.ModelAdmin):
    list_display = ["member_body", "title", "name", "capacity", "is_primary", "order"]
    list_filter = ["member_body__platform", "capacity", "is_primary"]
    search_fields = ["name", "title", "member_body__name"]
    list_select_related = ["member_body"]
    autocomplete_fields = ["member_body"]


@admin.register(Role)
class RoleAdmin(PlatformColumnAdmin, admin.ModelAdmin):
    list_display = ["name", "function", "platform", "order"]
    list_filter = ["platform", "function"]
    search_fields = ["name"]
    inlines = [RoleAssignmentInline]


@admin.register(ResponsibleParty)
class ResponsiblePartyAdmin(PlatformColumnAdmin, admin.ModelAdmin):
    list_display = ["label", "includes_all_members", "platform", "order"]
    list_filter = ["platform"]
    search_fields = ["label"]
    filter_horizontal = ["bodies", "categories"]
    form = same_platform_form("bodies", "categories")


@admin.register(AccessRole)
class AccessRoleAdmin(PlatformColumnAdmin, admin.ModelAdmin):
    list_display = ["name", "code", "platform"]
    list_filter = ["platform"]
    search_fields = ["name", "code"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "member_body", "is_active", "last_login"]
    list_filter = ["is_active", "member_body__platform", "access_roles"]
    search_fields = ["username", "display_name", "email", "member_body__name"]
    autocomplete_fields = ["member_body"]
    filter_horizontal = ["access_roles", "groups", "user_permissions"]
    form = same_platform_form("access_roles", base=type("UserChangeForm", (SamePlatformForm, BaseUserAdmin.form), {}))
    fieldsets = BaseUserAdmin.fieldsets + (
        ("所属と権限ロール", {"fields": ("display_name", "job_title", "member_body", "access_roles")}),
    )
