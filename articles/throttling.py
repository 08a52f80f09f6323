"""Rate limits that hold across processes: counted in the shared cache, atomically.

Every web process counts in Django's ``default`` cache (Redis in production, from CACHE_URL
or REDIS_URL), so two workers or two servers share one count per client. DRF's own
SimpleRateThrottle keeps each client's history as one list that it reads, changes and writes
back: two processes answering the same client at once both read the same list and one of
the additions is lost, so a client spread over several workers gets more than its rate.
Here each client has a counter per sixtieth of the period ("slice"), raised with the cache's
atomic ``incr`` *before* the decision and lowered again when the request is refused: two
requests at once can both be refused, never both let in beyond the rate. A request counts
for one period, to within a slice (one second for a rate per minute).

The rates are REST_FRAMEWORK's DEFAULT_THROTTLE_RATES, read from the environment by the
settings: ``anon`` (anonymous API clients, per address), ``user`` (signed-in API clients that
are not staff, per account), ``staff`` (per account; no limit by default) and ``search``
(the HTML search page, per address, staff exempt). A cache that cannot be reached lets the
request through and logs it: the cache is never a reason to refuse a reader.
"""

import logging
import math

from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control
from rest_framework import throttling

from articles.permissions import is_staff
from audit.context import client_ip

logger = logging.getLogger(__name__)

SLICES = 60  # counters per period: the precision of the window


def client_address(request) -> str:
    """Return the address a client is counted under: REMOTE_ADDR or, when NUM_PROXIES says
    how many proxies to trust, the address they wrote in X-Forwarded-For (DRF's rule, also
    the audit log's). A value that is not an IP address counts as the nearest hop's."""
    return client_ip(request) or request.META.get("REMOTE_ADDR", "") or "unknown"


class SharedRateThrottle(throttling.SimpleRateThrottle):
    """A sliding-window rate limit counted atomically in the shared cache.

    Subclasses say whom they count (``get_cache_key``, None for a request they leave alone)
    under their ``scope``; the rate is ``THROTTLE_RATES[scope]``, None for no limit."""

    def get_ident(self, request):
        return client_address(request)

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        span = self.duration / SLICES
        now = self.timer()
        current = math.floor(now / span)
        keys = [f"{key}:{index}" for index in range(current - SLICES + 1, current + 1)]
        try:
            # The slice's counter lives a whole period after the slice began: while it is
            # still counted, and never raised after it expired (incr would make it eternal).
            self.cache.add(keys[-1], 0, timeout=math.ceil(self.duration + span))
            count = self.cache.incr(keys[-1])
            counts = self.cache.get_many(keys[:-1])
        except Exception:
            logger.warning("cache unreachable: request let through unthrottled", exc_info=True)
            return True
        counts = [counts.get(k, 0) for k in keys[:-1]] + [count]
        if sum(counts) <= self.num_requests:
            return True
        try:
            self.cache.decr(keys[-1])  # a refused request is not counted
        except Exception:
            logger.warning("cache unreachable: refused request stays counted", exc_info=True)
        counts[-1] -= 1
        self.retry_after = self._wait(counts, first=current - SLICES + 1, span=span, now=now)
        return False

    def _wait(self, counts, *, first, span, now) -> float:
        """Return the seconds until one more request fits: until enough of the oldest slices
        have left the window."""
        excess = sum(counts) + 1 - self.num_requests
        for offset, count in enumerate(counts):
            excess -= count
            if excess <= 0:
                # Slice first + offset leaves the window when slice first + offset + SLICES
                # begins.
                return max((first + offset + SLICES) * span - now, 0.0)
        return self.duration

    def wait(self):
        return max(getattr(self, "retry_after", self.duration), 1)


class AnonymousRateThrottle(SharedRateThrottle, throttling.AnonRateThrottle):
    """Anonymous API clients, per address (scope ``anon``)."""

    scope = "anon"


class UserRateThrottle(SharedRateThrottle):
    """Signed-in API clients that are not staff, per account (scope ``user``)."""

    scope = "user"

    def get_cache_key(self, request, view):
        user = request.user
        if not (user and user.is_authenticated) or is_staff(user):
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.pk}


class StaffRateThrottle(SharedRateThrottle):
    """Staff, per account (scope ``staff``; no limit unless THROTTLE_STAFF sets one)."""

    scope = "staff"

    def get_cache_key(self, request, view):
        if not is_staff(request.user):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class SearchRateThrottle(SharedRateThrottle):
    """The HTML search page, per address whoever asks, staff excepted (scope ``search``)."""

    scope = "search"

    def get_cache_key(self, request, view):
        if is_staff(getattr(request, "user", None)):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def is_search_page(request) -> bool:
    """Return True for the search page, in either language (/search/, /en/search/)."""
    if not request.path_info.endswith("/search/"):
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.view_name == "articles:search"


class SearchThrottleMiddleware:
    """Answer the search page with a 429 once an address has searched its rate.

    Placed before the page cache's fetch middleware, so that searches answered from the cache
    count too (the rate is what an address may ask, not what it costs), and after the
    language and the user are known (staff are exempt; the page is in the reader's
    language). The 429 page is never stored by any cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and is_search_page(request):
            throttle = SearchRateThrottle()
            if not throttle.allow_request(request, None):
                return too_many_searches(request, math.ceil(throttle.wait()))
        return self.get_response(request)


def too_many_searches(request, retry_after: int):
    """Return the search page's 429: what happened, when to try again, in the reader's
    language."""
    response = render(request, "429.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    patch_cache_control(response, no_store=True)
    return response


def login_locked_out(request, original_response=None, credentials=None):
    """Answer a login refused by django-axes (its AXES_LOCKOUT_CALLABLE): a 429 saying why
    and for how long, in the reader's language, never stored by a cache."""
    from axes.helpers import get_cool_off, get_failure_limit
    from django.contrib import admin

    cool_off = get_cool_off(request)
    seconds = math.ceil(cool_off.total_seconds()) if cool_off else None
    context = {
        **admin.site.each_context(request),
        "failure_limit": get_failure_limit(request, credentials),
        "minutes": math.ceil(seconds / 60) if seconds else None,
    }
    response = render(request, "axes_lockout.html", context, status=429)
    if seconds:
        response["Retry-After"] = str(seconds)
    patch_cache_control(response, no_store=True)
    return response
