"""The SQLite demo as `./scripts/demo.sh` runs it: one app server and one background worker on one file.

The script itself runs (its `runserver` and `db_worker`) on a scratch SQLite file of the demo data;
people sign in and open pages from several threads while the secretariat has meeting packets built
in the background. Nobody may get a 503 or "database is locked": the SQLite settings (WAL,
IMMEDIATE transactions, a busy timeout) make each process wait for the other's write instead.
A Ctrl+C then stops the demo with its worker.
"""
import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings

PASSWORD = "demo-pass-2025"
# Demo users without a second factor: member staff of several bodies, the chair, the observer, the liaison.
SIGNERS = ["bureau", "member", "keieisha", "chair", "observer", "welfare"]
PAGES = ["/", "/plans/2025/roadmap/", "/exports/2025/"]
THREADS = 6
ROUNDS = 3  # sign-ins per thread
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
    """`./scripts/demo.sh` itself, on a scratch SQLite file: it seeds, then serves with a db_worker beside it."""
    env = _demo_env(tmp_path)
    env["PORT"] = str(_free_port())
    log = open(tmp_path / "demo.log", "w+")
    # Its own session and process group, as in a terminal: a Ctrl+C reaches the whole group.
    demo = subprocess.Popen(["bash", str(settings.BASE_DIR / "scripts" / "demo.sh")], env=env, cwd=settings.BASE_DIR,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{env['PORT']}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz/", timeout=2).read()
                break
            except OSError:
                assert demo.poll() is None and time.monotonic() < deadline, (tmp_path / "demo.log").read_text()[-3000:]
                time.sleep(0.2)
        children = _children(demo.pid)
        assert {"runserver", "db_worker"} <= {word for c in children.values() for word in c.split()}, children
        yield base, tmp_path / "demo.sqlite3", log
        # Ctrl+C in the terminal: the demo stops, and its worker with it.
        os.killpg(demo.pid, signal.SIGINT)
        demo.wait(timeout=30)
        time.sleep(0.2)
        assert [pid for pid in children if _alive(pid)] == [], children
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait()
        log.close()


def _children(pid: int) -> dict[int, str]:
    """The processes started by `pid`, with their command lines."""
    out = subprocess.run(["ps", "-o", "pid=,args=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return {int(line.split(None, 1)[0]): line.split(None, 1)[1] for line in out.splitlines() if line.strip()}


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_sign_ins_and_pages_never_meet_a_locked_database_while_the_worker_builds_packets(demo):
    base, database, log = demo
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
    log.seek(0)
    output = log.read()  # the server's and the worker's
    assert "database is locked" not in output, output[-3000:]
