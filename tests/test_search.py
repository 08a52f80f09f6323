"""The one search, on each database's own index (articles/search/).

Every test here is parametrised over both engines: the SQLite pass of the suite runs the
FTS5 engine, the PostgreSQL pass (.ci/run) the tsvector engine, and both must give the
results written here, which are also checked against a plain-Python reading of the
rules (``oracle``) over every word of the corpus.
"""

import datetime
import itertools

import pytest
from django.db import connection

from articles import search
from articles.models import Article
from articles.pagination import WindowPaginator
from articles.search.results import SearchResults
from articles.search.snippets import SCAN_LIMIT
from articles.text import fold, has_diacritics, search_words

from . import factories

ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(params=ENGINES)
def engine(request, db):
    if connection.vendor != request.param:
        pytest.skip(f"the {request.param} engine runs in the suite's {request.param} pass")
    return request.param


def day(n):
    return datetime.date(2020, 1, 1) + datetime.timedelta(days=n)


CORPUS = {
    # key: (title, lead, body, day)
    "bien_dong": ("Tình hình Biển Đông", "Các nước lo ngại.", "Biển Đông phức tạp.", 1),
    "bien_dong_body": ("Họp ASEAN", "Hội nghị bàn về an ninh.", "Biển Đông được nêu.", 2),
    "bien_dong_ascii": ("Ghi chep", "bien dong viet khong dau.", "", 3),
    "upheaval": ("Thế giới nhiều biến động", "Kinh tế biến động mạnh.", "", 4),
    "community": ("Cộng đồng ASEAN", "Xây dựng cộng đồng.", "Đoàn kết và hợp tác.", 5),
    "an_ninh": ("An ninh khu vực", "Bàn về an ninh hàng hải.", "Hợp tác quốc phòng.", 6),
    "hoa_binh": ("Vì hoà bình", "Hoà bình và ổn định ở Đông Nam Á.", "", 7),
    "myanmar": ("ASEAN họp về Myanmar", "Myanmar và Biển Đông.", "Đồng thuận 5 điểm.", 8),
    "phrase_split": ("Đông Á hợp tác", "Biển và Đông Á.", "Biển là chủ đề.", 9),
    "number": ("AMM-54 khai mạc", "Hội nghị AMM 54 tại Brunei.", "Năm 2021.", 10),
    "di": ("Đi tới thống nhất", "Đi cùng nhau.", "Di sản văn hóa.", 11),
}


@pytest.fixture
def corpus(engine):
    return {
        key: factories.article(title=t, lead=lead, body=body, published_on=day(n))
        for key, (t, lead, body, n) in CORPUS.items()
    }


def keys(corpus, found):
    names = {article.pk: key for key, article in corpus.items()}
    return [names[article.pk] for article in found]


def ranked(corpus, query):
    return keys(corpus, search.search_ranked(Article.objects.published(), query)[:100])


# -- the rules, on both engines -------------------------------------------------------


BIEN_DONG = ["upheaval", "bien_dong", "myanmar", "bien_dong_ascii", "bien_dong_body"]


@pytest.mark.parametrize(
    "query, expected",
    [
        # Without diacritics: with or without them. The whole query as a phrase in the
        # title first, then as a phrase elsewhere, then every word anywhere; newest first.
        ("bien dong", [*BIEN_DONG, "phrase_split"]),
        ("Bien Dong", [*BIEN_DONG, "phrase_split"]),
        # With diacritics: exactly ("Biển Đông" never finds "biến động").
        ("Biển Đông", ["bien_dong", "myanmar", "bien_dong_body", "phrase_split"]),
        ('"Biển Đông"', ["bien_dong", "myanmar", "bien_dong_body"]),
        ("biến động", ["upheaval"]),
        # Word starts: "an" finds "an ninh", never the inside of "ASEAN".
        ("an", ["an_ninh", "bien_dong_body"]),
        ("asea", ["myanmar", "community", "bien_dong_body"]),
        # Every term must match; a quoted phrase keeps its words together and in order.
        ("Myanmar Biển", ["myanmar"]),
        ('"Đông Á"', ["phrase_split"]),
        ('"Á Đông"', []),
        ('"Đông ASEAN"', []),
        # Old and new tone placement are one spelling.
        ("hòa bình", ["hoa_binh"]),
        ("hoà bình", ["hoa_binh"]),
        # "đ" folds to "d"; typed with "đ" it matches "đ" only (word starts: "điểm").
        ("di", ["di", "myanmar", "hoa_binh"]),
        ("đi", ["di", "myanmar"]),
        ("Đi tới", ["di"]),
        # Numbers are words; punctuation between words is a space.
        ("amm 54", ["number"]),
        ('"amm 54"', ["number"]),
        ("54", ["number"]),
        # Nothing found.
        ("khongcotu", []),
    ],
)
def test_search_rules_and_ranking(corpus, query, expected):
    assert ranked(corpus, query) == expected


