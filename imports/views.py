"""Import screens: choose a kind, download its template, upload, preview every error, confirm."""
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from imports import services
from imports.forms import FILE_FORMATS, UploadForm
from imports.kinds import allowed_kinds, get_kind
from imports.models import ImportRun
from core import locking
from core.access import requires_any
from core.tenancy import working_plan

# Who may use the import pages at all (the menu reads it from the views); each kind has its own (imports/kinds.py).
IMPORTERS = ("import_data", "manage_municipal")


def _plan(request, kind, fiscal_year, *, create=False):
    plan = services.plan_for(kind, request.platform, fiscal_year, create=create)
    if kind.per_plan and plan is None:
        raise Http404(f"{fiscal_year}年度の事業実施計画はありません。")
    return plan


@requires_any(*IMPORTERS)
def menu(request):
    services.expire_stale(request.platform)
    plan = working_plan(request.platform)
    kinds = allowed_kinds(request.user)
    # Only runs of the kinds the user may import: the others' pages would answer 403.
    runs = ImportRun.objects.filter(platform=request.platform, kind__in=[k.id for k in kinds]).select_related("user")[:20]
    return render(request, "imports/menu.html", {
        "kinds": kinds, "runs": runs, "formats": FILE_FORMATS,
        "fiscal_year": plan.fiscal_year if plan else None, "form": UploadForm(),
    })


@require_POST
@requires_any(*IMPORTERS)
def upload(request, kind_id):
    kind = get_kind(request.user, kind_id)
    form = UploadForm(request.POST, request.FILES, per_plan=kind.per_plan)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{kind.name}：{form.fields[field].label if field in form.fields else ''} {error}")
        return redirect("imports:menu")
    plan = _plan(request, kind, form.cleaned_data.get("fiscal_year"), create=True)
    run = services.upload(kind, platform=request.platform, plan=plan, user=request.user, uploaded=form.cleaned_data["file"])
    return redirect("imports:run", run.pk)


def _run(request, pk):
    run = get_object_or_404(ImportRun.objects.filter(platform=request.platform).select_related("user"), pk=pk)
    return run, get_kind(request.user, run.kind)


@requires_any(*IMPORTERS)
def run_detail(request, pk):
    run, kind = _run(request, pk)
    return render(request, "imports/run.html", {"run": run, "kind": kind})


@require_POST
@requires_any(*IMPORTERS)
def confirm(request, pk):
    run, kind = _run(request, pk)
    # Locked, so that a double click or a second secretariat member cannot import the file twice.
    run = locking.lock(run)
    if not run.can_confirm:
        messages.error(request, "この取込は確認待ちではないため実行できません。")
        return redirect("imports:run", run.pk)
    plan = _plan(request, kind, run.fiscal_year, create=True)
    services.confirm(kind, run, plan=plan, user=request.user)
    if run.status == ImportRun.Status.IMPORTED:
        messages.success(request, f"{run.original_name} を取り込みました（{run.row_count}行）。")
    else:
        messages.error(request, "取込の直前にエラーが見つかったため、何も保存していません。内容を確認してください。")
    return redirect("imports:run", run.pk)


@require_POST
@requires_any(*IMPORTERS)
def discard(request, pk):
    run, _ = _run(request, pk)
    if services.discard(locking.lock(run)):
        messages.info(request, "取込を取り消しました。")
    return redirect("imports:menu")


@requires_any(*IMPORTERS)
def sheet(request, kind_id, what):
    """The template (見出しだけ) or the current data, in the same columns, for a round trip."""
    kind = get_kind(request.user, kind_id)
    file_format = request.GET.get("format", "xlsx")
    if file_format not in dict(FILE_FORMATS):
        file_format = "xlsx"
    if what == "template":
        # Headings only, which no plan changes: a new platform's secretariat needs the 工程表's
        # template before its first plan exists.
        plan = None
    else:
        fiscal_year = request.GET.get("fiscal_year") or getattr(working_plan(request.platform), "fiscal_year", 0)
        if not str(fiscal_year).isdigit():
            message = f"年度「{fiscal_year}」は読み取れません。2025 のように西暦の数字で指定してください。"
            return render(request, "imports/bad_request.html", {"message": message}, status=400)
        plan = _plan(request, kind, int(fiscal_year))
    content, filename, content_type = services.render_file(
        kind, platform=request.platform, plan=plan, with_data=what == "data", file_format=file_format
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
