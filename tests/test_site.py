"""The public site: every page, what it shows, and that drafts never reach a reader."""

import datetime
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Figure, Outlet, SlugRedirect

from . import factories

pytestmark = pytest.mark.django_db

DRAFT = Article.Status.DRAFT
REVIEW = Article.Status.REVIEW


def html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


class Tags(HTMLParser):
    """Collect the start tags of a page, to check its structure without a browser."""

    def __init__(self, text):
        super().__init__()
        self.tags = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def find(self, tag, **attrs):
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]


@pytest.fixture
def world(db):
    """Two meetings, two themes, an outlet; published articles plus a draft and a review
    article carrying the same tags and words, which must never be seen by readers."""
    amm = factories.meeting(number=54, name="Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ 54")
    som = factories.meeting(
        name="Hội nghị Quan chức Cao cấp ASEAN 2021",
        slug="som-2021",
        series="SOM",
        number=None,
        year=2021,
        place="Trực tuyến",
        start_date=datetime.date(2021, 4, 7),
        end_date=datetime.date(2021, 4, 8),
    )
    sea = factories.theme(name="Biển Đông", slug="bien-dong", name_en="South China Sea")
    covid = factories.theme(name="Covid-19", slug="covid-19", name_en="COVID-19")
    outlet = factories.outlet(name="Báo Thế giới & Việt Nam", domain="baoquocte.vn")
    old = factories.article(
        title="Các bộ trưởng bàn về Biển Đông",
        lead="Lập trường chung của ASEAN về Biển Đông.",
        body="Các nước nhấn mạnh luật pháp quốc tế.",
        author="Bảo Chi",
        outlet=outlet,
        source_url="https://baoquocte.vn/bai-1.html",
        published_on=datetime.date(2021, 8, 2),
        meetings=[amm],
        themes=[sea],
    )
    both = factories.article(
        title="SOM chuẩn bị cho AMM-54",
        lead="Các quan chức cao cấp thảo luận Biển Đông và Covid-19.",
        body="Đoạn một về hợp tác.\n\nPV: Ông đánh giá thế nào?\n\nHợp tác tốt đẹp.",
        outlet=outlet,
        published_on=datetime.date(2021, 4, 7),
        meetings=[amm, som],
        themes=[sea, covid],
    )
    covid_only = factories.article(
        title="Vắc-xin cho khu vực",
        lead="Hợp tác y tế.",
        body="Kho dự phòng vắc-xin.",
        published_on=datetime.date(2021, 5, 20),
        themes=[covid],
    )
    draft = factories.article(
        title="Bản nháp bí mật về Biển Đông",
        lead="Chưa được đăng.",
        body="Biển Đông bien dong.",
        status=DRAFT,
        outlet=outlet,
        published_on=datetime.date(2021, 9, 1),
        meetings=[amm, som],
        themes=[sea, covid],
    )
    review = factories.article(
        title="Bài chờ duyệt về Biển Đông",
        lead="Chưa được duyệt.",
        body="Biển Đông.",
        status=REVIEW,
        published_on=datetime.date(2021, 9, 2),
        meetings=[amm],
        themes=[sea],
    )
    # A meeting and a theme whose only articles are unpublished: readers never see them.
    hidden_meeting = factories.meeting(number=60, name="Hội nghị chưa có bài đăng")
    hidden_theme = factories.theme(name="Chủ đề chỉ có bản nháp", slug="chi-ban-nhap")
    draft.meetings.add(hidden_meeting)
    review.themes.add(hidden_theme)
    return {
        "amm": amm,
        "som": som,
        "sea": sea,
        "covid": covid,
        "outlet": outlet,
        "old": old,
        "both": both,
        "covid_only": covid_only,
        "draft": draft,
        "review": review,
        "hidden_meeting": hidden_meeting,
        "hidden_theme": hidden_theme,
    }


def assert_no_unpublished(text, world):
    for key in ("draft", "review"):
        assert world[key].title not in text
        assert world[key].slug not in text
    assert world["hidden_meeting"].name not in text
    assert world["hidden_theme"].name not in text


# Home --------------------------------------------------------------------------------


