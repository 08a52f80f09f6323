"""The editors' admin: lists, filters, search, the article form, actions, tag vocabularies."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.contrib import messages
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from articles.models import Article, Figure, MeetingTag, ThemeTag

from . import factories

pytestmark = pytest.mark.django_db

ARTICLES = reverse("admin:articles_article_changelist")
ARTICLE_ADD = reverse("admin:articles_article_add")
MEETINGS = reverse("admin:articles_meetingtag_changelist")
THEMES = reverse("admin:articles_themetag_changelist")
THEME_ADD = reverse("admin:articles_themetag_add")
OUTLETS = reverse("admin:articles_outlet_changelist")

# The changelist's queries for any number of articles: session, user, two for permissions,
# the choices of four filters (outlets, meetings, themes, years), two counts, the page with
# its outlets joined, meetings and themes prefetched, two for the date hierarchy, and the
# number waiting for review ("Chờ duyệt (N)", read from the partial index of articles in
# review). Pinned so a query per row, or a new one per page, shows up as a failure.
CHANGELIST_QUERIES = 16


def change_url(obj):
    return reverse(f"admin:articles_{obj._meta.model_name}_change", args=[obj.pk])


def listed(response):
    """Return the titles (or names) of the rows of a changelist response."""
    assert response.status_code == 200
    return {str(obj) for obj in response.context["cl"].result_list}


def cell(html, field, row_text):
    """Return the text of column ``field`` in the row that contains ``row_text``."""
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S):
        if row_text in row:
            match = re.search(rf'<td class="field-{field}[^"]*">(.*?)</td>', row, re.S)
            assert match, f"no column {field} in the row of {row_text!r}"
            return re.sub(r"<[^>]+>", "", match.group(1)).strip()
    raise AssertionError(f"no row contains {row_text!r}")


def messages_of(response, level=None):
    return [
        str(m) for m in get_messages(response.wsgi_request) if level is None or m.level == level
    ]


def run_action(client, url, action, objs, **extra):
    data = {"action": action, "_selected_action": [o.pk for o in objs], "index": 0, **extra}
    return client.post(url, data)


def status_of(article):
    return Article.objects.values_list("status", flat=True).get(pk=article.pk)


class PostForm:
    def __init__(self, action):
        self.action, self.data, self.radios = action, {}, {}


class PostForms(HTMLParser):
    """The <form method="post"> of a page and what a browser would post from each."""

    def __init__(self):
        super().__init__()
        self.forms, self.current = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.current = PostForm(attrs.get("action") or "")
            self.forms.append(self.current)
        elif tag == "input" and self.current and attrs.get("name"):
            form, kind = self.current, attrs.get("type", "text")
            name, value = attrs["name"], attrs.get("value") or ""
            if kind == "radio":
                form.radios.setdefault(name, []).append(value)
                if "checked" in attrs:
                    form.data[name] = [value]
            elif kind != "submit":
                form.data.setdefault(name, []).append(value)

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def post_form_with(html, field):
    """Return the page's post form that has an input named ``field``."""
    parser = PostForms()
    parser.feed(html)
    found = [f for f in parser.forms if field in f.data or field in f.radios]
    assert len(found) == 1, f"{len(found)} forms with {field!r}"
    return found[0]


def article_form_data(article, **changes):
    """The change form's POST for ``article``: its current values, then ``changes``."""
    data = {
        "title": article.title,
        "slug": article.slug,
        "status": article.status,
        "published_on": article.published_on.isoformat() if article.published_on else "",
        "author": article.author,
        "outlet": article.outlet_id or "",
        "source_url": article.source_url,
        "lead": article.lead,
        "body": article.body,
        "meetings": [m.pk for m in article.meetings.all()] if article.pk else [],
        "themes": [t.pk for t in article.themes.all()] if article.pk else [],
        "figures-TOTAL_FORMS": 0,
        "figures-INITIAL_FORMS": 0,
        "figures-MIN_NUM_FORMS": 0,
        "figures-MAX_NUM_FORMS": 1000,
        "_save": "Lưu",
    }
    data.update(changes)
    return data


# -- article list -----------------------------------------------------------------------


def test_article_changelist_shows_the_archive_columns(editor_client):
    outlet = factories.outlet(name="Báo Thế Giới và Việt Nam")
    amm = factories.meeting(number=54)
    sea = factories.theme(name="Biển Đông", slug="bien-dong")
    article = factories.article(
        title="AMM-54 bàn về Biển Đông",
        outlet=outlet,
        published_on=datetime.date(2021, 8, 2),
        meetings=[amm],
        themes=[sea],
    )
    undated = factories.article(
        title="Bài chưa có ngày", status=Article.Status.DRAFT, published_on=None
    )
    response = editor_client.get(ARTICLES)
    assert response.status_code == 200
    html = response.content.decode()
    columns = ["title", "outlet", "published_display", "status_label", "meeting_list", "theme_list"]
    for column in columns:
        assert f"column-{column}" in html
    assert cell(html, "outlet", article.title) == outlet.name
    assert cell(html, "published_display", article.title) == "02/08/2021"
    assert cell(html, "published_display", undated.title) == "—"
    with translation.override("vi"):
        assert cell(html, "status_label", article.title) == str(article.get_status_display())
    assert '<span class="status-label status-published" title="Đang đăng">' in html
    assert cell(html, "meeting_list", article.title) == "AMM-54"
    assert cell(html, "theme_list", article.title) == "Biển Đông"
    assert cell(html, "meeting_list", undated.title) in {"", "-"}


