"""Exports rendered by a worker (`manage.py db_worker`), for files that take a while."""
import logging

from django.core.files.base import ContentFile
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
    job.save(update_fields=["status", "started_at"])
    try:
        plan = job.platform.plans.get(fiscal_year=job.fiscal_year)
        # The job's options were chosen on the web; 速報値 only if its requester may see them.
        options = {**job.options, "provisional": export_provisional(job.user, job.options.get("provisional"))}
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
