"""Reader pages. Every view reads articles through Article.objects.published() (or
visible_to() for a staff preview), so no page can show a draft to a reader."""

import datetime
from itertools import groupby

from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from . import redirects, schedule
from .filters import ArticleFilter
from .models import (
    ArchiveMonth,
    Article,
    MeetingTag,
    Outlet,
    TaggedMeeting,
    TaggedTheme,
    ThemeTag,
)
from .pagination import ARCHIVE_WINDOW, LIST_WINDOW, WindowPaginator
from .permissions import is_staff
from .vocabulary import series_choices

PAGE_SIZE = 20


class HomeView(TemplateView):
    template_name = "articles/home.html"
    latest_count = 10

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            latest=Article.objects.published().with_listing_relations()[: self.latest_count],
            top_meetings=MeetingTag.objects.in_use().order_by("-published_count", "-year")[:8],
            themes=ThemeTag.objects.in_use().order_by("-published_count", "name"),
            **kwargs,
        )


class ArticleDetailView(TemplateView):
    template_name = "articles/article_detail.html"
    related_count = 5

    def get(self, request, *args, **kwargs):
        queryset = Article.objects.visible_to(request.user).with_listing_relations()
        article = queryset.prefetch_related("figures").filter(slug=kwargs["slug"]).first()
        if article is None:
            # A slug an editor has since changed: the old address moves permanently (an
            # article this user may not see is missing, whatever slug it is asked by).
            visible = Article.objects.visible_to(request.user).only("slug")
            moved = redirects.article_for_old_slug(kwargs["slug"], visible)
            if moved is None:
                raise Http404(_("Không có bài viết này."))
            return redirects.moved(request, moved.slug)
        self.article = article
        response = super().get(request, *args, **kwargs)
        if not article.is_public():
            # A staff preview (a draft, or an article scheduled or expired): for this
            # browser only, and kept nowhere.
            patch_cache_control(response, private=True, no_store=True)
        elif is_staff(request.user):
            patch_cache_control(response, private=True)
        return response

    def get_context_data(self, **kwargs):
        article = self.article
        related = (
            Article.objects.published()
            .related_to(article)
            .with_listing_relations()[: self.related_count]
        )
        canonical = self.request.build_absolute_uri(article.get_absolute_url())
        public = article.is_public()
        return super().get_context_data(
            article=article,
            # A staff preview says why readers do not see it ("Sẽ đăng lúc 06:00 ngày …").
            preview_state=None if public else schedule.state(article),
            related=related,
            canonical_url=canonical,
            json_ld=self.json_ld(article, canonical),
            **kwargs,
        )

    def json_ld(self, article, canonical):
        """Return the schema.org NewsArticle describing ``article``."""
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "description": article.lead,
            "inLanguage": "vi",
            "url": canonical,
            "mainEntityOfPage": canonical,
            "keywords": [tag.name for tag in [*article.meetings.all(), *article.themes.all()]],
        }
        if article.published_on:
            data["datePublished"] = article.published_on.isoformat()
        if article.author:
            data["author"] = {"@type": "Person", "name": article.author}
        if article.outlet:
            data["publisher"] = {
                "@type": "NewsMediaOrganization",
                "name": article.outlet.name,
                "url": f"https://{article.outlet.domain}/",
            }
        if article.source_url:
            data["isBasedOn"] = article.source_url
        return data


class ArticleListMixin:
    """A paginated list of published articles with what their cards show: counted up to a
    bound, pages opened within it (``WindowPaginator``)."""

    paginate_by = PAGE_SIZE
    paginator_class = WindowPaginator
    context_object_name = "articles"
    # Set by a view that knows how many articles its list holds (a stored count).
    known_count = None
    window = LIST_WINDOW

    def get_paginator(self, queryset, *args, **kwargs):
        window = getattr(queryset, "window", self.window)  # search results have their own
        return super().get_paginator(
            queryset, *args, known_count=self.known_count, window=window, **kwargs
        )

    def published(self):
        return Article.objects.published().with_listing_relations()


