"""Writes: every change to the archive goes through one of these functions.

The admin, the management commands and (later) the API all call them, so the
rules (idempotent import, who may publish, what a merge keeps) live in one place.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from .importing import ImportFailure, ParsedArticle, decode_input, parse_article
from .importing.rules import load_rules
from .models import Article, Figure, MeetingTag, Outlet, ThemeTag
from .tagging import MeetingRef, ThemeMatcher, ThemeRef, tag_text, theme_vocabulary_from_fixtures
from .text import normalise, normalise_inline


@dataclass
class ImportResult:
    source_file: str
    action: str = ""  # "created", "unchanged", "exists", "parsed" (dry run), "failed"
    article: Article | None = None
    parsed: ParsedArticle | None = None
    meetings: list[MeetingRef] = field(default_factory=list)
    themes: list[ThemeRef] = field(default_factory=list)
    error: str = ""

    def as_dict(self) -> dict:
        """Return the result as the importer's JSON line."""
        if self.error:
            return {"source_file": self.source_file, "error": self.error}
        parsed = self.parsed
        outlet = parsed.outlet
        return {
            "source_file": self.source_file,
            "title": parsed.title,
            "lead": parsed.lead,
            "body": parsed.body,
            "author": parsed.author,
            "outlet": {"name": outlet.name, "domain": outlet.domain} if outlet else None,
            "source_url": parsed.source_url,
            "published_on": parsed.published_on.isoformat() if parsed.published_on else None,
            "meetings": [m.as_dict() for m in self.meetings],
            "themes": [t.as_dict() for t in self.themes],
            "figures": [f.as_dict() for f in parsed.figures],
        }


# -- vocabulary -------------------------------------------------------------------


def vocabulary_load() -> dict[str, int]:
    """Create the themes and outlets of the fixtures that are missing; add missing aliases.

    Never removes or renames anything an editor changed.
    """
    counts = {"themes_created": 0, "aliases_added": 0, "outlets_created": 0}
    with transaction.atomic():
        for entry in theme_vocabulary_from_fixtures():
            theme = ThemeTag.objects.filter(slug=entry["slug"]).first()
            if theme is None:
                ThemeTag.objects.create(
                    slug=entry["slug"],
                    name=entry["name"],
                    name_en=entry.get("name_en", ""),
                    aliases="\n".join(entry.get("aliases", [])),
                )
                counts["themes_created"] += 1
                continue
            have = {a.casefold() for a in theme.alias_list()}
            missing = [a for a in entry.get("aliases", []) if a.casefold() not in have]
            if missing:
                theme.aliases = "\n".join([*theme.alias_list(), *missing])
                theme.save(update_fields=["aliases"])
                counts["aliases_added"] += len(missing)
        for entry in load_rules().outlets:
            _, created = Outlet.objects.get_or_create(
                domain=entry["domain"], defaults={"name": entry["name"]}
            )
            counts["outlets_created"] += created
    return counts


def theme_matcher() -> ThemeMatcher:
    """Return a matcher over the themes as editors keep them in the database."""
    themes = [
        {"slug": t.slug, "name": t.name, "aliases": t.alias_list()} for t in ThemeTag.objects.all()
    ]
    return ThemeMatcher(themes or theme_vocabulary_from_fixtures())


def meeting_get_or_create(ref: MeetingRef) -> MeetingTag:
    meeting = MeetingTag.objects.filter(slug=ref.slug).first()
    if meeting is None:
        meeting = MeetingTag(
            slug=ref.slug,
            name=ref.name,
            series=ref.series,
            number=ref.number,
            year=ref.year,
            partner=ref.partner,
            start_date=ref.start_date,
            end_date=ref.end_date,
            place=ref.place,
        )
        meeting.save()
    return meeting


def theme_get_or_create(ref: ThemeRef) -> ThemeTag:
    theme = ThemeTag.objects.filter(slug=ref.slug).first()
    return theme or ThemeTag.objects.create(slug=ref.slug, name=ref.name)


# -- import -----------------------------------------------------------------------


def article_import(
    *,
    data: bytes,
    source_file: str,
    status: str = Article.Status.REVIEW,
    dry_run: bool = False,
    themes: ThemeMatcher | None = None,
) -> ImportResult:
    """Parse, tag and save one input file in its own transaction.

    Importing the same content again changes nothing. A file that cannot be
    imported returns a result with ``error`` set and leaves the database as it was.
    """
    result = ImportResult(source_file=source_file)
    try:
        text = decode_input(data)
        parsed = parse_article(text)
    except ImportFailure as exc:
        result.action, result.error = "failed", str(exc)
        return result
    result.parsed = parsed
    year = parsed.published_on.year if parsed.published_on else None
    result.meetings, result.themes = tag_text(
        parsed.own_text(), article_year=year, themes=themes or theme_matcher()
    )
    if dry_run:
        result.action = "parsed"
        return result

    content_hash = Article.hash_content(text)
    existing = Article.objects.filter(content_hash=content_hash).first()
    if existing is not None:
        result.action, result.article = "unchanged", existing
        return result
    if parsed.source_url:
        same_source = Article.objects.filter(source_url=parsed.source_url).first()
        if same_source is not None:
            result.action, result.article = "exists", same_source
            result.error = (
                f"another version of this article is already in the archive "
                f"(#{same_source.pk} “{same_source.title}”); not overwritten"
            )
            return result
    if status == Article.Status.PUBLISHED and parsed.published_on is None:
        result.action = "failed"
        result.error = "no publication date found; import it as draft or review and set the date"
        return result
    try:
        with transaction.atomic():
            result.article = _article_create(
                parsed, result, text, content_hash, status, source_file
            )
    except ValidationError as exc:
        result.action = "failed"
        result.error = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        return result
    result.action = "created"
    return result


def _article_create(parsed, result, text, content_hash, status, source_file) -> Article:
    outlet = None
    if parsed.outlet:
        outlet, _ = Outlet.objects.get_or_create(
            domain=parsed.outlet.domain, defaults={"name": parsed.outlet.name}
        )
    article = Article(
        title=parsed.title[:300],
        lead=parsed.lead,
        body=parsed.body,
        author=parsed.author[:160],
        outlet=outlet,
        source_url=parsed.source_url[:500],
        published_on=parsed.published_on,
        status=status,
        raw_text=text,
        source_file=Path(source_file).name[:255],
        content_hash=content_hash,
    )
    article.slug = Article.unique_slug(article.title)
    article.full_clean()
    article.save()
    Figure.objects.bulk_create(
        Figure(article=article, position=i, caption=f.caption, credit=f.credit[:200])
        for i, f in enumerate(parsed.figures)
    )
    article.meetings.set([meeting_get_or_create(ref) for ref in result.meetings])
    article.themes.set([theme_get_or_create(ref) for ref in result.themes])
    return article


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
    captions = [f.caption for f in article.figures.all()]
    text = "\n".join([article.title, article.lead, article.body, *captions])
    year = article.published_on.year if article.published_on else None
    meeting_refs, theme_refs = tag_text(text, article_year=year, themes=themes or theme_matcher())
    have_meetings = set(article.meetings.values_list("slug", flat=True))
    have_themes = set(article.themes.values_list("slug", flat=True))
    new_meetings = [meeting_get_or_create(r) for r in meeting_refs if r.slug not in have_meetings]
    new_themes = [theme_get_or_create(r) for r in theme_refs if r.slug not in have_themes]
    with transaction.atomic():
        if new_meetings:
            article.meetings.add(*new_meetings)
        if new_themes:
            article.themes.add(*new_themes)
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
