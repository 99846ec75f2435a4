from django.contrib import admin

from kpi.models import Kpi, KpiFigure, PlausibilityRule
from core.admin_forms import same_platform_form


@admin.register(Kpi)
class KpiAdmin(admin.ModelAdmin):
    list_display = ["name", "kind_label", "target_text", "unit", "parent", "measure"]
    list_filter = ["measure__section__plan__platform", "measure__section__plan__fiscal_year", "measure_type", "target_period"]
    search_fields = ["name", "group_label"]
    filter_horizontal = ["reporting_bodies"]
    raw_id_fields = ["parent", "measure"]
    form = same_platform_form("reporting_bodies")
    list_select_related = ["parent", "measure"]

    @admin.display(description="種類")
    def kind_label(self, obj):
        return obj.kind_label


@admin.register(KpiFigure)
class KpiFigureAdmin(admin.ModelAdmin):
    list_display = ["kpi", "member_body", "month", "value", "numerator", "denominator", "updated_at"]
    list_filter = ["kpi__measure__section__plan__platform", "member_body", "month"]
    search_fields = ["kpi__name", "member_body__name"]
    raw_id_fields = ["kpi"]
    list_select_related = ["kpi", "member_body"]
    date_hierarchy = "month"


@admin.register(PlausibilityRule)
class PlausibilityRuleAdmin(admin.ModelAdmin):
    """The thresholds of the entry grid's warnings, per platform and measure type (kpi/plausibility.py)."""

    list_display = ["platform", "measure_type", "max_change_ratio", "min_base_value", "max_target_share_ratio", "warn_rate_over_100"]
    list_filter = ["platform", "measure_type"]
    list_select_related = ["platform"]