def test_home_shows_latest_articles_with_dates_outlets_leads_and_chips(client, world):
    page = html(client.get("/"))
    for key in ("old", "both", "covid_only"):
        assert world[key].title in page and world[key].get_absolute_url() in page
    assert "07/04/2021" in page and "Báo Thế giới &amp; Việt Nam" in page
    assert world["both"].lead in page
    assert 'class="chip chip-meeting" href="/hoi-nghi/amm-54/"' in page
    assert 'class="chip chip-theme" href="/chu-de/bien-dong/"' in page
    assert page.index(world["old"].title) < page.index(world["covid_only"].title)
    assert page.index(world["covid_only"].title) < page.index(world["both"].title)
    assert_no_unpublished(page, world)


def test_home_lists_most_covered_meetings_and_themes_counting_published_only(client, world):
    page = html(client.get("/"))
    meetings = page[page.index('id="meetings-heading"') : page.index('id="themes-heading"')]
    assert meetings.index("AMM-54") < meetings.index("SOM 2021")
    assert "2 bài" in meetings  # AMM-54: two published articles, the draft and review not counted
    themes = page[page.index('id="themes-heading"') :]
    assert re.search(r'href="/chu-de/bien-dong/">Biển Đông <span class="count">2</span>', themes)
    assert_no_unpublished(page, world)


def test_home_has_a_labelled_search_form_landmarks_and_one_h1(client, world):
    page = html(client.get("/"))
    tags = Tags(page)
    assert tags.find("html", lang="vi")
    assert len(tags.find("h1")) == 1
    assert tags.find("main") and tags.find("header") and tags.find("footer")
    assert tags.find("form", role="search", action="/search/")
    assert tags.find("label", **{"for": "q"}) and tags.find("input", id="q", name="q")
    assert tags.find("a", href="#main")  # skip link
    assert tags.find("link", rel="stylesheet")
    assert "cdn" not in page.lower() and "https://fonts" not in page


def test_home_without_articles_says_so(client, db):
    assert "Chưa có bài viết nào được đăng." in html(client.get("/"))


# Article page ------------------------------------------------------------------------


def test_article_page_shows_every_part_of_the_article(client, world):
    article = world["both"]
    Figure.objects.create(
        article=article, position=1, caption="Toàn cảnh hội nghị.", credit="Tuấn Anh"
    )
    page = html(client.get(article.get_absolute_url()))
    tags = Tags(page)
    assert len(tags.find("h1")) == 1
    assert f"<h1>{article.title}</h1>" in page
    assert "Thứ Tư, 07/04/2021" in page
    assert '<p class="lead">Các quan chức cao cấp thảo luận Biển Đông và Covid-19.</p>' in page
    assert "<p>Đoạn một về hợp tác.</p>" in page and "<p>Hợp tác tốt đẹp.</p>" in page
    assert re.search(r'<p class="question">.*Ông đánh giá thế nào\?</p>', page)
    assert "Toàn cảnh hội nghị." in page and "Tuấn Anh" in page
    assert 'href="/bao/baoquocte-vn/"' in page
    for tag in (world["amm"], world["som"], world["sea"], world["covid"]):
        assert f'href="{tag.get_absolute_url()}"' in page
    assert_no_unpublished(page, world)


def test_article_page_shows_author_and_links_the_original(client, world):
    page = html(client.get(world["old"].get_absolute_url()))
    assert "Bảo Chi" in page
    assert 'href="https://baoquocte.vn/bai-1.html" rel="noopener nofollow"' in page


def test_related_articles_most_shared_first_and_never_unpublished(client, world):
    extra = factories.article(
        title="Chỉ chung một chủ đề",
        published_on=datetime.date(2022, 1, 1),
        themes=[world["covid"]],
    )
    page = html(client.get(world["both"].get_absolute_url()))
    related = page[page.index('id="related-heading"') :]
    # "old" shares AMM-54 and Biển Đông (2); "extra" and "covid_only" share Covid-19 (1),
    # newest first among equals.
    positions = [related.index(a.title) for a in (world["old"], extra, world["covid_only"])]
    assert positions == sorted(positions)
    assert world["both"].title not in related
    assert_no_unpublished(related, world)


