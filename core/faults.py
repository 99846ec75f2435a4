"""A database that goes away mid-request gets a clear page, not a bare server error.

The request's transaction (ATOMIC_REQUESTS) is lost with the connection, so nothing of the
request was saved; the page says so. Django closes the broken connection when the request ends
and the next request opens a new one.
"""
import logging

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)) or _lost_connection(exception):
            logger.error("database unavailable during %s %s: %s", request.method, request.path, exception)
            # Rendered without the request: its context processors would ask the database again.
            return HttpResponse(render_to_string("503.html"), status=503)
        return None


def _lost_connection(exception) -> bool:
    # psycopg reports a connection killed mid-query as a DatabaseError whose cause says so.
    cause = exception.__cause__
    return isinstance(exception, DatabaseError) and cause is not None and "terminat" in str(cause).lower()
