"""The SQLite demo as `./scripts/demo.sh` runs it: one app server and one background worker on one file.

A real `runserver` and a real `db_worker` run in subprocesses on a scratch copy of the demo data;
people sign in and open pages from several threads while the secretariat has meeting packets built
in the background. Nobody may get a 503 or "database is locked": the SQLite settings (WAL,
IMMEDIATE transactions, a busy timeout) make each process wait for the other's write instead.
"""
import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings

PASSWORD = "demo-pass-2025"
# Users without a second factor, one per kind of role: staff, secretariat deputies' members, chair, observer.
SIGNERS = ["bureau", "member", "keieisha", "chair", "observer", "welfare"]
PAGES = ["/", "/plans/2025/roadmap/", "/exports/2025/"]
THREADS = 6
ROUNDS = 4  # sign-ins per thread
PACKETS = 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _demo_env(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update({
        # The demo's own settings (demo.sh's .env): DEBUG on the embedded SQLite file.
        "DJANGO_SETTINGS_MODULE": "platform_portal.settings",
        "DEBUG": "true", "PORTAL_ENV": "development", "SECRET_KEY": "demo-worker-test-key",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PYTHONUNBUFFERED": "1",
    })
    return env


def _manage(env, *args, **kwargs):
    return [sys.executable, str(settings.BASE_DIR / "manage.py"), *args]


class Visitor:
    """One browser: its own cookies; records every status it was answered with."""

    def __init__(self, base: str, statuses: list):
        self.base, self.statuses = base, statuses
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def open(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=60) as response:
                result = response.status, response.read().decode(errors="replace"), response.url
        except urllib.error.HTTPError as error:
            result = error.code, error.read().decode(errors="replace"), error.url
        self.statuses.append((result[0], path, "database is locked" in result[1]))
        return result

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def sign_in(self, username: str) -> str:
        self.open("/login/")
        status, page, url = self.open("/login/", {"username": username, "password": PASSWORD, "next": "/"})
        return url


def _totp(database: Path, username: str) -> str:
    from django_otp.oath import TOTP

    with sqlite3.connect(database) as db:
        (key,) = db.execute(
            "SELECT d.key FROM otp_totp_totpdevice d JOIN members_user u ON u.id = d.user_id WHERE u.username = ? AND d.confirmed",
            (username,),
        ).fetchone()
    return f"{TOTP(bytes.fromhex(key)).token():06d}"


@pytest.fixture
def demo(tmp_path):
    """The demo's data in a scratch file, served by runserver with a db_worker beside it."""
    env = _demo_env(tmp_path)
    for command in (("migrate", "--noinput", "-v", "0"), ("seed_demo",)):
        subprocess.run(_manage(env, *command), env=env, cwd=settings.BASE_DIR, check=True, capture_output=True, timeout=120)
    port = _free_port()
    logs = {name: open(tmp_path / f"{name}.log", "w+") for name in ("server", "worker")}
    server = subprocess.Popen(_manage(env, "runserver", f"127.0.0.1:{port}", "--noreload"), env=env, cwd=settings.BASE_DIR,
                              stdout=logs["server"], stderr=subprocess.STDOUT)
    worker = subprocess.Popen(_manage(env, "db_worker", "--no-startup-delay", "--interval", "0.2"), env=env, cwd=settings.BASE_DIR,
                              stdout=logs["worker"], stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=2).read()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "server.log").read_text()
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", tmp_path / "demo.sqlite3", logs
    finally:
        for process in (server, worker):
            process.terminate()
        for process in (server, worker):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs.values():
            log.close()


def test_sign_ins_and_pages_never_meet_a_locked_database_while_the_worker_builds_packets(demo):
    base, database, logs = demo
    statuses: list = []
    landings: list = []

    lead = Visitor(base, statuses)
    assert "/account/two-factor/" in lead.sign_in("lead")
    status, page, url = lead.open("/account/two-factor/", {"token": _totp(database, "lead"), "next": "/"})
    assert status == 200 and "/account/two-factor/" not in url, page[:500]
    jobs = []
    for _ in range(PACKETS):
        status, page, url = lead.open("/exports/2025/meeting_packet/start/", {})
        assert status == 200 and re.search(r"/exports/jobs/\d+/$", url), (status, url)
        jobs.append(urllib.parse.urlparse(url).path)

    def visit(index: int):
        for round in range(ROUNDS):
            visitor = Visitor(base, statuses)
            landings.append(visitor.sign_in(SIGNERS[(index + round) % len(SIGNERS)]))
            for path in PAGES:
                visitor.open(path)
            visitor.open("/logout/", {})

    started = time.monotonic()
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(visit, range(THREADS)))
    elapsed = time.monotonic() - started

    refused = [s for s in statuses if s[0] >= 500 or s[2]]
    failed_sign_ins = [url for url in landings if url.rstrip("/") != base]
    print(f"{len(statuses)} requests ({len(landings)} sign-ins) in {elapsed:.1f} s beside {PACKETS} packets: "
          f"{len(refused)} refused, {len(failed_sign_ins)} sign-ins failed")
    assert len(landings) == THREADS * ROUNDS
    assert refused == [] and failed_sign_ins == [], refused

    # The packets were made meanwhile (or are finished now): each job page ends 完了 with its file.
    deadline = time.monotonic() + 90
    for job in jobs:
        while "job-status\">完了" not in (page := lead.open(job)[1]):
            assert "失敗" not in page and time.monotonic() < deadline, page[-1500:]
            time.sleep(0.3)
        status, pdf, _ = lead.open(job + "file/")
        assert status == 200 and pdf.startswith("%PDF")
    assert [s for s in statuses if s[0] >= 500 or s[2]] == []
    for log in logs.values():
        log.seek(0)
    server_log, worker_log = logs["server"].read(), logs["worker"].read()
    assert "database is locked" not in server_log + worker_log, (server_log + worker_log)[-3000:]
