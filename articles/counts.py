"""Counts of published articles per meeting, theme, outlet and month, kept exact on writes.

Nearly every page lists tags with their number of articles, and the archive lists months.
Counting them over the tagged-items table on each request costs seconds at a million
articles, so the counts are stored (``published_count`` on MeetingTag, ThemeTag and Outlet;
one ``ArchiveMonth`` row per month) and this module is the one place that keeps them
right: every write that changes what is published applies its exact delta here, inside the
writer's transaction, never a recount of a whole tag (a theme may have 500,000 articles).

Where the writes happen:
- ``Article.save`` reads the old status, outlet and date with the old slug, in one query,
  and calls ``article_saved`` (publish, unpublish, a new outlet or month);
- ``tags_changed`` (m2m_changed of the two through models, connected in ``apps.py``):
  tags added to, removed from, set on or cleared from a published article;
- ``article_deleting`` (pre_delete of Article): a published article deleted;
- the bulk paths, which send no signals: ``articles_imported`` once per import batch, and
  ``tag_recount`` for the target of a tag merge.

``recount_all`` rebuilds everything from the data (one GROUP BY per table): the migration
fills the counts with it, ``manage.py recount_published`` repairs with it, and bulk loaders
that write rows behind Django's back call it when they are done.
"""

from collections import Counter

from django.apps import apps as global_apps
from django.db import models, transaction
from django.db.models.functions import ExtractMonth, ExtractYear, Greatest

PUBLISHED = "published"  # Article.Status.PUBLISHED, spelled out for migrations' models
UNDATED = (0, 0)  # the month row of published articles without a date (never listed)
DELTAS = "_published_count_deltas"  # where a pre_* m2m signal leaves its post_* work
MONTHS_PER_QUERY = 200


def month_of(date) -> tuple[int, int]:
    return (date.year, date.month) if date else UNDATED


class Delta:
    """Changes to the counts, accumulated, then written in one UPDATE per table."""

    def __init__(self):
        self.meetings, self.themes, self.outlets, self.months = (Counter() for _ in range(4))

    def article(self, sign: int, *, outlet_id, published_on, meeting_ids=(), theme_ids=()):
        """Count (``sign`` 1) or uncount (-1) one published article."""
        if outlet_id is not None:
            self.outlets[outlet_id] += sign
        self.months[month_of(published_on)] += sign
        for pk in meeting_ids:
            self.meetings[pk] += sign
        for pk in theme_ids:
            self.themes[pk] += sign

    def apply(self):
        from .models import ArchiveMonth, MeetingTag, Outlet, ThemeTag

        for model, counter in (
            (MeetingTag, self.meetings),
            (ThemeTag, self.themes),
            (Outlet, self.outlets),
        ):
            changes = {pk: n for pk, n in counter.items() if n}
            if changes:
                model.objects.filter(pk__in=changes).update(
                    published_count=_plus(changes, lambda pk: models.Q(pk=pk))
                )
        months = {key: n for key, n in self.months.items() if n}
        if months:
            _months_apply(ArchiveMonth, months)


def _plus(changes: dict, condition):
    """Return the count plus each row's change (never below zero: a count that drifted
    must not make an editor's save fail; ``recount_published`` repairs it)."""
    values = set(changes.values())
    if len(values) == 1:
        change = models.Value(values.pop())
    else:
        change = models.Case(
            *(models.When(condition(key), then=models.Value(n)) for key, n in changes.items()),
            default=models.Value(0),
            output_field=models.IntegerField(),
        )
    return Greatest(models.F("published_count") + change, models.Value(0))


def _month_rows(model, keys):
    query = models.Q()
    for year, month in keys:
        query |= models.Q(year=year, month=month)
    return model.objects.filter(query)


def _months_apply(model, months: dict):
    # In chunks: SQLite nests a chain of ORs one level per term, and caps the depth at 1000.
    items = list(months.items())
    for start in range(0, len(items), MONTHS_PER_QUERY):
        _months_chunk_apply(model, dict(items[start : start + MONTHS_PER_QUERY]))


def _month_condition(key):
    return models.Q(year=key[0], month=key[1])


def _months_chunk_apply(model, months: dict):
    condition = _month_condition
    updated = _month_rows(model, months).update(published_count=_plus(months, condition))
    if updated == len(months):
        return
    # A month's first article: create its row, then count (a concurrent writer may create
    # it first; the rows are created empty so neither change is lost).
    have = set(_month_rows(model, months).values_list("year", "month"))
    missing = {key: n for key, n in months.items() if key not in have and n > 0}
    if missing:
        model.objects.bulk_create(
            [model(year=y, month=m, published_count=0) for y, m in missing],
            ignore_conflicts=True,
        )
        _month_rows(model, missing).update(published_count=_plus(missing, condition))


