"""An import interrupted halfway leaves nothing behind and can be run again.

The interruption is real: the import runs in its own process (`manage.py import_file`), which is
killed with SIGKILL while it writes. This needs a database a second process can see, so it runs
on PostgreSQL (CI's database); SQLite's test database lives in the test process's memory.
"""
import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from imports import services
from imports.kinds import KINDS
from kpi.models import Kpi, KpiFigure
from tests.imports_helpers import csv_bytes, upload

HEADER = ["取組", "指標名", "入力機関", "対象月", "実績値", "分子", "分母", "記述", "はい／いいえ", "コメント"]
PG_ONLY = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database another process can reach (CI uses PostgreSQL)")


def many_rows(plan, body, count):
    measure = Kpi.objects.filter(measure__section__plan=plan).first().measure
    kpis = Kpi.objects.bulk_create([Kpi(measure=measure, name=f"中断試験{i:04}", unit="件", order=500 + i) for i in range(count // 12 + 1)])
    Kpi.reporting_bodies.through.objects.bulk_create([Kpi.reporting_bodies.through(kpi=k, memberbody=body) for k in kpis])
    months = [f"{2025 + (m > 12)}-{(m - 1) % 12 + 1:02}" for m in range(4, 16)]
    rows = [[measure.code, k.name, body.name, month, "1", "", "", "", "", ""] for k in kpis for month in months][:count]
    return kpis, csv_bytes([HEADER, *rows])


def command(path, database_name):
    env = {**os.environ, "DATABASE_URL": f"postgres://{settings.DATABASES['default']['USER']}@{settings.DATABASES['default']['HOST'] or '127.0.0.1'}:{settings.DATABASES['default']['PORT'] or 5432}/{database_name}",
           "SECRET_KEY": "test-only", "PORTAL_ENV": "test", "MEDIA_ROOT": str(path.parent)}
    return subprocess.Popen(
        [sys.executable, "manage.py", "import_file", "figures", str(path), "--platform", "gunma", "--fiscal-year", "2025"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def writing(database_name) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid() AND query ILIKE %s",
            [database_name, "%INSERT INTO \"kpi_%kpifigure\"%"],
        )
        return cursor.fetchone()[0] > 0


@PG_ONLY
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_killed_import_saves_nothing_and_runs_again(gunma, plan2025, tmp_path):
    bureau = gunma.member_bodies.get(name="群馬労働局")
    kpis, content = many_rows(plan2025, bureau, 10_000)
    path = tmp_path / "実績.csv"
    path.write_bytes(content)
    database_name = connection.settings_dict["NAME"]

    process = command(path, database_name)
    deadline = time.monotonic() + 60
    while not writing(database_name):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the import never started writing"
        time.sleep(0.02)
    time.sleep(0.3)  # well inside the bulk writes of a 10,000-row file
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    assert not KpiFigure.objects.filter(kpi__in=kpis).exists()
    assert not KpiFigure.history.filter(kpi_id__in=[k.pk for k in kpis]).exists()

    again = command(path, database_name)
    out, err = again.communicate(timeout=180)
    assert again.returncode == 0, err.decode()
    assert "新規 10000行" in out.decode()
    assert KpiFigure.objects.filter(kpi__in=kpis).count() == 10_000


def test_an_error_while_writing_leaves_nothing_and_the_upload_can_be_confirmed_again(client, lead_user, gunma, plan2025, monkeypatch):
    """A failure in the middle of the confirmed import (here: the second bulk batch) rolls back the first batch."""
    bureau = gunma.member_bodies.get(name="群馬労働局")
    kpis, content = many_rows(plan2025, bureau, 2_500)
    client.force_login(lead_user)
    run = upload(client, "figures", content)
    assert run.status == "previewed"

    from imports.resources import base

    real = base.bulk_create_audited
    calls = []

    def failing_after_first_batch(objs, model, **kwargs):
        calls.append(len(objs))
        if len(calls) == 2:
            raise ConnectionError("接続が切れました（試験）")
        return real(objs, model, **kwargs)

    monkeypatch.setattr(base, "bulk_create_audited", failing_after_first_batch)
    run = services.confirm(KINDS["figures"], run, plan=plan2025, user=lead_user)
    assert calls[0] == 1000 and run.status == "invalid"
    assert any("接続が切れました（試験）" in issue["text"] for issue in run.issues)
    assert not KpiFigure.objects.filter(kpi__in=kpis).exists()

    monkeypatch.setattr(base, "bulk_create_audited", real)
    run = upload(client, "figures", content)  # the user uploads the same file again
    run = services.confirm(KINDS["figures"], run, plan=plan2025, user=lead_user)
    assert run.status == "imported" and KpiFigure.objects.filter(kpi__in=kpis).count() == 2_500
