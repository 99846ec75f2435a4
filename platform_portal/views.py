from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kpi.dashboard import build_dashboard
from kpi.models import Reminder
from kpi.reminders import send_reminders as send_reminder_mails
from members.services import measures_for_body
from platform_portal.access import may, portal_view
from platform_portal.tenancy import user_platform_id, working_plan


@login_required
def home(request):
    if user_platform_id(request.user) is None:
        return render(request, "platform_portal/no_platform.html")
    return _home(request)


@portal_view("view_plan")
def _home(request):
    platform = request.platform
    plans = list(platform.plans.order_by("-fiscal_year"))
    chosen = request.GET.get("fiscal_year", "")
    request.nav_plan = working_plan(platform, plans=plans)
    plan = next((p for p in plans if str(p.fiscal_year) == chosen), None) or request.nav_plan
    today = timezone.localdate()
    user = request.user
    context = {
        "platform": platform,
        "plan": plan,
        "plans": plans,
        "platform_name": platform.name_for_fiscal_year(plan.fiscal_year if plan else None),
        "categories": plan.categories.select_related("category") if plan else [],
        "stage": platform.stage_for_fiscal_year(plan.fiscal_year) if plan else None,
    }
    if plan is not None:
        if may(user, "view_figures"):
            context["dashboard"] = dashboard = build_dashboard(plan, today)
            own = user.member_body_id
            context["own_outstanding"] = [
                cell for row in dashboard.matrix.rows if row.body.pk == own for cell in row.cells if cell.is_outstanding
            ]
        if may(user, "report_own_progress") and user.member_body_id:
            context["task_count"] = measures_for_body(user.member_body, plan).count()
        if may(user, "send_reminders"):
            context["recent_reminders"] = Reminder.objects.filter(plan=plan).select_related("member_body", "sent_by")[:10]
    return render(request, "platform_portal/home.html", context)


@require_POST
@portal_view("send_reminders")
def send_reminders(request, fiscal_year):
    plan = get_object_or_404(request.platform.plans, fiscal_year=fiscal_year)
    home_url = f"{reverse('home')}?fiscal_year={plan.fiscal_year}"
    try:
        year, month = (int(part) for part in request.POST.get("month", "").split("-"))
        month = date(year, month, 1)
    except ValueError:
        messages.error(request, "督促する月を選んでください。")
        return redirect(home_url)
    bodies = request.platform.member_bodies.filter(pk__in=request.POST.getlist("bodies")) if request.POST.getlist("bodies") else request.platform.member_bodies.all()
    try:
        result = send_reminder_mails(
            plan, month, list(bodies), sender=request.user,
            entry_url=request.build_absolute_uri(reverse("kpi:entry", args=[plan.fiscal_year])), today=timezone.localdate(),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(home_url)
    messages.success(request, f"{len(result.reminders)}機関に{month.month}月分の督促を送信しました。")
    if result.unreachable:
        messages.warning(request, f"メールアドレスの登録がないため送信できなかった機関：{'、'.join(result.unreachable)}（督促の記録は残しました）")
    return redirect(home_url)
