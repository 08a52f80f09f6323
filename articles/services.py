"""Writes: every change to the archive goes through one of these functions.

The admin, the management commands and (later) the API all call them, so the
rules (idempotent import, who may publish, what a merge keeps) live in one place.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from . import auditing, counts, history, permissions
from .importing.prepare import prepare
from .importing.report import ImportResult
from .imports import articles_import, meetings_for, themes_for
from .models import (
    LIST_DEFERRED,
    Article,
    ArticleRevision,
    Figure,
    MeetingTag,
    Outlet,
    ReviewNote,
    TagRedirect,
    ThemeTag,
    person_name,
)
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
#
# Every change to an article goes through ``article_save`` or one of the functions below,
# whatever the path (admin form, admin action, API, import, re-tag, merge, revert, trash).
# Each one asks ``permissions`` (``user`` None is the system: commands and the importer),
# locks the article's row, does nothing when nothing changes, and otherwise raises the
# article's version by one and records a revision (``history``) and an audit entry.

Via = ArticleRevision.Via

ARTICLE_EDITABLE_FIELDS = (
    "slug",
    "title",
    "lead",
    "body",
    "author",
    "outlet",
    "source_url",
    "published_on",
    "publish_at",
    "expires_at",
)


class Conflict(Exception):
    """The article changed after the version an editor started from: saving would lose
    someone else's change. Carries who changed it, when, and what they changed."""

    def __init__(self, article: Article, expected_version: int):
        self.article = article
        self.expected_version = expected_version
        revisions = list(
            article.revisions.filter(version__gte=expected_version).order_by("version")
        )
        since = revisions[0] if revisions and revisions[0].version == expected_version else None
        self.latest = revisions[-1] if revisions and revisions[-1] is not since else None
        newer = [r for r in revisions if r.version > expected_version]
        self.people = sorted({r.user_name or _("hệ thống") for r in newer})
        state = history.state_of(article)
        self.changes = history.diff(since.data if since else None, state) if since else []
        super().__init__(
            f"article {article.pk} is at version {article.version}, not {expected_version}"
        )


def _locked(pk) -> Article:
    """Return the article read after locking its row for this transaction."""
    return Article.objects.select_for_update().get(pk=pk)


def _revision(article, state, *, user, via, summary="", before=None) -> ArticleRevision:
    """Record ``article``'s state at its current version. An article changed for the first
    time since history began (imported before it, or loaded in bulk) gets its earlier state
    recorded first, so every change can be compared and reverted."""
    if before is not None and not article.revisions.exists():
        baseline = ArticleRevision.of(article, before, via=Via.COMMAND, summary="baseline")
        baseline.version -= 1
        baseline.save()
    summary = summary or history.summary(before, state)  # see history.describe
    revision = ArticleRevision.of(article, state, via=via, user=user, summary=summary)
    revision.save()
    return revision


def _status_action(old: str | None, new: str) -> str:
    if old == new:
        return "change"
    if new == Article.Status.PUBLISHED:
        return "publish"
    if old == Article.Status.PUBLISHED:
        return "unpublish"
    return "status"


def _rejections(article: Article, before: dict | None, meetings, themes) -> dict:
    """Return the article's rejected tags after an edit: a tag removed is remembered (the
    tagger never adds it back), a tag put back is forgotten."""
    rejected = {key: set(article.rejected_tags.get(key, [])) for key in ("meetings", "themes")}
    for key, tags in (("meetings", meetings), ("themes", themes)):
        had = {t["id"] for t in (before or {}).get(key, [])}
        has = {t.pk for t in tags}
        rejected[key] = (rejected[key] | (had - has)) - has
    return {key: sorted(ids) for key, ids in rejected.items() if ids}


