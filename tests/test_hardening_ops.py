"""Operations hardening (issue 15): the database lost anywhere in a request, bounded uploads,
configuration guards, sign-ins kept out of the audit trail, and dead export workers noticed."""
import re
from contextlib import contextmanager
from unittest import mock

import pytest
from django.contrib.auth.hashers import PBKDF2SHA1PasswordHasher
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, make_user
from tests.test_security import PRODUCTION, manage
from tests.test_two_factor import code


@contextmanager
def database_gone():
    """Every new query fails as if the server were unreachable; the test's own connection comes back after."""
    with mock.patch.object(connection, "ensure_connection", side_effect=OperationalError("could not connect to server: Connection refused")):
        yield


# --- 1. The database is gone: a Japanese 503 wherever the request meets it -------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_signed_in_user_gets_the_japanese_503_when_the_middleware_cannot_load_them(lead_user, method):
    client = Client(raise_request_exception=False)  # as a server answers: no test re-raise
    client.force_login(lead_user)
    with database_gone():
        # The session and the user are read by middleware (two-factor check) before any view.
        response = getattr(client, method)(reverse("kpi:entry", args=[2025]))
    page = response.content.decode()
    assert response.status_code == 503, page[:300]
    assert "一時的に利用できません" in page and "保存されていません" in page and "Server Error" not in page
    assert f'href="{reverse("login")}"' in page


def test_any_other_error_is_a_japanese_500_page(lead_user, monkeypatch):
    from dashboard import views

    monkeypatch.setattr(views, "render", mock.Mock(side_effect=ValueError("a bug")))
    client = Client(raise_request_exception=False)
    client.force_login(lead_user)
    response = client.get(reverse("home"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "エラーが発生しました" in page and "保存されていません" in page and "Server Error" not in page


def test_after_the_outage_the_sign_in_form_works_again(lead_user):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    with database_gone():
        down = client.post(reverse("login"), {"username": "lead", "password": PASSWORD})
    # No CSRF cookie yet (the form was never served): Japanese, with the way back to the form.
    assert down.status_code == 403
    page = down.content.decode()
    assert "送信を受け付けられませんでした" in page and f'href="{reverse("login")}"' in page and "CSRF verification failed" not in page

    form = client.get(reverse("login"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode()).group(1)
    signed_in = client.post(reverse("login"), {"username": "lead", "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert signed_in.status_code == 302 and client.session.get("_auth_user_id") == str(lead_user.pk)


def test_a_sign_in_posted_while_the_database_is_gone_is_the_503_page(lead_user):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    form = client.get(reverse("login"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode()).group(1)
    with database_gone():
        response = client.post(reverse("login"), {"username": "lead", "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 503 and "一時的に利用できません" in response.content.decode()


def test_the_load_balancer_health_check_asks_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get("/healthz/?db=1").content == b"ok"
    with database_gone():
        cheap = client.get("/healthz/")
        deep = client.get("/healthz/?db=1")
    assert cheap.status_code == 200  # the process still serves
    assert deep.status_code == 503 and deep.content == b"database unavailable"


# --- 3. Configuration guards -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"PORTAL_ENV": "development", "DEBUG": "false"}, "開発環境（PORTAL_ENV=development）は DEBUG=true のときだけ"),
        ({"CACHE_URL": "dummycache://"}, "現在: DummyCache"),
        ({"CACHE_URL": "filecache:///var/tmp/portal-cache"}, "現在: FileBasedCache"),
        ({"CACHE_URL": "locmemcache://"}, "現在: LocMemCache"),
    ],
    ids=["development-without-debug", "dummy-cache", "file-cache", "locmem-cache"],
)
def test_configurations_that_only_look_like_a_server_are_refused(change, message):
    result = manage("check", **{**PRODUCTION, **change})
    assert result.returncode != 0
    assert message in result.stderr and "README" in result.stderr, result.stderr[-500:]


# --- 4. Sign-ins write no user history ---------------------------------------------------------


def test_signing_in_with_password_and_code_writes_no_user_history(client, gunma):
    lead = make_user(gunma, username="lead-history", body_name="群馬労働局", role_code="lead_secretariat")
    device = TOTPDevice.objects.create(user=lead, name="phone", confirmed=True)
    rows = lead.history.count()
    assert client.post(reverse("login"), {"username": "lead-history", "password": PASSWORD}).status_code == 302
    assert client.post(reverse("two_factor_verify"), {"token": code(device), "next": "/"}).url == "/"
    assert client.get(reverse("home")).status_code == 200
    lead.refresh_from_db()
    assert lead.last_login is not None
    assert lead.history.count() == rows

    lead.first_name = "花子"  # a real change is still recorded
    lead.save()
    assert lead.history.count() == rows + 1


def test_a_password_rehashed_at_sign_in_writes_no_user_history(client, gunma, settings):
    member = make_user(gunma, username="member-rehash", body_name="ハローワーク", role_code="member_staff")
    # Hashed as before an upgrade (another algorithm, few iterations): signing in re-hashes it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher"]
    member.password = PBKDF2SHA1PasswordHasher().encode(PASSWORD, "oldsalt", iterations=1000)
    member.save()
    rows = member.history.count()
    assert client.post(reverse("login"), {"username": "member-rehash", "password": PASSWORD}).status_code == 302
    member.refresh_from_db()
    assert member.password.startswith("md5$")
    assert member.history.count() == rows
