"""Generated archives of any size, for benchmarks: realistic articles written in bulk.

Every generated article is made of the archive's own text: the headlines, leads,
paragraphs, bylines and photo captions of the real pages in ``fixtures/seeds`` and
``fixtures/samples`` (read once with the importer's parser). What a reader sees varies
the way a real archive does:

- titles: a real headline, or the first half of one joined to the second half of another;
- body: 4–12 real paragraphs (about 1–5 KB), lead: a real lead;
- dates from 1990 to 2026, each year 8 % denser than the one before;
- 1–3 meetings of the catalogue (``fixtures/vocabulary/meetings.json``: its known meetings
  and the numbered ones its year rules give) held in the article's year or the year
  before; 1–4 themes (``themes.json``) drawn with Zipf weights, so a few themes are very
  common and the rest form a long tail (themes tied to a period, such as Covid-19, only
  after it began);
- outlets of ``fixtures/importing/outlets.json``, also Zipf-weighted; 0–2 figures; a byline
  on most articles; a unique source URL on 40 %.

Besides the N published articles, one in ten more is unpublished (half drafts without a
date, half in review with one): article ``i`` (0-based) is unpublished when
``i % 11 == 10``, so exactly ``N // 10`` are.

The same seed gives the same articles, slugs, dates and tags (identifiers aside). Rows
are written with ``bulk_create`` in batches; the derived search columns are assembled from
each paragraph's search line, computed once (``articles.text.search_words`` works line by
line). On PostgreSQL the database computes each row's ``search_vector`` itself, which is
most of the cost of a row; for large loads the GIN indexes are dropped and built once at
the end. Generated articles carry ``source_file = GENERATED``: a database holding any other
article is refused unless the caller forces it.
"""

import contextlib
import datetime
import importlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import chain

from django.db import connection, reset_queries, transaction
from django.db.models import CASCADE, SET_NULL

from .importing.decode import decode_input
from .importing.errors import ImportFailure
from .importing.pipeline import parse_article
from .models import Article, Figure, MeetingTag, Outlet, TaggedMeeting, TaggedTheme, ThemeTag
from .text import fold, index_pairs, index_tokens, search_words, slugify_vi
from .vocabulary import fixtures_dir, vocabulary

GENERATED = "generated:corpus"
FIRST_YEAR, LAST_DAY = 1990, datetime.date(2026, 11, 30)  # fixed, so a seed always agrees
YEAR_GROWTH = 1.08
DRAFT_EVERY = 11  # article i is unpublished when i % 11 == 10: N // 10 besides N published
SOURCE_URL_SHARE = 0.4
# From this many rows on, PostgreSQL builds the GIN indexes once after the load.
DEFER_GIN_FROM = 50_000
# How many meetings, themes and figures an article gets, and how often.
MEETING_COUNTS, MEETING_COUNT_WEIGHTS = (1, 2, 3), (60, 30, 10)
THEME_COUNTS, THEME_COUNT_WEIGHTS = (1, 2, 3, 4), (35, 35, 20, 10)
FIGURE_COUNTS, FIGURE_COUNT_WEIGHTS = (0, 1, 2), (30, 50, 20)
# The more a series is in the news, the more articles name one of its meetings.
SERIES_WEIGHTS = {"AMM": 5, "SUMMIT": 5, "SOM": 2, "ARF": 2, "EAS": 2, "APT": 1.5}
# Themes in the order of how often the archive's articles carry them (Zipf, s = 1.1); a
# theme of a period only from its first year.
THEME_ORDER = [
    "kinh-te-thuong-mai",
    "bien-dong",
    "chinh-tri-an-ninh",
    "covid-19",
    "myanmar",
    "chuyen-doi-so",
    "tieu-vung-mekong",
    "bien-doi-khi-hau",
    "timor-leste",
    "nhan-dao",
    "nang-luong",
    "tam-nhin-sau-2025",
    "an-ninh-luong-thuc",
    "phu-nu-hoa-binh-an-ninh",
]
THEME_FROM_YEAR = {
    "covid-19": 2020,
    "myanmar": 1997,
    "chuyen-doi-so": 2016,
    "tam-nhin-sau-2025": 2019,
    "timor-leste": 2002,
    "phu-nu-hoa-binh-an-ninh": 2000,
}
ZIPF = 1.1


