"""RSS feeds of the latest published articles: the whole archive, a meeting, a theme."""

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext_lazy as _

from . import redirects
from .models import Article, MeetingTag, TaggedMeeting, TaggedTheme, ThemeTag

FEED_SIZE = 30


class LatestArticlesFeed(Feed):
    feed_type = Rss201rev2Feed
    language = "vi"
    title = _("ASEAN Archive — bài viết mới")
    description = _("Bài viết mới nhất về ngoại giao ASEAN.")

    def link(self, obj=None):
        return reverse("articles:home")

    def articles(self, obj):
        return Article.objects.published().with_listing_relations()

    def items(self, obj=None):
        return self.articles(obj)[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lead

    def item_author_name(self, item):
        return item.author or None

    def item_pubdate(self, item):
        if item.published_on is None:
            return None
        midnight = datetime.datetime.combine(item.published_on, datetime.time())
        return timezone.make_aware(midnight)

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [tag.name for tag in [*item.meetings.all(), *item.themes.all()]]


class TagFeed(LatestArticlesFeed):
    """The latest articles of one tag; 404 while the tag has no published article. A former
    slug of it (renamed, or merged into it) redirects permanently to its feed."""

    tag_model = None
    through = None

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except redirects.Moved as moved:
            return moved.response(request)

    def get_object(self, request, slug):
        kind = redirects.kind_of(self.tag_model)
        return redirects.tag_or_moved(kind, slug, self.tag_model.objects.in_use())

    def title(self, obj):
        return f"ASEAN Archive — {obj.name}"

    def description(self, obj):
        return _("Bài viết mới nhất về %(name)s.") % {"name": obj.name}

    def link(self, obj):
        return obj.get_absolute_url()

    def articles(self, obj):
        return super().articles(obj).tagged(self.through, obj)


class MeetingFeed(TagFeed):
    tag_model = MeetingTag
    through = TaggedMeeting


class ThemeFeed(TagFeed):
    tag_model = ThemeTag
    through = TaggedTheme
