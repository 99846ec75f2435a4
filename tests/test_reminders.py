"""督促: reminders by e-mail to the bodies that still owe an ended month, each recorded."""
from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from kpi.models import FigureSubmission, Reminder
from kpi.reminders import send_reminders
from tests.factories import make_user

SEPTEMBER = date(2025, 9, 1)
TODAY = date(2026, 11, 24)
BASE_URL = "https://portal.example.jp"


@pytest.fixture
def bodies(gunma):
    names = {"bureau": "群馬労働局", "industry": "群馬県（産業経済部）", "welfare": "群馬県（健康福祉部）"}
    return {key: gunma.member_bodies.get(name=name) for key, name in names.items()}


@pytest.fixture
def addressed(gunma, lead_user, bureau_staff, deputy_user):
    """Staff with addresses: who enters figures gets the mail, the rest do not."""
    def with_email(user, email, active=True):
        user.email, user.is_active = email, active
        user.save()
        return user

    with_email(lead_user, "lead@example.jp")
    with_email(bureau_staff, "bureau@example.jp")
    with_email(deputy_user, "deputy@example.jp")
    with_email(make_user(gunma, username="chair2", body_name="群馬労働局", role_code="chair"), "chair@example.jp")
    with_email(make_user(gunma, username="gone", body_name="群馬労働局"), "gone@example.jp", active=False)
    with_email(make_user(gunma, username="hw2", body_name="ハローワーク"), "hw@example.jp")
    return lead_user


def sent_to():
    return {tuple(sorted(m.to)) for m in mail.outbox}


