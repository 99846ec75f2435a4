"""Which platform a request works on.

A user belongs to one platform through their member body; objects of any other platform are
answered with 404 so that their existence does not leak.
"""
from django.http import Http404

from platform_portal.models import Platform


def platform_of(user) -> Platform:
    if not user.is_authenticated or not user.member_body_id:
        raise Http404("所属するプラットフォームがありません。")
    return Platform.objects.select_related("prefecture").prefetch_related("names", "stages").get(
        pk=user.member_body.platform_id
    )
