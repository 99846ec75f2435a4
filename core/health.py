"""The health check: answers without signing in, for load balancers and the deployment script.

`/healthz/` is the cheap answer (the process serves requests): no template and no query. It is
also the "bare Django view" the load test compares the dashboard with. `/healthz/?db=1` also asks
the database (one `SELECT 1`) and answers 503 when it cannot, so that a load balancer takes a
server whose database is unreachable out of rotation (README「本番運用」).
"""
import logging

from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


@never_cache
@transaction.non_atomic_requests
def healthz(request):
    if request.GET.get("db"):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError as exc:
            logger.error("health check: database unavailable: %s", exc)
            return HttpResponse("database unavailable", content_type="text/plain", status=503)
    return HttpResponse("ok", content_type="text/plain")