def test_whole_query_as_a_phrase_ranks_before_title_matches(engine):
    older_phrase = factories.article(
        title="Tin khác", lead="Hợp tác an ninh biển.", body="", published_on=day(1)
    )
    title_only = factories.article(
        title="An ninh và hợp tác", lead="Không có cụm từ.", body="", published_on=day(5)
    )
    newest = factories.article(
        title="Tin mới", lead="Về an ninh và về hợp tác.", body="", published_on=day(9)
    )
    found = list(search.search_ranked(Article.objects.published(), "hợp tác an ninh")[:10])
    assert found == [older_phrase, title_only, newest]


def test_drafts_are_never_found_by_readers(corpus):
    factories.article(title="Biển Đông bản nháp", status=Article.Status.DRAFT, published_on=None)
    assert "Biển Đông bản nháp" not in {
        a.title for a in search.search_ranked(Article.objects.published(), "bien dong")[:50]
    }
    staff = search.search_articles(Article.objects.all(), "bien dong")
    assert "Biển Đông bản nháp" in {a.title for a in staff}


# -- the same as the rules read in plain Python, for every word of the corpus ----------


def oracle(query):
    """The articles matching ``query`` by the rules, read in Python from the columns."""
    terms = search.query_terms(query)
    found = set()
    for article in Article.objects.all():
        columns = {"search_text": article.search_text, "search_folded": article.search_folded}
        if all(term.needle in columns[term.column] for term in terms):
            found.add(article.pk)
    return found


def corpus_queries():
    words = sorted(
        {
            w
            for t, lead, body, _ in CORPUS.values()
            for w in search_words(f"{t} {lead} {body}").split()
        }
    )
    queries = set()
    for word in words:
        queries.update({word, fold(word), word[:2], fold(word)[:1]})
    for first, second in itertools.pairwise(words):
        queries.update({f"{first} {second}", f'"{first} {second}"', f'"{fold(first)} {second}"'})
    return sorted(queries)


def test_every_word_and_pair_of_the_corpus_finds_what_the_rules_say(corpus):
    queries = corpus_queries()
    assert len(queries) > 150
    for query in queries:
        found = {a.pk for a in search.search_articles(Article.objects.all(), query)}
        assert found == oracle(query), query


def test_each_page_of_ranked_results_is_the_full_ranking_cut_in_pages(engine):
    # 23 matches over the four tiers: phrase+title, phrase, title, neither.
    for n in range(23):
        title = "Hợp tác kinh tế" if n % 3 == 0 else ("Kinh tế và hợp tác" if n % 3 else "Tin")
        lead = "Thúc đẩy hợp tác kinh tế." if n % 2 else "Kinh tế cần hợp tác."
        factories.article(title=title, lead=lead, body="", published_on=day(n % 7))
    results = search.search_ranked(Article.objects.published(), "hop tac kinh te")
    whole = list(results[0:100])
    assert len(whole) == 23 == results.count_up_to(1000)

    def key(article):
        phrase = " hop tac kinh te" in article.search_folded
        title = all(f" {w}" in article.search_title_folded for w in ("hop", "tac", "kinh", "te"))
        return (not phrase, not title, -article.published_on.toordinal(), -article.pk)

    assert whole == sorted(whole, key=key)
    pages = [list(results[start : start + 5]) for start in range(0, 25, 5)]
    assert [a for page in pages for a in page] == whole


def test_an_explicit_order_replaces_the_ranking(corpus):
    results = search.search_ranked(
        Article.objects.published().order_by("title"), "bien dong", ranked=False
    )
    titles = [a.title for a in results[:10]]
    assert titles == sorted(titles)


# -- counts: exact up to a bound, "more than" above it ----------------------------------


def test_counts_stop_at_the_window_and_say_so(corpus, monkeypatch):
    results = search.search_ranked(Article.objects.published(), "bien dong")
    monkeypatch.setattr(SearchResults, "window", 3)
    paginator = WindowPaginator(results, 2)
    assert (paginator.count, paginator.count_exact, paginator.num_pages) == (3, False, 2)
    monkeypatch.setattr(SearchResults, "window", 6)  # "bien dong" matches 6 articles
    results = search.search_ranked(Article.objects.published(), "bien dong")
    paginator = WindowPaginator(results, 2)
    assert (paginator.count, paginator.count_exact) == (6, True)


