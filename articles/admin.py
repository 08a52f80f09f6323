"""The editors' admin: articles, meetings, themes, outlets."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ORDER_VAR
from django.contrib.admin.widgets import (
    AutocompleteSelectMultiple,
    RelatedFieldWidgetWrapper,
)
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Exists, IntegerField, OuterRef, Value, When
from django.db.models.functions import ExtractYear
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from audit.admin_mixin import AuditedAdminMixin

from . import (
    admin_accounts,  # noqa: F401 - the users', groups' and taggit's admins
    admin_review,
    history,
    permissions,
    presence,
    schedule,
    services,
    source_url,
)
from .models import (
    Article,
    ArticleRevision,
    Figure,
    MeetingTag,
    Outlet,
    TaggedMeeting,
    TaggedTheme,
    ThemeTag,
    person_name,
)
from .search import search_articles, search_ranked
from .search.query import query_terms
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
    # Picked by typing (the admin's autocomplete, searching the meeting's or theme's own
    # admin), with "+" to create one in a pop-up without leaving the form (__init__).
    meetings = forms.ModelMultipleChoiceField(
        queryset=MeetingTag.objects.all(), required=False, label=_("Hội nghị")
    )
    themes = forms.ModelMultipleChoiceField(
        queryset=ThemeTag.objects.all(), required=False, label=_("Chủ đề")
    )

    # Kept with the status change it comes with: to the publisher when the article goes to
    # review, to the editor when a publisher sends it back (the review queue, the form).
    review_note = forms.CharField(
        label=_("Ghi chú duyệt bài"),
        required=False,
        max_length=services.NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Khi đổi trạng thái: lời nhắn cho người duyệt (gửi duyệt) hoặc cho biên tập viên "
            "(trả lại)."
        ),
    )

    # The version the form was opened at: a save over a newer one is refused (clean()).
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # Set by ArticleAdmin.get_form: whose form this is (the permission rule needs it) and
    # the admin site (the autocomplete's and the pop-up's addresses).
    user = None
    admin_site = None

    class Meta:
        model = Article
        # The admin's fieldsets choose the other fields.
        fields = ["meetings", "themes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        if "status" in self.fields:  # the trash has its own buttons
            self.fields["status"].choices = [
                c for c in self.fields["status"].choices if c[0] != Article.Status.TRASH
            ]
        if self.instance.pk:
            self.initial["opened_version"] = self.instance.version
        if self.admin_site is not None:
            for name in ("meetings", "themes"):
                if name in self.fields:
                    self.fields[name].widget = self.tag_widget(name, self.fields[name])

    def tag_widget(self, name, form_field):
        field = Article._meta.get_field(name)
        rel = field.remote_field
        tag_admin = self.admin_site._registry.get(rel.model)
        may_add = bool(
            self.user is not None
            and tag_admin is not None
            and self.user.has_perm(f"articles.add_{rel.model._meta.model_name}")
        )
        widget = AutocompleteSelectMultiple(field, self.admin_site)
        widget.choices = form_field.choices  # renders only the chosen tags' options
        return RelatedFieldWidgetWrapper(widget, rel, self.admin_site, can_add_related=may_add)

    def clean_source_url(self):
        """Stored as a URI (what the API promises), the same rule as the API's. A value
        kept as it was stored never blocks a save of the rest."""
        value = self.cleaned_data["source_url"]
        if self.instance.pk and value == self.instance.source_url:
            return value
        try:
            return source_url.strict(value)
        except source_url.NotASourceURL:
            raise ValidationError(source_url.REFUSAL, code="invalid") from None

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if not self.instance.pk:
            if self.user is not None and status and not permissions.may_add(self.user, status):
                self.add_error("status", permissions.refusal("publish"))
            self.check_schedule(cleaned)
            return cleaned
        # Locked until the save is over: the admin's view runs in one transaction.
        current = Article.objects.select_for_update().get(pk=self.instance.pk)
        expected = cleaned.get("opened_version")
        if expected is not None and expected != current.version:
            self.conflict = services.Conflict(current, expected)
            # Saving again (after reading what changed) overwrites: the form now carries
            # the version it was compared with.
            self.data = self.data.copy()
            self.data["opened_version"] = str(current.version)
            raise ValidationError(conflict_message(self.conflict))
        if (
            self.user is not None
            and status
            and status != current.status
            and not permissions.may_set_status(self.user, current, status)
        ):
            self.add_error("status", permissions.refusal("publish"))
        self.check_schedule(cleaned, current)
        return cleaned

    def check_schedule(self, cleaned, current=None):
        """Setting or changing the publication window is a publisher's decision."""
        if self.user is None or permissions.may_schedule(self.user):
            return
        for name in history.MOMENT_FIELDS:
            if name in cleaned and cleaned[name] != getattr(current, name, None):
                self.add_error(name, permissions.refusal("schedule"))


