from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from exports.forms import ExportForm
from exports.models import ExportJob, ExportLog
from exports.registry import REGISTRY, available
from exports.services import fail_interrupted, render_and_log
from exports.tasks import generate_export
from kpi.confirmation import export_provisional
from core.access import may, requires_any, require


@requires_any("view_plan", "view_figures")
def menu(request, fiscal_year):
    plan = get_object_or_404(request.platform.plans, fiscal_year=fiscal_year)
    return _menu(request, plan)


def _menu(request, plan, invalid=None, status=200):
    """The exports the user may take, each with its form; `invalid` is a form sent back with its errors."""
    logs = None
    if may(request.user, "manage_meetings"):
        logs = ExportLog.objects.filter(platform=request.platform).select_related("user")[:20]
    jobs = list(ExportJob.objects.filter(platform=request.platform, user=request.user)[:5])
    fail_interrupted(jobs)
    for job in jobs:
        job.export = REGISTRY.get(job.export_id)
    forms = [
        invalid if invalid is not None and invalid.export is export else ExportForm(export, plan, request.user)
        for export in available(request.user)
    ]
    return render(request, "exports/menu.html", {"plan": plan, "forms": forms, "logs": logs, "jobs": jobs}, status=status)


def _chosen(request, fiscal_year, export_id):
    """The plan, the export and the user's choices for it, checked by the export's own form."""
    plan = get_object_or_404(request.platform.plans.select_related("platform"), fiscal_year=fiscal_year)
    export = REGISTRY.get(export_id)
    if export is None:
        raise Http404
    require(request.user, export.permission)
    # GET for links and scripts; POST from the exports menu, whose one form also starts background jobs.
    form = ExportForm(export, plan, request.user, request.POST if request.method == "POST" else request.GET)
    return plan, export, form


@requires_any("view_plan", "view_figures")
def download(request, fiscal_year, export_id):
    plan, export, form = _chosen(request, fiscal_year, export_id)
    if not form.is_valid():
        return _menu(request, plan, invalid=form, status=400)
    file = render_and_log(export.id, plan, user=request.user, **form.options())
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    return response


@require_POST
@requires_any("view_plan", "view_figures")
def start(request, fiscal_year, export_id):
    plan, export, form = _chosen(request, fiscal_year, export_id)
    if not form.is_valid():
        return _menu(request, plan, invalid=form, status=400)
    # The job keeps render's options as chosen; the worker renders them for this user (exports/tasks.py).
    options = form.options()
    job = ExportJob.objects.create(
        platform=request.platform, user=request.user, export_id=export.id, fiscal_year=plan.fiscal_year,
        encoding=options.pop("encoding", "utf-8-sig"), options=options,
    )
    return _enqueue(job)


def _enqueue(job):
    def enqueue():
        result = generate_export.enqueue(job.pk)
        ExportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))

    # Queued once the job row is committed, so that a worker never looks for a job it cannot see yet.
    transaction.on_commit(enqueue)
    return redirect("exports:job", job.pk)


@require_POST
@requires_any("view_plan", "view_figures")
def retry(request, pk):
    """A failed job made again with the same choices (sections, meeting, encoding)."""
    old = _job(request, pk)
    fail_interrupted([old])
    if old.status != ExportJob.Status.FAILED:
        return redirect("exports:job", old.pk)
    require(request.user, REGISTRY[old.export_id].permission)
    job = ExportJob.objects.create(
        platform=old.platform, user=request.user, export_id=old.export_id, fiscal_year=old.fiscal_year,
        encoding=old.encoding, options=old.options,
    )
    return _enqueue(job)


def _job(request, pk):
    # A job is its requester's: nobody else sees that it exists.
    return get_object_or_404(ExportJob, pk=pk, platform=request.platform, user=request.user)


@requires_any("view_plan", "view_figures")
def job(request, pk):
    job = _job(request, pk)
    fail_interrupted([job])
    return render(request, "exports/job.html", {"job": job, "export": REGISTRY.get(job.export_id)})


@requires_any("view_plan", "view_figures")
def job_file(request, pk):
    job = _job(request, pk)
    if job.status != ExportJob.Status.DONE:
        raise Http404
    require(request.user, REGISTRY[job.export_id].permission)
    if (job.options or {}).get("provisional") and not export_provisional(request.user, True):
        # Made with 速報値 for someone who may no longer see unconfirmed figures.
        raise PermissionDenied("この資料には速報値（未承認の実績）が含まれるため、ダウンロードできません。確定値で作成し直してください。")
    content = job.file.read()
    ExportLog.objects.create(
        platform=job.platform, user=request.user, export_id=job.export_id, fiscal_year=job.fiscal_year,
        filename=job.filename, size=len(content), via="background",
    )
    response = HttpResponse(content, content_type=job.content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    return response