def test_search_page_says_more_than_when_the_count_is_bounded(client, corpus, monkeypatch):
    monkeypatch.setattr(SearchResults, "window", 2)
    page = client.get("/search/?q=bien+dong").content.decode()
    assert "Hơn 2 kết quả" in page
    assert client.get("/search/?q=bien+dong&page=2").status_code == 404


def test_api_count_is_bounded_and_marked(client, corpus, monkeypatch):
    monkeypatch.setattr(SearchResults, "window", 2)
    body = client.get("/api/v1/articles/?q=bien+dong&page_size=1").json()
    assert (body["count"], body["count_exact"], len(body["results"])) == (2, False, 1)
    response = client.get("/api/v1/articles/?q=bien+dong&page_size=1&page=3")
    assert response.status_code == 404 and "bộ lọc" in response.json()["detail"]


def test_search_page_query_count_does_not_grow_with_the_matches(
    client, engine, django_assert_max_num_queries
):
    for n in range(30):
        factories.article(title=f"Biển Đông {n}", published_on=day(n))
    # Count, at most four tiers (with the skip counts of a page), the page's articles and
    # their tags, the vocabulary lists of the form.
    with django_assert_max_num_queries(14):
        assert client.get("/search/?q=bien+dong&page=2").status_code == 200


# -- the index follows every write ------------------------------------------------------


def test_index_follows_edits_deletes_and_bulk_writes(engine):
    article = factories.article(title="Hội nghị thượng đỉnh", lead="Nội dung cũ.", body="")
    assert list(search.search_articles(Article.objects.all(), "cu")) == [article]
    article.lead = "Nội dung mới."
    article.save()
    assert list(search.search_articles(Article.objects.all(), "cu")) == []
    assert list(search.search_articles(Article.objects.all(), "moi")) == [article]
    Article.objects.filter(pk=article.pk).delete()
    assert list(search.search_articles(Article.objects.all(), "moi")) == []
    bulk = Article(title="Bài hàng loạt", slug="bai-hang-loat", lead="Đồng bằng sông Cửu Long.")
    bulk.fill_search_columns()
    Article.objects.bulk_create([bulk])
    found = search.search_articles(Article.objects.all(), "cuu long")
    assert [a.title for a in found] == ["Bài hàng loạt"]


def test_phrases_are_looked_up_by_their_pairs_of_words(engine):
    from articles.search.index import match_q
    from articles.search.query import query_terms

    holds = factories.article(title="Tin", lead="Bàn về an ninh hàng hải.", body="")
    scattered = factories.article(title="Tin", lead="Hàng hải, an ninh.", body="")
    article = Article.objects.get(pk=holds.pk)
    assert "an·ninh" in article.search_pairs.split() and "hang·hai" in article.search_pairs
    # The pair index alone (no phrase check) already leaves out the scattered words.
    from articles.search.index import IndexMatch

    terms = query_terms('"an ninh hàng"')
    by_pairs = Article.objects.filter(IndexMatch(terms, pairs=True))
    assert list(by_pairs) == [holds]
    assert list(Article.objects.filter(match_q(terms))) == [holds]
    assert scattered in Article.objects.filter(IndexMatch(terms))  # the words alone do not


def test_title_columns_hold_the_first_line_of_the_search_columns(engine):
    article = factories.article(title="Biển Đông: tuyên bố chung", lead="Sapo.", body="")
    article.refresh_from_db()
    assert article.search_title == " biển đông tuyên bố chung \n"
    assert article.search_title_folded == " bien dong tuyen bo chung \n"
    only_title = factories.article(title="Chỉ có tiêu đề", lead="", body="")
    only_title.refresh_from_db()
    assert only_title.search_title == only_title.search_text == " chỉ có tiêu đề "


@pytest.mark.parametrize("engine_name", ["sqlite"])
def test_sqlite_triggers_come_back_after_a_table_rebuild(engine, engine_name):
    if engine != "sqlite":
        pytest.skip("only SQLite rebuilds tables")
    from articles.search.schema import ensure_index

    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER article_search_insert")
    ensure_index(using="default")
    article = factories.article(title="Sau khi dựng lại bảng")
    assert list(search.search_articles(Article.objects.all(), "dung lai")) == [article]


def test_hostile_queries_are_plain_text_for_the_index(client, corpus):
    for query in ["a'b", "NEAR(a b)", "x:y", "a & b", "bien*", "(bien) -dong"]:
        response = client.get("/api/v1/articles/", {"q": query})
        assert response.status_code == 200, query
        assert client.get("/search/", {"q": query}).status_code == 200, query
    # No letter or digit: nothing to search, said so (tests/test_hostile.py), never a 500.
    for query in ['"', "'", "*", "&|!", "\\", "-", "()"]:
        assert client.get("/api/v1/articles/", {"q": query}).status_code == 400, query
        assert client.get("/search/", {"q": query}).status_code == 200, query


