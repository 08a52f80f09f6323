"""The archive's data: outlets, articles, their figures, and two tag vocabularies."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Coalesce, StrIndex, Substr
from django.db.models.lookups import GreaterThan
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import NaturalKeyManager, TagBase, TaggedItemBase

from . import counts
from .text import content_hash, normalise, normalise_inline, search_columns, slugify_vi
from .vocabulary import partnered_series, series_choices


class CaseInsensitiveTagMixin:
    """Refuse a tag whose name differs from an existing one only by case."""

    def clean(self):
        super().clean()
        self.name = normalise_inline(self.name or "")
        key = self.name.casefold()
        clashes = [
            name
            for name in type(self).objects.exclude(pk=self.pk).values_list("name", flat=True)
            if name.casefold() == key
        ]
        if clashes:
            raise ValidationError(
                {
                    "name": _("“%(name)s” đã có (khác chữ hoa/thường). / Already exists.")
                    % {"name": clashes[0]}
                }
            )

    def slugify(self, tag, i=None):
        slug = slugify_vi(tag, max_length=95)
        if i is not None:
            slug += f"-{i}"
        return slug


def published_count_field(**kwargs) -> models.PositiveIntegerField:
    """Return the field holding the number of published articles (drafts never counted),
    kept by ``articles.counts`` on every write, so no page counts per request."""
    return models.PositiveIntegerField(_("số bài đã đăng"), default=0, editable=False, **kwargs)


class PublishedCountMixin:
    """Never write ``published_count`` from a loaded copy: saving a tag or outlet an editor
    opened before an import published articles would otherwise put back the old count.

    A changed slug is recorded (``articles.redirects``): the old address redirects here."""

    def save(self, *args, **kwargs):
        updating = not self._state.adding and not kwargs.get("force_insert")
        update_fields = kwargs.get("update_fields")
        old_slug = None
        if updating and (update_fields is None or "slug" in update_fields):
            old_slug = (
                type(self)._base_manager.filter(pk=self.pk).values_list("slug", flat=True).first()
            )
        if updating and update_fields is None:
            skip = {"published_count", *self.get_deferred_fields()}
            fields = self._meta.concrete_fields
            kwargs["update_fields"] = [
                f.name for f in fields if not f.primary_key and f.name not in skip
            ]
        if not old_slug or old_slug == self.slug:
            return super().save(*args, **kwargs)
        from .redirects import record_rename

        with transaction.atomic():
            saved = super().save(*args, **kwargs)
            record_rename(self, old_slug)
        return saved


class PublishedCountQuerySet(models.QuerySet):
    def in_use(self):
        """Return the rows with at least one published article (what readers may see listed)."""
        return self.filter(published_count__gt=0)


# A tag's manager keeps taggit's lookup by natural key (the name): `dumpdata
# --natural-foreign` writes a tagged item's tag as its name, and `loaddata` finds it so.
TagManager = NaturalKeyManager.from_queryset(PublishedCountQuerySet)


class MeetingTag(PublishedCountMixin, CaseInsensitiveTagMixin, TagBase):
    # The series are data (fixtures/vocabulary/meetings.json), the importer's too.
    series = models.CharField(_("chuỗi hội nghị"), max_length=16, choices=series_choices)
    number = models.PositiveSmallIntegerField(
        _("lần thứ"),
        null=True,
        blank=True,
        help_text=_("54 cho AMM-54; để trống với hội nghị không đánh số như SOM."),
    )
    year = models.PositiveSmallIntegerField(_("năm"), db_index=True)
    partner = models.CharField(
        _("đối tác"),
        max_length=60,
        blank=True,
        help_text=_("Với đối thoại ASEAN–đối tác: tên đối tác, ví dụ “Mỹ”."),
    )
    start_date = models.DateField(_("ngày bắt đầu"), null=True, blank=True)
    end_date = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    place = models.CharField(_("địa điểm"), max_length=120, blank=True)
    # Indexed: the home page lists the meetings with the most articles.
    published_count = published_count_field(db_index=True)

    objects = TagManager()

    class Meta:
        verbose_name = _("hội nghị")
        verbose_name_plural = _("hội nghị")
        ordering = ["-year", "series", "number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="meeting_end_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:meeting", kwargs={"slug": self.slug})

    @property
    def code(self):
        """Return the short international code: "AMM-54", "SOM 2021", "ASEAN–Mỹ 33"."""
        if self.series in partnered_series():
            return f"ASEAN–{self.partner} {self.number or self.year}"
        if self.number:
            return f"{self.series}-{self.number}"
        return f"{self.series} {self.year}"


def evidence_field() -> models.JSONField:
    """Return the field that keeps, beside a tag, why the tagger proposed it."""
    return models.JSONField(
        _("bằng chứng"),
        default=list,
        db_default=[],  # rows written outside Django (SQL loads) get no evidence, not NULL
        blank=True,
        help_text=_("Vì sao bộ gắn thẻ đề xuất thẻ này: từ khớp, câu chứa nó, vị trí trong bài."),
    )


class TaggedMeeting(TaggedItemBase):
    tag = models.ForeignKey(MeetingTag, on_delete=models.CASCADE, related_name="tagged_items")
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)
    evidence = evidence_field()

    class Meta:
        unique_together = [("content_object", "tag")]


class ThemeTag(PublishedCountMixin, CaseInsensitiveTagMixin, TagBase):
    name_en = models.CharField(_("tên tiếng Anh"), max_length=100, blank=True)
    aliases = models.TextField(
        _("từ khóa nhận diện"),
        blank=True,
        help_text=_(
            "Mỗi dòng một cách viết mà bộ gắn thẻ tìm trong bài (ví dụ “COC”, “Biển Đông”). "
            "Viết hoa toàn bộ = phân biệt hoa/thường."
        ),
    )
    published_count = published_count_field()  # a few dozen themes: no index needed

    objects = TagManager()

    class Meta:
        verbose_name = _("chủ đề")
        verbose_name_plural = _("chủ đề")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:theme", kwargs={"slug": self.slug})

    @property
    def label(self):
        """Return the name in the interface's language (the English name on /en/ pages)."""
        if self.name_en and get_language() == "en":
            return self.name_en
        return self.name

    def alias_list(self):
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]


