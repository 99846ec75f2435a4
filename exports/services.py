from exports.models import ExportLog
from exports.registry import REGISTRY, ExportFile
from kpi.confirmation import export_provisional


def render_and_log(export_id: str, plan, *, user=None, encoding: str = "utf-8-sig", via: str = "web", **options) -> ExportFile:
    """Render an export and record who took it (the web and the command line both come through here)."""
    export = REGISTRY[export_id]
    # The taker goes to render: a file holds no more than their screen (速報値, others' reports).
    options["provisional"] = export_provisional(user, options.get("provisional"))
    file = export.render(plan, encoding=encoding, user=user, **options)
    ExportLog.objects.create(
        platform=plan.platform, user=user, export_id=export.id, fiscal_year=plan.fiscal_year,
        filename=file.filename, size=len(file.content), via=via,
    )
    return file


INTERRUPTED = "作成中に処理が中断されました（ワーカーの停止など）。「もう一度作成する」で作り直してください。"


def fail_interrupted(jobs) -> None:
    """Mark as failed the jobs a worker started but never finished within the export timeout.

    A worker killed mid-export leaves its job 作成中 for ever; no export takes longer than
    EXPORT_JOB_TIMEOUT, so past it the job is reported failed and can be made again.
    """
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from exports.models import ExportJob

    limit = timezone.now() - timedelta(seconds=settings.EXPORT_JOB_TIMEOUT)
    stale = [j.pk for j in jobs if j.status == ExportJob.Status.RUNNING and j.started_at and j.started_at < limit]
    if stale:
        ExportJob.objects.filter(pk__in=stale, status=ExportJob.Status.RUNNING).update(
            status=ExportJob.Status.FAILED, error=INTERRUPTED, finished_at=timezone.now()
        )
        for job in jobs:
            if job.pk in stale:
                job.status, job.error = ExportJob.Status.FAILED, INTERRUPTED