def test_article_changelist_lists_several_tags_per_article(editor_client):
    amm, arf = (
        factories.meeting(number=54),
        factories.meeting(
            number=28, series="ARF", slug="arf-28", name="Diễn đàn khu vực ASEAN lần thứ 28"
        ),
    )
    article = factories.article(meetings=[amm, arf])
    html = editor_client.get(ARTICLES).content.decode()
    assert set(cell(html, "meeting_list", article.title).split(", ")) == {"AMM-54", "ARF-28"}


def test_article_changelist_keeps_long_tag_lists_compact(editor_client):
    themes = [factories.theme(name=f"Chủ đề {n}", slug=f"chu-de-{n}") for n in range(5)]
    article = factories.article(themes=themes)
    html = editor_client.get(ARTICLES).content.decode()
    assert cell(html, "theme_list", article.title) == "Chủ đề 0, Chủ đề 1, Chủ đề 2 +2"
    assert 'class="more-tags" title="Chủ đề 3, Chủ đề 4">+2</span>' in html
    assert "articles/admin/changelist.css" in html


def test_article_changelist_query_count_does_not_grow_with_articles(
    editor_client, django_assert_max_num_queries
):
    outlet = factories.outlet()
    meetings = [factories.meeting() for _ in range(2)]
    themes = [factories.theme() for _ in range(2)]

    def add(n):
        for i in range(n):
            factories.article(
                outlet=outlet,
                meetings=meetings[: 1 + i % 2],
                themes=themes[: 1 + i % 2],
                published_on=datetime.date(2019 + i % 3, 1 + i % 12, 1),
            )

    add(3)
    editor_client.get(ARTICLES)  # warm up: session, content types
    with CaptureQueriesContext(connection) as few:
        assert len(listed(editor_client.get(ARTICLES))) == 3
    add(27)
    with CaptureQueriesContext(connection) as many:
        assert len(listed(editor_client.get(ARTICLES))) == 30
    assert len(few) == len(many)
    with django_assert_max_num_queries(CHANGELIST_QUERIES):
        editor_client.get(ARTICLES)


# -- filters ----------------------------------------------------------------------------


@pytest.fixture
def filtered_archive():
    """Three articles that differ in every filtered property."""
    vnexpress, baoquocte = factories.outlet(name="VnExpress"), factories.outlet(name="Quốc tế")
    amm54 = factories.meeting(number=54)
    amm55 = factories.meeting(number=55)
    arf = factories.meeting(
        series="ARF", number=28, slug="arf-28", name="Diễn đàn khu vực ASEAN lần thứ 28"
    )
    sea = factories.theme(name="Biển Đông", slug="bien-dong")
    myanmar = factories.theme(name="Myanmar", slug="myanmar")
    return {
        "amm54": factories.article(
            title="Bài AMM-54",
            outlet=vnexpress,
            published_on=datetime.date(2021, 8, 2),
            meetings=[amm54],
            themes=[sea],
        ),
        "amm55": factories.article(
            title="Bài AMM-55",
            outlet=baoquocte,
            status=Article.Status.DRAFT,
            published_on=datetime.date(2022, 8, 3),
            meetings=[amm55],
            themes=[sea, myanmar],
        ),
        "arf": factories.article(
            title="Bài ARF-28",
            outlet=baoquocte,
            status=Article.Status.REVIEW,
            published_on=datetime.date(2021, 8, 4),
            meetings=[arf],
            themes=[myanmar],
        ),
        "vnexpress": vnexpress,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=draft", {"Bài AMM-55"}),
        ("status=published", {"Bài AMM-54"}),
        ("series=AMM", {"Bài AMM-54", "Bài AMM-55"}),
        ("series=ARF", {"Bài ARF-28"}),
        ("meeting=amm-55", {"Bài AMM-55"}),
        ("meeting=arf-28", {"Bài ARF-28"}),
        ("theme=bien-dong", {"Bài AMM-54", "Bài AMM-55"}),
        ("theme=myanmar", {"Bài AMM-55", "Bài ARF-28"}),
        ("year=2021", {"Bài AMM-54", "Bài ARF-28"}),
        ("year=2022", {"Bài AMM-55"}),
        ("published_on__year=2021", {"Bài AMM-54", "Bài ARF-28"}),
        ("published_on__year=2021&published_on__month=8&published_on__day=4", {"Bài ARF-28"}),
        ("series=AMM&theme=myanmar", {"Bài AMM-55"}),
    ],
)
def test_each_article_filter_narrows_the_list(editor_client, filtered_archive, query, expected):
    assert listed(editor_client.get(f"{ARTICLES}?{query}")) == expected


