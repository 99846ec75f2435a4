from django.contrib import admin

from core.admin_forms import PlatformColumnAdmin
from core.models import Guideline, GuidelineAmendment, Platform, PlatformName, Prefecture, SettingsProposal, Stage


@admin.register(Prefecture)
class PrefectureAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["name", "code"]


class PlatformNameInline(admin.TabularInline):
    model = PlatformName
    extra = 0


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ["__str__", "code", "prefecture", "chair_title", "established_on", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "names__name", "prefecture__name"]
    autocomplete_fields = ["chair_body"]
    inlines = [PlatformNameInline, StageInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("prefecture").prefetch_related("names")


class GuidelineAmendmentInline(admin.TabularInline):
    model = GuidelineAmendment
    extra = 0


@admin.register(Guideline)
class GuidelineAdmin(PlatformColumnAdmin, admin.ModelAdmin):
    list_display = ["title", "platform", "enacted_on"]
    list_filter = ["platform"]
    search_fields = ["title"]
    inlines = [GuidelineAmendmentInline]


@admin.register(SettingsProposal)
class SettingsProposalAdmin(PlatformColumnAdmin, admin.ModelAdmin):
    list_display = ["__str__", "platform", "status", "proposed_by", "proposed_at", "decided_by"]
    list_filter = ["platform", "status"]
    search_fields = ["text", "note"]
    list_select_related = ["platform", "proposed_by", "decided_by"]
