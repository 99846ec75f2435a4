"""The home page per role: the reporting-rate view (報告状況) and KPI achievement with marks."""
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from kpi.dashboard import build_dashboard
from kpi.models import FigureSubmission, Kpi, KpiFigure, Reminder
from kpi.reporting import ReportingState, reporting_matrix, state_of

APRIL, MAY, JUNE, JULY = date(2025, 4, 1), date(2025, 5, 1), date(2025, 6, 1), date(2025, 7, 1)
TODAY = date(2026, 11, 24)  # the demo's "today": FY2025 has ended, FY2026 has no plan


@pytest.fixture
def welfare(gunma):
    return gunma.member_bodies.get(name="群馬県（健康福祉部）")


def kpi_named(plan, name):
    return Kpi.objects.get(measure__section__plan=plan, name=name)


def submit(plan, body, month, status):
    return FigureSubmission.objects.create(plan=plan, member_body=body, month=month, status=status)


def row_of(html, header):
    """The table row whose header cell ends with `header`."""
    row = html[html.index(f"{header}</th>"):]
    return row[: row.index("</tr>")]


def home(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("home"), params)
    assert response.status_code == 200
    return response.content.decode()


# The state of one body-month


def test_state_of_a_body_month():
    assert state_of(0, 2, False, None) == ReportingState.MISSING  # due, nothing entered
    assert state_of(0, 2, True, None) == ReportingState.ENTERED
    assert state_of(0, 2, True, FigureSubmission(status="draft")) == ReportingState.ENTERED
    assert state_of(0, 2, True, FigureSubmission(status="submitted")) == ReportingState.SUBMITTED
    assert state_of(0, 2, True, FigureSubmission(status="approved")) == ReportingState.APPROVED
    assert state_of(0, 2, True, FigureSubmission(status="returned")) == ReportingState.RETURNED
    assert state_of(2, 2, False, None) == ReportingState.NOT_DUE  # the third month has not ended
    assert state_of(2, 2, True, None) == ReportingState.ENTERED  # figures entered early still show


def test_matrix_states_and_rates_as_of_a_date(plan2025, bureau, industry, welfare):
    KpiFigure.objects.create(kpi=kpi_named(plan2025, "ハローワークにおける紹介就職件数"), member_body=bureau, month=MAY, value=1)
    submit(plan2025, bureau, APRIL, "approved")
    submit(plan2025, industry, APRIL, "submitted")
    submit(plan2025, welfare, MAY, "returned")
    matrix = reporting_matrix(plan2025, as_of=date(2025, 7, 10))  # April to June have ended
    states = {row.body: [c.state for c in row.cells[:4]] for row in matrix.rows}
    assert states[bureau] == ["approved", "entered", "missing", "not_due"]
    assert states[industry] == ["submitted", "missing", "missing", "not_due"]
    assert states[welfare] == ["missing", "returned", "missing", "not_due"]
    assert matrix.months_due == 3
    assert matrix.rates[:4] == [pytest.approx(2 / 3), 0, 0, None]
    assert matrix.overall_rate == pytest.approx(2 / 9)
    assert {c.body for c in matrix.outstanding(MAY)} == {bureau, industry, welfare}


def test_no_month_is_before_its_deadline_for_fy2025_today(plan2025):
    matrix = reporting_matrix(plan2025, as_of=TODAY)
    assert matrix.months_due == 12
    assert not [c for row in matrix.rows for c in row.cells if c.state == ReportingState.NOT_DUE]


def test_dashboard_lists_the_ended_months_each_body_owes(plan2025, bureau, industry, welfare):
    for month in (APRIL, MAY):
        for body in (bureau, industry, welfare):
            submit(plan2025, body, month, "approved")
    dashboard = build_dashboard(plan2025, as_of=date(2025, 7, 10))
    assert dashboard.due_months_with_outstanding == [JUNE]
    assert [(body, months) for body, months in dashboard.bodies_with_outstanding] == [
        (bureau, [JUNE]), (industry, [JUNE]), (welfare, [JUNE])
    ]


# What the home page shows


