"""generate_corpus: realistic generated archives, deterministic, and never over real data."""

import datetime
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.corpus import GENERATED, LAST_DAY, catalogue_meetings, corpus_generate
from articles.models import Article, Figure, MeetingTag, TaggedMeeting, TaggedTheme, ThemeTag
from articles.text import search_columns
from tests import factories

pytestmark = pytest.mark.django_db


def generate(n, *args):
    out = StringIO()
    call_command("generate_corpus", "--articles", str(n), "--no-progress", *args, stdout=out)
    return out.getvalue()


def snapshot():
    """Return what a reader sees of the generated articles, identifiers aside."""
    rows = Article.objects.order_by("slug").prefetch_related("meetings", "themes")
    return [
        (
            a.slug,
            a.title,
            a.lead,
            a.body,
            a.status,
            a.published_on,
            a.outlet.domain,
            sorted(m.slug for m in a.meetings.all()),
            sorted(t.slug for t in a.themes.all()),
            a.figures.count(),
        )
        for a in rows.select_related("outlet")
    ]


def test_n_published_articles_and_a_tenth_more_unpublished():
    output = generate(200)
    assert Article.objects.published().count() == 200
    statuses = Counter(Article.objects.values_list("status", flat=True))
    assert statuses["draft"] + statuses["review"] == 20
    assert statuses["draft"] and statuses["review"]
    assert not Article.objects.filter(status="draft").exclude(published_on=None).exists()
    assert not Article.objects.filter(status="review", published_on=None).exists()
    assert not Article.objects.exclude(source_file=GENERATED).exists()
    assert "200 published and 20 unpublished" in output
    assert "articles/s" in output


def test_articles_have_the_shape_of_the_archive():
    generate(500)
    for article in Article.objects.prefetch_related("meetings", "themes", "figures"):
        assert 1 <= len(article.meetings.all()) <= 3
        assert 1 <= len(article.themes.all()) <= 4
        assert len(article.figures.all()) <= 2
        assert article.outlet_id
        assert article.title and article.lead and len(article.paragraphs()) >= 4
        assert article.content_hash == ""
        if article.published_on:
            assert datetime.date(1990, 1, 1) <= article.published_on <= LAST_DAY
            # a meeting of the article's year or the year before
            assert any(
                m.year in (article.published_on.year, article.published_on.year - 1)
                for m in article.meetings.all()
            )
    published = Article.objects.published()
    years = Counter(published.values_list("published_on__year", flat=True))
    assert sum(n for y, n in years.items() if y >= 2016) > sum(
        n for y, n in years.items() if y < 2016
    )
    themes = Counter(TaggedTheme.objects.values_list("tag__slug", flat=True))
    (common, most), *_, (_rare, least) = themes.most_common()
    assert common == "kinh-te-thuong-mai" and most > 5 * least  # a few common, a long tail
    assert len(themes) == ThemeTag.objects.count() == 14
    assert Article.objects.values("outlet").distinct().count() >= 20
    assert Article.objects.exclude(author="").count() > 300
    assert Article.objects.exclude(source_url="").count() > 100
    assert Figure.objects.exists()
    assert len(set(Article.objects.values_list("slug", flat=True))) == 550


def test_meetings_come_from_the_catalogue():
    generate(100)
    slugs = {m.slug for m in catalogue_meetings()}
    assert {"amm-54", "summit-47", "som-2023", "asean-my-33"} <= slugs
    assert set(TaggedMeeting.objects.values_list("tag__slug", flat=True)) <= slugs
    amm54 = MeetingTag.objects.get(slug="amm-54")
    assert (amm54.year, amm54.place) == (2021, "Trực tuyến (Brunei)")
    assert amm54.name == "Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ 54"


def test_search_columns_are_those_the_model_computes():
    generate(60)
    for article in Article.objects.order_by("?")[:20]:
        columns = (
            article.search_text,
            article.search_folded,
            article.search_words,
            article.search_pairs,
        )
        assert columns == search_columns(article.title, article.lead, article.body)


def test_the_same_seed_gives_the_same_articles():
    generate(80, "--seed", "7")
    first = snapshot()
    generate(80, "--seed", "7")
    assert snapshot() == first
    generate(80, "--seed", "8")
    assert snapshot() != first


def test_a_second_run_replaces_the_generated_articles():
    generate(50)
    output = generate(30)
    assert Article.objects.published().count() == 30
    assert Article.objects.count() == 33
    assert "55 generated articles replaced" in output


def test_refuses_a_database_with_articles_it_did_not_write():
    real = factories.article(title="Bài thật")
    with pytest.raises(CommandError, match="did not write"):
        generate(20)
    assert list(Article.objects.all()) == [real]


def test_force_writes_beside_real_articles_and_keeps_them():
    real = factories.article(title="Bài thật", slug="asean-doan-ket-1")
    meeting = factories.meeting(number=99)
    real.meetings.set([meeting])
    generate(20, "--force")
    generate(10, "--force")  # replaces its own articles only
    assert Article.objects.get(pk=real.pk).meetings.get() == meeting
    assert Article.objects.filter(source_file=GENERATED, status="published").count() == 10
    assert Article.objects.count() == 12


def test_rejects_a_negative_size():
    with pytest.raises(CommandError):
        generate(-1)


def test_published_counts_are_recounted_after_the_load():
    counts = pytest.importorskip("articles.counts")
    if not hasattr(counts, "recount_all"):
        pytest.skip("articles.counts has no recount_all")
    corpus_generate(articles=100, seed=3)
    theme = ThemeTag.objects.get(slug="kinh-te-thuong-mai")
    assert theme.published_count == Article.objects.published().filter(themes=theme).count()
