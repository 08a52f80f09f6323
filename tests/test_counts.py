"""The counts of published articles per meeting, theme, outlet and month (articles.counts).

Every write path is followed by the same check: the maintained counts equal a recount from
scratch, computed here independently of ``articles.counts`` (the annotations pages used to
run on every request). Pages, feeds and the API read the fields, so their query counts are
pinned and no query counts over the tagged items.
"""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from articles import caching, counts, services
from articles.importing.prepare import prepare
from articles.imports import articles_import
from articles.models import ArchiveMonth, Article, MeetingTag, Outlet, ThemeTag
from articles.sitemaps import MeetingSitemap, OutletSitemap, ThemeSitemap

from . import factories
from .conftest import SAMPLES, SEEDS

pytestmark = pytest.mark.django_db

PUBLISHED = Article.Status.PUBLISHED
DRAFT = Article.Status.DRAFT
APRIL, MAY = datetime.date(2021, 4, 7), datetime.date(2021, 5, 3)


def recounted():
    """Return every count as the data gives it, from scratch (zero counts left out)."""
    published = Q(tagged_items__content_object__status=PUBLISHED)
    result = {}
    for name, model, query in (
        ("meetings", MeetingTag, Count("tagged_items", filter=published)),
        ("themes", ThemeTag, Count("tagged_items", filter=published)),
        ("outlets", Outlet, Count("articles", filter=Q(articles__status=PUBLISHED))),
    ):
        rows = model.objects.annotate(n=query).filter(n__gt=0).values_list("slug", "n")
        result[name] = dict(rows)
    months = (
        Article.objects.filter(status=PUBLISHED)
        .annotate(y=ExtractYear("published_on"), m=ExtractMonth("published_on"))
        .order_by()
        .values_list("y", "m")
        .annotate(n=Count("pk"))
    )
    result["months"] = {(y or 0, m or 0): n for y, m, n in months}
    return result


def maintained():
    """Return the counts the archive keeps, in the shape of ``recounted``."""
    result = {
        name: dict(
            model.objects.filter(published_count__gt=0).values_list("slug", "published_count")
        )
        for name, model in (("meetings", MeetingTag), ("themes", ThemeTag), ("outlets", Outlet))
    }
    rows = ArchiveMonth.objects.filter(published_count__gt=0)
    result["months"] = {(r.year, r.month): r.published_count for r in rows}
    return result


def assert_exact():
    """The maintained counts equal a recount from scratch; return them for finer checks."""
    kept = maintained()
    assert kept == recounted()
    assert counts.published_total() == Article.objects.filter(status=PUBLISHED).count()
    return kept


@pytest.fixture
def tags(db):
    return {
        "amm": factories.meeting(number=54),
        "som": factories.meeting(number=None, slug="som-2021", series="SOM", year=2021),
        "sea": factories.theme(slug="bien-dong", name="Biển Đông"),
        "covid": factories.theme(slug="covid-19", name="Covid-19"),
        "qt": factories.outlet(domain="baoquocte.vn", name="Báo Quốc tế"),
        "vne": factories.outlet(domain="vnexpress.net", name="VnExpress"),
    }


def save(tags, article=None, **data):
    values = {
        "title": "Hội nghị AMM-54 bàn về Biển Đông",
        "outlet": tags["qt"],
        "published_on": APRIL,
        "meetings": [tags["amm"], tags["som"]],
        "themes": [tags["sea"]],
    }
    return services.article_save(article=article, data={**values, **data})


# -- services ------------------------------------------------------------------------------


def test_a_published_article_is_counted_everywhere_and_a_draft_nowhere(tags):
    save(tags, status=PUBLISHED)
    save(tags, title="Bản nháp", status=DRAFT, published_on=None)
    save(tags, title="Chờ duyệt", status=Article.Status.REVIEW)
    assert assert_exact() == {
        "meetings": {"amm-54": 1, "som-2021": 1},
        "themes": {"bien-dong": 1},
        "outlets": {"baoquocte-vn": 1},
        "months": {(2021, 4): 1},
    }


def test_publish_and_unpublish_through_the_services(tags):
    article = save(tags, status=DRAFT)
    assert assert_exact()["meetings"] == {}
    services.article_publish(article=article)
    assert assert_exact()["meetings"] == {"amm-54": 1, "som-2021": 1}
    services.article_set_status(article=article, status=Article.Status.REVIEW)
    assert assert_exact() == {"meetings": {}, "themes": {}, "outlets": {}, "months": {}}
    services.article_publish(article=article)
    services.article_publish(article=article)  # already published: counted once
    assert assert_exact()["themes"] == {"bien-dong": 1}


