"""The sitemap: every published article, every tag and outlet page readers can open."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, MeetingTag, Outlet, ThemeTag


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Article.objects.published().order_by("-published_on", "-id")

    def lastmod(self, item):
        return item.updated_at


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
