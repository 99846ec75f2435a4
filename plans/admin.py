from django.contrib import admin

from kpi.models import Kpi
from plans.models import (
    BusinessPlan,
    GoalComponent,
    Measure,
    NumericGoal,
    PlanCategory,
    ProgressReport,
    ReportingPeriod,
    RoadmapSection,
    SupportCategory,
)
from plans.roadmap import responsible_label
from plans.services import ensure_default_reporting_periods
from core.admin_forms import PlatformColumnAdmin, same_platform_form


@admin.register(SupportCategory)
class SupportCategoryAdmin(PlatformColumnAdmin, admin.ModelAdmin):
    list_display = ["number", "name", "platform"]
    list_filter = ["platform"]
    search_fields = ["name"]


class PlanCategoryInline(admin.StackedInline):
    model = PlanCategory
    extra = 0


class ReportingPeriodInline(admin.TabularInline):
    model = ReportingPeriod
    extra = 0


@admin.register(BusinessPlan)
class BusinessPlanAdmin(PlatformColumnAdmin, admin.ModelAdmin):
    list_display = ["title", "fiscal_year", "platform", "status"]
    list_filter = ["platform", "fiscal_year", "status"]
    search_fields = ["title"]
    inlines = [PlanCategoryInline, ReportingPeriodInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A plan added here takes reports at once, as one made on the screens or imported does,
        # unless its periods were entered with it.
        if not change:
            ensure_default_reporting_periods(form.instance)


class GoalComponentInline(admin.TabularInline):
    model = GoalComponent
    extra = 0
    # The KPI is picked by id: a list of every KPI of every plan would offer other platforms' too;
    # GoalComponent.clean refuses a KPI of another plan.
    raw_id_fields = ["kpi"]
    fields = ["order", "label", "kpi", "kpi_target", "kpi_bodies"]
    readonly_fields = ["kpi_target", "kpi_bodies"]

    @admin.display(description="目標値（ＫＰＩ）")
    def kpi_target(self, obj):
        return obj.kpi.target_text or obj.kpi.target_value or "－" if obj.kpi_id else "－"

    @admin.display(description="実績を入力する機関（ＫＰＩ）")
    def kpi_bodies(self, obj):
        return "・".join(b.name for b in obj.kpi.reporting_bodies.all()) if obj.kpi_id else "－"


@admin.register(NumericGoal)
class NumericGoalAdmin(admin.ModelAdmin):
    """数値目標 and its components; a component's target and reporting body are its KPI's (edit them on the measure)."""

    list_display = ["label", "target", "unit", "plan", "order"]
    list_filter = ["plan__platform", "plan__fiscal_year"]
    search_fields = ["label", "note"]
    list_select_related = ["plan"]
    inlines = [GoalComponentInline]


@admin.register(RoadmapSection)
class RoadmapSectionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "parent", "plan", "order"]
    list_filter = ["plan__platform", "plan__fiscal_year"]
    search_fields = ["title", "description"]
    list_select_related = ["parent", "plan"]


class KpiInline(admin.StackedInline):
    model = Kpi
    fk_name = "measure"
    extra = 0
    filter_horizontal = ["reporting_bodies"]
    raw_id_fields = ["parent"]
    form = same_platform_form("reporting_bodies")


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["__str__", "section", "responsible_labels", "kpi_count"]
    list_filter = ["section__plan__platform", "section__plan__fiscal_year", "categories"]
    search_fields = ["description", "title", "section__title"]
    filter_horizontal = ["responsible_parties", "categories"]
    form = same_platform_form("responsible_parties", "categories")
    inlines = [KpiInline]

    def get_queryset(self, request):
        from django.db.models import Count

        return (
            super()
            .get_queryset(request)
            .select_related("section")
            .prefetch_related("responsible_parties")
            .annotate(num_kpis=Count("kpis"))
        )

    @admin.display(description="実施主体")
    def responsible_labels(self, obj):
        return responsible_label(obj)

    @admin.display(description="ＫＰＩ数", ordering="num_kpis")
    def kpi_count(self, obj):
        return obj.num_kpis


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "starts_on", "ends_on", "due_on"]
    list_filter = ["plan__platform", "plan__fiscal_year"]


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ["measure", "period", "member_body", "progress", "review_status", "updated_at"]
    list_filter = ["period__plan__platform", "period", "progress", "review_status"]
    search_fields = ["activities", "results", "issues", "member_body__name"]
    list_select_related = ["measure", "period", "member_body"]