def test_outlet_filter_narrows_the_list(editor_client, filtered_archive):
    outlet = filtered_archive["vnexpress"]
    assert listed(editor_client.get(f"{ARTICLES}?outlet__id__exact={outlet.pk}")) == {"Bài AMM-54"}


def test_article_with_two_tags_of_a_filtered_series_is_listed_once(editor_client):
    amm54, amm55 = factories.meeting(number=54), factories.meeting(number=55)
    factories.article(title="Bài hai hội nghị", meetings=[amm54, amm55])
    response = editor_client.get(f"{ARTICLES}?series=AMM")
    assert [a.title for a in response.context["cl"].result_list] == ["Bài hai hội nghị"]


def test_filter_sidebar_offers_the_archive_choices(editor_client, filtered_archive):
    html = editor_client.get(ARTICLES).content.decode()
    for query in ["?series=AMM", "?meeting=amm-54", "?theme=myanmar", "?year=2022", "?year=2021"]:
        assert f'href="{query}"' in html
    assert "?year=2020" not in html


# -- search -----------------------------------------------------------------------------


def test_search_without_diacritics_finds_the_diacritic_spelling(editor_client):
    factories.article(title="Bài một", body="Tình hình Biển Đông phức tạp.")
    factories.article(title="Bài khác", body="Hợp tác kinh tế số.")
    assert listed(editor_client.get(ARTICLES, {"q": "bien dong"})) == {"Bài một"}


def test_search_with_diacritics_does_not_match_other_diacritics(editor_client):
    factories.article(title="Bài một", body="Tình hình Biển Đông phức tạp.")
    factories.article(title="Bài hai", body="Thế giới nhiều biến động.")
    assert listed(editor_client.get(ARTICLES, {"q": "Biển Đông"})) == {"Bài một"}
    assert listed(editor_client.get(ARTICLES, {"q": "bien dong"})) == {"Bài một", "Bài hai"}


@pytest.mark.parametrize("field", ["title", "lead", "body"])
def test_search_covers_title_lead_and_body(editor_client, field):
    fields = {"title": "Bài chứa từ khóa", field: "Đồng thuận năm điểm về Myanmar"}
    found = factories.article(**fields)
    factories.article(title="Bài không chứa")
    assert listed(editor_client.get(ARTICLES, {"q": "dong thuan nam diem"})) == {found.title}


def test_search_quoted_phrase_matches_adjacent_words_only(editor_client):
    factories.article(title="Cụm từ liền", body="Tranh chấp ở Biển Đông kéo dài.")
    factories.article(title="Từ rời", body="Vùng biển phía Đông của đảo.")
    assert listed(editor_client.get(ARTICLES, {"q": "bien dong"})) == {"Cụm từ liền", "Từ rời"}
    assert listed(editor_client.get(ARTICLES, {"q": '"bien dong"'})) == {"Cụm từ liền"}
    assert listed(editor_client.get(ARTICLES, {"q": '"Biển Đông" tranh'})) == {"Cụm từ liền"}


def titles_in_order(response):
    return re.findall(
        r'<th class="field-title"><a href="[^"]+">([^<]+)</a>', response.content.decode()
    )


def test_search_ranks_as_the_site_does_unless_a_column_is_chosen(editor_client):
    old = factories.article(
        title="ASEAN đoàn kết, nâng cao chất lượng hợp tác",
        published_on=datetime.date(2022, 7, 29),
    )
    new = factories.article(
        title="Tin mới",
        body="Nâng cao năng lực và đoàn kết khu vực.",
        published_on=datetime.date(2024, 1, 5),
    )
    factories.article(title="Không liên quan", published_on=datetime.date(2024, 6, 1))
    ranked = editor_client.get(ARTICLES, {"q": "doan ket nang cao"})
    assert titles_in_order(ranked) == [old.title, new.title]  # the phrase first, as on the site
    by_date = editor_client.get(ARTICLES, {"q": "doan ket nang cao", "o": "-3"})
    assert titles_in_order(by_date) == [new.title, old.title]  # the column the editor chose
    assert editor_client.get(ARTICLES, {"q": "khong co tu nay"}).context["cl"].result_count == 0


# -- the article form -------------------------------------------------------------------


@pytest.fixture
def imported_article():
    sea = factories.theme(name="Biển Đông", slug="bien-dong")
    amm = factories.meeting(number=54)
    article = factories.article(
        title="Bộ trưởng Ngoại giao dự AMM-54",
        status=Article.Status.REVIEW,
        body="Hội nghị AMM-54 bàn về Biển Đông.",
        raw_text="VĂN BẢN GỐC nhập từ tệp\nBộ trưởng Ngoại giao dự AMM-54",
        source_file="amm54.txt",
        content_hash="a" * 64,
        meetings=[amm],
        themes=[sea],
    )
    Figure.objects.create(article=article, position=0, caption="Toàn cảnh hội nghị", credit="TTXVN")
    Figure.objects.create(article=article, position=1, caption="Các bộ trưởng chụp ảnh chung")
    return article


