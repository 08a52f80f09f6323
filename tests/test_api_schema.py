"""The OpenAPI schema: it validates, the docs work offline, each operation documents every
status it can answer (with the error body's shape) and the headers it sends and reads, and
the live API answers sample requests with those statuses, headers and bodies.

The generated requests (schemathesis) are in tests/test_schemathesis.py."""

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.management import call_command
from django.db import close_old_connections
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from articles import redirects
from articles.models import Article
from articles.throttling import AnonymousRateThrottle, StaffRateThrottle

from . import factories
from .conftest import make_staff

pytestmark = pytest.mark.django_db

COMMON = {401, 406, 414, 429}  # any request: unknown token, Accept, request line, rate
LIST = COMMON | {200, 400, 404}
DETAIL = COMMON | {200, 301, 404}
WRITE = COMMON | {400, 403}
STATUSES = {
    "v1_articles_list": LIST,
    "v1_articles_create": WRITE | {201, 415},
    "v1_articles_retrieve": DETAIL | {304, 400},
    "v1_articles_update": WRITE | {200, 404, 412, 415},
    "v1_articles_partial_update": WRITE | {200, 404, 412, 415},
    "v1_articles_destroy": COMMON | {204, 403, 404, 412},
    "v1_articles_related_list": DETAIL | {400},
    "v1_meetings_list": LIST,
    "v1_meetings_retrieve": DETAIL,
    "v1_themes_list": LIST,
    "v1_themes_retrieve": DETAIL,
    "v1_outlets_list": LIST,
    "v1_outlets_retrieve": DETAIL,
}
# (operation, status) -> the response headers it must send.
HEADERS = {
    ("v1_articles_retrieve", 200): {"ETag"},
    ("v1_articles_retrieve", 304): {"ETag"},
    ("v1_articles_create", 201): {"ETag", "Location"},
    ("v1_articles_update", 200): {"ETag", "Location"},
    ("v1_articles_partial_update", 200): {"ETag", "Location"},
}
REQUEST_HEADERS = {
    "v1_articles_retrieve": {"If-None-Match"},
    "v1_articles_update": {"If-Match"},
    "v1_articles_partial_update": {"If-Match"},
    "v1_articles_destroy": {"If-Match"},
}


def test_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in ("/api/v1/articles/", "/api/v1/articles/{slug}/related/", "/api/v1/meetings/"):
        assert f"{path}:" in text


def test_docs_work_offline(client):
    page = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "unpkg" not in page
    asset = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert asset.status_code == 200


