from django.shortcuts import render

from municipal_pf.services import coverage
from platform_portal.access import portal_view


@portal_view("view_municipal", "manage_municipal")
def overview(request):
    return render(request, "municipal_pf/overview.html", {"coverage": coverage(request.platform)})
