"""Anonymous pages and API reads are cached, and every change a reader could see invalidates
them at once; signed-in users never get a cached response and never fill the cache."""

import datetime
import re
import subprocess
import sys
import uuid

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext, override_settings
from rest_framework.authtoken.models import Token

from articles import caching, services
from articles.models import Article, Figure
from asean_archive.settings.base import cache_settings

from . import factories
from .conftest import ROOT, SEEDS
from .test_settings import load_settings

pytestmark = pytest.mark.django_db

API = "/api/v1"
REDIS_TEST_URL = "redis://127.0.0.1:6379/3"


@pytest.fixture
def world(db):
    """A published article with a meeting, two themes, an outlet and a figure; a draft."""
    meeting = factories.meeting(number=54, name="Hội nghị AMM Kangaroo")
    sea = factories.theme(name="Biển Đông", slug="bien-dong")
    covid = factories.theme(name="Chủ đề Wombat", slug="wombat")
    outlet = factories.outlet(name="Báo Koala", domain="koala.vn")
    article = factories.article(
        title="Hội nghị bàn về Platypus",
        lead="Sapo về hợp tác.",
        body="Đoạn một nói về Echidna.\n\nĐoạn hai.",
        outlet=outlet,
        published_on=datetime.date(2021, 8, 2),
        meetings=[meeting],
        themes=[sea, covid],
    )
    figure = Figure.objects.create(article=article, position=1, caption="Ảnh Quokka", credit="PV")
    draft = factories.article(
        title="Bản nháp về Mekong",
        body="Chưa đăng.",
        status=Article.Status.DRAFT,
        outlet=outlet,
        published_on=datetime.date(2021, 9, 1),
        meetings=[meeting],
        themes=[sea],
    )
    return {
        "meeting": meeting,
        "sea": sea,
        "covid": covid,
        "outlet": outlet,
        "article": article,
        "figure": figure,
        "draft": draft,
    }


def get(client, url, **headers):
    return client.get(url, headers=headers)


def text(response):
    return response.content.decode() if response.status_code == 200 else ""


def sitemap_urls(client):
    """Return the sitemap index and the section pages it lists, as paths."""
    index = client.get("/sitemap.xml")
    sections = re.findall(r"<loc>http://testserver(/[^<]+\.xml[^<]*)</loc>", text(index))
    return ["/sitemap.xml", *sections]


def warm(client, urls):
    """Request every URL twice; each 200 must then be served from the cache."""
    for url in urls:
        first = client.get(url)
        second = client.get(url)
        if first.status_code == 200:
            assert second["X-Cache"] == "hit", url
            assert second.content == first.content, url


def everything(client, urls):
    return "\n".join(text(client.get(url)) for url in urls)


# -- hits ------------------------------------------------------------------------------


PAGES = [
    "/",
    "/en/",
    "/hoi-nghi/",
    "/hoi-nghi/amm-54/",
    "/chu-de/bien-dong/",
    "/bao/koala-vn/",
    "/luu-tru/2021/",
    "/search/?q=Platypus",
    "/feed/",
    "/sitemap.xml",
    "/robots.txt",
]