@transaction.atomic
def article_save(
    *,
    article: Article | None = None,
    data: dict,
    user=None,
    via: str = Via.API,
    expected_version: int | None = None,
    summary: str = "",
    note: str = "",
) -> Article:
    """Create an article (``article`` is None) or change it with ``data``; set its tags by
    the given lists and replace its figures when given.

    A change of status that is a step of the review (sent for review; approved from it,
    now or on a schedule; sent back to draft) is recorded as a ``ReviewNote`` with ``note``,
    whichever path made it (the queue, the form, a bulk action, the API).

    Refused (``PermissionDenied``) when ``user`` may not make this change, and
    (``Conflict``) when ``expected_version`` is given and the article is at another one.
    Validated whole before anything is written. A save that changes nothing writes nothing.
    """
    if article is not None and article.pk:
        current = _locked(article.pk)
        if expected_version is not None and current.version != expected_version:
            raise Conflict(current, expected_version)
        if user is not None:
            permissions.require_change(user, current)
        had = (
            list(current.meetings.order_by("pk")),
            list(current.themes.order_by("pk")),
            list(current.figures.order_by("position", "pk")),
        )
        before = history.state_of(current, meetings=had[0], themes=had[1], figures=had[2])
    else:
        current, before, had = Article(status=Article.Status.DRAFT), None, ([], [], [])
    status = data.get("status", current.status)
    if status == Article.Status.TRASH and current.status != Article.Status.TRASH:
        raise ValidationError(
            {"status": _("Hãy dùng thao tác “Chuyển vào thùng rác”. / Use the trash action.")}
        )
    if user is not None:
        if before is None:
            permissions.require(permissions.may_add(user, status), "add")
            if status == Article.Status.PUBLISHED:
                permissions.require(permissions.may_publish(user), "publish")
        elif status != current.status:
            permissions.require_status(user, current, status)
        if any(
            name in data and data[name] != getattr(current, name) for name in history.MOMENT_FIELDS
        ):
            # When readers see it is a publisher's decision, like publishing itself.
            permissions.require(permissions.may_schedule(user), "schedule")
    current.status = status
    for name in ARTICLE_EDITABLE_FIELDS:
        if name in data:
            setattr(current, name, data[name])
    if not current.slug and current.title:
        current.slug = Article.unique_slug(current.title, exclude_pk=current.pk)
    current.full_clean()
    meetings = list(data["meetings"]) if "meetings" in data else had[0]
    themes = list(data["themes"]) if "themes" in data else had[1]
    figures = (
        [
            Figure(
                position=i,
                caption=normalise(f["caption"]),
                credit=normalise_inline(f.get("credit", "")),
            )
            for i, f in enumerate(data["figures"], start=1)
        ]
        if "figures" in data
        else None
    )
    after = history.state_of(
        current,
        meetings=meetings,
        themes=themes,
        figures=figures if figures is not None else had[2],
    )
    if before is not None and history.same(before, after):
        return current
    current.rejected_tags = _rejections(current, before, meetings, themes)
    current.save()  # a new version
    if "meetings" in data:
        current.meetings.set(meetings)
    if "themes" in data:
        current.themes.set(themes)
    if figures is not None and (before is None or before["figures"] != after["figures"]):
        current.figures.all().delete()
        for figure in figures:
            figure.article = current
        Figure.objects.bulk_create(figures)
    after["slug"] = current.slug  # save() may have made one free
    _revision(current, after, user=user, via=via, summary=summary, before=before)
    action = "create" if before is None else _status_action(before["status"], status)
    detail = {"version": current.version, "fields": history.changed_fields(before, after)}
    auditing.record(action, current, user=user, via=via, detail=detail)
    step = _review_step(before["status"] if before else None, current)
    if step is not None:
        _review_note(current, step, user=user, note=note)
    return current


def _review_step(old: str | None, article: Article) -> str | None:
    """Return the review step a change of status from ``old`` is, if it is one."""
    new, Status, Action = article.status, Article.Status, ReviewNote.Action
    if new == old:
        return None
    if new == Status.REVIEW:
        return Action.SENT
    if old == Status.REVIEW and new == Status.PUBLISHED:
        return Action.SCHEDULED if not article.is_public() else Action.APPROVED
    if old == Status.REVIEW and new == Status.DRAFT:
        return Action.RETURNED
    return None


def article_set_status(
    *, article: Article, status: str, user=None, via: str = Via.ACTION, expected_version=None
) -> Article:
    """Move an article to ``status``. Publishing, or unpublishing, needs the publish permission;
    the trash has its own functions."""
    if status == Article.Status.TRASH:
        return article_trash(article=article, user=user, via=via)
    if article.status == Article.Status.TRASH:
        raise ValidationError(_("Bài đang ở thùng rác: hãy khôi phục trước. / Restore it first."))
    return article_save(
        article=article,
        data={"status": status},
        user=user,
        via=via,
        expected_version=expected_version,
    )