class TaggedTheme(TaggedItemBase):
    tag = models.ForeignKey(ThemeTag, on_delete=models.CASCADE, related_name="tagged_items")
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)
    evidence = evidence_field()

    class Meta:
        unique_together = [("content_object", "tag")]


class Outlet(PublishedCountMixin, models.Model):
    name = models.CharField(_("tên"), max_length=120)
    domain = models.CharField(_("tên miền"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, blank=True)
    published_count = published_count_field()

    objects = PublishedCountQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan báo chí")
        verbose_name_plural = _("cơ quan báo chí")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            # "tin-tuc.vn" and "tin.tuc.vn" give one slug: the second gets a suffix.
            base = slugify_vi(self.domain.replace(".", "-")) or "bao"
            slug, n = base, 2
            # Nor another outlet's former slug: its old address keeps leading to it.
            others = TagRedirect.objects.filter(kind=TagRedirect.Kind.OUTLET)
            if self.pk:
                others = others.exclude(target_id=self.pk)
            while (
                type(self).objects.filter(slug=slug).exclude(pk=self.pk).exists()
                or others.filter(old_slug=slug).exists()
            ):
                slug, n = f"{base}-{n}", n + 1
            self.slug = slug
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:outlet", kwargs={"slug": self.slug})


def first_line(column: str):
    """Return the database expression for the first line of ``column`` (all of it when it
    has one line)."""
    position = StrIndex(models.F(column), models.Value("\n"))
    return models.Case(
        models.When(GreaterThan(position, 0), then=Substr(models.F(column), 1, position)),
        default=models.F(column),
        output_field=models.TextField(),
    )


# Long columns that no page or list shows: never read for lists.
SEARCH_COLUMNS = ("search_text", "search_folded", "search_words", "search_pairs")
LIST_DEFERRED = ("raw_text", *SEARCH_COLUMNS)

# A tag with at most this many published articles is read from its own rows (tagged()).
SMALL_TAG = 5_000

# Related articles: candidates are read from this many of an article's tags, this many
# newest articles each (see ArticleQuerySet.related_to).
RELATED_TAGS = 6
RELATED_CANDIDATES = 50

# Newest first, undated (draft) articles last on every database: PostgreSQL would put
# NULL dates first in a descending order, SQLite last.
NEWEST_FIRST = (models.F("published_on").desc(nulls_last=True), "-id")


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """Return the articles every reader may see at ``now`` (this moment by default):
        published, and within their publication window when they have one. The rule itself
        honours the times, so a scheduled article appears, and an expired one disappears,
        at its exact moment whether or not anything has run since (``articles.schedule``)."""
        return self.filter(live_condition(now or timezone.now()))

    def scheduled(self, now=None):
        """Return the published articles waiting for their moment to appear (read through
        the partial index of articles with a moment ahead)."""
        return self.filter(
            status=Article.Status.PUBLISHED,
            next_change_at__isnull=False,
            publish_at__gt=now or timezone.now(),
        )

    def visible_to(self, user):
        """Return what ``user`` may see: staff every article out of the trash (the trash is
        the admin's), readers published articles only."""
        from .permissions import may_see_unpublished

        if may_see_unpublished(user):
            return self.exclude(status=Article.Status.TRASH)
        return self.published()

    def with_listing_relations(self):
        """Load what a list of articles shows, in a fixed number of queries, without the
        long columns no list shows (the raw text and the derived search columns)."""
        return (
            self.select_related("outlet")
            .prefetch_related("meetings", "themes")
            .defer(*LIST_DEFERRED)
        )

    def tagged(self, through, tag):
        """Return these articles carrying ``tag`` (of ``through``), in an order-friendly way.

        A small tag is read from its own rows (the (tag) index of the tagged items), then its
        articles by id: a meeting's articles all sit in its year, and walking the ordered
        index from today back to 2003 to find them would read most of the archive. A large
        tag fills a page soon along the ordered index, each article tested with EXISTS."""
        if tag.published_count <= SMALL_TAG:
            ids = through.objects.filter(tag=tag).values_list("content_object_id", flat=True)
            return self.filter(pk__in=list(ids))
        return self.filter(tagged_with(through, tag=tag))

    def related_to(self, article):
        """Return the other articles sharing meetings or themes with ``article``, most shared
        first (then newest), annotated with ``shared``: the one ranking pages and API use.

        Bounded at any archive size: the candidates are the newest ``RELATED_CANDIDATES``
        articles of each of the article's first ``RELATED_TAGS`` tags (meetings first), each
        read from the ordered index; only they are ranked by their shared tags."""
        tags = [(TaggedMeeting, tag) for tag in article.meetings.all()]
        tags += [(TaggedTheme, tag) for tag in article.themes.all()]
        if not tags:
            return self.none()
        candidates = set()
        for through, tag in tags[:RELATED_TAGS]:
            rows = (
                self.tagged(through, tag)
                .exclude(pk=article.pk)
                .order_by(*NEWEST_FIRST)
                .values_list("pk", flat=True)
            )
            candidates.update(rows[:RELATED_CANDIDATES])
        if not candidates:
            return self.none()

        def shared(through):
            ids = [tag.pk for model, tag in tags if model is through]
            carried = through.objects.filter(content_object=models.OuterRef("pk"), tag_id__in=ids)
            count = carried.order_by().values("content_object").annotate(n=models.Count("pk"))
            return Coalesce(models.Subquery(count.values("n")), 0)

        return (
            self.filter(pk__in=candidates)
            .annotate(shared=shared(TaggedMeeting) + shared(TaggedTheme))
            .order_by("-shared", *NEWEST_FIRST)
        )


def live_condition(now) -> models.Q:
    """Return the condition that an article is public at ``now`` (see ``published``)."""
    return (
        models.Q(status=Article.Status.PUBLISHED)
        & (models.Q(publish_at__isnull=True) | models.Q(publish_at__lte=now))
        & (models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))
    )


