"""Fault pages: a database gone mid-request, any other error, a refused form, a body too large.

A database that goes away gets a clear 503 page, not a bare server error, wherever the request
meets it. Views (inside the request's transaction) come through `DatabaseUnavailableMiddleware`.
The middleware before the view touches the database too: loading the session and the user, the
second-factor check. An exception there never reaches `process_exception`; Django turns it into
the 500 handler's response, so `server_error` (handler500) asks which exception it is answering.

The request's transaction (ATOMIC_REQUESTS) is lost with the connection, so nothing of the
request was saved; the page says so. Django closes the broken connection when the request ends
and the next request opens a new one. Every page here is rendered without the request: its
context processors would ask the database again.
"""
import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)


# What a fault page says if even its template fails (a static file missing from the manifest, say).
PLAIN = {
    400: "送信された内容を受け付けられませんでした。何も保存されていません。",
    403: "送信を受け付けられませんでした。ページを開き直してから、もう一度送信してください。",
    413: "送信されたデータが大きすぎるため、受け付けませんでした。何も保存されていません。",
    500: "エラーが発生しました。今回の入力・操作は保存されていません。",
    503: "一時的に利用できません。データベースに接続できないため、今回の入力・操作は保存されていません。",
}


def fault_page(template: str, status: int, context=None) -> HttpResponse:
    """A fault page rendered without the request; never a second error while answering the first."""
    try:
        content = render_to_string(template, context)
    except Exception:
        logger.exception("fault page %s could not be rendered", template)
        content = f'<!DOCTYPE html><html lang="ja"><meta charset="utf-8"><title>{PLAIN[status]}</title><p>{PLAIN[status]}</p></html>'
    response = HttpResponse(content, status=status)
    # Never kept by a browser or proxy; and core.headers need not load the user (the database
    # may be what failed) to decide that.
    add_never_cache_headers(response)
    return response


def database_unavailable() -> HttpResponse:
    return fault_page("503.html", 503)


def is_database_loss(exception) -> bool:
    if isinstance(exception, (OperationalError, InterfaceError)):
        return True
    # psycopg reports a connection killed mid-query as a DatabaseError whose cause says so.
    cause = getattr(exception, "__cause__", None)
    return isinstance(exception, DatabaseError) and cause is not None and "terminat" in str(cause).lower()


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_loss(exception):
            logger.error("database unavailable during %s %s: %s", request.method, request.path, exception)
            return database_unavailable()
        return None


def server_error(request):
    """handler500: also the answer to a database lost in middleware, where the view's handler is not."""
    exception = sys.exc_info()[1]
    if exception is not None and is_database_loss(exception):
        return database_unavailable()
    return fault_page("500.html", 500)


def bad_request(request, exception=None):
    """handler400: a request Django refuses before any view (a form with too many fields or over
    DATA_UPLOAD_MAX_MEMORY_SIZE, a host not served) gets the portal's Japanese page, not Django's."""
    return fault_page("400.html", 400)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: in Japanese, with the way back to a fresh form (Django's page is English)."""
    logger.warning("CSRF failure on %s %s: %s", request.method, request.path, reason)
    return fault_page("403_csrf.html", 403)
