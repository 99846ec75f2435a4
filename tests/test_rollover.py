"""Fiscal-year rollover: a plan copied to the next year without its figures, and the differences between two years."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kpi.models import Kpi, KpiFigure
from plans.models import Measure, ProgressReport
from plans.rollover import copy_plan, plan_diff


def test_copy_takes_the_roadmap_kpis_and_targets_but_no_figures(plan2025, gunma):
    bureau = gunma.member_bodies.get(name="群馬労働局")
    placements = Kpi.objects.get(measure__section__plan=plan2025, name="ハローワークにおける紹介就職件数")
    KpiFigure.objects.create(kpi=placements, member_body=bureau, month=date(2025, 4, 1), value=1)
    plan2026 = copy_plan(plan2025, 2026)
    assert plan2026.status == "draft" and plan2026.headline_goal_value == plan2025.headline_goal_value
    assert plan2026.sections.count() == plan2025.sections.count()
    old = {m.code: m for m in Measure.objects.filter(section__plan=plan2025).select_related("section__parent__parent")}
    new = {m.code: m for m in Measure.objects.filter(section__plan=plan2026).select_related("section__parent__parent")}
    assert old.keys() == new.keys()
    assert {p.label for p in new["2(4)①"].responsible_parties.all()} == {"労働局", "県", "機構"}
    new_kpis = {k.name: k for k in Kpi.objects.filter(measure__section__plan=plan2026)}
    assert new_kpis["ハローワークにおける紹介就職件数"].target_value == Decimal(1538)
    assert new_kpis["専門窓口における紹介就職件数"].parent == new_kpis["ハローワークにおける紹介就職件数"]  # 内数 follows the copy
    assert list(new_kpis["ハローワークにおける紹介就職件数"].reporting_bodies.all()) == [bureau]
    assert not KpiFigure.objects.filter(kpi__measure__section__plan=plan2026).exists()
    assert not ProgressReport.objects.filter(period__plan=plan2026).exists()
    periods = list(plan2026.reporting_periods.order_by("starts_on"))
    assert (periods[0].starts_on, periods[-1].ends_on) == (date(2026, 4, 1), date(2027, 3, 31))
    assert plan_diff(plan2025, plan2026).is_empty


def test_a_year_that_has_a_plan_is_refused(plan2025):
    with pytest.raises(ValidationError, match="2025年度の事業実施計画は既にあります"):
        copy_plan(plan2025, 2025)


def test_diff_shows_added_removed_and_changed_measures_and_targets(plan2025):
    plan2026 = copy_plan(plan2025, 2026)
    measures = {m.code: m for m in Measure.objects.filter(section__plan=plan2026).select_related("section__parent__parent")}
    kpi = measures["2(1)ア①"].kpis.get(name="ハローワークにおける紹介就職件数")
    kpi.target_value = Decimal(1600)
    kpi.save()
    measures["2(1)ア③"].delete()
    Measure.objects.create(section=measures["2(1)ア①"].section, number="④", description="オンライン職業相談の実施")
    diff = plan_diff(plan2025, plan2026)
    assert [a for a in diff.added] == ["2(1)ア④ オンライン職業相談の実施"]
    assert diff.removed and diff.removed[0].startswith("2(1)ア③")
    assert [(c.code, c.what, c.before, c.after) for c in diff.changed] == [
        ("2(1)ア①", "ＫＰＩ「ハローワークにおける紹介就職件数」の目標", "1,538件／月", "1,600件／月")
    ]


def test_the_lead_rolls_over_and_sees_the_comparison(client, lead_user, deputy_user, plan2025):
    from django.urls import reverse

    client.force_login(deputy_user)
    assert client.post(reverse("plans:rollover", args=[2025])).status_code == 403
    client.force_login(lead_user)
    assert "次年度（2026年度）へ複製する" in client.get(reverse("plans:roadmap", args=[2025])).content.decode()
    response = client.post(reverse("plans:rollover", args=[2025]), follow=True)
    html = response.content.decode()
    assert "2026年度の計画を2025年度から作りました" in html and "違いはありません" in html
    again = client.post(reverse("plans:rollover", args=[2025]), follow=True).content.decode()
    assert "2026年度の事業実施計画は既にあります" in again
