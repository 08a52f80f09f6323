"""Writes of the importer: prepared files into the archive, a batch at a time.

A batch costs a fixed number of queries whatever its size: existing content hashes and
source URLs, outlets, meetings, themes and free slugs are each looked up once, and the
articles, figures and tags are inserted with ``bulk_create``. Importing the same content
again changes nothing. When a concurrent import takes a content hash, a source URL or a
slug first, the batch is rolled back and redone file by file, each file in its own
savepoint, so two imports of the same files give one article each and no false failure.
"""

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q

from . import auditing, caching, counts, history
from .importing.prepare import Prepared
from .importing.report import ImportResult
from .models import (
    Article,
    ArticleRevision,
    Figure,
    MeetingTag,
    Outlet,
    SlugRedirect,
    TaggedMeeting,
    TaggedTheme,
    ThemeTag,
)
from .tagging import MeetingRef, ThemeRef

MAX_SLUG_TRIES = 8
MAX_FILE_RETRIES = 3


def articles_import(
    prepared: list[Prepared], *, status: str = Article.Status.REVIEW, dry_run: bool = False
) -> list[ImportResult]:
    """Save a batch of prepared files; return one result per file, in order."""
    results = [ImportResult(p) for p in prepared]
    todo = []
    for result in results:
        parsed = result.prepared.parsed
        if result.prepared.error or parsed is None:
            result.action, result.error = "failed", result.prepared.error
        elif dry_run:
            result.action = "parsed"
        elif status == Article.Status.PUBLISHED and parsed.published_on is None:
            result.action = "failed"
            result.error = (
                "no publication date found; import it as draft or review and set the date"
            )
        else:
            todo.append(result)
    if not todo:
        return results
    try:
        with transaction.atomic():
            _write(todo, status)
    except Exception:
        # Another import wrote one of these first, or one file cannot be written: redo
        # them one at a time, so every other file still goes in.
        for result in todo:
            result.action, result.article_id, result.error = "", None, ""
            _write_alone(result, status)
    return results


def _write_alone(result: ImportResult, status: str):
    for attempt in range(MAX_FILE_RETRIES):
        try:
            with transaction.atomic():
                _write([result], status)
            return
        except (IntegrityError, OperationalError) as exc:
            # A concurrent import took the slug, hash or URL: look again and retry.
            if attempt == MAX_FILE_RETRIES - 1:
                result.action, result.error = "failed", f"could not be saved: {exc}"
        except Exception as exc:
            result.action, result.article_id = "failed", None
            result.error = f"unexpected error: {exc.__class__.__name__}: {exc}"
            return


def _write(results: list[ImportResult], status: str):
    """Create the batch's new articles; mark the others unchanged or existing."""
    by_hash = dict(
        Article.objects.filter(content_hash__in={r.prepared.content_hash for r in results})
        # Spelled out so PostgreSQL uses the constraint's partial index for lists longer than
        # it proves the index condition for itself (100 values); and no sort.
        .exclude(content_hash="")
        .order_by()
        .values_list("content_hash", "pk")
    )
    urls = {r.parsed.source_url for r in results if r.parsed.source_url}
    by_url = {
        url: (pk, title)
        for url, pk, title in Article.objects.filter(source_url__in=urls)
        .exclude(source_url="")  # the partial unique index's condition, as above
        .order_by()
        .values_list("source_url", "pk", "title")
    }
    new: list[ImportResult] = []
    twins: list[tuple[ImportResult, ImportResult]] = []  # a copy later in the batch, its first
    first_by_hash: dict[str, ImportResult] = {}
    first_by_url: dict[str, ImportResult] = {}
    for result in results:
        parsed, content = result.parsed, result.prepared.content_hash
        url = parsed.source_url
        if content in by_hash:
            result.action, result.article_id = "unchanged", by_hash[content]
        elif content in first_by_hash:
            result.action = "unchanged"
            twins.append((result, first_by_hash[content]))
        elif url and url in by_url:
            pk, title = by_url[url]
            result.action, result.article_id = "exists", pk
            result.error = _exists_message(pk, title)
        elif url and url in first_by_url:
            result.action = "exists"
            twins.append((result, first_by_url[url]))
        else:
            new.append(result)
            first_by_hash[content] = result
            if url:
                first_by_url[url] = result
    if new:
        _create(new, status)
    for result, first in twins:
        result.article_id = first.article_id
        if result.action == "exists":
            result.error = _exists_message(first.article_id, first.parsed.title)


def _exists_message(pk, title) -> str:
    return (
        f"another version of this article is already in the archive (#{pk} “{title}”); "
        "not overwritten"
    )


