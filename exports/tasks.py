"""Exports rendered by a worker (`manage.py db_worker`), for files that take a while."""
import logging
import threading
from contextlib import contextmanager

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection
from django.utils import timezone
from django_tasks import task

from exports.models import ExportJob
from exports.registry import REGISTRY
from kpi.confirmation import export_provisional

logger = logging.getLogger(__name__)


@task()
def generate_export(job_id: int) -> str:
    job = ExportJob.objects.select_related("platform").get(pk=job_id)
    job.status, job.started_at = ExportJob.Status.RUNNING, timezone.now()
    job.heartbeat_at = job.started_at
    job.save(update_fields=["status", "started_at", "heartbeat_at"])
    try:
        plan = job.platform.plans.get(fiscal_year=job.fiscal_year)
        # The job's options were chosen on the web; 速報値 only if its requester may see them.
        options = {**job.options, "provisional": export_provisional(job.user, job.options.get("provisional"))}
        with heartbeat(job.pk):
            file = REGISTRY[job.export_id].render(plan, encoding=job.encoding, user=job.user, **options)
    except Exception as exc:
        logger.exception("export %s failed", job.pk)
        job.status, job.error, job.finished_at = ExportJob.Status.FAILED, f"作成に失敗しました（{type(exc).__name__}）。もう一度お試しください。", timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        raise
    job.file.save(file.filename, ContentFile(file.content), save=False)
    job.filename, job.content_type = file.filename, file.content_type
    job.status, job.finished_at = ExportJob.Status.DONE, timezone.now()
    job.save(update_fields=["file", "filename", "content_type", "status", "finished_at"])
    return job.filename


@contextmanager
def heartbeat(job_id: int):
    """While the block runs, a thread stamps the job's `heartbeat_at` every EXPORT_JOB_HEARTBEAT
    seconds: the sign of life by which a dead worker's job is told from a slow one
    (`ExportJob.is_abandoned`). A render is one long call, so the stamp cannot come from it."""
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(settings.EXPORT_JOB_HEARTBEAT):
                try:
                    ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.RUNNING).update(heartbeat_at=timezone.now())
                except DatabaseError as exc:  # the render will meet it too; keep beating once it is back
                    logger.warning("export %s: heartbeat not recorded: %s", job_id, exc)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"export-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