def test_home_shows_the_reporting_matrix_with_rates(client, lead_user, plan2025, bureau, industry, welfare):
    for body in (bureau, industry, welfare):
        submit(plan2025, body, APRIL, "approved")
    submit(plan2025, welfare, MAY, "returned")
    KpiFigure.objects.create(kpi=kpi_named(plan2025, "相談件数"), member_body=industry, month=MAY, value=3)
    html = home(client, lead_user)
    assert "月次実績の報告状況" in html
    industry_row = row_of(html, "群馬県（産業経済部）")
    assert industry_row.count("state-approved") == 1 and industry_row.count("state-entered") == 1
    assert industry_row.count("state-missing") == 10
    assert f'href="{reverse("kpi:entry_body", args=[2025, industry.pk])}"' in industry_row
    assert '<span class="badge state-returned">差戻し</span>' in row_of(html, "群馬県（健康福祉部）")
    assert "state-not_due" not in html  # FY2025 has ended: every month is due
    rates = re.findall(r'<td class="num">([^<]*)</td>', row_of(html, "報告率"))
    assert rates == ["100%"] + ["0%"] * 11
    assert '<strong class="overall-rate">8%</strong>' in html  # 3 of 36 body-months


def test_home_shows_achievement_marks_with_labels(client, observer_user, plan2025, bureau, industry):
    KpiFigure.objects.create(kpi=kpi_named(plan2025, "ハローワークにおける紹介就職件数"), member_body=bureau, month=APRIL, value=10)
    KpiFigure.objects.create(kpi=kpi_named(plan2025, "新規登録者件数"), member_body=bureau, month=JUNE, value=250)
    KpiFigure.objects.create(
        kpi=kpi_named(plan2025, "公的職業訓練定員充足率（求職者支援訓練）"), member_body=bureau, month=JULY,
        numerator=Decimal(70), denominator=Decimal(100),
    )
    # The year is judged up to its last month with counted values (kpi.confirmation.judged_months): March.
    KpiFigure.objects.create(kpi=kpi_named(plan2025, "新規登録者件数"), member_body=bureau, month=date(2026, 3, 1), value=0)
    for month in (APRIL, JUNE, JULY, date(2026, 3, 1)):
        submit(plan2025, bureau, month, "approved")  # only confirmed figures count (kpi/confirmation.py)
    html = home(client, observer_user)
    assert "ＫＰＩの達成状況" in html
    far_below = row_of(html, "ハローワークにおける紹介就職件数")
    assert "1,538件／月" in far_below and "18,456件" in far_below  # 12 months ended: 1,538 × 12 owed
    assert '<span class="badge outlook-off_track">遅れ</span>' in far_below and "0.0%" in far_below  # 0.054 %: rounded towards not met, like every achievement
    assert '<span class="badge outlook-on_track">順調</span>' in row_of(html, "新規登録者件数")
    rate = row_of(html, "公的職業訓練定員充足率（求職者支援訓練）")
    assert "74.0%" in rate and "70.0%" in rate and "94.5%" in rate  # rates to one decimal; 94.59… % rounded towards not met
    assert '<span class="badge outlook-at_risk">注意</span>' in rate
    assert '<span class="badge outlook-not_applicable">対象外</span>' in row_of(html, "市町村PF設置主体による情報共有")
    assert "順調 1件" in html and "注意 1件" in html and "遅れ 1件" in html and "未入力 10件" in html


def test_home_groups_kpis_by_roadmap_item_in_roadmap_order(client, observer_user, plan2025):
    html = home(client, observer_user)
    table = html[html.index('class="achievement"'):]
    items = [plan2025.sections.get(parent=None, number=n) for n in ("2", "3", "4")]
    positions = [table.index(f'colspan="7">{item}</th>') for item in items]
    assert positions == sorted(positions)
    assert positions[0] < table.index("ハローワークにおける紹介就職件数") < positions[1] < table.index("新規登録者件数") < positions[2]


def test_home_shows_the_chosen_fiscal_year(client, observer_user, plan2025):
    html = home(client, observer_user, fiscal_year="2025")
    assert "令和7年度" in html and "ＫＰＩの達成状況" in html
    assert "令和7年度" in home(client, observer_user, fiscal_year="1999")  # unknown year: the working plan


# What each role sees


def test_member_staff_see_their_own_row_outstanding_months_and_tasks(client, bureau_staff, plan2025, bureau):
    submit(plan2025, bureau, APRIL, "approved")
    html = home(client, bureau_staff)
    assert html.count('<tr class="own">') == 1
    assert '<tr class="own">\n        <th scope="row">群馬労働局 <small>（自機関）</small>' in html
    own = html[html.index("群馬労働局の未提出の月"):]
    own = own[: own.index("</section>")]
    assert "<li>4月 " not in own and "<li>5月 " in own and "<li>3月 " in own
    # Each owed month with its due date (翌月10日 by default), past it here.
    assert "期限超過（令和7年6月10日）" in own
    assert reverse("kpi:entry", args=[2025]) in own
    tasks = html[html.index("担当の取組"):]
    assert "群馬労働局が実施主体の取組" in tasks and reverse("plans:my_tasks", args=[2025]) in tasks
    assert "督促" not in html and "承認待ちの実績" not in html


