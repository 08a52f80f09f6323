"""Editors can trust what they save: versions, stale saves refused, the "being edited"
notice, a revision for every write path (none for a no-op), compare and revert, the trash,
and a tagger that never puts back what an editor removed."""

import datetime

import pytest
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from articles import history, presence, services
from articles.models import ArchiveMonth, Article, ArticleRevision, Figure, ThemeTag

from . import factories
from .test_admin import ARTICLES, article_form_data, change_url, messages_of, run_action
from .test_api_write import client_for, current_etag, detail

pytestmark = pytest.mark.django_db

SEEDS_DIR = "fixtures/seeds"


@pytest.fixture
def tags(db):
    return {
        "amm": factories.meeting(number=54),
        "arf": factories.meeting(number=28, slug="arf-28", series="ARF", year=2021),
        "sea": factories.theme(slug="bien-dong", name="Biển Đông"),
        "covid": factories.theme(slug="covid-19", name="Covid-19"),
    }


def draft_with(tags, **values):
    """A draft saved through the service (so it has its first revision)."""
    data = {
        "title": "Hội nghị AMM-54 bàn về Biển Đông",
        "lead": "Sapo đầu tiên.",
        "body": "Đoạn một nói về hợp tác.\n\nĐoạn hai nói về an ninh.",
        "author": "Bảo Chi",
        "meetings": [tags["amm"]],
        "themes": [tags["sea"]],
        "figures": [{"caption": "Ảnh một", "credit": "TTXVN"}],
        "status": Article.Status.DRAFT,
        **values,
    }
    return services.article_save(data=data)


def revisions(article):
    return list(
        ArticleRevision.objects.filter(article=article)
        .order_by("version")
        .values_list("version", "via")
    )


def named(django_user_model, username, full_name, *perms):
    from .conftest import make_staff

    user = make_staff(django_user_model, username, *perms)
    first, _, last = full_name.partition(" ")
    user.first_name, user.last_name = first, last
    user.save()
    return user


@pytest.fixture
def chi(django_user_model):
    return named(django_user_model, "chi", "Bảo Chi", "publish_article")


@pytest.fixture
def an(django_user_model):
    return named(django_user_model, "an", "Minh An", "publish_article")


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


# -- versions and revisions ---------------------------------------------------------------


def test_each_change_raises_the_version_and_records_the_whole_state(tags):
    article = draft_with(tags)
    assert article.version == 1
    services.article_save(article=article, data={"title": "Tiêu đề mới", "themes": []})
    article.refresh_from_db()
    assert article.version == 2
    latest = history.latest(article)
    assert latest.version == 2
    assert latest.data["title"] == "Tiêu đề mới"
    assert latest.data["themes"] == []
    assert [m["slug"] for m in latest.data["meetings"]] == ["amm-54"]
    assert latest.data["figures"] == [{"caption": "Ảnh một", "credit": "TTXVN"}]
    assert latest.describe() == "Tiêu đề, Chủ đề"
    with translation.override("en"):
        assert latest.describe() == "Title, Themes"


def test_a_save_that_changes_nothing_records_nothing(tags):
    article = draft_with(tags)
    same = {
        "title": article.title,
        "lead": " Sapo đầu tiên. ",  # normalised to the stored text
        "meetings": [tags["amm"]],
        "figures": [{"caption": "Ảnh một", "credit": "TTXVN"}],
    }
    services.article_save(article=article, data=same)
    article.refresh_from_db()
    assert article.version == 1
    assert revisions(article) == [(1, "api")]


def test_an_article_from_before_history_gets_its_earlier_state_first(tags):
    article = factories.article(title="Bài cũ", status=Article.Status.DRAFT)  # no service
    assert not ArticleRevision.objects.filter(article=article).exists()
    services.article_save(article=article, data={"title": "Bài cũ đã sửa"})
    first, second = ArticleRevision.objects.filter(article=article).order_by("version")
    assert first.data["title"] == "Bài cũ" and second.data["title"] == "Bài cũ đã sửa"
    assert second.version == first.version + 1


