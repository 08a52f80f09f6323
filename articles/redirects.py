"""Addresses that never break: where a former slug of an article, a meeting, a theme or an
outlet leads now, and the recording of a tag's new slug.

A slug in use always wins: a former slug is looked up only when nothing holds the address.
Redirect rows point to ids, never to slugs, so they never chain and never loop: a tag
renamed again keeps its older addresses, and ``services.tags_merge`` repoints the addresses
of a merged tag to the one that survives. One lookup is one query.

Readers never learn more from a former slug than from the current one: a lookup is made
within what the caller may show (``Article.objects.visible_to(user)``, the tags in use), so
the former slug of a draft, or of a tag readers may not see, is a 404 like a missing slug.
"""

from django.core.validators import slug_unicode_re
from django.db.models import Exists
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse

from .models import Article, MeetingTag, Outlet, SlugRedirect, TagRedirect, ThemeTag

MODELS = {
    TagRedirect.Kind.MEETING: MeetingTag,
    TagRedirect.Kind.THEME: ThemeTag,
    TagRedirect.Kind.OUTLET: Outlet,
}
MAX_SLUG = TagRedirect._meta.get_field("old_slug").max_length


class Moved(Exception):
    """The address asked for is a former one: answer with a permanent redirect to ``slug``."""

    def __init__(self, slug: str):
        super().__init__(slug)
        self.slug = slug

    def response(self, request) -> HttpResponsePermanentRedirect:
        return moved(request, self.slug)


def moved(request, slug: str) -> HttpResponsePermanentRedirect:
    """Return a permanent redirect to the address ``request`` resolved to with ``slug`` in
    place of its own: the same view (page, feed, API detail or action), language prefix,
    format suffix and query string (``?page=2`` stays page 2)."""
    match = request.resolver_match
    location = reverse(match.view_name, args=match.args, kwargs={**match.kwargs, "slug": slug})
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{location}?{query}" if query else location)


def plausible(slug: str) -> bool:
    """Return False for what no slug can be (too long, NUL, spaces): no query is made."""
    return 0 < len(slug) <= MAX_SLUG and slug_unicode_re.match(slug) is not None


def kind_of(model) -> str | None:
    """Return the redirect kind of a tag or outlet model (None for any other model)."""
    for kind, tag_model in MODELS.items():
        if issubclass(model, tag_model):
            return kind
    return None


# -- articles ---------------------------------------------------------------------------


def article_for_old_slug(slug: str, queryset=None) -> Article | None:
    """Return the article of ``queryset`` (all articles by default) whose former slug is
    ``slug``, or None."""
    if not plausible(slug):
        return None
    queryset = Article.objects.all() if queryset is None else queryset
    return queryset.filter(old_slugs__old_slug=slug).first()


def former_slug_holder(slug: str, exclude_pk=None) -> Article | None:
    """Return the article other than ``exclude_pk`` that ``slug`` is a former slug of, or
    None; None too when the article ``exclude_pk`` holds ``slug`` already (keeping the slug
    it has is never refused, only taking a new one). One query."""
    found = SlugRedirect.objects.filter(old_slug=slug)
    if exclude_pk is not None:
        kept = Article.objects.filter(pk=exclude_pk, slug=slug)
        found = found.filter(~Exists(kept)).exclude(article_id=exclude_pk)
    redirect = found.select_related("article").only("article__title", "article__slug").first()
    return redirect.article if redirect is not None else None


# -- meetings, themes, outlets ----------------------------------------------------------


def tag_target(kind: str, slug: str, queryset=None):
    """Return the tag of ``queryset`` (all of ``kind`` by default) that the former slug
    ``slug`` leads to, or None: when no redirect has it, when its tag is not in
    ``queryset``, and when a tag of ``kind`` holds ``slug`` now."""
    if not plausible(slug):
        return None
    model = MODELS[kind]
    queryset = model.objects.all() if queryset is None else queryset
    targets = TagRedirect.objects.filter(
        ~Exists(model.objects.filter(slug=slug)), kind=kind, old_slug=slug
    ).values("target_id")
    return queryset.filter(pk__in=targets).first()


def tag_or_moved(kind: str, slug: str, queryset):
    """Return the tag of ``queryset`` holding ``slug``; raise ``Moved`` when ``slug`` is a
    former slug of one of them, and Http404 otherwise."""
    if not plausible(slug):
        raise Http404
    tag = queryset.filter(slug=slug).first()
    if tag is not None:
        return tag
    target = tag_target(kind, slug, queryset)
    if target is None:
        raise Http404
    raise Moved(target.slug)


def record_rename(obj, old_slug: str) -> None:
    """Record that the meeting, theme or outlet ``obj`` (saved) was at ``old_slug``: that
    address redirects to it from now on; a redirect from its new slug, if any, is dropped
    (the address is held again)."""
    kind = kind_of(type(obj))
    if kind is None or not old_slug or old_slug == obj.slug:
        return
    TagRedirect.objects.filter(kind=kind, old_slug=obj.slug).delete()
    TagRedirect.objects.update_or_create(
        kind=kind, old_slug=old_slug, defaults={"target_id": obj.pk}
    )


def current_slugs(kind: str, slugs) -> list[str]:
    """Return ``slugs`` with each former slug replaced by the slug of the tag it leads to
    (two queries; slugs that lead nowhere are kept as they are)."""
    model = MODELS[kind]
    slugs = list(slugs)
    asked = [slug for slug in slugs if plausible(slug)]
    held = model.objects.filter(slug__in=asked).values("slug")
    moved_to = dict(
        TagRedirect.objects.filter(kind=kind, old_slug__in=asked)
        .exclude(old_slug__in=held)
        .values_list("old_slug", "target_id")
    )
    if not moved_to:
        return slugs
    current = dict(model.objects.filter(pk__in=moved_to.values()).values_list("pk", "slug"))
    return [current.get(moved_to.get(slug), slug) for slug in slugs]