def test_one_mail_per_owing_body_to_its_staff_who_enter_figures(plan2025, addressed, bodies, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = send_reminders(plan2025, SEPTEMBER, [], addressed, BASE_URL, today=TODAY)
    # The chair (reads only), the inactive account and ハローワーク (enters no figures) get nothing.
    assert sent_to() == {("bureau@example.jp", "lead@example.jp"), ("deputy@example.jp",)}
    assert result.sent_count == 2 and result.unreachable == ["群馬県（健康福祉部）"]
    message = mail.outbox[0]
    assert message.subject == "【ぐんま協議会】令和7年9月分のＫＰＩ実績の入力・提出のお願い"
    assert "ぐんま中高年世代活躍応援プロジェクト協議会 事務局です" in message.body
    assert "令和7年9月分" in message.body and f"{BASE_URL}{reverse('kpi:entry', args=[2025])}" in message.body
    reminders = {r.member_body.name: r for r in Reminder.objects.filter(plan=plan2025, month=SEPTEMBER)}
    assert set(reminders) == {"群馬労働局", "群馬県（産業経済部）", "群馬県（健康福祉部）"}
    assert reminders["群馬労働局"].recipients == "bureau@example.jp, lead@example.jp"
    assert reminders["群馬県（健康福祉部）"].recipients == ""  # recorded although no one could be written to
    assert all(r.sent_by == addressed and r.subject == message.subject and r.message for r in reminders.values())


def test_a_mail_the_server_refuses_does_not_stop_the_other_bodies_mails(plan2025, addressed, bodies, monkeypatch, django_capture_on_commit_callbacks):
    from django.core.mail import EmailMessage

    real_send = EmailMessage.send

    def refuse_the_bureau(message, *args, **kwargs):
        if "bureau@example.jp" in message.to:
            raise OSError("550 mailbox unavailable")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", refuse_the_bureau)
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(plan2025, SEPTEMBER, [], addressed, BASE_URL, today=TODAY)
    assert sent_to() == {("deputy@example.jp",)}


def test_only_the_chosen_bodies_that_still_owe_the_month(plan2025, addressed, bodies, django_capture_on_commit_callbacks):
    FigureSubmission.objects.create(plan=plan2025, member_body=bodies["bureau"], month=SEPTEMBER, status="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        result = send_reminders(plan2025, SEPTEMBER, [bodies["bureau"], bodies["industry"]], addressed, BASE_URL, today=TODAY)
    assert sent_to() == {("deputy@example.jp",)}
    assert result.skipped == ["群馬労働局"]
    assert list(Reminder.objects.values_list("member_body__name", flat=True)) == ["群馬県（産業経済部）"]


def test_a_returned_month_is_chased_and_an_approved_one_is_not(plan2025, addressed, bodies, django_capture_on_commit_callbacks):
    FigureSubmission.objects.create(plan=plan2025, member_body=bodies["bureau"], month=SEPTEMBER, status="returned")
    FigureSubmission.objects.create(plan=plan2025, member_body=bodies["industry"], month=SEPTEMBER, status="approved")
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(plan2025, SEPTEMBER, [], addressed, BASE_URL, today=TODAY)
    assert set(Reminder.objects.values_list("member_body__name", flat=True)) == {"群馬労働局", "群馬県（健康福祉部）"}
    assert "差戻し" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("month", "today", "message"),
    [
        (SEPTEMBER, date(2025, 9, 20), "令和7年9月はまだ終わっていないため督促できません。"),
        (date(2024, 9, 1), TODAY, "2024年9月は令和7年度の月ではありません。"),
        (date(2026, 4, 1), TODAY, "2026年4月は令和7年度の月ではありません。"),
    ],
)
def test_a_month_not_ended_or_of_another_year_is_refused(plan2025, addressed, month, today, message):
    with pytest.raises(ValidationError) as refused:
        send_reminders(plan2025, month, [], addressed, BASE_URL, today=today)
    assert message in refused.value.messages[0]
    assert not Reminder.objects.exists() and not mail.outbox


def test_nothing_to_chase_when_every_body_has_submitted(plan2025, addressed, bodies):
    for body in bodies.values():
        FigureSubmission.objects.create(plan=plan2025, member_body=body, month=SEPTEMBER, status="approved")
    with pytest.raises(ValidationError, match="令和7年9月分の実績が未提出の機関はありません"):
        send_reminders(plan2025, SEPTEMBER, [], addressed, BASE_URL, today=TODAY)


# Through the home page


def post(client, data):
    return client.post(reverse("send_reminders", args=[2025]), data, follow=True)


def test_lead_sends_from_the_home_page_and_sees_the_record(client, addressed, plan2025, django_capture_on_commit_callbacks):
    client.force_login(addressed)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, {"month": "2025-09"})
    assert response.redirect_chain == [(f"{reverse('home')}?fiscal_year=2025", 302)]
    html = response.content.decode()
    assert "2機関に督促を送信しました（令和7年9月分）" in html
    assert "次の機関には送信できませんでした（督促の記録は残しました）：群馬県（健康福祉部）" in html
    assert len(mail.outbox) == 2 and "http://testserver/kpi/2025/entry/" in mail.outbox[0].body
    recent = html[html.index("最近の督促"):]
    assert "群馬県（健康福祉部）" in recent and "令和7年9月" in recent and "lead" in recent
    assert "（アドレス未登録のため送信なし）" in recent


def test_ticked_bodies_only(client, addressed, bodies, django_capture_on_commit_callbacks):
    client.force_login(addressed)
    with django_capture_on_commit_callbacks(execute=True):
        html = post(client, {"month": "2025-09", "bodies": [str(bodies["industry"].pk), "x"]}).content.decode()
    assert "1機関に督促を送信しました" in html and sent_to() == {("deputy@example.jp",)}


def test_another_platforms_body_cannot_be_chosen(client, addressed, other_platform_user):
    client.force_login(addressed)
    html = post(client, {"month": "2025-09", "bodies": [str(other_platform_user.member_body_id)]}).content.decode()
    # Not a body of this platform, so none was chosen and every owing body was chased.
    assert "2機関に督促を送信しました" in html and other_platform_user.member_body.name not in html
    assert not Reminder.objects.filter(member_body=other_platform_user.member_body).exists()
    assert Reminder.objects.count() == 3


