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