def test_article_without_tags_has_no_related_section(client, db):
    article = factories.article()
    factories.article()
    assert 'id="related-heading"' not in html(client.get(article.get_absolute_url()))


def test_article_page_carries_title_description_canonical_opengraph_and_json_ld(client, world):
    article = world["both"]
    page = html(client.get(article.get_absolute_url()))
    url = f"http://testserver{article.get_absolute_url()}"
    assert f"<title>{article.title} — ASEAN Archive</title>" in page
    assert f'<meta name="description" content="{article.lead}">' in page
    assert f'<link rel="canonical" href="{url}">' in page
    assert f'<meta property="og:title" content="{article.title}">' in page
    assert f'<meta property="og:url" content="{url}">' in page
    assert '<meta property="og:type" content="article">' in page
    assert '<meta property="article:published_time" content="2021-04-07">' in page
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    data = json.loads(raw)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.title
    assert data["datePublished"] == "2021-04-07"
    assert data["url"] == url
    assert data["publisher"]["name"] == "Báo Thế giới & Việt Nam"
    assert "Biển Đông" in data["keywords"]


def test_json_ld_cannot_be_closed_by_the_article_text(client, db):
    article = factories.article(title="Tiêu đề </script><script>alert(1)</script> & more")
    page = html(client.get(article.get_absolute_url()))
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert "<" not in raw and ">" not in raw
    assert json.loads(raw)["headline"] == article.title
    assert "<script>alert(1)" not in page


@pytest.mark.parametrize("status", [DRAFT, REVIEW])
def test_unpublished_article_is_404_for_readers(client, django_user_model, status):
    article = factories.article(status=status)
    assert client.get(article.get_absolute_url()).status_code == 404
    user = django_user_model.objects.create_user("reader", password="pw")
    client.force_login(user)  # logged in but not staff
    assert client.get(article.get_absolute_url()).status_code == 404


def test_unpublished_article_is_a_marked_noindex_preview_for_staff(editor_client):
    article = factories.article(status=DRAFT)
    page = html(editor_client.get(article.get_absolute_url()))
    assert '<meta name="robots" content="noindex">' in page
    assert 'class="notice"' in page


