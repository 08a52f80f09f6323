"""Article revisions: the state recorded after each change, and comparisons between them.

A state is a plain dict (JSON in ``ArticleRevision.data``): the editable fields, the status,
the meetings and themes (id, slug, name: a merged or deleted tag is still shown by name) and
the figures. ``state_of`` reads it from an article, ``states_of`` from many articles in a
fixed number of queries (the importer and tag merges record revisions in bulk), ``diff``
compares two states for people: word by word for the text, tags added and removed.
"""

import datetime
import difflib

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TEXT_FIELDS = ("title", "slug", "lead", "body", "author", "source_url")
MOMENT_FIELDS = ("publish_at", "expires_at")  # the publication window (articles.schedule)
FIELDS = (*TEXT_FIELDS, "outlet", "published_on", "status", *MOMENT_FIELDS)
LABELS = {
    "title": _("Tiêu đề"),
    "slug": _("Slug"),
    "lead": _("Sapo"),
    "body": _("Nội dung"),
    "author": _("Tác giả"),
    "source_url": _("Đường dẫn gốc"),
    "outlet": _("Cơ quan báo chí"),
    "published_on": _("Ngày đăng"),
    "status": _("Trạng thái"),
    "publish_at": _("Đăng lúc"),
    "expires_at": _("Hết hạn lúc"),
    "meetings": _("Hội nghị"),
    "themes": _("Chủ đề"),
    "figures": _("Ảnh"),
}


def _tag(tag) -> dict:
    return {"id": tag.pk, "slug": tag.slug, "name": str(tag)}


def _figure(figure) -> dict:
    return {"caption": figure.caption, "credit": figure.credit}


def state_of(article, *, meetings=None, themes=None, figures=None) -> dict:
    """Return ``article``'s recordable state (its tags and figures read unless given)."""
    if meetings is None:
        meetings = article.meetings.order_by("pk")
    if themes is None:
        themes = article.themes.order_by("pk")
    if figures is None:
        figures = article.figures.order_by("position", "pk")
    outlet = article.outlet if article.outlet_id else None
    return {
        **{name: getattr(article, name) for name in TEXT_FIELDS},
        "outlet": {"id": outlet.pk, "name": outlet.name} if outlet else None,
        "published_on": article.published_on.isoformat() if article.published_on else None,
        "status": article.status,
        **{
            name: getattr(article, name).isoformat() if getattr(article, name) else None
            for name in MOMENT_FIELDS
        },
        "meetings": sorted((_tag(t) for t in meetings), key=lambda t: t["id"]),
        "themes": sorted((_tag(t) for t in themes), key=lambda t: t["id"]),
        "figures": [_figure(f) for f in figures],
    }


def states_of(articles) -> dict[int, dict]:
    """Return the states of ``articles`` (a list of saved articles) by id, in a fixed number
    of queries whatever their number."""
    from .models import Figure, Outlet, TaggedMeeting, TaggedTheme

    ids = [a.pk for a in articles]
    outlets = Outlet.objects.in_bulk({a.outlet_id for a in articles if a.outlet_id})
    tags = {through: {} for through in (TaggedMeeting, TaggedTheme)}
    for through, by_article in tags.items():
        rows = through.objects.filter(content_object_id__in=ids).select_related("tag")
        for row in rows.order_by("tag_id"):
            by_article.setdefault(row.content_object_id, []).append(row.tag)
    figures = {}
    for figure in Figure.objects.filter(article_id__in=ids).order_by("position", "pk"):
        figures.setdefault(figure.article_id, []).append(figure)
    states = {}
    for article in articles:
        if article.outlet_id:
            article.outlet = outlets.get(article.outlet_id)
        states[article.pk] = state_of(
            article,
            meetings=tags[TaggedMeeting].get(article.pk, []),
            themes=tags[TaggedTheme].get(article.pk, []),
            figures=figures.get(article.pk, []),
        )
    return states


def same(a: dict | None, b: dict | None) -> bool:
    """Return whether two states show the same article (tag names aside: a renamed tag is
    the same tag)."""
    if a is None or b is None:
        return a is b

    def key(state):
        return {
            **{name: state.get(name) for name in FIELDS if name != "outlet"},
            "outlet": (state.get("outlet") or {}).get("id"),
            "meetings": sorted(t["id"] for t in state.get("meetings", [])),
            "themes": sorted(t["id"] for t in state.get("themes", [])),
            "figures": state.get("figures", []),
        }

    return key(a) == key(b)


