"""Invitations: a new platform's first user and every imported user are asked, in the portal's own
words, to set a password through a link that expires; a user name taken elsewhere reveals nothing."""
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse

from core.models import Platform
from members.models import AccessRole, User
from tests.imports_helpers import confirm, csv_bytes, texts, upload

HEADER = ["ユーザー名", "氏名", "メールアドレス", "所属機関・団体", "役職", "権限ロール", "有効"]


@pytest.fixture
def lead(client, lead_user):
    lead_user.display_name, lead_user.email = "上州 太郎", "lead@gunma.example.jp"
    lead_user.save()
    client.force_login(lead_user)
    return client


def link_in(message) -> str:
    return re.search(r"https?://\S+/password-reset/\S+/", message.body).group(0)


def test_an_imported_user_is_invited_in_the_portals_words(lead, gunma, django_capture_on_commit_callbacks):
    run = upload(lead, "users", csv_bytes([HEADER, ["kiryu-staff", "桐生 花子", "kiryu@example.jp", "ハローワーク", "", "構成員担当者", "はい"]]))
    assert run.status == "previewed", texts(run)
    assert mail.outbox == []  # a preview invites nobody
    with django_capture_on_commit_callbacks(execute=True):
        assert confirm(lead, run).status == "imported"

    [message] = mail.outbox
    assert message.to == ["kiryu@example.jp"]
    assert "ぐんま中高年世代活躍応援プロジェクト協議会" in message.subject
    body = message.body
    assert "桐生 花子 様" in body and "ユーザー名：kiryu-staff" in body and "所属：ハローワーク" in body
    assert "上州 太郎（群馬労働局）が" in body  # who invited
    assert "ＫＰＩの月次実績の入力と提出" in body  # what the portal is for
    assert re.search(r"令和\d+年\d+月\d+日（\d{4}年） \d\d:\d\dまで（3日間）", body), body  # when the link expires
    assert "リセット" not in body and "password reset" not in body.lower()  # not Django's stock text
    link = link_in(message)
    assert link.startswith("http://localhost:8000/password-reset/")  # settings.PORTAL_URL: an import has no page's host

    # The link sets the password, once.
    lead.logout()
    form_url = lead.get(link.removeprefix("http://localhost:8000")).url
    page = lead.get(form_url).content.decode()
    assert "パスワードの設定" in page and "kiryu-staff" in page
    response = lead.post(form_url, {"new_password1": "Akagi-yama-2026", "new_password2": "Akagi-yama-2026"})
    assert response.status_code == 302 and response.url == reverse("password_reset_complete")
    assert User.objects.get(username="kiryu-staff").check_password("Akagi-yama-2026")
    again = lead.get(link.removeprefix("http://localhost:8000"), follow=True).content.decode()
    assert "このリンクは使えません" in again


def test_the_invitation_link_expires(client, gunma, lead_user, settings, monkeypatch):
    user = User.objects.create_user("late", email="late@example.jp", password="x-unknown-1", member_body=lead_user.member_body)
    from members.invitations import send_invitation

    send_invitation(user, lead_user)
    path = link_in(mail.outbox[-1]).removeprefix("http://localhost:8000")
    later = default_token_generator._now() + __import__("datetime").timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    page = client.get(path, follow=True).content.decode()
    assert "このリンクは使えません" in page and reverse("password_reset") in page


def test_nobody_is_invited_when_the_file_fails_or_a_known_user_is_updated(lead, gunma, lead_user, django_capture_on_commit_callbacks):
    run = upload(lead, "users", csv_bytes([
        HEADER,
        ["new-one", "新 一", "one@example.jp", "群馬労働局", "", "構成員担当者", "はい"],
        ["new-two", "新 二", "", "群馬労働局", "", "構成員担当者", "はい"],
    ]))
    assert "3行目の列「メールアドレス」：新しい利用者にはメールアドレスが必要です（パスワード設定の案内を送ります）。" in texts(run)
    with django_capture_on_commit_callbacks(execute=True):
        assert confirm(lead, run).status != "imported"
    assert mail.outbox == [] and not User.objects.filter(username="new-one").exists()

    run = upload(lead, "users", csv_bytes([HEADER, [lead_user.username, "上州 太郎", "lead@gunma.example.jp", "群馬労働局", "課長", "事務局（主担当）", "はい"]]))
    with django_capture_on_commit_callbacks(execute=True):
        assert confirm(lead, run).status == "imported", texts(run)
    assert mail.outbox == []


