"""Plan settings: a year's plan, its reporting periods, categories and numeric goals set up on screen."""
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from kpi.models import Kpi
from plans.models import Measure, NumericGoal, ProgressReport


@pytest.fixture
def lead(client, lead_user):
    client.force_login(lead_user)
    return client


def _management(prefix, total, initial):
    return {f"{prefix}-TOTAL_FORMS": total, f"{prefix}-INITIAL_FORMS": initial, f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000}


def _periods_data(plan, extra=None, delete=()):
    periods = list(plan.reporting_periods.all())
    data = {"version": plan.version} | _management("periods", len(periods) + 1, len(periods))
    for i, p in enumerate(periods):
        data |= {f"periods-{i}-id": p.pk, f"periods-{i}-name": p.name, f"periods-{i}-starts_on": p.starts_on,
                 f"periods-{i}-ends_on": p.ends_on, f"periods-{i}-due_on": p.due_on or ""}
        if p.name in delete:
            data[f"periods-{i}-DELETE"] = "on"
    for key, value in (extra or {}).items():
        data[f"periods-{len(periods)}-{key}"] = value
    return data


def test_a_new_years_plan_made_on_screen_can_take_progress_reports_at_once(lead, hw_user, client, gunma):
    response = lead.post(reverse("plans:settings_new"), {"fiscal_year": "２０２７", "title": "令和9年度 事業実施計画"})
    assert response.status_code == 302 and response.url == reverse("plans:settings", args=[2027])
    page = lead.get(response.url).content.decode()
    assert "上半期（4月～9月）" in page and "令和9年10月31日" in page
    again = lead.post(reverse("plans:settings_new"), {"fiscal_year": "2027", "title": "重複"})
    assert again.status_code == 400 and "2027年度の事業実施計画は既にあります。" in again.content.decode()
    assert lead.get(reverse("plans:consolidation", args=[2027])).status_code == 200


def test_periods_are_edited_in_the_year_and_one_with_reports_is_not_deleted(lead, gunma, plan2025):
    url = reverse("plans:settings_list", args=[2025, "periods"])
    outside = lead.post(url, _periods_data(plan2025, {"name": "年度外", "starts_on": "2026-04-01", "ends_on": "2026-06-30"}))
    assert outside.status_code == 400
    assert "3行目：報告期間は2025年度（2025年4月1日～2026年3月31日）の中にしてください。" in outside.content.decode()

    first = plan2025.reporting_periods.order_by("starts_on").first()
    hw = gunma.member_bodies.get(name="ハローワーク")
    ProgressReport.objects.create(measure=Measure.objects.for_body(hw, plan2025).first(), period=first, member_body=hw)
    plan2025.refresh_from_db()
    refused = lead.post(url, _periods_data(plan2025, delete=[first.name]))
    assert refused.status_code == 400 and f"「{first.name}」は進捗報告などに使われているため削除できません。" in refused.content.decode()
    assert plan2025.reporting_periods.filter(pk=first.pk).exists()

    plan2025.refresh_from_db()
    saved = lead.post(url, _periods_data(plan2025, {"name": "第3四半期", "starts_on": "2025-10-01", "ends_on": "2025-12-31", "due_on": "2026-01-15"}))
    assert saved.status_code == 302
    assert plan2025.reporting_periods.get(name="第3四半期").due_on == date(2026, 1, 15)
    assert plan2025.reporting_periods.get(name="第3四半期").history.count() == 1


def test_a_stale_list_is_refused_and_nothing_is_saved(lead, gunma, plan2025):
    url = reverse("plans:settings_list", args=[2025, "periods"])
    data = _periods_data(plan2025, {"name": "通年", "starts_on": "2025-04-01", "ends_on": "2026-03-31"})
    plan2025.__class__.objects.filter(pk=plan2025.pk).update(version=plan2025.version + 1)
    response = lead.post(url, data)
    assert response.status_code == 400 and "他の利用者が先に保存しました" in response.content.decode()
    assert not plan2025.reporting_periods.filter(name="通年").exists()


def test_categories_with_the_same_number_are_refused(lead, gunma, plan2025):
    data = {"version": plan2025.version} | _management("categories", 2, 0)
    for i in range(2):
        data |= {f"categories-{i}-number": "8", f"categories-{i}-title": f"類型{i}", f"categories-{i}-goal": "目標"}
    response = lead.post(reverse("plans:settings_list", args=[2025, "categories"]), data)
    assert response.status_code == 400 and "2行目：番号8は1行目と重なっています。" in response.content.decode()


