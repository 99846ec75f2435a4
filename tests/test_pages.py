"""The foundation's screens: a Japanese login page, the home page and the roadmap, per platform."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpi.models import Kpi
from plans.models import ROADMAP_KPIS, Measure
from tests.factories import load_sample_platform, make_user


@pytest.fixture
def lead(gunma):
    return make_user(gunma, username="lead-test", body_name="群馬労働局", role_code="lead_secretariat")


def test_login_page_is_japanese(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert "ログイン" in html and "ユーザー名" in html and "パスワード" in html


def test_anonymous_user_is_sent_to_login(client, db):
    response = client.get(reverse("plans:roadmap", args=[2025]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_wrong_password_shows_japanese_error(client, lead):
    response = client.post(reverse("login"), {"username": "lead-test", "password": "wrong"})
    assert "ユーザー名またはパスワードが正しくありません" in response.content.decode()


def test_home_shows_current_name_goal_and_categories(client, lead):
    client.force_login(lead)
    html = client.get(reverse("home")).content.decode()
    assert "ぐんま中高年世代活躍応援プロジェクト協議会" in html
    assert "令和7年度（2025年度）" in html
    assert "数値目標：正規雇用者の増加数（年間目標 <strong>3,325人</strong>）" in html
    assert "※ 群馬労働局における令和７年度の就職氷河期世代を含む中高年層の正社員就職目標件数" in html
    assert "不安定な就労状態にある方" in html
    assert "社会参加に向けた支援を必要とする方" in html
    assert "秘密の保持" in html


def test_roadmap_lists_every_measure_kpi_and_responsible_party(client, lead, plan2025):
    client.force_login(lead)
    html = client.get(reverse("plans:roadmap", args=[2025])).content.decode()
    for kpi in Kpi.objects.filter(ROADMAP_KPIS, measure__section__plan=plan2025):
        assert kpi.name in html
    # The numeric goal's components are printed with the goal, not again among their measures' KPIs.
    for kpi in Kpi.objects.filter(measure__section__plan=plan2025, goal_component__isnull=False):
        assert kpi.name not in html
    assert "1,538件／月" in html
    assert "（「ハローワークにおける紹介就職件数」の内数）" in html
    assert "労働局・県・機構" in html
    assert "労働局・県・経済団体" in html
    for measure in Measure.objects.filter(section__plan=plan2025):
        assert measure.description[:30] in html


def test_roadmap_query_count_does_not_grow_with_measures(client, lead, plan2025, django_assert_num_queries):
    client.force_login(lead)
    url = reverse("plans:roadmap", args=[2025])
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    section = plan2025.sections.get(number="(3)", parent__number="2")
    for i in range(5):
        measure = Measure.objects.create(section=section, number=f"追{i}", description=f"追加の取組{i}")
        measure.responsible_parties.set(section.measures.first().responsible_parties.all())
        Kpi.objects.create(measure=measure, name=f"追加指標{i}", target_value=10, unit="件")
    with CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert "追加指標4" in response.content.decode()
    assert len(after) == len(before)


def test_other_platform_user_never_sees_gunma(client, gunma):
    other = load_sample_platform()
    user = make_user(other, username="tochigi", body_name="栃木労働局", role_code="lead_secretariat")
    client.force_login(user)
    html = client.get(reverse("plans:roadmap", args=[2025])).content.decode()
    assert "（サンプル）紹介就職件数" in html
    assert "ハローワークにおける紹介就職件数" not in html
    assert "ぐんま" not in client.get(reverse("home")).content.decode()


def test_plan_of_a_year_without_plan_is_404(client, lead):
    client.force_login(lead)
    assert client.get(reverse("plans:roadmap", args=[2031])).status_code == 404


def test_user_without_body_sees_explanation(client, db):
    from members.models import User

    user = User.objects.create_user(username="nobody", password="x")
    client.force_login(user)
    assert "どのプラットフォームの構成員にも属していません" in client.get(reverse("home")).content.decode()


# Pinned so that an N+1 shows up as a failing test. The counts include the savepoint and release
# of the request transaction (ATOMIC_REQUESTS), the session, the user and the user's body; the
# home page for the lead also gathers the dashboard (tests/test_dashboard.py keeps it constant).
# Counts for the lead secretariat include loading their second-factor device (django-otp).
# The home page reads without a transaction; with the production cache (real_cache) the session
# is read from the cache, and after a change to the data (data_changed) everything else is computed again.
HOME_QUERIES = 27  # 4 of them the plan's numeric goals: goals, components, their reporting bodies, counted figures; 1 the setup checklist (dashboard/checklist.py); 1 the due day (kpi.ReportingSchedule), 1 the menu's 実績入力 check
HOME_QUERIES_CACHED = 1  # their second-factor device: the user and the page come from the cache
ROADMAP_QUERIES = 26  # + the 確定 cut-off the page states (kpi.confirmation.confirmed_through); + whether the body reports a KPI (the menu's 実績入力)


def test_home_query_count_is_pinned(client, lead, real_cache, django_assert_num_queries):
    from core.freshness import data_changed

    client.force_login(lead)
    data_changed()
    with django_assert_num_queries(HOME_QUERIES):
        client.get(reverse("home"))
    with django_assert_num_queries(HOME_QUERIES_CACHED):  # until the data changes (core/freshness.py)
        client.get(reverse("home"))


def test_roadmap_query_count_is_pinned(client, lead, django_assert_num_queries):
    client.force_login(lead)
    with django_assert_num_queries(ROADMAP_QUERIES):
        client.get(reverse("plans:roadmap", args=[2025]))
