"""What anonymous readers are shown, cached; every change a reader could see invalidates it.

Each cached page or API read is one cache entry per address, holding the rendered response
and the *content generation* it was made in. The generation is a token in the shared cache
that every reader-visible write replaces (the signals connected in ``apps.py``, and
``content_changed()`` for bulk writes that send none): an entry of an earlier generation is
a miss. One write thus invalidates every page, feed, sitemap and API response at once, on
every process that shares the cache, with no key scanning and nothing kept per process;
and a hit costs one round trip, since the token and the entry are read together.

Only anonymous requests are served from the cache or fill it: a signed-in user (staff see
drafts and previews) and any request with an Authorization header always get a fresh
response. The cache is an accelerator, never a dependency: when it fails, pages are
rendered as if nothing were cached, and writes still succeed.
"""

import functools
import hashlib
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import get_max_age
from django.utils.http import parse_etags, split_header_value
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

GENERATION_KEY = "content-generation"
HIT, MISS = "hit", "miss"
# Pages outside the public site: the admin is for staff, the API has its own cache (below,
# after DRF's authentication and throttling), /i18n/ sets a cookie.
UNCACHED_PATHS = ("/admin/", "/api/", "/i18n/")
# A response may vary only on what the key already holds: the language, the media type
# (API), and the credentials that a cacheable request never carries.
KEYED_VARY = {"accept", "accept-language", "authorization", "cookie"}


# -- the content generation -----------------------------------------------------------


def _new_token() -> str:
    # A fresh random token rather than a counter: if the cache evicts or loses the key,
    # a new one can never equal a generation that entries were stored under before.
    return uuid.uuid4().hex


def generation() -> str | None:
    """Return the current content generation, creating it on first use (None if the cache
    cannot be reached)."""
    try:
        token = cache.get(GENERATION_KEY)
        if token is None:
            cache.add(GENERATION_KEY, _new_token(), timeout=None)
            token = cache.get(GENERATION_KEY)
        return token
    except Exception:
        logger.warning("cache unreachable: reading the content generation", exc_info=True)
        return None


def _bump() -> None:
    try:
        cache.set(GENERATION_KEY, _new_token(), timeout=None)
    except Exception:
        # The write itself must not fail because the cache is down; entries stored before
        # expire after CACHES' TIMEOUT at the latest.
        logger.warning("cache unreachable: invalidating cached pages", exc_info=True)


def content_changed(using=None) -> None:
    """Invalidate every cached page and API read, now and again when the transaction commits.

    Call it after a write that sends no model signals (``bulk_create``, ``QuerySet.update``,
    SQL). Bumping now keeps this process's later reads fresh; bumping after the commit
    discards what a reader cached from the old rows between the first bump and the commit.
    """
    _bump()
    if transaction.get_connection(using).in_atomic_block:
        transaction.on_commit(_bump, using=using)


def on_model_change(sender, using=None, **kwargs) -> None:
    """Receive post_save/post_delete of a model readers see."""
    content_changed(using)


def on_tags_change(sender, action, using=None, **kwargs) -> None:
    """Receive m2m_changed of an article's tags: only the post_* actions change anything."""
    if action.startswith("post_"):
        content_changed(using)


def on_file_changed(sender, file_path, **kwargs) -> None:
    """Receive the development server's file_changed: a changed template or module must show
    on the next request, not after the cache's timeout."""
    _bump()


# -- entries ----------------------------------------------------------------------------


