"""The API's reads (issue 4): every field, every filter alone and combined, ordering,
pagination, fields=, related, the vocabularies, drafts invisible, conditional GETs and
constant query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from articles.models import Article, Figure

from . import factories

pytestmark = pytest.mark.django_db

API = "/api/v1/articles/"
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
STAFF_FIELDS = {"status", "created_at", "updated_at"}


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def staff(editor):
    api = APIClient()
    api.force_authenticate(editor)
    return api


@pytest.fixture
def data(db):
    amm = factories.meeting(number=54, name="Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ 54")
    som = factories.meeting(
        name="Hội nghị Quan chức Cao cấp ASEAN 2021",
        slug="som-2021",
        series="SOM",
        number=None,
        year=2021,
    )
    sea = factories.theme(name="Biển Đông", slug="bien-dong")
    covid = factories.theme(name="Covid-19", slug="covid-19")
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
        meetings=[amm, som],
        themes=[sea, covid],
    )
    Figure.objects.create(article=full, position=1, caption="Toàn cảnh.", credit="Tuấn Anh")
    Figure.objects.create(article=full, position=2, caption="Phát biểu.", credit="")
    amm_only = factories.article(
        title="Các bộ trưởng họp AMM-54",
        lead="Hợp tác phục hồi.",
        outlet=nd,
        published_on=datetime.date(2021, 8, 2),
        meetings=[amm],
        themes=[covid],
    )
    other = factories.article(
        title="Những biến động thị trường",
        lead="Cộng đồng doanh nghiệp.",
        published_on=datetime.date(2020, 11, 12),
    )
    draft = factories.article(
        title="Bản nháp về Biển Đông",
        status=Article.Status.DRAFT,
        outlet=tgvn,
        published_on=datetime.date(2021, 9, 9),
        meetings=[amm, som],
        themes=[sea, covid],
    )
    hidden = factories.meeting(number=60, name="Hội nghị chỉ có bản nháp")
    draft.meetings.add(hidden)
    return locals()


def slugs(response):
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


# Fields ------------------------------------------------------------------------------


def test_list_item_shows_every_field_of_the_article(anon, data):
    item = next(i for i in anon.get(API).json()["results"] if i["slug"] == data["full"].slug)
    assert set(item) == LIST_FIELDS
    full = data["full"]
    assert item["id"] == full.id
    assert item["title"] == "SOM ASEAN bàn về Biển Đông"
    assert item["lead"] == "Các quan chức cao cấp ASEAN họp trực tuyến."
    assert item["author"] == "Bảo Chi"
    assert item["outlet"] == {
        "name": "Báo Thế giới & Việt Nam",
        "slug": "baoquocte-vn",
        "domain": "baoquocte.vn",
    }
    assert item["source_url"] == "https://baoquocte.vn/som-asean.html"
    assert item["published_on"] == "2021-04-07"
    assert {m["slug"]: m for m in item["meetings"]} == {
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
    assert sorted(item["themes"], key=lambda t: t["slug"]) == [
        {"name": "Biển Đông", "slug": "bien-dong"},
        {"name": "Covid-19", "slug": "covid-19"},
    ]
    assert item["figures"] == [
        {"caption": "Toàn cảnh.", "credit": "Tuấn Anh"},
        {"caption": "Phát biểu.", "credit": ""},
    ]
    assert item["url"] == f"http://testserver/bai-viet/{full.slug}/"
    assert item["api_url"] == f"http://testserver/api/v1/articles/{full.slug}/"


def test_detail_adds_the_body_and_empty_values_are_null(anon, data):
    body = anon.get(data["full"].get_absolute_url().replace("/bai-viet/", API)).json()
    assert set(body) == LIST_FIELDS | {"body"}
    assert body["body"] == "Đoạn một.\n\nĐoạn hai về Biển Đông."
    other = anon.get(f"{API}{data['other'].slug}/").json()
    assert other["outlet"] is None and other["source_url"] is None
    assert other["meetings"] == [] and other["figures"] == []


def test_staff_also_see_status_raw_text_and_timestamps(staff, data):
    item = staff.get(API).json()["results"][0]
    assert set(item) == LIST_FIELDS | STAFF_FIELDS
    detail = staff.get(f"{API}{data['full'].slug}/").json()
    assert set(detail) == LIST_FIELDS | STAFF_FIELDS | {"body", "raw_text"}
    assert detail["status"] == "published"


def test_detail_resolves_an_integer_id(anon, data):
    response = anon.get(f"{API}{data['full'].id}/")
    assert response.status_code == 200 and response.json()["slug"] == data["full"].slug


# Drafts ------------------------------------------------------------------------------


def test_drafts_are_invisible_to_readers_everywhere(anon, django_user_model, data):
    user = django_user_model.objects.create_user("reader", password="pw")
    logged_in = APIClient()
    logged_in.force_authenticate(user)
    draft = data["draft"]
    for api in (anon, logged_in):
        assert draft.slug not in slugs(api.get(API))
        assert draft.slug not in slugs(api.get(API, {"q": "ban nhap"}))
        assert draft.slug not in slugs(api.get(API, {"meeting": "som-2021"}))
        assert api.get(f"{API}{draft.slug}/").status_code == 404
        assert api.get(f"{API}{draft.id}/").status_code == 404
        assert api.get(f"{API}{draft.slug}/related/").status_code == 404
        assert draft.slug not in slugs(api.get(f"{API}{data['full'].slug}/related/"))
        meetings = {m["slug"]: m for m in api.get("/api/v1/meetings/").json()["results"]}
        assert meetings["som-2021"]["article_count"] == 1
        assert "amm-60" not in meetings
        assert api.get("/api/v1/meetings/amm-60/").status_code == 404
        themes = {t["slug"]: t for t in api.get("/api/v1/themes/").json()["results"]}
        assert themes["bien-dong"]["article_count"] == 1
        outlets = {o["slug"]: o for o in api.get("/api/v1/outlets/").json()["results"]}
        assert outlets["baoquocte-vn"]["article_count"] == 1


def test_staff_see_drafts_and_unused_tags(staff, data):
    assert data["draft"].slug in slugs(staff.get(API))
    assert staff.get(f"{API}{data['draft'].slug}/").status_code == 200
    hidden = staff.get("/api/v1/meetings/amm-60/").json()
    assert hidden["article_count"] == 0


# Filters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"meeting": "amm-54"}, ["amm_only", "full"]),
        ({"meeting": ["amm-54", "som-2021"]}, ["full"]),
        ({"theme": "covid-19"}, ["amm_only", "full"]),
        ({"theme": ["covid-19", "bien-dong"]}, ["full"]),
        ({"series": "SOM"}, ["full"]),
        ({"outlet": "nhandan-vn"}, ["amm_only"]),
        ({"published_after": "2021-05-01"}, ["amm_only"]),
        ({"published_before": "2021-04-07"}, ["full", "other"]),
        ({"published_after": "01/01/2021", "published_before": "30/06/2021"}, ["full"]),
        ({"year": "2020"}, ["other"]),
        ({"q": "bien dong"}, ["full", "other"]),  # "biến động" folds alike
        ({"q": "Biển Đông"}, ["full"]),
        ({"q": "bien dong", "meeting": "amm-54", "theme": "covid-19"}, ["full"]),
        ({"q": "hop", "outlet": "nhandan-vn", "year": "2021"}, ["amm_only"]),
        ({"series": "AMM", "published_after": "2021-06-01"}, ["amm_only"]),
    ],
)
def test_filters_alone_and_combined(anon, data, params, expected):
    found = slugs(anon.get(API, params))
    assert sorted(found) == sorted(data[key].slug for key in expected)


def test_search_with_diacritics_matches_them_exactly(anon, data):
    assert data["other"].slug in slugs(anon.get(API, {"q": "bien dong"}))  # "biến động"
    assert data["other"].slug not in slugs(anon.get(API, {"q": "Biển Đông"}))
    assert data["other"].slug in slugs(anon.get(API, {"q": '"biến động"'}))


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"meeting": "khong-co"}, "meeting"),
        ({"theme": "khong-co"}, "theme"),
        ({"outlet": "khong-co"}, "outlet"),
        ({"series": "XYZ"}, "series"),
        ({"published_after": "hôm qua"}, "published_after"),
        ({"year": "abc"}, "year"),
        ({"published_after": "2021-06-01", "published_before": "2021-01-01"}, "published_before"),
        ({"ordering": "status"}, "ordering"),
    ],
)
def test_bad_filter_values_are_400_naming_the_parameter(anon, data, params, field):
    response = anon.get(API, params)
    assert response.status_code == 400
    assert field in response.json()


# Ordering and pagination -------------------------------------------------------------


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        (None, ["amm_only", "full", "other"]),
        ("-published_on", ["amm_only", "full", "other"]),
        ("published_on", ["other", "full", "amm_only"]),
        ("title", ["amm_only", "other", "full"]),
    ],
)
def test_ordering(anon, data, ordering, expected):
    params = {"ordering": ordering} if ordering else {}
    assert slugs(anon.get(API, params)) == [data[key].slug for key in expected]


def test_search_ranks_phrase_matches_first(anon, db):
    scattered = factories.article(
        title="Tầm nhìn mới", lead="Sau 2025.", published_on=datetime.date(2023, 1, 1)
    )
    phrase = factories.article(
        title="Tin cũ", lead="Tầm nhìn sau 2025.", published_on=datetime.date(2020, 1, 1)
    )
    assert slugs(anon.get(API, {"q": "tam nhin sau 2025"})) == [phrase.slug, scattered.slug]


def test_pagination_counts_links_and_bounds(anon, db):
    for n in range(7):
        factories.article(title=f"Bài {n}", published_on=datetime.date(2021, 1, 1 + n))
    body = anon.get(API, {"page_size": 3, "year": 2021}).json()
    assert body["count"] == 7 and len(body["results"]) == 3 and body["previous"] is None
    assert "page=2" in body["next"] and "year=2021" in body["next"]
    last = anon.get(API, {"page_size": 3, "page": 3}).json()
    assert len(last["results"]) == 1 and last["next"] is None
    assert anon.get(API, {"page_size": 3, "page": 4}).status_code == 404
    factories.article(title="Thêm")
    for n in range(105):
        Article.objects.create(
            title=f"Nhanh {n}",
            slug=f"nhanh-{n}",
            status="published",
            published_on=datetime.date(2019, 1, 1),
        )
    assert len(anon.get(API, {"page_size": 1000}).json()["results"]) == 100


# fields= -----------------------------------------------------------------------------


def test_fields_selects_what_is_returned(anon, data):
    item = anon.get(API, {"fields": "slug,title"}).json()["results"][0]
    assert set(item) == {"slug", "title"}
    detail = anon.get(f"{API}{data['full'].slug}/", {"fields": "body,meetings"}).json()
    assert set(detail) == {"body", "meetings"}
    related = anon.get(f"{API}{data['full'].slug}/related/", {"fields": "slug"}).json()
    assert all(set(item) == {"slug"} for item in related["results"])


@pytest.mark.parametrize("fields", ["slug,nope", "status", "raw_text"])
def test_unknown_or_hidden_fields_are_400(anon, data, fields):
    response = anon.get(API, {"fields": fields})
    assert response.status_code == 400 and "fields" in response.json()


# Related -----------------------------------------------------------------------------


def test_related_ranks_by_shared_tags_like_the_article_page(anon, data):
    one_shared = factories.article(
        title="Chung một chủ đề",
        published_on=datetime.date(2022, 1, 1),
        themes=[data["sea"]],
    )
    found = slugs(anon.get(f"{API}{data['full'].slug}/related/"))
    # amm_only shares AMM-54 and Covid-19 (2); one_shared shares Biển Đông (1).
    assert found == [data["amm_only"].slug, one_shared.slug]
    page = anon.get(data["full"].get_absolute_url()).content.decode()
    related = page[page.index('id="related-heading"') :]
    assert related.index(data["amm_only"].title) < related.index(one_shared.title)


# Vocabularies ------------------------------------------------------------------------


def test_meetings_filter_by_series_number_and_year(anon, data):
    factories.article(meetings=[factories.meeting(number=53)])
    assert slugs(anon.get("/api/v1/meetings/", {"series": "SOM"})) == ["som-2021"]
    assert slugs(anon.get("/api/v1/meetings/", {"number": 53})) == ["amm-53"]
    assert sorted(slugs(anon.get("/api/v1/meetings/", {"year": 2021}))) == [
        "amm-54",
        "som-2021",
    ]
    detail = anon.get("/api/v1/meetings/amm-54/").json()
    assert detail["article_count"] == 2 and detail["code"] == "AMM-54"
    assert detail["url"] == "http://testserver/hoi-nghi/amm-54/"


def test_themes_and_outlets_have_detail_by_slug(anon, data):
    theme = anon.get("/api/v1/themes/covid-19/").json()
    assert theme["name"] == "Covid-19" and theme["article_count"] == 2
    outlet = anon.get("/api/v1/outlets/nhandan-vn/").json()
    assert outlet["domain"] == "nhandan.vn" and outlet["article_count"] == 1


# Conditional GET ---------------------------------------------------------------------


def test_etag_and_if_none_match(anon, data):
    url = f"{API}{data['full'].slug}/"
    first = anon.get(url)
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    not_modified = anon.get(url, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert anon.get(url, HTTP_IF_NONE_MATCH=f'"other", {etag}').status_code == 304
    assert anon.get(url, HTTP_IF_NONE_MATCH="*").status_code == 304
    data["full"].themes.remove(data["covid"])  # a change the representation shows
    changed = anon.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


# Query counts ------------------------------------------------------------------------


def count(api, url, params):
    with CaptureQueriesContext(connection) as queries:
        assert api.get(url, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [API, "/api/v1/meetings/", "/api/v1/themes/", "/api/v1/outlets/", "RELATED"],
)
def test_list_query_count_does_not_depend_on_page_size(anon, data, url):
    for n in range(30):
        article = factories.article(
            title=f"Thêm {n}",
            outlet=factories.outlet(),
            meetings=[data["amm"], factories.meeting()],
            themes=[data["covid"], factories.theme()],
        )
        Figure.objects.create(article=article, caption="Ảnh", credit="PV")
    if url == "RELATED":
        url = f"{API}{data['full'].slug}/related/"
    assert count(anon, url, {"page_size": 2}) == count(anon, url, {"page_size": 50})


def test_article_list_costs_five_queries(anon, data, django_assert_num_queries):
    # count, articles with their outlets, meetings, themes, figures.
    with django_assert_num_queries(5):
        anon.get(API, {"page_size": 50})


def test_taggit_names_ignores_a_prefetch_while_all_uses_it(data):
    articles = list(Article.objects.published().with_listing_relations())
    with CaptureQueriesContext(connection) as queries:
        for article in articles:
            list(article.meetings.all())
    assert len(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        for article in articles:
            list(article.meetings.names())
    assert len(queries) == len(articles)


def test_url_is_the_canonical_page_whatever_the_client_language(anon, data):
    item = anon.get(f"{API}{data['full'].slug}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert item["url"] == f"http://testserver/bai-viet/{data['full'].slug}/"