def article_publish(*, article: Article, user=None, via: str = Via.ACTION) -> Article:
    return article_set_status(article=article, status=Article.Status.PUBLISHED, user=user, via=via)


# -- review -------------------------------------------------------------------------
#
# An editor sends an article to the review queue with a note; a publisher approves it
# (published now, or at a time, optionally until another) or sends it back to the editor
# with a note. Each step is a ReviewNote beside the status change that article_save makes.

NOTE_LIMIT = ReviewNote._meta.get_field("note").max_length


def _review_note(article, action, *, user, note) -> ReviewNote:
    note = normalise(note or "")
    if len(note) > NOTE_LIMIT:
        raise ValidationError(
            {"note": _("Ghi chú dài quá %(n)d ký tự. / The note is too long.") % {"n": NOTE_LIMIT}}
        )
    return ReviewNote.objects.create(
        article=article, action=action, user=user, user_name=person_name(user), note=note
    )


@transaction.atomic
def review_send(*, article: Article, user=None, note: str = "", via: str = Via.ADMIN) -> Article:
    """Put ``article`` (a draft, or one sent back) in the review queue, with ``note``."""
    current = _locked(article.pk)
    if user is not None:
        permissions.require(permissions.may_send_for_review(user, current), "send")
    elif current.status == Article.Status.TRASH:
        raise ValidationError(_("Bài đang ở thùng rác: hãy khôi phục trước. / Restore it first."))
    if current.status != Article.Status.REVIEW:
        return article_save(
            article=current, data={"status": Article.Status.REVIEW}, user=user, via=via, note=note
        )
    if normalise(note or ""):  # already waiting: the note is added to it
        _review_note(current, ReviewNote.Action.SENT, user=user, note=note)
    return current


@transaction.atomic
def review_approve(
    *,
    article: Article,
    user=None,
    publish_at=None,
    expires_at=None,
    note: str = "",
    via: str = Via.ADMIN,
    now=None,
) -> Article:
    """Publish an article waiting for review: now, or at ``publish_at`` (until
    ``expires_at`` when given). An article without a date gets the day it appears."""
    now = now or timezone.now()
    current = _locked(article.pk)
    if user is not None:
        permissions.require(permissions.may_review(user, current), "review")
    elif current.status != Article.Status.REVIEW:
        raise ValidationError(_("Bài không ở hàng chờ duyệt. / The article is not in review."))
    if publish_at is not None and publish_at <= now:
        publish_at = None  # a moment already past: published now
    data = {"status": Article.Status.PUBLISHED, "publish_at": publish_at, "expires_at": expires_at}
    if not current.published_on:
        data["published_on"] = timezone.localdate(publish_at or now)
    return article_save(article=current, data=data, user=user, via=via, note=note)


@transaction.atomic
def review_return(*, article: Article, user=None, note: str, via: str = Via.ADMIN) -> Article:
    """Send an article in review back to its editor as a draft, saying why (``note``)."""
    current = _locked(article.pk)
    if user is not None:
        permissions.require(permissions.may_review(user, current), "review")
    elif current.status != Article.Status.REVIEW:
        raise ValidationError(_("Bài không ở hàng chờ duyệt. / The article is not in review."))
    if not normalise(note or ""):
        raise ValidationError(
            {"note": _("Hãy ghi lý do trả lại cho biên tập viên. / Say why it is sent back.")}
        )
    return article_save(
        article=current, data={"status": Article.Status.DRAFT}, user=user, via=via, note=note
    )


# -- trash --------------------------------------------------------------------------


@transaction.atomic
def article_trash(*, article: Article, user=None, via: str = Via.TRASH) -> Article:
    """Move an article to the trash: gone from readers and counts, kept with its tags,
    figures and history until restored or purged."""
    current = _locked(article.pk)
    if current.status == Article.Status.TRASH:
        return current
    if user is not None:
        permissions.require(permissions.may_trash(user, current), "trash")
    before = history.state_of(current)
    current.trashed_from, current.status = current.status, Article.Status.TRASH
    current.trashed_at = timezone.now()
    current.save()  # a new version
    state = {**before, "status": current.status}
    _revision(current, state, user=user, via=via, summary="trash", before=before)
    auditing.record("trash", current, user=user, via=via, detail={"from": current.trashed_from})
    return current