@pytest.mark.parametrize(
    ("month", "message"), [("", "督促する対象月を選んでください。"), ("2025-13", "督促する対象月を選んでください。"), ("2024-09", "令和7年度の月を選んでください。")]
)
def test_bad_months_get_a_japanese_message(client, addressed, month, message):
    client.force_login(addressed)
    assert message in post(client, {"month": month}).content.decode()
    assert not Reminder.objects.exists()


@pytest.mark.parametrize("user", ["deputy_user", "bureau_staff", "observer_user", "chair_user"])
def test_only_the_lead_may_send(client, request, plan2025, user):
    client.force_login(request.getfixturevalue(user))
    assert client.post(reverse("send_reminders", args=[2025]), {"month": "2025-09"}).status_code == 403
    assert not Reminder.objects.exists() and not mail.outbox


def test_unknown_fiscal_year_is_404(client, lead_user):
    client.force_login(lead_user)
    assert client.post(reverse("send_reminders", args=[1999]), {"month": "1999-09"}).status_code == 404


def test_reminders_need_a_post(client, lead_user):
    client.force_login(lead_user)
    assert client.get(reverse("send_reminders", args=[2025])).status_code == 405


# --- deadlines, one mail for every overdue month, scheduled reminders (issue 14.5) ---

from datetime import datetime, timedelta  # noqa: E402

from django.utils import timezone  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from kpi import tasks  # noqa: E402
from kpi.deadlines import DueState, due_date, due_state  # noqa: E402
from kpi.models import ReportingSchedule  # noqa: E402
from kpi.reminders import send_scheduled_reminders  # noqa: E402

OCTOBER_10 = date(2025, 10, 10)


def test_due_date_is_the_due_day_of_the_following_month():
    assert due_date(date(2025, 9, 1), 10) == date(2025, 10, 10)
    assert due_date(date(2025, 12, 1), 10) == date(2026, 1, 10)
    september = date(2025, 9, 1)
    assert due_state(september, today=date(2025, 9, 30), outstanding=True, due_day=10).state == DueState.NOT_DUE
    assert due_state(september, today=OCTOBER_10, outstanding=True, due_day=10).text == "期限 令和7年10月10日"
    late = due_state(september, today=date(2025, 10, 11), outstanding=True, due_day=10)
    assert late.is_overdue and late.text == "期限超過（令和7年10月10日）"
    assert due_state(september, today=date(2025, 10, 11), outstanding=False, due_day=10).state == DueState.DONE


def test_one_mail_per_body_covers_every_overdue_month_and_quotes_the_return_reason(plan2025, addressed, bodies, django_capture_on_commit_callbacks):
    for month in (date(2025, m, 1) for m in (4, 5, 6, 7)):
        for body in bodies.values():
            FigureSubmission.objects.create(plan=plan2025, member_body=body, month=month, status="approved")
    FigureSubmission.objects.create(plan=plan2025, member_body=bodies["bureau"], month=date(2025, 8, 1), status="returned", reason="8月の紹介件数が前年の半分です。確認してください。")
    with django_capture_on_commit_callbacks(execute=True):
        result = send_reminders(plan2025, None, [bodies["bureau"]], addressed, BASE_URL, today=date(2025, 10, 20))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    # August and September are past their due dates (9月10日, 10月10日); October has not ended.
    assert message.subject == "【ぐんま協議会】令和7年8月・令和7年9月分のＫＰＩ実績の入力・提出のお願い"
    assert "・令和7年8月分（現在の状況：差戻し、提出期限：令和7年9月10日・期限超過）" in message.body
    assert "差戻しの理由：8月の紹介件数が前年の半分です。確認してください。" in message.body
    assert "・令和7年9月分（現在の状況：未入力、提出期限：令和7年10月10日・期限超過）" in message.body
    assert sorted(r.month for r in result.reminders) == [date(2025, 8, 1), date(2025, 9, 1)]
    assert all(r.sent_by == addressed and not r.automatic for r in result.reminders)


