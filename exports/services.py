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
    """Mark as failed the jobs whose worker died mid-export (`ExportJob.is_abandoned`), so that
    「もう一度作成する」 is offered at once instead of a 作成中 that never ends."""
    from django.utils import timezone

    from exports.models import ExportJob

    abandoned = [job for job in jobs if job.is_abandoned]
    if abandoned:
        # Only if still 作成中 in the database: a worker that finished meanwhile wins.
        ExportJob.objects.filter(pk__in=[job.pk for job in abandoned], status=ExportJob.Status.RUNNING).update(
            status=ExportJob.Status.FAILED, error=INTERRUPTED, finished_at=timezone.now()
        )
        for job in abandoned:
            job.status, job.error = ExportJob.Status.FAILED, INTERRUPTED
