"""Addresses that never break (issue 11): a former slug of an article, a meeting, a theme or
an outlet redirects permanently, on the site and in the API, to where the thing is now;
nothing else can take an article's former address; and a former address tells a reader no
more than a missing one."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from articles import caching, redirects
from articles.imports import free_slugs
from articles.models import Article, Outlet, SlugRedirect, TagRedirect
from articles.services import article_save, tags_merge

from . import factories

pytestmark = pytest.mark.django_db

DRAFT = Article.Status.DRAFT
API = "/api/v1"


# Fixtures ----------------------------------------------------------------------------


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def reader(django_user_model):
    """A signed-in user who is not staff: sees what an anonymous reader sees."""
    user = django_user_model.objects.create_user(username="reader", password="pw")
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def staff(editor):
    client = APIClient()
    client.force_login(editor)
    return client


@pytest.fixture(params=["anonymous", "reader", "staff"])
def anyone(request, anon, reader, staff):
    return {"anonymous": anon, "reader": reader, "staff": staff}[request.param]


@pytest.fixture(params=["anonymous", "reader"])
def outsider(request, anon, reader):
    return anon if request.param == "anonymous" else reader


def moved_to(response, location):
    assert response.status_code == 301, (response.status_code, response.content[:200])
    assert response["Location"] == location
    return response


def renamed(article, slug):
    return article_save(article=article, data={"slug": slug})


# Articles: former slugs redirect -------------------------------------------------------


def test_former_article_slug_redirects_on_the_site_keeping_language_and_query(anyone):
    article = factories.article(title="Tên cũ")
    renamed(article, "ten-moi")
    moved_to(anyone.get("/bai-viet/ten-cu/"), "/bai-viet/ten-moi/")
    query = "utm_source=x&a=1"
    moved_to(anyone.get(f"/bai-viet/ten-cu/?{query}"), f"/bai-viet/ten-moi/?{query}")
    moved_to(anyone.get("/en/bai-viet/ten-cu/"), "/en/bai-viet/ten-moi/")
    assert anyone.get("/bai-viet/ten-moi/").status_code == 200


def test_former_article_slug_redirects_in_the_api_detail_and_related(anyone):
    theme = factories.theme()
    article = factories.article(title="Tên cũ", themes=[theme])
    factories.article(themes=[theme])
    renamed(article, "ten-moi")
    query = "fields=slug,title&x=%C4%91"
    moved_to(anyone.get(f"{API}/articles/ten-cu/?{query}"), f"{API}/articles/ten-moi/?{query}")
    moved_to(
        anyone.get(f"{API}/articles/ten-cu/related/?page_size=5"),
        f"{API}/articles/ten-moi/related/?page_size=5",
    )
    moved_to(anyone.get(f"{API}/articles/ten-cu.json"), f"{API}/articles/ten-moi.json")
    followed = anyone.get(f"{API}/articles/ten-cu/?fields=slug", follow=True)
    assert followed.status_code == 200 and followed.json() == {"slug": "ten-moi"}
    related = anyone.get(f"{API}/articles/ten-cu/related/", follow=True)
    assert related.status_code == 200 and related.json()["count"] == 1


@pytest.mark.parametrize(
    "path, query",
    [
        ("ten-cu/related/", "page_size=0"),
        ("ten-cu/related/", "page_size=abc"),
        ("ten-cu/related/", "page=-1"),
        ("ten-cu/related/", "fields=khong-co"),
        ("ten-cu/", "fields=khong-co"),
    ],
)
def test_a_bad_parameter_on_a_former_slug_is_a_400_not_a_redirect(anyone, path, query):
    article = factories.article(title="Tên cũ")
    renamed(article, "ten-moi")
    response = anyone.get(f"{API}/articles/{path}?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [query.split("=")[0]]


def test_every_former_slug_leads_to_the_current_one_in_one_hop(anon):
    article = factories.article(title="Một")
    renamed(article, "hai")
    renamed(article, "ba")
    for old in ("mot", "hai"):
        moved_to(anon.get(f"/bai-viet/{old}/"), "/bai-viet/ba/")
        moved_to(anon.get(f"{API}/articles/{old}/"), f"{API}/articles/ba/")


def test_a_former_slug_finds_nothing_for_writes(publisher):
    article = factories.article(title="Tên cũ")
    renamed(article, "ten-moi")
    client = APIClient()
    client.force_login(publisher)
    response = client.patch(f"{API}/articles/ten-cu/", {"title": "Khác"}, format="json")
    assert response.status_code == 404
    article.refresh_from_db()
    assert article.title == "Tên cũ"


def test_a_former_slug_that_is_a_number_leads_to_its_article_before_an_id(anon):
    other = factories.article()
    article = factories.article(slug=str(other.pk))
    renamed(article, "so-moi")
    moved_to(anon.get(f"{API}/articles/{other.pk}/"), f"{API}/articles/so-moi/")


# Articles: drafts never leak -------------------------------------------------------------


@pytest.mark.parametrize("status", [DRAFT, Article.Status.REVIEW])
def test_former_slug_of_an_unpublished_article_is_404_like_a_missing_slug(outsider, status):
    article = factories.article(title="Chưa đăng", status=status)
    renamed(article, "van-chua-dang")
    for prefix in ("/bai-viet/", f"{API}/articles/"):
        missing = outsider.get(f"{prefix}khong-co-bai-nay/")
        former = outsider.get(f"{prefix}chua-dang/")
        assert former.status_code == missing.status_code == 404
        assert former.content.replace(b"chua-dang", b"") == missing.content.replace(
            b"khong-co-bai-nay", b""
        )
    assert outsider.get(f"{API}/articles/chua-dang/related/").status_code == 404


def test_staff_follow_a_draft_former_slug_but_not_a_trashed_one(staff):
    draft = factories.article(title="Bản nháp", status=DRAFT)
    renamed(draft, "ban-nhap-moi")
    moved_to(staff.get("/bai-viet/ban-nhap/"), "/bai-viet/ban-nhap-moi/")
    moved_to(staff.get(f"{API}/articles/ban-nhap/"), f"{API}/articles/ban-nhap-moi/")
    trashed = factories.article(title="Đã xoá", status=DRAFT)
    renamed(trashed, "da-xoa-moi")
    Article.objects.filter(pk=trashed.pk).update(status=Article.Status.TRASH)
    assert staff.get("/bai-viet/da-xoa/").status_code == 404
    assert staff.get(f"{API}/articles/da-xoa/").status_code == 404


# Articles: nobody takes a former slug ---------------------------------------------------


@pytest.mark.parametrize("status", [Article.Status.PUBLISHED, DRAFT])
def test_a_new_article_never_gets_a_former_slug_from_its_title(anon, status):
    first = factories.article(title="Biển Đông", status=status)
    renamed(first, "bien-dong-2021")
    created = article_save(data={"title": "Biển Đông"})
    assert created.slug == "bien-dong-2"
    assert factories.article(title="Biển Đông").slug == "bien-dong-3"
    assert free_slugs(["Biển Đông"]) == ["bien-dong-4"]
    assert SlugRedirect.objects.get(old_slug="bien-dong").article_id == first.pk
    if status == Article.Status.PUBLISHED:
        moved_to(anon.get("/bai-viet/bien-dong/"), "/bai-viet/bien-dong-2021/")


def test_a_slug_that_is_another_articles_former_slug_is_refused():
    first = factories.article(title="Biển Đông", status=DRAFT)
    renamed(first, "bien-dong-2021")
    second = factories.article(title="Khác")
    version = Article.objects.get(pk=second.pk).version
    with pytest.raises(ValidationError) as refused:
        article_save(article=second, data={"slug": "bien-dong", "title": "Đổi"})
    message = refused.value.message_dict["slug"][0]
    assert "“Biển Đông”" in message and "former address of another article" in message
    second.refresh_from_db()
    assert (second.slug, second.title, second.version) == ("khac", "Khác", version)
    assert SlugRedirect.objects.get(old_slug="bien-dong").article_id == first.pk
    with pytest.raises(ValidationError):
        article_save(data={"title": "Mới", "slug": "bien-dong"})
    assert not Article.objects.filter(title="Mới").exists()


def test_a_new_article_saved_with_a_former_slug_never_removes_the_redirect(anon):
    first = factories.article(title="Bài một")
    renamed(first, "bai-mot-moi")
    Article.objects.create(title="Bài hai", slug="bai-mot", status=DRAFT)  # no validation
    assert SlugRedirect.objects.get(old_slug="bai-mot").article_id == first.pk
    moved_to(anon.get("/bai-viet/bai-mot/"), "/bai-viet/bai-mot-moi/")


def test_an_article_takes_back_its_own_former_slug(anon):
    article = factories.article(title="Tên gốc")
    renamed(article, "ten-tam")
    renamed(article, "ten-goc")
    assert anon.get("/bai-viet/ten-goc/").status_code == 200
    assert anon.get(f"{API}/articles/ten-goc/").status_code == 200
    moved_to(anon.get("/bai-viet/ten-tam/"), "/bai-viet/ten-goc/")
    assert list(article.old_slugs.values_list("old_slug", flat=True)) == ["ten-tam"]


def test_a_cleared_slug_is_made_again_from_the_articles_own_former_slug():
    article = factories.article(title="Tên gốc")
    renamed(article, "ten-tam")
    assert article_save(article=article, data={"slug": ""}).slug == "ten-goc"


# Meetings, themes, outlets: renamed -------------------------------------------------------


def tag_of(kind):
    if kind == "meeting":
        tag = factories.meeting(slug="cu")
        factories.article(meetings=[tag])
    elif kind == "theme":
        tag = factories.theme(slug="cu")
        factories.article(themes=[tag])
    else:
        tag = factories.outlet(slug="cu")
        factories.article(outlet=tag)
    return tag


PAGES = {"meeting": "/hoi-nghi/", "theme": "/chu-de/", "outlet": "/bao/"}


@pytest.mark.parametrize("kind", ["meeting", "theme", "outlet"])
def test_a_renamed_tag_redirects_its_pages_feed_and_api_detail(anyone, kind):
    tag = tag_of(kind)
    tag.slug = "moi"
    tag.save()
    page = PAGES[kind]
    moved_to(anyone.get(f"{page}cu/"), f"{page}moi/")
    moved_to(anyone.get(f"{page}cu/?page=2&q=x"), f"{page}moi/?page=2&q=x")
    moved_to(anyone.get(f"/en{page}cu/"), f"/en{page}moi/")
    if kind != "outlet":
        moved_to(anyone.get(f"{page}cu/feed/"), f"{page}moi/feed/")
        moved_to(anyone.get(f"/en{page}cu/feed/"), f"/en{page}moi/feed/")
    moved_to(anyone.get(f"{API}/{kind}s/cu/?format=json"), f"{API}/{kind}s/moi/?format=json")
    assert anyone.get(f"{page}moi/").status_code == 200
    assert anyone.get(f"{API}/{kind}s/moi/").status_code == 200
    assert TagRedirect.objects.get(kind=kind, old_slug="cu").target_id == tag.pk


@pytest.mark.parametrize("kind", ["meeting", "theme", "outlet"])
def test_a_tag_renamed_twice_and_back_never_loops(anon, kind):
    tag = tag_of(kind)
    page = PAGES[kind]
    for slug in ("hai", "ba"):
        tag.slug = slug
        tag.save()
    for old in ("cu", "hai"):
        moved_to(anon.get(f"{page}{old}/"), f"{page}ba/")
    tag.slug = "cu"
    tag.save()
    assert anon.get(f"{page}cu/").status_code == 200
    moved_to(anon.get(f"{page}ba/"), f"{page}cu/")
    moved_to(anon.get(f"{page}hai/"), f"{page}cu/")
    assert sorted(TagRedirect.objects.filter(kind=kind).values_list("old_slug", flat=True)) == [
        "ba",
        "hai",
    ]


def test_saving_a_tag_without_its_slug_records_nothing(django_assert_num_queries):
    theme = factories.theme(slug="giu-nguyen")
    theme.name = "Tên khác"
    with django_assert_num_queries(1):  # the update only: the slug is not read
        theme.save(update_fields=["name"])
    with django_assert_num_queries(2):  # the slug read once, the update
        theme.save()
    assert not TagRedirect.objects.exists()


def test_a_slug_changed_outside_save_is_read_once_and_recorded():
    theme = factories.theme(slug="a")
    stale = type(theme).objects.get(pk=theme.pk)
    theme.slug = "b"
    theme.save()
    stale.slug = "c"  # an editor's form opened before the rename
    stale.save()
    assert dict(TagRedirect.objects.values_list("old_slug", "target_id")) == {
        "a": theme.pk,
        "b": theme.pk,
    }


def test_a_new_outlet_never_gets_another_outlets_former_slug():
    first = factories.outlet(domain="tin-tuc.vn")
    assert first.slug == "tin-tuc-vn"
    first.slug = "tin-tuc"
    first.save()
    second = Outlet.objects.create(name="Tin tức khác", domain="tin.tuc.vn")
    assert second.slug == "tin-tuc-vn-2"
    first.slug = ""  # made again from its domain: its own former slug is its to take
    first.save()
    assert first.slug == "tin-tuc-vn"


# Meetings and themes: merged ---------------------------------------------------------------


def test_a_merged_theme_redirects_to_the_one_that_survived(anyone):
    keep = factories.theme(slug="giu")
    drop = factories.theme(slug="bo")
    factories.article(themes=[drop])
    tags_merge(target=keep, sources=[drop])
    moved_to(anyone.get("/chu-de/bo/"), "/chu-de/giu/")
    moved_to(anyone.get("/chu-de/bo/feed/"), "/chu-de/giu/feed/")
    moved_to(anyone.get(f"{API}/themes/bo/"), f"{API}/themes/giu/")
    assert anyone.get("/chu-de/giu/").status_code == 200


def test_merges_in_a_row_lead_in_one_hop_to_the_last_survivor(anon):
    a, b, c = (factories.meeting(slug=slug) for slug in ("a", "b", "c"))
    factories.article(meetings=[a])
    tags_merge(target=b, sources=[a])
    tags_merge(target=c, sources=[b])
    for old in ("a", "b"):
        moved_to(anon.get(f"/hoi-nghi/{old}/"), "/hoi-nghi/c/")
        moved_to(anon.get(f"/hoi-nghi/{old}/feed/"), "/hoi-nghi/c/feed/")
        moved_to(anon.get(f"{API}/meetings/{old}/"), f"{API}/meetings/c/")
    c.slug = "d"
    c.save()
    moved_to(anon.get("/hoi-nghi/a/"), "/hoi-nghi/d/")
    moved_to(anon.get("/hoi-nghi/c/"), "/hoi-nghi/d/")


# Tags readers may not see ------------------------------------------------------------------


def test_a_former_slug_of_a_tag_without_published_articles_is_404_for_readers(outsider, staff):
    theme = factories.theme(slug="an")
    factories.article(themes=[theme], status=DRAFT)
    theme.slug = "van-an"
    theme.save()
    for url in ("/chu-de/an/", "/chu-de/an/feed/", f"{API}/themes/an/"):
        own = url.replace("/an/", "/van-an/")
        assert outsider.get(own).status_code == 404
        assert outsider.get(url).status_code == 404
    # Staff see the theme's page and API entry (not its feed): so its former slug too.
    moved_to(staff.get("/chu-de/an/"), "/chu-de/van-an/")
    moved_to(staff.get(f"{API}/themes/an/"), f"{API}/themes/van-an/")
    assert staff.get("/chu-de/an/feed/").status_code == 404


def test_a_former_slug_of_an_outlet_without_published_articles_is_404_on_the_site(staff):
    outlet = factories.outlet(slug="bao-an")
    outlet.slug = "bao-van-an"
    outlet.save()
    assert staff.get("/bao/bao-van-an/").status_code == 404
    assert staff.get("/bao/bao-an/").status_code == 404
    moved_to(staff.get(f"{API}/outlets/bao-an/"), f"{API}/outlets/bao-van-an/")
    assert APIClient().get(f"{API}/outlets/bao-an/").status_code == 404


def test_a_former_slug_of_a_deleted_tag_is_404(anon):
    theme = tag_of("theme")
    theme.slug = "moi"
    theme.save()
    theme.delete()
    assert anon.get("/chu-de/cu/").status_code == 404
    assert anon.get(f"{API}/themes/cu/").status_code == 404


def test_a_tag_holding_a_slug_wins_over_a_former_slug(outsider, staff):
    first = tag_of("theme")
    first.slug = "moi"
    first.save()
    holder = factories.theme(slug="cu")  # created with the freed slug, no article yet
    assert outsider.get("/chu-de/cu/").status_code == 404  # its page, hidden: no redirect
    assert outsider.get(f"{API}/themes/cu/").status_code == 404
    assert staff.get("/chu-de/cu/").status_code == 200
    factories.article(themes=[holder])
    assert outsider.get("/chu-de/cu/").status_code == 200
    assert redirects.tag_target("theme", "cu") is None


# Hostile addresses --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "slug",
    ["x" * 5000, "bi%E1%BB%83n-%C4%91%C3%B4ng", "%00", "a%00b", "%20", "..%2F..", "%C0%AF"],
)
def test_hostile_slugs_are_404_never_500(anon, staff, slug):
    theme = tag_of("theme")
    theme.slug = "moi"
    theme.save()
    urls = [
        f"/bai-viet/{slug}/",
        f"/chu-de/{slug}/",
        f"/chu-de/{slug}/feed/",
        f"/hoi-nghi/{slug}/",
        f"/bao/{slug}/",
        f"{API}/articles/{slug}/",
        f"{API}/articles/{slug}/related/",
        f"{API}/themes/{slug}/",
        f"{API}/meetings/{slug}/",
        f"{API}/outlets/{slug}/",
    ]
    for client in (anon, staff):
        for url in urls:
            assert client.get(url).status_code == 404, url
    assert redirects.tag_target("theme", "\x00") is None
    assert redirects.article_for_old_slug("x" * 5000) is None


# Filters --------------------------------------------------------------------------------------


def test_a_former_tag_slug_in_a_filter_selects_the_tag_it_leads_to(anon, client):
    keep = factories.theme(slug="giu", name="Giữ lại")
    drop = factories.theme(slug="bo")
    article = factories.article(title="Bài của chủ đề bỏ", themes=[drop])
    factories.article(title="Bài khác")
    tags_merge(target=keep, sources=[drop])
    listed = anon.get(f"{API}/articles/?theme=bo")
    assert listed.status_code == 200
    assert [item["slug"] for item in listed.json()["results"]] == [article.slug]
    assert anon.get(f"{API}/articles/?theme=khong-co").status_code == 400
    page = client.get("/search/?theme=bo")
    assert page.status_code == 200 and article.title in page.content.decode()
    assert "Bài khác" not in page.content.decode()


# Caching --------------------------------------------------------------------------------------


def test_redirects_are_never_cached_and_a_rename_invalidates_the_old_page(client):
    theme = tag_of("theme")
    assert client.get("/chu-de/cu/").status_code == 200
    assert client.get("/chu-de/cu/")["X-Cache"] == "hit"
    assert APIClient().get(f"{API}/themes/cu/").status_code == 200
    theme.slug = "moi"
    theme.save()
    for _ in range(2):
        response = moved_to(client.get("/chu-de/cu/"), "/chu-de/moi/")
        assert response.get("X-Cache") != "hit"
        moved_to(APIClient().get(f"{API}/themes/cu/"), f"{API}/themes/moi/")


def test_recording_a_tag_redirect_invalidates_cached_pages():
    before = caching.generation()
    TagRedirect.objects.create(kind="theme", old_slug="x", target_id=1)
    assert caching.generation() != before


def test_an_article_keeping_a_slug_it_already_has_is_never_refused():
    first = factories.article(title="Bài một")
    renamed(first, "bai-mot-moi")
    # Written before the rule (or without validation): both hold "bai-mot".
    second = Article.objects.create(title="Bài hai", slug="bai-mot", status=DRAFT)
    saved = article_save(article=second, data={"title": "Bài hai, sửa"})
    assert (saved.slug, saved.title) == ("bai-mot", "Bài hai, sửa")