def test_unknown_article_is_the_custom_404(client, db):
    response = client.get("/bai-viet/khong-co-bai-nay/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Không tìm thấy trang" in page and 'class="error-page"' in page
    assert 'form class="search-form" role="search"' in page


def test_changed_slug_redirects_permanently_from_every_old_address(client, db):
    article = factories.article(title="Tên cũ")
    first = article.get_absolute_url()
    article.slug = "ten-moi"
    article.save()
    second = article.get_absolute_url()
    article.slug = "ten-moi-nhat"
    article.save()
    for old in (first, second):
        response = client.get(old)
        assert response.status_code == 301
        assert response["Location"] == "/bai-viet/ten-moi-nhat/"
    assert client.get("/bai-viet/ten-moi-nhat/").status_code == 200


def test_english_old_address_redirects_to_the_english_page(client, db):
    article = factories.article(title="Tên cũ")
    article.slug = "ten-moi"
    article.save()
    response = client.get("/en/bai-viet/ten-cu/")
    assert response.status_code == 301 and response["Location"] == "/en/bai-viet/ten-moi/"


def test_an_old_slug_stays_its_articles_address(client, db):
    """Issue 11: no other article takes a former slug (tests/test_redirects.py has more)."""
    first = factories.article(title="Bài một")
    first.slug = "bai-mot-moi"
    first.save()
    with pytest.raises(ValidationError):
        factories.article(title="Bài hai", slug="bai-mot")
    assert SlugRedirect.objects.filter(old_slug="bai-mot", article=first).exists()
    assert client.get("/bai-viet/bai-mot/")["Location"].endswith("/bai-viet/bai-mot-moi/")


def test_old_slug_of_an_unpublished_article_is_404_for_readers(client, db):
    article = factories.article(title="Sẽ rút lại")
    article.slug = "da-rut"
    article.status = DRAFT
    article.save()
    assert client.get("/bai-viet/se-rut-lai/").status_code == 404


# Meetings ----------------------------------------------------------------------------


def test_meeting_index_groups_meetings_by_series_then_year(client, world):
    old_amm = factories.meeting(number=53, name="Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ 53")
    factories.article(meetings=[old_amm], published_on=datetime.date(2020, 9, 9))
    page = html(client.get("/hoi-nghi/"))
    som = page.index('id="h-som"')
    amm = page.index('id="h-amm"')
    assert som < amm  # the series in their catalogue order
    amm_section = page[amm:]
    assert amm_section.index(">2021<") < amm_section.index(">2020<")  # newest year first
    assert amm_section.index("AMM-54") < amm_section.index("AMM-53")
    assert "Trực tuyến" in page[som:amm]
    assert_no_unpublished(page, world)


def test_meeting_page_shows_its_facts_and_published_articles(client, world):
    page = html(client.get("/hoi-nghi/som-2021/"))
    assert "<h1" in page and world["som"].name in page
    assert "Hội nghị Quan chức Cao cấp ASEAN (SOM)" in page  # the series
    assert "07/04/2021 – 08/04/2021" in page and "Trực tuyến" in page and ">2021<" in page
    assert world["both"].title in page
    assert world["old"].title not in page
    assert_no_unpublished(page, world)
    page = html(client.get("/hoi-nghi/amm-54/"))
    assert "<dd>54</dd>" in page
    assert world["old"].title in page and world["both"].title in page


def test_meeting_with_only_unpublished_articles_is_404_for_readers(client, editor, world):
    url = world["hidden_meeting"].get_absolute_url()
    assert client.get(url).status_code == 404
    assert client.get(url + "feed/").status_code == 404
    client.force_login(editor)
    page = html(client.get(url))  # staff may look at it, still without draft cards
    assert world["hidden_meeting"].name in page


def test_unknown_meeting_is_404(client, db):
    assert client.get("/hoi-nghi/khong-co/").status_code == 404


# Themes, outlets, archive ------------------------------------------------------------


def test_theme_index_lists_themes_in_use_with_published_counts(client, world):
    page = html(client.get("/chu-de/"))
    assert re.search(r"Biển Đông</a>.*?2 bài", page, re.S)
    assert re.search(r"Covid-19</a>.*?2 bài", page, re.S)
    assert_no_unpublished(page, world)


def test_theme_page_lists_its_published_articles(client, world):
    page = html(client.get("/chu-de/covid-19/"))
    assert world["both"].title in page and world["covid_only"].title in page
    assert world["old"].title not in page
    assert 'href="/chu-de/covid-19/feed/"' in page
    assert_no_unpublished(page, world)
    assert client.get(world["hidden_theme"].get_absolute_url()).status_code == 404


def test_outlet_index_and_page(client, world):
    hidden = Outlet.objects.create(name="Báo chỉ có nháp", domain="nhap.vn")
    factories.article(outlet=hidden, status=DRAFT)
    page = html(client.get("/bao/"))
    assert "Báo Thế giới &amp; Việt Nam" in page and "2 bài" in page
    assert "Báo chỉ có nháp" not in page
    page = html(client.get("/bao/baoquocte-vn/"))
    assert world["old"].title in page and world["both"].title in page
    assert world["covid_only"].title not in page
    assert_no_unpublished(page, world)
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_archive_index_counts_published_articles_by_year_and_month(client, world):
    factories.article(published_on=datetime.date(2019, 11, 3))
    page = html(client.get("/luu-tru/"))
    assert page.index('id="y2021"') < page.index('id="y2019"')
    assert 'href="/luu-tru/2021/4/"' in page and 'href="/luu-tru/2021/8/"' in page
    assert 'href="/luu-tru/2021/9/"' not in page  # only the draft and review are in September
    assert re.search(r"2021</a> <span class=\"count\">3 bài", page)


def test_archive_year_and_month_pages(client, world):
    page = html(client.get("/luu-tru/2021/"))
    # Oldest first within a period: the archive reads as a chronicle.
    assert page.index(world["both"].title) < page.index(world["old"].title)
    assert_no_unpublished(page, world)
    page = html(client.get("/luu-tru/2021/4/"))
    assert world["both"].title in page and world["old"].title not in page
    assert "Tháng 4/2021" in page


@pytest.mark.parametrize("url", ["/luu-tru/2021/13/", "/luu-tru/2021/0/", "/luu-tru/1200/"])
def test_archive_rejects_impossible_periods(client, db, url):
    assert client.get(url).status_code == 404


# Search ------------------------------------------------------------------------------


def search(client, **params):
    return html(client.get("/search/", params))


def shown(page, world):
    """Return which of the world's articles the page links to."""
    return {
        key
        for key, obj in world.items()
        if isinstance(obj, Article) and f'href="{obj.get_absolute_url()}"' in page
    }


@pytest.mark.parametrize("query", ["bien dong", "Bien Dong", "BIEN DONG", "Biển Đông"])
def test_search_finds_bien_dong_with_or_without_diacritics(client, world, query):
    page = search(client, q=query)
    assert shown(page, world) == {"old", "both"}
    assert '<p class="result-count" role="status">2 kết quả</p>' in page


def test_search_with_diacritics_does_not_fold_them_away(client, db):
    factories.article(title="Những biến động của thị trường", lead="Cộng đồng doanh nghiệp.")
    factories.article(title="Hợp tác cộng đồng", lead="Biên giới đông đúc.")
    sea = factories.article(title="Tình hình Biển Đông", lead="Hòa bình.")
    page = search(client, q="Biển Đông")
    assert f'href="{sea.get_absolute_url()}"' in page and "1 kết quả" in page
    assert "Tình hình <mark>Biển Đông</mark>" in page
    assert "biến động" not in page and "cộng đồng" not in page
    assert "3 kết quả" in search(client, q="bien dong")


def test_search_highlights_matches_in_a_snippet(client, world):
    page = search(client, q="bien dong")
    assert '<p class="snippet">' in page
    assert "<mark>Biển Đông</mark>" in page


def test_search_quoted_phrase_ranks_first(client, db):
    phrase = factories.article(
        title="Tin cũ", lead="Tầm nhìn sau 2025 của ASEAN.", published_on=datetime.date(2020, 1, 1)
    )
    scattered = factories.article(
        title="Tin mới", lead="Sau 2025, tầm nhìn mới.", published_on=datetime.date(2023, 1, 1)
    )
    page = search(client, q="tam nhin sau 2025")
    assert page.index(phrase.title) < page.index(scattered.title)
    page = search(client, q='"tam nhin sau 2025"')
    assert phrase.title in page and scattered.title not in page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "bien dong", "meeting": "som-2021"}, {"both"}),
        ({"q": "bien dong", "theme": "covid-19"}, {"both"}),
        ({"meeting": "amm-54", "theme": "covid-19"}, {"both"}),
        ({"meeting": ["amm-54", "som-2021"]}, {"both"}),
        ({"theme": "covid-19", "outlet": "baoquocte-vn"}, {"both"}),
        ({"theme": "covid-19", "published_after": "2021-05-01"}, {"covid_only"}),
        ({"q": "bien dong", "published_before": "30/04/2021"}, {"both"}),
        (
            {"published_after": "2021-04-01", "published_before": "2021-06-30"},
            {"both", "covid_only"},
        ),
        ({"series": "SOM"}, {"both"}),
        ({"year": "2021", "theme": "bien-dong"}, {"old", "both"}),
        ({"meeting": "amm-54"}, {"old", "both"}),
    ],
)
def test_search_filters_combine(client, world, params, expected):
    page = search(client, **params)
    assert shown(page, world) == expected
    assert_no_unpublished(page, world)


