"""The API's writes and access rules (issue 4): who may do what, creating and editing
articles, publishing, validation messages, lost updates (ETag / If-Match), deleting,
throttling of anonymous clients and CORS."""

import subprocess
import sys
import unicodedata

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from articles.models import Article, Figure
from articles.text import has_diacritics

from . import factories
from .conftest import ROOT

pytestmark = pytest.mark.django_db

API = "/api/v1/articles/"
MISSING_SLUG = "khong-co-bai-nay"


def detail(slug):
    return f"{API}{slug}/"


def client_for(user=None):
    """A client of its own (the ``client`` fixture is shared by editor_client and others),
    logged in with a session when ``user`` is given."""
    api = APIClient()
    if user is not None:
        api.force_login(user)
    return api


def nfd(text):
    return unicodedata.normalize("NFD", text)


def db_state():
    """Everything a write could change, for every article: compare before and after."""
    return [
        (
            a.pk,
            a.slug,
            a.title,
            a.lead,
            a.body,
            a.author,
            a.status,
            a.published_on,
            a.outlet_id,
            a.source_url,
            a.updated_at,
            sorted(a.meetings.values_list("slug", flat=True)),
            sorted(a.themes.values_list("slug", flat=True)),
            list(a.figures.values_list("position", "caption", "credit")),
        )
        for a in Article.objects.order_by("pk")
    ]


def slugs(article, name):
    return sorted(getattr(article, name).values_list("slug", flat=True))


# -- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def nonstaff(db, django_user_model):
    """Authenticated, holding every article permission, but not staff."""
    user = django_user_model.objects.create_user(username="reader", password="pw")
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="articles",
            codename__in=["view_article", "add_article", "change_article", "delete_article"],
        )
    )
    user = django_user_model.objects.get(pk=user.pk)  # fresh permission cache
    assert not user.is_staff
    assert user.has_perms(["articles.add_article", "articles.change_article"])
    return user


@pytest.fixture
def users(nonstaff, editor, publisher):
    return {"anonymous": None, "nonstaff": nonstaff, "editor": editor, "publisher": publisher}


@pytest.fixture
def editor_api(editor):
    return client_for(editor)


@pytest.fixture
def publisher_api(publisher):
    return client_for(publisher)


@pytest.fixture
def tags(db):
    return {
        "amm": factories.meeting(number=54),
        "som": factories.meeting(number=None, slug="som-2021", series="SOM", year=2021),
        "arf": factories.meeting(number=28, slug="arf-28", series="ARF", year=2021),
        "bien-dong": factories.theme(slug="bien-dong", name="Biển Đông"),
        "covid": factories.theme(slug="covid-19", name="Covid-19"),
        "outlet": factories.outlet(domain="baoquocte.vn", name="Báo Quốc tế"),
        "outlet2": factories.outlet(domain="vnexpress.net", name="VnExpress"),
    }


@pytest.fixture
def articles(tags):
    published = factories.article(
        title="Hội nghị AMM-54 bàn về Biển Đông",
        outlet=tags["outlet"],
        meetings=[tags["amm"], tags["som"]],
        themes=[tags["bien-dong"]],
    )
    Figure.objects.create(article=published, position=1, caption="Ảnh cũ", credit="TTXVN")
    draft = factories.article(
        title="Bản nháp về Biển Đông",
        status=Article.Status.DRAFT,
        published_on=None,
        meetings=[tags["amm"]],
        themes=[tags["bien-dong"]],
    )
    return {"published": published, "draft": draft}


# -- the permission matrix -----------------------------------------------------------------

WHO = ("anonymous", "nonstaff", "editor", "publisher")

