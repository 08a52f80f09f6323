"""Scheduled publishing and expiry (articles/schedule.py): every reader surface at the exact
moment, with a frozen clock; the counts; the cache; the permission; the words."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import counts, schedule, services
from articles.models import ArchiveMonth, Article, MeetingTag, Outlet, ThemeTag
from articles.sitemaps import ArticleSitemap

from . import factories

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
APPEARS = datetime.datetime(2026, 11, 24, 6, 0, tzinfo=HANOI)
EXPIRES = datetime.datetime(2026, 11, 30, 18, 0, tzinfo=HANOI)
BEFORE = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=HANOI)
SECOND = datetime.timedelta(seconds=1)
TITLE = "Hội nghị Bộ trưởng Ngoại giao ASEAN bàn về Biển Đông"


@pytest.fixture
def frozen():
    with time_machine.travel(BEFORE, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db, frozen):
    """A published article everywhere, and one scheduled from APPEARS until EXPIRES with
    the same meeting, theme, outlet and month."""
    meeting = factories.meeting(number=59, year=2026)
    theme = factories.theme(name="Biển Đông", slug="bien-dong")
    outlet = factories.outlet(name="Báo Thế Giới", domain="baoquocte.vn")
    tags = {"meetings": [meeting], "themes": [theme]}
    factories.article(title="Bài đã đăng từ trước", outlet=outlet, **tags)
    scheduled = factories.article(
        title=TITLE,
        outlet=outlet,
        published_on=datetime.date(2021, 4, 7),
        publish_at=APPEARS,
        expires_at=EXPIRES,
        **tags,
    )
    return {"article": scheduled, "meeting": meeting, "theme": theme, "outlet": outlet}


def surfaces(client, world) -> dict[str, bool]:
    """Where an anonymous reader finds the scheduled article now."""
    article, slug = world["article"], world["article"].slug
    pages = {
        "home": reverse("articles:home"),
        "meeting": world["meeting"].get_absolute_url(),
        "theme": world["theme"].get_absolute_url(),
        "outlet": world["outlet"].get_absolute_url(),
        "month": reverse("articles:archive_month", kwargs={"year": 2021, "month": 4}),
        "search": reverse("articles:search") + "?q=bien+dong",
        "feed": reverse("articles:feed"),
        "theme feed": reverse("articles:theme_feed", kwargs={"slug": "bien-dong"}),
        # The sitemap's page of this article's id (pages are id ranges).
        "sitemap": f"/sitemap-articles.xml?p={(article.pk - 1) // ArticleSitemap.limit + 1}",
        "api list": "/api/v1/articles/",
        "api search": "/api/v1/articles/?q=bien+dong",
        "api meeting": f"/api/v1/articles/?meeting={world['meeting'].slug}",
    }
    found = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        found[name] = slug in response.content.decode()
    found["page"] = client.get(article.get_absolute_url()).status_code == 200
    found["api detail"] = client.get(f"/api/v1/articles/{slug}/").status_code == 200
    return found


def shown_counts(client, world) -> dict[str, int]:
    """The numbers readers are shown for the scheduled article's tags, outlet and month."""
    api = {
        kind: {row["slug"]: row["article_count"] for row in client.get(url).json()["results"]}
        for kind, url in (
            ("meeting", "/api/v1/meetings/"),
            ("theme", "/api/v1/themes/"),
            ("outlet", "/api/v1/outlets/"),
        )
    }
    month = ArchiveMonth.objects.filter(year=2021, month=4).first()
    return {
        "meeting": api["meeting"].get(world["meeting"].slug, 0),
        "theme": api["theme"].get("bien-dong", 0),
        "outlet": api["outlet"].get(world["outlet"].slug, 0),
        "month": month.published_count if month else 0,
        "total": counts.published_total(),
    }


def test_a_scheduled_article_appears_everywhere_at_its_moment_and_leaves_at_expiry(
    client, world, frozen
):
    before = surfaces(client, world)
    assert not any(before.values()), before
    assert shown_counts(client, world) == {
        "meeting": 1,
        "theme": 1,
        "outlet": 1,
        "month": 1,
        "total": 1,
    }

    frozen.move_to(APPEARS - SECOND)
    assert not any(surfaces(client, world).values())

    frozen.move_to(APPEARS)  # the exact moment: every page, the cached ones included
    assert all((found := surfaces(client, world)).values()), found
    assert shown_counts(client, world) == {
        "meeting": 2,
        "theme": 2,
        "outlet": 2,
        "month": 2,
        "total": 2,
    }

    frozen.move_to(EXPIRES - SECOND)
    assert all(surfaces(client, world).values())

    frozen.move_to(EXPIRES)
    assert not any((found := surfaces(client, world)).values()), found
    assert shown_counts(client, world)["meeting"] == 1
    assert counts.drift() == {"meetings": {}, "themes": {}, "outlets": {}, "months": {}}


