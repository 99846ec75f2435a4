"""Load test against the loopback deployment (scripts/deploy_local.sh): bounded in time and count.

Run:  ./scripts/deploy_local.sh start && .venv/bin/python bench/load.py --users 50 --duration 60
      ./scripts/deploy_local.sh stop
Each simulated user signs in once (the secretariat user with the TOTP second step), then loops
for the duration: members read the home page (dashboard) and the roadmap; figure-entry staff
open the KPI entry grid and save a value in their own cell; the secretariat user starts one
meeting-packet export in the background, polls it and downloads the PDF. Users are spread over
both app servers. Afterwards, the dashboard's throughput is compared with a bare Django view
(/healthz/) at the same concurrency on the same stack.
"""
import argparse
import base64
import hashlib
import hmac
import http.cookiejar
import os
import random
import re
import statistics
import struct
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MAX_REQUESTS = 200_000  # a hard cap besides the duration
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CELL = re.compile(r'name="(c\d+_\d{6})_value" value="([^"]*)"')


def setup_users(viewers: int, enterers: int) -> dict:
    """Accounts for the simulated users, in the deployment's database (same settings as the script)."""
    run = ROOT / "run" / "deploy"
    os.environ.update({
        "PORTAL_ENV": "production", "DEBUG": "false", "HTTPS": "false", "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECRET_KEY": (run / "secret_key").read_text().strip(), "MEDIA_ROOT": str(run / "media"),
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_deploy"),
        "CACHE_URL": os.environ.get("CACHE_URL", "redis://127.0.0.1:6379/1"),
        "DJANGO_SETTINGS_MODULE": "platform_portal.settings",
    })
    import django

    django.setup()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from members.models import AccessRole, MemberBody, User
    from core.models import Platform

    platform = Platform.objects.get(code="gunma")
    staff = AccessRole.objects.get(platform=platform, code="member_staff")
    bodies = list(MemberBody.objects.filter(platform=platform, membership="member"))
    bureau = MemberBody.objects.get(platform=platform, name="群馬労働局")
    accounts = {"view": [], "entry": []}
    for kind, count in (("view", viewers), ("entry", enterers)):
        for i in range(count):
            user, _ = User.objects.get_or_create(username=f"load-{kind}-{i}")
            user.member_body = bureau if kind == "entry" else bodies[i % len(bodies)]
            user.set_password("load-pass-2025")
            user.save()
            user.access_roles.set([staff])
            accounts[kind].append(user.username)
    device = TOTPDevice.objects.get(user__username="lead", confirmed=True)
    accounts["lead_key"] = bytes(device.bin_key)
    return accounts


