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
moment is due. Each article keeps its own next moment (``Article.next_change_at``, set by
every save and by ``settle``); a partial index holds only the articles with a moment ahead,
so finding the due ones and the next one is an index probe at any archive size.
"""

import datetime
import logging

from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import formats, timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

NEXT_KEY = "schedule-next"
VERSION_KEY = "schedule-version"
NONE = "none"
# Checked again after this long even with nothing scheduled: a row written behind Django's
# back (SQL, a restore) is noticed within it.
RECHECK_SECONDS = 300


BATCH = 500


def settle(now=None) -> int:
    """Bring the counts in step with the moments passed by ``now``; return how many
    articles moved in or out of them.

    The articles due are those whose ``next_change_at`` has come (read through its partial
    index); each is settled on its own: its ``counted`` and next moment recomputed, and its
    count delta applied, only if no one else settled it first (two processes may see the
    same moment due), so a moment is never applied twice."""
    from . import caching
    from .models import Article

    now = now or timezone.now()
    due = Article.objects.filter(next_change_at__isnull=False, next_change_at__lte=now)
    moved = 0
    while True:
        rows = list(
            due.order_by("next_change_at", "pk").values_list("pk", "counted", "next_change_at")[
                :BATCH
            ]
        )
        for pk, counted, moment in rows:
            moved += settle_one(pk, counted, moment, now)
        if len(rows) < BATCH:
            break
    if moved:
        caching.content_changed()
    return moved


def settle_one(pk, counted: bool, moment, now) -> bool:
    """Settle one article read as (``counted``, ``moment``) at ``now``; return whether it
    moved in or out of the counts. Nothing happens if the row changed since it was read."""
    from . import counts
    from .models import Article

    with transaction.atomic():
        article = (
            Article.objects.select_for_update()
            .filter(pk=pk, counted=counted, next_change_at=moment)
            .only("pk", "status", "publish_at", "expires_at", "outlet_id", "published_on")
            .first()
        )
        if article is None:
            return False  # settled by another process, or saved meanwhile
        article.fill_window_columns(now)
        # Only if the row is still as read (SQLite has no row locks to rely on).
        changed = Article.objects.filter(pk=pk, counted=counted, next_change_at=moment).update(
            counted=article.counted, next_change_at=article.next_change_at
        )
        if not changed or article.counted == counted:
            return False
        meetings, themes = counts.tag_ids(pk)
        delta = counts.Delta()
        delta.article(
            1 if article.counted else -1,
            outlet_id=article.outlet_id,
            published_on=article.published_on,
            meeting_ids=meetings,
            theme_ids=themes,
        )
        delta.apply()
        return True


def next_moment(now=None) -> datetime.datetime | None:
    """Return the next moment an article appears or expires after ``now`` (None if none):
    the first entry of the partial index."""
    from .models import Article

    now = now or timezone.now()
    return (
        Article.objects.filter(next_change_at__isnull=False, next_change_at__gt=now)
        .order_by("next_change_at")
        .values_list("next_change_at", flat=True)
        .first()
    )


def forget_next() -> None:
    """Forget the stored next moment: an article was saved with a publication window, and
    its moments may come before it. The version goes up first, so a lookup that started
    before the save and finishes after it does not store what it found (``settle_if_due``).
    (A stored moment that comes too early costs one settle that finds nothing.)"""
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.add(VERSION_KEY, 1, timeout=None)
        cache.delete(NEXT_KEY)
    except Exception:
        logger.warning("cache unreachable: forgetting the next scheduled moment", exc_info=True)


def settle_if_due(now=None) -> None:
    """Settle when a moment has passed since the last look: one cache read otherwise."""
    now = now or timezone.now()
    try:
        found = cache.get_many([NEXT_KEY, VERSION_KEY])
    except Exception:
        found = {}  # no shared memory: ask the database (one index lookup each)
    stored, version = found.get(NEXT_KEY), found.get(VERSION_KEY)
    if stored == NONE or (stored is not None and stored > now.timestamp()):
        return
    settle(now)
    moment = next_moment(now)
    value = NONE if moment is None else moment.timestamp()
    try:
        if cache.get(VERSION_KEY) == version:  # no window saved meanwhile
            cache.set(NEXT_KEY, value, RECHECK_SECONDS)
    except Exception:
        logger.warning("cache unreachable: storing the next scheduled moment", exc_info=True)


def reset_all(now=None) -> int:
    """Recompute ``counted`` and the next moment of every article whose stored values are not
    what its status and window give at ``now`` (after rows were written behind Django's back:
    a restore of an older backup); return how many rows changed. The caller recounts
    (``counts.recount_all``)."""
    from .models import Article, live_condition

    now = now or timezone.now()
    live = live_condition(now)
    changed = Article.objects.filter(live, counted=False).update(counted=True)
    changed += Article.objects.exclude(live).filter(counted=True).update(counted=False)
    published = Q(status="published")
    ahead = Case(
        When(published & Q(publish_at__gt=now), then=F("publish_at")),
        When(published & Q(expires_at__gt=now), then=F("expires_at")),
        default=Value(None),
    )
    windowed = Article.objects.filter(
        Q(publish_at__isnull=False) | Q(expires_at__isnull=False) | Q(next_change_at__isnull=False)
    )
    for article in windowed.only("pk", "status", "publish_at", "expires_at", "next_change_at"):
        if article.next_change(now) != article.next_change_at:
            changed += Article.objects.filter(pk=article.pk).update(next_change_at=ahead)
    forget_next()
    return changed


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