def tagged_with(through, **lookup) -> models.Exists:
    """Return the condition that an article carries a tag of ``through`` matching ``lookup``:
    one EXISTS on the (article, tag) index, never a join and DISTINCT over article rows."""
    return models.Exists(through.objects.filter(content_object=models.OuterRef("pk"), **lookup))


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        REVIEW = "review", _("Chờ duyệt")
        PUBLISHED = "published", _("Đã đăng")
        # Deleted by an editor: gone from readers as a draft is, restorable (articles.trash).
        TRASH = "trash", _("Thùng rác")

    title = models.CharField(_("tiêu đề"), max_length=300)
    slug = models.SlugField(
        _("slug"),
        max_length=160,
        unique=True,
        blank=True,
        help_text=_("Để trống để tạo từ tiêu đề (không dấu, “đ” thành “d”)."),
    )
    lead = models.TextField(_("sapo"), blank=True, help_text=_("Đoạn tóm tắt đầu bài."))
    body = models.TextField(
        _("nội dung"),
        blank=True,
        help_text=_("Các đoạn cách nhau một dòng trống. Câu hỏi phỏng vấn bắt đầu bằng “PV: ”."),
    )
    author = models.CharField(_("tác giả"), max_length=160, blank=True)
    outlet = models.ForeignKey(
        Outlet,
        verbose_name=_("cơ quan báo chí"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
    )
    source_url = models.URLField(_("đường dẫn gốc"), max_length=500, blank=True)
    published_on = models.DateField(_("ngày đăng"), null=True, blank=True, db_index=True)
    status = models.CharField(
        # No index: three values, most rows published; lists read the newest-first index.
        _("trạng thái"),
        max_length=16,
        choices=Status,
        default=Status.REVIEW,
    )
    # The publication window: a published article is public from ``publish_at`` (at once
    # when empty) until ``expires_at`` (for ever when empty). Setting either needs the
    # publish permission (services.article_save).
    publish_at = models.DateTimeField(
        _("đăng lúc"),
        null=True,
        blank=True,
        help_text=_("Để trống để đăng ngay. Một thời điểm sau này: bài tự xuất hiện lúc đó."),
    )
    expires_at = models.DateTimeField(
        _("hết hạn lúc"),
        null=True,
        blank=True,
        help_text=_("Tuỳ chọn: bài tự ẩn khỏi bạn đọc từ thời điểm này."),
    )
    # Whether the stored counts (articles.counts) include this article: public when it was
    # last saved or settled. Only articles.schedule changes it between saves, at the moments.
    counted = models.BooleanField(default=False, db_default=False, editable=False)
    # The next moment this article's "public" changes (it appears, or it expires), None when
    # no moment is ahead: what articles.schedule looks for, through a partial index that
    # holds only the articles with a moment ahead (a handful, however large the archive).
    next_change_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    # Raised by one on every recorded change (services.article_save): the admin form and the
    # API's ETag carry it, so a save over a newer version is refused, never lost.
    version = models.PositiveIntegerField(_("phiên bản"), default=1, db_default=1, editable=False)
    # The status an article had when it was moved to the trash: restoring gives it back.
    trashed_from = models.CharField(
        _("trạng thái trước khi xoá"), max_length=16, choices=Status, blank=True, editable=False
    )
    trashed_at = models.DateTimeField(_("xoá lúc"), null=True, blank=True, editable=False)
    # Tags an editor removed from this article: the tagger never adds them back.
    # {"meetings": [ids], "themes": [ids]}
    rejected_tags = models.JSONField(
        _("thẻ đã gỡ"), default=dict, db_default={}, blank=True, editable=False
    )
    raw_text = models.TextField(_("văn bản gốc"), blank=True, editable=False)
    source_file = models.CharField(_("tệp nhập"), max_length=255, blank=True, editable=False)
    # Looked up through the index of its unique constraint (below): one index, not two, for
    # every import to write.
    content_hash = models.CharField(_("mã băm nội dung"), max_length=64, blank=True, editable=False)
    # Derived copies of title + lead + body for diacritic-aware search on any database.
    search_text = models.TextField(blank=True, editable=False)
    search_folded = models.TextField(blank=True, editable=False)
    # Their distinct words: the search index (migration 0009) is built from this column.
    search_words = models.TextField(blank=True, editable=False)
    # And the pairs of neighbouring folded words: the phrase index (migration 0011).
    search_pairs = models.TextField(blank=True, editable=False)
    # Their first line (the title's words), kept short and apart by the database: search
    # ranks title matches first, and checking them must not read the whole text.
    search_title = models.GeneratedField(
        expression=first_line("search_text"), output_field=models.TextField(), db_persist=True
    )
    search_title_folded = models.GeneratedField(
        expression=first_line("search_folded"), output_field=models.TextField(), db_persist=True
    )

    meetings = TaggableManager(
        verbose_name=_("hội nghị"),
        through=TaggedMeeting,
        related_name="articles",
        blank=True,
        help_text=None,
    )
    themes = TaggableManager(
        verbose_name=_("chủ đề"),
        through=TaggedTheme,
        related_name="articles",
        blank=True,
        help_text=None,
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("bài viết")
        verbose_name_plural = _("bài viết")
        ordering = NEWEST_FIRST
        permissions = [("publish_article", _("Có thể đăng bài / Can publish articles"))]
        indexes = [
            # The moments ahead (articles.schedule: the next one, the ones now due; the
            # admin's "scheduled" and "expiring" filters): only the articles with one.
            models.Index(
                fields=["next_change_at"],
                name="article_next_change",
                condition=models.Q(next_change_at__isnull=False),
            ),
            # The admin's "expired" filter: the articles ever given an expiry.
            models.Index(
                fields=["expires_at"],
                name="article_expiring",
                condition=models.Q(expires_at__isnull=False),
            ),
            # The review queue: the few articles waiting, the longest-waiting first.
            models.Index(
                fields=["updated_at", "id"],
                name="article_in_review",
                condition=models.Q(status="review"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__isnull=True)
                | models.Q(publish_at__isnull=True)
                | models.Q(expires_at__gt=models.F("publish_at")),
                name="article_expires_after_publish",
                violation_error_message=_(
                    "Giờ hết hạn phải sau giờ đăng. / The expiry must come after publication."
                ),
            ),
            models.UniqueConstraint(
                fields=["content_hash"],
                condition=~models.Q(content_hash=""),
                name="article_unique_content_hash",
            ),
            # One article per source URL: two imports of one page never make two articles.
            models.UniqueConstraint(
                fields=["source_url"],
                condition=~models.Q(source_url=""),
                name="article_unique_source_url",
                violation_error_message=_(
                    "Đã có bài viết với đường dẫn gốc này. / An article with this source URL "
                    "already exists."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.unique_slug(self.title)
        self.fill_search_columns()
        self.fill_window_columns()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                *SEARCH_COLUMNS,
                "slug",
                "version",
                "counted",
                "next_change_at",
            }
        with transaction.atomic():
            old_slug, old = None, None
            if self.pk:
                # Locked: a concurrent tag change waits, so the counts see one order.
                row = (
                    type(self)
                    .objects.select_for_update()
                    .filter(pk=self.pk)
                    .values_list("slug", "counted", "outlet_id", "published_on", "version")
                    .first()
                )
                if row is not None:
                    old_slug, old = row[0], row[1:4]
                    # Every save is a new version (the API's ETag and the admin's check).
                    self.version = row[4] + 1
            super().save(*args, **kwargs)
            counts.article_saved(self, old, update_fields)
            if self.publish_at or self.expires_at:
                from .schedule import forget_next

                forget_next()  # and again once committed: a reader may look in between
                transaction.on_commit(forget_next)
            if old_slug and old_slug != self.slug:
                # The old address keeps working: it redirects permanently to the new one;
                # and a former slug of this article taken back is its address again.
                SlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"article": self})
                SlugRedirect.objects.filter(old_slug=self.slug, article=self).delete()

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def fill_window_columns(self, now=None):
        """Set ``counted`` and ``next_change_at`` for ``now`` (``save`` does; ``bulk_create``
        callers must)."""
        now = now or timezone.now()
        self.counted = self.is_public(now)
        self.next_change_at = self.next_change(now)

    def next_change(self, now):
        """Return the next moment after ``now`` when readers start or stop seeing it
        (a datetime), or None."""
        if self.status != self.Status.PUBLISHED:
            return None
        if self.publish_at is not None and self.publish_at > now:
            return self.publish_at
        if self.expires_at is not None and self.expires_at > now:
            return self.expires_at
        return None

    def is_public(self, now=None) -> bool:
        """Return whether readers see this article at ``now`` (the rule of ``published``)."""
        if self.status != self.Status.PUBLISHED:
            return False
        now = now or timezone.now()
        if self.publish_at is not None and self.publish_at > now:
            return False
        return self.expires_at is None or self.expires_at > now

    def clean(self):
        super().clean()
        self.clean_text()
        if self.slug:
            from .redirects import former_slug_holder

            holder = former_slug_holder(self.slug, exclude_pk=self.pk)
            if holder is not None:
                raise ValidationError(
                    {
                        "slug": _(
                            "Slug này là địa chỉ cũ của bài “%(title)s”. / This slug is a "
                            "former address of another article."
                        )
                        % {"title": holder.title}
                    }
                )
        if self.status == self.Status.PUBLISHED and not self.published_on:
            raise ValidationError(
                {
                    "published_on": _(
                        "Bài đã đăng phải có ngày đăng. / A published article needs a date."
                    )
                }
            )

    def clean_text(self):
        """Normalise the text fields as the archive stores them (NFC, single spaces)."""
        self.title = normalise_inline(self.title or "")
        self.lead = normalise(self.lead or "")
        self.body = normalise(self.body or "")
        self.author = normalise_inline(self.author or "")

    def fill_search_columns(self):
        """Compute the derived search columns (``save`` does; ``bulk_create`` callers must)."""
        self.search_text, self.search_folded, self.search_words, self.search_pairs = search_columns(
            self.title, self.lead, self.body
        )

    def searchable_text(self):
        return "\n".join(part for part in (self.title, self.lead, self.body) if part)

    def lead_and_body(self):
        """Return the text a search result quotes from: lead and body, not the title."""
        return "\n".join(part for part in (self.lead, self.body) if part)

    def paragraphs(self):
        return [p for p in self.body.split("\n\n") if p.strip()]

    @classmethod
    def slug_base(cls, title) -> str:
        """Return the slug a title gives, cut like the admin's browser-side slug."""
        limit = cls._meta.get_field("slug").max_length
        return slugify_vi(title, max_length=limit) or "bai-viet"

    @staticmethod
    def slug_with_suffix(base, n, limit) -> str:
        suffix = f"-{n}"
        return base[: limit - len(suffix)].rstrip("-") + suffix

    @classmethod
    def unique_slug(cls, title, exclude_pk=None):
        """Return a free slug for ``title``, cut like the admin's browser-side slug: one no
        other article has now or had before (a former slug keeps leading to its article)."""
        limit = cls._meta.get_field("slug").max_length
        base = cls.slug_base(title)
        slug, n = base, 2
        taken = cls.objects.exclude(pk=exclude_pk)
        held = SlugRedirect.objects.exclude(article_id=exclude_pk)
        while taken.filter(slug=slug).exists() or held.filter(old_slug=slug).exists():
            slug = cls.slug_with_suffix(base, n, limit)
            n += 1
        return slug

    @staticmethod
    def hash_content(text):
        """Return the hash that identifies an import: of the normalised text, so NFD,
        CRLF or BOM variants of one file are the same article."""
        return content_hash(text)


class SlugRedirect(models.Model):
    """An article's former slug; its old URL redirects permanently to the current one."""

    old_slug = models.SlugField(_("slug cũ"), max_length=160, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("địa chỉ cũ")
        verbose_name_plural = _("địa chỉ cũ")

    def __str__(self):
        return f"{self.old_slug} → {self.article.slug}"


def person_name(user) -> str:
    """Return how the history and the audit log name ``user`` ("" for the system)."""
    if user is None or not user.is_authenticated:
        return ""
    return (user.get_full_name() or user.get_username())[:150]


class ReviewNote(models.Model):
    """One step of an article's review: sent for review, approved (published now or
    scheduled) or sent back, by whom, when, and with the note they wrote
    (``services.review_*``; the queue in the admin lists the last sending of each article)."""

    class Action(models.TextChoices):
        SENT = "sent", _("Gửi duyệt")
        APPROVED = "approved", _("Duyệt và đăng")
        SCHEDULED = "scheduled", _("Duyệt và hẹn giờ đăng")
        RETURNED = "returned", _("Trả lại")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="review_notes")
    action = models.CharField(_("thao tác"), max_length=16, choices=Action)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user_name = models.CharField(_("tên người thực hiện"), max_length=150, blank=True)
    note = models.TextField(_("ghi chú"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("ghi chú duyệt bài")
        verbose_name_plural = _("ghi chú duyệt bài")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["article", "-created_at"], name="review_note_latest")]

    def __str__(self):
        return f"{self.get_action_display()} · {self.user_name}"


class ArticleRevision(models.Model):
    """One recorded change of an article: who, when, through which path, and the article's
    whole state after it (fields, meetings, themes, figures; see ``articles.history``)."""

    class Via(models.TextChoices):
        ADMIN = "admin", _("trang quản trị")
        ACTION = "action", _("thao tác hàng loạt")
        API = "api", _("API")
        IMPORT = "import", _("nhập bài")
        RETAG = "retag", _("gắn thẻ lại")
        MERGE = "merge", _("gộp thẻ")
        REVERT = "revert", _("khôi phục phiên bản")
        TRASH = "trash", _("thùng rác")
        COMMAND = "command", _("lệnh quản trị")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField(_("phiên bản"))
    created_at = models.DateTimeField(_("lúc"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người sửa"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The name at the time (kept when the account is deleted); "" for commands.
    user_name = models.CharField(_("tên người sửa"), max_length=150, blank=True)
    via = models.CharField(_("qua"), max_length=16, choices=Via)
    summary = models.CharField(_("tóm tắt"), max_length=300, blank=True)
    data = models.JSONField(_("trạng thái bài"))

    class Meta:
        verbose_name = _("phiên bản bài viết")
        verbose_name_plural = _("phiên bản bài viết")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["article", "version"], name="revision_unique_version"),
        ]

    def __str__(self):
        return f"{self.article_id} v{self.version}"

    @classmethod
    def of(cls, article, state: dict, *, via: str, user=None, summary: str = ""):
        """Return the (unsaved) revision of ``article`` at its current version, by ``user``
        (None: the system)."""
        person = user if user is not None and user.is_authenticated else None
        return cls(
            article=article,
            version=article.version,
            user=person,
            user_name=person_name(person),
            via=via,
            summary=str(summary)[:300],
            data=state,
        )

    def describe(self) -> str:
        """Return the summary in the interface's language ("Tiêu đề, Hội nghị")."""
        from .history import describe

        return describe(self.summary)


class TagRedirect(models.Model):
    """A former slug of a meeting, theme or outlet (renamed, or merged into another): its
    pages, feeds and API address redirect permanently to the one that holds ``target_id``."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("hội nghị")
        THEME = "theme", _("chủ đề")
        OUTLET = "outlet", _("cơ quan báo chí")

    kind = models.CharField(_("loại"), max_length=16, choices=Kind)
    old_slug = models.SlugField(_("slug cũ"), max_length=160)
    target_id = models.PositiveBigIntegerField(_("chuyển tới (id)"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("địa chỉ cũ của thẻ")
        verbose_name_plural = _("địa chỉ cũ của thẻ")
        constraints = [
            models.UniqueConstraint(fields=["kind", "old_slug"], name="tag_redirect_unique"),
        ]

    def __str__(self):
        return f"{self.kind}: {self.old_slug} → {self.target_id}"


class ArchiveMonthQuerySet(PublishedCountQuerySet):
    def in_use(self):
        """Return the months with published articles (never the row of undated ones)."""
        return super().in_use().exclude(year=0)


class ArchiveMonth(models.Model):
    """The number of published articles of one month, kept by ``articles.counts``: the
    archive's index and a year's months are read from these few hundred rows. Published
    articles without a date are counted in year 0, month 0 (never listed)."""

    year = models.PositiveSmallIntegerField(_("năm"))
    month = models.PositiveSmallIntegerField(_("tháng"))
    published_count = published_count_field()

    objects = ArchiveMonthQuerySet.as_manager()

    class Meta:
        verbose_name = _("tháng lưu trữ")
        verbose_name_plural = _("tháng lưu trữ")
        ordering = ["-year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="archive_month_unique"),
        ]

    def __str__(self):
        return f"{self.month:02d}/{self.year}: {self.published_count}"


class Figure(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="figures")
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    caption = models.TextField(_("chú thích"), blank=True)
    credit = models.CharField(_("nguồn ảnh"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ảnh")
        verbose_name_plural = _("ảnh")
        ordering = ["position", "id"]

    def __str__(self):
        return self.caption[:80] or self.credit