@pytest.mark.parametrize(
    "params",
    [
        {"meeting": "khong-co"},
        {"published_after": "hôm qua"},
        {"published_after": "2021-06-01", "published_before": "2021-01-01"},
        {"year": "abc"},
        {"outlet": "khong-co"},
    ],
)
def test_search_with_invalid_filters_explains_and_shows_nothing(client, world, params):
    page = search(client, q="bien dong", **params)
    assert 'class="errors" role="alert"' in page
    assert 'class="card"' not in page and "result-count" not in page


def test_search_form_keeps_the_chosen_filters(client, world):
    page = search(client, q="bien dong", meeting="som-2021", theme="covid-19")
    assert '<option value="som-2021" selected>' in page
    assert '<option value="covid-19" selected>' in page
    assert 'value="bien dong"' in page
    assert '<option value="' + world["hidden_meeting"].slug not in page


def test_empty_search_invites_a_query_and_lists_nothing(client, world):
    page = search(client)
    assert "Nhập từ khóa" in page and 'class="card"' not in page


def test_search_never_finds_unpublished_articles(client, world):
    for query in ("bí mật", "chờ duyệt", "chua duoc"):
        page = search(client, q=query)
        assert "0 kết quả" in page
        assert_no_unpublished(page, world)


# Pagination --------------------------------------------------------------------------


