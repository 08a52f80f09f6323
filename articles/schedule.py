"""Scheduled publishing and expiry: the moments, the counts at those moments, and the words.

Whether a reader sees an article is decided by the rule itself (``ArticleQuerySet.published``
compares ``publish_at`` and ``expires_at`` with the clock), so an article appears and
disappears at its exact moment with nothing having to run. Two things are kept in step
with the moments here, lazily, by the first request after one passes (``ScheduleMiddleware``,
before the page cache is read):

- the stored counts (``articles.counts``): ``settle`` moves the articles whose moment
  has passed in or out of them (``Article.counted``), with the exact delta;
- the cache: a settle replaces the content generation (``articles.caching``), so no page
  cached before a moment is served after it.

The next moment is kept in the shared cache, so a request costs one cache read when no
moment is due; two partial indexes (``article_scheduled``, ``article_expiring``) make
finding the due articles and the next moment cheap at any archive size.
"""

import datetime
import logging

from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models import Min, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

NEXT_KEY = "schedule-next"
NONE = "none"
# Checked again after this long even with nothing scheduled: a row written behind Django's
# back (SQL, a restore) is noticed within it.
RECHECK_SECONDS = 300


def _due(now) -> Q:
    """The articles whose ``counted`` no longer says whether they are public."""
    appeared = Q(counted=False, status="published", publish_at__lte=now) & (
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    expired = Q(counted=True, expires_at__lte=now)
    return appeared | expired


def settle(now=None) -> int:
    """Bring the counts in step with the moments passed by ``now``; return how many
    articles moved (each row locked, so two processes never apply one twice)."""
    from . import caching, counts
    from .models import Article

    now = now or timezone.now()
    if not Article.objects.filter(_due(now)).exists():
        return 0
    moved = 0
    with transaction.atomic():
        rows = Article.objects.select_for_update(skip_locked=True).filter(_due(now))
        for pk, counted, outlet_id, published_on in rows.values_list(
            "pk", "counted", "outlet_id", "published_on"
        ).order_by("pk")[:500]:
            # Flipped only if no one else did (SQLite has no row locks): then counted.
            if not Article.objects.filter(pk=pk, counted=counted).update(counted=not counted):
                continue
            meetings, themes = counts.tag_ids(pk)
            delta = counts.Delta()
            delta.article(
                -1 if counted else 1,
                outlet_id=outlet_id,
                published_on=published_on,
                meeting_ids=meetings,
                theme_ids=themes,
            )
            delta.apply()
            moved += 1
        if moved:
            caching.content_changed()
    return moved


def next_moment(now=None) -> datetime.datetime | None:
    """Return the next moment an article appears or expires after ``now`` (None if none)."""
    from .models import Article

    now = now or timezone.now()
    appears = Q(counted=False, publish_at__isnull=False, publish_at__gt=now, status="published")
    expires = Q(counted=True, expires_at__isnull=False, expires_at__gt=now)
    found = Article.objects.filter(appears | expires).aggregate(
        appear=Min("publish_at", filter=appears), expire=Min("expires_at", filter=expires)
    )
    appear, expire = found["appear"], found["expire"]
    moments = [m for m in (appear, expire) if m is not None]
    return min(moments) if moments else None


def forget_next() -> None:
    """Forget the stored next moment: an article was saved with a publication window, and
    its moments may come before it. (A stale moment that comes later than the true next one
    cannot remain: windows only come into being through a save; one that comes too early
    costs a settle that finds nothing.)"""
    try:
        cache.delete(NEXT_KEY)
    except Exception:
        logger.warning("cache unreachable: forgetting the next scheduled moment", exc_info=True)


def settle_if_due(now=None) -> None:
    """Settle when a moment has passed since the last look: one cache read otherwise."""
    now = now or timezone.now()
    try:
        stored = cache.get(NEXT_KEY)
    except Exception:
        stored = None  # no shared memory: ask the database (two index lookups)
    if stored == NONE or (stored is not None and stored > now.timestamp()):
        return
    settle(now)
    moment = next_moment(now)
    value = NONE if moment is None else moment.timestamp()
    try:
        cache.set(NEXT_KEY, value, RECHECK_SECONDS)
    except Exception:
        logger.warning("cache unreachable: storing the next scheduled moment", exc_info=True)


class ScheduleMiddleware:
    """Settle the moments passed before a request reads anything (and before the page
    cache: a settle makes every cached page of before the moment a miss)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(("/static/", "/media/", "/healthz")):
            try:
                settle_if_due()
            except DatabaseError:
                # Never a reason to fail a request: who sees what is the rule's (it reads
                # the clock); only the counts wait for the next request that can settle.
                logger.warning("could not settle the scheduled moments", exc_info=True)
        return self.get_response(request)


# -- in words ---------------------------------------------------------------------------


def _at(moment) -> str:
    local = timezone.localtime(moment)
    return _("%(time)s ngày %(date)s") % {
        "time": formats.time_format(local, "H:i"),
        "date": formats.date_format(local, "d/m/Y"),
    }


def state(article, now=None) -> str:
    """Return an article's publication state in words ("Sẽ đăng lúc 06:00 ngày 24/11/2026")."""
    now = now or timezone.now()
    if article.status != "published":
        return str(article.get_status_display())
    if article.publish_at and article.publish_at > now:
        text = _("Sẽ đăng lúc %(at)s") % {"at": _at(article.publish_at)}
        if article.expires_at:
            text += _(", hết hạn lúc %(at)s") % {"at": _at(article.expires_at)}
        return text
    if article.expires_at and article.expires_at <= now:
        return _("Đã hết hạn lúc %(at)s") % {"at": _at(article.expires_at)}
    if article.expires_at:
        return _("Đang đăng, hết hạn lúc %(at)s") % {"at": _at(article.expires_at)}
    return _("Đang đăng")