# -- snippets from a bounded window ----------------------------------------------------


def test_snippet_marks_a_match_deep_in_a_long_text_from_a_window(monkeypatch):
    from articles.search import snippets

    text = "\n".join(["Đoạn mở đầu không liên quan gì."] * 300 + ["Vấn đề Biển Đông ở đây."])
    seen = []
    real = snippets._match_spans

    def spy(window, terms):
        seen.append(len(window))
        return real(window, terms)

    monkeypatch.setattr(snippets, "_match_spans", spy)
    out = snippets.snippet(text, "bien dong")
    assert "<mark>Biển Đông</mark>" in out and out.startswith("… ")
    assert max(seen) < 2000  # never the whole 10,000-character text


def test_snippet_of_a_text_matching_only_in_its_title_shows_its_start():
    text = "Một đoạn. " * (SCAN_LIMIT // 5)
    out = search.snippet(text, "khongco")
    assert out.startswith("Một đoạn.") and "<mark>" not in out
    assert len(out) < 400


def test_folding_covers_every_vietnamese_letter():
    letters = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
    folded = fold(letters + letters.upper())
    assert folded.isascii() and set(folded) <= set("aeiouyd")
    assert all(has_diacritics(ch) for ch in letters if ch not in "aeiouy")


# -- the migration indexes the articles already in the archive -------------------------


@pytest.mark.django_db(transaction=True)
def test_migration_indexes_existing_articles_and_reverses():
    from django.core.management import call_command
    from django.db.migrations.executor import MigrationExecutor

    from articles.text import search_columns

    executor = MigrationExecutor(connection)
    before = [("articles", "0008_content_hash_one_index")]
    executor.migrate(before)
    try:
        old = MigrationExecutor(connection).loader.project_state(before).apps
        text, folded, *_ = search_columns("Biển Đông nóng lên", "", "Bàn về an ninh.")
        old.get_model("articles", "Article").objects.create(
            title="Biển Đông nóng lên",
            slug="bien-dong-nong-len",
            status="published",
            published_on=datetime.date(2021, 1, 1),
            search_text=text,
            search_folded=folded,
        )
        call_command("migrate", "articles", verbosity=0)
        found = search.search_articles(Article.objects.all(), "an ninh")
        assert [a.slug for a in found] == ["bien-dong-nong-len"]
        assert [a.slug for a in search.search_articles(Article.objects.all(), "Biển Đông")] == [
            "bien-dong-nong-len"
        ]
        phrase = search.search_articles(Article.objects.all(), '"ban ve an ninh"')
        assert [a.slug for a in phrase] == ["bien-dong-nong-len"]  # the pairs were filled
        MigrationExecutor(connection).migrate(before)  # and back again, cleanly
    finally:
        call_command("migrate", "articles", verbosity=0)
        Article.objects.all().delete()


def test_words_and_articles_larger_than_the_index_keeps_are_stored_and_found(engine):
    from articles.text import INDEX_TOKENS

    # 2,400 bytes without a space: more than PostgreSQL keeps of a word; stored all the same.
    article = factories.article(title="Chữ Hán", lead=f"Mở đầu {'漢' * 800} kết thúc.", body="")
    other = factories.article(title="Chữ Hán khác", lead=f"Mở đầu {'漢' * 120}字 nữa.", body="")
    # Longer than the index keeps (100 characters): found by its start, then checked.
    assert list(search.search_articles(Article.objects.all(), "漢" * 150)) == [article]
    assert set(search.search_articles(Article.objects.all(), "漢" * 90)) == {article, other}
    assert list(search.search_articles(Article.objects.all(), f"{'漢' * 120}字")) == [other]
    assert set(search.search_articles(Article.objects.all(), '"mo dau 漢"')) == {article, other}
    # Far more distinct words and pairs than the index keeps (PostgreSQL: 1 MB a vector).
    many = " ".join(f"tu{n}x" for n in range(INDEX_TOKENS + 50))
    huge = factories.article(title="Bài rất dài", lead="", body=many)
    assert list(search.search_articles(Article.objects.all(), '"bai rat dai"')) == [huge]
    assert list(search.search_articles(Article.objects.all(), "tu7x")) == [huge]


def test_snippet_finds_a_match_deep_in_one_long_paragraph():
    text = "Một đoạn rất dài không xuống dòng. " * 120 + "Vấn đề Biển Đông ở cuối."
    out = search.snippet(text, "bien dong")
    assert "<mark>Biển Đông</mark>" in out and out.startswith("… ")
