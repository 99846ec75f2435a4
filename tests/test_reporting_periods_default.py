"""A plan can take progress reports from the day it exists: every way of creating one gives it periods."""
from datetime import date

from django.urls import reverse

from onboarding.loader import load_plan
from plans.models import BusinessPlan
from plans.rollover import copy_plan
from tests.imports_helpers import confirm, texts, upload


def _periods(plan):
    return [(p.name, p.starts_on, p.ends_on, p.due_on) for p in plan.reporting_periods.order_by("starts_on")]


HALF_YEARS_2026 = [
    ("上半期（4月～9月）", date(2026, 4, 1), date(2026, 9, 30), date(2026, 10, 31)),
    ("下半期（10月～3月）", date(2026, 10, 1), date(2027, 3, 31), date(2027, 4, 30)),
]


def test_a_roadmap_import_that_starts_a_new_year_brings_two_half_year_periods(client, lead_user, hw_user, gunma, plan2025):
    client.force_login(lead_user)
    roadmap = client.get(reverse("imports:data", args=["roadmap"]), {"format": "utf-8-sig", "fiscal_year": 2025}).content
    run = upload(client, "roadmap", roadmap, name="roadmap.csv", fiscal_year=2026)
    assert run.status == "previewed", texts(run)[:5]
    assert not gunma.plans.filter(fiscal_year=2026).exists()  # the preview rolled its plan back, periods too
    confirm(client, run)
    plan = gunma.plans.get(fiscal_year=2026)
    assert _periods(plan) == HALF_YEARS_2026

    client.force_login(hw_user)
    tasks = client.get(reverse("plans:my_tasks", args=[2026])).content.decode()
    assert "報告期間が登録されていません" not in tasks and "上半期（4月～9月）" in tasks
    client.force_login(lead_user)
    assert client.get(reverse("plans:consolidation", args=[2026])).status_code == 200


def test_a_plan_file_without_periods_gets_the_defaults_and_one_with_periods_keeps_its_own(gunma):
    plan, _ = load_plan(gunma, {"fiscal_year": 2026, "title": "2026年度 事業実施計画"})
    assert _periods(plan) == HALF_YEARS_2026
    own = {"fiscal_year": 2027, "title": "2027年度", "reporting_periods": [
        {"name": "通年", "starts_on": "2027-04-01", "ends_on": "2028-03-31", "due_on": "2028-04-15"},
    ]}
    plan, _ = load_plan(gunma, own)
    assert [p.name for p in plan.reporting_periods.all()] == ["通年"]


def test_rolling_over_a_plan_without_periods_gives_the_new_year_the_defaults(gunma):
    bare = BusinessPlan.objects.create(platform=gunma, fiscal_year=2025 - 3, title="2022年度")
    copy = copy_plan(bare, 2026)
    assert _periods(copy) == HALF_YEARS_2026
