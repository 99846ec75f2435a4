from core.tenancy import working_plan


def portal(request):
    """The plan the navigation links to, for pages that resolved a platform (see access.requires_any)."""
    platform = getattr(request, "platform", None)
    if platform is None:
        return {}
    if not hasattr(request, "nav_plan"):
        request.nav_plan = working_plan(platform)
    context = {"nav_plan": request.nav_plan, "platform": platform}
    if request.nav_plan is not None:
        # The header shows the platform's name in force in the year being worked on (names are prefetched).
        context["platform_name"] = platform.name_for_fiscal_year(request.nav_plan.fiscal_year)
    return context
