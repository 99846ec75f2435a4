"""Benchmark of a 10,000-row KPI figure import with the audit trail kept.

Run:  ./scripts/install.sh && SECRET_KEY=bench DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_imports \\
          .venv/bin/python bench/imports.py [--rows 10000] [--repeat 3]
The database named in DATABASE_URL is created if missing and emptied first (never point it at a
database you keep); without DATABASE_URL a throwaway SQLite file is used. Each repeat loads the
same file into an empty year: the preview (dry run) and the confirmed import, both through the
services the web views call, including every history row.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="portal-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("PORTAL_ENV", "test")  # a throwaway database, not a deployment
    os.environ["MEDIA_ROOT"] = workdir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_portal.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    _fresh_database(connection)
    call_command("migrate", verbosity=0)
    call_command("load_platform", verbosity=0, stdout=open(os.devnull, "w"))

    from django.core.files.uploadedfile import SimpleUploadedFile

    from imports import services
    from imports.kinds import KINDS
    from kpi.models import Kpi, KpiFigure
    from members.models import User
    from plans.models import BusinessPlan
    from tests.imports_helpers import csv_bytes

    plan = BusinessPlan.objects.get(platform__code="gunma", fiscal_year=2025)
    platform = plan.platform
    bureau = platform.member_bodies.get(name="群馬労働局")
    user = User.objects.create_user("bench-lead", member_body=bureau)
    measure = Kpi.objects.filter(measure__section__plan=plan).first().measure
    kpis = Kpi.objects.bulk_create([Kpi(measure=measure, name=f"試験指標{i:04}", unit="件", order=100 + i) for i in range(args.rows // 12 + 1)])
    Kpi.reporting_bodies.through.objects.bulk_create([Kpi.reporting_bodies.through(kpi=k, memberbody=bureau) for k in kpis])
    months = [f"{2025 + (m > 12)}-{(m - 1) % 12 + 1:02}" for m in range(4, 16)]
    header = ["取組", "指標名", "入力機関", "対象月", "実績値", "分子", "分母", "記述", "はい／いいえ", "コメント"]
    rows = [[measure.code, k.name, bureau.name, month, str(i % 97), "", "", "", "", ""] for i, (k, month) in enumerate((k, m) for k in kpis for m in months)]
    content = csv_bytes([header] + rows[: args.rows], "cp932")
    kind = KINDS["figures"]

    previews, imports = [], []
    for _ in range(args.repeat):
        KpiFigure.history.all().delete()
        KpiFigure.objects.filter(kpi__in=kpis).delete()
        start = time.perf_counter()
        run = services.upload(kind, platform=platform, plan=plan, user=user, uploaded=SimpleUploadedFile("bench.csv", content))
        previews.append(time.perf_counter() - start)
        assert run.status == "previewed", run.issues[:3]
        start = time.perf_counter()
        services.confirm(kind, run, plan=plan, user=user)
        imports.append(time.perf_counter() - start)
        assert run.status == "imported", run.issues[:3]
        assert KpiFigure.objects.filter(kpi__in=kpis).count() == args.rows
        assert KpiFigure.history.filter(history_change_reason__startswith="取込").count() == args.rows
    per_thousand = statistics.median(imports) / args.rows * 1000
    print(f"database: {connection.vendor}; rows: {args.rows:,}; repeats: {args.repeat}")
    print(f"preview (dry run)  median {statistics.median(previews):.2f} s  min {min(previews):.2f} s")
    print(f"import (confirm)   median {statistics.median(imports):.2f} s  min {min(imports):.2f} s")
    print(f"import per 1,000 rows: {per_thousand:.3f} s (target ≤ 1 s); history rows written: {args.rows:,}")


def _fresh_database(connection):
    if connection.vendor != "postgresql":
        return
    import psycopg

    settings = connection.settings_dict
    with psycopg.connect(host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"], dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{settings["NAME"]}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{settings["NAME"]}"')


if __name__ == "__main__":
    main()