def _create(results: list[ImportResult], status: str):
    outlets = outlets_for({r.parsed.outlet for r in results if r.parsed.outlet})
    meetings = meetings_for([p.ref for r in results for p in r.prepared.meetings])
    themes = themes_for([p.ref for r in results for p in r.prepared.themes])
    slugs = free_slugs([r.parsed.title for r in results])
    articles = []
    for result, slug in zip(results, slugs, strict=True):
        parsed = result.parsed
        article = Article(
            title=parsed.title[:300],
            slug=slug,
            lead=parsed.lead,
            body=parsed.body,
            author=parsed.author[:160],
            outlet=outlets.get(parsed.outlet.domain) if parsed.outlet else None,
            source_url=parsed.source_url if len(parsed.source_url) <= 500 else "",
            published_on=parsed.published_on,
            status=status,
            raw_text=result.prepared.text,
            source_file=_file_name(result.source_file),
            content_hash=result.prepared.content_hash,
        )
        article.clean_text()
        if article.title == parsed.title and all(result.prepared.search_columns):
            (
                article.search_text,
                article.search_folded,
                article.search_words,
                article.search_pairs,
            ) = result.prepared.search_columns
        else:
            article.fill_search_columns()
        article.fill_window_columns()  # what save() does; bulk_create does not
        articles.append(article)
    Article.objects.bulk_create(articles)
    figures, tagged_meetings, tagged_themes = [], [], []
    for result, article in zip(results, articles, strict=True):
        result.action, result.article_id = "created", article.pk
        figures.extend(
            Figure(article=article, position=i, caption=f.caption, credit=f.credit[:200])
            for i, f in enumerate(result.parsed.figures)
        )
        meeting_evidence = {
            meetings[p.ref.identity].pk: p.evidence_dicts() for p in result.prepared.meetings
        }
        theme_evidence = {themes[p.ref.slug].pk: p.evidence_dicts() for p in result.prepared.themes}
        tagged_meetings.extend(
            TaggedMeeting(content_object=article, tag_id=i, evidence=e)
            for i, e in meeting_evidence.items()
        )
        tagged_themes.extend(
            TaggedTheme(content_object=article, tag_id=i, evidence=e)
            for i, e in theme_evidence.items()
        )
    Figure.objects.bulk_create(figures)
    TaggedMeeting.objects.bulk_create(tagged_meetings)
    TaggedTheme.objects.bulk_create(tagged_themes)
    # bulk_create sends no signals: one delta for the whole batch.
    counts.articles_imported(articles, tagged_meetings, tagged_themes)
    _record_history(articles, results, meetings, themes, figures)
    caching.content_changed()


def _record_history(articles, results, meetings, themes, figures):
    """Record each new article's first revision and its audit entry, from what the batch
    holds in memory: two inserts for the whole batch."""
    by_article = {}
    for figure in figures:
        by_article.setdefault(figure.article_id, []).append(figure)
    revisions, entries = [], []
    for article, result in zip(articles, results, strict=True):
        state = history.state_of(
            article,
            meetings=[meetings[p.ref.identity] for p in result.prepared.meetings],
            themes=[themes[p.ref.slug] for p in result.prepared.themes],
            figures=by_article.get(article.pk, []),
        )
        summary = f"import:{article.source_file}"
        revisions.append(
            ArticleRevision.of(article, state, via=ArticleRevision.Via.IMPORT, summary=summary)
        )
        entries.append(
            {
                "action": "import_article",
                "target": article,
                "via": "import",
                "detail": {"file": article.source_file, "status": article.status},
            }
        )
    ArticleRevision.objects.bulk_create(revisions)
    auditing.record_many(entries)


def _file_name(source_file: str) -> str:
    return source_file.replace("\\", "/").rsplit("/", 1)[-1][:255]


# -- vocabularies, looked up once per batch -------------------------------------------


def outlets_for(infos) -> dict[str, Outlet]:
    """Return the outlets by domain, creating those the archive does not have yet."""
    domains = {info.domain for info in infos}
    found = {o.domain: o for o in Outlet.objects.filter(domain__in=domains)}
    for info in infos:
        if info.domain not in found:
            found[info.domain] = _get_or_create(
                Outlet, {"domain": info.domain}, {"name": info.name[:120]}
            )
    return found


def meeting_identity(meeting: MeetingTag) -> tuple:
    if meeting.number is None:
        return (meeting.series, None, meeting.partner, meeting.year)
    return (meeting.series, meeting.number, meeting.partner, None)