def test_a_numeric_goal_and_its_components_are_set_on_screen(lead, gunma, plan2025):
    plan2025.numeric_goals.all().delete()
    data = {"version": plan2025.version} | _management("goals", 1, 0) | {
        "goals-0-label": "正規雇用者の増加数", "goals-0-target": "３，３２５", "goals-0-unit": "人", "goals-0-note": "※労働局の目標件数の合計", "goals-0-order": "1",
    }
    assert lead.post(reverse("plans:settings_list", args=[2025, "goals"]), data).status_code == 302
    goal = NumericGoal.objects.get(plan=plan2025)
    assert goal.target == Decimal("3325")
    kpi = Kpi.objects.get(measure__section__plan=plan2025, name="ハローワークにおける紹介就職件数")
    plan2025.refresh_from_db()
    data = {"version": plan2025.version} | _management("components", 1, 0) | {
        "components-0-label": "ハローワーク（紹介就職）", "components-0-kpi": kpi.pk, "components-0-order": "1",
    }
    url = reverse("plans:settings_goal", args=[2025, goal.pk])
    assert lead.get(url).status_code == 200
    assert lead.post(url, data).status_code == 302
    assert [c.kpi for c in goal.components.all()] == [kpi]
    page = lead.get(reverse("plans:settings", args=[2025])).content.decode()
    assert "3,325人" in page and "ハローワーク（紹介就職）" in page


@pytest.mark.parametrize("user", ["deputy_user", "chair_user", "observer_user", "hw_user"])
def test_plan_settings_are_the_leads(client, request, gunma, plan2025, user):
    client.force_login(request.getfixturevalue(user))
    assert client.get(reverse("plans:settings", args=[2025])).status_code == 403
    assert client.post(reverse("plans:settings_new"), {"fiscal_year": "2030", "title": "x"}).status_code == 403
    assert not gunma.plans.filter(fiscal_year=2030).exists()


def test_the_menus_entry_opens_the_working_years_settings_or_starts_a_first_plan(lead, gunma, plan2025, lead_user):
    assert lead.get(reverse("plans:settings_home")).url == reverse("plans:settings", args=[2025])
    gunma.plans.all().delete()
    assert lead.get(reverse("plans:settings_home")).url == reverse("plans:settings_new")
    home = lead.get(reverse("home")).content.decode()
    assert reverse("plans:settings_home") in home and reverse("platform_settings:overview") in home


def test_the_settings_pages_query_the_same_however_many_rows(lead, gunma, plan2025, django_assert_num_queries, django_assert_max_num_queries):
    from core.models import Guideline, Stage
    from plans.models import PlanCategory, ReportingPeriod, SupportCategory

    from kpi.choices import MeasureType
    from plans.models import GoalComponent

    goal = plan2025.numeric_goals.first()
    pages = [reverse("plans:settings", args=[2025]), reverse("platform_settings:overview"),
             reverse("plans:settings_list", args=[2025, "categories"]), reverse("plans:settings_goal", args=[2025, goal.pk])]
    free_kpis = iter(Kpi.objects.filter(measure__section__plan=plan2025, measure_type=MeasureType.COUNT, goal_component__isnull=True))
    counts = []
    for url in pages:
        lead.get(url)
        with django_assert_max_num_queries(1000) as captured:
            lead.get(url)
        counts.append(len(captured.captured_queries))
    for n in range(4, 7):
        category = SupportCategory.objects.create(platform=gunma, number=n, name=f"類型{n}")
        PlanCategory.objects.create(plan=plan2025, category=category, title=f"類型{n}", goal="目標")
        ReportingPeriod.objects.create(plan=plan2025, name=f"期間{n}", starts_on=date(2025, n, 1), ends_on=date(2025, n, 28))
        Stage.objects.create(platform=gunma, name=f"ステージ{n}", from_fiscal_year=2030 + n)
        guideline = Guideline.objects.create(platform=gunma, title=f"要領{n}", enacted_on=date(2020, n, 1))
        guideline.amendments.create(amended_on=date(2021, n, 1))
        GoalComponent.objects.create(goal=goal, kpi=next(free_kpis), label=f"内訳{n}", order=n)
    for url, count in zip(pages, counts):
        with django_assert_num_queries(count):
            lead.get(url)
    assert counts == [20, 22, 20, 22]  # pinned (the settings page: + the proposals and their people): a page that starts querying per row fails above
