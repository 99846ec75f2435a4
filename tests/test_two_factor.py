"""Two-factor authentication and lockout, through the real sign-in form (no force_login shortcut)."""
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, make_user


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def code(device, drift=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + drift * device.step
    return f"{totp.token():06d}"


@pytest.fixture
def lead(gunma):
    return make_user(gunma, username="lead-2fa", body_name="群馬労働局", role_code="lead_secretariat")


@pytest.fixture
def member(gunma):
    return make_user(gunma, username="member-2fa", body_name="ハローワーク", role_code="member_staff")


def test_the_secretariat_must_enrol_before_any_page(client, lead):
    assert sign_in(client, "lead-2fa").status_code == 302
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("two_factor_setup"))
    assert client.get(reverse("plans:roadmap", args=[2025])).url.startswith(reverse("two_factor_setup"))
    page = client.get(reverse("two_factor_setup")).content.decode()
    assert "二要素認証が必須です" in page and 'src="data:image/svg+xml;base64,' in page

    device = TOTPDevice.objects.get(user=lead, confirmed=False)
    wrong = client.post(reverse("two_factor_setup"), {"token": "000000" if code(device) != "000000" else "111111"})
    assert "確認コードが正しくありません" in wrong.content.decode()
    time.sleep(1.1)  # django-otp throttles the next attempt for a second after a failure
    assert client.post(reverse("two_factor_setup"), {"token": code(device), "next": "/"}).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_an_enrolled_user_gives_a_code_after_the_password(client, lead):
    device = TOTPDevice.objects.create(user=lead, name="phone", confirmed=True)
    sign_in(client, "lead-2fa")
    response = client.get(reverse("home"))
    assert response.url.startswith(reverse("two_factor_verify"))
    wrong = client.post(reverse("two_factor_verify"), {"token": "12345"})
    assert "確認コードは6桁の数字です。" in wrong.content.decode()
    assert client.get(reverse("home")).status_code == 302  # still held at the code step
    full_width = code(device).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert client.post(reverse("two_factor_verify"), {"token": full_width, "next": "/"}).url == "/"
    assert client.get(reverse("home")).status_code == 200


def test_two_factor_is_optional_for_members_and_then_asked_for(client, member):
    sign_in(client, "member-2fa")
    assert client.get(reverse("home")).status_code == 200
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=member)
    client.post(reverse("two_factor_setup"), {"token": code(device)})
    client.post(reverse("logout"))
    sign_in(client, "member-2fa")
    assert client.get(reverse("home")).url.startswith(reverse("two_factor_verify"))
    # A code is accepted once (replay protection); the next time step's code is within tolerance.
    client.post(reverse("two_factor_verify"), {"token": code(device, drift=1)})
    client.post(reverse("two_factor_disable"))
    assert not TOTPDevice.objects.filter(user=member).exists()


def test_the_secretariat_cannot_switch_it_off_but_an_administrator_can_reset_it(client, lead):
    TOTPDevice.objects.create(user=lead, name="phone", confirmed=True)
    client.force_login(lead)
    client.post(reverse("two_factor_disable"))
    assert TOTPDevice.objects.filter(user=lead).exists()
    call_command("reset_two_factor", "lead-2fa", stdout=__import__("io").StringIO())
    assert not TOTPDevice.objects.filter(user=lead).exists()


def test_repeated_failures_lock_the_user_name_until_an_administrator_unlocks_it(client, member, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, "member-2fa", "wrong-password")
        assert "ユーザー名またはパスワードが正しくありません。" in response.content.decode()
    locked = sign_in(client, "member-2fa", "wrong-password")
    assert locked.status_code == 429 and "ログインを一時停止しています" in locked.content.decode()
    # Even the right password is refused while locked.
    assert "ログインを一時停止しています" in sign_in(client, "member-2fa").content.decode()
    assert client.get(reverse("home")).status_code == 302
    call_command("axes_reset_username", "member-2fa", stdout=__import__("io").StringIO())
    assert sign_in(client, "member-2fa").status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_lockout_is_per_user_name(client, member, gunma):
    make_user(gunma, username="colleague", body_name="ハローワーク", role_code="member_staff")
    for _ in range(5):
        sign_in(client, "member-2fa", "wrong-password")
    assert sign_in(client, "colleague").status_code == 302  # same office address, another person


def test_the_demo_enrols_the_secretariat_and_shows_their_codes(client, gunma):
    import io

    out = io.StringIO()
    call_command("seed_demo", "--no-figures", stdout=out)
    assert "二要素認証が必須の利用者の認証アプリ用の秘密鍵" in out.getvalue() and "lead" in out.getvalue()
    sign_in(client, "lead", "demo-pass-2025")
    shown = io.StringIO()
    call_command("demo_totp", "lead", stdout=shown)
    assert client.post(reverse("two_factor_verify"), {"token": shown.getvalue().strip(), "next": "/"}).url == "/"
    assert client.get(reverse("home")).status_code == 200