def when(moment) -> str:
    """Return a time as editors read it: "10:42 02/12/2026" in the newsroom's zone ("" for
    none)."""
    return date_format(timezone.localtime(moment), "H:i d/m/Y") if moment else ""


def conflict_message(conflict) -> str:
    """Return the message of a refused stale save: who changed the article, when, what."""
    latest = conflict.latest
    return render_to_string(
        "admin/articles/conflict.html",
        {
            "people": ", ".join(conflict.people) or gettext("một người khác"),
            "when": when(latest.created_at) if latest else "",
            "via": latest.get_via_display() if latest else "",
            "changes": conflict.changes,
        },
    )


class ScheduleFilter(admin.SimpleListFilter):
    """Published articles by their window: scheduled, live until an expiry, expired. Each
    choice reads one of the window's partial indexes (articles.schedule)."""

    title = _("lịch đăng")
    parameter_name = "schedule"

    def lookups(self, request, model_admin):
        return [
            ("scheduled", _("Hẹn giờ đăng")),
            ("expiring", _("Đang đăng, có hạn")),
            ("expired", _("Đã hết hạn")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        published = queryset.filter(status=Article.Status.PUBLISHED)
        ahead = published.filter(next_change_at__isnull=False)  # a partial index's rows
        if self.value() == "scheduled":
            return queryset.scheduled(now)
        if self.value() == "expiring":
            return ahead.filter(expires_at__gt=now).exclude(publish_at__gt=now)
        if self.value() == "expired":
            return published.filter(expires_at__isnull=False, expires_at__lte=now)
        return queryset


class MineFilter(admin.SimpleListFilter):
    """The articles the signed-in editor has changed (any revision of theirs)."""

    title = _("người sửa")
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("1", _("Bài tôi đã sửa"))]

    def queryset(self, request, queryset):
        if self.value() != "1":
            return queryset
        mine = ArticleRevision.objects.filter(article=OuterRef("pk"), user=request.user)
        return queryset.filter(Exists(mine))


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


class BulkTagForm(forms.Form):
    """One meeting or theme, for the list's "add" and "remove" actions."""

    tag = forms.ChoiceField(label=_("Hội nghị hoặc chủ đề"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [
            ("", "---------"),
            (
                _("Hội nghị"),
                [(f"m{m.pk}", f"{m.code} — {m.name}") for m in MeetingTag.objects.all()],
            ),
            (_("Chủ đề"), [(f"t{t.pk}", t.name) for t in ThemeTag.objects.order_by("name")]),
        ]

    def clean_tag(self):
        value = self.cleaned_data["tag"]
        model = MeetingTag if value.startswith("m") else ThemeTag
        tag = model.objects.filter(pk=int(value[1:])).first()
        if tag is None:  # deleted since the page was shown
            raise ValidationError(
                self.fields["tag"].error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return tag


# A list cell shows this many tags; the others are counted ("+2"), named on hover.
LISTED_TAGS = 3


def compact_tags(names: list[str]) -> str:
    """ "AMM-54, ARF-28, EAS-16 +2", the two others in the count's tooltip."""
    shown = ", ".join(names[:LISTED_TAGS])
    rest = names[LISTED_TAGS:]
    if not rest:
        return shown
    return format_html(
        '{} <span class="more-tags" title="{}">+{}</span>', shown, ", ".join(rest), len(rest)
    )


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "title",
        "outlet",
        "published_display",
        "status_label",
        "meeting_list",
        "theme_list",
    ]
    list_filter = [
        "status",
        ScheduleFilter,
        MineFilter,
        "outlet",
        MeetingSeriesFilter,
        MeetingFilter,
        ThemeFilter,
        YearFilter,
    ]
    list_select_related = ["outlet"]
    search_fields = ["title"]  # Replaced by the archive's search in get_search_results.
    search_help_text = _(
        "Tìm trong tiêu đề, sapo, nội dung; gõ không dấu cũng được. Kết quả xếp như trang tìm "
        "kiếm; bấm tên một cột để xếp theo cột đó."
    )
    date_hierarchy = "published_on"
    inlines = [FigureInline]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = [
        "tag_evidence",
        "rejected_tags_display",
        "raw_text",
        "source_file",
        "content_hash",
        "created_at",
        "updated_at",
        "schedule_state",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "status",
                    "review_note",
                    "opened_version",
                    "published_on",
                    "author",
                    "outlet",
                    "source_url",
                ]
            },
        ),
        (
            _("Lịch đăng"),
            {
                "fields": ["schedule_state", "publish_at", "expires_at"],
                "description": _(
                    "Bài “Đã đăng” xuất hiện với bạn đọc từ giờ đăng (để trống: ngay) đến giờ "
                    "hết hạn (để trống: mãi mãi). Giờ Hà Nội."
                ),
            },
        ),
        (_("Nội dung"), {"fields": ["lead", "body"]}),
        (
            _("Gắn thẻ"),
            {"fields": ["meetings", "themes", "tag_evidence", "rejected_tags_display"]},
        ),
        (
            _("Nguồn nhập"),
            {
                "classes": ["collapse"],
                "fields": ["raw_text", "source_file", "content_hash", "created_at", "updated_at"],
            },
        ),
    ]
    actions = [
        "publish",
        "send_to_review",
        "send_back_to_draft",
        "add_tag",
        "remove_tag",
        "retag",
        "trash",
        "restore",
        "purge",
    ]
    list_per_page = 50
    change_form_template = "admin/articles/article/change_form.html"
    object_history_template = "admin/articles/article/history.html"

    class Media:
        js = VIETNAMESE_SLUG_MEDIA
        css = {"all": ["articles/admin/changelist.css"]}

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("meetings", "themes")
        # The list shows the trash only when asked for ("trạng thái: Thùng rác").
        match = request.resolver_match
        listing = match is not None and match.url_name == "articles_article_changelist"
        if listing and request.GET.get("status__exact") != Article.Status.TRASH:
            queryset = queryset.exclude(status=Article.Status.TRASH)
        return queryset

    # -- the permission rule (articles.permissions) ---------------------------------

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or permissions.may_change(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        """Deleting is purging the trash; anything else goes to the trash first."""
        if obj is None:
            return permissions.may_purge(request.user)
        return permissions.may_purge(request.user, obj)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)  # "purge" replaces it
        return actions

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        form.admin_site = self.admin_site
        return form

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not permissions.may_schedule(request.user):
            fields += list(history.MOMENT_FIELDS)
        return fields

    # -- saving through the services --------------------------------------------------

    def save_model(self, request, obj, form, change):
        """Nothing here: save_related saves the article, its tags and figures in one
        service call (services.article_save), after the inlines are validated."""

    def save_related(self, request, form, formsets, change):
        data = {
            name: form.cleaned_data[name]
            for name in (*services.ARTICLE_EDITABLE_FIELDS, "status", "meetings", "themes")
            if name in form.cleaned_data
        }
        figures = self.figures_data(formsets)
        if figures is not None:
            data["figures"] = figures
        saved = services.article_save(
            article=form.instance if change else None,
            data=data,
            user=request.user,
            via=services.Via.ADMIN,
            expected_version=form.cleaned_data.get("opened_version") if change else None,
            note=form.cleaned_data.get("review_note", ""),
        )
        form.instance.pk, form.instance.slug = saved.pk, saved.slug
        form.instance.version = saved.version
        presence.closed(saved.pk, request.user)

    @staticmethod
    def figures_data(formsets, article=None):
        """Return the figures after the inline's changes, in their order, or None when the
        inline changed nothing. Figures the inline did not post are kept as they are."""
        for formset in formsets:
            if formset.model is not Figure or not formset.has_changed():
                continue
            figures = {
                f.pk: (f.position, f.pk, {"caption": f.caption, "credit": f.credit})
                for f in (formset.instance.figures.all() if formset.instance.pk else [])
            }
            new = 0
            for figure_form in formset.forms:
                values = getattr(figure_form, "cleaned_data", None) or {}
                existing = figure_form.instance.pk
                if values.get("DELETE") or (not values and existing is None):
                    figures.pop(existing, None)
                    continue
                if not values:
                    continue
                row = {"caption": values.get("caption", ""), "credit": values.get("credit", "")}
                if not (row["caption"] or row["credit"]):
                    figures.pop(existing, None)
                    continue
                key = existing if existing is not None else f"new{new}"
                new += existing is None
                figures[key] = (values.get("position") or 0, existing or 10**12 + new, row)
            return [row for _p, _k, row in sorted(figures.values(), key=lambda f: f[:2])]
        return None

    def construct_change_message(self, request, form, formsets, add=False):
        # The inlines were not saved by their formsets (the service saved the figures).
        if add:
            return [{"added": {}}]
        return [{"changed": {"fields": form.changed_data}}] if form.changed_data else []

    def log_change(self, request, obj, message):
        # A save that changed nothing is not a change (the service recorded nothing either).
        if message:
            return super().log_change(request, obj, message)
        return None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.Conflict:
            # Only when another save slipped in after the form's own check (SQLite).
            self.message_user(
                request,
                _("Bài vừa được người khác lưu; hãy mở lại và sửa lại. / Saved by someone else."),
                messages.ERROR,
            )
            return HttpResponseRedirect(request.path)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            extra_context.update(self.article_tools(request, obj))
        editing = request.method == "GET" and obj is not None
        if editing and permissions.may_change(request.user, obj):
            self.tell_who_else_edits(request, obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def tell_who_else_edits(self, request, obj):
        """Record that this editor opened the form; say who else has it open."""
        for other in presence.opened(obj.pk, request.user, person_name(request.user)):
            since = timezone.datetime.fromtimestamp(other["since"], tz=timezone.UTC)
            self.message_user(
                request,
                _("Đang được %(name)s sửa từ %(time)s. / Being edited by %(name)s.")
                % {"name": other["name"], "time": date_format(timezone.localtime(since), "H:i")},
                messages.WARNING,
            )

    def article_tools(self, request, obj) -> dict:
        user = request.user
        return {
            "may_trash": permissions.may_trash(user, obj),
            "may_restore": permissions.may_restore(user, obj),
            "is_trashed": obj.status == Article.Status.TRASH,
            "returned_note": admin_review.returned_note(obj),
            "in_review": obj.status == Article.Status.REVIEW,
            "may_review": permissions.may_review(user, obj),
        }

    # -- history, compare, revert, trash ----------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("review/", wrap(self.review_queue_view), name="articles_article_review_queue"),
            path(
                "review/<int:object_id>/",
                wrap(self.review_view),
                name="articles_article_review",
            ),
            path(
                "<path:object_id>/history/compare/",
                wrap(self.compare_view),
                name="articles_article_compare",
            ),
            path(
                "<path:object_id>/history/<int:version>/revert/",
                wrap(self.revert_view),
                name="articles_article_revert",
            ),
            path(
                "<path:object_id>/trash/",
                wrap(require_POST(self.trash_view)),
                name="articles_article_trash",
            ),
            path(
                "<path:object_id>/restore/",
                wrap(require_POST(self.restore_view)),
                name="articles_article_restore",
            ),
            *super().get_urls(),
        ]

    def review_queue_view(self, request):
        return admin_review.queue_view(self, request)

    def review_view(self, request, object_id):
        return admin_review.decide_view(self, request, object_id)

    def changelist_view(self, request, extra_context=None):
        extra_context = {"review_waiting": admin_review.queue_size(), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def get_object(self, request, object_id, from_field=None):
        """Read the article once per request: change_view's tools and Django's form view
        both ask for it."""
        key = (object_id, from_field)
        cached = getattr(request, "_article_object", None)
        if cached is None or cached[0] != key:
            cached = (key, super().get_object(request, object_id, from_field))
            request._article_object = cached
        return cached[1]

    def article_or_404(self, request, object_id) -> Article:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not permissions.may_see_history(request.user):
            raise PermissionDenied
        return obj

    def history_view(self, request, object_id, extra_context=None):
        obj = self.article_or_404(request, object_id)
        revisions = list(obj.revisions.order_by("-version"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Lịch sử: %s") % obj,
            "subtitle": None,
            "opts": self.opts,
            "object": obj,
            "revisions": [
                {
                    "revision": r,
                    "when": when(r.created_at),
                    "current": r.version == obj.version,
                }
                for r in revisions
            ],
            "may_revert": permissions.may_revert(request.user, obj),
            **(extra_context or {}),
        }
        return render(request, self.object_history_template, context)

    def compare_view(self, request, object_id):
        obj = self.article_or_404(request, object_id)
        revisions = obj.revisions.all()

        def version(name, default):
            value = request.GET.get(name, "")
            return int(value) if value.isdigit() else default

        newer = version("b", obj.version)
        older = version("a", newer - 1)
        if older > newer:
            older, newer = newer, older
        b = get_object_or_404(revisions, version=newer)
        a = revisions.filter(version=older).first()
        context = {
            **self.admin_site.each_context(request),
            "title": _("So sánh phiên bản %(a)s và %(b)s") % {"a": older, "b": newer},
            "opts": self.opts,
            "object": obj,
            "a": a,
            "b": b,
            "a_when": when(a.created_at) if a else "",
            "b_when": when(b.created_at),
            "changes": history.diff(a.data if a else None, b.data),
        }
        return render(request, "admin/articles/article/compare.html", context)

    def revert_view(self, request, object_id, version):
        obj = self.article_or_404(request, object_id)
        revision = get_object_or_404(obj.revisions, version=version)
        change_url = reverse("admin:articles_article_change", args=[obj.pk])
        if request.method == "POST":
            expected = request.POST.get("version", "")
            try:
                services.article_revert(
                    article=obj,
                    revision=revision,
                    user=request.user,
                    expected_version=int(expected) if expected.isdigit() else None,
                )
            except PermissionDenied as exc:
                self.message_user(request, str(exc), messages.ERROR)
            except services.Conflict as conflict:
                self.message_user(request, conflict_message(conflict), messages.ERROR)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("Đã khôi phục phiên bản %(n)d (thành phiên bản mới).")
                    % {"n": revision.version},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(change_url)
        current = history.state_of(obj)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Khôi phục phiên bản %(n)d?") % {"n": revision.version},
            "opts": self.opts,
            "object": obj,
            "revision": revision,
            "when": when(revision.created_at),
            "changes": history.diff(current, {**revision.data, "status": obj.status}),
            "may_revert": permissions.may_revert(request.user, obj),
        }
        return render(request, "admin/articles/article/revert_confirm.html", context)

    def trash_view(self, request, object_id):
        obj = self.article_or_404(request, object_id)
        if obj.status == Article.Status.TRASH:
            self.message_user(request, _("Bài đã ở thùng rác."), messages.INFO)
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))
        try:
            services.article_trash(article=obj, user=request.user, via=services.Via.TRASH)
        except PermissionDenied as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))
        self.message_user(
            request,
            _("Đã chuyển “%(title)s” vào thùng rác.") % {"title": obj.title},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:articles_article_changelist"))

    def restore_view(self, request, object_id):
        obj = self.article_or_404(request, object_id)
        if obj.status != Article.Status.TRASH:
            self.message_user(request, _("Bài không ở thùng rác."), messages.INFO)
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))
        try:
            services.article_restore(article=obj, user=request.user)
        except PermissionDenied as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(
                request, _("Đã khôi phục “%(title)s”.") % {"title": obj.title}, messages.SUCCESS
            )
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))

    def delete_model(self, request, obj):
        services.article_purge(article=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            services.article_purge(article=article, user=request.user)

    @admin.display(description=_("thẻ đã gỡ (bộ gắn thẻ không thêm lại)"))
    def rejected_tags_display(self, obj):
        rejected = (obj.rejected_tags or {}) if obj is not None else {}
        names = [m.code for m in MeetingTag.objects.filter(pk__in=rejected.get("meetings", []))]
        names += [t.name for t in ThemeTag.objects.filter(pk__in=rejected.get("themes", []))]
        return ", ".join(names) or "—"

    def get_search_results(self, request, queryset, search_term):
        """The site's search: without a column chosen to sort by, its ranking (the whole
        query as a phrase, then every word in the title, then the newest) over the newest
        matches the site ranks too (SearchResults.window); sorted by a column, every match."""
        if ORDER_VAR in request.GET or not query_terms(search_term):
            return search_articles(queryset, search_term), False
        ids = search_ranked(queryset, search_term).ranked_ids
        rank = Case(
            *(When(pk=pk, then=Value(position)) for position, pk in enumerate(ids)),
            default=Value(len(ids)),
            output_field=IntegerField(),
        )
        # The changelist sorts before it searches: the ranking replaces its default order.
        ranked = queryset.filter(pk__in=ids).annotate(search_rank=rank)
        return ranked.order_by("search_rank", "-pk"), False

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

    @admin.display(description=_("trạng thái"), ordering="status")
    def status_label(self, obj):
        kind, label = obj.status, obj.get_status_display()
        if obj.status == Article.Status.PUBLISHED and not obj.is_public():
            scheduled = obj.publish_at and obj.publish_at > timezone.now()
            kind = "scheduled" if scheduled else "expired"
            label = gettext("Hẹn giờ") if scheduled else gettext("Hết hạn")
        return format_html(
            '<span class="status-label status-{}" title="{}">{}</span>',
            kind,
            schedule.state(obj),
            label,
        )

    @admin.display(description=_("tình trạng"))
    def schedule_state(self, obj):
        if obj is None or not obj.pk:
            return "—"
        return schedule.state(obj)

    @admin.display(description=_("hội nghị"))
    def meeting_list(self, obj):
        return compact_tags([m.code for m in obj.meetings.all()])

    @admin.display(description=_("chủ đề"))
    def theme_list(self, obj):
        return compact_tags([t.name for t in obj.themes.all()])

    def _each(self, request, queryset, allowed, write, done_message):
        """Apply ``write`` to every selected article, or to none: the whole selection is
        refused when the rule refuses one of them."""
        articles = list(queryset)
        refused = [a for a in articles if not allowed(request.user, a)]
        if refused:
            self.message_user(
                request,
                _("Không thực hiện: bạn không có quyền với %(n)d bài đã chọn (ví dụ “%(title)s”).")
                % {"n": len(refused), "title": refused[0].title},
                messages.ERROR,
            )
            return
        changed, failed = 0, []
        for article in articles:
            try:
                write(article)
                changed += 1
            except ValidationError as exc:
                failed.append(f"“{article}”: {' '.join(exc.messages)}")
            except PermissionDenied as exc:
                failed.append(f"“{article}”: {exc}")
        if changed:
            self.message_user(request, done_message % {"n": changed}, messages.SUCCESS)
        for line in failed:
            self.message_user(request, line, messages.ERROR)

    def _set_status(self, request, queryset, status, done_message):
        self._each(
            request,
            queryset,
            lambda user, a: (
                a.status != Article.Status.TRASH and permissions.may_set_status(user, a, status)
            ),
            lambda a: services.article_set_status(
                article=a, status=status, user=request.user, via=services.Via.ACTION
            ),
            done_message,
        )

    @admin.action(description=_("Đăng các bài đã chọn"), permissions=["change"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, Article.Status.PUBLISHED, _("Đã đăng %(n)d bài."))

    @admin.action(description=_("Gửi duyệt"), permissions=["change"])
    def send_to_review(self, request, queryset):
        """Into the review queue (a note for each: services.review_send)."""
        self._each(
            request,
            queryset,
            permissions.may_send_for_review,
            lambda a: services.review_send(article=a, user=request.user, via=services.Via.ACTION),
            _("Đã gửi duyệt %(n)d bài."),
        )

    @admin.action(description=_("Trả về bản nháp"), permissions=["change"])
    def send_back_to_draft(self, request, queryset):
        self._set_status(
            request, queryset, Article.Status.DRAFT, _("Đã chuyển %(n)d bài về bản nháp.")
        )

    @admin.action(description=_("Thêm một hội nghị hoặc chủ đề"), permissions=["change"])
    def add_tag(self, request, queryset):
        return self._bulk_tag(request, queryset, add=True)

    @admin.action(description=_("Bỏ một hội nghị hoặc chủ đề"), permissions=["change"])
    def remove_tag(self, request, queryset):
        return self._bulk_tag(request, queryset, add=False)

    def _bulk_tag(self, request, queryset, *, add):
        """Ask which meeting or theme, then add it to (or remove it from) every selected
        article through the service: a revision and an audit entry for each one changed,
        none for one that already had (or lacked) it; a removal is remembered so the
        tagger never puts the tag back."""
        form = BulkTagForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            tag = form.cleaned_data["tag"]
            field = "meetings" if isinstance(tag, MeetingTag) else "themes"

            def write(article):
                tags = list(getattr(article, field).all())
                others = [t for t in tags if t.pk != tag.pk]
                if not add:
                    tags = others
                elif len(others) == len(tags):  # not there yet (else unchanged: no save)
                    tags = [*tags, tag]
                services.article_save(
                    article=article, data={field: tags}, user=request.user, via=services.Via.ACTION
                )

            done = (
                gettext("Đã thêm “%(tag)s” vào %(n)s bài.")
                if add
                else gettext("Đã bỏ “%(tag)s” khỏi %(n)s bài.")
            )
            done = done % {"tag": str(tag).replace("%", "%%"), "n": "%(n)d"}
            self._each(request, queryset, permissions.may_retag, write, done)
            return None
        return render(
            request,
            "admin/articles/article/bulk_tag.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Thêm một hội nghị hoặc chủ đề")
                if add
                else _("Bỏ một hội nghị hoặc chủ đề"),
                "submit": _("Thêm vào các bài đã chọn") if add else _("Bỏ khỏi các bài đã chọn"),
                "form": form,
                "articles": list(queryset),
                "action": "add_tag" if add else "remove_tag",
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Chạy lại bộ gắn thẻ (chỉ thêm thẻ)"), permissions=["change"])
    def retag(self, request, queryset):
        matcher = services.theme_matcher()
        added = {"m": 0, "t": 0}

        def retag_one(article):
            m, t = services.article_retag(article=article, themes=matcher, user=request.user)
            added["m"] += m
            added["t"] += t

        self._each(request, queryset, permissions.may_retag, retag_one, "")
        if not any(m.level == messages.ERROR for m in messages.get_messages(request)):
            self.message_user(
                request,
                _("Đã gắn thêm %(m)d hội nghị và %(t)d chủ đề.") % added,
                messages.SUCCESS,
            )

    @admin.action(description=_("Chuyển vào thùng rác"), permissions=["change"])
    def trash(self, request, queryset):
        self._each(
            request,
            queryset,
            permissions.may_trash,
            lambda a: services.article_trash(article=a, user=request.user),
            _("Đã chuyển %(n)d bài vào thùng rác."),
        )

    @admin.action(description=_("Khôi phục từ thùng rác"), permissions=["change"])
    def restore(self, request, queryset):
        self._each(
            request,
            queryset,
            permissions.may_restore,
            lambda a: services.article_restore(article=a, user=request.user),
            _("Đã khôi phục %(n)d bài."),
        )

    @admin.action(description=_("Xoá vĩnh viễn (chỉ bài trong thùng rác)"), permissions=["delete"])
    def purge(self, request, queryset):
        articles = list(queryset)
        if not all(permissions.may_purge(request.user, a) for a in articles):
            self.message_user(
                request,
                _("Chỉ xoá vĩnh viễn được bài trong thùng rác, với quyền đăng bài."),
                messages.ERROR,
            )
            return None
        if request.POST.get("confirmed") == "yes":
            for article in articles:
                services.article_purge(article=article, user=request.user)
            self.message_user(
                request, _("Đã xoá vĩnh viễn %(n)d bài.") % {"n": len(articles)}, messages.SUCCESS
            )
            return None
        return render(
            request,
            "admin/articles/article/purge_confirm.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Xoá vĩnh viễn?"),
                "articles": articles,
                "opts": self.opts,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
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


class VocabularyDeleteMixin:
    """Deleting a meeting, theme or outlet asks first and says how many articles carry it,
    counted on the index, never by listing every tagged row (a theme may have 500,000)."""

    def articles_of(self, obj) -> tuple[int, int]:
        """Return (articles, published articles) of ``obj``."""
        return obj.tagged_items.count(), obj.published_count

    def get_deleted_objects(self, objs, request):
        objs = list(objs)
        total = published = 0
        for obj in objs:
            n, p = self.articles_of(obj)
            total, published = total + n, published + p
        summary = {
            str(self.opts.verbose_name_plural): len(objs),
            str(_("bài viết mang thẻ (chỉ gỡ thẻ, bài vẫn còn)")): total,
        }
        deleted = [str(obj) for obj in objs]
        if total:
            self.message_user(
                request,
                _(
                    "%(n)d bài viết đang mang thẻ này (%(p)d bài đã đăng). Xoá thẻ sẽ gỡ nó khỏi "
                    "các bài đó; nếu thẻ trùng với thẻ khác, hãy gộp thay vì xoá."
                )
                % {"n": total, "p": published},
                messages.WARNING,
            )
        return deleted, summary, set(), []


class MergeTagsAdminMixin:
    """An action that merges the selected tags into one the editor picks."""

    actions = ["merge_tags"]

    # Merging deletes the other tags: only for who may delete tags.
    @admin.action(description=_("Gộp các thẻ đã chọn thành một"), permissions=["delete"])
    def merge_tags(self, request, queryset):
        if not permissions.may_merge_tags(request.user, self.model):
            self.message_user(request, permissions.refusal("merge"), messages.ERROR)
            return None
        tags = list(queryset)
        if len(tags) < 2:
            self.message_user(request, _("Chọn ít nhất hai thẻ để gộp."), messages.WARNING)
            return None
        if request.POST.get("target"):
            target = next((t for t in tags if str(t.pk) == request.POST["target"]), None)
            if target is None:
                self.message_user(request, _("Thẻ đích không hợp lệ."), messages.ERROR)
                return None
            moved = services.tags_merge(
                target=target, sources=[t for t in tags if t != target], user=request.user
            )
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
class MeetingTagAdmin(
    AuditedAdminMixin, VocabularyDeleteMixin, MergeTagsAdminMixin, admin.ModelAdmin
):
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
class ThemeTagAdmin(
    AuditedAdminMixin, VocabularyDeleteMixin, MergeTagsAdminMixin, admin.ModelAdmin
):
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
class OutletAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "domain", "slug", "article_count"]
    search_fields = ["name", "domain"]
    fields = ["name", "domain", "slug"]

    @admin.display(description=_("số bài đã đăng"), ordering="published_count")
    def article_count(self, obj):
        return obj.published_count

    def get_deleted_objects(self, objs, request):
        """An outlet with articles cannot be deleted (they keep it): say how many, without
        listing them all."""
        objs = list(objs)
        held = [(o, o.articles.count()) for o in objs]
        protected = [_("%(outlet)s: %(n)d bài viết") % {"outlet": o, "n": n} for o, n in held if n]
        return (
            [str(o) for o in objs],
            {str(self.opts.verbose_name_plural): len(objs)},
            set(),
            protected,
        )
