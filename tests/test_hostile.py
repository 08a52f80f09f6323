"""Hostile requests (issue 12): each is answered with a 4xx, never a 500, and none tells a
reader more than an unknown value would.

Where the database matters (PostgreSQL refuses NUL in text with a DataError where SQLite
stores it), run this file on both engines:
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/helper_hostile pytest tests/test_hostile.py``.
The concurrent writers run in subprocesses of their own, on a SQLite file and on a fresh
PostgreSQL database (skipped when none is reachable), whatever the suite's engine.

Decisions pinned here: an empty parameter is "not given"; any other value must be valid
or the request is a 400 naming the parameter (the search page shows the same message and
lists nothing); a query with no letter or digit is such an invalid value.
"""

import json
import os
import subprocess
import sys
import textwrap
from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles import redirects
from articles.models import Article, MeetingTag, Outlet, ThemeTag
from articles.text import normalise, normalise_inline

from . import factories
from .conftest import ROOT, SEEDS, make_staff

pytestmark = pytest.mark.django_db

API = "/api/v1/articles/"
MEETINGS = "/api/v1/meetings/"
UNKNOWN = "khong-co-slug-nay"


def detail(slug):
    return f"{API}{slug}/"


# -- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def world(db):
    """One published article with a meeting, a theme and an outlet readers see, and one
    draft whose meeting, theme and outlet carry no published article."""
    meeting = factories.meeting(slug="amm-54", number=54)
    theme = factories.theme(name="Biển Đông", slug="bien-dong")
    outlet = factories.outlet(name="VnExpress", slug="vnexpress", domain="vnexpress.net")
    hidden_meeting = factories.meeting(slug="hop-kin", number=99)
    hidden_theme = factories.theme(name="Đề tài kín", slug="de-tai-kin")
    hidden_outlet = factories.outlet(name="Báo kín", slug="bao-kin", domain="bao-kin.vn")
    published = factories.article(
        title="ASEAN bàn về Biển Đông", outlet=outlet, meetings=[meeting], themes=[theme]
    )
    draft = factories.article(
        title="Bản nháp bí mật",
        status=Article.Status.DRAFT,
        outlet=hidden_outlet,
        meetings=[hidden_meeting],
        themes=[hidden_theme],
    )
    for model, shown, hidden in (
        (MeetingTag, meeting, hidden_meeting),
        (ThemeTag, theme, hidden_theme),
        (Outlet, outlet, hidden_outlet),
    ):
        assert model.objects.get(pk=shown.pk).published_count == 1
        assert model.objects.get(pk=hidden.pk).published_count == 0
    return {
        "published": published,
        "draft": draft,
        "meeting": meeting,
        "theme": theme,
        "outlet": outlet,
        "hidden": {"meeting": hidden_meeting, "theme": hidden_theme, "outlet": hidden_outlet},
    }


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def staff_user(db, django_user_model):
    return make_staff(django_user_model, "bientap")


@pytest.fixture
def staff(staff_user):
    """An editor's API client (session), who may write drafts."""
    api = APIClient()
    api.force_login(staff_user)
    return api


def errors_block(response) -> str:
    """Return the search page's error box (empty when there is none)."""
    page = response.content.decode()
    start = page.find('<div class="errors"')
    return page[start : page.find("</div>", start)] if start >= 0 else ""


def article_rows():
    return list(Article.objects.order_by("pk").values_list("pk", "version", "title"))


# -- ordering ------------------------------------------------------------------------------


@pytest.mark.parametrize("ordering", [",", "title,", ",title", ",,", "title,,-title", "-", " "])
def test_ordering_with_an_empty_or_unknown_item_is_a_400_on_the_api(anon, world, ordering):
    response = anon.get(API, {"ordering": ordering})
    assert response.status_code == 400
    assert list(response.json()) == ["ordering"]
    assert all(isinstance(message, str) for message in response.json()["ordering"])


