from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from platform_portal.tenancy import platform_of


@login_required
def home(request):
    if not request.user.member_body_id:
        return render(request, "platform_portal/no_platform.html")
    platform = platform_of(request.user)
    plans = list(platform.plans.order_by("-fiscal_year"))
    plan = plans[0] if plans else None
    context = {
        "platform": platform,
        "plan": plan,
        "plans": plans,
        "platform_name": platform.name_for_fiscal_year(plan.fiscal_year if plan else None),
        "categories": plan.categories.select_related("category") if plan else [],
        "stage": platform.stage_for_fiscal_year(plan.fiscal_year) if plan else None,
    }
    return render(request, "platform_portal/home.html", context)


def send_reminders(request, fiscal_year):
    """Stub: replaced by the dashboard work."""
    from django.http import Http404

    raise Http404