def totp(key: bytes, at: float, step: int = 30) -> str:
    digest = hmac.new(key, struct.pack(">Q", int(at // step)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


class Client:
    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path):
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.status, response.geturl(), response.read().decode("utf-8", "replace")

    def post(self, path, data):
        body = urllib.parse.urlencode(data, doseq=True).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        with self.opener.open(request, timeout=60) as response:
            return response.status, response.geturl(), response.read().decode("utf-8", "replace")

    def form_post(self, path, data):
        _, _, page = self.get(path)
        return self.post(path, {**data, "csrfmiddlewaretoken": CSRF.search(page).group(1)})


class Recorder:
    def __init__(self, deadline):
        self.deadline = deadline
        self.lock = threading.Lock()
        self.latency = defaultdict(list)
        self.errors = defaultdict(int)
        self.refused = defaultdict(int)
        self.count = 0

    def timed(self, kind, call, *args):
        start = time.perf_counter()
        try:
            result = call(*args)
        except (urllib.error.URLError, OSError, AttributeError) as exc:
            with self.lock:
                self.errors[f"{kind}: {type(exc).__name__} {getattr(exc, 'code', '')}".strip()] += 1
                self.count += 1
            return None
        with self.lock:
            self.latency[kind].append(time.perf_counter() - start)
            self.count += 1
        return result

    def running(self):
        return time.monotonic() < self.deadline and self.count < MAX_REQUESTS


def sign_in(client, username, password, key=None):
    status, url, page = client.form_post("/login/", {"username": username, "password": password, "next": "/"})
    if "/account/two-factor/" in url and key is not None:
        path = urllib.parse.urlparse(url).path + "?" + urllib.parse.urlparse(url).query
        status, url, page = client.post(path, {"token": totp(key, time.time()), "next": "/", "csrfmiddlewaretoken": CSRF.search(page).group(1)})
    if "/login/" in url or "/account/" in url:
        raise RuntimeError(f"sign-in failed for {username}: {url}")


def viewer(rec, client, username):
    sign_in(client, username, "load-pass-2025")
    while rec.running():
        rec.timed("home (dashboard)", client.get, "/")
        rec.timed("roadmap", client.get, "/plans/2025/roadmap/")


def enterer(rec, client, username, index):
    sign_in(client, username, "load-pass-2025")
    while rec.running():
        got = rec.timed("entry grid", client.get, "/kpi/2025/entry/")
        if got is None:
            continue
        page = got[2]
        cells = CELL.findall(page)
        if not cells:
            rec.errors["entry grid: no editable cell"] += 1
            return
        name, value = cells[index % len(cells)]
        version = re.search(rf'name="{name}_v" value="([^"]*)"', page).group(1)
        new = str((int(value.replace(",", "") or 0) + 1) % 1000)
        saved = rec.timed("entry save", client.post, "/kpi/2025/entry/", {
            "csrfmiddlewaretoken": CSRF.search(page).group(1), f"{name}_value": new, f"{name}_v": version, "save": "1"})
        if saved and "保存しました" not in saved[2]:
            # Refused saves are the portal working as designed (a locked month, 内数 above its
            # parent after an increment, or another user's save first), not server errors.
            with rec.lock:
                rec.refused["entry save refused (" + ("conflict" if "他の利用者" in saved[2] else "validation") + ")"] += 1


def secretariat(rec, client, key):
    sign_in(client, "lead", "demo-pass-2025", key)
    _, _, menu = client.get("/exports/2025/")
    started = rec.timed("packet export (start)", client.post, "/exports/2025/meeting_packet/start/", {
        "csrfmiddlewaretoken": CSRF.search(menu).group(1), "encoding": "utf-8-sig"})
    if started is None:
        return
    job_path = urllib.parse.urlparse(started[1]).path
    begin = time.perf_counter()
    while rec.running():
        _, _, page = client.get(job_path)
        if "完了" in page:
            got = rec.timed("packet export (download)", client.get, job_path + "file/")
            with rec.lock:
                rec.latency["packet export (queued → downloaded)"].append(time.perf_counter() - begin)
                if got is None or not got[2].startswith("%PDF"):
                    rec.errors["packet export: not a PDF"] += 1
            break
        if "失敗" in page:
            rec.errors["packet export: job failed"] += 1
            break
        time.sleep(0.5)
    while rec.running():
        rec.timed("home (dashboard)", client.get, "/")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def mixed_load(bases, accounts, users, duration):
    rec = Recorder(time.monotonic() + duration)
    threads = [threading.Thread(target=secretariat, args=(rec, Client(bases[0]), accounts["lead_key"]))]
    for i, name in enumerate(accounts["entry"]):
        threads.append(threading.Thread(target=enterer, args=(rec, Client(bases[i % 2]), name, i)))
    for i, name in enumerate(accounts["view"]):
        threads.append(threading.Thread(target=viewer, args=(rec, Client(bases[(i + 1) % 2]), name)))
    threads = threads[:users]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=duration + 120)
    return rec, time.monotonic() - started


def throughput(bases, path, users, seconds, username=None, clients=None):
    rec = Recorder(time.monotonic() + seconds)
    if clients is None:
        clients = [Client(bases[i % 2]) for i in range(users)]
        if username:
            for c in clients:
                sign_in(c, username, "load-pass-2025")

    def loop(c):
        while rec.running():
            rec.timed(path, c.get, path)

    rec.deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=loop, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done = len(rec.latency[path])
    return done / seconds, sum(rec.errors.values())


def report_mixed_load(bases, accounts, args):
    rec, elapsed = mixed_load(bases, accounts, args.users, args.duration)
    everything = [v for values in rec.latency.values() for v in values]
    print(f"mixed load: {args.users} users for {args.duration} s on {len(bases)} app servers; {rec.count} requests in {elapsed:.1f} s")
    print(f"{'kind':<36} {'n':>6} {'p50 ms':>8} {'p95 ms':>8}")
    for kind, values in sorted(rec.latency.items()):
        print(f"{kind:<36} {len(values):>6} {percentile(values, 50) * 1000:>8.0f} {percentile(values, 95) * 1000:>8.0f}")
    print(f"{'all requests':<36} {len(everything):>6} {percentile(everything, 50) * 1000:>8.0f} {percentile(everything, 95) * 1000:>8.0f}")
    print(f"errors: {sum(rec.errors.values())} {dict(rec.errors) if rec.errors else ''}")
    if rec.refused:
        print(f"refused by the portal's rules (not errors): {dict(rec.refused)}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--compare-seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--ports", default="8101,8102")
    parser.add_argument("--compare-only", action="store_true", help="only the dashboard ÷ bare view throughput")
    args = parser.parse_args()
    bases = [f"http://127.0.0.1:{p}" for p in args.ports.split(",")]
    enterers = max(1, (args.users - 1) * 2 // 5)
    accounts = setup_users(viewers=args.users - 1 - enterers, enterers=enterers)
    random.seed(1)

    if not args.compare_only:
        report_mixed_load(bases, accounts, args)

    compare_throughput(bases, accounts, args)


def compare_throughput(bases, accounts, args):
    """The dashboard against the bare view, in alternating rounds: this shared machine is noisy.

    The bare view (/healthz/) is measured twice: without a session (no sign-in work at all) and
    with the same signed-in clients as the dashboard (session, user and second-factor check).
    """
    anonymous = [Client(bases[i % 2]) for i in range(args.users)]
    signed_in = [Client(bases[i % 2]) for i in range(args.users)]
    for c in signed_in:
        sign_in(c, accounts["view"][0], "load-pass-2025")
    rates, errors = defaultdict(list), 0
    for _ in range(args.rounds):
        for label, path, clients in (("bare", "/healthz/", anonymous), ("bare signed in", "/healthz/", signed_in), ("dashboard", "/", signed_in)):
            rate, failed = throughput(bases, path, args.users, args.compare_seconds, clients=clients)
            rates[label].append(rate)
            errors += failed
    median = {label: statistics.median(values) for label, values in rates.items()}
    print(f"throughput at {args.users} concurrent, median of {args.rounds} rounds of {args.compare_seconds} s (errors {errors}):")
    for label, values in rates.items():
        print(f"  {label:<16} {median[label]:7.1f} req/s  (rounds: {', '.join(f'{v:.0f}' for v in values)})")
    print(f"  dashboard ÷ bare {median['dashboard'] / median['bare'] * 100:.0f}%, "
          f"dashboard ÷ bare signed in {median['dashboard'] / median['bare signed in'] * 100:.0f}%")


if __name__ == "__main__":
    main()