def test_pagination_links_keep_the_filters(client, db):
    theme = factories.theme(name="Chủ đề đông bài", slug="dong-bai")
    for n in range(25):
        factories.article(
            title=f"Biển Đông số {n:02d}",
            themes=[theme],
            published_on=datetime.date(2021, 1, 1) + datetime.timedelta(days=n),
        )
    page = search(client, q="bien dong", theme="dong-bai")
    assert "25 kết quả" in page and page.count('class="card"') == 20
    assert 'href="?q=bien+dong&amp;theme=dong-bai&amp;page=2"' in page
    second = search(client, q="bien dong", theme="dong-bai", page=2)
    assert second.count('class="card"') == 5
    assert 'href="?q=bien+dong&amp;theme=dong-bai"' in second  # back to page 1
    assert client.get("/search/", {"q": "bien dong", "page": 9}).status_code == 404
    listing = html(client.get("/chu-de/dong-bai/", {"page": 2}))
    assert listing.count('class="card"') == 5 and 'aria-current="page">2<' in listing


# Feeds, sitemap, robots --------------------------------------------------------------


def rss_items(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    return [(item.findtext("title"), item.findtext("link")) for item in root.iter("item")]


def test_feed_lists_latest_published_articles(client, world):
    items = rss_items(client.get("/feed/"))
    titles = [title for title, _ in items]
    assert titles == [world["old"].title, world["covid_only"].title, world["both"].title]
    assert items[0][1] == "http://testserver" + world["old"].get_absolute_url()


def test_meeting_and_theme_feeds(client, world):
    titles = [t for t, _ in rss_items(client.get("/hoi-nghi/som-2021/feed/"))]
    assert titles == [world["both"].title]
    titles = [t for t, _ in rss_items(client.get("/chu-de/covid-19/feed/"))]
    assert titles == [world["covid_only"].title, world["both"].title]
    assert client.get(world["hidden_theme"].get_absolute_url() + "feed/").status_code == 404


SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_locs(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return [loc.text for loc in ET.fromstring(response.content).findall(".//s:loc", SITEMAP_NS)]


def test_sitemap_lists_published_articles_and_tag_pages_only(client, world):
    sections = sitemap_locs(client, "/sitemap.xml")  # an index of paginated sections
    assert "http://testserver/sitemap-articles.xml" in sections
    locs = {loc for section in sections for loc in sitemap_locs(client, section)}
    base = "http://testserver"
    expected = {
        base + world[key].get_absolute_url()
        for key in ("old", "both", "covid_only", "amm", "som", "sea", "covid", "outlet")
    }
    assert expected <= locs
    assert base + "/" in locs and base + "/hoi-nghi/" in locs
    for key in ("draft", "review", "hidden_meeting", "hidden_theme"):
        assert base + world[key].get_absolute_url() not in locs


def test_sitemap_article_pages_are_id_ranges_read_with_one_query(
    client, world, settings, django_assert_max_num_queries
):
    from articles.sitemaps import ArticleSitemap

    published = Article.objects.published().order_by("pk")
    ids = list(published.values_list("pk", flat=True))
    size = 2
    ArticleSitemap.limit, old_limit = size, ArticleSitemap.limit
    try:
        pages = -(-ids[-1] // size)
        sections = sitemap_locs(client, "/sitemap.xml")
        listed = [loc for loc in sections if "sitemap-articles.xml" in loc]
        assert len(listed) == pages  # the index counts pages from the highest id
        seen = []
        for number in range(1, pages + 1):
            with django_assert_max_num_queries(2):
                locs = sitemap_locs(client, f"/sitemap-articles.xml?p={number}")
            seen.extend(locs)
        expected = [f"http://testserver{a.get_absolute_url()}" for a in published]
        assert seen == expected  # every published article once, in id order, no draft
        for bad in (pages + 1, 0, "x"):
            assert client.get(f"/sitemap-articles.xml?p={bad}").status_code == 404
        assert client.get("/sitemap-nothing.xml").status_code == 404
    finally:
        ArticleSitemap.limit = old_limit


def test_robots_txt_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


# Errors ------------------------------------------------------------------------------


def test_500_page_is_styled_and_needs_no_database(db):
    from django.template.loader import render_to_string

    with CaptureQueriesContext(connection) as queries:
        page = render_to_string("500.html")
    assert len(queries) == 0
    assert "Đã có lỗi ở máy chủ" in page and "/static/css/site.css" in page


def test_server_error_renders_the_500_page(client, settings, db):
    from django.urls import path

    def boom(request):
        raise RuntimeError("boom")

    import asean_archive.urls as root

    settings.ROOT_URLCONF = type(
        "Urls", (), {"urlpatterns": [path("boom/", boom), *root.urlpatterns]}
    )
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Đã có lỗi ở máy chủ" in response.content.decode()


# English interface -------------------------------------------------------------------


def test_english_interface_translates_the_site_not_the_articles(client, world):
    url = world["both"].get_absolute_url()  # reversed before a request switches to English
    page = html(client.get("/en/"))
    assert Tags(page).find("html", lang="en")
    assert "Latest articles" in page and "Skip to main content" in page
    assert world["both"].title in page  # article content stays Vietnamese
    assert 'href="/en/bai-viet/' in page
    article = html(client.get("/en" + url))
    assert "Wednesday, 07/04/2021" in article and "Related articles" in article
    assert '<article class="article" lang="vi">' in article
    theme = html(client.get("/en/chu-de/bien-dong/"))
    assert '<h1 class="page-title">South China Sea</h1>' in theme


def test_language_switch_links_to_the_same_page_in_the_other_language(client, world):
    url = world["both"].get_absolute_url()
    page = html(client.get(url))
    assert f'href="/en{url}" hreflang="en"' in page
    page = html(client.get("/en" + url))
    assert f'href="{url}" hreflang="vi"' in page
    page = html(client.get("/search/", {"q": "bien dong"}))
    assert 'href="/en/search/?q=bien+dong" hreflang="en"' in page


def test_vietnamese_is_the_default_whatever_the_browser_asks(client, world):
    page = html(client.get("/", HTTP_ACCEPT_LANGUAGE="en"))
    assert Tags(page).find("html", lang="vi") and "Bài mới nhất" in page


# Query counts ------------------------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def add_articles(world, n):
    for i in range(n):
        article = factories.article(
            title=f"Thêm bài {i} về Biển Đông",
            outlet=factories.outlet(),
            published_on=datetime.date(2021, 4, 1 + i),
            meetings=[world["amm"], world["som"]],
            themes=[world["sea"], world["covid"]],
        )
        Figure.objects.create(article=article, caption="Ảnh", credit="PV")


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/en/",
        "/hoi-nghi/",
        "/hoi-nghi/amm-54/",
        "/chu-de/",
        "/chu-de/bien-dong/",
        "/bao/",
        "/bao/baoquocte-vn/",
        "/luu-tru/",
        "/luu-tru/2021/",
        "/luu-tru/2021/4/",
        "/search/?q=bien+dong&theme=bien-dong",
        "/feed/",
        "/hoi-nghi/amm-54/feed/",
        "/sitemap.xml",
        "ARTICLE",
    ],
)
def test_page_query_count_does_not_grow_with_the_articles_on_it(client, world, url):
    if url == "ARTICLE":
        url = world["both"].get_absolute_url()
    few = count_queries(client, url)
    add_articles(world, 12)
    many = count_queries(client, url)
    assert many == few, f"{url}: {few} queries with few articles, {many} with many"
    # An article page reads its related articles' candidates tag by tag (at most two
    # queries for each of RELATED_TAGS, see ArticleQuerySet.related_to); others stay small.
    assert few <= (20 if url == world["both"].get_absolute_url() else 12)


def test_article_page_query_count_is_pinned(client, world, django_assert_num_queries):
    # article + meetings + themes + figures; related: for each of the article's 4 tags (all
    # small) its articles' ids and their newest candidates, then the ranked candidates +
    # their meetings + themes.
    with django_assert_num_queries(15):
        client.get(world["both"].get_absolute_url())


def test_static_css_is_served_without_debug(client, db):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b":focus-visible" in body


def test_collectstatic_builds_a_hashed_manifest(tmp_path, settings):
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    assert re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", hashed)
    assert (tmp_path / (hashed + ".gz")).exists()


def test_reverse_names_of_every_page():
    assert reverse("articles:meeting", kwargs={"slug": "amm-54"}) == "/hoi-nghi/amm-54/"
    assert reverse("articles:archive_month", args=[2021, 4]) == "/luu-tru/2021/4/"
    assert reverse("sitemap") == "/sitemap.xml"


def test_snippet_centres_on_the_phrase_rather_than_a_lone_word(client, db):
    filler = " ".join(["Đoạn mở đầu dài về hợp tác khu vực."] * 30)
    factories.article(
        title="Tin hội nghị",
        lead="Cấp cao Đông Á họp.",
        body=f"{filler}\n\nCác bên bàn về Biển Đông và luật pháp quốc tế.",
    )
    page = search(client, q="bien dong")
    snippet = page[page.index('<p class="snippet">') :]
    snippet = snippet[: snippet.index("</p>")]
    assert "<mark>Biển Đông</mark>" in snippet


def test_filters_fold_away_until_one_is_used(client, world):
    assert '<details class="more-filters">' in search(client, q="bien dong")
    assert '<details class="more-filters" open>' in search(client, q="x", theme="covid-19")


def test_theme_and_outlet_indexes_are_paginated(client, db):
    for n in range(101):
        theme = factories.theme(name=f"Chủ đề số {n:03d}", slug=f"chu-de-so-{n:03d}")
        factories.article(themes=[theme], outlet=factories.outlet(name=f"Báo số {n:03d}"))
    first = html(client.get("/chu-de/"))
    assert "Chủ đề số 099" in first and "Chủ đề số 100" not in first
    assert 'href="?page=2"' in first
    assert "Chủ đề số 100" in html(client.get("/chu-de/", {"page": 2}))
    assert 'href="?page=2"' in html(client.get("/bao/"))


def test_search_query_is_escaped_wherever_it_is_shown(client, db):
    factories.article(title="Tin <b>đậm</b> về script", lead="Chữ script trong sapo.")
    page = search(client, q='<script>alert("x")</script> script')
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    page = search(client, q="script")
    assert "Tin &lt;b&gt;đậm&lt;/b&gt; về <mark>script</mark>" in page


@pytest.mark.parametrize("url", ["/hoi-nghi/amm-54/", "/bao/baoquocte-vn/", "/luu-tru/2021/4/"])
def test_tag_outlet_and_archive_pages_count_nothing_they_have_stored(client, world, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


@pytest.mark.parametrize("small_tag, expected", [(5_000, "IN ("), (0, "EXISTS")])
def test_a_small_tag_is_read_from_its_own_rows_a_large_one_along_the_ordered_index(
    client, world, monkeypatch, small_tag, expected
):
    """A meeting's articles sit in its year: walking the newest-first index back to them
    would read most of the archive, so a small tag's ids come from the tagged items."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles import models

    monkeypatch.setattr(models, "SMALL_TAG", small_tag)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/hoi-nghi/amm-54/")
    assert page.status_code == 200 and world["both"].title in page.content.decode()
    listing = [q["sql"] for q in queries if 'FROM "articles_article"' in q["sql"]]
    assert any(expected in sql for sql in listing)