def test_the_rule_itself_honours_the_times_without_a_request_or_a_job(world, frozen):
    """No settle has run: the published() rule alone decides (the counts wait for the
    first request after the moment, which settles before it reads them)."""
    article = world["article"]
    assert not Article.objects.published().filter(pk=article.pk).exists()
    frozen.move_to(APPEARS)
    assert Article.objects.published().filter(pk=article.pk).exists()
    assert article.is_public()
    frozen.move_to(EXPIRES)
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_a_cached_page_is_not_served_past_the_moment(client, world, frozen):
    home = reverse("articles:home")
    first = client.get(home)
    assert first["X-Cache"] == "miss"
    assert client.get(home)["X-Cache"] == "hit"
    frozen.move_to(APPEARS)
    response = client.get(home)
    assert response["X-Cache"] == "miss"
    assert world["article"].slug in response.content.decode()
    assert client.get(home)["X-Cache"] == "hit"
    frozen.move_to(EXPIRES)
    response = client.get(home)
    assert response["X-Cache"] == "miss"
    assert world["article"].slug not in response.content.decode()


def test_no_query_when_no_moment_is_due(world, frozen):
    schedule.settle_if_due()  # learns the next moment
    with CaptureQueriesContext(connection) as queries:
        schedule.settle_if_due()
    assert len(queries) == 0
    frozen.move_to(BEFORE + datetime.timedelta(seconds=schedule.RECHECK_SECONDS - 1))
    with CaptureQueriesContext(connection) as queries:
        schedule.settle_if_due()
    assert len(queries) == 0
    frozen.move_to(BEFORE + datetime.timedelta(seconds=schedule.RECHECK_SECONDS))
    with CaptureQueriesContext(connection) as queries:
        schedule.settle_if_due()  # looked up again now and then (rows written behind our back)
    assert len(queries) == 2
    frozen.move_to(APPEARS)
    with CaptureQueriesContext(connection) as queries:
        schedule.settle_if_due()
    assert len(queries) > 0  # due: settled
    assert MeetingTag.objects.get(pk=world["meeting"].pk).published_count == 2


def test_settling_twice_applies_the_moment_once(world, frozen):
    frozen.move_to(APPEARS)
    assert schedule.settle() == 1
    assert schedule.settle() == 0
    assert MeetingTag.objects.get(pk=world["meeting"].pk).published_count == 2
    frozen.move_to(EXPIRES)
    assert schedule.settle() == 1
    assert ThemeTag.objects.get(pk=world["theme"].pk).published_count == 1
    assert Outlet.objects.get(pk=world["outlet"].pk).published_count == 1


def test_the_next_moment_is_the_earliest_of_appearing_and_expiring(world, frozen):
    assert schedule.next_moment() == APPEARS
    frozen.move_to(APPEARS)
    schedule.settle()
    assert schedule.next_moment() == EXPIRES
    frozen.move_to(EXPIRES)
    schedule.settle()
    assert schedule.next_moment() is None


def test_saving_a_window_makes_the_next_moment_be_looked_up_again(client, world, frozen):
    home = reverse("articles:home")
    client.get(home)  # the next moment (APPEARS) is known, in the shared cache
    # Sooner than the cache's entries expire (300 s) and than the moment is re-checked.
    sooner = BEFORE + datetime.timedelta(minutes=2)
    later = factories.article(title="Một bài khác", publish_at=sooner)
    assert later.slug not in client.get(home).content.decode()
    assert client.get(home)["X-Cache"] == "hit"  # cached before the sooner moment
    frozen.move_to(sooner)
    response = client.get(home)
    assert response["X-Cache"] == "miss"  # had the save not been told, APPEARS would stand
    assert later.slug in response.content.decode()


