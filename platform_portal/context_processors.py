from platform_portal.tenancy import working_plan


def portal(request):
    """The plan the navigation links to, for pages that resolved a platform (see access.portal_view)."""
    platform = getattr(request, "platform", None)
    if platform is None:
        return {}
    if not hasattr(request, "nav_plan"):
        request.nav_plan = working_plan(platform)
    return {"nav_plan": request.nav_plan, "platform": platform}