def test_only_the_members_own_row_is_highlighted(client, deputy_user):
    html = home(client, deputy_user)
    assert html.count('<tr class="own">') == 1
    assert '<tr class="own">\n        <th scope="row">群馬県（産業経済部） <small>（自機関）</small>' in html


def test_a_body_without_figures_sees_its_tasks_but_no_outstanding_months(client, hw_user):
    html = home(client, hw_user)
    assert "ハローワークが実施主体の取組" in html and "の未提出の月" not in html


def test_observer_reads_without_reminders_tasks_or_approvals(client, observer_user):
    html = home(client, observer_user)
    assert "ＫＰＩの達成状況" in html and "月次実績の報告状況" in html
    assert "督促" not in html and "担当の取組" not in html and "承認待ちの実績" not in html
    assert 'class="own"' not in html  # 上毛新聞社 enters no figures


def test_lead_sees_approvals_waiting_and_the_reminder_form(client, lead_user, plan2025, bureau, industry):
    submit(plan2025, bureau, APRIL, "submitted")
    submit(plan2025, industry, APRIL, "submitted")
    submit(plan2025, industry, MAY, "approved")
    html = home(client, lead_user)
    approvals = html[html.index("承認待ちの実績"):]
    assert "<strong>2</strong>件" in approvals[:200] and reverse("kpi:approvals", args=[2025]) in approvals
    form = html[html.index(f'action="{reverse("send_reminders", args=[2025])}"'):]
    form = form[: form.index("</form>")]
    # Every overdue month of each body in one mail comes first; a single month can still be chosen.
    assert '<option value="overdue">期限を過ぎた全ての月（機関ごとに1通）</option><option value="2025-04">' in form
    assert '<option value="2026-03">2026年3月</option>' in form
    assert 'name="bodies"' in form and "群馬県（健康福祉部）" in form
    assert "（未提出：5月・6月" in form  # the bureau owes May onwards (April is submitted)


def test_another_platform_sees_only_its_own(client, other_platform_user):
    html = home(client, other_platform_user)
    assert "栃木" in html and "群馬" not in html


def test_a_user_without_figures_permission_sees_the_plan_only(client, gunma):
    from members.models import User

    user = User.objects.create_user(username="muni", password="x", member_body=gunma.member_bodies.get(name="安中市"))
    user.access_roles.set(gunma.access_roles.filter(code="municipal_staff"))
    html = home(client, user)
    assert "工程表を見る" in html and "ＫＰＩの達成状況" not in html and "月次実績の報告状況" not in html


# Query counts


def test_home_query_count_stays_constant_with_tenfold_data(client, lead_user, plan2025, gunma, real_cache, django_assert_num_queries):
    from core.freshness import data_changed
    from tests.test_pages import HOME_QUERIES, HOME_QUERIES_CACHED

    client.force_login(lead_user)
    data_changed()
    with django_assert_num_queries(HOME_QUERIES):
        client.get(reverse("home"))
    with django_assert_num_queries(HOME_QUERIES_CACHED):
        client.get(reverse("home"))
    kpis = list(Kpi.objects.filter(measure__section__plan=plan2025))
    bodies = list(gunma.member_bodies.all())  # every member body reports: 3 → 13 rows
    extra = Kpi.objects.bulk_create(
        Kpi(measure=kpi.measure, name=f"追加指標{kpi.pk}-{i}", target_value=Decimal(10), target_period="month", unit="件")
        for kpi in kpis for i in range(9)
    )  # 14 KPIs → 140
    for kpi in extra:
        kpi.reporting_bodies.set(bodies)
    KpiFigure.objects.bulk_create(
        KpiFigure(kpi=kpi, member_body=b, month=month, value=3) for kpi in extra for b in bodies for month in (APRIL, MAY)
    )
    FigureSubmission.objects.bulk_create(FigureSubmission(plan=plan2025, member_body=b, month=JUNE, status="submitted") for b in bodies)
    Reminder.objects.bulk_create(
        Reminder(plan=plan2025, member_body=b, month=JULY, subject="督促", message="本文", sent_by=lead_user) for b in bodies
    )
    data_changed()  # as the portal's own bulk writes do (core.audit)
    with django_assert_num_queries(HOME_QUERIES):
        html = client.get(reverse("home")).content.decode()
    with django_assert_num_queries(HOME_QUERIES_CACHED):
        assert client.get(reverse("home")).content.decode().count("追加指標") == len(extra)
    assert html.count("追加指標") == len(extra) and "（株）上毛新聞社" in html and "最近の督促" in html