def test_every_write_path_records_one_revision(tags, chi, vocabulary):
    # Import.
    call_command("import_articles", SEEDS_DIR, "--status", "review", verbosity=0)
    article = Article.objects.order_by("pk").first()
    assert revisions(article) == [(1, "import")]
    # Admin change form.
    admin = logged_in(chi)
    data = article_form_data(article, author="Tác giả mới")
    data["opened_version"] = article.version
    figures = list(article.figures.all())
    data.update(
        {
            "figures-TOTAL_FORMS": len(figures),
            "figures-INITIAL_FORMS": len(figures),
            **{f"figures-{i}-id": f.pk for i, f in enumerate(figures)},
            **{f"figures-{i}-article": article.pk for i, f in enumerate(figures)},
            **{f"figures-{i}-position": f.position for i, f in enumerate(figures)},
            **{f"figures-{i}-caption": f.caption for i, f in enumerate(figures)},
            **{f"figures-{i}-credit": f.credit for i, f in enumerate(figures)},
        }
    )
    assert admin.post(change_url(article), data).status_code == 302
    # The same form again: nothing changed, nothing recorded.
    data["opened_version"] = 2
    assert admin.post(change_url(article), data).status_code == 302
    # An admin action, the API, re-tag, trash, restore, revert.
    run_action(admin, ARTICLES, "publish", [article])
    api = client_for(chi)
    response = api.patch(detail(article.slug), {"lead": "Sapo qua API."}, format="json")
    assert response.status_code == 200, response.content
    article.refresh_from_db()
    article.themes.remove(*article.themes.all())  # behind the services' back: not a version
    services.article_retag(article=article, user=chi)
    services.article_trash(article=article, user=chi)
    services.article_restore(article=article, user=chi)
    services.article_revert(
        article=article, revision=ArticleRevision.objects.get(article=article, version=1), user=chi
    )
    vias = [via for _v, via in revisions(article)]
    assert vias == ["import", "admin", "action", "api", "retag", "trash", "trash", "revert"]
    article.refresh_from_db()
    assert [v for v, _via in revisions(article)] == list(range(1, article.version + 1))


def test_a_merge_records_a_revision_for_each_article_it_retags(tags, chi):
    one = draft_with(tags, themes=[tags["covid"]])
    two = draft_with(tags, title="Bài hai", themes=[tags["covid"], tags["sea"]])
    services.tags_merge(target=tags["sea"], sources=[tags["covid"]], user=chi)
    for article in (one, two):
        latest = history.latest(article)
        assert latest.via == "merge" and latest.user_name == "Bảo Chi"
        assert [t["slug"] for t in latest.data["themes"]] == ["bien-dong"]


# -- stale saves ---------------------------------------------------------------------------


def test_a_stale_admin_save_is_refused_naming_who_changed_what_and_keeping_the_input(tags, chi, an):
    article = draft_with(tags)
    editor_a, editor_b = logged_in(an), logged_in(chi)
    # Both open the form at version 1.
    form_a = editor_a.get(change_url(article)).context["adminform"].form
    assert form_a.initial["opened_version"] == 1
    # B saves the author.
    data_b = article_form_data(article, author="Tác giả của B", opened_version=1)
    assert editor_b.post(change_url(article), data_b).status_code == 302
    # A, from the older form, saves the lead.
    data_a = article_form_data(article, lead="Sapo của A", opened_version=1)
    response = editor_a.post(change_url(article), data_a)

    assert response.status_code == 200
    form = response.context["adminform"].form
    message = " ".join(form.non_field_errors())
    assert "Bảo Chi" in message
    assert "Tác giả" in message and "Tác giả của B" in message  # what B changed
    assert form["lead"].value() == "Sapo của A"  # A's input kept
    assert response.context["may_trash"]  # the page keeps its tools
    article.refresh_from_db()
    assert (article.author, article.lead) == ("Tác giả của B", "Sapo đầu tiên.")
    # The form now carries the version it was compared with: saving again overwrites.
    assert form["opened_version"].value() == str(article.version)
    again = {**data_a, "opened_version": form["opened_version"].value()}
    assert editor_a.post(change_url(article), again).status_code == 302
    article.refresh_from_db()
    assert article.lead == "Sapo của A"