def changed_fields(a: dict | None, b: dict) -> list[str]:
    """Return the names of what differs between two states, in the form's order."""
    if a is None:
        return [name for name in (*FIELDS, "meetings", "themes", "figures") if b.get(name)]
    names = []
    for name in FIELDS:
        old, new = a.get(name), b.get(name)
        if name == "outlet":
            old, new = (old or {}).get("id"), (new or {}).get("id")
        if old != new:
            names.append(name)
    for name in ("meetings", "themes"):
        if {t["id"] for t in a.get(name, [])} != {t["id"] for t in b.get(name, [])}:
            names.append(name)
    if a.get("figures", []) != b.get("figures", []):
        names.append("figures")
    return names


def words_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Return ``new`` against ``old`` as (kind, text) pieces, kind "same", "added" or
    "removed", word by word (line breaks kept as words)."""
    a, b = _tokens(old or ""), _tokens(new or "")
    pieces = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("removed", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("added", "".join(b[j1:j2])))
    return pieces


def _tokens(text: str) -> list[str]:
    """Split into words, each keeping the spaces after it (joined back, the text again)."""
    tokens, word = [], ""
    for char in text:
        if char.isspace():
            word += char
            continue
        if word and word[-1].isspace():
            tokens.append(word)
            word = ""
        word += char
    if word:
        tokens.append(word)
    return tokens


def _status_label(value):
    from .models import Article

    try:
        return Article.Status(value).label
    except ValueError:
        return value or "—"


def _plain(name, state):
    value = state.get(name) if state else None
    if name == "outlet":
        return (value or {}).get("name", "")
    if name == "status":
        return _status_label(value) if value else ""
    if name == "published_on" and value:
        year, month, day = value.split("-")
        return f"{day}/{month}/{year}"
    if name in MOMENT_FIELDS and value:
        moment = timezone.localtime(datetime.datetime.fromisoformat(value))
        return moment.strftime("%H:%M %d/%m/%Y")
    return value or ""


def diff(a: dict | None, b: dict) -> list[dict]:
    """Return what changed from state ``a`` to ``b``, for people: one entry per changed
    field, with ``label`` and either ``pieces`` (text, word by word), ``old``/``new`` (short
    values), ``added``/``removed`` (tags, by name) or ``figures`` (old and new lists)."""
    entries = []
    for name in changed_fields(a, b):
        entry = {"name": name, "label": LABELS[name]}
        if name in ("meetings", "themes"):
            old = {t["id"]: t["name"] for t in (a or {}).get(name, [])}
            new = {t["id"]: t["name"] for t in b.get(name, [])}
            entry["added"] = [new[i] for i in new if i not in old]
            entry["removed"] = [old[i] for i in old if i not in new]
        elif name == "figures":
            entry["old"] = [f["caption"] for f in (a or {}).get("figures", [])]
            entry["new"] = [f["caption"] for f in b.get("figures", [])]
        elif name in ("lead", "body", "title"):
            entry["pieces"] = words_diff(_plain(name, a), _plain(name, b))
        else:
            entry["old"], entry["new"] = _plain(name, a), _plain(name, b)
        entries.append(entry)
    return entries


def summary(a: dict | None, b: dict) -> str:
    """Return the stored account of a change: the names of what changed ("fields:title,
    meetings"); ``describe`` words it in the reader's language."""
    return "fields:" + ",".join(changed_fields(a, b))


SUMMARIES = {
    "baseline": _("Trạng thái trước khi có lịch sử"),
    "trash": _("Chuyển vào thùng rác"),
    "restore": _("Khôi phục từ thùng rác"),
    "revert": _("Khôi phục phiên bản %(arg)s"),
    "merge": _("Gộp thẻ vào “%(arg)s”"),
    "import": _("Nhập từ %(arg)s"),
}


def describe(stored: str) -> str:
    """Return a stored revision summary in the interface's language."""
    kind, _sep, arg = (stored or "").partition(":")
    if kind == "fields":
        return ", ".join(str(LABELS[name]) for name in arg.split(",") if name in LABELS)
    if kind in SUMMARIES:
        text = str(SUMMARIES[kind])
        return text % {"arg": arg} if "%(arg)s" in text else text
    return stored


def latest(article) -> models.Model | None:
    return article.revisions.order_by("-version").first()
