from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from exports.csv import ENCODINGS
from exports.models import ExportLog
from exports.registry import REGISTRY, available
from exports.services import render_and_log
from platform_portal.access import may, portal_view, require


@portal_view("view_plan", "view_figures")
def menu(request, fiscal_year):
    plan = get_object_or_404(request.platform.plans, fiscal_year=fiscal_year)
    logs = None
    if may(request.user, "manage_meetings"):
        logs = ExportLog.objects.filter(platform=request.platform).select_related("user")[:20]
    return render(request, "exports/menu.html", {"plan": plan, "exports": available(request.user), "encodings": ENCODINGS, "logs": logs})


@portal_view("view_plan", "view_figures")
def download(request, fiscal_year, export_id):
    plan = get_object_or_404(request.platform.plans.select_related("platform"), fiscal_year=fiscal_year)
    export = REGISTRY.get(export_id)
    if export is None:
        raise Http404
    require(request.user, export.permission)
    encoding = request.GET.get("encoding", "utf-8-sig")
    if encoding not in ENCODINGS:
        encoding = "utf-8-sig"
    file = render_and_log(export.id, plan, user=request.user, encoding=encoding)
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    return response