def test_an_admin_save_does_not_undo_an_api_write_made_with_if_match(tags, chi, an):
    article = draft_with(tags)
    admin = logged_in(an)
    admin.get(change_url(article))
    api = client_for(chi)
    etag = current_etag(api, article.slug)
    patched = api.patch(
        detail(article.slug), {"title": "Tiêu đề từ API"}, format="json", HTTP_IF_MATCH=etag
    )
    assert patched.status_code == 200
    response = admin.post(change_url(article), article_form_data(article, opened_version=1))
    assert response.status_code == 200
    assert "Tiêu đề từ API" in " ".join(response.context["adminform"].form.non_field_errors())
    article.refresh_from_db()
    assert article.title == "Tiêu đề từ API"
    # And the API's If-Match follows the same version: the admin's save made it stale.
    again = {**article_form_data(article), "opened_version": article.version, "author": "X"}
    assert admin.post(change_url(article), again).status_code == 302
    stale = api.patch(detail(article.slug), {"lead": "L"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412


def test_the_service_refuses_an_expected_version_that_is_not_current(tags, chi):
    article = draft_with(tags)
    services.article_save(article=article, data={"author": "Mới"}, user=chi)
    with pytest.raises(services.Conflict) as caught:
        services.article_save(article=article, data={"lead": "Cũ"}, user=chi, expected_version=1)
    assert caught.value.people == ["Bảo Chi"]
    assert [c["name"] for c in caught.value.changes] == ["author"]
    article.refresh_from_db()
    assert article.lead == "Sapo đầu tiên."


# -- being edited --------------------------------------------------------------------------


def test_the_form_says_who_else_has_it_open(tags, chi, an):
    article = draft_with(tags)
    first = logged_in(chi).get(change_url(article))
    assert not messages_of(first, messages.WARNING)
    second = logged_in(an).get(change_url(article))
    notices = messages_of(second, messages.WARNING)
    assert len(notices) == 1 and notices[0].startswith("Đang được Bảo Chi sửa từ ")
    # Never about oneself; and a save ends one's editing.
    again = messages_of(logged_in(chi).get(change_url(article)), messages.WARNING)
    assert len(again) == 1 and again[0].startswith("Đang được Minh An sửa từ ")
    presence.closed(article.pk, chi)
    assert not messages_of(logged_in(an).get(change_url(article)), messages.WARNING)


def test_an_editor_who_left_long_ago_is_not_editing(tags, chi, an):
    article = draft_with(tags)
    presence.opened(article.pk, chi, "Bảo Chi", now=0)  # 1970: long gone
    assert presence.opened(article.pk, an, "Minh An") == []


# -- compare and revert --------------------------------------------------------------------


def test_history_compare_and_revert_in_the_admin(tags, chi):
    article = draft_with(tags)
    services.article_save(
        article=article,
        data={
            "body": "Đoạn một nói về đối thoại.\n\nĐoạn hai nói về an ninh.",
            "meetings": [tags["arf"]],
            "themes": [tags["sea"], tags["covid"]],
            "figures": [{"caption": "Ảnh hai", "credit": ""}],
        },
        user=chi,
    )
    admin = logged_in(chi)
    page = admin.get(reverse("admin:articles_article_history", args=[article.pk]))
    html = page.content.decode()
    assert "Bảo Chi" in html and "Nội dung" in html
    compare = admin.get(
        reverse("admin:articles_article_compare", args=[article.pk]) + "?a=1&b=2"
    ).content.decode()
    # Word by word: only the changed word is marked.
    assert "<del>hợp tác." in compare and "<ins>đối thoại." in compare
    assert "<del>Đoạn" not in compare  # the unchanged words are not marked
    assert "+ Covid-19" in compare
    assert "− Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ 54" in compare
    assert "+ Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ 28" in compare
    assert "Ảnh hai" in compare

    revert_url = reverse("admin:articles_article_revert", args=[article.pk, 1])
    confirm = admin.get(revert_url)
    assert confirm.status_code == 200
    response = admin.post(revert_url, {"version": 2})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.version == 3
    assert article.body == "Đoạn một nói về hợp tác.\n\nĐoạn hai nói về an ninh."
    assert list(article.meetings.values_list("slug", flat=True)) == ["amm-54"]
    assert list(article.themes.values_list("slug", flat=True)) == ["bien-dong"]
    assert list(article.figures.values_list("caption", flat=True)) == ["Ảnh một"]
    latest = history.latest(article)
    assert latest.via == "revert" and latest.describe() == "Khôi phục phiên bản 1"


def test_a_revert_from_a_stale_page_is_refused(tags, chi):
    article = draft_with(tags)
    services.article_save(article=article, data={"title": "Hai"}, user=chi)
    services.article_save(article=article, data={"title": "Ba"}, user=chi)
    admin = logged_in(chi)
    url = reverse("admin:articles_article_revert", args=[article.pk, 1])
    response = admin.post(url, {"version": 2}, follow=True)
    assert any("Bảo Chi" in str(m) for m in response.context["messages"])
    article.refresh_from_db()
    assert article.title == "Ba"


def test_an_editor_cannot_revert_a_live_article(tags, editor):
    article = draft_with(
        tags, status=Article.Status.PUBLISHED, published_on=datetime.date(2021, 8, 2)
    )
    services.article_save(article=article, data={"title": "Đã sửa"})
    revision = ArticleRevision.objects.get(article=article, version=1)
    with pytest.raises(PermissionDenied):
        services.article_revert(article=article, revision=revision, user=editor)
    response = logged_in(editor).post(
        reverse("admin:articles_article_revert", args=[article.pk, 1]), {"version": 2}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Đã sửa"


def test_a_revert_finds_a_merged_tag_under_its_new_name(tags):
    article = draft_with(tags, themes=[tags["covid"]])
    services.article_save(article=article, data={"themes": []})
    services.tags_merge(target=tags["sea"], sources=[tags["covid"]])
    services.article_revert(
        article=article, revision=ArticleRevision.objects.get(article=article, version=1)
    )
    assert list(article.themes.values_list("slug", flat=True)) == ["bien-dong"]


# -- trash -------------------------------------------------------------------------------


def sitemap_page_of(article) -> str:
    """The sitemap page whose id range holds ``article`` (ids keep growing on PostgreSQL,
    whose sequences a rolled-back test does not reset)."""
    from articles.sitemaps import ArticleSitemap

    return f"/sitemap-articles.xml?p={(article.pk - 1) // ArticleSitemap.limit + 1}"


def reader_sees(article) -> dict:
    reader = Client()
    api = client_for()
    return {
        "page": reader.get(article.get_absolute_url()).status_code,
        "api": api.get(detail(article.slug)).status_code,
        "list": article.slug in reader.get("/").content.decode(),
        "search": article.slug in reader.get("/search/", {"q": "AMM-54"}).content.decode(),
        "feed": article.slug in reader.get("/feed/").content.decode(),
        "sitemap": article.slug in reader.get(sitemap_page_of(article)).content.decode(),
        "theme": ThemeTag.objects.get(slug="bien-dong").published_count,
        "month": ArchiveMonth.objects.filter(year=2021, month=8)
        .values_list("published_count", flat=True)
        .first(),
    }


def test_trash_hides_everywhere_and_restore_brings_back_tags_figures_history(tags, chi):
    article = draft_with(
        tags, status=Article.Status.PUBLISHED, published_on=datetime.date(2021, 8, 2)
    )
    visible = reader_sees(article)
    assert visible == {
        "page": 200,
        "api": 200,
        "list": True,
        "search": True,
        "feed": True,
        "sitemap": True,
        "theme": 1,
        "month": 1,
    }
    admin = logged_in(chi)
    response = admin.post(reverse("admin:articles_article_trash", args=[article.pk]))
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.status, article.trashed_from) == ("trash", "published")
    assert reader_sees(article) == {
        "page": 404,
        "api": 404,
        "list": False,
        "search": False,
        "feed": False,
        "sitemap": False,
        "theme": 0,
        "month": 0,
    }
    assert client_for(chi).get(detail(article.slug)).status_code == 404  # staff too
    # Listed in the admin only under the trash filter.
    assert article not in admin.get(ARTICLES).context["cl"].result_list
    trash = admin.get(ARTICLES, {"status__exact": "trash"}).context["cl"].result_list
    assert list(trash) == [article]
    # A trashed article is read-only until restored.
    assert not services.permissions.may_change(chi, article)

    admin.post(reverse("admin:articles_article_restore", args=[article.pk]))
    article.refresh_from_db()
    assert article.status == "published"
    assert reader_sees(article) == visible
    assert list(article.figures.values_list("caption", flat=True)) == ["Ảnh một"]
    assert [v for v, _via in revisions(article)] == [1, 2, 3]


def test_purge_needs_the_publish_permission_and_a_confirmation(tags, editor, chi):
    article = draft_with(tags)
    services.article_trash(article=article, user=editor)  # an editor may trash a draft
    with pytest.raises(PermissionDenied):
        services.article_purge(article=article, user=editor)
    trash_list = f"{ARTICLES}?status__exact=trash"
    refused = run_action(logged_in(editor), trash_list, "purge", [article])
    assert refused.status_code in (302, 403)
    assert Article.objects.filter(pk=article.pk).exists()
    publisher = logged_in(chi)
    confirm = run_action(publisher, trash_list, "purge", [article])
    assert confirm.status_code == 200 and "Xoá vĩnh viễn" in confirm.content.decode()
    assert Article.objects.filter(pk=article.pk).exists()
    done = run_action(publisher, trash_list, "purge", [article], confirmed="yes")
    assert done.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    assert not Figure.objects.filter(article_id=article.pk).exists()


def test_only_a_trashed_article_can_be_purged(tags, chi):
    article = draft_with(tags)
    with pytest.raises(PermissionDenied):
        services.article_purge(article=article, user=chi)
    with pytest.raises(ValidationError):
        services.article_purge(article=article)
    assert (
        logged_in(chi).get(reverse("admin:articles_article_delete", args=[article.pk])).status_code
        == 403
    )


# -- the tagger respects editors ---------------------------------------------------------


def test_retag_never_puts_back_a_tag_an_editor_removed(chi, vocabulary):
    article = services.article_save(
        data={
            "title": "AMM-54 bàn về Biển Đông",
            "body": "Tại AMM-54, các bộ trưởng thảo luận về Biển Đông.",
            "published_on": datetime.date(2021, 8, 2),
        }
    )
    assert services.article_retag(article=article) == (1, 1)
    theme = article.themes.get()
    article.refresh_from_db()
    admin = logged_in(chi)
    data = article_form_data(article, themes=[], opened_version=article.version)
    assert admin.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.rejected_tags == {"themes": [theme.pk]}
    assert services.article_retag(article=article) == (0, 0)
    assert not article.themes.exists()
    assert theme.name in admin.get(change_url(article)).content.decode()
    # Put back by hand, it is no longer rejected.
    article.refresh_from_db()
    services.article_save(article=article, data={"themes": [theme]}, user=chi)
    article.refresh_from_db()
    assert article.rejected_tags == {}


# -- the audit log -------------------------------------------------------------------------


def audit_trail(**lookup):
    from audit.models import AuditEntry

    return list(
        AuditEntry.objects.filter(**lookup)
        .order_by("id")
        .values_list("action", "target_type", "actor_name", "via")
    )


def test_each_write_path_leaves_an_audit_entry(tags, chi, vocabulary):
    call_command("import_articles", SEEDS_DIR, "--status", "review", verbosity=0)
    runs = audit_trail(action="import_run")
    assert len(runs) == 1
    from audit.models import AuditEntry

    run = AuditEntry.objects.get(action="import_run")
    assert run.detail["created"] == Article.objects.count() == 5
    assert len(audit_trail(action="import_article", target_type="article")) == 5

    article = Article.objects.order_by("pk").first()
    admin = logged_in(chi)
    data = article_form_data(article, author="Tác giả mới", opened_version=article.version)
    admin.post(change_url(article), data)
    run_action(admin, ARTICLES, "publish", [article])
    article.refresh_from_db()
    client_for(chi).patch(detail(article.slug), {"lead": "Sapo qua API."}, format="json")
    article.refresh_from_db()
    services.article_trash(article=article, user=chi)
    services.article_restore(article=article, user=chi)
    revision = ArticleRevision.objects.get(article=article, version=1)
    services.article_revert(article=article, revision=revision, user=chi)
    services.article_trash(article=article, user=chi)
    services.article_purge(article=article, user=chi)
    trail = audit_trail(target_id=str(article.pk), target_type="article")
    assert [(a, via) for a, _t, _n, via in trail] == [
        ("import_article", "import"),
        ("change", "admin"),
        ("publish", "action"),
        ("change", "api"),
        ("trash", "trash"),
        ("restore", "trash"),
        ("change", "revert"),
        ("trash", "trash"),
        ("purge", "trash"),
    ]
    assert {name for _a, _t, name, _v in trail[1:]} == {"chi"}

    # Meetings, themes and outlets edited in the admin; a merge.
    response = admin.post(
        reverse("admin:articles_themetag_change", args=[tags["covid"].pk]),
        {"name": "Covid", "slug": "covid-19", "name_en": "", "aliases": ""},
    )
    assert response.status_code == 302
    services.tags_merge(target=tags["sea"], sources=[tags["covid"]], user=chi)
    theme_trail = audit_trail(target_type="theme")
    assert ("change", "theme", "chi", "admin") in theme_trail
    assert ("merge", "theme", "chi", "merge") in theme_trail


def test_deleting_a_theme_with_articles_says_how_many_first(tags, chi):
    draft_with(tags)
    draft_with(
        tags,
        title="Bài hai",
        status=Article.Status.PUBLISHED,
        published_on=datetime.date(2021, 8, 2),
    )
    from django.contrib.auth.models import Permission

    chi.user_permissions.add(*Permission.objects.filter(codename="delete_themetag"))
    url = reverse("admin:articles_themetag_delete", args=[tags["sea"].pk])
    page = logged_in(chi).get(url)
    assert page.status_code == 200
    warning = messages_of(page, messages.WARNING)
    assert warning and warning[0].startswith("2 bài viết đang mang thẻ này (1 bài đã đăng)")
    assert ThemeTag.objects.filter(pk=tags["sea"].pk).exists()


def test_an_outlet_with_articles_cannot_be_deleted_and_says_how_many(tags, django_user_model):
    outlet = factories.outlet(name="Báo Quốc tế")
    draft_with(tags, outlet=outlet)
    boss = django_user_model.objects.create_superuser("boss", password="pw")
    page = logged_in(boss).get(reverse("admin:articles_outlet_delete", args=[outlet.pk]))
    assert "Báo Quốc tế: 1 bài viết" in page.content.decode()
    logged_in(boss).post(reverse("admin:articles_outlet_delete", args=[outlet.pk]), {"post": "yes"})
    assert outlet.__class__.objects.filter(pk=outlet.pk).exists()
