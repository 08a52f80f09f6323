"""One JSON line per request on stdout, and a request id that follows the request.

``RequestLogMiddleware`` (first in MIDDLEWARE, so it times everything and sees the final
status) takes the request id from the proxy's ``X-Request-ID`` when it is sane, else makes
one, echoes it in the response's ``X-Request-ID`` and logs the request to the
``asean_archive.request`` logger: id, method, path (never the query string, which may hold
what a reader searched for or a token), status, duration in milliseconds and the user's id
(null for anonymous readers). ``RequestIdFilter`` adds the id to every other record logged
while the request runs (Django's own errors included, and its "Not Found" warning, logged
just after), and ``JsonFormatter`` writes each
record as one JSON object: values are escaped, so a hostile path cannot forge a log line.

No Django import at module level: gunicorn's master process loads the formatter for its own
logs before Django is set up (asean_archive/gunicorn.conf.py).
"""

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

logger = logging.getLogger("asean_archive.request")

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy's id may look like (a UUID, a hex or base64url token, "trace-1:2"); anything
# else, or anything longer, is replaced by our own id rather than copied into the logs.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+/=-]{0,127}")
# The fields a request line carries, in this order, after time, level and logger.
REQUEST_FIELDS = ("request_id", "method", "path", "status", "duration_ms", "user_id")

current_request_id = contextvars.ContextVar("request_id", default=None)


def request_id_from(value: str | None) -> str:
    """Return ``value`` if it is a sane request id, else a new random one."""
    if value and SANE_REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


def _user_id(request):
    user = getattr(request, "user", None)
    try:
        return user.pk if user is not None and user.is_authenticated else None
    except Exception:  # the session or user could not be read: the request is still logged
        return None


class RequestLogMiddleware:
    """Give each request an id, echo it in the response, and log the request as it ends."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        # Kept until the next request sets its own: Django logs a 4xx ("Not Found: …") after
        # the middleware has returned, and that line belongs to this request too.
        current_request_id.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "request_id": request_id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": _user_id(request),
            },
        )
        return response


class RequestIdFilter(logging.Filter):
    """Add the running request's id (or None) to every record."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """Format a record as one line of JSON: time, level, logger, message, the request's
    fields when present, and the traceback of an exception."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in REQUEST_FIELDS:
            if field in record.__dict__:
                entry[field] = record.__dict__[field]
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        elif record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)