class TagPageMixin(ArticleListMixin):
    """A tag's own page: 404 for readers while it has no published article. A former slug
    of it (renamed, or merged into it) redirects permanently here, keeping the page asked."""

    tag_model = None

    def get(self, request, *args, **kwargs):
        visible = self.tag_model.objects.all()
        if not is_staff(request.user):
            visible = visible.in_use()
        kind = redirects.kind_of(self.tag_model)
        try:
            self.tag = redirects.tag_or_moved(kind, kwargs["slug"], visible)
        except redirects.Moved as moved:
            return moved.response(request)
        response = super().get(request, *args, **kwargs)
        if is_staff(request.user):
            # Staff also see tags no reader may (no published article yet).
            patch_cache_control(response, private=True)
        return response

    def get_queryset(self):
        self.known_count = self.tag.published_count
        return self.published().tagged(self.through, self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class MeetingIndexView(TemplateView):
    template_name = "articles/meeting_index.html"

    def get_context_data(self, **kwargs):
        choices = series_choices()
        order = {series: index for index, (series, _label) in enumerate(choices)}
        meetings = sorted(
            MeetingTag.objects.in_use(),
            key=lambda m: (order.get(m.series, len(order)), -(m.year or 0), -(m.number or 0)),
        )
        labels = dict(choices)
        groups = [
            {"series": series, "label": labels.get(series, series), "meetings": list(items)}
            for series, items in groupby(meetings, key=lambda m: m.series)
        ]
        for group in groups:
            group["years"] = [
                {"year": year, "meetings": list(items)}
                for year, items in groupby(group["meetings"], key=lambda m: m.year)
            ]
        return super().get_context_data(groups=groups, **kwargs)


class MeetingDetailView(TagPageMixin, ListView):
    template_name = "articles/meeting_detail.html"
    tag_model = MeetingTag
    through = TaggedMeeting


class ThemeIndexView(ListView):
    template_name = "articles/theme_index.html"
    context_object_name = "themes"
    paginate_by = 100

    def get_queryset(self):
        return ThemeTag.objects.in_use().order_by("name")


class ThemeDetailView(TagPageMixin, ListView):
    template_name = "articles/theme_detail.html"
    tag_model = ThemeTag
    through = TaggedTheme


class OutletIndexView(ListView):
    template_name = "articles/outlet_index.html"
    context_object_name = "outlets"
    paginate_by = 100

    def get_queryset(self):
        return Outlet.objects.in_use().order_by("name")


class OutletDetailView(ArticleListMixin, ListView):
    template_name = "articles/outlet_detail.html"

    def get(self, request, *args, **kwargs):
        kind = redirects.kind_of(Outlet)
        try:
            self.outlet = redirects.tag_or_moved(kind, kwargs["slug"], Outlet.objects.in_use())
        except redirects.Moved as moved:
            return moved.response(request)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        self.known_count = self.outlet.published_count
        return self.published().filter(outlet=self.outlet)

    def get_context_data(self, **kwargs):
        return super().get_context_data(outlet=self.outlet, **kwargs)


class ArchiveIndexView(TemplateView):
    template_name = "articles/archive_index.html"

    def get_context_data(self, **kwargs):
        rows = (
            ArchiveMonth.objects.in_use()
            .values("year", "month", count=F("published_count"))
            .order_by("-year", "month")
        )
        years = [
            {
                "year": year,
                "months": months,
                "count": sum(m["count"] for m in months),
            }
            for year, items in groupby(rows, key=lambda row: row["year"])
            for months in [list(items)]
        ]
        return super().get_context_data(years=years, **kwargs)


class ArchivePeriodView(ArticleListMixin, ListView):
    """The articles of one year, or of one month of a year."""

    template_name = "articles/archive_period.html"
    window = ARCHIVE_WINDOW

    def get_queryset(self):
        year, month = self.kwargs["year"], self.kwargs.get("month")
        if not 1967 <= year <= 2100 or (month is not None and not 1 <= month <= 12):
            raise Http404(_("Không có giai đoạn này."))
        # A date range the published_on index reads ("__month" is EXTRACT(), read row by row
        # over the whole year).
        start = datetime.date(year, month or 1, 1)
        end = (
            datetime.date(year + 1, 1, 1)
            if month in (None, 12)
            else datetime.date(year, month + 1, 1)
        )
        queryset = self.published().filter(published_on__gte=start, published_on__lt=end)
        self.months = list(
            ArchiveMonth.objects.in_use()
            .filter(year=year)
            .values("month", count=F("published_count"))
            .order_by("month")
        )
        self.known_count = sum(m["count"] for m in self.months if month in (None, m["month"]))
        return queryset.order_by("published_on", "id")

    def get_context_data(self, **kwargs):
        year, month = self.kwargs["year"], self.kwargs.get("month")
        return super().get_context_data(
            year=year,
            month=month,
            month_date=datetime.date(year, month, 1) if month else None,
            months=self.months,
            **kwargs,
        )


class SearchView(ArticleListMixin, ListView):
    template_name = "articles/search.html"

    def get_queryset(self):
        self.filterset = ArticleFilter(
            self.request.GET or None, queryset=self.published(), request=self.request
        )
        if not self.filterset.is_bound or not self.filterset.is_filtering:
            return Article.objects.none()
        if not self.filterset.is_valid():
            return Article.objects.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filterset=self.filterset,
            query=self.request.GET.get("q", "").strip(),
            searched=self.filterset.is_bound and self.filterset.is_filtering,
            filters_open=any(
                self.request.GET.get(name)
                for name in ("meeting", "theme", "outlet", "published_after", "published_before")
            ),
            selected_meetings=self.request.GET.getlist("meeting"),
            selected_themes=self.request.GET.getlist("theme"),
            meetings=MeetingTag.objects.in_use().order_by("series", "-year", "-number"),
            themes=ThemeTag.objects.in_use().order_by("name"),
            outlets=Outlet.objects.in_use().order_by("name"),
            **kwargs,
        )


class RobotsView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sitemap_url=self.request.build_absolute_uri(reverse("sitemap")), **kwargs
        )