def test_tags_set_by_article_save_on_published_and_draft_articles(tags):
    published = save(tags, status=PUBLISHED)
    draft = save(tags, title="Bản nháp", status=DRAFT)
    save(tags, article=published, meetings=[tags["amm"]], themes=[tags["covid"], tags["sea"]])
    save(tags, article=draft, meetings=[], themes=[tags["covid"]])
    assert assert_exact()["themes"] == {"bien-dong": 1, "covid-19": 1}
    assert maintained()["meetings"] == {"amm-54": 1}


@pytest.mark.parametrize("status", [PUBLISHED, DRAFT])
def test_tag_manager_add_remove_set_clear(tags, status):
    article = factories.article(status=status, published_on=APRIL)
    other = factories.article(meetings=[tags["amm"]], themes=[tags["sea"]])  # published
    article.meetings.add(tags["amm"])
    article.meetings.add(tags["amm"], tags["som"])  # amm again: counted once
    article.themes.add(tags["sea"], tags["covid"])
    kept = assert_exact()
    extra = 1 if status == PUBLISHED else 0
    assert kept["meetings"].get("som-2021", 0) == extra
    assert kept["meetings"]["amm-54"] == 1 + extra
    article.meetings.remove(tags["som"].name)
    article.themes.remove(tags["covid"].name, "không có thẻ này")
    assert_exact()
    article.meetings.set([tags["som"]])
    article.themes.set([tags["covid"]])
    assert_exact()
    article.meetings.clear()
    article.themes.clear()
    article.themes.clear()  # nothing left: nothing uncounted
    kept = assert_exact()
    assert kept["meetings"] == {"amm-54": 1}
    assert kept["themes"] == {"bien-dong": 1}
    other.themes.clear()
    assert assert_exact()["themes"] == {}


def test_date_moved_to_another_month_and_within_a_month(tags):
    article = save(tags, status=PUBLISHED)
    save(tags, article=article, published_on=MAY)
    assert assert_exact()["months"] == {(2021, 5): 1}
    save(tags, article=article, published_on=datetime.date(2021, 5, 30))
    assert assert_exact()["months"] == {(2021, 5): 1}
    save(tags, article=article, published_on=datetime.date(1999, 12, 31))
    assert assert_exact()["months"] == {(1999, 12): 1}
    assert maintained()["meetings"] == {"amm-54": 1, "som-2021": 1}  # tags untouched


def test_outlet_changed_and_removed(tags):
    article = save(tags, status=PUBLISHED)
    save(tags, article=article, outlet=tags["vne"])
    assert assert_exact()["outlets"] == {"vnexpress-net": 1}
    save(tags, article=article, outlet=None)
    assert assert_exact()["outlets"] == {}
    draft = save(tags, title="Bản nháp", status=DRAFT)
    save(tags, article=draft, outlet=tags["vne"])
    assert assert_exact()["outlets"] == {}


def test_save_with_update_fields_counts_what_the_database_holds(tags):
    """Only written fields change: an unsaved outlet in memory is not counted."""
    article = save(tags, status=DRAFT)
    article.outlet = tags["vne"]
    article.status = PUBLISHED
    article.save(update_fields=["status"])
    assert assert_exact()["outlets"] == {"baoquocte-vn": 1}


def test_deleting_articles(tags):
    published = save(tags, status=PUBLISHED)
    save(tags, title="Hai", status=PUBLISHED)
    draft = save(tags, title="Nháp", status=DRAFT)
    draft.delete()
    assert assert_exact()["meetings"] == {"amm-54": 2, "som-2021": 2}
    stale = Article.objects.get(pk=published.pk)
    services.article_set_status(article=published, status=DRAFT)
    stale.delete()  # a stale copy says published: the database says draft, nothing uncounted
    assert assert_exact()["meetings"] == {"amm-54": 1, "som-2021": 1}
    Article.objects.all().delete()
    assert assert_exact() == {"meetings": {}, "themes": {}, "outlets": {}, "months": {}}


def test_tags_merge_recounts_the_target(tags):
    both = save(tags, status=PUBLISHED, themes=[tags["sea"], tags["covid"]])
    save(tags, title="Covid", status=PUBLISHED, themes=[tags["covid"]])
    save(tags, title="Nháp", status=DRAFT, themes=[tags["covid"]])
    moved = services.tags_merge(target=tags["sea"], sources=[tags["covid"]])
    assert moved == 2
    assert assert_exact()["themes"] == {"bien-dong": 2}
    assert tags["sea"].published_count == 2
    assert both.themes.get().slug == "bien-dong"


