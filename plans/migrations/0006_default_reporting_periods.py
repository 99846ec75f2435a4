"""Plans that have no reporting period get the two half-years every new plan now starts with, so
that 担当の取組 and 進捗報告の確認 work for them too (plans.services.DEFAULT_PERIODS)."""
import calendar
from datetime import date

from django.db import migrations


def add_defaults(apps, schema_editor):
    from plans.services import DEFAULT_PERIODS

    BusinessPlan = apps.get_model("plans", "BusinessPlan")
    ReportingPeriod = apps.get_model("plans", "ReportingPeriod")
    for plan in BusinessPlan.objects.filter(reporting_periods__isnull=True):
        year = plan.fiscal_year
        for t in DEFAULT_PERIODS:
            end_year = year + t.ends[0]
            ReportingPeriod.objects.create(
                plan=plan, name=t.name, starts_on=date(year + t.starts[0], t.starts[1], 1),
                ends_on=date(end_year, t.ends[1], calendar.monthrange(end_year, t.ends[1])[1]),
                due_on=date(year + t.due[0], t.due[1], t.due[2]),
            )


class Migration(migrations.Migration):
    dependencies = [("plans", "0005_plan_settings_version_audit")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
