"""Writes: every change to the archive goes through one of these functions.

The admin, the management commands and (later) the API all call them, so the
rules (idempotent import, who may publish, what a merge keeps) live in one place.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from . import counts
from .importing.prepare import prepare
from .importing.report import ImportResult
from .imports import articles_import, meetings_for, themes_for
from .models import Article, Figure, Outlet, ThemeTag
from .tagging import ThemeMatcher, tag_article, theme_vocabulary_from_fixtures
from .text import normalise, normalise_inline
from .vocabulary import vocabulary

# -- vocabulary -------------------------------------------------------------------


def vocabulary_load() -> dict[str, int]:
    """Create the themes and outlets of the fixtures that are missing; add missing aliases.

    Never removes or renames anything an editor changed. Safe to run while another import
    runs it too: what the other one created first is used, not created twice.
    """
    counts = {"themes_created": 0, "aliases_added": 0, "outlets_created": 0}
    for entry in theme_vocabulary_from_fixtures():
        with transaction.atomic():
            theme = ThemeTag.objects.select_for_update().filter(slug=entry["slug"]).first()
            if theme is None:
                created = _create_once(
                    ThemeTag,
                    slug=entry["slug"],
                    name=entry["name"],
                    name_en=entry.get("name_en", ""),
                    aliases="\n".join(entry.get("aliases", [])),
                )
                counts["themes_created"] += created
                continue
            have = {a.casefold() for a in theme.alias_list()}
            missing = [a for a in entry.get("aliases", []) if a.casefold() not in have]
            if missing:
                theme.aliases = "\n".join([*theme.alias_list(), *missing])
                theme.save(update_fields=["aliases"])
                counts["aliases_added"] += len(missing)
    for entry in vocabulary().outlets.entries:
        if not Outlet.objects.filter(domain=entry["domain"]).exists():
            counts["outlets_created"] += _create_once(
                Outlet, domain=entry["domain"], name=entry["name"]
            )
    return counts


def _create_once(model, **values) -> bool:
    """Create a row unless a concurrent writer just did; return True if this call did."""
    try:
        with transaction.atomic():
            model.objects.create(**values)
        return True
    except IntegrityError:
        return False


def theme_matcher() -> ThemeMatcher:
    """Return a matcher over the themes as editors keep them in the database."""
    themes = [
        {"slug": t.slug, "name": t.name, "aliases": t.alias_list()} for t in ThemeTag.objects.all()
    ]
    return ThemeMatcher(themes or theme_vocabulary_from_fixtures())


# -- import -----------------------------------------------------------------------


def article_import(
    *,
    data: bytes,
    source_file: str,
    status: str = Article.Status.REVIEW,
    dry_run: bool = False,
    themes: ThemeMatcher | None = None,
    max_bytes: int | None = None,
) -> ImportResult:
    """Parse, tag and save one input file in its own transaction.

    Importing the same content again changes nothing. A file that cannot be imported
    returns a result with ``error`` set and leaves the database as it was. The import
    command does the same for many files at once (``articles.imports``).
    """
    prepared = prepare(data, source_file, themes=themes or theme_matcher(), max_bytes=max_bytes)
    return articles_import([prepared], status=status, dry_run=dry_run)[0]


# -- editing ----------------------------------------------------------------------


def article_set_status(*, article: Article, status: str, user=None) -> Article:
    """Move an article to ``status``. Publishing, or unpublishing, needs the publish permission."""
    touches_published = Article.Status.PUBLISHED in (status, article.status)
    if user is not None and touches_published and not user.has_perm("articles.publish_article"):
        raise PermissionDenied("Bạn không có quyền đăng bài. / You may not publish articles.")
    if article.status == status:
        return article
    article.status = status
    article.full_clean()
    article.save(update_fields=["status", "updated_at"])
    return article


def article_publish(*, article: Article, user=None) -> Article:
    return article_set_status(article=article, status=Article.Status.PUBLISHED, user=user)


def article_retag(*, article: Article, themes: ThemeMatcher | None = None) -> tuple[int, int]:
    """Add the tags the tagger finds in the article's current text.

    Tags an editor set are kept: re-tagging only adds. Return (meetings added, themes added).
    """
    parts = {
        "title": [article.title],
        "lead": [article.lead],
        "body": article.paragraphs(),
        "caption": [f.caption for f in article.figures.all() if f.caption],
    }
    year = article.published_on.year if article.published_on else None
    tags = tag_article(parts, article_year=year, themes=themes or theme_matcher())
    meetings = meetings_for([p.ref for p in tags.meetings])
    theme_tags = themes_for([p.ref for p in tags.themes])
    have_meetings = set(article.meetings.values_list("pk", flat=True))
    have_themes = set(article.themes.values_list("pk", flat=True))
    new_meetings = [
        (meetings[p.ref.identity], p)
        for p in tags.meetings
        if meetings[p.ref.identity].pk not in have_meetings
    ]
    new_themes = [
        (theme_tags[p.ref.slug], p)
        for p in tags.themes
        if theme_tags[p.ref.slug].pk not in have_themes
    ]
    with transaction.atomic():
        for meeting, proposal in new_meetings:
            article.meetings.add(meeting, through_defaults={"evidence": proposal.evidence_dicts()})
        for theme, proposal in new_themes:
            article.themes.add(theme, through_defaults={"evidence": proposal.evidence_dicts()})
    return len(new_meetings), len(new_themes)


@transaction.atomic
def tags_merge(*, target: Model, sources) -> int:
    """Merge ``sources`` tags into ``target``: their articles get ``target``, they are deleted.

    Works for MeetingTag and ThemeTag. Return the number of articles re-tagged.
    """
    model = type(target)
    through = model.tagged_items.rel.related_model
    moved = 0
    sources = list(sources)
    if any(type(source) is not model for source in sources):
        raise ValueError("cannot merge tags of different vocabularies")
    for source in sources:
        if source.pk == target.pk:
            continue
        already = set(
            through.objects.filter(tag=target).values_list("content_object_id", flat=True)
        )
        for item in through.objects.filter(tag=source):
            if item.content_object_id in already:
                item.delete()
            else:
                item.tag = target
                item.save(update_fields=["tag"])
                moved += 1
        if isinstance(target, ThemeTag):
            aliases = [*target.alias_list(), source.name, *source.alias_list()]
            seen, merged = set(), []
            for alias in aliases:
                if alias.casefold() not in seen:
                    seen.add(alias.casefold())
                    merged.append(alias)
            target.aliases = "\n".join(merged)
            target.save(update_fields=["aliases"])
        source.delete()
    # The rows moved without signals; a merge is rare, so the target is counted again.
    counts.tag_recount(target)
    return moved


ARTICLE_EDITABLE_FIELDS = (
    "slug",
    "title",
    "lead",
    "body",
    "author",
    "outlet",
    "source_url",
    "published_on",
)


@transaction.atomic
def article_save(*, article: Article | None = None, data: dict, user=None) -> Article:
    """Create an article (``article`` is None) or update it with ``data``; set its tags by
    the given lists and replace its figures when given. A status change needs the publish
    permission. Validate the whole article before anything is written."""
    article = article or Article(status=Article.Status.DRAFT)
    status = data.get("status", article.status)
    may_publish = user is None or user.has_perm("articles.publish_article")
    if status != article.status and not may_publish:
        raise PermissionDenied(_("Chỉ người có quyền đăng bài mới được đổi trạng thái bài viết."))
    article.status = status
    for name in ARTICLE_EDITABLE_FIELDS:
        if name in data:
            setattr(article, name, data[name])
    if not article.slug and article.title:
        article.slug = Article.unique_slug(article.title, exclude_pk=article.pk)
    article.full_clean()
    article.save()
    if "meetings" in data:
        article.meetings.set(list(data["meetings"]))
    if "themes" in data:
        article.themes.set(list(data["themes"]))
    if "figures" in data:
        article.figures.all().delete()
        Figure.objects.bulk_create(
            Figure(
                article=article,
                position=i,
                caption=normalise(f["caption"]),
                credit=normalise_inline(f.get("credit", "")),
            )
            for i, f in enumerate(data["figures"], start=1)
        )
    return article