@pytest.mark.parametrize("url", [*PAGES, "ARTICLE"])
def test_a_second_anonymous_page_request_is_a_hit_without_a_query(client, world, url):
    if url == "ARTICLE":
        url = world["article"].get_absolute_url()
    first = client.get(url)
    assert first.status_code == 200 and first["X-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert second.status_code == 200 and second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_a_head_request_is_served_from_the_cache(client, world):
    client.get("/")
    response = client.head("/")
    assert response.status_code == 200 and response["X-Cache"] == "hit"
    assert response.content == b""


def test_sitemap_sections_are_cached(client, world):
    urls = sitemap_urls(client)
    assert len(urls) > 1
    warm(client, urls)


def test_each_language_and_query_has_its_own_entry(client, world):
    vietnamese = client.get("/chu-de/")
    english = client.get("/en/chu-de/")
    assert english["X-Cache"] == "miss"
    assert english.content != vietnamese.content
    assert client.get("/search/?q=Echidna")["X-Cache"] == "miss"
    assert client.get("/search/?q=Platypus")["X-Cache"] == "miss"
    assert client.get("/search/?q=Echidna")["X-Cache"] == "hit"


def test_errors_and_redirects_are_not_cached(client, world):
    for url in ("/bai-viet/khong-co/", "/hoi-nghi"):
        client.get(url)
        assert client.get(url).get("X-Cache") != "hit", url


@pytest.mark.parametrize(
    "path", ["/articles/", "/articles/SLUG/", "/articles/SLUG/related/", "/meetings/", "/themes/"]
)
def test_a_second_anonymous_api_read_is_a_hit(client, world, path):
    url = API + path.replace("SLUG", world["article"].slug)
    first = client.get(url)
    assert first.status_code == 200 and first["X-Cache"] == "miss"
    second = client.get(url)
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert "Accept" in second["Vary"]


def test_api_reads_are_cached_after_the_anonymous_throttle(client, world, monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/min"})
    url = f"{API}/articles/"
    assert [client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_a_cached_api_article_keeps_its_etag_and_answers_if_none_match(client, world):
    url = f"{API}/articles/{world['article'].slug}/"
    first = client.get(url)
    etag = first["ETag"]
    cached = client.get(url)
    assert cached["X-Cache"] == "hit" and cached["ETag"] == etag
    assert {"Cookie", "Authorization", "Accept"} <= {v.strip() for v in cached["Vary"].split(",")}
    not_modified = client.get(url, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified["ETag"] == etag and not_modified.content == b""
    other = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other["X-Cache"] == "hit"


def test_an_edit_gives_a_cached_etag_a_200_with_a_new_etag(client, world):
    url = f"{API}/articles/{world['article'].slug}/"
    etag = client.get(url)["ETag"]
    services.article_save(article=world["article"], data={"title": "Tiêu đề mới"})
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200 and response["ETag"] != etag


def test_api_formats_are_cached_apart_and_the_browsable_api_not_at_all(client, world):
    url = f"{API}/articles/"
    assert client.get(url, headers={"Accept": "application/json"})["X-Cache"] == "miss"
    assert client.get(url + "?format=json")["X-Cache"] == "miss"
    client.get(url, headers={"Accept": "text/html"})
    html = client.get(url, headers={"Accept": "text/html"})
    assert html.status_code == 200 and "X-Cache" not in html


def test_api_writes_are_never_cached(client, world, publisher):
    token = Token.objects.create(user=publisher)
    auth = {"Authorization": f"Token {token.key}"}
    url = f"{API}/articles/{world['article'].slug}/"
    client.get(url)
    response = client.patch(
        url, {"title": "Tiêu đề khác"}, content_type="application/json", headers=auth
    )
    assert response.status_code == 200 and "X-Cache" not in response
    assert client.get(url).json()["title"] == "Tiêu đề khác"


# -- invalidation ----------------------------------------------------------------------


def article_urls(article):
    return [
        article.get_absolute_url(),
        f"{API}/articles/{article.slug}/",
    ]


LISTS = [
    "/",
    "/hoi-nghi/amm-54/",
    "/chu-de/bien-dong/",
    "/bao/koala-vn/",
    "/feed/",
    f"{API}/articles/",
]


def publish(world):
    services.article_publish(article=world["draft"])
    return "Mekong", True


def edit_title(world):
    services.article_save(article=world["article"], data={"title": "Hội nghị bàn về Dingo"})
    return "Dingo", True


def edit_body(world):
    services.article_save(article=world["article"], data={"body": "Đoạn mới về Bilby."})
    return "Bilby", True


def unpublish(world):
    services.article_set_status(article=world["article"], status=Article.Status.DRAFT)
    return world["article"].slug, False  # the search page repeats the query


def delete(world):
    slug = world["article"].slug
    world["article"].delete()
    return slug, False


def rename_meeting(world):
    world["meeting"].name = "Hội nghị AMM Numbat"
    world["meeting"].save()
    return "Numbat", True


def rename_theme(world):
    world["covid"].name = "Chủ đề Numbat"
    world["covid"].save()
    return "Numbat", True


def merge_themes(world):
    services.tags_merge(target=world["sea"], sources=[world["covid"]])
    return "Wombat", False


def retag(world):
    world["article"].themes.remove(world["covid"])
    return "Wombat", False


def rename_outlet(world):
    world["outlet"].name = "Báo Numbat"
    world["outlet"].save()
    return "Numbat", True


def edit_figure(world):
    world["figure"].caption = "Ảnh Bilby"
    world["figure"].save()
    return "Bilby", True


def delete_figure(world):
    world["figure"].delete()
    return "Quokka", False


CHANGES = {
    publish: [*LISTS, "/search/?q=Mekong", "DRAFT"],
    edit_title: [*LISTS, "/search/?q=Dingo", "ARTICLE"],
    edit_body: ["/search/?q=Bilby", "ARTICLE"],
    unpublish: [*LISTS, "/search/?q=Platypus", "ARTICLE"],
    delete: [*LISTS, "/search/?q=Platypus", "ARTICLE"],
    rename_meeting: ["/hoi-nghi/", "/hoi-nghi/amm-54/", f"{API}/meetings/", "ARTICLE"],
    rename_theme: ["/chu-de/", f"{API}/themes/", "ARTICLE"],
    merge_themes: ["/chu-de/", "/chu-de/wombat/", f"{API}/themes/", "ARTICLE"],
    retag: ["/chu-de/", f"{API}/themes/", "ARTICLE"],
    rename_outlet: ["/bao/", "/bao/koala-vn/", f"{API}/outlets/", "ARTICLE"],
    edit_figure: ["ARTICLE"],
    delete_figure: ["ARTICLE"],
}


@pytest.mark.parametrize("change", list(CHANGES), ids=lambda change: change.__name__)
def test_every_change_is_seen_at_once_on_every_cached_page(client, world, change):
    urls = []
    for url in CHANGES[change]:
        if url == "ARTICLE":
            urls += article_urls(world["article"])
        elif url == "DRAFT":
            urls += article_urls(world["draft"])
        else:
            urls.append(url)
    if change in (publish, unpublish, delete):
        urls += sitemap_urls(client)
    warm(client, urls)
    word, appears = change(world)
    for url in urls:
        response = client.get(url)
        assert response.get("X-Cache") != "hit", url
    seen = everything(client, urls)
    assert (word in seen) is appears


def test_a_sitemap_section_drops_an_unpublished_article(client, world):
    urls = sitemap_urls(client)
    warm(client, urls)
    path = world["article"].get_absolute_url()
    assert path in everything(client, urls)
    unpublish(world)
    assert path not in everything(client, urls)


def test_an_imported_article_is_seen_at_once(client, world):
    seed = sorted(SEEDS.glob("*.txt"))[0]
    # A first import makes its outlet and meetings (whose saves invalidate by themselves),
    # so the second one writes nothing but bulk_create rows.
    first = services.article_import(data=seed.read_bytes(), source_file=seed.name)
    Article.objects.filter(pk=first.article_id).delete()
    warm(client, ["/", "/feed/", f"{API}/articles/"])
    result = services.article_import(
        data=seed.read_bytes(), source_file=seed.name, status=Article.Status.PUBLISHED
    )
    assert not result.error, result.error
    title = Article.objects.get(pk=result.article_id).title
    for url in ("/", "/feed/", f"{API}/articles/"):
        response = client.get(url)
        assert response["X-Cache"] == "miss", url
        assert title in response.content.decode() or title in str(response.json()), url


def test_content_changed_invalidates_what_bulk_writes_bypass(client, world):
    warm(client, ["/"])
    Article.objects.filter(pk=world["article"].pk).update(title="Hội nghị bàn về Dingo")
    assert "Platypus" in client.get("/").content.decode()
    caching.content_changed()
    assert "Dingo" in client.get("/").content.decode()


def test_a_change_in_a_transaction_invalidates_again_when_it_commits(
    world, django_capture_on_commit_callbacks
):
    before = caching.generation()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.article_save(article=world["article"], data={"title": "Tiêu đề mới"})
        during = caching.generation()
        # A reader caching the old rows now stores them under ``during``...
        assert during != before
    # ...which the commit retires.
    assert caching.generation() not in (before, during)


def test_a_rolled_back_change_does_not_invalidate_twice(world, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        world["figure"].save()
        raise RuntimeError
    assert callbacks == []


def test_the_generation_survives_eviction_without_reusing_an_old_token(world, client):
    client.get("/")
    old = caching.generation()
    cache.delete(caching.GENERATION_KEY)
    new = caching.generation()
    assert new and new != old
    assert client.get("/")["X-Cache"] == "miss"


def test_a_file_changed_under_the_development_server_retires_cached_pages(client, world):
    from django.utils.autoreload import file_changed

    warm(client, ["/"])
    file_changed.send(sender=None, file_path=ROOT / "templates" / "base.html")
    assert client.get("/")["X-Cache"] == "miss"


# -- who is never served from the cache -------------------------------------------------


def test_staff_never_get_a_cached_page_nor_fill_the_cache(client, world, editor):
    draft_page = world["draft"].get_absolute_url()
    tag_list = f"{API}/articles/?meeting=amm-54"
    warm(client, ["/", tag_list])
    assert client.get(draft_page).status_code == 404

    client.force_login(editor)
    home = client.get("/")
    assert home.status_code == 200 and "X-Cache" not in home
    preview = client.get(draft_page)
    assert preview.status_code == 200 and "Mekong" in preview.content.decode()
    staff_list = client.get(tag_list)
    assert "X-Cache" not in staff_list
    assert "Mekong" in staff_list.content.decode()

    client.logout()
    assert client.get(draft_page).status_code == 404
    anonymous = client.get(tag_list)
    assert anonymous["X-Cache"] == "hit" and "Mekong" not in anonymous.content.decode()


def test_a_staff_request_first_leaves_nothing_for_anonymous_readers(client, world, editor):
    client.force_login(editor)
    client.get(world["draft"].get_absolute_url())
    client.get(f"{API}/articles/")
    client.logout()
    assert client.get(world["draft"].get_absolute_url()).status_code == 404
    response = client.get(f"{API}/articles/")
    assert response["X-Cache"] == "miss" and "Mekong" not in response.content.decode()


def test_a_signed_in_reader_is_not_served_from_the_cache(client, world, django_user_model):
    reader = django_user_model.objects.create_user(username="reader", password="pw")
    client.get("/")
    client.force_login(reader)
    assert "X-Cache" not in client.get("/")
    assert "X-Cache" not in client.get(f"{API}/articles/")


def test_a_token_client_is_not_served_from_the_cache(client, world, editor):
    token = Token.objects.create(user=editor)
    url = f"{API}/articles/"
    warm(client, [url])
    response = client.get(url, headers={"Authorization": f"Token {token.key}"})
    assert "X-Cache" not in response and "Mekong" in response.content.decode()


def test_any_authorization_header_skips_the_page_cache(client, world):
    warm(client, ["/"])
    assert "X-Cache" not in client.get("/", headers={"Authorization": "Bearer x"})


# -- what is never stored ----------------------------------------------------------------


def middleware(view):
    return caching.PageCacheStoreMiddleware(caching.PageCacheFetchMiddleware(view))


def anonymous_request(path="/trang/"):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    request.LANGUAGE_CODE = "vi"
    return request


def with_cookie(response):
    response.set_cookie("tracking", "1")
    return response


def with_header(name, value):
    def change(response):
        response[name] = value
        return response

    return change


@pytest.mark.parametrize(
    "make",
    [
        lambda: with_cookie(HttpResponse("x")),
        lambda: with_header("Cache-Control", "private")(HttpResponse("x")),
        lambda: with_header("Cache-Control", "no-store")(HttpResponse("x")),
        lambda: with_header("Cache-Control", "max-age=0")(HttpResponse("x")),
        lambda: with_header("Vary", "User-Agent")(HttpResponse("x")),
        lambda: HttpResponse("x", status=404),
        lambda: StreamingHttpResponse(iter([b"x"])),
    ],
    ids=["cookie", "private", "no-store", "max-age-0", "vary", "404", "streaming"],
)
def test_a_response_that_must_not_be_shared_is_not_stored(db, make):
    calls = []

    def view(request):
        calls.append(request)
        return make()

    handler = middleware(view)
    handler(anonymous_request())
    handler(anonymous_request())
    assert len(calls) == 2


def test_a_plain_response_is_stored_once(db):
    calls = []

    def view(request):
        calls.append(request)
        response = HttpResponse("x")
        response["Vary"] = "Cookie, Accept-Language"
        return response

    handler = middleware(view)
    assert handler(anonymous_request())["X-Cache"] == "miss"
    assert handler(anonymous_request())["X-Cache"] == "hit"
    assert len(calls) == 1


def test_the_admin_and_posts_are_never_cached(admin_client, client, world):
    assert client.get("/admin/login/").get("X-Cache") is None
    assert client.post("/search/?q=Platypus").get("X-Cache") != "hit"


# -- the cache is optional ---------------------------------------------------------------


def test_pages_and_writes_work_when_the_cache_is_unreachable(client, world):
    pytest.importorskip("redis")
    broken = cache_settings("redis://127.0.0.1:1/0", timeout=60, key_prefix="t")
    with override_settings(CACHES=broken):
        response = client.get("/")
        assert response.status_code == 200
        services.article_save(article=world["article"], data={"title": "Tiêu đề Dingo"})
        assert "Dingo" in client.get("/").content.decode()


# -- settings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("redis://127.0.0.1:6379/1", "django.core.cache.backends.redis.RedisCache", None),
        ("rediss://cache.example:6380/0", "django.core.cache.backends.redis.RedisCache", None),
        ("REDIS://127.0.0.1:6379/1", "django.core.cache.backends.redis.RedisCache", None),
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache", "asean-archive"),
        (None, "django.core.cache.backends.locmem.LocMemCache", "asean-archive"),
        ("", "django.core.cache.backends.locmem.LocMemCache", "asean-archive"),
    ],
)
def test_cache_url_picks_the_backend(url, backend, location):
    config = cache_settings(url, timeout=120, key_prefix="archive")["default"]
    assert config["BACKEND"] == backend
    assert config["LOCATION"] == (location or url)
    assert config["TIMEOUT"] == 120 and config["KEY_PREFIX"] == "archive"


@pytest.mark.parametrize("url", ["memcached://127.0.0.1:11211", "127.0.0.1:6379", "file:///tmp"])
def test_an_unknown_cache_url_is_refused(url):
    with pytest.raises(ImproperlyConfigured, match="redis://"):
        cache_settings(url, timeout=120, key_prefix="archive")


def test_settings_read_the_cache_from_the_environment():
    env = {"SECRET_KEY": "x" * 50, "CACHE_SECONDS": "42", "REDIS_URL": "redis://127.0.0.1:6379/5"}
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'asean_archive.settings.base'\n"
        "from django.conf import settings\n"
        "c = settings.CACHES['default']\n"
        "print(c['BACKEND'], c['LOCATION'], c['TIMEOUT'])"
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
    assert proc.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/5",
        "42",
    ]
    # CACHE_URL wins over REDIS_URL, and a scheme nobody handles stops the site.
    proc = load_settings("asean_archive.settings.base", **env, CACHE_URL="memcached://x")
    assert proc.returncode != 0 and "CACHE_URL/REDIS_URL" in proc.stderr


# -- a real Redis, shared by two clients like two web processes --------------------------


@pytest.fixture
def redis_caches():
    """Two cache clients on the test Redis database, as two web processes would have."""
    redis = pytest.importorskip("redis", reason="the redis package is not installed")
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis not reachable at {REDIS_TEST_URL}: {exc}")
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    config = cache_settings(REDIS_TEST_URL, timeout=60, key_prefix=prefix)["default"]
    with override_settings(CACHES={"default": config, "other": config}):
        from django.core.cache import caches

        yield caches["default"], caches["other"]
        client = redis.Redis.from_url(REDIS_TEST_URL)
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)


def test_two_processes_share_the_generation_through_redis(client, world, redis_caches, monkeypatch):
    this_process, other_process = redis_caches
    assert this_process is not other_process
    url = world["article"].get_absolute_url()
    assert client.get(url)["X-Cache"] == "miss"
    assert client.get(url)["X-Cache"] == "hit"

    # Another process changes an article: its bump reaches this one through Redis.
    monkeypatch.setattr(caching, "cache", other_process)
    Article.objects.filter(pk=world["article"].pk).update(title="Hội nghị bàn về Dingo")
    caching.content_changed()
    monkeypatch.undo()

    response = client.get(url)
    assert response["X-Cache"] == "miss" and "Dingo" in response.content.decode()
    assert other_process.get(caching.GENERATION_KEY) == this_process.get(caching.GENERATION_KEY)