@transaction.atomic
def article_restore(*, article: Article, user=None, via: str = Via.TRASH) -> Article:
    """Take an article out of the trash, back to the status it had (a published one only
    by a publisher)."""
    current = _locked(article.pk)
    if current.status != Article.Status.TRASH:
        return current
    if user is not None:
        permissions.require(permissions.may_restore(user, current), "restore")
    before = history.state_of(current)
    status = current.trashed_from or Article.Status.DRAFT
    if status == Article.Status.PUBLISHED and not current.published_on:
        status = Article.Status.DRAFT
    current.status, current.trashed_from, current.trashed_at = status, "", None
    current.save()  # a new version
    state = {**before, "status": status}
    _revision(current, state, user=user, via=via, summary="restore", before=before)
    auditing.record("restore", current, user=user, via=via, detail={"to": status})
    return current


@transaction.atomic
def article_purge(*, article: Article, user=None, via: str = Via.TRASH) -> None:
    """Delete a trashed article for good, with its history (the audit log keeps the deed)."""
    current = _locked(article.pk)
    if user is not None:
        permissions.require(permissions.may_purge(user, current), "purge")
    elif current.status != Article.Status.TRASH:
        raise ValidationError(_("Chỉ xoá vĩnh viễn bài trong thùng rác. / Trash it first."))
    auditing.record("purge", current, user=user, via=via, detail={"slug": current.slug})
    current.delete()


# -- revert -------------------------------------------------------------------------


def _tags_of(model, kind, recorded: list[dict]) -> list:
    """Return the tags a revision names that still exist: by id, or where a merge or a
    rename sent their slug."""
    found = model.objects.in_bulk([t["id"] for t in recorded])
    tags = []
    for entry in recorded:
        tag = found.get(entry["id"])
        if tag is None:
            redirect = TagRedirect.objects.filter(kind=kind, old_slug=entry["slug"]).first()
            tag = model.objects.filter(pk=redirect.target_id).first() if redirect else None
        if tag is not None and tag not in tags:
            tags.append(tag)
    return tags


def article_revert(
    *, article: Article, revision: ArticleRevision, user=None, expected_version=None
) -> Article:
    """Put back ``revision``'s content, tags and figures as a new revision. The status is
    kept: publishing and unpublishing stay their own decisions."""
    if revision.article_id != article.pk:
        raise ValidationError(_("Phiên bản này không thuộc bài viết này."))
    state = revision.data
    outlet = state.get("outlet") and Outlet.objects.filter(pk=state["outlet"]["id"]).first()
    data = {name: state.get(name, "") for name in history.TEXT_FIELDS}
    data["outlet"] = outlet or None
    published_on = state.get("published_on")
    data["published_on"] = datetime.date.fromisoformat(published_on) if published_on else None
    data["meetings"] = _tags_of(MeetingTag, TagRedirect.Kind.MEETING, state.get("meetings", []))
    data["themes"] = _tags_of(ThemeTag, TagRedirect.Kind.THEME, state.get("themes", []))
    data["figures"] = state.get("figures", [])
    return article_save(
        article=article,
        data=data,
        user=user,
        via=Via.REVERT,
        expected_version=expected_version,
        summary=f"revert:{revision.version}",
    )


# -- tags ---------------------------------------------------------------------------