# -- the archive's own text ------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A piece of text with its search lines, computed once for every article using it."""

    text: str
    words: str
    folded: str
    distinct: tuple[str, ...]  # the words of ``words``, each once, in order
    distinct_folded: tuple[str, ...]
    pairs: tuple[str, ...]  # the pairs of neighbouring folded words, each once

    @classmethod
    def of(cls, text: str) -> "Text":
        words = search_words(text)
        folded = fold(words)
        return cls(
            text,
            words,
            folded,
            tuple(dict.fromkeys(words.split())),
            tuple(dict.fromkeys(folded.split())),
            tuple(index_pairs(folded).split()),
        )


@dataclass(frozen=True)
class SourceText:
    headlines: list[str]
    heads: list[str]  # first halves of headlines, up to their separator
    tails: list[str]  # second halves, from the separator on
    leads: list[Text]
    paragraphs: list[Text]
    authors: list[str]
    captions: list[str]
    credits: list[str]


_SEPARATORS = (": ", " - ", " – ", ", ", " trước ", " với ", " tại ", " trong ", " về ", " và ")


@cache
def source_text() -> SourceText:
    """Return the text of the real pages in fixtures/, parsed once per process."""
    headlines, leads, paragraphs, authors, captions, credits = [], [], [], [], [], []
    for folder in ("seeds", "samples"):
        for path in sorted((fixtures_dir() / folder).glob("*.txt")):
            try:
                parsed = parse_article(decode_input(path.read_bytes()))
            except ImportFailure:
                continue
            headlines.append(parsed.title)
            if parsed.lead:
                leads.append(parsed.lead)
            paragraphs.extend(p for p in parsed.paragraphs if len(p) >= 40)
            if parsed.author:
                authors.append(parsed.author)
            for figure in parsed.figures:
                if figure.caption:
                    captions.append(figure.caption)
                if figure.credit:
                    credits.append(figure.credit)
    heads, tails = [], []
    for headline in headlines:
        for separator in _SEPARATORS:
            head, found, tail = headline.partition(separator)
            if found and len(head) >= 12 and len(tail) >= 12:
                heads.append(head)
                tails.append(separator + tail)
                break
    return SourceText(
        headlines=headlines,
        heads=heads,
        tails=tails,
        leads=[Text.of(lead) for lead in dict.fromkeys(leads)],
        paragraphs=[Text.of(p) for p in dict.fromkeys(paragraphs)],
        authors=list(dict.fromkeys(authors)) or ["PV"],
        captions=list(dict.fromkeys(captions)) or ["Quang cảnh hội nghị."],
        credits=list(dict.fromkeys(credits)) or ["TTXVN"],
    )


# -- the vocabulary: meetings, themes, outlets -------------------------------------------


