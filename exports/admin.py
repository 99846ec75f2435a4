from django.contrib import admin

from exports.models import ExportLog


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    """Read-only: the log of downloads is evidence, not data to edit."""

    list_display = ["created_at", "user", "export_id", "fiscal_year", "filename", "size", "via", "platform"]
    list_filter = ["platform", "export_id", "via"]
    list_select_related = ["user", "platform__prefecture"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
