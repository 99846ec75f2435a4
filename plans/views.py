from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from plans.roadmap import roadmap_tree
from platform_portal.tenancy import platform_of


@login_required
def roadmap(request, fiscal_year):
    platform = platform_of(request.user)
    plan = get_object_or_404(platform.plans, fiscal_year=fiscal_year)
    return render(
        request,
        "plans/roadmap.html",
        {
            "platform": platform,
            "platform_name": platform.name_for_fiscal_year(fiscal_year),
            "plan": plan,
            "tree": roadmap_tree(plan),
        },
    )


def _stub(*args, **kwargs):
    from django.http import Http404

    raise Http404


my_tasks = report_edit = report_detail = report_review = consolidation = summary_edit = _stub