def _key(kind: str, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"{kind}:{digest}"


def _lookup(key: str) -> tuple[HttpResponse | None, str | None]:
    """Return the stored response for ``key`` if it is of the current generation (or None),
    and the current generation (None when the cache is unreachable: then store nothing)."""
    try:
        found = cache.get_many([GENERATION_KEY, key])
    except Exception:
        logger.warning("cache unreachable: reading a cached response", exc_info=True)
        return None, None
    token = found.get(GENERATION_KEY) or generation()
    entry = found.get(key)
    if not entry or token is None or entry[0] != token:
        return None, token
    _token, status, headers, content = entry
    response = HttpResponse(content, status=status, headers=dict(headers))
    response["X-Cache"] = HIT
    return response, token


def _timeout(response) -> int | None:
    """Return how long ``response`` may be kept, or None when it must not be stored."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return None
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return None
    vary = {header.lower() for header in split_header_value(response.get("Vary", ""))}
    if not vary <= KEYED_VARY:
        return None
    default = settings.CACHES["default"].get("TIMEOUT", 300)
    max_age = get_max_age(response)
    if max_age is None:
        return default
    if max_age <= 0:
        return None
    return max_age if default is None else min(max_age, default)


def _store(key: str, token: str | None, response) -> None:
    """Store ``response`` under ``key`` for generation ``token``, if it may be shared.

    The token is the one read before the view ran: if the content changed meanwhile, the
    entry is of an old generation and is never served.
    """
    if token is None:
        return
    timeout = _timeout(response)
    if timeout is None:
        return
    headers = [(name, value) for name, value in response.items() if name != "X-Cache"]
    entry = (token, response.status_code, headers, response.content)
    try:
        cache.set(key, entry, timeout)
    except Exception:
        logger.warning("cache unreachable: storing a response", exc_info=True)


def _anonymous(request) -> bool:
    return "authorization" not in request.headers and not request.user.is_authenticated


# -- pages ------------------------------------------------------------------------------


def page_key(request) -> str:
    """Return the cache key of a public page: its language and absolute URL (with the query)."""
    language = getattr(request, "LANGUAGE_CODE", None) or get_language() or ""
    return _key("page", language, request.build_absolute_uri())


class PageCacheFetchMiddleware:
    """Serve anonymous GET/HEAD requests of the public site from the cache.

    Placed after AuthenticationMiddleware (it asks who the user is) and the locale
    middleware (the language is part of the key). A miss leaves the key on the request for
    PageCacheStoreMiddleware, which stores the finished response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method not in ("GET", "HEAD")
            or request.path_info.startswith(UNCACHED_PATHS)
            or not _anonymous(request)
        ):
            return self.get_response(request)
        key = page_key(request)
        cached, token = _lookup(key)
        if cached is not None:
            return cached
        if request.method == "GET":
            request.page_cache = (key, token)
        response = self.get_response(request)
        response["X-Cache"] = MISS
        return response


class PageCacheStoreMiddleware:
    """Store the responses PageCacheFetchMiddleware missed, as they leave the site.

    First in MIDDLEWARE, like Django's UpdateCacheMiddleware: it sees the response after
    every other middleware, so a session or CSRF cookie set on the way out, or a Vary
    added, keeps the response out of the cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        state = getattr(request, "page_cache", None)
        if state is None or not _anonymous(request):
            return response
        key, token = state
        if hasattr(response, "render") and not response.is_rendered:
            response.add_post_render_callback(lambda r: _store(key, token, r))
        else:
            _store(key, token, response)
        return response


# -- API reads --------------------------------------------------------------------------


class CachedReadMixin:
    """Cache a viewset's reads for anonymous clients, after DRF's authentication,
    permissions and throttling have run (a cached read still counts against the anonymous
    rate). The key holds the language, the absolute URL and the negotiated media type; a
    cached response keeps its ETag, and If-None-Match on it is answered with a 304."""

    cached_actions = ("list", "retrieve", "related")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if (
            request.method in ("GET", "HEAD")
            and self.action in self.cached_actions
            and getattr(request.accepted_renderer, "format", None) != "api"  # has forms
            and _anonymous(request)
        ):
            method = request.method.lower()
            setattr(self, method, functools.partial(self.cached_read, getattr(self, method)))

    def cached_read(self, handler, request, *args, **kwargs):
        key = _key(
            "api",
            get_language() or "",
            request.build_absolute_uri(),
            request.accepted_media_type or "",
        )
        cached, token = _lookup(key)
        if cached is not None:
            return self.not_modified(request, cached) or cached
        response = handler(request, *args, **kwargs)
        response["X-Cache"] = MISS
        if request.method == "GET" and response.status_code == 200:
            response.add_post_render_callback(lambda r: _store(key, token, r))
        return response

    @staticmethod
    def not_modified(request, response):
        """Return a 304 when If-None-Match names the cached response's ETag, else None."""
        etag = response.get("ETag")
        wanted = parse_etags(request.headers.get("If-None-Match", ""))
        if not etag or not wanted:
            return None
        if "*" not in wanted and etag not in [tag.removeprefix("W/") for tag in wanted]:
            return None
        not_modified = HttpResponseNotModified()
        for header in ("ETag", "Vary", "Cache-Control", "X-Cache"):
            if header in response:
                not_modified[header] = response[header]
        return not_modified