def test_a_name_held_in_another_platform_is_refused_like_any_unusable_name(lead, gunma, other_platform_user):
    """Before: 「同じユーザー名が既に登録済みです」 told Gunma that Tochigi has a user "tochigi"."""
    national = User.objects.create_user("viewer-of-all", password="x-unknown-2")  # outside every platform
    run = upload(lead, "users", csv_bytes([
        HEADER,
        [other_platform_user.username, "誰か", "a@example.jp", "群馬労働局", "", "構成員担当者", "はい"],
        [national.username, "誰か", "b@example.jp", "群馬労働局", "", "構成員担当者", "はい"],
        ["bad name!", "誰か", "c@example.jp", "群馬労働局", "", "構成員担当者", "はい"],
        ["x" * 151, "誰か", "d@example.jp", "群馬労働局", "", "構成員担当者", "はい"],
    ]))
    found = texts(run)
    refusal = "の列「ユーザー名」：このユーザー名は使用できません。半角の英数字と @ . + - _ で、別のユーザー名にしてください。"
    assert [t for t in found if "ユーザー名" in t] == [f"{n}行目{refusal}" for n in (2, 3, 4, 5)], found
    assert not any("登録済み" in t for t in found)


def test_opening_a_platform_invites_its_first_user(client, gunma, django_capture_on_commit_callbacks):
    admin = User.objects.create_user("sysadmin", password="x", display_name="県域 管理者")
    admin.access_roles.add(AccessRole.objects.get(platform__isnull=True, code="system_admin"))
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("platforms"), {
            "prefecture": Platform._meta.get_field("prefecture").related_model.objects.get(name="鳥取県").pk,
            "code": "tottori", "name": "とっとり中高年世代活躍応援プラットフォーム", "from_fiscal_year": 2026,
            "secretariat_body": "鳥取労働局", "username": "tottori-lead", "display_name": "因幡 一郎", "email": "lead@example.jp",
        })
    assert response.status_code == 302
    [message] = mail.outbox
    assert "とっとり中高年世代活躍応援プラットフォーム" in message.subject and message.to == ["lead@example.jp"]
    assert "因幡 一郎 様" in message.body and "県域 管理者が" in message.body and "所属：鳥取労働局" in message.body
    assert link_in(message).startswith("http://testserver/password-reset/")  # the page's own host


def test_the_password_pages_are_the_portals_own(client, gunma, lead_user):
    lead_user.email = "lead@gunma.example.jp"
    lead_user.save()
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        page = client.get(reverse(name)).content.decode()
        assert '<html lang="ja">' in page and 'class="skip-link"' in page, name  # base.html
        assert "Django" not in page and "管理サイト" not in page, name
    page = client.get(reverse("password_reset")).content.decode()
    assert '<label for="id_email">' in page and "パスワードの設定・再設定" in page

    response = client.post(reverse("password_reset"), {"email": "lead@gunma.example.jp"})
    assert response.url == reverse("password_reset_done")
    [message] = mail.outbox
    assert message.subject == "【事務局ポータル】パスワードの設定のご案内"
    assert f"ユーザー名：{lead_user.username}" in message.body and "リセット" not in message.body
    form_url = client.get(link_in(message).removeprefix("http://testserver")).url
    page = client.get(form_url).content.decode()
    assert '<label for="id_new_password1">' in page and "パスワードを設定する" in page

    client.force_login(lead_user)
    page = client.get(reverse("password_change")).content.decode()
    assert '<label for="id_old_password">' in page and 'class="skip-link"' in page
    response = client.post(reverse("password_change"), {"old_password": "test-pass-12345", "new_password1": "Haruna-san-2026", "new_password2": "Haruna-san-2026"})
    assert response.url == reverse("password_change_done")
    assert "パスワードを変更しました" in client.get(response.url).content.decode()
    assert reverse("password_change") in client.get(reverse("security")).content.decode()
