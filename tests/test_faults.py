"""Faults: each gives a clear error and leaves no partial write.

The database and worker faults need a database that a second connection or process can reach,
so they run on PostgreSQL (CI's database); on the SQLite default they are skipped.
"""
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date

import psycopg
import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from exports.models import ExportJob
from kpi.entry import SIMULTANEOUS, build_grid, cell_name, save_grid
from kpi.models import Kpi, KpiFigure
from members.models import User

PG_ONLY = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a second connection or process (CI uses PostgreSQL)")
PLACEMENTS = "ハローワークにおける紹介就職件数"
APRIL, MAY = date(2025, 4, 1), date(2025, 5, 1)


def admin_connection():
    s = connection.settings_dict
    return psycopg.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"], dbname=s["NAME"], autocommit=True)


# --- The database goes away during a save ------------------------------------------------------


def test_a_lost_database_is_a_clear_503_page(client, lead_user, monkeypatch):
    from kpi import views

    def broken(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(views, "save_grid", broken)
    client.force_login(lead_user)
    response = client.post(reverse("kpi:entry", args=[2025]), {"save": "1"})
    assert response.status_code == 503
    page = response.content.decode()
    assert "データベースに接続できない" in page and "保存されていません" in page


@PG_ONLY
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_going_away_mid_save_saves_nothing(gunma, plan2025):
    bureau_user = User.objects.get_or_create(username="bureau-fault", defaults={"member_body": gunma.member_bodies.get(name="群馬労働局")})[0]
    bureau_user.access_roles.set(gunma.access_roles.filter(code="member_staff"))
    kpis = list(Kpi.objects.filter(measure__section__plan=plan2025, reporting_bodies__name="群馬労働局", measure_type="count")[:3])
    client = Client()
    client.force_login(bureau_user)
    data = {"save": "1", **{f"{cell_name(k.pk, MAY)}_value": "12" for k in kpis}, **{f"{cell_name(k.pk, MAY)}_v": "" for k in kpis}}
    writes = []

    def kill_after_first_write(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith('INSERT INTO "kpi_kpifigure"'):
            writes.append(sql)
            if len(writes) == 1:
                with admin_connection() as admin:  # the server drops this request's connection
                    admin.execute("SELECT pg_terminate_backend(%s)", [context["connection"].connection.info.backend_pid])
        return result

    with connection.execute_wrapper(kill_after_first_write):
        response = client.post(reverse("kpi:entry", args=[2025]), data)
    assert writes, "the save never reached the database"
    assert response.status_code == 503 and "保存されていません" in response.content.decode()
    connection.close()  # the test's own handle to the killed session
    assert not KpiFigure.objects.filter(kpi__in=kpis, month=MAY).exists()
    assert client.get(reverse("kpi:entry", args=[2025])).status_code == 200  # and the portal recovers


# --- Two users save the same KPI month at the same time ---------------------------------------


def _race(plan, body, user, name, values, version):
    """Both saves load the grid, then write at the same moment; returns their results."""
    barrier = threading.Barrier(len(values))
    results = [None] * len(values)

    def save(i):
        try:
            barrier.wait(timeout=10)
            results[i] = save_grid(plan, body, {f"{name}_value": values[i], f"{name}_v": version}, user=user, as_of=date(2026, 3, 31))
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(i,)) for i in range(len(values))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


@PG_ONLY
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("existing", [False, True], ids=["new-month", "existing-month"])
def test_simultaneous_saves_of_one_month_lose_nothing(gunma, plan2025, lead_user, existing):
    body = gunma.member_bodies.get(name="群馬労働局")
    kpi = Kpi.objects.get(measure__section__plan=plan2025, name=PLACEMENTS)
    name = cell_name(kpi.pk, APRIL)
    version = ""
    if existing:
        figure = KpiFigure.objects.create(kpi=kpi, member_body=body, month=APRIL, value=1, version=1)
        version = str(figure.version)
    results = _race(plan2025, body, lead_user, name, ["1500", "1600"], version)
    winners = [r for r in results if r.ok]
    losers = [r for r in results if not r.ok]
    assert len(winners) == 1 and len(losers) == 1
    message = " ".join(losers[0].grid.errors) + " ".join(str(c.conflict) for c in losers[0].grid.conflicts)
    assert SIMULTANEOUS in message or "他の利用者" in message or losers[0].grid.conflicts, message
    figure = KpiFigure.objects.get(kpi=kpi, member_body=body, month=APRIL)
    winner_value = "1500" if results[0].ok else "1600"
    assert figure.value == int(winner_value)
    assert figure.history.count() == (2 if existing else 1)


# --- A worker dies during an export -------------------------------------------------------------


def worker(env):
    return subprocess.Popen([sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.1"],
                            cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@PG_ONLY
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_export_leaves_a_failed_job_that_can_be_made_again(gunma, plan2025, lead_user, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    s = connection.settings_dict
    env = {**os.environ, "PORTAL_ENV": "test", "MEDIA_ROOT": str(tmp_path), "SECRET_KEY": "test-only", "EXPORT_JOB_HEARTBEAT": "0.2",
           "DATABASE_URL": f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"}
    client = Client()
    client.force_login(lead_user)
    response = client.post(reverse("exports:start", args=[2025, "meeting_packet"]))
    job = ExportJob.objects.get(pk=response.url.rstrip("/").split("/")[-1])

    process = worker(env)
    deadline = time.monotonic() + 60
    while (running := ExportJob.objects.get(pk=job.pk)).status != "running" or running.heartbeat_at == running.started_at:
        assert process.poll() is None and time.monotonic() < deadline, "the worker never started the export or never beat"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)  # mid-render: the packet takes over a second
    process.wait(timeout=30)
    job.refresh_from_db()
    assert job.status == "running" and not job.file

    # Noticed once the heartbeat is older than EXPORT_JOB_DEAD_AFTER (60 s; 2 s here), long before EXPORT_JOB_TIMEOUT.
    settings.EXPORT_JOB_DEAD_AFTER = 2
    time.sleep(2.5)
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert "失敗" in page and "作成中に処理が中断されました" in page and "もう一度作成する" in page
    assert ExportJob.objects.get(pk=job.pk).status == "failed"

    retried = client.post(reverse("exports:retry", args=[job.pk]))
    again = ExportJob.objects.get(pk=retried.url.rstrip("/").split("/")[-1])
    assert again.pk != job.pk and again.options == job.options
    process = worker(env)
    try:
        deadline = time.monotonic() + 120
        while ExportJob.objects.get(pk=again.pk).status != "done":
            assert time.monotonic() < deadline, ExportJob.objects.get(pk=again.pk).error
            time.sleep(0.1)
    finally:
        process.kill()
        process.wait()
    pdf = client.get(reverse("exports:job_file", args=[again.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