@pytest.mark.parametrize("ordering", [",", "title,"])
def test_ordering_with_an_empty_item_is_explained_on_the_search_page(client, world, ordering):
    link = world["published"].get_absolute_url()
    valid = client.get("/search/", {"q": "asean", "ordering": "title"})
    assert link in valid.content.decode()
    response = client.get("/search/", {"q": "asean", "ordering": ordering})
    assert response.status_code == 200
    assert "không có mục rỗng" in errors_block(response)
    assert link not in response.content.decode()


@pytest.mark.parametrize("ordering", ["", "title", "-published_on,title", "published_on"])
def test_valid_or_empty_ordering_is_accepted(anon, world, ordering):
    response = anon.get(API, {"ordering": ordering})
    assert response.status_code == 200
    assert [a["slug"] for a in response.json()["results"]] == [world["published"].slug]


# -- figures -------------------------------------------------------------------------------


@pytest.mark.parametrize("figure", [{}, {"credit": "TTXVN"}])
@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_a_figure_without_caption_is_a_400_naming_the_field(staff, world, method, figure):
    before = article_rows()
    payload = {"title": "Bài có ảnh", "figures": [{"caption": "Ảnh một"}, figure]}
    url = API if method == "post" else detail(world["draft"].slug)
    response = getattr(staff, method)(url, payload, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["figures"]
    assert list(response.json()["figures"]["1"]) == ["caption"]
    assert article_rows() == before


def test_a_figure_with_an_empty_caption_is_written(staff, world):
    response = staff.patch(
        detail(world["draft"].slug), {"figures": [{"caption": "", "credit": "TTXVN"}]}
    )
    assert response.status_code == 200
    assert response.json()["figures"] == [{"caption": "", "credit": "TTXVN"}]


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"title": 5}, "title"),
        ({"title": "Bài", "lead": ["a"]}, "lead"),
        ({"title": "Bài", "author": 1.5}, "author"),
        ({"title": "Bài", "slug": 7}, "slug"),
        ({"title": "Bài", "figures": [{"caption": "", "credit": 0}]}, "figures"),
        ({"title": "Bài", "themes": {}}, "themes"),
        ({"title": "Bài", "meetings": {"amm-54": 1}}, "meetings"),
        ({"title": "Bài", "figures": {}}, "figures"),
        ({"title": "Bài", "figures": [1]}, "figures"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_not_coerced(staff, world, payload, field):
    before = article_rows()
    response = staff.post(API, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert article_rows() == before


def test_article_writes_read_json_only(staff, world):
    response = staff.post(API, {"title": "Gửi bằng form"}, format="multipart")
    assert response.status_code == 415
    assert not Article.objects.filter(title="Gửi bằng form").exists()


# -- NUL characters ------------------------------------------------------------------------

NUL_PARAMETERS = [
    (API, {"meeting": "\x00"}),
    (API, {"outlet": "a\x00b"}),
    (API, {"theme": "bien-dong\x00"}),
    (API, {"q": "asean\x00"}),
    (API, {"ordering": "title\x00"}),
    (API, {"fields": "slug\x00"}),
    (API, {"page": "1\x00"}),
    (API, {"published_after": "\x00"}),
    (API, {"x\x00": "1"}),
    (MEETINGS, {"series": "\x00"}),
    ("/api/v1/themes/", {"page": "\x00"}),
    ("/search/", {"meeting": "\x00"}),
    ("/search/", {"outlet": "a\x00b"}),
    ("/search/", {"q": "\x00"}),
    ("/", {"a": "\x00"}),
    ("/hoi-nghi/amm-54/", {"page": "\x00"}),
    ("/admin/articles/article/", {"q": "\x00"}),
    ("/admin/articles/meetingtag/", {"q": "a\x00"}),
    ("/admin/articles/article/", {"outlet__slug__exact": "\x00"}),
]


@pytest.mark.parametrize("who", ["anonymous", "staff"])
@pytest.mark.parametrize("path, params", NUL_PARAMETERS)
def test_a_nul_in_a_parameter_is_a_400(client, staff_user, world, who, path, params):
    if who == "staff":
        client.force_login(staff_user)
    response = client.get(path, params)
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert "NUL" in response.json()["detail"]


NUL_PATHS = [
    "/api/v1/articles/a%00b/",
    "/api/v1/articles/%00/related/",
    "/api/v1/meetings/a%00b/",
    "/api/v1/themes/%00/",
    "/api/v1/outlets/bao%00/",
    "/bai-viet/a%00b/",
    "/hoi-nghi/a%00b/",
    "/chu-de/%00/feed/",
    "/bao/vnexpress%00/",
    "/admin/articles/meetingtag/a%00b/change/",
    "/admin/articles/article/1%00/change/",
]


@pytest.mark.parametrize("who", ["anonymous", "staff"])
@pytest.mark.parametrize("path", NUL_PATHS)
def test_a_nul_in_a_path_is_a_404(client, staff_user, world, who, path):
    if who == "staff":
        client.force_login(staff_user)
    response = client.get(path)
    assert response.status_code == 404
    if path.startswith("/api/"):
        assert response.json() == {"detail": "Không tìm thấy."}


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"meetings": ["amm\x0054"]}, "meetings"),
        ({"themes": ["\x00"]}, "themes"),
        ({"outlet": "a\x00b"}, "outlet"),
        ({"slug": "bai\x00"}, "slug"),
        ({"title": "Bài\x00viết"}, "title"),
        ({"figures": [{"caption": "a\x00"}]}, "figures"),
        ({"x\x00": 1}, "x\x00"),
        ({"meetings": ["\ud800"]}, "meetings"),
        ({"lead": "nửa\udfffcặp"}, "lead"),
    ],
)
@pytest.mark.parametrize("method", ["post", "patch"])
def test_a_nul_or_lone_surrogate_in_a_write_is_a_400(staff, world, method, payload, field):
    before = article_rows()
    url = API if method == "post" else detail(world["draft"].slug)
    body = json.dumps({"title": "Bài mới", **payload})  # \u0000 and \ud800 escapes
    response = getattr(staff, method)(url, body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()
    assert article_rows() == before


# -- concurrent writers --------------------------------------------------------------------

WRITERS = textwrap.dedent(
    """
    import json, sys, threading

    import django

    django.setup()
    from django.contrib.auth.models import Permission, User
    from django.db import connections
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from articles.models import Article

    THREADS, ROUNDS = int(sys.argv[1]), int(sys.argv[2])
    user = User.objects.create_user("writer", password="pw", is_staff=True)
    codenames = ["add_article", "change_article", "view_article"]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    auth = {"HTTP_AUTHORIZATION": "Token " + Token.objects.create(user=user).key}
    JSON = "application/json"
    body = json.dumps({"title": "Bài chung", "lead": "a", "body": "b"})
    shared = Client().post("/api/v1/articles/", body, content_type=JSON, **auth).json()["slug"]
    connections.close_all()
    statuses, errors = [], []
    start = threading.Barrier(THREADS)

    def write(n):
        client = Client(raise_request_exception=False)
        start.wait()
        for r in range(ROUNDS):
            new = json.dumps({"title": f"Bài {n}-{r}", "lead": "a", "body": "b"})
            change = json.dumps({"lead": f"Sapo {n}-{r}"})
            for response in (
                client.post("/api/v1/articles/", new, content_type=JSON, **auth),
                client.patch(f"/api/v1/articles/{shared}/", change, content_type=JSON, **auth),
                client.get("/api/v1/articles/", **auth),
            ):
                statuses.append(response.status_code)
                if response.status_code >= 300:
                    errors.append(response.content[:300].decode(errors="replace"))
        connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    article = Article.objects.get(slug=shared)
    print(json.dumps({
        "statuses": sorted(set(statuses)),
        "writes": len(statuses),
        "errors": errors[:3],
        "articles": Article.objects.count(),
        "version": article.version,
    }))
    """
)


def fresh_database(kind, tmp_path):
    """Return the URL of a new, empty database and a function that drops it."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'writers.sqlite3'}", lambda: None
    psycopg = pytest.importorskip("psycopg")
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    name = f"hostile_writers_{os.getpid()}"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL not reachable on 127.0.0.1:5432")

    def drop():
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    return f"postgres://postgres@127.0.0.1:5432/{name}", drop


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_concurrent_api_writers_all_land_without_an_error(kind, tmp_path):
    """Four writers at once, each creating articles and changing one shared article: on
    SQLite they queue (immediate transactions, a busy timeout) instead of failing with
    "database is locked"; every write lands, and the shared article counts every change."""
    url, drop = fresh_database(kind, tmp_path)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "asean_archive.settings.test",
        "DATABASE_URL": url,
        "PYTHONPATH": str(ROOT),
    }
    threads, rounds = 4, 4
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        script = tmp_path / "writers.py"
        script.write_text(WRITERS, encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, str(script), str(threads), str(rounds)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        drop()
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["errors"] == []
    assert result["statuses"] == [200, 201]
    assert result["writes"] == threads * rounds * 3
    assert result["articles"] == 1 + threads * rounds
    assert result["version"] == 1 + threads * rounds  # each change of the shared article


def test_sqlite_is_opened_in_immediate_mode_with_a_busy_timeout():
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json; from django.conf import settings as s;"
            "print(json.dumps(s.DATABASES['default']['OPTIONS']))",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "asean_archive.settings.test",
            "DATABASE_URL": "sqlite:////tmp/any.sqlite3",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    options = json.loads(proc.stdout)
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5


# -- vocabulary readers cannot see ---------------------------------------------------------


@pytest.mark.parametrize("param", ["meeting", "theme", "outlet"])
def test_a_value_used_only_by_drafts_is_refused_like_an_unknown_one(anon, world, param):
    slug = world["hidden"][param].slug
    hidden = anon.get(API, {param: slug})
    unknown = anon.get(API, {param: UNKNOWN})
    assert hidden.status_code == unknown.status_code == 400
    assert hidden.json() == json.loads(json.dumps(unknown.json()).replace(UNKNOWN, slug))
    assert "Bản nháp" not in hidden.content.decode()


@pytest.mark.parametrize("param", ["meeting", "theme", "outlet"])
def test_the_search_page_answers_a_drafts_only_value_like_an_unknown_one(client, world, param):
    slug = world["hidden"][param].slug
    hidden = client.get("/search/", {"q": "bai", param: slug})
    unknown = client.get("/search/", {"q": "bai", param: UNKNOWN})
    assert hidden.status_code == unknown.status_code == 200
    assert errors_block(hidden)
    assert errors_block(hidden) == errors_block(unknown).replace(UNKNOWN, slug)
    assert "Bản nháp" not in hidden.content.decode()


@pytest.mark.parametrize("param", ["meeting", "theme", "outlet"])
def test_staff_may_filter_by_any_value(staff, world, param):
    response = staff.get(API, {param: world["hidden"][param].slug})
    assert response.status_code == 200
    assert [a["slug"] for a in response.json()["results"]] == [world["draft"].slug]


@pytest.mark.parametrize("param", ["meeting", "theme"])
def test_a_former_slug_of_a_drafts_only_tag_is_refused_naming_only_what_was_asked(
    anon, world, param
):
    tag = world["hidden"][param]
    old, tag.slug = tag.slug, "ten-moi-kin"
    tag.save()
    response = anon.get(API, {param: old})
    assert response.status_code == 400
    assert old in response.json()[param][0]
    assert "ten-moi-kin" not in response.content.decode()


@pytest.mark.parametrize("param", ["meeting", "theme"])
def test_a_former_slug_of_a_public_tag_still_filters(anon, world, param):
    tag = world[param]
    old, tag.slug = tag.slug, "ten-moi"
    tag.save()
    assert redirects.current_slugs(redirects.kind_of(type(tag)), [old]) == ["ten-moi"]
    response = anon.get(API, {param: old})
    assert response.status_code == 200
    assert [a["slug"] for a in response.json()["results"]] == [world["published"].slug]


@pytest.mark.parametrize("params", [{"meeting": ""}, {"theme": ""}, {"outlet": ""}])
def test_an_empty_vocabulary_parameter_is_not_given(anon, world, params):
    response = anon.get(API, params)
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_an_empty_item_among_slugs_is_dropped(anon, world):
    response = anon.get(f"{API}?theme=bien-dong&theme=&meeting=&meeting=amm-54")
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert anon.get(f"{API}?theme=&theme={UNKNOWN}").status_code == 400


# -- bidirectional controls ----------------------------------------------------------------

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


@pytest.mark.parametrize("char", list(BIDI), ids=[f"U+{ord(c):04X}" for c in BIDI])
def test_normalise_strips_bidirectional_controls(char):
    assert normalise(f"{char}Biển{char} Đông\n{char}") == "Biển Đông"
    assert normalise_inline(f"Hoàng{char} {char}Linh{char}") == "Hoàng Linh"


def test_api_writes_store_titles_and_bylines_without_bidi_controls(staff, world):
    response = staff.post(
        API,
        {
            "title": "ASEAN\u202e họp \u2066cấp cao\u2069",
            "author": "\u202bHoàng Linh\u202c",
            "lead": "Sapo\u200f.",
            "figures": [{"caption": "Ảnh\u202d", "credit": "\u2067TTXVN"}],
        },
        format="json",
    )
    assert response.status_code == 201
    article = Article.objects.get(pk=response.json()["id"])
    assert (article.title, article.author, article.lead) == (
        "ASEAN họp cấp cao",
        "Hoàng Linh",
        "Sapo.",
    )
    assert list(article.figures.values_list("caption", "credit")) == [("Ảnh", "TTXVN")]


def test_the_importer_strips_bidi_controls_from_title_and_byline(tmp_path, vocabulary):
    seed = (SEEDS / "000_70b5c8d6d0b5c278.txt").read_text(encoding="utf-8")
    title = "SOM ASEAN: Tăng cường hợp tác ứng phó đại dịch Covid-19 và các thách thức đang nổi lên"
    assert seed.startswith(title)
    hostile = seed.replace("SOM ASEAN:", "SOM \u202eASEAN\u2066:", 1).replace(
        "Bảo Chi", "\u202bBảo\u200f Chi\u202c", 1
    )
    path = tmp_path / "bidi.txt"
    path.write_text(hostile, encoding="utf-8")
    call_command("import_articles", str(path), stdout=StringIO(), stderr=StringIO())
    article = Article.objects.get()
    assert article.title == title
    assert article.author == "Bảo Chi"
    assert not any(char in article.body + article.lead for char in BIDI)


# -- queries with nothing to search --------------------------------------------------------

NO_TERM = ["%", "-", "...", " ", "   ", '""', "()", "“”", "%%", "- -", "*", "!?", "_"]


@pytest.mark.parametrize("q", NO_TERM)
def test_an_api_query_with_no_word_is_a_400(anon, world, q):
    response = anon.get(API, {"q": q})
    assert response.status_code == 400
    assert list(response.json()) == ["q"]
    assert "chữ hoặc số" in response.json()["q"][0]


@pytest.mark.parametrize("q", NO_TERM)
def test_the_search_page_says_a_query_with_no_word_searches_nothing(client, world, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    assert "Không có từ nào để tìm" in errors_block(response)
    page = response.content.decode()
    assert world["published"].get_absolute_url() not in page
    assert 'class="result-count"' not in page


def test_the_search_page_says_so_in_english_too(client, world):
    response = client.get("/en/search/", {"q": "%"})
    assert "Nothing to search for" in errors_block(response)


def test_an_empty_query_is_not_given(anon, client, world):
    assert anon.get(API, {"q": ""}).json()["count"] == 1
    page = client.get("/search/", {"q": ""}).content.decode()
    assert 'class="errors"' not in page
    assert world["published"].get_absolute_url() not in page


def test_a_word_among_punctuation_is_searched(anon, world):
    response = anon.get(API, {"q": "% ... asean -"})
    assert response.status_code == 200
    assert [a["slug"] for a in response.json()["results"]] == [world["published"].slug]


# -- Cache-Control for what only staff see -------------------------------------------------


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


def test_a_draft_preview_is_private_and_never_stored(client, staff_user, world):
    client.force_login(staff_user)
    response = client.get(world["draft"].get_absolute_url())
    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_control(response)


def test_staff_pages_are_private_and_readers_pages_are_not(client, staff_user, world):
    published = world["published"].get_absolute_url()
    hidden_meeting = world["hidden"]["meeting"].get_absolute_url()
    reader = client.get(published)
    assert "private" not in cache_control(reader)
    assert client.get(hidden_meeting).status_code == 404
    client.force_login(staff_user)
    assert "private" in cache_control(client.get(published))
    response = client.get(hidden_meeting)
    assert response.status_code == 200
    assert "private" in cache_control(response)


def test_api_responses_to_staff_are_private(staff, staff_user, anon, world):
    draft = staff.get(detail(world["draft"].slug))
    assert draft.status_code == 200
    assert {"private", "no-store"} <= cache_control(draft)
    for url in (API, detail(world["published"].slug), MEETINGS, "/api/v1/outlets/"):
        assert "private" in cache_control(staff.get(url)), url
        assert "private" not in cache_control(anon.get(url)), url
    by_token = APIClient()
    by_token.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff_user)}")
    assert "private" in cache_control(by_token.get(API))
    assert {"private", "no-store"} <= cache_control(staff.patch(detail(world["draft"].slug), {}))


def test_the_page_cache_never_keeps_what_staff_were_shown(client, staff_user, world):
    published = world["published"].get_absolute_url()
    staff_client = APIClient()
    staff_client.force_login(staff_user)
    for url in (published, "/search/?q=bai", API, f"{API}?q=bai"):
        assert staff_client.get(url).status_code == 200
        first = client.get(url)
        assert first["X-Cache"] == "miss", url  # nothing stored from the staff request
        assert "Bản nháp bí mật" not in first.content.decode()
        assert client.get(url)["X-Cache"] == "hit", url  # readers' copies are kept


# -- one form of an id ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "form",
    ["0{id}", "000{id}", "+{id}", "%2B{id}", "{id}.0", "%20{id}", "{id}%20", "{id}.", "-{id}"],
)
def test_only_the_canonical_id_finds_an_article(anon, staff, world, form):
    article = world["published"]
    assert anon.get(detail(article.pk)).status_code == 200
    padded = form.format(id=article.pk)
    assert anon.get(detail(padded)).status_code == 404
    assert anon.get(f"{API}{padded}/related/").status_code == 404
    draft = world["draft"]
    assert staff.patch(detail(form.format(id=draft.pk)), {"lead": "x"}).status_code == 404
    assert Article.objects.get(pk=draft.pk).version == draft.version


def test_a_slug_made_of_digits_is_found_by_slug(anon, world):
    article = factories.article(title="Bài số", slug="0042")
    response = anon.get(detail("0042"))
    assert response.status_code == 200
    assert response.json()["id"] == article.pk


# -- source URLs ---------------------------------------------------------------------------

REFUSED_URLS = [
    'https://vnexpress.net/a"b',
    "https://vnexpress.net/<script>",
    "https://vnexpress.net/a b",
    "https://vnexpress.net/a\tb",
    "ftp://vnexpress.net/a",
    "javascript:alert(1)",
    "mailto:toasoan@vnexpress.net",
    "https://vnexpress.net/a|b",
    "https://vnexpress.net/{x}",
    "https://vnexpress.net/a\\b",
    "https://vnexpress.net/a^b",
    "https://vnexpress.net/a`b",
    "https://vnexpress.net/%zz",
    "https://vnexpress.net/a#b#c",
    "https://user:pw@vnexpress.net/",
    "https:///bai-viet",
    "//vnexpress.net/a",
]


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_a_source_url_that_is_no_http_uri_is_refused(staff, world, url):
    before = list(Article.objects.values_list("pk", "source_url"))
    created = staff.post(API, {"title": "Bài có nguồn", "source_url": url}, format="json")
    changed = staff.patch(detail(world["draft"].slug), {"source_url": url}, format="json")
    for response in (created, changed):
        assert response.status_code == 400
        assert list(response.json()) == ["source_url"]
    assert list(Article.objects.values_list("pk", "source_url")) == before


@pytest.mark.parametrize(
    "url, stored",
    [
        ("https://vnexpress.net/a-b-123.html", "https://vnexpress.net/a-b-123.html"),
        ("HTTP://VnExpress.net/A?x=1&y=%C4%91#top", "http://vnexpress.net/A?x=1&y=%C4%91#top"),
        ("https://báo.vn/bài-viết", "https://xn--bo-mia.vn/b%C3%A0i-vi%E1%BA%BFt"),
        ("http://[::1]:8000/x", "http://[::1]:8000/x"),
        ("", None),
    ],
)
def test_a_source_url_is_stored_as_a_uri(staff, world, url, stored):
    response = staff.patch(detail(world["draft"].slug), {"source_url": url}, format="json")
    assert response.status_code == 200
    assert response.json()["source_url"] == stored
    if stored:
        assert uri_checker().is_valid(stored)


def uri_checker():
    jsonschema_rs = pytest.importorskip("jsonschema_rs")  # schemathesis' own validator
    return jsonschema_rs.validator_for({"format": "uri"}, validate_formats=True)


LEGACY_URLS = [
    ('https://vnexpress.net/a"b<c>', "https://vnexpress.net/a%22b%3Cc%3E"),
    ("https://vnexpress.net/a|b{c}^d`e\\f", "https://vnexpress.net/a%7Cb%7Bc%7D%5Ed%60e%5Cf"),
    ("https://vnexpress.net/a b", "https://vnexpress.net/a%20b"),
    ("https://vnexpress.net/%zz%41", "https://vnexpress.net/%25zz%41"),
    ("https://vnexpress.net/a#b#c", "https://vnexpress.net/a#b%23c"),
    ("https://báo.vn/bài", "https://xn--bo-mia.vn/b%C3%A0i"),
    ("ftp://vnexpress.net/a", None),
    ("javascript:alert(1)", None),
]


@pytest.mark.parametrize("stored, shown", LEGACY_URLS)
def test_whatever_was_stored_the_api_shows_a_uri_or_null(anon, world, stored, shown):
    """Rows written before writes were checked (or by the importer, the admin) are shown
    as URIs: the schema's ``format: uri`` holds on every read."""
    article = world["published"]
    Article.objects.filter(pk=article.pk).update(source_url=stored)
    listed = anon.get(API).json()["results"][0]["source_url"]
    assert listed == anon.get(detail(article.slug)).json()["source_url"] == shown
    if shown is not None:
        assert uri_checker().is_valid(shown)


@pytest.mark.parametrize(
    "suffix", ['"<b>x</b>', "|x", "{x}", "^x", "`x", "\\x", "%zz", "#a#b", "ạ", "?a[1]=]"]
)
def test_an_imported_source_url_is_shown_as_a_uri(anon, tmp_path, vocabulary, suffix):
    seed = (SEEDS / "003_81ea59991d5bf172.txt").read_text(encoding="utf-8")
    url = "https://vietnamnet.vn/cam-ket-phoi-hop-chat-che-bao-dam-thanh-cong-cua-hoi-nghi-cap-cao-asean-2314642.html"
    assert url in seed
    path = tmp_path / "source.txt"
    path.write_text(seed.replace(url, url + suffix), encoding="utf-8")
    call_command(
        "import_articles", "--status", "published", str(path), stdout=StringIO(), stderr=StringIO()
    )
    article = Article.objects.get()
    assert article.source_url.startswith(url)  # stored as a URI, mended where it had to be
    assert uri_checker().is_valid(article.source_url)
    assert anon.get(detail(article.slug)).json()["source_url"] == article.source_url


# -- parameters: invalid is a 400, valid is accepted, empty is not given -------------------

PARAMETERS = [
    # (path, params, status)
    (API, {"published_after": ""}, 200),
    (API, {"published_after": "2021-04-07"}, 200),
    (API, {"published_after": "07/04/2021"}, 200),
    (API, {"published_after": "2021-02-30"}, 400),
    (API, {"published_after": "hôm qua"}, 400),
    (API, {"published_after": "99999-01-01"}, 400),
    (API, {"published_after": "2022-01-01", "published_before": "2021-01-01"}, 400),
    (API, {"year": ""}, 200),
    (API, {"year": "2021"}, 200),
    (API, {"year": "0.5"}, 400),
    (API, {"year": "1800"}, 400),
    (API, {"year": "99999999999999999999"}, 400),
    (API, {"series": "AMM"}, 200),
    (API, {"series": "khong-co"}, 400),
    (API, {"page_size": ""}, 200),
    (API, {"page_size": "5"}, 200),
    (API, {"page_size": "1000"}, 200),  # capped at 100
    (API, {"page_size": "null"}, 400),
    (API, {"page_size": "0"}, 400),
    (API, {"page_size": "-1"}, 400),
    (API, {"page_size": "1.5"}, 400),
    (API, {"page_size": " 5"}, 400),
    (API, {"page": ""}, 200),
    (API, {"page": "1"}, 200),
    (API, {"page": "last"}, 200),
    (API, {"page": "0"}, 400),
    (API, {"page": "-1"}, 400),
    (API, {"page": "abc"}, 400),
    (API, {"page": "1.0"}, 400),
    (API, {"page": "2"}, 404),  # a page that is not there
    (API, {"page": "99999999999999999999999"}, 404),
    (API, {"fields": ""}, 200),
    (API, {"fields": "slug,title"}, 200),
    (API, {"fields": ","}, 400),
    (API, {"fields": "slug,nope"}, 400),
    (API, {"q": ""}, 200),
    (API, {"q": "%"}, 400),
    (MEETINGS, {"year": ""}, 200),
    (MEETINGS, {"year": "2021"}, 200),
    (MEETINGS, {"year": "0.5"}, 400),
    (MEETINGS, {"year": "1800"}, 400),
    (MEETINGS, {"year": "99999999999999999999"}, 400),
    (MEETINGS, {"number": "54"}, 200),
    (MEETINGS, {"number": "1.5"}, 400),
    (MEETINGS, {"number": "0.0"}, 400),
    (MEETINGS, {"year": "2021.0"}, 400),
    (API, {"year": "2021.0"}, 400),
    (MEETINGS, {"number": "-1"}, 400),
    (MEETINGS, {"number": "99999"}, 400),
    (MEETINGS, {"series": "AMM"}, 200),
    (MEETINGS, {"series": "khong-co"}, 400),
    (MEETINGS, {"page_size": "null"}, 400),
    (MEETINGS, {"page": "abc"}, 400),
]


@pytest.mark.parametrize("path, params, status", PARAMETERS)
def test_parameters_invalid_are_refused_valid_accepted_empty_ignored(
    anon, world, path, params, status
):
    response = anon.get(path, params)
    assert response.status_code == status, response.content[:300]
    body = response.json()
    if status == 400:
        # An object of the parameters at fault, each with its messages.
        assert set(body) <= {*params, "published_before"}, body
        assert all(isinstance(m, str) for messages in body.values() for m in messages)


def test_page_size_above_the_cap_gives_the_cap(anon, world):
    for _ in range(3):
        factories.article()
    response = anon.get(API, {"page_size": "1000"})
    assert len(response.json()["results"]) == 4
    assert len(anon.get(API, {"page_size": "2"}).json()["results"]) == 2


def test_no_hostile_request_is_a_500_on_this_engine(anon, staff, world):
    """A sweep of everything above, as anonymous and as staff, on the suite's engine."""
    hostile = [
        *(f"{API}?ordering={o}" for o in (",", "title,", "-")),
        *(f"{API}?{p}=%00" for p in ("meeting", "theme", "outlet", "q", "year")),
        f"{MEETINGS}?year=0.5",
        f"{API}?page_size=null",
        f"{API}?published_after=",
        f"{API}0001/",
        "/search/?q=asean&ordering=,",
        "/search/?q=%25",
        "/search/?meeting=a%00b",
    ]
    for client in (anon, staff):
        for url in hostile:
            assert client.get(url).status_code < 500, url
