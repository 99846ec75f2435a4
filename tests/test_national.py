"""The national view: every platform side by side, read-only, in a constant number of queries."""
from datetime import date

from django.urls import reverse

from kpi.models import Kpi, KpiFigure
from members.models import AccessRole, User
from core.models import Platform, PlatformName, Prefecture
from plans.models import BusinessPlan, GoalComponent, Measure, NumericGoal, RoadmapSection
from tests.factories import approve, load_sample_platform


def national_user():
    user = User.objects.create_user(username="national", password="x")
    user.access_roles.set(AccessRole.objects.filter(platform=None, code="national_viewer"))
    return user


def test_national_viewer_sees_every_platform_side_by_side(client, gunma, plan2025):
    load_sample_platform()
    bureau = gunma.member_bodies.get(name="群馬労働局")
    kpi = Kpi.objects.get(measure__section__plan=plan2025, name="ハローワークにおける紹介就職件数")
    KpiFigure.objects.create(kpi=kpi, member_body=bureau, month=date(2025, 4, 1), value=100000)
    approve(plan2025, bureau, date(2025, 4, 1))  # the national view counts confirmed figures only
    client.force_login(national_user())
    response = client.get(reverse("home"), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("national")
    assert "ぐんま中高年世代活躍応援プロジェクト協議会" in html and "栃木" in html
    assert "正規雇用者の増加数（年間目標 3,325人）：実績 －" in html  # its components have no approved month
    assert "※ 群馬労働局における令和７年度" in html
    assert "<td>1／" in html  # one KPI of Gunma on track


def test_members_of_a_platform_cannot_open_the_national_view(client, lead_user):
    client.force_login(lead_user)
    assert client.get(reverse("national")).status_code == 403


NATIONAL_QUERIES = 17  # 4 of them every plan's numeric goals at once (plans.goals.plans_headline_progress)


def test_national_view_query_count_stays_constant_with_more_platforms(client, gunma, django_assert_num_queries):
    client.force_login(national_user())
    with django_assert_num_queries(NATIONAL_QUERIES):
        client.get(reverse("national"))
    for prefecture in Prefecture.objects.exclude(platform__isnull=False).order_by("code")[:9]:
        platform = Platform.objects.create(prefecture=prefecture, code=f"p{prefecture.code}")
        PlatformName.objects.create(platform=platform, name=f"{prefecture.name}プラットフォーム", from_fiscal_year=2020)
        plan = BusinessPlan.objects.create(platform=platform, fiscal_year=2025, title="計画")
        section = RoadmapSection.objects.create(plan=plan, number="1", title="項目")
        measure = Measure.objects.create(section=section, description="取組")
        Kpi.objects.create(measure=measure, name="件数", target_value=12, target_period="year")
        goal = NumericGoal.objects.create(plan=plan, label="正規雇用者の増加数", target=100, unit="人")
        part = Kpi.objects.create(measure=measure, name="正社員就職件数", target_period="year", unit="件")
        GoalComponent.objects.create(goal=goal, kpi=part, label="労働局")
    with django_assert_num_queries(NATIONAL_QUERIES):
        html = client.get(reverse("national")).content.decode()
    assert html.count("<th scope=\"row\">") == 10
