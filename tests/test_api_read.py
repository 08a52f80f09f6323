"""The API's reads, point by point against the spec (issue 4).

Articles: the exact fields for readers and staff, list and detail, and every value of one
fully-populated article; each filter alone and combined; search; ordering; pagination;
``fields=``; related articles. Vocabularies: meetings, themes, outlets. Drafts and review
articles invisible to every non-staff client. Conditional GETs. Constant query counts.
Messages in the client's language.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from articles.models import Article, Figure

from . import factories

pytestmark = pytest.mark.django_db

ARTICLES = "/api/v1/articles/"
MEETINGS = "/api/v1/meetings/"
THEMES = "/api/v1/themes/"
OUTLETS = "/api/v1/outlets/"

LIST_FIELDS = {
    "id",
    "slug",
    "title",
    "lead",
    "author",
    "outlet",
    "source_url",
    "published_on",
    "meetings",
    "themes",
    "figures",
    "url",
    "api_url",
}
DETAIL_FIELDS = LIST_FIELDS | {"body"}
# The publication window is staff-only: readers see an article inside it, never the plan.
WINDOW = {"publish_at", "expires_at"}
STAFF_LIST_FIELDS = LIST_FIELDS | {"status", "created_at", "updated_at"} | WINDOW
STAFF_DETAIL_FIELDS = DETAIL_FIELDS | {"status", "raw_text", "created_at", "updated_at"} | WINDOW
MEETING_FIELDS = {
    "name",
    "slug",
    "code",
    "series",
    "number",
    "year",
    "partner",
    "start_date",
    "end_date",
    "place",
    "article_count",
    "url",
    "api_url",
}
THEME_FIELDS = {"name", "name_en", "slug", "article_count", "url", "api_url"}
OUTLET_FIELDS = {"name", "slug", "domain", "article_count", "url", "api_url"}

PUBLISHED = ["amm", "full", "market", "vision"]  # newest first


# Fixtures ----------------------------------------------------------------------------


@pytest.fixture
def anon():
    """An anonymous API client."""
    return APIClient()


@pytest.fixture
def reader(django_user_model):
    """A logged-in user who is not staff: sees exactly what an anonymous client sees."""
    user = django_user_model.objects.create_user(username="reader", password="pw")
    api = APIClient()
    api.force_login(user)
    return api


@pytest.fixture
def staff(editor):
    """A staff editor, logged in through a session (a client of its own: the ``client``
    fixture is shared with ``editor_client``)."""
    api = APIClient()
    api.force_login(editor)
    return api


@pytest.fixture(params=["anonymous", "non-staff user"])
def outsider(request, anon, reader):
    """Every client that is not staff: anonymous, and a logged-in non-staff user."""
    return anon if request.param == "anonymous" else reader


@pytest.fixture
def world(db):
    """Three meetings, three themes, two outlets and four published articles; a draft and a
    review article carrying the same tags and words; a meeting, a theme and an outlet whose
    only articles are unpublished."""
    amm54 = factories.meeting(
        number=54,
        name="Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ 54",
        year=2021,
        place="Trực tuyến",
        start_date=datetime.date(2021, 8, 2),
        end_date=datetime.date(2021, 8, 4),
    )
    amm53 = factories.meeting(
        number=53, name="Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ 53", year=2020
    )
    som = factories.meeting(
        name="Hội nghị Quan chức Cao cấp ASEAN 2021",
        slug="som-2021",
        series="SOM",
        number=None,
        year=2021,
    )
    sea = factories.theme(name="Biển Đông", slug="bien-dong", name_en="South China Sea")
    covid = factories.theme(name="Covid-19", slug="covid-19", name_en="COVID-19")
    economy = factories.theme(name="Kinh tế", slug="kinh-te", name_en="Economy")
    tgvn = factories.outlet(name="Báo Thế giới & Việt Nam", domain="baoquocte.vn")
    nd = factories.outlet(name="Báo Nhân Dân", domain="nhandan.vn")

    full = factories.article(
        title="SOM ASEAN bàn về Biển Đông",
        lead="Các quan chức cao cấp ASEAN họp trực tuyến.",
        body="Đoạn một.\n\nĐoạn hai về Biển Đông.",
        author="Bảo Chi",
        outlet=tgvn,
        source_url="https://baoquocte.vn/som-asean.html",
        published_on=datetime.date(2021, 4, 7),
        raw_text="SOM ASEAN BÀN VỀ BIỂN ĐÔNG\nVăn bản gốc.",
        meetings=[amm54, som],
        themes=[sea, covid],
    )
    # Created out of order: the API lists figures by position.
    Figure.objects.create(article=full, position=2, caption="Phát biểu.", credit="")
    Figure.objects.create(article=full, position=1, caption="Toàn cảnh.", credit="Tuấn Anh")
    amm = factories.article(
        title="Các bộ trưởng họp AMM-54",
        lead="Hợp tác phục hồi sau đại dịch.",
        outlet=nd,
        published_on=datetime.date(2021, 8, 2),
        meetings=[amm54],
        themes=[covid],
    )
    # "biến động", "cộng đồng", "ven biển": every word of "bien dong" without diacritics,
    # none of "Biển Đông" with them.
    market = factories.article(
        title="Những biến động thị trường",
        lead="Cộng đồng doanh nghiệp ven biển.",
        body="",
        published_on=datetime.date(2020, 11, 12),
        meetings=[amm53],
        themes=[economy],
    )
    vision = factories.article(
        title="Tầm nhìn kinh tế 2025",
        lead="Kế hoạch tổng thể.",
        outlet=tgvn,
        published_on=datetime.date(2019, 6, 20),
        themes=[economy],
    )

    hidden_meeting = factories.meeting(number=60, name="Hội nghị chỉ có bài chưa đăng", year=2027)
    hidden_theme = factories.theme(name="Chủ đề chỉ có bài chưa đăng", slug="chi-chua-dang")
    hidden_outlet = factories.outlet(name="Báo chỉ có bản nháp", domain="ban-nhap.vn")
    draft = factories.article(
        title="Bản nháp bí mật về Biển Đông",
        lead="Chưa được đăng: bien dong.",
        body="Biển Đông. Covid-19. Kinh tế. Tầm nhìn.",
        status=Article.Status.DRAFT,
        outlet=hidden_outlet,
        published_on=datetime.date(2021, 9, 9),
        meetings=[amm54, som, amm53, hidden_meeting],
        themes=[sea, covid, economy, hidden_theme],
    )
    review = factories.article(
        title="Bài chờ duyệt về Biển Đông",
        lead="Chưa được duyệt.",
        body="Biển Đông.",
        status=Article.Status.REVIEW,
        outlet=tgvn,
        published_on=datetime.date(2021, 9, 10),
        meetings=[amm54, hidden_meeting],
        themes=[sea, hidden_theme],
    )
    return locals()


# Helpers -----------------------------------------------------------------------------


def ok(response):
    assert response.status_code == 200, (response.status_code, response.content)
    return response.json()


def slugs(response):
    return [item["slug"] for item in ok(response)["results"]]


def detail_url(article):
    return f"{ARTICLES}{article.slug}/"


def related_url(article):
    return f"{ARTICLES}{article.slug}/related/"


def keys(world, *names):
    return [world[name].slug for name in names]


# Fields: which keys, for whom ----------------------------------------------------------


def test_list_items_carry_exactly_the_public_fields_for_readers(outsider, world):
    for item in ok(outsider.get(ARTICLES))["results"]:
        assert set(item) == LIST_FIELDS


def test_detail_adds_the_body_and_nothing_else_for_readers(outsider, world):
    assert set(ok(outsider.get(detail_url(world["full"])))) == DETAIL_FIELDS


def test_staff_list_adds_status_and_timestamps_but_not_raw_text(staff, world):
    for item in ok(staff.get(ARTICLES))["results"]:
        assert set(item) == STAFF_LIST_FIELDS


def test_staff_detail_adds_status_raw_text_and_timestamps(staff, world):
    assert set(ok(staff.get(detail_url(world["full"])))) == STAFF_DETAIL_FIELDS


# Fields: every value of one fully-populated article ------------------------------------


def expected_public_values(world):
    full = world["full"]
    return {
        "id": full.id,
        "slug": "som-asean-ban-ve-bien-dong",
        "title": "SOM ASEAN bàn về Biển Đông",
        "lead": "Các quan chức cao cấp ASEAN họp trực tuyến.",
        "author": "Bảo Chi",
        "outlet": {
            "name": "Báo Thế giới & Việt Nam",
            "slug": "baoquocte-vn",
            "domain": "baoquocte.vn",
        },
        "source_url": "https://baoquocte.vn/som-asean.html",
        "published_on": "2021-04-07",
        "figures": [
            {"caption": "Toàn cảnh.", "credit": "Tuấn Anh"},
            {"caption": "Phát biểu.", "credit": ""},
        ],
        "url": "http://testserver/bai-viet/som-asean-ban-ve-bien-dong/",
        "api_url": "http://testserver/api/v1/articles/som-asean-ban-ve-bien-dong/",
    }


EXPECTED_MEETINGS = {
    "amm-54": {
        "name": "Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ 54",
        "slug": "amm-54",
        "series": "AMM",
        "number": 54,
        "year": 2021,
    },
    "som-2021": {
        "name": "Hội nghị Quan chức Cao cấp ASEAN 2021",
        "slug": "som-2021",
        "series": "SOM",
        "number": None,
        "year": 2021,
    },
}
EXPECTED_THEMES = {
    "bien-dong": {"name": "Biển Đông", "slug": "bien-dong"},
    "covid-19": {"name": "Covid-19", "slug": "covid-19"},
}


def assert_full_article(item, world):
    for name, value in expected_public_values(world).items():
        assert item[name] == value, name
    assert len(item["meetings"]) == 2
    assert {m["slug"]: m for m in item["meetings"]} == EXPECTED_MEETINGS
    assert len(item["themes"]) == 2
    assert {t["slug"]: t for t in item["themes"]} == EXPECTED_THEMES


def test_list_item_shows_every_value_of_a_fully_populated_article(anon, world):
    items = {item["slug"]: item for item in ok(anon.get(ARTICLES))["results"]}
    assert_full_article(items[world["full"].slug], world)


def test_detail_shows_every_value_of_a_fully_populated_article(anon, world):
    item = ok(anon.get(detail_url(world["full"])))
    assert_full_article(item, world)
    assert item["body"] == "Đoạn một.\n\nĐoạn hai về Biển Đông."


def test_staff_only_values_are_the_articles_status_raw_text_and_timestamps(staff, world):
    full = world["full"]
    item = ok(staff.get(detail_url(full)))
    assert_full_article(item, world)
    assert item["status"] == "published"
    assert item["raw_text"] == "SOM ASEAN BÀN VỀ BIỂN ĐÔNG\nVăn bản gốc."
    assert datetime.datetime.fromisoformat(item["created_at"]) == full.created_at
    assert datetime.datetime.fromisoformat(item["updated_at"]) == full.updated_at
    draft = ok(staff.get(detail_url(world["draft"])))
    assert draft["status"] == "draft"


def test_missing_outlet_source_url_tags_and_figures_are_null_or_empty(anon, world):
    item = ok(anon.get(detail_url(world["vision"])))
    assert item["source_url"] is None
    assert item["meetings"] == [] and item["figures"] == []
    item = ok(anon.get(detail_url(world["market"])))
    assert item["outlet"] is None
    assert item["author"] == "" and item["body"] == ""


def test_detail_resolves_an_integer_id_to_the_same_article(anon, world):
    full = world["full"]
    by_id = ok(anon.get(f"{ARTICLES}{full.id}/"))
    assert by_id == ok(anon.get(detail_url(full)))


def test_unknown_slug_or_id_is_404(anon, world):
    assert anon.get(f"{ARTICLES}khong-co-bai-nay/").status_code == 404
    assert anon.get(f"{ARTICLES}999999/").status_code == 404


# Filters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # alone
        ({}, PUBLISHED),
        ({"meeting": "amm-54"}, ["amm", "full"]),
        ({"meeting": "som-2021"}, ["full"]),
        ({"meeting": ["amm-54", "som-2021"]}, ["full"]),  # repeatable: all must match
        ({"meeting": ["amm-53", "amm-54"]}, []),
        ({"theme": "covid-19"}, ["amm", "full"]),
        ({"theme": ["covid-19", "bien-dong"]}, ["full"]),
        ({"theme": ["kinh-te", "covid-19"]}, []),
        ({"series": "AMM"}, ["amm", "full", "market"]),
        ({"series": "SOM"}, ["full"]),
        ({"series": "ARF"}, []),
        ({"outlet": "baoquocte-vn"}, ["full", "vision"]),
        ({"outlet": "nhandan-vn"}, ["amm"]),
        ({"published_after": "2021-04-07"}, ["amm", "full"]),  # inclusive
        ({"published_after": "2021-04-08"}, ["amm"]),
        ({"published_after": "07/04/2021"}, ["amm", "full"]),  # DD/MM/YYYY
        ({"published_before": "2021-04-07"}, ["full", "market", "vision"]),  # inclusive
        ({"published_before": "2021-04-06"}, ["market", "vision"]),
        ({"published_before": "12/11/2020"}, ["market", "vision"]),
        ({"year": "2021"}, ["amm", "full"]),
        ({"year": "2020"}, ["market"]),
        ({"year": "2019"}, ["vision"]),
        ({"year": "2018"}, []),
        ({"q": "bien dong"}, ["full", "market"]),
        ({"q": "Biển Đông"}, ["full"]),
        # combined
        ({"meeting": "amm-54", "theme": "covid-19"}, ["amm", "full"]),
        ({"meeting": "amm-54", "theme": "bien-dong"}, ["full"]),
        ({"meeting": "amm-54", "outlet": "nhandan-vn"}, ["amm"]),
        ({"theme": "kinh-te", "outlet": "baoquocte-vn"}, ["vision"]),
        ({"series": "AMM", "year": "2021"}, ["amm", "full"]),
        ({"series": "AMM", "published_before": "30/06/2021"}, ["full", "market"]),
        ({"published_after": "2020-01-01", "published_before": "2021-06-30"}, ["full", "market"]),
        ({"published_after": "2021-04-07", "published_before": "2021-04-07"}, ["full"]),
        ({"year": "2021", "published_after": "2021-05-01"}, ["amm"]),
        ({"q": "bien dong", "year": "2020"}, ["market"]),
        ({"q": "bien dong", "theme": "bien-dong"}, ["full"]),
        ({"q": "hop", "outlet": "nhandan-vn", "year": "2021"}, ["amm"]),
        (
            {
                "meeting": ["amm-54", "som-2021"],
                "theme": ["bien-dong", "covid-19"],
                "series": "SOM",
                "outlet": "baoquocte-vn",
                "published_after": "01/04/2021",
                "published_before": "2021-04-30",
                "year": "2021",
                "q": "ASEAN",
            },
            ["full"],
        ),
    ],
)
def test_filters_alone_and_combined(outsider, world, params, expected):
    assert slugs(outsider.get(ARTICLES, params)) == keys(world, *expected)


def test_staff_filters_find_drafts_and_review_articles_too(staff, world):
    found = slugs(staff.get(ARTICLES, {"meeting": "amm-54", "theme": "bien-dong"}))
    assert found == keys(world, "review", "draft", "full")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"meeting": "khong-co"}, "meeting"),
        ({"meeting": ["amm-54", "khong-co"]}, "meeting"),
        ({"theme": "khong-co"}, "theme"),
        ({"outlet": "khong-co"}, "outlet"),
        ({"series": "XYZ"}, "series"),
        ({"published_after": "hôm qua"}, "published_after"),
        ({"published_after": "31/02/2021"}, "published_after"),
        ({"published_before": "2021-13-01"}, "published_before"),
        ({"year": "abc"}, "year"),
        ({"year": "1900"}, "year"),
        ({"published_after": "2021-06-01", "published_before": "2021-01-01"}, "published_before"),
        ({"ordering": "status"}, "ordering"),
        ({"ordering": "-body"}, "ordering"),
    ],
)
def test_invalid_filter_values_are_400_naming_the_field(anon, world, params, field):
    response = anon.get(ARTICLES, params)
    assert response.status_code == 400, response.content
    errors = response.json()
    assert set(errors) == {field}
    assert errors[field] and all(isinstance(message, str) for message in errors[field])


# Search ------------------------------------------------------------------------------


@pytest.fixture
def texts(db):
    """Articles telling "Biển Đông" apart from look-alikes without diacritics."""
    make = factories.article
    return {
        "sea": make(
            title="Tin A", lead="Tình hình Biển Đông.", published_on=datetime.date(2021, 1, 1)
        ),
        "change": make(
            title="Tin B", lead="Nhiều biến động.", published_on=datetime.date(2021, 1, 2)
        ),
        "community": make(
            title="Tin C", lead="Cộng đồng ven biển.", published_on=datetime.date(2021, 1, 3)
        ),
        "apart": make(
            title="Tin D",
            lead="Biển xanh, phía Đông.",
            published_on=datetime.date(2021, 1, 4),
        ),
        "ascii": make(title="Tin E", lead="bien dong", published_on=datetime.date(2021, 1, 5)),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Without diacritics: diacritics optional.
        ("bien dong", ["ascii", "apart", "community", "change", "sea"]),
        ("BIEN DONG", ["ascii", "apart", "community", "change", "sea"]),
        # With diacritics: exact (case aside).
        ("Biển Đông", ["apart", "sea"]),
        ("biển đông", ["apart", "sea"]),
        ("biến động", ["change"]),
        ("cộng đồng", ["community"]),
        # Quotes make a phrase.
        ('"Biển Đông"', ["sea"]),
        ('"bien dong"', ["ascii", "change", "sea"]),
        ('"biến động"', ["change"]),
    ],
)
def test_search_diacritics_optional_without_them_exact_with_them(anon, texts, query, expected):
    found = slugs(anon.get(ARTICLES, {"q": query}))
    assert sorted(found) == sorted(texts[key].slug for key in expected)


def test_search_without_diacritics_finds_bien_dong_with_them(anon, texts):
    assert texts["sea"].slug in slugs(anon.get(ARTICLES, {"q": "bien dong"}))


def test_search_with_diacritics_does_not_find_bien_dong_look_alikes(anon, texts):
    found = slugs(anon.get(ARTICLES, {"q": "Biển Đông"}))
    assert texts["change"].slug not in found  # "biến động"
    assert texts["community"].slug not in found  # "cộng đồng"


def test_search_phrase_matches_rank_first_then_title_matches_then_newest(anon, db):
    scattered_title = factories.article(
        title="Đông Nam Á và biển", lead="Tin mới.", published_on=datetime.date(2023, 1, 1)
    )
    scattered = factories.article(
        title="Tin tức", lead="Biển ở phía Đông.", published_on=datetime.date(2024, 1, 1)
    )
    phrase = factories.article(
        title="Tin cũ", lead="Tranh chấp Biển Đông.", published_on=datetime.date(2019, 1, 1)
    )
    found = slugs(anon.get(ARTICLES, {"q": "bien dong"}))
    assert found == [phrase.slug, scattered_title.slug, scattered.slug]


def test_search_never_finds_unpublished_articles(outsider, world):
    assert slugs(outsider.get(ARTICLES, {"q": "bí mật"})) == []
    assert slugs(outsider.get(ARTICLES, {"q": "chờ duyệt"})) == []


# Ordering ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        (None, ["amm", "full", "market", "vision"]),  # default: newest first
        ("-published_on", ["amm", "full", "market", "vision"]),
        ("published_on", ["vision", "market", "full", "amm"]),
        ("title", ["amm", "market", "full", "vision"]),
        ("-title", ["vision", "full", "market", "amm"]),
    ],
)
def test_ordering(anon, world, ordering, expected):
    params = {"ordering": ordering} if ordering else {}
    assert slugs(anon.get(ARTICLES, params)) == keys(world, *expected)


def test_ordering_combines_with_filters(anon, world):
    params = {"ordering": "published_on", "theme": "covid-19"}
    assert slugs(anon.get(ARTICLES, params)) == keys(world, "full", "amm")


# Pagination --------------------------------------------------------------------------


@pytest.fixture
def dated(db):
    """25 published articles on 25 consecutive days, tagged alike; newest last."""
    amm = factories.meeting(number=54, year=2021)
    sea = factories.theme(name="Biển Đông", slug="bien-dong")
    return [
        factories.article(
            title=f"Biển Đông số {n}",
            published_on=datetime.date(2021, 1, 1) + datetime.timedelta(days=n),
            meetings=[amm],
            themes=[sea],
        )
        for n in range(25)
    ]


def test_pagination_envelope_and_default_page_size_of_20(anon, dated):
    body = ok(anon.get(ARTICLES))
    assert set(body) == {"count", "count_exact", "next", "previous", "results"}
    assert body["count"] == 25 and len(body["results"]) == 20
    assert body["previous"] is None
    assert body["next"] == "http://testserver/api/v1/articles/?page=2"
    second = ok(anon.get(body["next"]))
    assert len(second["results"]) == 5 and second["next"] is None
    assert second["previous"] == "http://testserver/api/v1/articles/"
    seen = [i["slug"] for i in body["results"]] + [i["slug"] for i in second["results"]]
    assert seen == [a.slug for a in reversed(dated)]


def test_page_size_is_honoured(anon, dated):
    body = ok(anon.get(ARTICLES, {"page_size": 7, "page": 2}))
    assert body["count"] == 25
    assert [i["slug"] for i in body["results"]] == [a.slug for a in reversed(dated)][7:14]
    assert "page_size=7" in body["next"] and "page=3" in body["next"]
    assert "page_size=7" in body["previous"]


def test_page_size_is_capped_at_100(anon, db):
    Article.objects.bulk_create(
        Article(
            title=f"Bài {n}",
            slug=f"bai-{n}",
            status=Article.Status.PUBLISHED,
            published_on=datetime.date(2020, 1, 1),
        )
        for n in range(101)
    )
    body = ok(anon.get(ARTICLES, {"page_size": 1000}))
    assert body["count"] == 101 and len(body["results"]) == 100
    assert "page=2" in body["next"]


def test_page_beyond_the_end_is_404(anon, dated):
    assert anon.get(ARTICLES, {"page_size": 10, "page": 3}).status_code == 200
    assert anon.get(ARTICLES, {"page_size": 10, "page": 4}).status_code == 404


def test_next_and_previous_links_keep_the_filters(anon, dated):
    params = {
        "meeting": "amm-54",
        "theme": "bien-dong",
        "q": "Biển Đông",
        "year": "2021",
        "ordering": "published_on",
        "page_size": 5,
    }
    first = ok(anon.get(ARTICLES, params))
    assert first["count"] == 25
    second = ok(anon.get(first["next"]))
    assert [i["slug"] for i in second["results"]] == [a.slug for a in dated[5:10]]
    third = ok(anon.get(second["next"]))
    assert [i["slug"] for i in third["results"]] == [a.slug for a in dated[10:15]]
    back = ok(anon.get(third["previous"]))
    assert back["results"] == second["results"]


def test_next_link_keeps_a_repeated_filter(anon, world):
    later = factories.article(
        published_on=datetime.date(2022, 1, 1),
        meetings=[world["amm54"], world["som"]],
        themes=[world["sea"], world["covid"]],
    )
    params = {"meeting": ["amm-54", "som-2021"], "theme": ["bien-dong", "covid-19"]}
    first = ok(anon.get(ARTICLES, {**params, "page_size": 1}))
    assert first["count"] == 2
    assert [item["slug"] for item in first["results"]] == [later.slug]
    for pair in ("meeting=amm-54", "meeting=som-2021", "theme=bien-dong", "theme=covid-19"):
        assert pair in first["next"]
    assert slugs(anon.get(first["next"])) == keys(world, "full")


# fields= -----------------------------------------------------------------------------


def test_fields_selects_the_keys_of_list_items(anon, world):
    for item in ok(anon.get(ARTICLES, {"fields": "slug,title"}))["results"]:
        assert set(item) == {"slug", "title"}


def test_fields_selects_the_keys_of_the_detail(anon, world):
    item = ok(anon.get(detail_url(world["full"]), {"fields": "slug,title"}))
    assert item == {"slug": world["full"].slug, "title": world["full"].title}
    item = ok(anon.get(detail_url(world["full"]), {"fields": "body, meetings"}))
    assert set(item) == {"body", "meetings"}


def test_fields_selects_the_keys_of_related_items(anon, world):
    body = ok(anon.get(related_url(world["full"]), {"fields": "slug,title"}))
    assert body["results"]
    for item in body["results"]:
        assert set(item) == {"slug", "title"}


def test_staff_may_select_staff_only_fields(staff, world):
    for item in ok(staff.get(ARTICLES, {"fields": "slug,status"}))["results"]:
        assert set(item) == {"slug", "status"}
    item = ok(staff.get(detail_url(world["full"]), {"fields": "raw_text"}))
    assert item == {"raw_text": "SOM ASEAN BÀN VỀ BIỂN ĐÔNG\nVăn bản gốc."}


@pytest.mark.parametrize(
    "url",
    [ARTICLES, "DETAIL", "RELATED"],
)
def test_unknown_field_is_400_naming_it(anon, world, url):
    url = {"DETAIL": detail_url(world["full"]), "RELATED": related_url(world["full"])}.get(url, url)
    response = anon.get(url, {"fields": "slug,nope"})
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"fields"}
    assert "nope" in errors["fields"][0]


def test_body_is_an_unknown_field_in_lists(anon, world):
    response = anon.get(ARTICLES, {"fields": "slug,body"})
    assert response.status_code == 400 and "body" in response.json()["fields"][0]


@pytest.mark.parametrize("field", ["status", "raw_text", "created_at", "updated_at"])
def test_staff_only_field_is_an_unknown_field_for_readers(outsider, world, field):
    response = outsider.get(detail_url(world["full"]), {"fields": f"slug,{field}"})
    assert response.status_code == 400
    message = response.json()["fields"][0]
    assert field in message
    # The list of fields it offers is the reader's: no staff-only field in it.
    offered = message.rsplit(":", 1)[1]
    for hidden in ("status", "raw_text", "created_at", "updated_at"):
        assert hidden not in offered


# Related -----------------------------------------------------------------------------


@pytest.fixture
def related_world(world):
    """Around "full" (AMM-54, SOM 2021, Biển Đông, Covid-19): two articles sharing two tags
    (a newer and an older one), one sharing one but newest of all; drafts sharing all."""
    world["two_new"] = factories.article(
        title="Hai thẻ chung, mới hơn",
        published_on=datetime.date(2022, 5, 5),
        meetings=[world["som"]],
        themes=[world["sea"]],
    )
    world["one_newest"] = factories.article(
        title="Một thẻ chung, mới nhất",
        published_on=datetime.date(2023, 1, 1),
        themes=[world["covid"]],
    )
    return world


def test_related_are_published_articles_most_shared_first_then_newest(outsider, related_world):
    found = slugs(outsider.get(related_url(related_world["full"])))
    # two_new and amm share 2 tags (newest first), one_newest shares 1; market and vision
    # share nothing; the draft and the review article share most but are unpublished.
    assert found == keys(related_world, "two_new", "amm", "one_newest")


def test_related_ties_on_shared_and_date_go_to_the_newer_id(anon, world):
    first = factories.article(published_on=datetime.date(2022, 1, 1), themes=[world["economy"]])
    second = factories.article(published_on=datetime.date(2022, 1, 1), themes=[world["economy"]])
    found = slugs(anon.get(related_url(world["vision"])))
    assert found == [second.slug, first.slug, world["market"].slug]


def test_related_never_lists_the_article_itself(anon, related_world):
    for key in ("full", "amm", "two_new", "one_newest", "market", "vision"):
        article = related_world[key]
        assert article.slug not in slugs(anon.get(related_url(article)))


def test_related_of_an_untagged_article_is_empty(anon, world):
    lone = factories.article(title="Không có thẻ")
    body = ok(anon.get(related_url(lone)))
    assert body == {"count": 0, "count_exact": True, "next": None, "previous": None, "results": []}


def test_related_never_lists_drafts_even_for_staff(staff, related_world):
    found = slugs(staff.get(related_url(related_world["full"])))
    assert found == keys(related_world, "two_new", "amm", "one_newest")
    # Staff may ask for a draft's related articles: published ones only.
    found = slugs(staff.get(related_url(related_world["draft"])))
    assert related_world["review"].slug not in found
    assert related_world["full"].slug in found


def test_related_ranking_is_the_article_pages(anon, related_world):
    api_titles = [
        item["title"] for item in ok(anon.get(related_url(related_world["full"])))["results"]
    ]
    page = anon.get(related_world["full"].get_absolute_url()).content.decode()
    section = page[page.index('id="related-heading"') :]
    positions = [section.index(title) for title in api_titles]
    assert positions == sorted(positions)


def test_related_is_paginated_and_resolves_an_id(anon, related_world):
    full = related_world["full"]
    body = ok(anon.get(f"{ARTICLES}{full.id}/related/", {"page_size": 2}))
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    assert anon.get(related_url(full), {"page_size": 2, "page": 3}).status_code == 404


# Vocabularies: meetings, themes, outlets ---------------------------------------------


def test_meeting_list_and_detail_fields_and_values(anon, world):
    meetings = {m["slug"]: m for m in ok(anon.get(MEETINGS))["results"]}
    assert set(meetings) == {"amm-54", "amm-53", "som-2021"}
    assert meetings["amm-54"] == {
        "name": "Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ 54",
        "slug": "amm-54",
        "code": "AMM-54",
        "series": "AMM",
        "number": 54,
        "year": 2021,
        "partner": "",
        "start_date": "2021-08-02",
        "end_date": "2021-08-04",
        "place": "Trực tuyến",
        "article_count": 2,  # full, amm; not the draft nor the review article
        "url": "http://testserver/hoi-nghi/amm-54/",
        "api_url": "http://testserver/api/v1/meetings/amm-54/",
    }
    assert ok(anon.get(f"{MEETINGS}amm-54/")) == meetings["amm-54"]
    assert meetings["som-2021"]["code"] == "SOM 2021"
    assert meetings["som-2021"]["article_count"] == 1
    assert meetings["amm-53"]["article_count"] == 1


def test_meetings_are_ordered_newest_year_then_series_then_number(anon, world):
    assert slugs(anon.get(MEETINGS)) == ["amm-54", "som-2021", "amm-53"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"series": "SOM"}, ["som-2021"]),
        ({"series": "AMM"}, ["amm-54", "amm-53"]),
        ({"number": "53"}, ["amm-53"]),
        ({"year": "2021"}, ["amm-54", "som-2021"]),
        ({"year": "2020"}, ["amm-53"]),
        ({"series": "AMM", "year": "2021"}, ["amm-54"]),
        ({"series": "AMM", "number": "54", "year": "2020"}, []),
    ],
)
def test_meetings_filter_by_series_number_and_year(anon, world, params, expected):
    assert slugs(anon.get(MEETINGS, params)) == expected


def test_theme_list_and_detail_fields_and_values(anon, world):
    themes = {t["slug"]: t for t in ok(anon.get(THEMES))["results"]}
    assert set(themes) == {"bien-dong", "covid-19", "kinh-te"}
    assert themes["bien-dong"] == {
        "name": "Biển Đông",
        "name_en": "South China Sea",
        "slug": "bien-dong",
        "article_count": 1,  # full; not the draft nor the review article
        "url": "http://testserver/chu-de/bien-dong/",
        "api_url": "http://testserver/api/v1/themes/bien-dong/",
    }
    assert ok(anon.get(f"{THEMES}bien-dong/")) == themes["bien-dong"]
    assert themes["covid-19"]["article_count"] == 2
    assert themes["kinh-te"]["article_count"] == 2


def test_outlet_list_and_detail_fields_and_values(anon, world):
    outlets = {o["slug"]: o for o in ok(anon.get(OUTLETS))["results"]}
    assert set(outlets) == {"baoquocte-vn", "nhandan-vn"}
    assert outlets["baoquocte-vn"] == {
        "name": "Báo Thế giới & Việt Nam",
        "slug": "baoquocte-vn",
        "domain": "baoquocte.vn",
        "article_count": 2,  # full, vision; not the review article
        "url": "http://testserver/bao/baoquocte-vn/",
        "api_url": "http://testserver/api/v1/outlets/baoquocte-vn/",
    }
    assert ok(anon.get(f"{OUTLETS}baoquocte-vn/")) == outlets["baoquocte-vn"]
    assert outlets["nhandan-vn"]["article_count"] == 1


@pytest.mark.parametrize(
    ("url", "fields"),
    [(MEETINGS, MEETING_FIELDS), (THEMES, THEME_FIELDS), (OUTLETS, OUTLET_FIELDS)],
)
def test_vocabulary_lists_are_paginated_with_their_fields(anon, world, url, fields):
    body = ok(anon.get(url, {"page_size": 1}))
    assert set(body) == {"count", "count_exact", "next", "previous", "results"}
    assert len(body["results"]) == 1 and set(body["results"][0]) == fields
    assert "page=2" in body["next"]


@pytest.mark.parametrize(
    ("url", "hidden"),
    [(MEETINGS, "amm-60"), (THEMES, "chi-chua-dang"), (OUTLETS, "ban-nhap-vn")],
)
def test_vocabulary_entry_with_only_unpublished_articles_is_hidden_from_readers(
    outsider, world, url, hidden
):
    assert hidden not in slugs(outsider.get(url))
    assert outsider.get(f"{url}{hidden}/").status_code == 404


@pytest.mark.parametrize(
    ("url", "hidden"),
    [(MEETINGS, "amm-60"), (THEMES, "chi-chua-dang"), (OUTLETS, "ban-nhap-vn")],
)
def test_staff_see_vocabulary_entries_with_only_unpublished_articles_counting_zero(
    staff, world, url, hidden
):
    listed = {item["slug"]: item for item in ok(staff.get(url))["results"]}
    assert listed[hidden]["article_count"] == 0
    assert ok(staff.get(f"{url}{hidden}/"))["article_count"] == 0


def test_staff_counts_are_still_published_articles_only(staff, world):
    assert ok(staff.get(f"{MEETINGS}amm-54/"))["article_count"] == 2
    assert ok(staff.get(f"{THEMES}bien-dong/"))["article_count"] == 1
    assert ok(staff.get(f"{OUTLETS}baoquocte-vn/"))["article_count"] == 2


def test_vocabulary_counts_ignore_unpublished_articles(outsider, world):
    counts = {
        url: {item["slug"]: item["article_count"] for item in ok(outsider.get(url))["results"]}
        for url in (MEETINGS, THEMES, OUTLETS)
    }
    assert counts == {
        MEETINGS: {"amm-54": 2, "som-2021": 1, "amm-53": 1},
        THEMES: {"bien-dong": 1, "covid-19": 2, "kinh-te": 2},
        OUTLETS: {"baoquocte-vn": 2, "nhandan-vn": 1},
    }


def test_unknown_vocabulary_slug_is_404(anon, world):
    for url in (MEETINGS, THEMES, OUTLETS):
        assert anon.get(f"{url}khong-co/").status_code == 404


# Drafts and review articles ------------------------------------------------------------


def test_unpublished_articles_are_absent_from_the_list_and_its_count(outsider, world):
    body = ok(outsider.get(ARTICLES))
    assert body["count"] == 4
    assert [item["slug"] for item in body["results"]] == keys(world, *PUBLISHED)


@pytest.mark.parametrize("key", ["draft", "review"])
def test_unpublished_article_detail_is_404_not_403_by_slug_and_by_id(outsider, world, key):
    article = world[key]
    assert outsider.get(detail_url(article)).status_code == 404
    assert outsider.get(f"{ARTICLES}{article.id}/").status_code == 404
    assert outsider.get(related_url(article)).status_code == 404
    assert outsider.get(f"{ARTICLES}{article.id}/related/").status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"meeting": "amm-54"},
        {"meeting": ["amm-54", "som-2021", "amm-53"]},
        {"theme": ["bien-dong", "covid-19", "kinh-te"]},
        {"series": "SOM"},
        {"outlet": "baoquocte-vn"},
        {"year": "2021"},
        {"published_after": "2021-09-01"},
        {"q": "Biển Đông"},
        {"q": "bien dong"},
        {"ordering": "title"},
    ],
)
def test_filters_never_reveal_unpublished_articles(outsider, world, params):
    found = slugs(outsider.get(ARTICLES, params))
    assert world["draft"].slug not in found and world["review"].slug not in found


@pytest.mark.parametrize(
    "params", [{"meeting": "amm-60"}, {"theme": "chi-chua-dang"}, {"outlet": "ban-nhap-vn"}]
)
def test_filtering_on_a_hidden_vocabulary_entry_finds_nothing(outsider, world, params):
    response = outsider.get(ARTICLES, params)
    if response.status_code == 200:
        assert response.json()["count"] == 0
    else:
        assert response.status_code == 400


def test_related_never_reveals_unpublished_articles(outsider, world):
    for key in PUBLISHED:
        found = slugs(outsider.get(related_url(world[key])))
        assert world["draft"].slug not in found and world["review"].slug not in found


def test_staff_see_drafts_and_review_articles_in_list_and_detail(staff, world):
    body = ok(staff.get(ARTICLES))
    assert body["count"] == 6
    assert [item["slug"] for item in body["results"]] == keys(world, "review", "draft", *PUBLISHED)
    for key in ("draft", "review"):
        assert ok(staff.get(detail_url(world[key])))["title"] == world[key].title
        assert ok(staff.get(f"{ARTICLES}{world[key].id}/"))["slug"] == world[key].slug


def test_staff_list_puts_undated_drafts_after_dated_articles_on_every_database(staff, world):
    undated = factories.article(
        title="Nháp chưa có ngày", status=Article.Status.DRAFT, published_on=None
    )
    assert slugs(staff.get(ARTICLES))[-1] == undated.slug


# Conditional GET ---------------------------------------------------------------------


def test_detail_carries_a_strong_etag(anon, world):
    etag = anon.get(detail_url(world["full"]))["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) > 2
    assert anon.get(f"{ARTICLES}{world['full'].id}/")["ETag"] == etag
    assert anon.get(detail_url(world["full"]))["ETag"] == etag  # stable


def test_if_none_match_with_the_etag_gives_304_with_an_empty_body(anon, world):
    url = detail_url(world["full"])
    etag = anon.get(url)["ETag"]
    response = anon.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_if_none_match_star_gives_304(anon, world):
    response = anon.get(detail_url(world["full"]), HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 304 and response.content == b""


def test_if_none_match_list_containing_the_etag_gives_304(anon, world):
    url = detail_url(world["full"])
    etag = anon.get(url)["ETag"]
    assert anon.get(url, HTTP_IF_NONE_MATCH=f'"stale", {etag}').status_code == 304
    assert anon.get(url, HTTP_IF_NONE_MATCH=f'"a",{etag} ,"b"').status_code == 304
    assert anon.get(url, HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304


def test_if_none_match_without_the_etag_gives_200(anon, world):
    url = detail_url(world["full"])
    etag = anon.get(url)["ETag"]
    response = anon.get(url, HTTP_IF_NONE_MATCH='"stale", "other"')
    assert response.status_code == 200 and response["ETag"] == etag
    assert response.json()["slug"] == world["full"].slug


def test_old_etag_gives_200_and_a_new_etag_after_the_title_is_edited(anon, world):
    url = detail_url(world["full"])
    etag = anon.get(url)["ETag"]
    article = Article.objects.get(pk=world["full"].pk)
    article.title = "SOM ASEAN bàn tiếp về Biển Đông"
    article.save()
    response = anon.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["title"] == "SOM ASEAN bàn tiếp về Biển Đông"
    assert response["ETag"] != etag
    assert anon.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_old_etag_gives_200_and_a_new_etag_after_a_theme_is_added(anon, world):
    url = detail_url(world["full"])
    etag = anon.get(url)["ETag"]
    world["full"].themes.add(world["economy"])
    response = anon.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag
    assert "kinh-te" in {t["slug"] for t in response.json()["themes"]}


def test_old_etag_gives_200_after_a_figure_is_edited(anon, world):
    url = detail_url(world["full"])
    etag = anon.get(url)["ETag"]
    # Saved as every write path saves (QuerySet.update sends no signal: the cached copy
    # would stand until a bulk writer calls caching.content_changed()).
    figure = Figure.objects.get(article=world["full"], position=1)
    figure.caption = "Ảnh mới."
    figure.save()
    response = anon.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag


@pytest.mark.parametrize("renamed", ["outlet", "meeting"])
def test_old_etag_gives_200_after_the_outlet_or_a_meeting_shown_is_renamed(anon, world, renamed):
    url = detail_url(world["full"])
    etag = anon.get(url)["ETag"]
    thing = world["tgvn"] if renamed == "outlet" else world["som"]
    thing.name = f"{thing.name} (đổi tên)"
    thing.save()
    assert anon.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


# Query counts ------------------------------------------------------------------------


@pytest.fixture
def many(db):
    """52 published articles, each with 2 meetings, 2 themes, an outlet and 2 figures: one
    meeting and one theme of its own, one shared by all (so each relates to all others)."""
    common_meeting = factories.meeting(number=54, year=2021)
    common_theme = factories.theme(name="Biển Đông", slug="bien-dong")
    articles = []
    for n in range(52):
        article = factories.article(
            title=f"Bài số {n}",
            author="Phóng viên",
            outlet=factories.outlet(),
            source_url=f"https://example.vn/{n}.html",
            published_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=n),
            meetings=[
                common_meeting,
                factories.meeting(number=1000 + n, slug=f"hoi-nghi-{n}", name=f"Hội nghị {n}"),
            ],
            themes=[common_theme, factories.theme()],
        )
        Figure.objects.create(article=article, position=1, caption="Ảnh 1", credit="PV")
        Figure.objects.create(article=article, position=2, caption="Ảnh 2", credit="PV")
        articles.append(article)
    return articles


def count_queries(api, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url, params)
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == min(params["page_size"], response.json()["count"])
    return len(queries)


@pytest.mark.parametrize("url", [ARTICLES, MEETINGS, THEMES, OUTLETS, "RELATED"])
def test_list_query_count_does_not_depend_on_page_size(anon, many, url):
    if url == "RELATED":
        url = related_url(many[0])
    assert count_queries(anon, url, {"page_size": 2}) == count_queries(anon, url, {"page_size": 50})


def test_filtered_article_list_query_count_does_not_depend_on_page_size(anon, many):
    params = {"meeting": "amm-54", "theme": "bien-dong", "q": "bai so"}
    assert count_queries(anon, ARTICLES, {**params, "page_size": 2}) == count_queries(
        anon, ARTICLES, {**params, "page_size": 50}
    )


def test_staff_article_list_query_count_does_not_depend_on_page_size(staff, many):
    assert count_queries(staff, ARTICLES, {"page_size": 2}) == count_queries(
        staff, ARTICLES, {"page_size": 50}
    )


def test_article_list_costs_five_queries(anon, many, django_assert_num_queries):
    # The count; the page of articles with their outlets; their meetings; their themes;
    # their figures.
    with django_assert_num_queries(5):
        response = anon.get(ARTICLES, {"page_size": 50})
    assert len(response.json()["results"]) == 50


def test_taggit_names_ignores_a_prefetch_while_all_uses_it(many):
    articles = list(Article.objects.published().with_listing_relations()[:10])
    with CaptureQueriesContext(connection) as queries:
        for article in articles:
            assert len(list(article.meetings.all())) == 2
    assert len(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        for article in articles:
            assert len(article.meetings.names()) == 2
    assert len(queries) == len(articles)


# Language ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field", "english", "vietnamese"),
    [
        ({"year": "abc"}, "year", "Enter a whole number.", "Nhập một số tổng thể."),
        (
            {"published_after": "hôm qua"},
            "published_after",
            "Enter a valid date.",
            "Nhập một ngày hợp lệ.",
        ),
        (
            {"published_after": "2021-06-01", "published_before": "2021-01-01"},
            "published_before",
            "“From” must be on or before “To”.",
            "“Từ ngày” phải trước hoặc bằng “Đến ngày”.",
        ),
    ],
)
def test_invalid_filter_message_is_english_when_asked_vietnamese_by_default(
    anon, world, params, field, english, vietnamese
):
    assert anon.get(ARTICLES, params).json() == {field: [vietnamese]}
    en = anon.get(ARTICLES, params, HTTP_ACCEPT_LANGUAGE="en")
    assert en.status_code == 400 and en.json() == {field: [english]}


def test_unknown_meeting_message_is_english_when_asked(anon, world):
    en = anon.get(ARTICLES, {"meeting": "khong-co"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert en["meeting"][0].startswith("Select a valid choice.")
    vi = anon.get(ARTICLES, {"meeting": "khong-co"}).json()
    assert vi["meeting"][0].startswith("Hãy chọn một lựa chọn hợp lệ.")


def test_unknown_field_message_is_english_when_asked(anon, world):
    en = anon.get(ARTICLES, {"fields": "nope"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert en["fields"][0].startswith("No such field: nope. Available fields: api_url, author")
    vi = anon.get(ARTICLES, {"fields": "nope"}).json()
    assert vi["fields"][0].startswith("Không có trường: nope. Các trường có: api_url, author")


def test_not_found_message_follows_the_client_language(anon, world):
    en = anon.get(detail_url(world["draft"]), HTTP_ACCEPT_LANGUAGE="en")
    assert en.status_code == 404 and en.json() == {"detail": "Not found."}
    vi = anon.get(detail_url(world["draft"]))
    assert vi.status_code == 404 and vi.json() == {"detail": "Không tìm thấy."}


def test_article_data_and_urls_do_not_change_with_the_client_language(anon, world):
    url = detail_url(world["full"])
    assert ok(anon.get(url, HTTP_ACCEPT_LANGUAGE="en")) == ok(anon.get(url))
    assert ok(anon.get(url, HTTP_ACCEPT_LANGUAGE="en"))["url"] == (
        "http://testserver/bai-viet/som-asean-ban-ve-bien-dong/"
    )