def test_the_home_page_offers_every_overdue_month_and_marks_overdue_cells(client, addressed, plan2025, django_capture_on_commit_callbacks):
    client.force_login(addressed)
    html = client.get(reverse("home") + "?fiscal_year=2025").content.decode()
    assert '<option value="overdue">期限を過ぎた全ての月（機関ごとに1通）</option>' in html
    assert "期限超過" in html[html.index('class="reporting"'):] and "翌月10日" in html
    with django_capture_on_commit_callbacks(execute=True):
        done = post(client, {"month": "overdue"}).content.decode()
    assert "2機関に督促を送信しました（期限を過ぎた月）" in done
    assert len(mail.outbox) == 2 and "令和7年4月分" in mail.outbox[0].body and "令和8年3月分" in mail.outbox[0].body


@pytest.fixture
def schedule(gunma):
    return ReportingSchedule.objects.create(platform=gunma, due_day=10, auto_reminders=True, reminder_offsets="0,3")


def test_scheduled_reminders_go_out_on_the_due_day_and_the_days_after_once_each(plan2025, addressed, bodies, schedule, django_capture_on_commit_callbacks):
    for month in (date(2025, m, 1) for m in (4, 5, 6, 7, 8)):
        for body in bodies.values():
            FigureSubmission.objects.create(plan=plan2025, member_body=body, month=month, status="approved")
    FigureSubmission.objects.create(plan=plan2025, member_body=bodies["industry"], month=SEPTEMBER, status="submitted")

    def run(day):
        with django_capture_on_commit_callbacks(execute=True):
            return send_scheduled_reminders(plan2025, schedule, BASE_URL, today=day)

    assert not run(date(2025, 10, 9)).reminders  # before the due date
    first = run(OCTOBER_10)
    assert {r.member_body.name for r in first.reminders} == {"群馬労働局", "群馬県（健康福祉部）"}  # 産業経済部 submitted
    assert all(r.automatic and r.sent_on == OCTOBER_10 and r.sent_by is None for r in first.reminders)
    assert "自動で送信しました" in mail.outbox[0].body and "令和7年9月分" in mail.outbox[0].subject
    assert not run(OCTOBER_10).reminders  # the worker ran twice: nobody is reminded twice a day
    assert not run(date(2025, 10, 11)).reminders  # not one of the schedule's days
    assert {r.member_body.name for r in run(date(2025, 10, 13)).reminders} == {"群馬労働局", "群馬県（健康福祉部）"}
    assert Reminder.objects.filter(automatic=True).count() == 4 and len(mail.outbox) == 2  # 健康福祉部 has no address
    schedule.auto_reminders = False
    assert not run(date(2025, 11, 10)).reminders


def test_the_database_refuses_a_second_automatic_reminder_for_the_same_day(plan2025, bodies):
    from django.db import IntegrityError, transaction

    fields = {"plan": plan2025, "member_body": bodies["bureau"], "month": SEPTEMBER, "subject": "s", "message": "m", "automatic": True, "sent_on": OCTOBER_10}
    Reminder.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(**fields)
    Reminder.objects.create(**{**fields, "automatic": False})  # a manual one may follow


