"""Operations hardening (issue 15): the database lost anywhere in a request, bounded uploads,
configuration guards, sign-ins kept out of the audit trail, and dead export workers noticed."""
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2SHA1PasswordHasher
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
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
    assert "no-store" in response["Cache-Control"]


def test_any_other_error_is_a_japanese_500_page(lead_user, monkeypatch):
    from dashboard import views

    monkeypatch.setattr(views, "render", mock.Mock(side_effect=ValueError("a bug")))
    client = Client(raise_request_exception=False)
    client.force_login(lead_user)
    response = client.get(reverse("home"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "エラーが発生しました" in page and "保存されていません" in page and "Server Error" not in page


def test_a_form_django_refuses_before_any_view_is_a_japanese_400_page(lead_user, gunma):
    client = Client(raise_request_exception=False)
    client.force_login(lead_user)
    # Over DATA_UPLOAD_MAX_NUMBER_FIELDS: Django refuses it while reading request.POST.
    fields = {f"f{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post(reverse("kpi:reminder_schedule"), fields)
    assert response.status_code == 400
    page = response.content.decode()
    assert "送信を受け付けられませんでした" in page and "何も保存されていません" in page and "Bad Request" not in page


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


# --- 2. Uploads are capped before the body is read ---------------------------------------------


class CountingBody:
    """A request body that only counts what is read of it (none of it should be)."""

    def __init__(self, size):
        self.size, self.read_bytes = size, 0

    def read(self, size=-1):
        size = self.size - self.read_bytes if size is None or size < 0 else min(size, self.size - self.read_bytes)
        self.read_bytes += size
        return b"x" * size

    def readline(self, size=-1):
        return self.read(min(size, 1024) if size and size > 0 else 1024)


def test_an_upload_over_the_limit_is_refused_in_japanese_before_its_body_is_read(client, lead_user, settings):
    client.force_login(lead_user)
    body = CountingBody(50 * 1024 * 1024)
    response = client.generic(
        "POST", reverse("imports:upload", args=["figures"]), b"",
        content_type="multipart/form-data; boundary=BOUNDARY",
        **{"wsgi.input": body, "CONTENT_LENGTH": str(body.size)},
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "ファイルが大きすぎます" in page and f"{settings.UPLOAD_MAX_MB}MB まで" in page and "何も保存されていません" in page
    assert body.read_bytes == 0


def test_the_import_and_the_request_cap_share_one_limit(settings):
    from core.uploads import request_body_limit
    from imports import services

    assert services.MAX_UPLOAD_BYTES == settings.UPLOAD_MAX_BYTES == settings.UPLOAD_MAX_MB * 1024 * 1024
    assert settings.UPLOAD_MAX_BYTES < request_body_limit() <= settings.UPLOAD_MAX_BYTES + 1024 * 1024


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


def test_the_local_deployment_writes_the_app_servers_errors_and_tracebacks_to_files(tmp_path):
    script = (settings.BASE_DIR / "scripts" / "deploy_local.sh")
    assert "--daemon" not in script.read_text()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "RUN_DIR": str(tmp_path), "APP_PORTS": str(port), "GUNICORN_WORKERS": "1",
           "DATABASE_URL": "postgres://postgres@127.0.0.1:1/gone", "CACHE_URL": "redis://127.0.0.1:1/1"}
    env.pop("PORTAL_ENV", None)
    try:
        started = subprocess.run([str(script), "start-apps"], env=env, capture_output=True, text=True, timeout=60)
        assert started.returncode == 0, started.stderr
        base = f"http://127.0.0.1:{port}"
        with pytest.raises(urllib.error.HTTPError) as deep:
            urllib.request.urlopen(f"{base}/healthz/?db=1", timeout=10)
        assert deep.value.code == 503
        signed_in = urllib.request.Request(f"{base}/", headers={"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"})
        with pytest.raises(urllib.error.HTTPError) as page:
            urllib.request.urlopen(signed_in, timeout=10)
        assert page.value.code == 503 and "一時的に利用できません" in page.value.read().decode()
    finally:
        subprocess.run([str(script), "stop"], env=env, capture_output=True, timeout=60)
    log = (tmp_path / f"app-{port}.log").read_text()
    assert "health check: database unavailable" in log
    assert "Traceback" in log and "OperationalError" in log  # the middleware's lost database, with its traceback
    assert "GET /healthz/?db=1" in (tmp_path / "access.log").read_text()


# --- 4. Sign-ins write no user history ---------------------------------------------------------


def test_signing_in_with_password_and_code_writes_no_user_history(client, gunma, caplog):
    lead = make_user(gunma, username="lead-history", body_name="群馬労働局", role_code="lead_secretariat")
    device = TOTPDevice.objects.create(user=lead, name="phone", confirmed=True)
    rows = lead.history.count()
    assert client.post(reverse("login"), {"username": "lead-history", "password": PASSWORD}).status_code == 302
    assert client.post(reverse("two_factor_verify"), {"token": code(device), "next": "/"}).url == "/"
    assert client.get(reverse("home")).status_code == 200
    lead.refresh_from_db()
    assert lead.last_login is not None
    assert lead.history.count() == rows
    assert any(r.name == "core.signin" and "user=lead-history" in r.getMessage() for r in caplog.records)  # logged instead

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


# --- 5. A worker that died mid-export is noticed within a minute -------------------------------


def _running_job(user, *, started, beat):
    from exports.models import ExportJob

    now = timezone.now()
    return ExportJob.objects.create(
        platform=user.member_body.platform, user=user, export_id="progress_xlsx", fiscal_year=2025, options={"provisional": False},
        status=ExportJob.Status.RUNNING, started_at=now - timedelta(seconds=started),
        heartbeat_at=None if beat is None else now - timedelta(seconds=beat),
    )


def test_a_job_whose_worker_stopped_beating_can_be_made_again_at_once(client, lead_user, settings, django_capture_on_commit_callbacks):
    from exports.models import ExportJob

    settings.EXPORT_JOB_TIMEOUT = 600
    job = _running_job(lead_user, started=75, beat=61)  # killed 61 s ago, long before the timeout
    client.force_login(lead_user)
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert "失敗" in page and "作成中に処理が中断されました" in page and "もう一度作成する" in page
    with django_capture_on_commit_callbacks(execute=False):
        retried = client.post(reverse("exports:retry", args=[job.pk]))
    again = ExportJob.objects.get(pk=retried.url.rstrip("/").split("/")[-1])
    assert again.pk != job.pk and again.status == ExportJob.Status.QUEUED and again.options == job.options


def test_a_job_whose_worker_beats_stays_in_progress(client, lead_user):
    from exports.models import ExportJob

    job = _running_job(lead_user, started=300, beat=5)  # a long render, its worker alive
    client.force_login(lead_user)
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert "作成しています" in page and "もう一度作成する" not in page
    assert client.post(reverse("exports:retry", args=[job.pk])).url == reverse("exports:job", args=[job.pk])
    assert ExportJob.objects.filter(user=lead_user).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_beats_while_it_renders(lead_user, settings, monkeypatch, tmp_path):
    from exports.models import ExportJob
    from exports.registry import REGISTRY, ExportFile
    from exports.tasks import generate_export

    settings.MEDIA_ROOT, settings.EXPORT_JOB_HEARTBEAT = tmp_path, 0.05
    job = ExportJob.objects.create(platform=lead_user.member_body.platform, user=lead_user, export_id="progress_xlsx", fiscal_year=2025)
    beats = []

    def slow_render(plan, **options):  # a render that takes a while: the heartbeat thread stamps meanwhile
        deadline = time.monotonic() + 5
        while len(set(beats)) < 3 and time.monotonic() < deadline:
            beats.append(ExportJob.objects.get(pk=job.pk).heartbeat_at)
            time.sleep(0.02)
        return ExportFile("x.xlsx", "application/octet-stream", b"x")

    monkeypatch.setattr(REGISTRY["progress_xlsx"], "render", slow_render)
    generate_export.call(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    assert len(set(beats)) >= 3, beats  # the stamp moved twice while the render ran