def test_change_form_shows_an_imported_article(editor_client, imported_article):
    response = editor_client.get(change_url(imported_article))
    assert response.status_code == 200
    html = response.content.decode()
    # Figures inline.
    assert 'name="figures-TOTAL_FORMS" value="2"' in html
    assert "Toàn cảnh hội nghị" in html and "Các bộ trưởng chụp ảnh chung" in html
    # The imported text is shown, read-only.
    assert "VĂN BẢN GỐC nhập từ tệp" in html
    assert 'name="raw_text"' not in html and 'name="content_hash"' not in html
    assert "amm54.txt" in html
    # Tags as multiple autocomplete selects with the current ones selected.
    meeting, theme = imported_article.meetings.get(), imported_article.themes.get()
    for name, tag in [("meetings", meeting), ("themes", theme)]:
        select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
        assert select and "multiple" in select.group(0) and "admin-autocomplete" in select.group(0)
        assert re.search(rf'<option value="{tag.pk}"[^>]*selected', select.group(1))


def test_change_form_shows_why_each_tag_was_proposed(editor_client, vocabulary):
    from articles.services import article_import

    from .conftest import SEEDS

    seed = SEEDS / "000_70b5c8d6d0b5c278.txt"
    result = article_import(data=seed.read_bytes(), source_file=seed.name)
    article = Article.objects.get(pk=result.article_id)
    html = editor_client.get(change_url(article)).content.decode()
    evidence = re.search(r'<ul class="tag-evidence">(.*?)</ul>\s*</div>', html, re.S).group(1)
    assert "<strong>SOM 2021</strong>" in evidence
    assert "<mark>SOM ASEAN</mark>: Tăng cường hợp tác" in evidence
    assert "(tiêu đề)" in evidence
    assert "<strong>Biển Đông</strong>" in evidence


def test_a_tag_set_by_hand_says_it_has_no_tagger_evidence(editor_client, imported_article):
    html = editor_client.get(change_url(imported_article)).content.decode()
    assert "gắn tay, không có bằng chứng của bộ gắn thẻ" in html


def test_view_on_site_leads_to_the_article_page(editor_client, imported_article):
    html = editor_client.get(change_url(imported_article)).content.decode()
    link = re.search(r'<a href="([^"]+)" class="viewsitelink"', html)
    assert link
    response = editor_client.get(link.group(1))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/bai-viet/{imported_article.slug}/")
    assert editor_client.get(response["Location"]).status_code == 200