def test_the_daily_task_sends_and_enqueues_itself_for_the_next_morning_once(plan2025, addressed, schedule, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(timezone, "localdate", lambda *a: OCTOBER_10)
    with django_capture_on_commit_callbacks(execute=True):
        sent = tasks.daily_reminders.call()
    assert sent == Reminder.objects.filter(automatic=True).count() > 0
    waiting = DBTaskResult.objects.filter(task_path=tasks.daily_reminders.module_path, status="READY")
    assert waiting.count() == 1
    run_after = timezone.localtime(waiting.get().run_after)
    assert run_after.time() == tasks.REMINDER_TIME and run_after.date() == (timezone.localtime() + timedelta(days=1)).date()
    assert tasks.schedule_next() is False and waiting.count() == 1  # the demo's start-up enqueue adds no second chain


def test_schedule_reminders_command_enqueues_the_first_run(db, capsys):
    from django.core.management import call_command

    call_command("schedule_reminders")
    call_command("schedule_reminders")
    assert DBTaskResult.objects.filter(task_path=tasks.daily_reminders.module_path).count() == 1
    assert "既に登録されています" in capsys.readouterr().out


# The settings page

def test_the_lead_sets_the_due_day_and_automatic_reminders(client, lead_user, gunma):
    client.force_login(lead_user)
    url = reverse("kpi:reminder_schedule")
    page = client.get(url).content.decode()
    assert "提出期限（翌月の日）" in page and 'value="10"' in page
    response = client.post(url, {"due_day": "１５", "auto_reminders": "on", "reminder_offsets": "０、３、7", "version": ""}, follow=True)
    assert "設定を保存しました" in response.content.decode()
    schedule = ReportingSchedule.objects.get(platform=gunma)
    assert (schedule.due_day, schedule.auto_reminders, schedule.offsets) == (15, True, [0, 3, 7])
    assert "翌月15日" in client.get(reverse("home") + "?fiscal_year=2025").content.decode()
    # Turning them on queues the daily run, for the next morning rather than at once.
    waiting = DBTaskResult.objects.get(task_path=tasks.daily_reminders.module_path, status="READY")
    run_after = timezone.localtime(waiting.run_after)
    assert run_after > timezone.now() and run_after.time() == tasks.REMINDER_TIME


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"due_day": "31", "reminder_offsets": "0"}, "1から28の日を入力してください。"),
        # In February the page's examples end in February and March: a refused 0 or 30 must not
        # be used to draw them (it answered 500).
        ({"due_day": "0", "reminder_offsets": "0"}, "1から28の日を入力してください。"),
        ({"due_day": "30", "reminder_offsets": "0"}, "1から28の日を入力してください。"),
        ({"due_day": "10", "reminder_offsets": "0,x"}, "期限日からの日数（0～60）をカンマ区切りで"),
        ({"due_day": "10", "auto_reminders": "on", "reminder_offsets": ""}, "送る日（例: 0,3）を入力してください"),
    ],
)
def test_bad_settings_are_named_and_nothing_is_saved(client, lead_user, data, message, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a: date(2027, 2, 15))
    client.force_login(lead_user)
    response = client.post(reverse("kpi:reminder_schedule"), {**data, "version": ""})
    html = response.content.decode()
    assert response.status_code == 200 and message in html and 'aria-invalid="true"' in html
    assert "令和9年3月10日" in html  # February's figures are due on the stored (default) day
    assert not ReportingSchedule.objects.exists()


def test_a_stale_settings_page_is_refused(client, lead_user, schedule):
    client.force_login(lead_user)
    seen = schedule.version
    schedule.due_day = 12
    schedule.version += 1
    schedule.save()
    html = client.post(reverse("kpi:reminder_schedule"), {"due_day": "20", "reminder_offsets": "0", "version": str(seen)}).content.decode()
    assert "表示した後に他の利用者が変更しました" in html
    schedule.refresh_from_db()
    assert schedule.due_day == 12


@pytest.mark.parametrize("user", ["deputy_user", "bureau_staff", "observer_user"])
def test_only_the_lead_sets_the_schedule(client, request, gunma, user):
    client.force_login(request.getfixturevalue(user))
    assert client.get(reverse("kpi:reminder_schedule")).status_code == 403
    assert client.post(reverse("kpi:reminder_schedule"), {"due_day": "5", "reminder_offsets": "0"}).status_code == 403


def test_my_tasks_lists_the_bodys_owed_months_with_their_due_dates(client, plan2025, bureau_staff, hw_user):
    FigureSubmission.objects.create(plan=plan2025, member_body=bureau_staff.member_body, month=date(2025, 4, 1), status="approved")
    client.force_login(bureau_staff)
    html = client.get(reverse("plans:my_tasks", args=[2025])).content.decode()
    owed = html[html.index('id="owed-heading"'):html.index("</section>", html.index('id="owed-heading"'))]
    assert "<li>4月 " not in owed and "<li>5月 " in owed and "期限超過（令和7年6月10日）" in owed
    client.force_login(hw_user)  # ハローワーク reports no KPI: nothing owed, no entry link
    assert "未提出の月次実績" not in client.get(reverse("plans:my_tasks", args=[2025])).content.decode()