def test_a_tag_saved_from_an_old_copy_keeps_its_count(tags):
    stale = MeetingTag.objects.get(pk=tags["amm"].pk)
    save(tags, status=PUBLISHED)
    stale.place = "Hà Nội"
    stale.save()
    outlet = Outlet.objects.get(pk=tags["qt"].pk)
    outlet.published_count = 99  # the count is the counts module's alone
    outlet.name = "Báo Thế giới và Việt Nam"
    outlet.save()
    assert assert_exact()["meetings"] == {"amm-54": 1, "som-2021": 1}
    assert MeetingTag.objects.get(pk=stale.pk).place == "Hà Nội"
    assert Outlet.objects.get(pk=outlet.pk).name == "Báo Thế giới và Việt Nam"


def test_a_drifted_count_never_fails_a_write(tags):
    """A count wrong from an outside write stays at zero, and the editor's save succeeds."""
    article = save(tags, status=PUBLISHED)
    MeetingTag.objects.update(published_count=0)
    ArchiveMonth.objects.all().delete()
    services.article_set_status(article=article, status=DRAFT)
    assert maintained()["meetings"] == {}
    call_command("recount_published", verbosity=0)
    assert_exact()


# -- the admin -----------------------------------------------------------------------------


ADMIN_ARTICLES = reverse("admin:articles_article_changelist")


def test_admin_actions_publish_and_unpublish(publisher_client, tags):
    articles = [save(tags, title=f"Bài {n}", status=DRAFT) for n in range(3)]
    data = {"action": "publish", "_selected_action": [a.pk for a in articles], "index": 0}
    publisher_client.post(ADMIN_ARTICLES, data)
    assert assert_exact()["meetings"] == {"amm-54": 3, "som-2021": 3}
    publisher_client.post(ADMIN_ARTICLES, {**data, "action": "send_back_to_draft"})
    assert assert_exact()["meetings"] == {}


def test_admin_bulk_trash_and_purge(publisher, client, tags):
    client.force_login(publisher)
    articles = [save(tags, title=f"Bài {n}", status=PUBLISHED) for n in range(3)]
    keep = articles.pop()
    selected = [a.pk for a in articles]
    response = client.post(ADMIN_ARTICLES, {"action": "trash", "_selected_action": selected})
    assert response.status_code == 302
    # In the trash: uncounted, as drafts are.
    assert assert_exact()["meetings"] == {"amm-54": 1, "som-2021": 1}
    data = {"action": "purge", "_selected_action": selected, "confirmed": "yes"}
    response = client.post(f"{ADMIN_ARTICLES}?status__exact=trash", data)
    assert response.status_code == 302
    assert list(Article.objects.all()) == [keep]
    assert assert_exact()["meetings"] == {"amm-54": 1, "som-2021": 1}


def test_admin_change_form_edits_tags_outlet_and_date(publisher_client, tags):
    article = save(tags, status=PUBLISHED)
    url = reverse("admin:articles_article_change", args=[article.pk])
    form = publisher_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("meetings",)}
    data.update(
        {
            "title": article.title,
            "slug": article.slug,
            "status": PUBLISHED,
            "published_on": "2021-05-03",
            "outlet": tags["vne"].pk,
            "meetings": [tags["som"].pk],
            "themes": [tags["covid"].pk],
            "figures-TOTAL_FORMS": 0,
            "figures-INITIAL_FORMS": 0,
        }
    )
    response = publisher_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert assert_exact() == {
        "meetings": {"som-2021": 1},
        "themes": {"covid-19": 1},
        "outlets": {"vnexpress-net": 1},
        "months": {(2021, 5): 1},
    }


def test_admin_lists_show_published_counts(publisher_client, tags):
    save(tags, status=PUBLISHED)
    save(tags, title="Nháp", status=DRAFT)
    html = publisher_client.get(reverse("admin:articles_meetingtag_changelist")).content.decode()
    assert '<td class="field-article_count">1</td>' in html
    url = reverse("admin:articles_outlet_changelist")
    column = publisher_client.get(url).context["cl"].list_display.index("article_count")
    by_count = publisher_client.get(f"{url}?o=-{column}").context["cl"].result_list
    assert [o.slug for o in by_count] == ["baoquocte-vn", "vnexpress-net"]


# -- the API -------------------------------------------------------------------------------