def _counted(article) -> bool:
    """Return whether a new article (``bulk_create``, no ``save``) is counted."""
    counted = getattr(article, "counted", None)
    return article.status == PUBLISHED if counted is None else counted


def counted_condition(model, prefix="") -> models.Q:
    """Return the condition that an article is counted; on the models of migrations
    earlier than the publication window, that it is published."""
    names = {f.name for f in model._meta.get_fields()}
    if "counted" in names:
        return models.Q(**{f"{prefix}counted": True})
    return models.Q(**{f"{prefix}status": PUBLISHED})


def tag_ids(article_id) -> tuple[list, list]:
    """Return the ids of the meetings and of the themes of one article (two queries)."""
    from .models import TaggedMeeting, TaggedTheme

    return tuple(
        list(through.objects.filter(content_object_id=article_id).values_list("tag_id", flat=True))
        for through in (TaggedMeeting, TaggedTheme)
    )


# -- the write paths -----------------------------------------------------------------------


def article_saved(article, old, update_fields=None):
    """Apply what saving ``article`` changed; ``old`` is its row before the save as
    (counted, outlet_id, published_on), None for a new article. Fields a save with
    ``update_fields`` did not write keep their old values in the database.

    An article is counted while it is public (``Article.counted``, set by every save and
    by ``articles.schedule`` at a scheduled moment)."""

    def written(field):
        return update_fields is None or old is None or field in update_fields

    was, old_outlet, old_date = old if old is not None else (False, None, None)
    outlet_id = article.outlet_id if written("outlet") else old_outlet
    published_on = article.published_on if written("published_on") else old_date
    now = article.counted
    if not was and not now:
        return
    meetings, themes = tag_ids(article.pk) if was != now and old is not None else ((), ())
    delta = Delta()
    if was:
        delta.article(
            -1, outlet_id=old_outlet, published_on=old_date, meeting_ids=meetings, theme_ids=themes
        )
    if now:
        delta.article(
            1,
            outlet_id=outlet_id,
            published_on=published_on,
            meeting_ids=meetings,
            theme_ids=themes,
        )
    delta.apply()


def article_deleting(sender, instance, **kwargs):
    """Uncount a published article about to be deleted (its tags are still there)."""
    row = (
        sender.objects.filter(pk=instance.pk, counted=True)
        .values_list("outlet_id", "published_on")
        .first()
    )
    if row is None:
        return
    meetings, themes = tag_ids(instance.pk)
    delta = Delta()
    delta.article(-1, outlet_id=row[0], published_on=row[1], meeting_ids=meetings, theme_ids=themes)
    delta.apply()


def tags_changed(sender, instance, action, pk_set, **kwargs):
    """Count tags added to or removed from a published article (m2m_changed of a through
    model; taggit's managers exist on the article's side only). The ``pre_*`` signal
    computes the change while the rows are still there; its ``post_*`` twin applies it
    once they are written."""
    stage, _, kind = action.partition("_")
    pending = instance.__dict__.setdefault(DELTAS, {})
    if stage == "post":
        delta = pending.pop((sender, kind), None)
        if delta is not None:
            delta.apply()
        return
    if kind == "clear":
        rows = sender.objects.filter(content_object_id=instance.pk)
        tags = list(rows.values_list("tag_id", flat=True))
    else:
        # taggit sends exactly the new ids on add, exactly the deleted rows on remove.
        tags = list(pk_set or ())
    if not tags or not _is_published(instance.pk):
        return
    delta = Delta()
    tag_model = sender._meta.get_field("tag").related_model
    counter = delta.meetings if tag_model._meta.model_name == "meetingtag" else delta.themes
    for tag in tags:
        counter[tag] += 1 if kind == "add" else -1
    pending[(sender, kind)] = delta


def _is_published(article_id) -> bool:
    """Return whether the article is counted (public), locking its row in a transaction so a
    concurrent publish waits for this tag change (or this change for the publish)."""
    from .models import Article

    query = Article.objects.filter(pk=article_id, counted=True)
    if transaction.get_connection().in_atomic_block:
        query = query.select_for_update()
    return query.values_list("pk").first() is not None


