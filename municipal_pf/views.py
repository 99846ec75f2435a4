from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render

from municipal_pf import reports
from municipal_pf.forms import ContactFormSet, MunicipalPlatformForm, ReportForm
from municipal_pf.models import MunicipalPlatform, MunicipalReport, NetworkPartnerType
from municipal_pf.services import coverage
from plans.models import ReportingPeriod
from core import locking
from core.access import may, requires_any
from core.audit import history_entries

READERS = ("view_municipal", "manage_municipal", "report_own_municipal")


@requires_any("view_municipal", "manage_municipal")
def overview(request):
    return render(request, "municipal_pf/overview.html", {"coverage": coverage(request.platform)})


@requires_any(*READERS)
def report_list(request):
    found = reports.visible_reports(request.user)
    filters = {key: request.GET.get(key, "") for key in ("kind", "status", "period")}
    if filters["kind"] in MunicipalReport.Kind.values:
        found = found.filter(kind=filters["kind"])
    if filters["status"] in MunicipalReport.Status.values:
        found = found.filter(status=filters["status"])
    if filters["period"].isdigit():
        found = found.filter(period_id=int(filters["period"]))
    return render(request, "municipal_pf/report_list.html", {
        "reports": found, "filters": filters, "kinds": MunicipalReport.Kind.choices, "statuses": MunicipalReport.Status.choices,
        "periods": _periods(request), "may_write": may(request.user, "manage_municipal") or may(request.user, "report_own_municipal"),
    })


def _periods(request):
    return ReportingPeriod.objects.filter(plan__platform=request.platform).select_related("plan").order_by("-starts_on")


@requires_any("manage_municipal", "report_own_municipal")
def report_new(request):
    report = MunicipalReport()
    return _edit(request, report, template="municipal_pf/report_new.html")


@requires_any(*READERS)
def report_detail(request, pk):
    report = get_object_or_404(reports.visible_reports(request.user), pk=pk)
    editable = report.is_editable_by(request.user)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("この報告を更新する権限がありません。")
        return _edit(request, report, template="municipal_pf/report_detail.html")
    context = {"report": report, "history": history_entries(report.history.select_related("history_user")[:20])}
    if editable:
        context["form"] = _form(request, report)
    return render(request, "municipal_pf/report_detail.html", context)


def _form(request, report, data=None):
    return ReportForm(
        data, instance=report, platforms=reports.writable_platforms(request.user), periods=_periods(request),
        handles=may(request.user, "manage_municipal"),
    )


def _edit(request, report, *, template):
    form = _form(request, report, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reports.save_report(form.instance, request.user, posted_version=form.cleaned_data.get("version") if report.pk else None)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "報告を保存しました。")
            return redirect("municipal_pf:report", form.instance.pk)
    context = {"form": form, "report": report if report.pk else None}
    if report.pk:
        context["history"] = history_entries(report.history.select_related("history_user")[:20])
    return render(request, template, context, status=400 if request.method == "POST" else 200)


def _municipal_platform(request, pk):
    platforms = MunicipalPlatform.objects.filter(platform=request.platform).select_related("municipality")
    mpf = get_object_or_404(platforms.prefetch_related("network_partners", "contacts", "joint_municipalities"), pk=pk)
    if not (may(request.user, "view_municipal") or may(request.user, "manage_municipal") or may(request.user, "report_own_municipal", mpf)):
        raise PermissionDenied("この市町村プラットフォームを表示する権限がありません。")
    return mpf


@requires_any(*READERS)
def platform_detail(request, pk):
    mpf = _municipal_platform(request, pk)
    return render(request, "municipal_pf/platform_detail.html", {
        "mpf": mpf, "partners": NetworkPartnerType.objects.all(), "linked": {p.pk for p in mpf.network_partners.all()},
        "reports": reports.visible_reports(request.user).filter(municipal_platform=mpf),
    })


@requires_any("manage_municipal")
def platform_edit(request, pk):
    mpf = _municipal_platform(request, pk)
    form = MunicipalPlatformForm(request.POST or None, instance=mpf)
    contacts = ContactFormSet(request.POST or None, instance=mpf)
    if request.method == "POST" and form.is_valid() and contacts.is_valid():
        try:
            with transaction.atomic():  # the platform and all its contacts, or nothing
                # On the version the page showed: someone else's save since then is not overwritten.
                with locking.edit(mpf, request.POST.get("version")):
                    form.save(commit=False)
                form.save_m2m()
                contacts.save()
        except locking.StaleEdit as exc:
            form.add_error(None, exc)
            mpf.refresh_from_db(fields=["version"])
        else:
            messages.success(request, f"{mpf.municipality}の記録を保存しました。")
            return redirect("municipal_pf:platform", mpf.pk)
    return render(request, "municipal_pf/platform_edit.html", {"mpf": mpf, "form": form, "formset": contacts},
                  status=400 if request.method == "POST" else 200)