def test_api_create_patch_delete(publisher, tags):
    api = APIClient()
    api.force_login(publisher)
    body = {
        "title": "Hội nghị SOM",
        "status": "published",
        "published_on": "2021-04-07",
        "outlet": "baoquocte-vn",
        "meetings": ["som-2021"],
        "themes": ["bien-dong"],
    }
    created = api.post("/api/v1/articles/", body, format="json")
    assert created.status_code == 201, created.json()
    url = f"/api/v1/articles/{created.json()['slug']}/"
    assert assert_exact()["meetings"] == {"som-2021": 1}
    assert api.patch(url, {"meetings": ["amm-54"]}, format="json").status_code == 200
    assert assert_exact()["meetings"] == {"amm-54": 1}
    assert api.patch(url, {"status": "draft"}, format="json").status_code == 200
    assert assert_exact()["meetings"] == {}
    patch = {"status": "published", "themes": ["covid-19"], "published_on": "2021-05-03"}
    assert api.patch(url, patch, format="json").status_code == 200
    assert assert_exact()["themes"] == {"covid-19": 1}
    assert api.delete(url).status_code == 204
    assert assert_exact() == {"meetings": {}, "themes": {}, "outlets": {}, "months": {}}


def test_api_refused_write_changes_no_count(editor, tags):
    """An editor without the publish permission cannot publish: nothing is counted."""
    article = save(tags, status=DRAFT)
    api = APIClient()
    api.force_login(editor)
    url = f"/api/v1/articles/{article.slug}/"
    assert api.patch(url, {"status": "published"}, format="json").status_code == 403
    assert assert_exact()["meetings"] == {}


# -- imports -------------------------------------------------------------------------------


def test_an_import_batch_counts_published_articles_once(vocabulary):
    files = sorted(SEEDS.glob("*.txt"))
    batch = [
        prepare(path.read_bytes(), path.name, themes=services.theme_matcher()) for path in files
    ]
    results = articles_import(batch, status=PUBLISHED)
    assert {r.action for r in results} == {"created"}
    kept = assert_exact()
    assert sum(kept["months"].values()) == len(files)
    assert kept["meetings"] and kept["themes"] and kept["outlets"]
    articles_import(batch, status=PUBLISHED)  # unchanged: nothing counted twice
    assert assert_exact() == kept


def test_an_import_as_review_counts_nothing_until_published(vocabulary):
    path = next(SAMPLES.glob("*.txt"))
    result = services.article_import(data=path.read_bytes(), source_file=path.name)
    assert result.action == "created"
    assert assert_exact()["months"] == {}
    services.article_publish(article=Article.objects.get(pk=result.article_id))
    assert sum(assert_exact()["months"].values()) == 1


def test_a_failed_import_batch_counts_nothing(vocabulary, monkeypatch):
    from articles.models import Figure

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    path = next(SAMPLES.glob("*.txt"))
    monkeypatch.setattr(Figure.objects, "bulk_create", explode)
    result = services.article_import(
        data=path.read_bytes(), source_file=path.name, status=PUBLISHED
    )
    assert result.action == "failed"
    assert assert_exact() == {"meetings": {}, "themes": {}, "outlets": {}, "months": {}}


# -- repairs -------------------------------------------------------------------------------


def test_recount_published_command_reports_and_repairs(tags):
    save(tags, status=PUBLISHED)
    save(tags, title="Hai", status=PUBLISHED, published_on=MAY, outlet=tags["vne"])
    good = assert_exact()
    MeetingTag.objects.filter(slug="amm-54").update(published_count=7)
    Outlet.objects.update(published_count=0)
    ArchiveMonth.objects.all().delete()
    out = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("recount_published", "--check", stdout=out)
    assert exit_info.value.code == 1
    assert "1 meetings, 0 themes, 2 outlets, 2 months" in out.getvalue()
    assert maintained() != good  # --check changes nothing
    out = StringIO()
    before = caching.generation()
    call_command("recount_published", stdout=out, verbosity=2)
    assert caching.generation() != before  # cached pages with wrong counts are dropped
    assert f"meetings {tags['amm'].pk}: 7 -> 2" in out.getvalue()
    assert "months (2021, 5): 0 -> 1" in out.getvalue()
    assert assert_exact() == good
    out = StringIO()
    call_command("recount_published", "--check", stdout=out)
    assert "0 meetings, 0 themes, 0 outlets, 0 months" in out.getvalue()


