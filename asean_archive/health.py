"""/healthz for load balancers: is the database reachable, is the cache?

200 ``{"status": "ok", "database": "ok", "cache": "ok"}`` when both answer, 503 with
``"error"`` for the one that does not. The body names no host, no error text and no
setting: the reason goes to the log. Never cached (a load balancer must see the present),
not throttled (a plain Django view, outside DRF), and exempt from the HTTPS redirect
(SECURE_REDIRECT_EXEMPT) so a balancer can ask over plain HTTP.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

OK, ERROR = "ok", "error"


def database_status() -> str:
    """Return "ok" when a trivial query runs on the default database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.error("healthz: the database is unreachable", exc_info=True)
        return ERROR
    return OK


def cache_status() -> str:
    """Return "ok" when a value written to the cache reads back."""
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=10)
        found = cache.get(key)
        cache.delete(key)
    except Exception:
        logger.error("healthz: the cache is unreachable", exc_info=True)
        return ERROR
    if found != value:
        logger.error("healthz: the cache did not return what was written to it")
        return ERROR
    return OK


@never_cache
@require_safe
def healthz(request):
    checks = {"database": database_status(), "cache": cache_status()}
    healthy = all(state == OK for state in checks.values())
    return JsonResponse(
        {"status": OK if healthy else ERROR, **checks}, status=200 if healthy else 503
    )
