"""Production settings: `check --deploy` is clean, and bad configuration stops the portal at start."""
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

STRONG_KEY = "k3J9-prod-" + "aZ7!qW2@eR5#tY8$uI1%oP4^" * 2
PRODUCTION = {
    "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "portal.example.lg.jp", "DEBUG": "false",
    "DATABASE_URL": "postgres://portal@db.example.lg.jp:5432/portal", "CACHE_URL": "redis://cache.example.lg.jp:6379/1",
}


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"PORTAL_ENV", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CACHE_URL", "HTTPS", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    clean.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=clean, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY が設定されていません"),
        ({"SECRET_KEY": "short-key"}, "SECRET_KEY が短すぎるか推測しやすい値です"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS が設定されていません"),
        ({"DATABASE_URL": "sqlite:////tmp/x.sqlite3"}, "PostgreSQL"),
        ({"DEBUG": "true", "PORTAL_ENV": "production"}, "DEBUG を有効にできません"),
        ({"CACHE_URL": ""}, "CACHE_URL に共有キャッシュ"),
        ({"PORTAL_ENV": "staging"}, "PORTAL_ENV は production・development・test のいずれか"),
    ],
    ids=["no-key", "weak-key", "no-hosts", "sqlite", "debug", "no-shared-cache", "unknown-env"],
)
def test_bad_configuration_refuses_to_start_with_a_clear_message(change, message):
    result = manage("check", **{**PRODUCTION, **change})
    assert result.returncode != 0
    assert message in result.stderr and "README" in result.stderr


def test_production_turns_on_https_protections_by_default():
    code = "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)"
    result = manage("shell", "-c", code, **PRODUCTION)
    assert result.stdout.strip().splitlines()[-1].split() == ["True", "True", "True", "31536000"], result.stderr


def test_an_expired_session_is_sent_back_to_the_login_page(client, lead_user):
    client.force_login(lead_user)
    assert client.get(reverse("home")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_sessions_last_a_working_day_and_end_with_the_browser():
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


@pytest.mark.parametrize("password", ["short1", "12345678901", "password1234"])
def test_weak_passwords_are_refused(password, lead_user):
    with pytest.raises(ValidationError):
        validate_password(password, lead_user)


def test_pages_carry_the_content_security_policy(client, lead_user):
    client.force_login(lead_user)
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_the_health_check_answers_anyone_without_a_query(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/")
    assert response.status_code == 200 and response.content == b"ok"


def test_signed_in_pages_are_not_stored_by_browsers_or_proxies(client, lead_user):
    client.force_login(lead_user)
    for url in (reverse("home"), reverse("plans:roadmap", args=[2025])):
        assert "no-store" in client.get(url)["Cache-Control"]


def test_a_fresh_checkout_checks_its_migrations_without_any_environment():
    result = manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0 and "No changes detected" in result.stdout, result.stderr


def test_a_command_without_a_configuration_says_why_instead_of_models_not_loaded():
    result = manage("migrate")
    assert result.returncode != 0
    assert "設定を読み込めません：SECRET_KEY が設定されていません" in result.stderr and "Models aren't loaded" not in result.stderr
