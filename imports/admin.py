from django.contrib import admin

from imports.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("created_at", "platform", "kind", "original_name", "status", "row_count", "user")
    list_filter = ("status", "kind", "platform")
    readonly_fields = [f.name for f in ImportRun._meta.fields]
