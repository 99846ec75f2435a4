"""The health check: answers without signing in, for load balancers and the deployment script.

It is also the "bare Django view" the load test compares the dashboard with: the whole
middleware stack, no template and no query.
"""
from django.db import transaction
from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
@transaction.non_atomic_requests
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