def catalogue_meetings() -> list[MeetingTag]:
    """Return the meetings of the catalogue from 1990 on, unsaved: the known ones and,
    for numbered series with a year rule, every number the rule dates to 1990–2026."""
    data = vocabulary().meetings
    series = {entry["code"]: entry for entry in data["series"]}
    known = {
        (m["series"], m.get("number"), m.get("partner", ""), m["year"]): m for m in data["meetings"]
    }
    wanted = dict.fromkeys(known)
    for code, entry in series.items():
        if not entry.get("numbered"):
            for year in range(FIRST_YEAR, LAST_DAY.year + 1):
                wanted.setdefault((code, None, "", year))
            continue
        rule = entry.get("year_rule")
        if not rule or entry.get("partnered"):
            continue
        number = rule.get("from", 1)
        while (year := rule["base"] + number // rule.get("per_year", 1)) <= LAST_DAY.year:
            if year >= FIRST_YEAR:
                wanted.setdefault((code, number, "", year))
            number += 1
    meetings = []
    for code, number, partner, year in wanted:
        entry, facts = series[code], known.get((code, number, partner, year), {})
        values = {"number": number, "year": year, "partner": partner}
        meetings.append(
            MeetingTag(
                name=entry["name_template"].format(**values),
                slug=entry["slug_template"].format(**{**values, "partner": slugify_vi(partner)}),
                series=code,
                number=number,
                year=year,
                partner=partner,
                start_date=_date(facts.get("start_date")),
                end_date=_date(facts.get("end_date")),
                place=facts.get("place", ""),
            )
        )
    return meetings


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def vocabulary_ensure() -> tuple[list[MeetingTag], list[ThemeTag], list[Outlet]]:
    """Create the catalogue's meetings, themes and outlets that are missing; return them
    (existing rows are used as they are: an editor's name or slug is kept)."""
    from .services import vocabulary_load

    vocabulary_load()
    wanted = catalogue_meetings()
    existing = MeetingTag.objects.in_bulk([m.slug for m in wanted], field_name="slug")
    MeetingTag.objects.bulk_create([m for m in wanted if m.slug not in existing])
    meetings = MeetingTag.objects.in_bulk([m.slug for m in wanted], field_name="slug")
    themes = ThemeTag.objects.in_bulk(field_name="slug")
    domains = [entry["domain"] for entry in vocabulary().outlets.entries]
    outlets = Outlet.objects.in_bulk(domains, field_name="domain")
    return (
        [meetings[m.slug] for m in wanted],
        [themes[slug] for slug in sorted(themes)],
        [outlets[d] for d in domains if d in outlets],
    )


# -- one article -------------------------------------------------------------------------


@dataclass
class Generated:
    article: Article
    meeting_ids: list[int]
    theme_ids: list[int]
    figures: list[Figure]


def _cumulative(weights) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


class ArticleMaker:
    """Make article ``i`` of a corpus; the same seed and vocabulary give the same articles."""

    def __init__(self, *, seed: int, meetings, themes, outlets, source: SourceText | None = None):
        self.rng = random.Random(seed)
        self.source = source or source_text()
        self.outlets = outlets
        self.outlet_weights = _cumulative(1 / (rank + 1) ** ZIPF for rank in range(len(outlets)))
        self.years = list(range(FIRST_YEAR, LAST_DAY.year + 1))
        self.year_weights = _cumulative(YEAR_GROWTH ** (y - FIRST_YEAR) for y in self.years)
        by_slug = {theme.slug: theme for theme in themes}
        ordered = [by_slug[s] for s in THEME_ORDER if s in by_slug]
        ordered += [t for t in themes if t.slug not in THEME_ORDER]  # editors' own: the tail
        self.themes_by_year = {}
        for year in self.years:
            candidates = [t for t in ordered if THEME_FROM_YEAR.get(t.slug, 0) <= year]
            weights = [1 / (ordered.index(t) + 1) ** ZIPF for t in candidates]
            self.themes_by_year[year] = ([t.pk for t in candidates], _cumulative(weights))
        self.meetings_by_year = {}
        for year in self.years:
            near = [m for m in meetings if m.year in (year, year - 1)] or meetings
            weights = [SERIES_WEIGHTS.get(m.series, 1) for m in near]
            self.meetings_by_year[year] = ([m.pk for m in near], _cumulative(weights))
        self._title_words: dict[str, Text] = {}
        self._slug_bases: dict[str, str] = {}  # a few hundred titles, each slugified once
        self._slug_length = Article._meta.get_field("slug").max_length

    def pick(self, items, cum_weights, k: int) -> list:
        """Return up to ``k`` distinct items, drawn by weight."""
        chosen: list = []
        for _ in range(k * 4):
            item = self.rng.choices(items, cum_weights=cum_weights)[0]
            if item not in chosen:
                chosen.append(item)
                if len(chosen) == k:
                    break
        return chosen

    def title(self) -> Text:
        source, rng = self.source, self.rng
        if source.heads and rng.random() < 0.6:
            title = rng.choice(source.heads) + rng.choice(source.tails)
        else:
            title = rng.choice(source.headlines)
        title = title[:300]
        if title not in self._title_words:
            self._title_words[title] = Text.of(title)
        return self._title_words[title]

    def slug_base(self, title: str) -> str:
        if title not in self._slug_bases:
            self._slug_bases[title] = Article.slug_base(title)
        return self._slug_bases[title]

    def published_on(self) -> datetime.date:
        year = self.rng.choices(self.years, cum_weights=self.year_weights)[0]
        start = datetime.date(year, 1, 1)
        end = min(datetime.date(year, 12, 31), LAST_DAY)
        return start + datetime.timedelta(days=self.rng.randrange((end - start).days + 1))

    def make(self, i: int) -> Generated:
        rng, source = self.rng, self.source
        title = self.title()
        lead = rng.choice(source.leads)
        paragraphs = rng.sample(source.paragraphs, min(len(source.paragraphs), rng.randint(4, 12)))
        published_on = self.published_on()
        if i % DRAFT_EVERY == DRAFT_EVERY - 1:
            status = rng.choice([Article.Status.DRAFT, Article.Status.REVIEW])
        else:
            status = Article.Status.PUBLISHED
        words, folded = [title.words, lead.words], [title.folded, lead.folded]
        for n, paragraph in enumerate(paragraphs):
            if n:  # the blank line between paragraphs is a line of its own
                words.append("  ")
                folded.append("  ")
            words.append(paragraph.words)
            folded.append(paragraph.folded)
        # ``index_words`` of the whole text, from each piece's distinct words: the first
        # time a word appears is in the first piece that has it, so the order is the same.
        pieces = [title, lead, *paragraphs]
        distinct = chain.from_iterable(
            chain.from_iterable((p.distinct, p.distinct_folded) for p in pieces)
        )
        outlet = rng.choices(self.outlets, cum_weights=self.outlet_weights)[0]
        slug = Article.slug_with_suffix(self.slug_base(title.text), i + 1, self._slug_length)
        article = Article(
            title=title.text,
            slug=slug,
            lead=lead.text,
            body="\n\n".join(p.text for p in paragraphs),
            author=rng.choice(source.authors) if rng.random() < 0.8 else "",
            outlet=outlet,
            source_url=(
                f"https://{outlet.domain}/{slug}.html" if rng.random() < SOURCE_URL_SHARE else ""
            ),
            published_on=None if status == Article.Status.DRAFT else published_on,
            status=status,
            source_file=GENERATED,
            search_text="\n".join(words),
            search_folded="\n".join(folded),
            search_words=index_tokens(distinct),
            search_pairs=index_tokens(chain.from_iterable(p.pairs for p in pieces)),
        )
        year = published_on.year
        meeting_ids = self.pick(
            *self.meetings_by_year[year],
            rng.choices(MEETING_COUNTS, weights=MEETING_COUNT_WEIGHTS)[0],
        )
        theme_ids = self.pick(
            *self.themes_by_year[year], rng.choices(THEME_COUNTS, weights=THEME_COUNT_WEIGHTS)[0]
        )
        figures = [
            Figure(
                position=n, caption=rng.choice(source.captions), credit=rng.choice(source.credits)
            )
            for n in range(rng.choices(FIGURE_COUNTS, weights=FIGURE_COUNT_WEIGHTS)[0])
        ]
        return Generated(article, meeting_ids, theme_ids, figures)


# -- the whole corpus --------------------------------------------------------------------


class ForeignArticles(Exception):
    """The database holds articles this module did not generate."""


@dataclass
class CorpusReport:
    published: int = 0
    unpublished: int = 0
    figures: int = 0
    meeting_tags: int = 0
    theme_tags: int = 0
    deleted: int = 0
    seconds: float = 0.0  # writing the articles and their rows, not clearing or ANALYZE

    @property
    def articles(self) -> int:
        return self.published + self.unpublished

    @property
    def per_second(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0


def foreign_articles() -> int:
    """Return how many articles were not generated (0 or 1: it stops at the first)."""
    return len(Article.objects.exclude(source_file=GENERATED).values_list("pk", flat=True)[:1])


def corpus_clear(*, foreign: bool) -> int:
    """Delete the generated articles and every row hanging on them; return how many.

    Without other articles, PostgreSQL truncates (instant at any size); otherwise the
    rows go by SQL DELETEs keyed on the mark, never through Django's collector (which
    would load every article).
    """
    count = Article.objects.filter(source_file=GENERATED).count()
    if not count:
        return 0
    # TRUNCATE outside a transaction only: inside one, deferred foreign keys may be pending.
    if connection.vendor == "postgresql" and not foreign and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {Article._meta.db_table} RESTART IDENTITY CASCADE")
        return count
    with transaction.atomic():
        for relation in Article._meta.related_objects:
            if not relation.one_to_many:
                continue
            related = relation.related_model._base_manager.filter(
                **{f"{relation.field.name}__source_file": GENERATED}
            )
            if relation.on_delete is CASCADE:
                related._raw_delete(related.db)
            elif relation.on_delete is SET_NULL:
                related.update(**{relation.field.name: None})
        generated = Article._base_manager.filter(source_file=GENERATED)
        generated._raw_delete(generated.db)
    return count


def corpus_generate(
    *,
    articles: int,
    seed: int = 1,
    batch_size: int = 2000,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
) -> CorpusReport:
    """Replace the generated articles with ``articles`` published ones (and ``articles //
    10`` unpublished ones besides), then recount, tell the caches and ANALYZE.

    Raise ForeignArticles if the database holds articles not generated here, unless
    ``force``: they are then kept, and the generated ones written beside them.
    """
    foreign = foreign_articles()
    if foreign and not force:
        raise ForeignArticles()
    report = CorpusReport(deleted=corpus_clear(foreign=bool(foreign)))
    meetings, themes, outlets = vocabulary_ensure()
    maker = ArticleMaker(seed=seed, meetings=meetings, themes=themes, outlets=outlets)
    total = articles + articles // 10
    start = time.perf_counter()
    with search_indexes_deferred(total >= DEFER_GIN_FROM):
        for first in range(0, total, batch_size):
            batch = [maker.make(i) for i in range(first, min(first + batch_size, total))]
            _write(batch, report, check_slugs=bool(foreign))
            reset_queries()  # under DEBUG, Django would keep every batch's SQL in memory
            if progress:
                progress(len(batch))
    report.seconds = time.perf_counter() - start
    after_load()
    return report


@contextlib.contextmanager
def search_indexes_deferred(defer: bool):
    """On PostgreSQL, drop the article table's GIN indexes for a large load and build them
    again after it (always, even when the load fails): one bulk build costs far less than
    a GIN insertion per row. Their definitions are read from the catalogue, so whatever
    the migrations made is rebuilt exactly."""
    if not defer or connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
            [Article._meta.db_table, "% USING gin %"],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for _name, definition in indexes:
                cursor.execute(definition)
            cursor.execute("RESET maintenance_work_mem")


def _write(batch: list[Generated], report: CorpusReport, *, check_slugs: bool) -> None:
    if check_slugs:  # beside other articles, a generated slug may be taken
        taken = set(
            Article.objects.filter(slug__in=[g.article.slug for g in batch]).values_list(
                "slug", flat=True
            )
        )
        for generated in batch:
            if generated.article.slug in taken:
                generated.article.slug = f"{generated.article.slug[:150]}-g"
                generated.article.source_url = ""
    for generated in batch:
        generated.article.fill_window_columns()
    with transaction.atomic():
        Article.objects.bulk_create([g.article for g in batch])
        figures, meetings, themes = [], [], []
        for generated in batch:
            pk = generated.article.pk
            for figure in generated.figures:
                figure.article_id = pk
                figures.append(figure)
            meetings.extend(
                TaggedMeeting(content_object_id=pk, tag_id=t) for t in generated.meeting_ids
            )
            themes.extend(TaggedTheme(content_object_id=pk, tag_id=t) for t in generated.theme_ids)
        Figure.objects.bulk_create(figures)
        TaggedMeeting.objects.bulk_create(meetings)
        TaggedTheme.objects.bulk_create(themes)
    published = sum(g.article.status == Article.Status.PUBLISHED for g in batch)
    report.published += published
    report.unpublished += len(batch) - published
    report.figures += len(figures)
    report.meeting_tags += len(meetings)
    report.theme_tags += len(themes)


def after_load() -> None:
    """Bring what is derived from the articles up to date: the maintained counts, the
    caches, and the planners' statistics."""
    for module, function in (("counts", "recount_all"), ("caching", "content_changed")):
        try:
            found = importlib.import_module(f"articles.{module}")
        except ModuleNotFoundError:
            continue  # written by another change; nothing to bring up to date without it
        if hasattr(found, function):
            getattr(found, function)()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA optimize")