def meetings_for(refs: list[MeetingRef]) -> dict[tuple, MeetingTag]:
    """Return the meetings by identity (series, number, partner, year for unnumbered ones).

    A meeting is found by what it is, never by slug or name, so one an editor created or
    renamed in the admin is used, not duplicated.
    """
    wanted = {ref.identity: ref for ref in refs}
    if not wanted:
        return {}
    query = Q()
    for series, number, partner, year in wanted:
        if number is None:
            query |= Q(series=series, number__isnull=True, partner=partner, year=year)
        else:
            query |= Q(series=series, number=number, partner=partner)
    found = {}
    for meeting in MeetingTag.objects.filter(query).order_by("pk"):
        found.setdefault(meeting_identity(meeting), meeting)
    for identity, ref in wanted.items():
        if identity not in found:
            found[identity] = meeting_create(ref)
    return found


def meeting_create(ref: MeetingRef) -> MeetingTag:
    """Create the meeting ``ref`` names, with a free slug and name; or return the one a
    concurrent import just created."""
    for n in range(1, MAX_SLUG_TRIES + 1):
        suffix = "" if n == 1 else f"-{n}"
        meeting = MeetingTag(
            slug=f"{ref.slug}{suffix}",
            name=ref.name if n == 1 else f"{ref.name} ({n})",
            series=ref.series,
            number=ref.number,
            year=ref.year,
            partner=ref.partner,
            start_date=ref.start_date,
            end_date=ref.end_date,
            place=ref.place,
        )
        try:
            with transaction.atomic():
                meeting.save()
            return meeting
        except IntegrityError:
            existing = meetings_existing(ref)
            if existing is not None:
                return existing
    raise IntegrityError(f"no free slug for the meeting {ref.slug}")


def meetings_existing(ref: MeetingRef) -> MeetingTag | None:
    query = MeetingTag.objects.filter(series=ref.series, partner=ref.partner)
    if ref.number is None:
        query = query.filter(number__isnull=True, year=ref.year)
    else:
        query = query.filter(number=ref.number)
    return query.order_by("pk").first()


def themes_for(refs: list[ThemeRef]) -> dict[str, ThemeTag]:
    """Return the themes by slug, creating any the archive lacks."""
    wanted = {ref.slug: ref for ref in refs}
    found = {t.slug: t for t in ThemeTag.objects.filter(slug__in=wanted)}
    for slug, ref in wanted.items():
        if slug not in found:
            found[slug] = _get_or_create(ThemeTag, {"slug": slug}, {"name": ref.name})
    return found


def _get_or_create(model, lookup: dict, defaults: dict):
    try:
        with transaction.atomic():
            return model.objects.get_or_create(**lookup, defaults=defaults)[0]
    except IntegrityError:  # created meanwhile by a concurrent import
        found = model.objects.filter(**lookup).first()
        if found is None:
            raise
        return found


def free_slugs(titles: list[str]) -> list[str]:
    """Return a free article slug for each title, in two queries for the whole batch.

    A slug is free when no article has it and no former slug redirects from it, so a new
    article never takes over another's old address.
    """
    bases = [Article.slug_base(title) for title in titles]
    limit = Article._meta.get_field("slug").max_length
    candidates = {
        base: [
            base,
            *(Article.slug_with_suffix(base, n, limit) for n in range(2, 2 + MAX_SLUG_TRIES)),
        ]
        for base in bases
    }
    every = {slug for slugs in candidates.values() for slug in slugs}
    taken = set(Article.objects.filter(slug__in=every).order_by().values_list("slug", flat=True))
    taken |= set(SlugRedirect.objects.filter(old_slug__in=every).values_list("old_slug", flat=True))
    chosen = []
    next_suffix: dict[str, int] = {}
    for base in bases:
        slug = next((s for s in candidates[base] if s not in taken), None)
        if slug is None:
            # Ten articles of one headline already: one query finds the highest suffix.
            if base not in next_suffix:
                next_suffix[base] = _highest_suffix(base) + 1
            slug = Article.slug_with_suffix(base, next_suffix[base], limit)
            next_suffix[base] += 1
        taken.add(slug)
        chosen.append(slug)
    return chosen


def _highest_suffix(base: str) -> int:
    """Return the highest n of the slugs "base-n" in use (articles and former slugs)."""
    prefix = base[: Article._meta.get_field("slug").max_length - 8].rstrip("-")
    used = list(
        Article.objects.filter(slug__startswith=prefix).order_by().values_list("slug", flat=True)
    ) + list(
        SlugRedirect.objects.filter(old_slug__startswith=prefix).values_list("old_slug", flat=True)
    )
    numbers = [int(slug.rsplit("-", 1)[1]) for slug in used if slug.rsplit("-", 1)[-1].isdigit()]
    return max(numbers, default=1 + MAX_SLUG_TRIES)
