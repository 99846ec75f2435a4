from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST

from kpi.confirmation import CONFIRMED, basis_for, may_choose_provisional
from dashboard import menu
from dashboard.checklist import checklist
from kpi.dashboard import cached_dashboard
from plans.goals import headline_progress
from kpi.reminders import parse_month, recent_reminders, send_reminders as send_reminder_mails
from core import freshness
from core.access import may, requires_any
from core.tenancy import user_platform_id, working_plan, working_plan_id
from core.wareki import wareki_month
from plans.models import Measure


# The permissions that change what the cached parts of the home page show (its fragments' keys).
# Those of the pages they link to, as the views declare them (dashboard/menu.py).
HOME_VIEW_PERMISSIONS = SimpleLazyObject(menu.home_view_permissions)


# Read-only: no transaction to open and close on the busiest page of the portal.
@transaction.non_atomic_requests
@login_required
def home(request):
    # A signed-in user outside every platform (e.g. a new account not yet assigned) gets a
    # friendly page rather than the 404 requires_any gives for a missing platform.
    if user_platform_id(request.user) is None:
        if may(request.user, "view_all_platforms"):
            return redirect("national")
        return render(request, "dashboard/no_platform.html")
    return _home(request)


@requires_any("view_plan")
def _home(request):
    today = timezone.localdate()
    # The plans' years and ids only, so that a page served from the cache loads no model at all.
    years = freshness.cached(
        "plan-years", (request.platform_id,),
        lambda: tuple(request.platform.plans.order_by("-fiscal_year").values_list("fiscal_year", "pk")),
    )
    chosen = request.GET.get("fiscal_year", "")
    plan_id = next((pk for year, pk in years if str(year) == chosen), None) or working_plan_id(years, today)
    # 確定値 unless 速報値 are asked for and the user may see them (kpi/confirmation.py).
    basis = basis_for(request.user, request.GET.get("provisional") == "1")
    # The whole page is kept per user until the data changes (core/freshness.py), per basis.
    return freshness.cached_page(
        request, "home", (plan_id, today.isoformat(), basis.key),
        lambda extra: render(request, "dashboard/home.html", {**_home_context(request, plan_id, today, basis), **extra}),
    )


def _home_context(request, plan_id, today, basis=CONFIRMED):
    platform, user = request.platform, request.user
    plans = list(platform.plans.order_by("-fiscal_year"))
    plan = next((p for p in plans if p.pk == plan_id), None)
    request.nav_plan = working_plan(platform, today, plans=plans)
    context = {
        "platform": platform,
        "plan": plan,
        "plans": plans,
        "platform_name": platform.name_for_fiscal_year(plan.fiscal_year if plan else None),
        # The page's fragments are shared by users with the same view; what they show is
        # computed only when a fragment is not in the cache.
        "as_of": today,
        "generation": freshness.generation(),
        "view_key": "".join("1" if may(user, code) else "0" for code in HOME_VIEW_PERMISSIONS),
        "basis": basis,
        "may_choose_provisional": may_choose_provisional(user),
        # Outside the shared fragments: it depends on who may set the platform up.
        "setup_checklist": SimpleLazyObject(lambda: checklist(user, platform, plan)),
    }
    if plan is not None:
        context["categories"] = SimpleLazyObject(lambda: list(plan.categories.select_related("category")))
        context["stage"] = platform.stage_for_fiscal_year(plan.fiscal_year)
        context["headline_goals"] = SimpleLazyObject(lambda: headline_progress(plan, today, basis))
        context.update(_role_panels(user, plan, today, basis))
    return context


def _role_panels(user, plan, today, basis=CONFIRMED):
    """What each role sees besides the plan itself, as lazy values: each gathered in a fixed number of queries."""
    panels = {}
    if may(user, "view_figures"):
        panels["show_dashboard"] = True
        panels["dashboard"] = dashboard = SimpleLazyObject(lambda: cached_dashboard(plan, today, basis))
        if user.member_body_id:
            panels["own_outstanding"] = SimpleLazyObject(lambda: dashboard.outstanding_for(user.member_body_id))
    if may(user, "report_own_progress") and user.member_body_id:
        panels["task_count"] = SimpleLazyObject(lambda: Measure.objects.for_body(user.member_body, plan).count())
    if may(user, "send_reminders"):
        panels["recent_reminders"] = SimpleLazyObject(lambda: recent_reminders(plan))
    return panels


@require_POST
@requires_any("send_reminders")
def send_reminders(request, fiscal_year):
    plan = get_object_or_404(request.platform.plans, fiscal_year=fiscal_year)
    home_url = f"{reverse('home')}?fiscal_year={plan.fiscal_year}"
    body_ids = [value for value in request.POST.getlist("bodies") if value.isdigit()]
    # Through the platform, so another platform's body id is simply not chosen.
    bodies = list(request.platform.member_bodies.filter(pk__in=body_ids)) if body_ids else []
    try:
        month = parse_month(request.POST.get("month", ""))
        result = send_reminder_mails(
            plan, month, bodies, sender=request.user, base_url=f"{request.scheme}://{request.get_host()}"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(home_url)
    label = f"{wareki_month(month)}分" if month else "期限を過ぎた月"
    if result.sent_count:
        messages.success(request, f"{result.sent_count}機関に督促を送信しました（{label}）。")
    if result.unreachable:
        messages.warning(
            request,
            f"メールアドレスが登録された入力担当者がいないため、次の機関には送信できませんでした（督促の記録は残しました）：{'、'.join(result.unreachable)}",
        )
    if result.skipped:
        messages.info(request, f"{label}を提出済・承認済のため督促しなかった機関：{'、'.join(result.skipped)}")
    return redirect(home_url)


@requires_any("view_all_platforms", tenant=False)
def national(request):
    from dashboard.national import national_overview

    return render(request, "dashboard/national.html", {"lines": national_overview(timezone.localdate())})