def articles_imported(articles, tagged_meetings, tagged_themes):
    """Count a batch of new articles and their tag rows, written with ``bulk_create``."""
    meetings, themes = Counter(), Counter()
    published = {a.pk for a in articles if _counted(a)}
    for item in tagged_meetings:
        if item.content_object_id in published:
            meetings[item.tag_id] += 1
    for item in tagged_themes:
        if item.content_object_id in published:
            themes[item.tag_id] += 1
    delta = Delta()
    for article in articles:
        if article.pk in published:
            delta.article(1, outlet_id=article.outlet_id, published_on=article.published_on)
    delta.meetings.update(meetings)
    delta.themes.update(themes)
    delta.apply()


def tag_recount(tag):
    """Recount one tag from its rows (for rare bulk changes of a tag, such as a merge)."""
    model = type(tag)
    through = model.tagged_items.rel.related_model
    counted = through.objects.filter(tag=tag, content_object__counted=True)
    tag.published_count = counted.count()
    model.objects.filter(pk=tag.pk).update(published_count=tag.published_count)
    return tag.published_count


# -- totals and repairs --------------------------------------------------------------------


def published_total() -> int:
    """Return the number of published articles: the sum of the months (a few hundred rows),
    where ``Article.objects.published().count()`` would count a million rows."""
    from .models import ArchiveMonth

    return ArchiveMonth.objects.aggregate(n=models.Sum("published_count"))["n"] or 0


def true_counts(apps=global_apps) -> dict[str, dict]:
    """Return the counts as the data gives them, computed from scratch (one GROUP BY per
    table; zero counts left out)."""
    article = apps.get_model("articles", "Article")
    counts = {}
    for name, through in (("meetings", "TaggedMeeting"), ("themes", "TaggedTheme")):
        rows = (
            apps.get_model("articles", through)
            .objects.filter(counted_condition(article, "content_object__"))
            .order_by()
            .values_list("tag_id")
            .annotate(n=models.Count("pk"))
        )
        counts[name] = dict(rows)
    published = article.objects.filter(counted_condition(article)).order_by()
    counts["outlets"] = dict(
        published.exclude(outlet=None).values_list("outlet_id").annotate(n=models.Count("pk"))
    )
    months = (
        published.exclude(published_on=None)
        .annotate(y=ExtractYear("published_on"), m=ExtractMonth("published_on"))
        .values_list("y", "m")
        .annotate(n=models.Count("pk"))
    )
    counts["months"] = {(y, m): n for y, m, n in months}
    undated = published.filter(published_on=None).count()
    if undated:
        counts["months"][UNDATED] = undated
    return counts


def stored_counts(apps=global_apps) -> dict[str, dict]:
    """Return the maintained counts, in the shape of ``true_counts``."""
    counts = {}
    for name, model in (("meetings", "MeetingTag"), ("themes", "ThemeTag"), ("outlets", "Outlet")):
        rows = apps.get_model("articles", model).objects.filter(published_count__gt=0)
        counts[name] = dict(rows.values_list("pk", "published_count"))
    months = apps.get_model("articles", "ArchiveMonth").objects.filter(published_count__gt=0)
    counts["months"] = {
        (y, m): n for y, m, n in months.values_list("year", "month", "published_count")
    }
    return counts


def drift(apps=global_apps) -> dict[str, dict]:
    """Return the counts that differ from the data: {table: {key: (stored, true)}}."""
    return _compare(stored_counts(apps), true_counts(apps))


def _compare(stored, true):
    return {
        name: {
            key: (stored[name].get(key, 0), true[name].get(key, 0))
            for key in stored[name].keys() | true[name].keys()
            if stored[name].get(key, 0) != true[name].get(key, 0)
        }
        for name in true
    }


@transaction.atomic
def recount_all(apps=global_apps) -> dict[str, dict]:
    """Rebuild every count from the data; return what was wrong (as ``drift``).

    Writes only the counts that differ. Meant for repairs and after bulk loads; articles
    published by another transaction while it runs may be missed, so run it again (or
    when no import runs) if writers were busy.
    """
    true = true_counts(apps)
    wrong = _compare(stored_counts(apps), true)
    for name, model in (("meetings", "MeetingTag"), ("themes", "ThemeTag"), ("outlets", "Outlet")):
        rows = apps.get_model("articles", model).objects
        for pk, (_stored, n) in wrong[name].items():
            rows.filter(pk=pk).update(published_count=n)
    if wrong["months"]:
        # A few hundred rows: rewritten whole.
        months = apps.get_model("articles", "ArchiveMonth")
        months.objects.all().delete()
        months.objects.bulk_create(
            months(year=y, month=m, published_count=n) for (y, m), n in true["months"].items()
        )
    return wrong