def test_a_lookup_that_overlaps_a_save_does_not_store_its_stale_moment(world, frozen):
    """A request computing the next moment while a window is saved must not store it."""
    from django.core.cache import cache

    stale_moment = schedule.next_moment

    def lookup_during_a_save(now=None):
        found = stale_moment(now)
        schedule.forget_next()  # the save commits meanwhile
        return found

    schedule.forget_next()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schedule, "next_moment", lookup_during_a_save)
        schedule.settle_if_due()
    assert cache.get(schedule.NEXT_KEY) is None  # looked up again by the next request
    schedule.settle_if_due()
    assert cache.get(schedule.NEXT_KEY) == APPEARS.timestamp()


def test_scheduling_needs_the_publish_permission(world, editor, publisher, frozen):
    draft = factories.article(title="Bản nháp", status=Article.Status.DRAFT)
    with pytest.raises(PermissionDenied, match="hẹn giờ"):
        services.article_save(article=draft, data={"publish_at": APPEARS}, user=editor)
    saved = services.article_save(
        article=draft,
        data={"status": Article.Status.PUBLISHED, "publish_at": APPEARS},
        user=publisher,
    )
    assert saved.publish_at == APPEARS and not saved.is_public()
    assert saved.revisions.first().data["publish_at"] == APPEARS.isoformat()


def test_an_expiry_before_publication_is_refused(world, publisher):
    with pytest.raises(ValidationError) as refused:
        services.article_save(
            article=world["article"],
            data={"expires_at": APPEARS - datetime.timedelta(hours=1)},
            user=publisher,
        )
    assert "sau giờ đăng" in str(refused.value)
    assert Article.objects.get(pk=world["article"].pk).expires_at == EXPIRES


def test_the_state_in_words(world, frozen):
    article = world["article"]
    assert schedule.state(article) == (
        "Sẽ đăng lúc 06:00 ngày 24/11/2026, hết hạn lúc 18:00 ngày 30/11/2026"
    )
    frozen.move_to(APPEARS)
    assert schedule.state(article) == "Đang đăng, hết hạn lúc 18:00 ngày 30/11/2026"
    frozen.move_to(EXPIRES)
    assert schedule.state(article) == "Đã hết hạn lúc 18:00 ngày 30/11/2026"
    article.expires_at = None
    assert schedule.state(article) == "Đang đăng"
    article.status = Article.Status.DRAFT
    assert schedule.state(article) == "Bản nháp"


def test_staff_see_a_scheduled_article_as_a_private_preview(client, world, publisher):
    client.force_login(publisher)
    response = client.get(world["article"].get_absolute_url())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "Bản xem trước cho biên tập viên — trạng thái: Sẽ đăng lúc 06:00 ngày 24/11/2026" in page
    assert '<meta name="robots" content="noindex">' in page


def test_the_api_shows_the_window_to_staff_only(client, world, publisher):
    frozen_now = APPEARS
    with time_machine.travel(frozen_now, tick=False):
        anonymous = client.get(f"/api/v1/articles/{world['article'].slug}/").json()
        assert "publish_at" not in anonymous and "expires_at" not in anonymous
        client.force_login(publisher)
        staff = client.get(f"/api/v1/articles/{world['article'].slug}/").json()
    assert staff["publish_at"].startswith("2026-11-24T06:00")
    assert staff["expires_at"].startswith("2026-11-30T18:00")


def test_the_admin_lists_what_is_scheduled(client, world, publisher):
    client.force_login(publisher)
    response = client.get(reverse("admin:articles_article_changelist") + "?schedule=scheduled")
    assert response.status_code == 200
    listed = list(response.context["cl"].result_list)
    assert listed == [world["article"]]
    assert "Hẹn giờ" in response.content.decode()
    form = client.get(reverse("admin:articles_article_change", args=[world["article"].pk]))
    assert "Sẽ đăng lúc 06:00 ngày 24/11/2026" in form.content.decode()


def test_an_editor_cannot_set_the_window_in_the_admin_form(client, world, editor):
    draft = factories.article(title="Nháp của biên tập viên", status=Article.Status.DRAFT)
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_change", args=[draft.pk]))
    assert 'name="publish_at_0"' not in page.content.decode()  # read-only for an editor