# method, target article, then the status for: anonymous, non-staff, editor, publisher.
MATRIX = [
    ("GET list", None, 200, 200, 200, 200),
    ("GET detail", "published", 200, 200, 200, 200),
    ("GET detail", "draft", 404, 404, 200, 200),
    ("GET related", "published", 200, 200, 200, 200),
    ("GET related", "draft", 404, 404, 200, 200),
    ("POST", None, 401, 403, 201, 201),
    # A live article changes only by a publisher's hand (articles.permissions).
    ("PUT", "published", 401, 403, 403, 200),
    ("PUT", "draft", 401, 403, 200, 200),
    ("PATCH", "published", 401, 403, 403, 200),
    ("PATCH", "draft", 401, 403, 200, 200),
    ("DELETE", "published", 401, 403, 403, 204),
    ("DELETE", "draft", 401, 403, 204, 204),
]

# A write is refused before the article is looked up: 401 or 403 whether the slug is a
# draft, published or missing, so the answer says nothing about what exists (the reads
# answer 404 for a draft, as for a missing slug).


def matrix_params():
    params = []
    for method, target, *codes in MATRIX:
        for who, code in zip(WHO, codes, strict=True):
            params.append(pytest.param(method, target, who, code, id=f"{method}-{target}-{who}"))
    return params


def send(api, method, article):
    url = detail(article.slug) if article is not None else API
    if method == "GET list":
        return api.get(API)
    if method == "GET detail":
        return api.get(url)
    if method == "GET related":
        return api.get(f"{url}related/")
    if method == "POST":
        return api.post(API, {"title": "Bài mới gửi qua API"}, format="json")
    if method == "PUT":
        return api.put(url, {"title": "Thay cả bài", "lead": "Sapo mới"}, format="json")
    if method == "PATCH":
        return api.patch(url, {"title": "Chỉ sửa tiêu đề"}, format="json")
    if method == "DELETE":
        return api.delete(url)
    raise AssertionError(method)


@pytest.mark.parametrize(("method", "target", "who", "expected"), matrix_params())
def test_permission_matrix(users, articles, method, target, who, expected):
    article = articles[target] if target else None
    before = db_state()
    count = Article.objects.count()

    response = send(client_for(users[who]), method, article)

    assert response.status_code == expected, response.content
    if expected == 401:
        assert response["WWW-Authenticate"] == "Token"
    if method.startswith("GET") or expected >= 400:
        assert db_state() == before, "a read or a refused write changed the database"
    elif method == "POST":
        assert Article.objects.count() == count + 1
    elif method == "DELETE":  # to the trash: gone from readers, kept for a restore
        article.refresh_from_db()
        assert article.status == Article.Status.TRASH
        assert article.trashed_from == target
    else:
        article.refresh_from_db()
        assert article.title in ("Thay cả bài", "Chỉ sửa tiêu đề")


@pytest.mark.parametrize("who", ["anonymous", "nonstaff"])
@pytest.mark.parametrize("method", ["GET detail", "GET related", "PUT", "PATCH", "DELETE"])
def test_a_draft_is_indistinguishable_from_a_missing_article_for_readers(
    users, articles, method, who
):
    api = client_for(users[who])
    before = db_state()
    draft = send(api, method, articles["draft"])
    missing = send(api, method, Article(slug=MISSING_SLUG))
    assert draft.status_code == missing.status_code
    assert draft.json() == missing.json()
    assert draft.status_code in (401, 403, 404)
    assert db_state() == before


def test_drafts_are_listed_for_staff_only(users, articles):
    for who in WHO:
        listed = {a["slug"] for a in client_for(users[who]).get(API).json()["results"]}
        assert articles["published"].slug in listed
        assert (articles["draft"].slug in listed) is (who in ("editor", "publisher")), who


# -- authentication ------------------------------------------------------------------------


def test_editor_writes_with_a_real_token(editor, articles):
    token = Token.objects.create(user=editor)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    created = api.post(API, {"title": "Viết bằng token"}, format="json")
    assert created.status_code == 201, created.content
    slug = created.json()["slug"]
    assert api.get(detail(articles["draft"].slug)).status_code == 200  # staff reads drafts
    patched = api.patch(detail(slug), {"lead": "Sapo"}, format="json")
    assert patched.status_code == 200
    assert api.delete(detail(slug)).status_code == 204
    assert Article.objects.get(slug=slug).status == Article.Status.TRASH


