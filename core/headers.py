"""Pages of a signed-in user are never stored by browsers or proxies.

The portal shows figures and materials that members must keep confidential (秘密の保持), often
on shared office PCs: after signing out, the browser's back button or a proxy must not show them
again. Responses that say nothing about caching get `no-store`; static files are served before
this (WhiteNoise) and keep their long-lived caching.
"""
from django.utils.cache import add_never_cache_headers


class PrivatePagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
