"""Who has an article's edit form open: "Đang được Bảo Chi sửa từ 10:42".

Kept in the cache (Redis when configured, so every web process sees the same editors),
one entry per article: each editor's name, when they opened the form, and when it was last
seen. An editor counts as editing for ``WINDOW`` seconds after they last opened or saved the
form; a save or a closing of the form ends it.
"""

import time

from django.core.cache import cache

WINDOW = 5 * 60  # seconds


def _key(article_pk) -> str:
    return f"articles:editing:{article_pk}"


def _current(article_pk, now: float) -> dict:
    entries = cache.get(_key(article_pk)) or {}
    return {uid: e for uid, e in entries.items() if now - e["seen"] < WINDOW}


def opened(article_pk, user, name: str, *, now: float | None = None) -> list[dict]:
    """Record that ``user`` opened the article's form; return the others editing it, each
    as {"name", "since"} (``since`` a UNIX time), longest first."""
    now = time.time() if now is None else now
    entries = _current(article_pk, now)
    mine = entries.get(user.pk)
    entries[user.pk] = {"name": name, "since": mine["since"] if mine else now, "seen": now}
    cache.set(_key(article_pk), entries, WINDOW)
    others = [e for uid, e in entries.items() if uid != user.pk]
    return sorted(others, key=lambda e: e["since"])


def closed(article_pk, user) -> None:
    """Forget that ``user`` is editing the article (after a save)."""
    entries = _current(article_pk, time.time())
    if entries.pop(user.pk, None) is not None:
        cache.set(_key(article_pk), entries, WINDOW)