def test_an_invalid_token_is_401(editor, articles):
    Token.objects.create(user=editor)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    before = db_state()

    for response in (
        api.post(API, {"title": "Không được tạo"}, format="json"),
        api.patch(detail(articles["published"].slug), {"title": "Không"}, format="json"),
        api.get(API),
    ):
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
    assert db_state() == before


def test_editor_writes_with_a_session_and_its_csrf_token(editor):
    api = APIClient(enforce_csrf_checks=True)
    assert api.login(username="editor", password="pw")

    refused = api.post(API, {"title": "Không có CSRF"}, format="json")
    assert refused.status_code == 403
    assert not Article.objects.exists()

    secret = "a" * 32
    api.cookies[django_settings.CSRF_COOKIE_NAME] = secret
    created = api.post(API, {"title": "Có CSRF"}, format="json", HTTP_X_CSRFTOKEN=secret)
    assert created.status_code == 201, created.content


# -- create --------------------------------------------------------------------------------


def test_create_is_201_with_location_etag_and_the_detail_representation(editor_api, tags):
    payload = {
        "title": "Đối thoại ASEAN–Mỹ",
        "lead": "Sapo.",
        "body": "Đoạn một.\n\nĐoạn hai.",
        "author": "Minh Anh",
        "outlet": "baoquocte-vn",
        "source_url": "https://baoquocte.vn/doi-thoai-asean-my-123.html",
        "published_on": "2021-08-04",
        "meetings": ["arf-28", "amm-54"],
        "themes": ["bien-dong"],
        "figures": [
            {"caption": "Ảnh một", "credit": "TTXVN"},
            {"caption": "Ảnh hai", "credit": ""},
            {"caption": "Ảnh ba"},
        ],
    }
    response = editor_api.post(API, payload, format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["slug"] == "doi-thoai-asean-my"
    assert response["Location"] == data["api_url"]
    assert data["api_url"] == "http://testserver/api/v1/articles/doi-thoai-asean-my/"
    # The detail representation, as staff see it (body, status and raw text included).
    shown = editor_api.get(response["Location"])
    assert shown.json() == data
    assert response["ETag"] and response["ETag"] == shown["ETag"]
    assert data["status"] == "draft"
    assert sorted(m["slug"] for m in data["meetings"]) == ["amm-54", "arf-28"]
    assert [t["slug"] for t in data["themes"]] == ["bien-dong"]
    assert data["outlet"]["slug"] == "baoquocte-vn"
    assert data["figures"] == [
        {"caption": "Ảnh một", "credit": "TTXVN"},
        {"caption": "Ảnh hai", "credit": ""},
        {"caption": "Ảnh ba", "credit": ""},
    ]

    article = Article.objects.get(slug="doi-thoai-asean-my")
    assert article.status == Article.Status.DRAFT
    assert article.published_on.isoformat() == "2021-08-04"
    assert slugs(article, "meetings") == ["amm-54", "arf-28"]
    assert slugs(article, "themes") == ["bien-dong"]
    assert article.outlet == tags["outlet"]
    assert list(article.figures.values_list("caption", flat=True)) == [
        "Ảnh một",
        "Ảnh hai",
        "Ảnh ba",
    ]


def test_create_slug_from_a_vietnamese_title_is_unique(editor_api):
    first = editor_api.post(API, {"title": "Đối thoại ASEAN–Mỹ"}, format="json")
    second = editor_api.post(API, {"title": "Đối thoại ASEAN–Mỹ"}, format="json")
    assert first.json()["slug"] == "doi-thoai-asean-my"
    assert second.status_code == 201
    assert second.json()["slug"] == "doi-thoai-asean-my-2"


def test_an_editors_new_article_is_a_draft_by_default(editor_api):
    response = editor_api.post(API, {"title": "Bài mới"}, format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "draft"
    assert Article.objects.get().status == Article.Status.DRAFT
    # Sending the default status explicitly is not a status change.
    explicit = editor_api.post(API, {"title": "Bài mới 2", "status": "draft"}, format="json")
    assert explicit.status_code == 201


def test_text_is_normalised_to_nfc(editor_api):
    sent = {
        "title": "Hội nghị Bộ trưởng Ngoại giao ASEAN",
        "lead": "Việt Nam đề xuất tăng cường hợp tác.",
        "body": "Đoạn một về Biển Đông.\n\nĐoạn hai về Tuyên bố chung.",
        "author": "Nguyễn Thị Hồng",
    }
    response = editor_api.post(API, {k: nfd(v) for k, v in sent.items()}, format="json")
    assert response.status_code == 201
    assert nfd(sent["title"]) != sent["title"]  # the request really was NFD
    data = response.json()
    article = Article.objects.get()
    for name, text in sent.items():
        assert data[name] == text
        assert getattr(article, name) == text
        assert unicodedata.is_normalized("NFC", getattr(article, name))
    assert data["slug"] == "hoi-nghi-bo-truong-ngoai-giao-asean"

    patched = editor_api.patch(
        detail(article.slug), {"title": nfd("Tiêu đề đã sửa")}, format="json"
    )
    assert patched.json()["title"] == "Tiêu đề đã sửa"
    article.refresh_from_db()
    assert article.title == "Tiêu đề đã sửa"


def test_figure_captions_and_credits_are_normalised_to_nfc(editor_api):
    figures = [{"caption": nfd("Ảnh Hội nghị"), "credit": nfd("Nguồn: Thông tấn xã")}]
    response = editor_api.post(API, {"title": "Ảnh", "figures": figures}, format="json")
    assert response.status_code == 201
    figure = Figure.objects.get()
    assert figure.caption == "Ảnh Hội nghị"
    assert figure.credit == "Nguồn: Thông tấn xã"
    assert response.json()["figures"] == [
        {"caption": "Ảnh Hội nghị", "credit": "Nguồn: Thông tấn xã"}
    ]


# -- status and publishing -----------------------------------------------------------------


def test_an_editor_cannot_create_a_published_article(editor_api):
    response = editor_api.post(
        API, {"title": "Bài", "status": "published", "published_on": "2021-08-04"}, format="json"
    )
    assert response.status_code == 403
    assert not Article.objects.exists()


def test_an_editor_may_create_for_review_and_move_between_draft_and_review(editor_api, articles):
    """The admin and the API follow one rule: draft <-> review needs no publish permission."""
    created = editor_api.post(API, {"title": "Bài chờ duyệt", "status": "review"}, format="json")
    assert created.status_code == 201, created.content
    slug = articles["draft"].slug
    assert editor_api.patch(detail(slug), {"status": "review"}, format="json").status_code == 200
    assert editor_api.patch(detail(slug), {"status": "draft"}, format="json").status_code == 200


def test_nobody_writes_the_trash_status(publisher_api, articles):
    slug = articles["draft"].slug
    response = publisher_api.patch(detail(slug), {"status": "trash"}, format="json")
    assert response.status_code == 400
    assert Article.objects.get(slug=slug).status == Article.Status.DRAFT


@pytest.mark.parametrize(
    ("method", "target", "payload"),
    [
        ("patch", "draft", {"status": "published", "published_on": "2021-08-04"}),
        ("patch", "published", {"status": "draft", "title": "Gỡ bài"}),
        (
            "put",
            "draft",
            {"title": "Đăng luôn", "status": "published", "published_on": "2021-08-04"},
        ),
        ("put", "published", {"title": "Gỡ bài", "status": "review"}),
    ],
)
def test_an_editor_cannot_change_the_status(editor_api, articles, method, target, payload):
    before = db_state()
    response = getattr(editor_api, method)(detail(articles[target].slug), payload, format="json")
    assert response.status_code == 403
    assert db_state() == before


def test_an_editor_may_send_the_unchanged_status_with_an_edit(editor_api, articles):
    article = articles["draft"]
    response = editor_api.patch(
        detail(article.slug), {"status": "draft", "title": "Sửa bản nháp"}, format="json"
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert (article.status, article.title) == ("draft", "Sửa bản nháp")


def test_an_editor_cannot_edit_a_live_article(editor_api, articles):
    article = articles["published"]
    before = db_state()
    response = editor_api.patch(detail(article.slug), {"title": "Sửa bài đã đăng"}, format="json")
    assert response.status_code == 403
    assert "publisher" in response.json()["detail"]
    assert db_state() == before


def test_the_publisher_can_publish(publisher_api, articles):
    draft = articles["draft"]
    assert client_for().get(detail(draft.slug)).status_code == 404
    response = publisher_api.patch(
        detail(draft.slug), {"status": "published", "published_on": "2021-08-04"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published"
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED
    assert client_for().get(detail(draft.slug)).status_code == 200
    assert client_for().get(draft.get_absolute_url()).status_code == 200

    created = publisher_api.post(
        API,
        {"title": "Đăng ngay", "status": "published", "published_on": "2021-08-05"},
        format="json",
    )
    assert created.status_code == 201
    assert Article.objects.get(slug="dang-ngay").status == Article.Status.PUBLISHED


def test_publishing_requires_published_on(publisher_api, articles):
    before = db_state()
    patched = publisher_api.patch(
        detail(articles["draft"].slug), {"status": "published"}, format="json"
    )
    assert patched.status_code == 400
    assert "published_on" in patched.json()
    created = publisher_api.post(API, {"title": "Không ngày", "status": "published"}, format="json")
    assert created.status_code == 400
    assert "published_on" in created.json()
    assert db_state() == before


# -- validation ----------------------------------------------------------------------------

# name, payload, the field named in the error, a phrase of the English message
INVALID = [
    ("missing-title", {"lead": "Sapo"}, "title", "required"),
    ("unknown-meeting", {"title": "T", "meetings": ["amm-99"]}, "meetings", "does not exist"),
    ("unknown-theme", {"title": "T", "themes": ["khong-co"]}, "themes", "does not exist"),
    ("unknown-outlet", {"title": "T", "outlet": "khong-co"}, "outlet", "does not exist"),
    ("bad-date", {"title": "T", "published_on": "2021-13-45"}, "published_on", "format"),
    ("bad-url", {"title": "T", "source_url": "không phải URL"}, "source_url", "valid URL"),
    ("duplicate-slug", {"title": "T", "slug": "doi-thoai-asean-my"}, "slug", "already exists"),
    ("bad-status", {"title": "T", "status": "archived"}, "status", "valid choice"),
]


@pytest.fixture
def existing(tags):
    return factories.article(title="Đối thoại ASEAN–Mỹ")


def post_invalid(api, payload, **headers):
    before = db_state()
    response = api.post(API, payload, format="json", **headers)
    assert response.status_code == 400, response.content
    assert db_state() == before
    return response


@pytest.mark.parametrize(
    ("payload", "field"), [p[1:3] for p in INVALID], ids=[p[0] for p in INVALID]
)
def test_validation_errors_are_400_with_field_messages_in_vietnamese(
    editor_api, existing, payload, field
):
    response = post_invalid(editor_api, payload)
    errors = response.json()
    assert list(errors) == [field]
    assert all(isinstance(m, str) and m for m in errors[field])
    assert has_diacritics(errors[field][0]), errors
    assert response["Content-Language"] == "vi"


@pytest.mark.parametrize(
    ("payload", "field", "english"), [p[1:] for p in INVALID], ids=[p[0] for p in INVALID]
)
def test_validation_errors_are_in_english_with_accept_language_en(
    editor_api, existing, payload, field, english
):
    vietnamese = post_invalid(editor_api, payload).json()[field][0]
    response = post_invalid(editor_api, payload, HTTP_ACCEPT_LANGUAGE="en")
    message = response.json()[field][0]
    assert list(response.json()) == [field]
    assert message != vietnamese
    assert english in message
    assert not has_diacritics(message), message
    assert response["Content-Language"] == "en"


def test_an_invalid_patch_changes_nothing(editor_api, articles):
    before = db_state()
    response = editor_api.patch(
        detail(articles["published"].slug),
        {"title": "Sẽ không lưu", "meetings": ["amm-54", "khong-co"]},
        format="json",
    )
    assert response.status_code == 400
    assert "meetings" in response.json()
    assert db_state() == before


# -- lost updates: ETag and If-Match -------------------------------------------------------


def current_etag(api, slug):
    response = api.get(detail(slug))
    assert response.status_code == 200
    etag = response["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) > 2
    return etag


WRITES = {
    "put": {"title": "Bản của tôi", "meetings": ["arf-28"], "themes": ["covid-19"]},
    "patch": {"title": "Bản của tôi", "meetings": ["arf-28"]},
    "delete": None,
}


def write(api, method, slug, **headers):
    payload = WRITES[method]
    if payload is None:
        return getattr(api, method)(detail(slug), **headers)
    return getattr(api, method)(detail(slug), payload, format="json", **headers)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_stale_if_match_is_412_and_changes_nothing(editor_api, publisher_api, articles, method):
    article = articles["published"]
    stale = current_etag(editor_api, article.slug)
    # Someone else edits the article meanwhile.
    other = publisher_api.patch(
        detail(article.slug),
        {"title": "Bản của người khác", "themes": ["covid-19"]},
        format="json",
    )
    assert other.status_code == 200
    before = db_state()

    response = write(editor_api, method, article.slug, HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    assert db_state() == before
    article.refresh_from_db()
    assert article.title == "Bản của người khác"
    assert slugs(article, "meetings") == ["amm-54", "som-2021"]
    assert slugs(article, "themes") == ["covid-19"]


@pytest.mark.parametrize("method", ["put", "patch"])
def test_an_update_with_the_current_etag_succeeds_and_returns_a_new_etag(
    publisher_api, articles, method
):
    slug = articles["published"].slug
    etag = current_etag(publisher_api, slug)
    response = write(publisher_api, method, slug, HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    assert response["ETag"] != etag
    assert response["ETag"] == current_etag(publisher_api, slug)
    assert response.json()["title"] == "Bản của tôi"
    # The old ETag is now stale; the new one is good for the next write.
    assert write(publisher_api, method, slug, HTTP_IF_MATCH=etag).status_code == 412
    again = write(publisher_api, method, slug, HTTP_IF_MATCH=response["ETag"])
    assert again.status_code == 200


def test_a_delete_with_the_current_etag_succeeds(publisher_api, articles):
    slug = articles["published"].slug
    response = write(publisher_api, "delete", slug, HTTP_IF_MATCH=current_etag(publisher_api, slug))
    assert response.status_code == 204
    assert Article.objects.get(slug=slug).status == Article.Status.TRASH


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_if_match_is_optional(publisher_api, articles, method):
    """Without If-Match a write is not checked: clients that skip it may overwrite."""
    response = write(publisher_api, method, articles["published"].slug)
    assert response.status_code in (200, 204), response.content


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_if_match_star_succeeds(publisher_api, articles, method):
    response = write(publisher_api, method, articles["published"].slug, HTTP_IF_MATCH="*")
    assert response.status_code in (200, 204), response.content


def test_a_patch_of_the_tags_only_changes_the_etag(publisher_api, articles):
    slug = articles["published"].slug
    etag = current_etag(publisher_api, slug)
    response = publisher_api.patch(
        detail(slug), {"meetings": ["arf-28"]}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert current_etag(publisher_api, slug) == response["ETag"]
    themes = publisher_api.patch(
        detail(slug), {"themes": ["covid-19"]}, format="json", HTTP_IF_MATCH=response["ETag"]
    )
    assert themes.status_code == 200
    assert themes["ETag"] not in (etag, response["ETag"])


# -- PATCH and PUT semantics ---------------------------------------------------------------


def test_patch_of_meetings_replaces_the_list(publisher_api, articles):
    article = articles["published"]
    assert slugs(article, "meetings") == ["amm-54", "som-2021"]
    response = publisher_api.patch(detail(article.slug), {"meetings": ["arf-28"]}, format="json")
    assert response.status_code == 200
    assert [m["slug"] for m in response.json()["meetings"]] == ["arf-28"]
    assert slugs(article, "meetings") == ["arf-28"]
    emptied = publisher_api.patch(detail(article.slug), {"meetings": []}, format="json")
    assert emptied.json()["meetings"] == []
    assert slugs(article, "meetings") == []


def test_patch_without_meetings_keeps_them(publisher_api, articles):
    article = articles["published"]
    response = publisher_api.patch(detail(article.slug), {"title": "Tiêu đề mới"}, format="json")
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.title == "Tiêu đề mới"
    assert slugs(article, "meetings") == ["amm-54", "som-2021"]
    assert slugs(article, "themes") == ["bien-dong"]
    assert list(article.figures.values_list("caption", flat=True)) == ["Ảnh cũ"]
    assert article.lead == "Sapo của bài viết thử."
    assert article.outlet.slug == "baoquocte-vn"


def test_put_replaces_everything_given(publisher_api, articles):
    article = articles["published"]
    payload = {
        "title": "Bài viết thay thế",
        "lead": "Sapo thay thế.",
        "body": "Nội dung thay thế.",
        "author": "Lan Hương",
        "outlet": "vnexpress-net",
        "source_url": "https://vnexpress.net/bai-thay-the.html",
        "published_on": "2022-01-02",
        "meetings": ["arf-28"],
        "themes": ["covid-19"],
        "figures": [{"caption": "Ảnh mới 1", "credit": "AFP"}, {"caption": "Ảnh mới 2"}],
    }
    response = publisher_api.put(detail(article.slug), payload, format="json")
    assert response.status_code == 200, response.content
    article.refresh_from_db()
    assert (article.title, article.lead, article.body, article.author) == (
        "Bài viết thay thế",
        "Sapo thay thế.",
        "Nội dung thay thế.",
        "Lan Hương",
    )
    assert article.outlet.slug == "vnexpress-net"
    assert article.source_url == payload["source_url"]
    assert article.published_on.isoformat() == "2022-01-02"
    assert slugs(article, "meetings") == ["arf-28"]
    assert slugs(article, "themes") == ["covid-19"]
    assert list(article.figures.values_list("caption", "credit")) == [
        ("Ảnh mới 1", "AFP"),
        ("Ảnh mới 2", ""),
    ]
    assert article.status == Article.Status.PUBLISHED  # not given: unchanged


def test_put_needs_the_required_fields(publisher_api, articles):
    before = db_state()
    response = publisher_api.put(
        detail(articles["published"].slug), {"lead": "Chỉ có sapo"}, format="json"
    )
    assert response.status_code == 400
    assert "title" in response.json()
    assert db_state() == before


# -- delete --------------------------------------------------------------------------------


def test_delete_is_204_and_the_article_goes_to_the_trash(publisher_api, articles):
    article = articles["published"]
    public = client_for()
    assert public.get(article.get_absolute_url()).status_code == 200

    response = publisher_api.delete(detail(article.slug))

    assert response.status_code == 204
    assert not response.content
    article.refresh_from_db()
    assert (article.status, article.trashed_from) == ("trash", "published")
    # Kept whole for a restore: tags and figures stay.
    assert Figure.objects.filter(article_id=article.pk).exists()
    assert slugs(article, "meetings") == ["amm-54", "som-2021"]
    assert publisher_api.get(detail(article.slug)).status_code == 404
    assert public.get(detail(article.slug)).status_code == 404
    assert public.get(article.get_absolute_url()).status_code == 404
    assert Article.objects.filter(pk=articles["draft"].pk).exists()


# -- throttling ----------------------------------------------------------------------------


@pytest.fixture
def low_anon_rate(monkeypatch):
    """Three anonymous requests a minute. AnonRateThrottle reads THROTTLE_RATES at class
    level (from DRF's cached settings), so patch the class attribute."""
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/min"})
    cache.clear()
    yield
    cache.clear()


def test_the_fourth_anonymous_request_is_429_with_retry_after(low_anon_rate, articles):
    anonymous = client_for()
    for _ in range(3):
        assert anonymous.get(API).status_code == 200
    response = anonymous.get(API)
    assert response.status_code == 429
    retry_after = response["Retry-After"]
    assert retry_after.isdigit() and 0 < int(retry_after) <= 60


def test_an_authenticated_editor_is_not_throttled(low_anon_rate, editor, articles):
    anonymous = client_for()
    for _ in range(4):
        anonymous.get(API)
    assert anonymous.get(API).status_code == 429

    session = client_for(editor)
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=editor).key}")
    for api in (session, token):
        for _ in range(6):
            assert api.get(API).status_code == 200
        assert api.post(API, {"title": "Không bị giới hạn"}, format="json").status_code == 201


def test_an_anonymous_client_cannot_escape_the_throttle_with_x_forwarded_for(
    low_anon_rate, articles
):
    anonymous = client_for()
    codes = [
        anonymous.get(API, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(4)
    ]
    assert codes == [200, 200, 200, 429]


def load_settings(**env):
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'asean_archive.settings.test'\n"
        "from django.conf import settings\n"
        "print(repr((settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'],"
        " settings.CORS_ALLOWED_ORIGINS, settings.CORS_ALLOW_ALL_ORIGINS)))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", **env},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_anonymous_rate_and_cors_origins_come_from_the_environment():
    rates = {"anon": "120/min", "user": "600/min", "staff": None, "search": "30/min"}
    assert load_settings() == repr((rates, [], False))
    assert load_settings(API_ANON_RATE="5/hour", API_CORS_ORIGINS="https://example.org") == (
        repr(({**rates, "anon": "5/hour"}, ["https://example.org"], False))
    )
    assert load_settings(API_CORS_ORIGINS="*") == repr((rates, [], True))


# -- CORS ----------------------------------------------------------------------------------

ORIGIN = "https://example.org"


@pytest.fixture
def cors_example_org(settings):
    settings.CORS_ALLOW_ALL_ORIGINS = False
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]


def cors_headers(response):
    return {k: v for k, v in response.headers.items() if k.lower().startswith("access-control")}


def test_no_cors_headers_when_api_cors_origins_is_unset(settings, articles):
    settings.CORS_ALLOW_ALL_ORIGINS = False
    settings.CORS_ALLOWED_ORIGINS = []
    api = client_for()
    response = api.get(API, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response
    preflight = api.options(
        detail(articles["published"].slug),
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert "Access-Control-Allow-Origin" not in preflight


def test_cors_allows_reads_from_a_listed_origin(cors_example_org, articles):
    api = client_for()
    response = api.get(detail(articles["published"].slug), HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert "etag" in response["Access-Control-Expose-Headers"].lower()
    assert "Access-Control-Allow-Credentials" not in response
    other = api.get(API, HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "POST"])
def test_cors_preflight_for_a_write_is_refused(cors_example_org, articles, method):
    url = detail(articles["published"].slug) if method != "POST" else API
    preflight = client_for().options(
        url, HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD=method
    )
    assert preflight["Access-Control-Allow-Origin"] == ORIGIN  # a CORS preflight answer
    allowed = {m.strip() for m in preflight["Access-Control-Allow-Methods"].split(",")}
    assert "GET" in allowed
    assert method not in allowed
    assert allowed <= {"GET", "HEAD", "OPTIONS"}


@pytest.mark.parametrize("path", ["/", "/en/", "article-page"])
def test_no_cors_headers_outside_the_api(cors_example_org, articles, path):
    if path == "article-page":
        path = articles["published"].get_absolute_url()
    api = client_for()
    response = api.get(path, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200
    assert cors_headers(response) == {}
    preflight = api.options(path, HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert cors_headers(preflight) == {}