def test_schema_is_served_as_openapi_3(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


@pytest.fixture
def document(client):
    return client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def resolve(document, obj):
    """Follow a local ``$ref`` (one level is all the schema uses)."""
    ref = obj.get("$ref")
    if ref is None:
        return obj
    node = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def test_every_operation_documents_each_status_it_can_answer(document):
    found = {op["operationId"]: set(map(int, op["responses"])) for _, _, op in operations(document)}
    assert found == STATUSES


def test_error_bodies_have_their_shape(document):
    """Every 4xx but 414 (gunicorn's HTML) is JSON: DRF's ``{"detail": ...}``, or for invalid
    input an object of field names to lists of messages."""
    components = document["components"]["schemas"]
    assert components["Error"]["required"] == ["detail"]
    assert components["ValidationError"]["additionalProperties"]
    for path, method, operation in operations(document):
        for code, response in operation["responses"].items():
            response = resolve(document, response)
            if not code.startswith("4") or code == "414":
                continue
            schema = response["content"]["application/json"]["schema"]
            refs = {ref["$ref"] for ref in schema.get("anyOf", [schema])}
            allowed = {"#/components/schemas/Error", "#/components/schemas/ValidationError"}
            assert refs and refs <= allowed, (method, path, code, schema)
            if code == "400":
                assert "#/components/schemas/ValidationError" in refs
    too_long = document["components"]["responses"]["URITooLong"]
    assert "text/html" in too_long["content"]


def test_headers_are_documented(document):
    for path, method, operation in operations(document):
        name = operation["operationId"]
        sent = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        assert sent == REQUEST_HEADERS.get(name, set()), (method, path)
        for code, response in operation["responses"].items():
            response = resolve(document, response)
            headers = {
                header: resolve(document, value)
                for header, value in response.get("headers", {}).items()
            }
            expected = set(HEADERS.get((name, int(code)), set()))
            expected |= {"201": {"Location"}, "301": {"Location"}}.get(code, set())
            expected |= {"401": {"WWW-Authenticate"}, "429": {"Retry-After"}}.get(code, set())
            assert set(headers) == expected, (method, path, code)
            assert all(header["required"] for header in headers.values())
            if code == "301":
                assert headers["Location"]["schema"]["format"] == "uri-reference"
            if code == "429":
                assert headers["Retry-After"]["schema"]["type"] == "integer"


def test_pagination_says_whether_the_count_is_exact(document):
    for name, component in document["components"]["schemas"].items():
        if name.startswith("Paginated"):
            assert component["properties"]["count_exact"]["type"] == "boolean"


def test_parameters_say_what_the_views_accept(document):
    articles = document["paths"]["/api/v1/articles/"]["get"]
    parameters = {p["name"]: p for p in articles["parameters"]}
    assert all(p["allowEmptyValue"] for p in parameters.values())  # empty is "not given"
    assert parameters["year"]["schema"] == {"type": "integer", "minimum": 1967, "maximum": 2100}
    assert parameters["page"]["schema"]["minimum"] == 1
    assert parameters["page_size"]["schema"]["minimum"] == 1
    assert "status" not in parameters["fields"]["schema"]["items"]["enum"]  # staff only
    assert "`status`" in parameters["fields"]["description"]
    assert parameters["meeting"]["schema"]["items"]["pattern"] == r"^[-\w]+$"
    body = document["components"]["schemas"]["ArticleWriteRequest"]["properties"]
    assert body["source_url"]["oneOf"][0]["pattern"].startswith("^[Hh][Tt][Tt][Pp][Ss]?://")
    assert "pattern" in body["title"]
    create = document["paths"]["/api/v1/articles/"]["post"]["requestBody"]["content"]
    assert list(create) == ["application/json"]


def test_staff_only_fields_are_documented_as_such(document):
    detail = document["components"]["schemas"]["ArticleDetail"]["properties"]
    for name in ("status", "raw_text", "created_at", "updated_at"):
        assert "Staff only" in detail[name]["description"], name


# -- the live API against its schema --------------------------------------------------


@pytest.fixture
def live(db, monkeypatch, django_user_model):
    """The schema loaded from the app, with an archive, an editor's and a reader's token.
    As Django's test client does, the request signals are kept from closing the test's
    database connection."""
    from asean_archive.wsgi import application

    meeting = factories.meeting(number=54)
    theme, outlet = factories.theme(slug="bien-dong"), factories.outlet(domain="baoquocte.vn")
    published = factories.article(
        title="Biển Đông", outlet=outlet, meetings=[meeting], themes=[theme]
    )
    factories.article(title="Biển Đông nữa", meetings=[meeting], themes=[theme])
    renamed = factories.article(title="Đổi tên", slug="ten-cu", meetings=[meeting])
    renamed.slug = "ten-moi"
    renamed.save()
    draft = factories.article(title="Bản nháp", status=Article.Status.DRAFT)
    old_slug, meeting.slug = meeting.slug, "amm-54-moi"
    meeting.save()
    redirects.record_rename(meeting, old_slug)
    editor = make_staff(django_user_model, "editor")
    reader = django_user_model.objects.create_user("reader", password="pw")
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield {
            "schema": schemathesis.openapi.from_wsgi("/api/schema/", application),
            "editor": {"Authorization": f"Token {Token.objects.create(user=editor).key}"},
            "reader": {"Authorization": f"Token {Token.objects.create(user=reader).key}"},
            "published": published,
            "draft": draft,
        }
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def call(live, label, *, status, **kwargs):
    """Send one request to the operation ``label`` ("GET /api/v1/articles/"); check its
    status and that the response is the one documented for it."""
    operation = live["schema"].find_operation_by_label(label)
    assert operation is not None, label
    case = operation.Case(**kwargs)
    response = case.call()
    assert response.status_code == status, (label, kwargs, response.text[:300])
    case.validate_response(response, checks=CONFORMANCE)
    return response


def test_reads_answer_as_documented(live):
    slug = live["published"].slug
    call(live, "GET /api/v1/articles/", status=200, query={"meeting": ["amm-54-moi"]})
    call(live, "GET /api/v1/articles/", status=400, query={"year": "1900"})
    call(live, "GET /api/v1/articles/", status=400, query={"q": "..."})
    call(live, "GET /api/v1/articles/", status=400, query={"q": "a\x00b"})  # NUL: {detail}
    call(live, "GET /api/v1/articles/", status=404, query={"page": "99"})
    call(live, "GET /api/v1/articles/", status=401, headers={"Authorization": "Token nope"})
    call(live, "GET /api/v1/articles/", status=406, headers={"Accept": "application/xml"})
    etag = call(live, "GET /api/v1/articles/{slug}/", status=200, path_parameters={"slug": slug})
    call(
        live,
        "GET /api/v1/articles/{slug}/",
        status=304,
        path_parameters={"slug": slug},
        headers={"If-None-Match": etag.headers["etag"][0]},
    )
    moved = call(
        live, "GET /api/v1/articles/{slug}/", status=301, path_parameters={"slug": "ten-cu"}
    )
    assert moved.headers["location"] == ["/api/v1/articles/ten-moi/"]
    for status, slug_, query in ((400, slug, {"fields": "nope"}), (404, "khong-co", {})):
        call(
            live,
            "GET /api/v1/articles/{slug}/",
            status=status,
            path_parameters={"slug": slug_},
            query=query,
        )
    draft = {"slug": live["draft"].slug}
    call(live, "GET /api/v1/articles/{slug}/", status=404, path_parameters=draft)
    related = "GET /api/v1/articles/{slug}/related/"
    call(live, related, status=200, path_parameters={"slug": slug})
    call(live, related, status=301, path_parameters={"slug": "ten-cu"})
    call(live, related, status=400, path_parameters={"slug": slug}, query={"fields": "body"})
    call(live, related, status=404, path_parameters={"slug": "khong-co"})
    call(live, "GET /api/v1/meetings/", status=200, query={"series": "AMM"})
    call(live, "GET /api/v1/meetings/", status=400, query={"year": "0.5"})
    call(live, "GET /api/v1/meetings/{slug}/", status=200, path_parameters={"slug": "amm-54-moi"})
    call(live, "GET /api/v1/meetings/{slug}/", status=301, path_parameters={"slug": "amm-54"})
    call(live, "GET /api/v1/themes/", status=400, query={"page_size": "0"})
    call(live, "GET /api/v1/themes/{slug}/", status=200, path_parameters={"slug": "bien-dong"})
    call(live, "GET /api/v1/outlets/", status=404, query={"page": "5"})
    call(live, "GET /api/v1/outlets/{slug}/", status=404, path_parameters={"slug": "khong-co"})
    # A slug with a character no slug has matches no address: the site's HTML 404 page.
    html = call(live, "GET /api/v1/articles/{slug}/", status=404, path_parameters={"slug": "a b"})
    assert html.headers["content-type"][0].startswith("text/html")


def test_writes_answer_as_documented(live):
    editor, reader = live["editor"], live["reader"]
    new = {"title": "Bài mới", "status": "draft"}
    created = call(live, "POST /api/v1/articles/", status=201, body=new, headers=editor)
    assert created.headers["location"][0].endswith("/api/v1/articles/bai-moi/")
    call(live, "POST /api/v1/articles/", status=400, body={"title": " "}, headers=editor)
    call(live, "POST /api/v1/articles/", status=400, body={"title": "a\x00"}, headers=editor)
    call(live, "POST /api/v1/articles/", status=401, body=new)
    call(live, "POST /api/v1/articles/", status=403, body=new, headers=reader)
    call(
        live,
        "POST /api/v1/articles/",
        status=415,
        body=new,
        headers={**editor, "Content-Type": "text/plain"},
    )
    own = {"slug": "bai-moi"}
    etag = created.headers["etag"][0]
    for method in ("PUT", "PATCH"):
        label = f"{method} /api/v1/articles/{{slug}}/"
        stale = {**editor, "If-Match": '"stale"'}
        call(live, label, status=412, path_parameters=own, body=new, headers=stale)
        call(live, label, status=400, path_parameters=own, body={"title": ""}, headers=editor)
        call(
            live, label, status=404, path_parameters={"slug": "khong-co"}, body=new, headers=editor
        )
        published = {"slug": live["published"].slug}
        call(live, label, status=403, path_parameters=published, body=new, headers=editor)
        changed = call(
            live,
            label,
            status=200,
            path_parameters=own,
            body=new,
            headers={**editor, "If-Match": etag},
        )
        etag = changed.headers["etag"][0]
    delete = "DELETE /api/v1/articles/{slug}/"
    call(live, delete, status=401, path_parameters=own)
    call(live, delete, status=403, path_parameters={"slug": live["published"].slug}, headers=editor)
    call(live, delete, status=412, path_parameters=own, headers={**editor, "If-Match": '"x"'})
    call(live, delete, status=204, path_parameters=own, headers={**editor, "If-Match": etag})
    call(live, delete, status=404, path_parameters=own, headers=editor)


def test_rate_limits_answer_as_documented(live, monkeypatch):
    monkeypatch.setattr(AnonymousRateThrottle, "THROTTLE_RATES", {"anon": "1/min"})
    monkeypatch.setattr(StaffRateThrottle, "THROTTLE_RATES", {"staff": "1/min"})
    cache.clear()  # loading the schema was one anonymous request
    call(live, "GET /api/v1/themes/", status=200)
    throttled = call(live, "GET /api/v1/themes/", status=429)
    assert int(throttled.headers["retry-after"][0]) >= 1
    new = {"title": "Một bài", "status": "draft"}
    call(live, "POST /api/v1/articles/", status=201, body=new, headers=live["editor"])
    call(live, "POST /api/v1/articles/", status=429, body=new, headers=live["editor"])
