"""One article, checked side by side: parse pasted text, then save it with the editor's
corrections and tag choices.

The preview writes nothing. The save parses the text again (what the browser sent back is
not trusted to be what was shown: a different text is refused by its content hash), imports
it through the command's service (``articles.services.article_import``: idempotent by
content hash and source URL), then applies the editor's corrections and tag choices through
``articles.services.article_save``, in one transaction: a refusal or an invalid field
leaves nothing behind. A tag the editor unticked is remembered as rejected for the article.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from articles import permissions, services
from articles.importing.decode import MB
from articles.importing.prepare import Prepared, prepare
from articles.imports import meetings_existing
from articles.models import Article, ArticleRevision, Outlet, ThemeTag

# The text travels back with the save in a form field, and Django refuses a request body
# over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB by default); the save also carries the lead and
# body, so the side-by-side check takes a text of at most a third of that (an article of
# the archive is 2 to 20 KB). A longer file goes through a background job.
SIDE_BY_SIDE_SHARE = 3

EVIDENCE_PLACES = ("title", "lead", "body", "caption")


# The source file name of a pasted text (Article.source_file, the revision's summary).
PASTED_NAME = "(văn bản dán)"


def paste_name() -> str:
    return PASTED_NAME


def side_by_side_max_bytes() -> int:
    request_limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 10 * MB
    return min(int(settings.IMPORT_MAX_MB * MB), request_limit // SIDE_BY_SIDE_SHARE)


@dataclass
class TagChoice:
    """A proposed meeting or theme: the checkbox's value, what to show, the evidence."""

    value: str
    name: str
    code: str = ""
    new: bool = False
    evidence: list[dict] = field(default_factory=list)
    keys: tuple[str, ...] = ()  # the values that mean this tag (its pk, its "new:" key)


@dataclass
class Preview:
    prepared: Prepared
    source_name: str
    meetings: list[TagChoice]
    themes: list[TagChoice]
    existing: Article | None
    new_outlet: tuple[str, str] | None  # (domain, name) of an outlet the archive lacks yet

    @property
    def text(self) -> str:
        return self.prepared.text


def parse(data: bytes, source_name: str) -> Prepared:
    """Decode, parse and tag ``data`` as the command does; ``error`` says why it cannot."""
    return prepare(
        data, source_name, themes=services.theme_matcher(), max_bytes=side_by_side_max_bytes()
    )


def text_bytes(text: str) -> bytes:
    """The bytes of a text sent by a browser (whose textareas send CRLF line ends)."""
    return text.replace("\r\n", "\n").encode("utf-8", errors="surrogatepass")


def preview(prepared: Prepared, source_name: str) -> Preview:
    """What the side-by-side page shows for a parsed text: read-only, nothing written."""
    parsed = prepared.parsed
    meetings = []
    for proposal in prepared.meetings:
        ref = proposal.ref
        tag = meetings_existing(ref)
        meetings.append(
            TagChoice(
                value=str(tag.pk) if tag else f"new:{ref.slug}",
                name=tag.name if tag else ref.name,
                code=tag.code if tag else "",
                new=tag is None,
                evidence=[evidence_parts(e) for e in proposal.evidence_dicts()],
            )
        )
    found = {
        t.slug: t for t in ThemeTag.objects.filter(slug__in=[p.ref.slug for p in prepared.themes])
    }
    themes = []
    for proposal in prepared.themes:
        ref, tag = proposal.ref, found.get(proposal.ref.slug)
        themes.append(
            TagChoice(
                value=str(tag.pk) if tag else f"new:{ref.slug}",
                name=tag.label if tag else ref.name,
                new=tag is None,
                evidence=[evidence_parts(e) for e in proposal.evidence_dicts()],
            )
        )
    new_outlet = None
    if parsed.outlet and not Outlet.objects.filter(domain=parsed.outlet.domain).exists():
        new_outlet = (parsed.outlet.domain, parsed.outlet.name)
    return Preview(
        prepared=prepared,
        source_name=source_name,
        meetings=meetings,
        themes=themes,
        existing=existing_article(prepared),
        new_outlet=new_outlet,
    )


def evidence_parts(item: dict) -> dict:
    """Split one piece of evidence around its matched words, for highlighting."""
    sentence, alias = item.get("sentence", ""), item.get("alias", "")
    at = sentence.find(alias) if alias else -1
    if at < 0:
        before, match, after = sentence, "", ""
    else:
        before, match, after = sentence[:at], alias, sentence[at + len(alias) :]
    return {"before": before, "match": match, "after": after, "place": item.get("place", "")}