def test_saving_the_form_updates_meetings_and_themes(editor_client, imported_article):
    new_meeting = factories.meeting(number=55)
    themes = [factories.theme(name="Myanmar", slug="myanmar"), factories.theme()]
    data = article_form_data(
        imported_article,
        meetings=[new_meeting.pk],
        themes=[t.pk for t in themes],
        lead="Sapo mới.",
    )
    response = editor_client.post(change_url(imported_article), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    imported_article.refresh_from_db()
    assert imported_article.lead == "Sapo mới."
    assert list(imported_article.meetings.all()) == [new_meeting]
    assert set(imported_article.themes.all()) == set(themes)
    # The import record is kept.
    assert imported_article.raw_text.startswith("VĂN BẢN GỐC")
    assert imported_article.figures.count() == 2


def test_saving_the_form_can_remove_every_tag(editor_client, imported_article):
    data = article_form_data(imported_article, meetings=[], themes=[])
    assert editor_client.post(change_url(imported_article), data).status_code == 302
    assert not imported_article.meetings.exists() and not imported_article.themes.exists()


@pytest.mark.parametrize(
    "url", ['https://vnexpress.net/a"b', "https://vnexpress.net/a[1]", "ftp://vnexpress.net/a"]
)
def test_a_source_url_that_is_no_http_uri_is_refused_keeping_the_input(editor_client, url):
    article = factories.article(status=Article.Status.REVIEW, lead="Sapo cũ.")
    data = article_form_data(article, source_url=url, lead="Sapo mới.")
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "http(s)" in form.errors["source_url"][0]
    assert form["lead"].value() == "Sapo mới."  # what the editor typed is still there
    article.refresh_from_db()
    assert (article.source_url, article.lead) == ("", "Sapo cũ.")


def test_a_stored_source_url_the_rule_refuses_does_not_block_other_changes(editor_client):
    article = factories.article(status=Article.Status.REVIEW)
    Article.objects.filter(pk=article.pk).update(source_url="https://vnexpress.net/a|b")
    article.refresh_from_db()
    response = editor_client.post(change_url(article), article_form_data(article, lead="Mới."))
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert (article.lead, article.source_url) == ("Mới.", "https://vnexpress.net/a|b")


def test_a_source_url_is_stored_as_a_uri(editor_client):
    article = factories.article(status=Article.Status.REVIEW)
    data = article_form_data(article, source_url="https://báo.vn/bài-viet")
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.source_url == "https://xn--bo-mia.vn/b%C3%A0i-viet"


def test_adding_with_empty_slug_makes_a_vietnamese_slug(editor_client):
    data = article_form_data(
        Article(title="Đối thoại Biển Đông", status=Article.Status.REVIEW),
        slug="",
        published_on="2021-08-02",
    )
    response = editor_client.post(ARTICLE_ADD, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Article.objects.get().slug == "doi-thoai-bien-dong"


def test_emptying_the_slug_on_change_makes_it_again_from_the_title(editor_client):
    article = factories.article(
        title="Đối thoại Biển Đông", slug="tam-thoi", status=Article.Status.REVIEW
    )
    assert (
        editor_client.post(change_url(article), article_form_data(article, slug="")).status_code
        == 302
    )
    article.refresh_from_db()
    assert article.slug == "doi-thoai-bien-dong"
    # Its own slug is not "taken": emptying it again gives the same slug back.
    assert (
        editor_client.post(change_url(article), article_form_data(article, slug="")).status_code
        == 302
    )
    article.refresh_from_db()
    assert article.slug == "doi-thoai-bien-dong"
    # Another article's is.
    other = factories.article(title="Bài khác", slug="bai-khac", status=Article.Status.REVIEW)
    data = article_form_data(other, slug="", title="Đối thoại Biển Đông")
    assert editor_client.post(change_url(other), data).status_code == 302
    other.refresh_from_db()
    assert other.slug == "doi-thoai-bien-dong-2"


def test_editor_without_publish_permission_cannot_publish_via_change_form(
    editor_client, imported_article
):
    data = article_form_data(imported_article, status=Article.Status.PUBLISHED, title="Tựa mới")
    response = editor_client.post(change_url(imported_article), data)
    # Refused on the form, with the reason beside the status and the input kept.
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "publisher" in " ".join(form.errors["status"])
    assert form["title"].value() == "Tựa mới"
    imported_article.refresh_from_db()
    assert imported_article.status == Article.Status.REVIEW
    assert imported_article.title == "Bộ trưởng Ngoại giao dự AMM-54"


def test_editor_without_publish_permission_cannot_add_a_published_article(editor_client):
    data = article_form_data(
        Article(title="Bài đăng thẳng", status=Article.Status.PUBLISHED), published_on="2021-08-02"
    )
    response = editor_client.post(ARTICLE_ADD, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["status"]
    assert not Article.objects.exists()


def test_publisher_can_publish_via_change_form(publisher_client, imported_article):
    data = article_form_data(imported_article, status=Article.Status.PUBLISHED)
    assert publisher_client.post(change_url(imported_article), data).status_code == 302
    assert status_of(imported_article) == Article.Status.PUBLISHED


# -- actions ----------------------------------------------------------------------------


def test_publisher_can_publish_with_the_action(publisher_client):
    articles = [factories.article(status=Article.Status.REVIEW) for _ in range(2)]
    response = run_action(publisher_client, ARTICLES, "publish", articles)
    assert response.status_code == 302
    assert [status_of(a) for a in articles] == [Article.Status.PUBLISHED] * 2
    assert messages_of(response, messages.SUCCESS)
    assert not messages_of(response, messages.ERROR)


def test_editor_without_publish_permission_cannot_publish(editor_client):
    articles = [factories.article(status=Article.Status.REVIEW) for _ in range(2)]
    response = run_action(editor_client, ARTICLES, "publish", articles)
    assert response.status_code == 302
    assert [status_of(a) for a in articles] == [Article.Status.REVIEW] * 2
    assert messages_of(response, messages.ERROR)
    assert not messages_of(response, messages.SUCCESS)


def test_editor_without_publish_permission_cannot_unpublish(editor_client):
    # Newer, so it comes first in the selection.
    review = factories.article(status=Article.Status.REVIEW, published_on=datetime.date(2022, 1, 1))
    published = factories.article(status=Article.Status.PUBLISHED)
    response = run_action(editor_client, ARTICLES, "send_back_to_draft", [review, published])
    assert messages_of(response, messages.ERROR)
    # Refused as a whole: not half the selection.
    assert status_of(published) == Article.Status.PUBLISHED
    assert status_of(review) == Article.Status.REVIEW


def test_publishing_without_a_date_is_refused(publisher_client):
    undated = factories.article(
        title="Bài chưa có ngày", status=Article.Status.REVIEW, published_on=None
    )
    dated = factories.article(status=Article.Status.REVIEW)
    response = run_action(publisher_client, ARTICLES, "publish", [undated, dated])
    assert status_of(undated) == Article.Status.REVIEW
    assert status_of(dated) == Article.Status.PUBLISHED
    errors = messages_of(response, messages.ERROR)
    assert len(errors) == 1 and "Bài chưa có ngày" in errors[0]


def test_send_back_to_draft(publisher_client):
    published = factories.article(status=Article.Status.PUBLISHED)
    response = run_action(publisher_client, ARTICLES, "send_back_to_draft", [published])
    assert status_of(published) == Article.Status.DRAFT
    assert messages_of(response, messages.SUCCESS)


def test_editor_can_send_an_unpublished_article_back_to_draft(editor_client):
    review = factories.article(status=Article.Status.REVIEW)
    response = run_action(editor_client, ARTICLES, "send_back_to_draft", [review])
    assert status_of(review) == Article.Status.DRAFT
    assert messages_of(response, messages.SUCCESS)


def test_retag_adds_tags_found_in_the_text_and_keeps_editors_tags(editor_client, vocabulary):
    by_hand = factories.theme(name="Gắn tay", slug="gan-tay")
    article = factories.article(
        status=Article.Status.REVIEW,
        body="Tại AMM-54, các bộ trưởng thảo luận về Biển Đông.",
        published_on=datetime.date(2021, 8, 2),
        themes=[by_hand],
    )
    untouched = factories.article(body="Bài không nhắc gì.")
    response = run_action(editor_client, ARTICLES, "retag", [article])
    assert response.status_code == 302
    assert set(article.meetings.values_list("slug", flat=True)) == {"amm-54"}
    assert set(article.themes.values_list("slug", flat=True)) == {"bien-dong", "gan-tay"}
    assert not untouched.meetings.exists() and not untouched.themes.exists()
    assert messages_of(response, messages.SUCCESS)
    # Running it again adds nothing twice.
    run_action(editor_client, ARTICLES, "retag", [article])
    assert article.meetings.count() == 1 and article.themes.count() == 2


def test_view_only_staff_cannot_run_article_actions(client, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_article"))
    client.force_login(viewer)
    article = factories.article(status=Article.Status.REVIEW, body="Tại AMM-54.")
    assert listed(client.get(ARTICLES)) == {article.title}
    for action in ["send_back_to_draft", "retag", "publish"]:
        run_action(client, ARTICLES, action, [article])
    assert status_of(article) == Article.Status.REVIEW
    assert not article.meetings.exists()


# -- meetings, themes, outlets ----------------------------------------------------------


def test_meeting_list_shows_article_count(editor_client):
    busy, quiet = factories.meeting(number=54), factories.meeting(number=55)
    factories.article(meetings=[busy])
    factories.article(meetings=[busy])
    factories.article(meetings=[busy, quiet])
    response = editor_client.get(MEETINGS)
    assert listed(response) == {busy.name, quiet.name}
    html = response.content.decode()
    assert cell(html, "article_count", busy.name) == "3"
    assert cell(html, "article_count", quiet.name) == "1"
    assert cell(html, "code_display", busy.name) == "AMM-54"


def test_theme_list_renders_with_article_count(editor_client):
    sea = factories.theme(name="Biển Đông", slug="bien-dong")
    unused = factories.theme(name="Năng lượng", slug="nang-luong")
    factories.article(themes=[sea])
    response = editor_client.get(THEMES)
    assert listed(response) == {sea.name, unused.name}
    html = response.content.decode()
    assert cell(html, "article_count", sea.name) == "1"
    assert cell(html, "article_count", unused.name) == "0"


def test_outlet_list_renders_with_article_count(editor_client):
    outlet = factories.outlet(name="Báo Quốc tế", domain="baoquocte.vn")
    factories.article(outlet=outlet)
    factories.article(outlet=outlet)
    response = editor_client.get(OUTLETS)
    assert listed(response) == {"Báo Quốc tế"}
    assert cell(response.content.decode(), "article_count", "Báo Quốc tế") == "2"


# -- merging tags -----------------------------------------------------------------------


def merge(client, url, tags, target):
    """Run merge_tags as an editor does: select, confirm on the page, pick the target."""
    page = run_action(client, url, "merge_tags", tags)
    assert page.status_code == 200
    assert "admin/articles/merge_tags.html" in [t.name for t in page.templates]
    html = page.content.decode()
    for tag in tags:
        assert tag.name in html
    form = post_form_with(html, "target")
    assert sorted(form.radios["target"]) == sorted(str(t.pk) for t in tags)
    data = {**form.data, "target": [str(target.pk)]}
    return client.post(form.action or url, data)


def test_merging_themes_moves_articles_to_the_target(publisher_client):
    target = factories.theme(name="Biển Đông", slug="bien-dong", aliases="COC")
    source = factories.theme(name="Biển Đông (cũ)", slug="bien-dong-cu", aliases="South China Sea")
    bystander = factories.theme(name="Myanmar", slug="myanmar")
    only_source = factories.article(themes=[source, bystander])
    both = factories.article(themes=[source, target])
    only_target = factories.article(themes=[target])
    response = merge(publisher_client, THEMES, [source, target], target)
    assert response.status_code == 302
    assert messages_of(response, messages.SUCCESS)
    assert not ThemeTag.objects.filter(pk=source.pk).exists()
    assert set(only_source.themes.all()) == {target, bystander}
    assert list(both.themes.all()) == [target]
    assert list(only_target.themes.all()) == [target]
    target.refresh_from_db()
    assert set(target.alias_list()) >= {"COC", "Biển Đông (cũ)", "South China Sea"}


def test_merging_meetings_moves_articles_to_the_target(publisher_client):
    target = factories.meeting(number=54)
    source = factories.meeting(number=54, slug="amm-54-2021", name="AMM 54 (trùng)")
    only_source = factories.article(meetings=[source])
    both = factories.article(meetings=[source, target])
    response = merge(publisher_client, MEETINGS, [target, source], target)
    assert response.status_code == 302
    assert list(MeetingTag.objects.all()) == [target]
    assert list(only_source.meetings.all()) == [target]
    assert list(both.meetings.all()) == [target]


def test_merge_page_defaults_to_no_change_until_confirmed(publisher_client):
    first, second = factories.theme(), factories.theme()
    run_action(publisher_client, THEMES, "merge_tags", [first, second])
    assert ThemeTag.objects.count() == 2


def test_an_editor_cannot_merge_tags(editor_client):
    """A merge re-tags published articles: a publisher's decision (articles.permissions)."""
    first, second = factories.theme(), factories.theme()
    factories.article(themes=[second])
    response = run_action(editor_client, THEMES, "merge_tags", [first, second], target=first.pk)
    assert messages_of(response, messages.ERROR)
    assert ThemeTag.objects.count() == 2


def test_merging_needs_the_delete_permission(client, django_user_model):
    user = django_user_model.objects.create_user("tagger", password="pw", is_staff=True)
    codenames = ["view_themetag", "change_themetag"]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    first, second = factories.theme(), factories.theme()
    page = run_action(client, THEMES, "merge_tags", [first, second])
    assert "admin/articles/merge_tags.html" not in [t.name for t in page.templates]
    client.post(
        THEMES,
        {"action": "merge_tags", "_selected_action": [first.pk, second.pk], "target": first.pk},
    )
    assert ThemeTag.objects.count() == 2


def test_merging_needs_two_tags(publisher_client):
    only = factories.theme()
    response = run_action(publisher_client, THEMES, "merge_tags", [only])
    assert response.status_code == 302
    assert messages_of(response, messages.WARNING)
    assert ThemeTag.objects.filter(pk=only.pk).exists()


# -- tag names and slugs ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("existing", "new"),
    [("Biển Đông", "biển đông"), ("Covid-19", "covid-19"), ("Covid-19", "COVID-19")],
)
def test_tags_differing_only_by_case_are_refused(editor_client, existing, new):
    factories.theme(name=existing)
    response = editor_client.post(
        THEME_ADD, {"name": new, "slug": "", "name_en": "", "aliases": ""}
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "name" in form.errors and existing in form.errors["name"][0]
    assert list(ThemeTag.objects.values_list("name", flat=True)) == [existing]


def test_meeting_names_differing_only_by_case_are_refused(editor_client):
    factories.meeting(number=54, name="Hội nghị AMM-54")
    data = {"name": "hội nghị amm-54", "slug": "", "series": "AMM", "number": 54, "year": 2021}
    response = editor_client.post(reverse("admin:articles_meetingtag_add"), data)
    assert response.status_code == 200
    assert "name" in response.context["adminform"].form.errors
    assert MeetingTag.objects.count() == 1


def test_theme_slug_is_made_from_vietnamese_name_when_empty(editor_client):
    data = {"name": "Biển Đông mới", "slug": "", "name_en": "", "aliases": ""}
    response = editor_client.post(THEME_ADD, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert ThemeTag.objects.get(name="Biển Đông mới").slug == "bien-dong-moi"


def test_theme_slug_typed_with_diacritics_is_made_ascii(editor_client):
    data = {"name": "Đông Timor", "slug": "đông-timor", "name_en": "", "aliases": ""}
    assert editor_client.post(THEME_ADD, data).status_code == 302
    assert ThemeTag.objects.get().slug == "dong-timor"


def test_meeting_slug_is_made_from_vietnamese_name_when_empty(editor_client):
    data = {
        "name": "Đối thoại ASEAN–Mỹ lần thứ 33",
        "slug": "",
        "series": "DIALOGUE",
        "partner": "Mỹ",
        "number": 33,
        "year": 2021,
    }
    response = editor_client.post(reverse("admin:articles_meetingtag_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert MeetingTag.objects.get().slug == "doi-thoai-asean-my-lan-thu-33"


def test_theme_name_without_letters_needs_a_typed_slug(editor_client):
    data = {"name": "???", "slug": "", "name_en": "", "aliases": ""}
    response = editor_client.post(THEME_ADD, data)
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors
    assert not ThemeTag.objects.exists()
    data["slug"] = "cau-hoi"
    assert editor_client.post(THEME_ADD, data).status_code == 302
    assert ThemeTag.objects.get().slug == "cau-hoi"


def test_theme_slug_taken_by_another_theme_is_a_form_error(editor_client):
    factories.theme(name="Biển Đông", slug="bien-dong")
    data = {"name": "Biển  Đông!", "slug": "", "name_en": "", "aliases": ""}
    response = editor_client.post(THEME_ADD, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert ThemeTag.objects.count() == 1


# -- adding or removing a meeting or theme on the selected articles ------------------------


def test_bulk_tag_asks_which_tag_then_adds_it_through_the_service(editor_client):
    sea = factories.theme(name="Biển Đông", slug="bien-dong")
    amm = factories.meeting(number=54)
    first = factories.article(title="Bài một", status=Article.Status.DRAFT)
    second = factories.article(title="Bài hai", status=Article.Status.REVIEW, themes=[sea])
    revisions = {a.pk: a.revisions.count() for a in (first, second)}
    asked = run_action(editor_client, ARTICLES, "add_tag", [first, second])
    assert asked.status_code == 200
    html = asked.content.decode()
    assert "Bài một" in html and f'value="t{sea.pk}"' in html and f'value="m{amm.pk}"' in html
    done = run_action(
        editor_client, ARTICLES, "add_tag", [first, second], apply=1, tag=f"t{sea.pk}"
    )
    assert done.status_code == 302
    assert list(first.themes.all()) == [sea] and list(second.themes.all()) == [sea]
    # A revision for the one changed; none for the one that had the tag already.
    assert first.revisions.count() > revisions[first.pk]
    assert second.revisions.count() == revisions[second.pk]
    assert "Đã thêm “Biển Đông” vào 2 bài." in messages_of(done)
    run_action(editor_client, ARTICLES, "add_tag", [first], apply=1, tag=f"m{amm.pk}")
    assert list(first.meetings.all()) == [amm]


def test_bulk_tag_removes_and_remembers_the_removal(editor_client):
    sea = factories.theme(name="Biển Đông", slug="bien-dong")
    article = factories.article(title="Bài một", status=Article.Status.DRAFT, themes=[sea])
    done = run_action(editor_client, ARTICLES, "remove_tag", [article], apply=1, tag=f"t{sea.pk}")
    assert done.status_code == 302
    article.refresh_from_db()
    assert not article.themes.exists()
    assert sea.pk in article.rejected_tags["themes"]  # the tagger will not put it back


def test_bulk_tag_follows_the_permission_rule_and_refuses_bad_input(editor_client):
    sea = factories.theme(name="Biển Đông", slug="bien-dong")
    live = factories.article(title="Bài đã đăng", status=Article.Status.PUBLISHED)
    draft = factories.article(title="Bản nháp", status=Article.Status.DRAFT)
    refused = run_action(
        editor_client, ARTICLES, "add_tag", [live, draft], apply=1, tag=f"t{sea.pk}"
    )
    assert refused.status_code == 302
    assert not live.themes.exists() and not draft.themes.exists()  # all or nothing
    assert any("không có quyền" in m for m in messages_of(refused))
    for bad in ["", "t999999", "x1", "m"]:
        again = run_action(editor_client, ARTICLES, "add_tag", [draft], apply=1, tag=bad)
        assert again.status_code == 200, bad  # the question again, with the error
        assert again.context["form"].errors
    assert not draft.themes.exists()


# -- meetings and themes: autocomplete, and created from the form ---------------------------


def test_the_form_picks_meetings_and_themes_by_autocomplete(editor_client, imported_article):
    page = editor_client.get(change_url(imported_article)).content.decode()
    for name in ("meetings", "themes"):
        assert f'name="{name}"' in page
        assert "admin-autocomplete" in page
    assert 'data-ajax--url="/admin/autocomplete/"' in page
    # Only the article's own tags are rendered as options, not the whole vocabulary.
    extra = factories.meeting(number=77)
    assert extra.name not in editor_client.get(change_url(imported_article)).content.decode()


def test_autocomplete_finds_a_meeting_as_typed(editor_client):
    factories.meeting(number=54, name="Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ 54")
    factories.meeting(number=33, series="SOM", name="Hội nghị quan chức cao cấp")
    response = editor_client.get(
        "/admin/autocomplete/",
        {"app_label": "articles", "model_name": "article", "field_name": "meetings", "term": "54"},
    )
    assert response.status_code == 200
    names = [row["text"] for row in response.json()["results"]]
    assert names == ["Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ 54"]


def test_autocomplete_is_refused_to_a_reader(client):
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "articles", "model_name": "article", "field_name": "themes", "term": "a"},
    )
    assert response.status_code == 302  # to the login page


def test_a_meeting_is_created_from_the_form_in_a_popup(editor_client, imported_article):
    page = editor_client.get(change_url(imported_article)).content.decode()
    assert 'id="add_id_meetings"' in page and 'id="add_id_themes"' in page
    add = reverse("admin:articles_meetingtag_add") + "?_to_field=id&_popup=1"
    response = editor_client.post(
        add,
        {
            "name": "Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ 60",
            "slug": "",
            "series": "AMM",
            "number": 60,
            "year": 2027,
            "_popup": "1",
            "_to_field": "id",
        },
    )
    assert response.status_code == 200
    assert "popup_response" in response.content.decode()  # the pop-up hands it to the form
    created = MeetingTag.objects.get(number=60)
    data = article_form_data(imported_article, meetings=[created.pk])
    assert editor_client.post(change_url(imported_article), data).status_code == 302
    assert list(imported_article.meetings.all()) == [created]


def test_no_add_button_without_the_add_permission(client, django_user_model, imported_article):
    from .conftest import make_staff

    user = make_staff(django_user_model, "no-add")
    user.user_permissions.remove(*Permission.objects.filter(codename__startswith="add_m"))
    client.force_login(user)
    page = client.get(change_url(imported_article)).content.decode()
    assert 'id="add_id_meetings"' not in page and 'id="add_id_themes"' in page
