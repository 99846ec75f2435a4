"""The home page per role: the reporting-rate view, KPI achievement with marks, and reminders."""
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from kpi.models import FigureSubmission, Kpi, KpiFigure, Reminder
from kpi.reporting import ReportingState, reporting_matrix, state_of
from tests.factories import make_user

APRIL, MAY, JUNE = date(2025, 4, 1), date(2025, 5, 1), date(2025, 6, 1)


@pytest.fixture
def bureau(gunma):
    return gunma.member_bodies.get(name="群馬労働局")


def placements(plan):
    return Kpi.objects.get(measure__section__plan=plan, name="ハローワークにおける紹介就職件数")


def test_state_of_a_body_month():
    submitted = FigureSubmission(status="submitted")
    assert state_of(0, 2, False, None) == ReportingState.MISSING
    assert state_of(0, 2, True, None) == ReportingState.ENTERED
    assert state_of(3, 2, False, None) == ReportingState.NOT_DUE
    assert state_of(0, 2, True, submitted) == ReportingState.SUBMITTED
    assert state_of(0, 2, True, FigureSubmission(status="draft")) == ReportingState.ENTERED


def test_matrix_states_and_rates(plan2025, bureau):
    KpiFigure.objects.create(kpi=placements(plan2025), member_body=bureau, month=MAY, value=1)
    FigureSubmission.objects.create(plan=plan2025, member_body=bureau, month=APRIL, status="approved")
    matrix = reporting_matrix(plan2025, as_of=date(2025, 7, 10))  # April to June have ended
    row = next(r for r in matrix.rows if r.body == bureau)
    assert [c.state for c in row.cells[:4]] == ["approved", "entered", "missing", "not_due"]
    assert matrix.months_due == 3
    assert matrix.month_rate(0) == pytest.approx(1 / len(matrix.rows))
    assert matrix.month_rate(3) is None
    assert {c.body.name for c in matrix.outstanding(JUNE)} == {r.body.name for r in matrix.rows}


def test_home_shows_reporting_states_and_achievement_marks(client, lead_user, plan2025, bureau):
    kpi = placements(plan2025)
    KpiFigure.objects.create(kpi=kpi, member_body=bureau, month=APRIL, value=10)  # far below 1,538 a month
    client.force_login(lead_user)
    html = client.get(reverse("home")).content.decode()
    assert "月次実績の報告状況" in html and "報告率" in html
    assert '<span class="badge state-entered">入力中</span>' in html
    assert '<span class="badge state-missing">未入力</span>' in html
    row = html[html.index("ハローワークにおける紹介就職件数</th>"):]
    row = row[: row.index("</tr>")]
    assert "遅れ" in row and "18,456" in row  # the whole year has ended: 1,538 × 12 owed


def test_member_staff_see_their_outstanding_months_and_tasks_but_no_reminder_form(client, bureau_staff, hw_user, observer_user):
    client.force_login(bureau_staff)
    html = client.get(reverse("home")).content.decode()
    assert "群馬労働局の未提出の月" in html and 'class="own"' in html
    assert "督促" not in html
    client.force_login(hw_user)
    html = client.get(reverse("home")).content.decode()
    assert "ハローワークが実施主体の取組" in html
    client.force_login(observer_user)
    html = client.get(reverse("home")).content.decode()
    assert "ＫＰＩの達成状況" in html and "督促" not in html and "担当の取組" not in html


def test_lead_sees_approvals_waiting_and_the_reminder_form(client, lead_user, plan2025, bureau):
    FigureSubmission.objects.create(plan=plan2025, member_body=bureau, month=APRIL, status="submitted")
    client.force_login(lead_user)
    html = client.get(reverse("home")).content.decode()
    assert "承認待ちの実績" in html and "<strong>1</strong>件" in html
    assert "未提出の機関に督促メールを送る" in html


def test_another_platform_sees_only_its_own(client, other_platform_user):
    client.force_login(other_platform_user)
    html = client.get(reverse("home")).content.decode()
    assert "栃木" in html and "群馬" not in html


def test_reminders_go_to_the_staff_who_enter_figures_and_are_recorded(
    client, gunma, lead_user, bureau_staff, plan2025, django_capture_on_commit_callbacks
):
    bureau_staff.email = "bureau@example.jp"
    bureau_staff.save()
    observer_at_bureau = make_user(gunma, username="chair2", body_name="群馬労働局", role_code="chair")
    observer_at_bureau.email = "chair@example.jp"
    observer_at_bureau.save()
    client.force_login(lead_user)
    with django_capture_on_commit_callbacks(execute=True):
        with_captured = client.post(reverse("send_reminders", args=[2025]), {"month": "2025-09"}, follow=True)
    html = with_captured.content.decode()
    assert "機関に9月分の督促を送信しました" in html
    assert "メールアドレスの登録がないため送信できなかった機関" in html  # 県健康福祉部 has no user here
    recipients = sorted(a for m in mail.outbox for a in m.to)
    assert "bureau@example.jp" in recipients and "chair@example.jp" not in recipients
    assert "令和7年9月分" in mail.outbox[0].subject
    reminders = Reminder.objects.filter(plan=plan2025, month=date(2025, 9, 1))
    assert reminders.count() == 3 and reminders.first().sent_by == lead_user
    assert "最近の督促" in client.get(reverse("home")).content.decode()


def test_reminders_are_for_the_lead_and_ended_months_only(client, deputy_user, lead_user, plan2025, gunma):
    client.force_login(deputy_user)
    assert client.post(reverse("send_reminders", args=[2025]), {"month": "2025-09"}).status_code == 403
    client.force_login(lead_user)
    response = client.post(reverse("send_reminders", args=[2025]), {"month": "2024-09"}, follow=True)
    assert "年度の月を選んでください" in response.content.decode()
    assert not Reminder.objects.exists() and not mail.outbox


def test_a_submitted_body_gets_no_reminder(client, lead_user, plan2025, bureau):
    FigureSubmission.objects.create(plan=plan2025, member_body=bureau, month=date(2025, 9, 1), status="submitted")
    client.force_login(lead_user)
    client.post(reverse("send_reminders", args=[2025]), {"month": "2025-09"})
    assert not Reminder.objects.filter(member_body=bureau).exists()


def test_home_query_count_stays_constant_with_tenfold_data(client, lead_user, plan2025, gunma, django_assert_num_queries):
    from tests.test_pages import HOME_QUERIES

    client.force_login(lead_user)
    with django_assert_num_queries(HOME_QUERIES):
        client.get(reverse("home"))
    measure = placements(plan2025).measure
    bodies = list(gunma.member_bodies.all())
    for i in range(30):
        kpi = Kpi.objects.create(measure=measure, name=f"追加指標{i}", target_value=Decimal(10), target_period="month", unit="件")
        kpi.reporting_bodies.set(bodies)
        KpiFigure.objects.bulk_create(KpiFigure(kpi=kpi, member_body=b, month=APRIL, value=3) for b in bodies)
    FigureSubmission.objects.bulk_create(FigureSubmission(plan=plan2025, member_body=b, month=MAY, status="submitted") for b in bodies)
    with django_assert_num_queries(HOME_QUERIES):
        html = client.get(reverse("home")).content.decode()
    assert "追加指標29" in html and "（株）上毛新聞社" in html
