"""The editors' admin: articles, meetings, themes, outlets."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.functions import ExtractYear
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Article, Figure, MeetingTag, Outlet, TaggedMeeting, TaggedTheme, ThemeTag
from .search import search_articles
from .text import slugify_vi
from .vocabulary import series_choices

# Django's prepopulate script turns "Biển Đông" into "bin-djong"; this one replaces its
# URLify with the server's rule ("bien-dong"). It must load after Django's urlify.js:
# listing that first makes Django's media merge keep the order (alone, the script is
# merged in right after jQuery, and Django's URLify then overrides it).
VIETNAMESE_SLUG_JS = "articles/admin/vn_slugify.js"
VIETNAMESE_SLUG_MEDIA = ["admin/js/urlify.js", VIETNAMESE_SLUG_JS]


class FigureInline(admin.TabularInline):
    model = Figure
    extra = 0
    fields = ["position", "caption", "credit"]


class ArticleAdminForm(forms.ModelForm):
    meetings = forms.ModelMultipleChoiceField(
        queryset=MeetingTag.objects.all(),
        required=False,
        widget=FilteredSelectMultiple(_("hội nghị"), is_stacked=False),
        label=_("Hội nghị"),
    )
    themes = forms.ModelMultipleChoiceField(
        queryset=ThemeTag.objects.all(),
        required=False,
        widget=FilteredSelectMultiple(_("chủ đề"), is_stacked=False),
        label=_("Chủ đề"),
    )

    class Meta:
        model = Article
        # The admin's fieldsets choose the other fields.
        fields = ["meetings", "themes"]


class YearFilter(admin.SimpleListFilter):
    title = _("năm")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = (
            Article.objects.exclude(published_on=None)
            .annotate(y=ExtractYear("published_on"))
            .order_by()
            .values_list("y", flat=True)
            .distinct()
        )
        return [(str(y), str(y)) for y in sorted(set(years), reverse=True)]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(published_on__year=int(self.value()))
        return queryset


class MeetingSeriesFilter(admin.SimpleListFilter):
    title = _("chuỗi hội nghị")
    parameter_name = "series"

    def lookups(self, request, model_admin):
        return series_choices()

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(meetings__series=self.value()).distinct()
        return queryset


class TagFilter(admin.SimpleListFilter):
    model = None
    relation = ""

    def lookups(self, request, model_admin):
        return [(tag.slug, str(tag)) for tag in self.model.objects.order_by("name")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{f"{self.relation}__slug": self.value()}).distinct()
        return queryset


class MeetingFilter(TagFilter):
    title = _("hội nghị")
    parameter_name = "meeting"
    model = MeetingTag
    relation = "meetings"


class ThemeFilter(TagFilter):
    title = _("chủ đề")
    parameter_name = "theme"
    model = ThemeTag
    relation = "themes"


EVIDENCE_PLACES = {
    "title": _("tiêu đề"),
    "lead": _("sapo"),
    "body": _("thân bài"),
    "caption": _("chú thích ảnh"),
}


def _evidence(item: dict) -> dict:
    """Return one piece of tag evidence split around its matched words, for highlighting."""
    sentence, alias = item.get("sentence", ""), item.get("alias", "")
    at = sentence.find(alias) if alias else -1
    if at < 0:
        before, match, after = sentence, "", ""
    else:
        before, match, after = sentence[:at], alias, sentence[at + len(alias) :]
    place = EVIDENCE_PLACES.get(item.get("place", ""), item.get("place", ""))
    return {"before": before, "match": match, "after": after, "place": place}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "outlet", "published_display", "status", "meeting_list", "theme_list"]
    list_filter = ["status", "outlet", MeetingSeriesFilter, MeetingFilter, ThemeFilter, YearFilter]
    list_select_related = ["outlet"]
    search_fields = ["title"]  # Replaced by the archive's search in get_search_results.
    search_help_text = _("Tìm trong tiêu đề, sapo, nội dung; gõ không dấu cũng được.")
    date_hierarchy = "published_on"
    inlines = [FigureInline]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = [
        "tag_evidence",
        "raw_text",
        "source_file",
        "content_hash",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "status",
                    "published_on",
                    "author",
                    "outlet",
                    "source_url",
                ]
            },
        ),
        (_("Nội dung"), {"fields": ["lead", "body"]}),
        (_("Gắn thẻ"), {"fields": ["meetings", "themes", "tag_evidence"]}),
        (
            _("Nguồn nhập"),
            {
                "classes": ["collapse"],
                "fields": ["raw_text", "source_file", "content_hash", "created_at", "updated_at"],
            },
        ),
    ]
    actions = ["publish", "send_back_to_draft", "retag"]
    list_per_page = 50

    class Media:
        js = VIETNAMESE_SLUG_MEDIA

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("meetings", "themes")

    def get_search_results(self, request, queryset, search_term):
        return search_articles(queryset, search_term), False

    @admin.display(description=_("bằng chứng gắn thẻ"))
    def tag_evidence(self, obj):
        """Show, beside the tags, why the tagger proposed each: the words and their sentence."""
        if obj is None or obj.pk is None:
            return "—"
        rows = [
            (item.tag.code, item.evidence)
            for item in TaggedMeeting.objects.filter(content_object=obj).select_related("tag")
        ] + [
            (item.tag.label, item.evidence)
            for item in TaggedTheme.objects.filter(content_object=obj).select_related("tag")
        ]
        return render_to_string(
            "admin/articles/tag_evidence.html",
            {"rows": [(name, [_evidence(e) for e in ev]) for name, ev in rows]},
        )

    @admin.display(description=_("ngày đăng"), ordering="published_on")
    def published_display(self, obj):
        return obj.published_on.strftime("%d/%m/%Y") if obj.published_on else "—"

    @admin.display(description=_("hội nghị"))
    def meeting_list(self, obj):
        return ", ".join(m.code for m in obj.meetings.all())

    @admin.display(description=_("chủ đề"))
    def theme_list(self, obj):
        return ", ".join(t.name for t in obj.themes.all())

    def save_model(self, request, obj, form, change):
        if change and "status" in form.changed_data:
            old = Article.objects.get(pk=obj.pk).status
            touches = Article.Status.PUBLISHED in (old, obj.status)
            if touches and not request.user.has_perm("articles.publish_article"):
                raise PermissionDenied
        elif (
            not change
            and obj.status == Article.Status.PUBLISHED
            and not request.user.has_perm("articles.publish_article")
        ):
            raise PermissionDenied
        if change and "slug" in form.changed_data and not obj.slug:
            obj.slug = Article.unique_slug(obj.title, exclude_pk=obj.pk)
        super().save_model(request, obj, form, change)

    def _set_status(self, request, queryset, status, done_message):
        articles = list(queryset)
        # Refuse the whole selection, not the part after the first published article.
        touches_published = any(Article.Status.PUBLISHED in (status, a.status) for a in articles)
        if touches_published and not request.user.has_perm("articles.publish_article"):
            self.message_user(request, _("Bạn không có quyền đăng bài."), messages.ERROR)
            return
        changed, refused = 0, []
        for article in articles:
            try:
                services.article_set_status(article=article, status=status, user=request.user)
                changed += 1
            except PermissionDenied:
                self.message_user(request, _("Bạn không có quyền đăng bài."), messages.ERROR)
                return
            except ValidationError as exc:
                refused.append(f"“{article}”: {' '.join(exc.messages)}")
        if changed:
            self.message_user(request, done_message % {"n": changed}, messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description=_("Đăng các bài đã chọn"), permissions=["change"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, Article.Status.PUBLISHED, _("Đã đăng %(n)d bài."))

    @admin.action(description=_("Trả về bản nháp"), permissions=["change"])
    def send_back_to_draft(self, request, queryset):
        self._set_status(
            request, queryset, Article.Status.DRAFT, _("Đã chuyển %(n)d bài về bản nháp.")
        )

    @admin.action(description=_("Chạy lại bộ gắn thẻ (chỉ thêm thẻ)"), permissions=["change"])
    def retag(self, request, queryset):
        matcher = services.theme_matcher()
        added_m = added_t = 0
        for article in queryset.prefetch_related("figures"):
            m, t = services.article_retag(article=article, themes=matcher)
            added_m += m
            added_t += t
        self.message_user(
            request,
            _("Đã gắn thêm %(m)d hội nghị và %(t)d chủ đề.") % {"m": added_m, "t": added_t},
            messages.SUCCESS,
        )


class TagAdminForm(forms.ModelForm):
    """Tag slugs are made on the server, ASCII like the articles' ("Biển Đông" -> "bien-dong").

    Left empty, the slug is made from the name (taggit's model field requires one).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False

    def clean_slug(self):
        name = self.cleaned_data.get("name", "")
        slug = slugify_vi(self.cleaned_data.get("slug") or name, max_length=95)
        if not slug and name:
            raise ValidationError(_("Không tạo được slug từ tên này; hãy nhập slug."))
        return slug


class MergeTagsAdminMixin:
    """An action that merges the selected tags into one the editor picks."""

    actions = ["merge_tags"]

    # Merging deletes the other tags: only for who may delete tags.
    @admin.action(description=_("Gộp các thẻ đã chọn thành một"), permissions=["delete"])
    def merge_tags(self, request, queryset):
        tags = list(queryset)
        if len(tags) < 2:
            self.message_user(request, _("Chọn ít nhất hai thẻ để gộp."), messages.WARNING)
            return None
        if request.POST.get("target"):
            target = next((t for t in tags if str(t.pk) == request.POST["target"]), None)
            if target is None:
                self.message_user(request, _("Thẻ đích không hợp lệ."), messages.ERROR)
                return None
            moved = services.tags_merge(target=target, sources=[t for t in tags if t != target])
            self.message_user(
                request,
                _("Đã gộp %(n)d thẻ vào “%(target)s” (%(moved)d bài được chuyển).")
                % {"n": len(tags) - 1, "target": target, "moved": moved},
                messages.SUCCESS,
            )
            return None
        return render(
            request,
            "admin/articles/merge_tags.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Gộp thẻ"),
                "tags": tags,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(MeetingTag)
class MeetingTagAdmin(MergeTagsAdminMixin, admin.ModelAdmin):
    form = TagAdminForm
    list_display = ["name", "code_display", "series", "number", "year", "place", "article_count"]
    list_filter = ["series", "year"]
    search_fields = ["name", "slug", "place", "partner"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [
        "name",
        "slug",
        "series",
        "number",
        "year",
        "partner",
        "start_date",
        "end_date",
        "place",
    ]

    class Media:
        js = VIETNAMESE_SLUG_MEDIA

    @admin.display(description=_("mã"))
    def code_display(self, obj):
        return obj.code

    @admin.display(description=_("số bài đã đăng"), ordering="published_count")
    def article_count(self, obj):
        return obj.published_count


@admin.register(ThemeTag)
class ThemeTagAdmin(MergeTagsAdminMixin, admin.ModelAdmin):
    form = TagAdminForm
    list_display = ["name", "slug", "name_en", "article_count"]
    search_fields = ["name", "slug", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "name_en", "aliases"]

    class Media:
        js = VIETNAMESE_SLUG_MEDIA

    @admin.display(description=_("số bài đã đăng"), ordering="published_count")
    def article_count(self, obj):
        return obj.published_count


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "slug", "article_count"]
    search_fields = ["name", "domain"]
    fields = ["name", "domain", "slug"]

    @admin.display(description=_("số bài đã đăng"), ordering="published_count")
    def article_count(self, obj):
        return obj.published_count