def test_the_api_schedules_for_a_publisher_only(world, editor, publisher):
    from rest_framework.test import APIClient

    draft = factories.article(title="Nháp qua API", status=Article.Status.DRAFT)
    url = f"/api/v1/articles/{draft.slug}/"
    api = APIClient()
    api.force_login(editor)
    moment = {"publish_at": "2026-11-24T06:00:00+07:00"}
    refused = api.patch(url, moment, format="json")
    assert refused.status_code == 403 and "hẹn giờ" in refused.json()["detail"]
    api.force_login(publisher)
    bad = api.patch(
        url,
        {"publish_at": "2026-11-24T06:00:00+07:00", "expires_at": "2026-11-24T05:00:00+07:00"},
        format="json",
    )
    assert bad.status_code == 400
    done = api.patch(url, {**moment, "status": "published"}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["publish_at"].startswith("2026-11-24T06:00")
    assert not Article.objects.published().filter(pk=draft.pk).exists()


def test_a_failing_settle_never_fails_a_request(client, world, frozen, monkeypatch, caplog):
    from django.db import DatabaseError

    def broken(now=None):
        raise DatabaseError("database unavailable for the settle")

    monkeypatch.setattr(schedule, "settle", broken)
    frozen.move_to(APPEARS)
    schedule.forget_next()
    response = client.get(world["article"].get_absolute_url())
    assert response.status_code == 200  # the rule reads the clock: shown at its moment
    assert "could not settle" in caplog.text


def test_a_moment_another_process_settled_is_not_counted_again(world, frozen):
    """Two processes may read the same moment due; only the first settle applies it."""
    frozen.move_to(APPEARS)
    article = world["article"]
    read = (article.pk, False, APPEARS)  # what both read before either settled
    assert schedule.settle_one(*read, schedule.timezone.now()) is True
    assert schedule.settle_one(*read, schedule.timezone.now()) is False
    assert MeetingTag.objects.get(pk=world["meeting"].pk).published_count == 2
    assert counts.drift() == {"meetings": {}, "themes": {}, "outlets": {}, "months": {}}


def test_each_article_keeps_its_next_moment(world, frozen):
    article = Article.objects.get(pk=world["article"].pk)
    assert (article.counted, article.next_change_at) == (False, APPEARS)
    frozen.move_to(APPEARS)
    schedule.settle()
    article.refresh_from_db()
    assert (article.counted, article.next_change_at) == (True, EXPIRES)
    frozen.move_to(EXPIRES)
    schedule.settle()
    article.refresh_from_db()
    assert (article.counted, article.next_change_at) == (False, None)  # out of the index


def test_a_batch_larger_than_one_read_is_settled_whole(world, frozen, monkeypatch):
    monkeypatch.setattr(schedule, "BATCH", 2)
    for n in range(4):
        factories.article(title=f"Cùng giờ {n}", publish_at=APPEARS, outlet=world["outlet"])
    frozen.move_to(APPEARS)
    assert schedule.settle() == 5
    assert Outlet.objects.get(pk=world["outlet"].pk).published_count == 6


def test_reset_all_repairs_rows_written_behind_our_back(world, frozen):
    """A restore of a backup from before the window: no row counted, no moment kept."""
    Article.objects.update(counted=False, next_change_at=None)
    counts.recount_all()
    assert MeetingTag.objects.get(pk=world["meeting"].pk).published_count == 0
    assert schedule.reset_all() == 2  # the live article counted, the scheduled one's moment
    counts.recount_all()
    assert MeetingTag.objects.get(pk=world["meeting"].pk).published_count == 1
    assert schedule.next_moment() == APPEARS
    assert schedule.reset_all() == 0


def test_an_editor_cannot_post_a_window_in_the_admin_form(client, world, editor):
    from tests.test_admin import article_form_data

    draft = factories.article(title="Nháp của biên tập viên", status=Article.Status.DRAFT)
    client.force_login(editor)
    data = article_form_data(
        draft, publish_at_0="24/11/2026", publish_at_1="06:00", opened_version=draft.version
    )
    response = client.post(reverse("admin:articles_article_change", args=[draft.pk]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.publish_at is None  # read-only for an editor: the posted value is ignored


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:24+01:00", "9999-12-31T23:59:00-05:00"])
def test_a_moment_outside_the_years_the_archive_holds_is_a_400(world, publisher, moment):
    """Found by schemathesis: a time-zone shift near year 1 or 9999 leaves the range of
    dates Python holds; the schema states the years, the API refuses the rest clearly."""
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_login(publisher)
    url = f"/api/v1/articles/{world['article'].slug}/"
    refused = api.patch(url, {"publish_at": moment}, format="json")
    assert refused.status_code == 400
    assert "1900" in refused.json()["publish_at"][0]
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    body = schema["components"]["schemas"]["PatchedArticleWriteRequest"]["properties"]
    assert body["publish_at"]["pattern"].startswith("^(19")
