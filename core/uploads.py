"""Request bodies are capped before they are read.

A file larger than the upload limit used to be received in full, then refused by the import
(50 MB in memory or on disk for nothing). This middleware answers 413 from the Content-Length
header alone, before the CSRF check or a view reads `request.POST`. A body sent without
Content-Length (chunked) is not read by Django at all, so it cannot go round the check. The
reverse proxy in front should refuse the same size first (README「本番運用」: nginx
`client_max_body_size`).
"""
import logging

from django.conf import settings

from core.faults import fault_page

logger = logging.getLogger(__name__)

# A request carries the file and the form's other fields and multipart headers around it.
FORM_ALLOWANCE_BYTES = 1024 * 1024


def request_body_limit() -> int:
    return settings.UPLOAD_MAX_BYTES + FORM_ALLOWANCE_BYTES


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body then
        if length > request_body_limit():
            logger.warning("request body of %s bytes refused on %s %s", length, request.method, request.path)
            # Rendered without the request: nothing of the session or the user is loaded for it.
            return fault_page("413.html", 413, {"limit_mb": settings.UPLOAD_MAX_MB})
        return self.get_response(request)
