"""National scale: do page query counts stay constant from 1 platform × 1 year to 47 × 5?

Run:  ./scripts/install.sh && .venv/bin/python bench/scale.py
It builds two scratch PostgreSQL databases (portal_scale_small, portal_scale_large; dropped and
re-created, never point it at a database you keep): Gunma's FY2025 plan alone, and 47 platforms
(Gunma's definition loaded under every prefecture) with five fiscal years each (FY2025 copied
forward by the rollover), each year with a full year of figures and submissions. Then it counts
the queries of the main pages for the same Gunma users in both, and the time to build.
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
YEARS = [2025, 2026, 2027, 2028, 2029]
PAGES = [
    ("home (member)", "member", "/"),
    ("roadmap", "member", "/plans/2025/roadmap/"),
    ("KPI entry grid", "bureau", "/kpi/2025/entry/"),
    ("approvals (lead)", "lead", "/kpi/2025/approvals/"),
    ("Excel progress report", "member", "/exports/2025/progress_xlsx/"),
    ("national view", "national", "/national/"),
]


def build_and_measure(size: str) -> dict:
    # The cache as in production but in the process (LocMem), so that cached pages are counted too.
    os.environ.update({"PORTAL_ENV": "test", "SECRET_KEY": "bench-only", "DJANGO_SETTINGS_MODULE": "platform_portal.settings",
                       "ALLOWED_HOSTS": "testserver", "MEDIA_ROOT": "/tmp/portal-scale-media"})
    import django

    django.setup()
    from django.conf import settings

    # Pages are rendered in-process without collectstatic, as the test suite does.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from kpi.demo import generate_demo_figures, generate_demo_submissions
    from members.models import AccessRole, User
    from onboarding.loader import _read, load_plan, load_platform
    from core.models import Prefecture
    from plans.rollover import copy_plan

    setup_test_environment()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    definition = _read(ROOT / "fixtures" / "gunma" / "platform.json")
    plan_data = _read(ROOT / "fixtures" / "gunma" / "plan_2025.json")
    prefectures = list(Prefecture.objects.order_by("code")) if size == "large" else [Prefecture.objects.get(code="10")]
    years = YEARS if size == "large" else YEARS[:1]
    figures = 0
    for prefecture in prefectures:
        code = "gunma" if prefecture.code == "10" else f"pref{prefecture.code}"
        platform = load_platform({**definition, "prefecture": prefecture.code, "code": code})
        plan, _ = load_plan(platform, plan_data)
        plans = [plan] + [copy_plan(plan, year) for year in years[1:]]
        for each in plans:
            figures += generate_demo_figures(each)
            generate_demo_submissions(each)
    gunma = prefectures[0].platform if size == "small" else Prefecture.objects.get(code="10").platform
    users = {
        "member": ("ハローワーク", "member_staff"), "bureau": ("群馬労働局", "member_staff"), "lead": ("群馬労働局", "lead_secretariat"),
    }
    clients = {}
    for name, (body, role) in users.items():
        user = User.objects.create_user(f"scale-{name}", member_body=gunma.member_bodies.get(name=body))
        user.access_roles.set(AccessRole.objects.filter(platform=gunma, code=role))
        clients[name] = _signed_in(Client(), user)
    national = User.objects.create_user("scale-national")
    national.access_roles.set(AccessRole.objects.filter(platform=None, code="national_viewer"))
    clients["national"] = _signed_in(Client(), national)
    built = time.perf_counter() - started

    from core.freshness import data_changed

    counts = {}
    for label, who, path in PAGES:
        clients[who].get(path)  # load templates and URL patterns, as a running server has them
        data_changed()  # as after any save: every cached part is computed again
        with CaptureQueriesContext(connection) as computed:
            response = clients[who].get(path)
        assert response.status_code == 200, (label, response.status_code)
        with CaptureQueriesContext(connection) as cached:
            clients[who].get(path)
        counts[label] = [len(computed), len(cached)]
    from kpi.models import KpiFigure
    from plans.models import BusinessPlan
    from core.models import Platform

    return {"counts": counts, "platforms": Platform.objects.count(), "plans": BusinessPlan.objects.count(),
            "figures": KpiFigure.objects.count(), "build_seconds": round(built, 1)}


def _signed_in(client, user):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id  # the second factor, as after the code step
    session.save()
    return client


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", choices=["small", "large"])
    args = parser.parse_args()
    if args.size:
        print(json.dumps(build_and_measure(args.size)))
        return
    import psycopg

    results = {}
    for size in ("small", "large"):
        name = f"portal_scale_{size}"
        with psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}"}
        run = subprocess.run([sys.executable, __file__, "--size", size], env=env, capture_output=True, text=True)
        if run.returncode:
            raise SystemExit(f"building the {size} data failed:\n{run.stderr[-3000:]}")
        results[size] = json.loads(run.stdout.strip().splitlines()[-1])
    small, large = results["small"], results["large"]
    print(f"data: small {small['platforms']} platform × {small['plans']} plan, {small['figures']:,} figures (built in {small['build_seconds']} s); "
          f"large {large['platforms']} platforms, {large['plans']} plans, {large['figures']:,} figures (built in {large['build_seconds']} s)")
    print(f"{'page (computed / cached)':<26} {'1 × 1':>8} {'47 × 5':>8}")
    for label in small["counts"]:
        mark = "" if small["counts"][label] == large["counts"][label] else "  ← differs"
        print(f"{label:<26} {'%d / %d' % tuple(small['counts'][label]):>8} {'%d / %d' % tuple(large['counts'][label]):>8}{mark}")
    if small["counts"] != large["counts"]:
        raise SystemExit("query counts differ between the small and the national-scale data")


if __name__ == "__main__":
    main()
