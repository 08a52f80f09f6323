"""The sitemap: every published article, every tag and outlet page readers can open.

``/sitemap.xml`` is a sitemap index; each section is paginated (``/sitemap-articles.xml?p=3``),
and article pages are id ranges, so no page of it reads more than its own rows."""

from functools import cache
from types import SimpleNamespace

from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language

from .models import Article, MeetingTag, Outlet, ThemeTag


class IdRangePaginator:
    """Pages of published articles by id range: page n holds the ids from (n - 1) * size + 1
    to n * size. Each page is one index range scan; the number of pages comes from the
    highest id. A million articles never get counted or skipped over with OFFSET (a page
    may hold fewer than ``size`` items where drafts stand)."""

    def __init__(self, queryset, size):
        self.queryset = queryset
        self.size = size

    @cached_property
    def num_pages(self) -> int:
        highest = self.queryset.order_by("-pk").values_list("pk", flat=True).first()
        return max(1, -(-(highest or 0) // self.size))

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("not a page number") from None
        if not 1 <= number <= self.num_pages:
            raise EmptyPage("no such page")
        low = (number - 1) * self.size
        items = self.queryset.filter(pk__gt=low, pk__lte=low + self.size).order_by("pk")
        return SimpleNamespace(object_list=items)


@cache
def article_prefix(language) -> str:
    """Return the start of every article's address in ``language`` ("/bai-viet/")."""
    return reverse("articles:detail", kwargs={"slug": "-"})[:-2]


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8
    # Small pages: each one is rendered on request, and crawlers follow the index.
    limit = 1000

    def items(self):
        return Article.objects.published().only("slug", "updated_at")

    @property
    def paginator(self):
        return IdRangePaginator(self.items(), self.limit)

    def lastmod(self, item):
        return item.updated_at

    def location(self, item):
        # A thousand URLs a page: the address is built from one reverse(), not one each.
        return f"{article_prefix(get_language())}{item.slug}/"

    def get_latest_lastmod(self):
        # Django's default reads every article's lastmod to write the index: not here.
        return None


class TagSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6
    model = None

    def items(self):
        return self.model.objects.in_use().order_by("slug")


class MeetingSitemap(TagSitemap):
    model = MeetingTag


class ThemeSitemap(TagSitemap):
    model = ThemeTag


class OutletSitemap(TagSitemap):
    model = Outlet


class PageSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.5

    def items(self):
        return ["home", "meetings", "themes", "outlets", "archive"]

    def location(self, item):
        return reverse(f"articles:{item}")


SITEMAPS = {
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "meetings": MeetingSitemap,
    "themes": ThemeSitemap,
    "outlets": OutletSitemap,
}