@transaction.atomic
def article_retag(
    *, article: Article, themes: ThemeMatcher | None = None, user=None, via: str = Via.RETAG
) -> tuple[int, int]:
    """Add the tags the tagger finds, with evidence, in the article's current text.

    Tags an editor set are kept, and a tag an editor removed from this article is never
    added back (``Article.rejected_tags``). Return (meetings added, themes added).
    """
    current = _locked(article.pk)
    if user is not None:
        permissions.require_change(user, current)
    parts = {
        "title": [current.title],
        "lead": [current.lead],
        "body": current.paragraphs(),
        "caption": [f.caption for f in current.figures.all() if f.caption],
    }
    year = current.published_on.year if current.published_on else None
    tags = tag_article(parts, article_year=year, themes=themes or theme_matcher())
    rejected = current.rejected_tags or {}
    before = history.state_of(current)
    have_meetings = {t["id"] for t in before["meetings"]} | set(rejected.get("meetings", []))
    have_themes = {t["id"] for t in before["themes"]} | set(rejected.get("themes", []))
    meetings = meetings_for([p.ref for p in tags.meetings if p.evidence])
    theme_tags = themes_for([p.ref for p in tags.themes if p.evidence])
    new_meetings = [
        (meetings[p.ref.identity], p)
        for p in tags.meetings
        if p.evidence and meetings[p.ref.identity].pk not in have_meetings
    ]
    new_themes = [
        (theme_tags[p.ref.slug], p)
        for p in tags.themes
        if p.evidence and theme_tags[p.ref.slug].pk not in have_themes
    ]
    if not new_meetings and not new_themes:
        return 0, 0
    for meeting, proposal in new_meetings:
        current.meetings.add(meeting, through_defaults={"evidence": proposal.evidence_dicts()})
    for theme, proposal in new_themes:
        current.themes.add(theme, through_defaults={"evidence": proposal.evidence_dicts()})
    current.save(update_fields=["updated_at"])  # a new version
    after = history.state_of(current)
    _revision(current, after, user=user, via=via, before=before)
    detail = {
        "meetings": [m.slug for m, _p in new_meetings],
        "themes": [t.slug for t, _p in new_themes],
    }
    auditing.record("retag", current, user=user, via=via, detail=detail)
    return len(new_meetings), len(new_themes)


TAG_KINDS = {MeetingTag: TagRedirect.Kind.MEETING, ThemeTag: TagRedirect.Kind.THEME}
BULK_BATCH = 1_000


def record_bulk_revisions(article_ids, *, user=None, via: str, summary: str = "") -> int:
    """Raise the version of many articles changed in bulk (a merge, an import) and record
    a revision of each, a batch at a time. Return how many were recorded."""
    ids = sorted(set(article_ids))
    done = 0
    for start in range(0, len(ids), BULK_BATCH):
        batch = ids[start : start + BULK_BATCH]
        if via != Via.IMPORT:
            Article.objects.filter(pk__in=batch).update(
                version=F("version") + 1, updated_at=timezone.now()
            )
        articles = list(
            Article.objects.filter(pk__in=batch).select_related(None).defer(*LIST_DEFERRED)
        )
        states = history.states_of(articles)
        ArticleRevision.objects.bulk_create(
            ArticleRevision.of(a, states[a.pk], via=via, user=user, summary=summary)
            for a in articles
        )
        done += len(articles)
    return done


@transaction.atomic
def tags_merge(*, target: Model, sources, user=None, via: str = Via.MERGE) -> int:
    """Merge ``sources`` tags into ``target``: their articles get ``target``, they are deleted,
    and their addresses redirect to ``target``.

    Works for MeetingTag and ThemeTag. Return the number of articles re-tagged. Each article
    whose tags changed gets a revision.
    """
    model = type(target)
    through = model.tagged_items.rel.related_model
    sources = list(sources)
    if any(type(source) is not model for source in sources):
        raise ValueError("cannot merge tags of different vocabularies")
    if user is not None:
        permissions.require(permissions.may_merge_tags(user, model), "merge")
    kind = TAG_KINDS[model]
    moved, touched = 0, set()
    for source in sources:
        if source.pk == target.pk:
            continue
        already = set(
            through.objects.filter(tag=target).values_list("content_object_id", flat=True)
        )
        for item in through.objects.filter(tag=source):
            touched.add(item.content_object_id)
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
        # The merged tag's addresses (and those that led to it) now lead to the target.
        TagRedirect.objects.filter(kind=kind, target_id=source.pk).update(target_id=target.pk)
        TagRedirect.objects.update_or_create(
            kind=kind, old_slug=source.slug, defaults={"target_id": target.pk}
        )
        auditing.record(
            "merge",
            target,
            user=user,
            via=via,
            detail={"merged": source.slug, "name": source.name, "articles": len(touched)},
        )
        source.delete()
    TagRedirect.objects.filter(kind=kind, old_slug=target.slug).delete()
    # The rows moved without signals; a merge is rare, so the target is counted again.
    counts.tag_recount(target)
    record_bulk_revisions(
        touched,
        user=user,
        via=via,
        summary=f"merge:{target.name}",
    )
    return moved