def existing_article(prepared: Prepared) -> Article | None:
    """The article this text already is (same content), or another version of it (same
    source URL): what the import would report as unchanged or existing."""
    found = Article.objects.filter(content_hash=prepared.content_hash).exclude(content_hash="")
    article = found.order_by("pk").first()
    url = prepared.parsed.source_url if prepared.parsed else ""
    if article is None and url:
        article = Article.objects.filter(source_url=url).order_by("pk").first()
    return article


def initial(prepared: Prepared) -> dict:
    """The fields as the import stores them (cut and normalised as the importer does)."""
    parsed = prepared.parsed
    article = Article(
        title=parsed.title[:300],
        lead=parsed.lead,
        body=parsed.body,
        author=parsed.author[:160],
    )
    article.clean_text()
    outlet = ""
    if parsed.outlet:
        pk = Outlet.objects.filter(domain=parsed.outlet.domain).values_list("pk", flat=True)
        outlet = str(pk[0]) if pk else NEW_OUTLET
    return {
        "title": article.title,
        "published_on": parsed.published_on,
        "outlet": outlet,
        "author": article.author,
        "source_url": parsed.source_url if len(parsed.source_url) <= 500 else "",
        "lead": article.lead,
        "body": article.body,
    }


NEW_OUTLET = "new"


@dataclass
class Saved:
    article: Article
    created: bool  # False: the text was in the archive already (``article`` is that one)
    action: str = "created"


def save(
    *,
    prepared: Prepared,
    fields: dict,
    accept_meetings: set[str],
    accept_themes: set[str],
    status: str,
    user,
) -> Saved:
    """Import the parsed text and apply the editor's corrections and tag choices.

    Raise ``PermissionDenied`` when ``user`` may not create an article in ``status`` and
    ``ValidationError`` when a correction is invalid; nothing is written then.
    """
    permissions.require(permissions.may_add(user, status), "add")
    if status == Article.Status.PUBLISHED:
        permissions.require(permissions.may_publish(user), "publish")
    services.vocabulary_load()  # as the command does before it imports
    with transaction.atomic():
        # Imported as a draft; the editor's save below moves it on (sent to review, or
        # published: which asks the publish permission and checks the date), as in the
        # admin, so the review queue records who sent it.
        result = services.articles_import([prepared], status=Article.Status.DRAFT)[0]
        if result.action != "created":
            if result.article_id is None:
                raise ValidationError(result.error or "import failed")
            return Saved(
                Article.objects.get(pk=result.article_id), created=False, action=result.action
            )
        article = Article.objects.get(pk=result.article_id)
        data = corrections(article, prepared, fields)
        data["meetings"] = [
            tag
            for proposal in prepared.meetings
            if (tag := meetings_existing(proposal.ref)) is not None
            and {str(tag.pk), f"new:{proposal.ref.slug}"} & accept_meetings
        ]
        themes = {
            t.slug: t
            for t in ThemeTag.objects.filter(slug__in=[p.ref.slug for p in prepared.themes])
        }
        data["themes"] = [
            tag
            for proposal in prepared.themes
            if (tag := themes.get(proposal.ref.slug)) is not None
            and {str(tag.pk), f"new:{proposal.ref.slug}"} & accept_themes
        ]
        data["status"] = status
        article = services.article_save(
            article=article, data=data, user=user, via=ArticleRevision.Via.IMPORT
        )
    return Saved(article, created=True)


def corrections(article: Article, prepared: Prepared, fields: dict) -> dict:
    """The editor's values for ``article_save`` (a corrected title gets its own slug)."""
    data = {
        "title": fields["title"],
        "lead": fields.get("lead", ""),
        "body": fields.get("body", ""),
        "author": fields.get("author", ""),
        "source_url": fields.get("source_url", ""),
        "published_on": fields.get("published_on"),
    }
    outlet = fields.get("outlet", "")
    if outlet != NEW_OUTLET:  # "new": the outlet the import just created, kept
        data["outlet"] = Outlet.objects.filter(pk=outlet).first() if outlet else None
    probe = Article(title=data["title"])
    probe.clean_text()
    if probe.title != article.title:
        data["slug"] = Article.unique_slug(probe.title, exclude_pk=article.pk)
    return data
