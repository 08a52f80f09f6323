"""Small factories: focused setup instead of loading whole fixtures."""

import datetime
import itertools

from articles.models import Article, MeetingTag, Outlet, ThemeTag

_counter = itertools.count(1)


def outlet(**kwargs):
    n = next(_counter)
    defaults = {"name": f"Báo Thử {n}", "domain": f"bao-thu-{n}.vn"}
    return Outlet.objects.create(**{**defaults, **kwargs})


def meeting(**kwargs):
    n = kwargs["number"] if "number" in kwargs else 40 + next(_counter)
    defaults = {
        "name": f"Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ {n}",
        "slug": f"amm-{n}",
        "series": "AMM",
        "number": n,
        "year": 1967 + (n or 0),
    }
    return MeetingTag.objects.create(**{**defaults, **kwargs})


def theme(**kwargs):
    n = next(_counter)
    defaults = {"name": f"Chủ đề {n}", "slug": f"chu-de-{n}"}
    return ThemeTag.objects.create(**{**defaults, **kwargs})


def article(*, meetings=(), themes=(), **kwargs):
    n = next(_counter)
    defaults = {
        "title": f"Bài viết thử số {n}",
        "lead": "Sapo của bài viết thử.",
        "body": "Đoạn thứ nhất.\n\nĐoạn thứ hai.",
        "status": Article.Status.PUBLISHED,
        "published_on": datetime.date(2021, 4, 7),
    }
    obj = Article(**{**defaults, **kwargs})
    obj.full_clean()
    obj.save()
    if meetings:
        obj.meetings.set(list(meetings))
    if themes:
        obj.themes.set(list(themes))
    return obj
