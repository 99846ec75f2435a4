from django.contrib import admin

from municipal_pf.models import MunicipalContact, MunicipalPlatform, Municipality, NetworkPartnerType
from core.admin_forms import PlatformColumnAdmin


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "reading", "kind", "district", "prefecture"]
    list_filter = ["prefecture", "kind"]
    search_fields = ["name", "reading", "code"]
    list_select_related = ["prefecture"]


@admin.register(NetworkPartnerType)
class NetworkPartnerTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]


class MunicipalContactInline(admin.TabularInline):
    model = MunicipalContact
    extra = 0


@admin.register(MunicipalPlatform)
class MunicipalPlatformAdmin(PlatformColumnAdmin, admin.ModelAdmin):
    list_display = ["municipality", "status", "established_on", "forum", "secretariat_department", "platform"]
    list_filter = ["platform", "status", "forum"]
    search_fields = ["municipality__name", "secretariat_department"]
    filter_horizontal = ["network_partners"]
    autocomplete_fields = ["municipality"]
    inlines = [MunicipalContactInline]