def test_undated_published_articles_are_counted_but_never_listed(client, tags):
    """Only a save that skips validation can publish an undated article: the total still
    counts it, the archive never lists year 0."""
    factories.article()
    Article(title="Không ngày", status=PUBLISHED, published_on=None).save()
    assert assert_exact()["months"] == {(2021, 4): 1, (0, 0): 1}
    years = client.get(reverse("articles:archive")).context["years"]
    assert [(y["year"], y["count"]) for y in years] == [(2021, 1)]


def test_the_migration_fills_the_counts_from_the_data(tags):
    save(tags, status=PUBLISHED)
    save(tags, title="Nháp", status=DRAFT)
    MeetingTag.objects.update(published_count=0)
    ArchiveMonth.objects.all().delete()
    state = MigrationLoader(connection).project_state(("articles", "0010_published_counts"))
    counts.recount_all(state.apps)
    assert_exact()


# -- readers -------------------------------------------------------------------------------


def counted_per_group(queries):
    """Return the queries counting rows per tag, outlet or month (GROUP BY with COUNT): what
    pages did per request before the counts were kept. (A list's bounded count of its own
    articles, for its paginator, is not one.)"""
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "GROUP BY" in q["sql"]]


def many_tags(n):
    for _ in range(n):
        meeting = factories.meeting()
        theme = factories.theme()
        outlet = factories.outlet()
        factories.article(meetings=[meeting], themes=[theme], outlet=outlet)


@pytest.mark.parametrize(
    ("url", "most"),
    [
        # home: latest articles, their outlets, meetings and themes; top meetings; themes.
        ("articles:home", 5),
        ("articles:meetings", 1),
        ("articles:themes", 2),
        ("articles:outlets", 2),
        ("articles:archive", 1),
        ("/api/v1/meetings/", 2),
        ("/api/v1/themes/", 2),
        ("/api/v1/outlets/", 2),
    ],
)
def test_lists_of_counts_read_the_fields_in_constant_queries(client, url, most):
    url = url if url.startswith("/") else reverse(url)
    many_tags(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    many_tags(6)
    with CaptureQueriesContext(connection) as more:
        response = client.get(url)
    assert response.status_code == 200
    assert len(more) == len(few) <= most, [q["sql"] for q in more]
    assert not counted_per_group(more.captured_queries)


def test_pages_show_the_maintained_counts(client, tags):
    save(tags, status=PUBLISHED)
    save(tags, title="Hai", status=PUBLISHED, published_on=MAY)
    save(tags, title="Nháp", status=DRAFT, themes=[tags["covid"]])
    home = client.get(reverse("articles:home")).context
    assert {m.slug: m.published_count for m in home["top_meetings"]} == {
        "amm-54": 2,
        "som-2021": 2,
    }
    assert [t.slug for t in home["themes"]] == ["bien-dong"]  # covid has only a draft
    assert client.get(reverse("articles:theme", args=["covid-19"])).status_code == 404
    meetings = client.get("/api/v1/meetings/").json()["results"]
    assert {m["slug"]: m["article_count"] for m in meetings} == {"amm-54": 2, "som-2021": 2}
    months = client.get(reverse("articles:archive_year", args=[2021])).context["months"]
    assert [(m["month"], m["count"]) for m in months] == [(4, 1), (5, 1)]
    archive = client.get(reverse("articles:archive")).context["years"]
    assert archive[0]["count"] == 2


@pytest.mark.parametrize(
    "url",
    [
        "/hoi-nghi/amm-54/",
        "/chu-de/bien-dong/",
        "/bao/baoquocte-vn/",
        "/hoi-nghi/amm-54/feed/",
        "/luu-tru/2021/",
        "/luu-tru/2021/4/",
        "/search/?q=ASEAN",
        "/api/v1/themes/bien-dong/",
    ],
)
def test_tag_outlet_archive_search_pages_count_nothing_per_request(client, tags, url):
    save(tags, status=PUBLISHED)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert not counted_per_group(queries.captured_queries)


@pytest.mark.parametrize("section", [MeetingSitemap, ThemeSitemap, OutletSitemap])
def test_sitemap_sections_of_tags_list_those_in_use_in_one_query(tags, section):
    save(tags, status=PUBLISHED)
    save(tags, title="Nháp", status=DRAFT, themes=[tags["covid"]], outlet=tags["vne"])
    with CaptureQueriesContext(connection) as queries:
        slugs = [item.slug for item in section().items()]
    assert len(queries) == 1
    assert not counted_per_group(queries.captured_queries)
    assert "covid-19" not in slugs and "vnexpress-net" not in slugs
    assert slugs
