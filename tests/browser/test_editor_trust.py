"""Two editors in real browsers: the "being edited" notice, a stale save refused with what
changed and the typed input kept, saving again, then history, compare and revert.

At 390 px (a phone) and 1280 px; screenshots in SCREENSHOTS_DIR/<width>/editor-*.png.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.cache import cache

from articles import services
from articles.models import Article, ArticleRevision
from tests import factories

TITLE = "Hội nghị AMM-54 bàn về Biển Đông và phục hồi sau đại dịch"
LEAD = "Các Bộ trưởng Ngoại giao ASEAN họp trực tuyến ngày 2/8 bàn về hợp tác khu vực."
LEAD_BY_AN = (
    "Các Bộ trưởng Ngoại giao ASEAN họp trực tuyến ngày 2/8, nhất trí tăng cường hợp tác "
    "ứng phó dịch bệnh và bảo đảm an ninh hàng hải."
)
AUTHOR = "Thu Hà"
AUTHOR_BY_CHI = "Thu Hà - Minh Quân"
PUBLISHER_PERMS = [
    "view_article",
    "add_article",
    "change_article",
    "delete_article",
    "publish_article",
    "view_figure",
    "add_figure",
    "change_figure",
    "delete_figure",
    "view_meetingtag",
    "view_themetag",
    "view_outlet",
]


@pytest.fixture(params=[(390, 844), (1280, 900)], ids=["phone", "desktop"])
def viewport(request):
    """Overrides the suite's widths (360, 1280): 390 px is the phone editors carry."""
    width, height = request.param
    return {"width": width, "height": height}


def publisher(django_user_model, username, first, last):
    user = django_user_model.objects.create_user(
        username=username, password="pw", is_staff=True, first_name=first, last_name=last
    )
    user.user_permissions.set(Permission.objects.filter(codename__in=PUBLISHER_PERMS))
    return user


@pytest.fixture
def newsroom(transactional_db, django_user_model):
    """Two publishers with full names and a draft saved by the first (its version 1)."""
    cache.clear()  # "being edited" entries of an earlier test (the same pks come back)
    chi = publisher(django_user_model, "chi", "Bảo", "Chi")
    an = publisher(django_user_model, "an", "Minh", "An")
    article = services.article_save(
        data={
            "title": TITLE,
            "lead": LEAD,
            "body": "Đoạn một về hợp tác.\n\nĐoạn hai về an ninh.",
            "author": AUTHOR,
            "outlet": factories.outlet(name="Báo Thế Giới và Việt Nam"),
            "meetings": [factories.meeting(number=54)],
            "themes": [factories.theme(name="Biển Đông", slug="bien-dong")],
            "status": Article.Status.DRAFT,
        },
        user=chi,
        via=services.Via.ADMIN,
    )
    return {"chi": chi, "an": an, "article": article}


@pytest.fixture
def contexts(browser, viewport):
    """Open browser contexts (each its own cookies: its own editor); closed afterwards."""
    opened = []

    def new(**options):
        context = browser.new_context(viewport=viewport, locale="vi-VN", **options)
        opened.append(context)
        return context

    yield new
    for context in opened:
        context.close()


def logged_in(context, base_url, username):
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
    return page


def overflows(page, selector=None):
    """Return whether the page scrolls sideways, or an element sticks out of the window."""
    return page.evaluate(
        """(selector) => selector
             ? [...document.querySelectorAll(selector)].some(
                 (el) => el.getBoundingClientRect().right > window.innerWidth + 1)
             : document.documentElement.scrollWidth > window.innerWidth""",
        selector,
    )


def warnings(page):
    return page.locator(".messagelist .warning").all_inner_texts()


def test_two_editors_a_stale_save_then_history_compare_and_revert(
    newsroom, contexts, live_server, shoot
):
    article = newsroom["article"]
    base = live_server.url
    change = f"{base}/admin/articles/article/{article.pk}/change/"

    # Bảo Chi opens the draft first: nobody else is editing it.
    chi = logged_in(contexts(), base, "chi")
    chi.goto(change)
    assert chi.locator("#id_author").input_value() == AUTHOR
    assert warnings(chi) == []

    # Minh An opens it next and is told who has it open, and since when.
    an = logged_in(contexts(), base, "an")
    an.goto(change)
    notice = warnings(an)
    assert len(notice) == 1
    assert re.match(r"Đang được Bảo Chi sửa từ \d{2}:\d{2}\b", notice[0]), notice
    assert an.locator("input[name=opened_version]").input_value() == "1"
    shoot(an, "editor-being-edited")

    # Bảo Chi changes the author and saves.
    chi.fill("#id_author", AUTHOR_BY_CHI)
    chi.click("input[name=_save]")
    chi.wait_for_url(re.compile(r"/admin/articles/article/$"))
    assert chi.locator(".messagelist .success").count() == 1
    article.refresh_from_db()
    assert (article.version, article.author) == (2, AUTHOR_BY_CHI)

    # Minh An, still on version 1, changes the lead and saves: refused, with who and what.
    an.fill("#id_lead", LEAD_BY_AN)
    an.click("input[name=_save]")
    an.wait_for_load_state()
    assert an.url == change  # the form again, not the list
    assert an.locator(".errornote").first.inner_text().strip() == "Hãy sửa lỗi bên dưới."
    conflict = an.locator(".edit-conflict")
    assert conflict.count() == 1
    said = conflict.inner_text()
    assert "Bài này đã được Bảo Chi sửa lúc" in said
    assert "(trang quản trị)" in said
    row = conflict.locator("table.revision-diff tr", has_text="Tác giả")
    assert row.locator("del").inner_text() == AUTHOR
    assert row.locator("ins").inner_text() == AUTHOR_BY_CHI
    assert conflict.locator("table.revision-diff tr").count() == 1  # the author only
    assert an.locator("#id_lead").input_value() == LEAD_BY_AN  # what An typed is kept
    assert an.locator("input[name=opened_version]").input_value() == "2"
    article.refresh_from_db()
    assert (article.version, article.lead, article.author) == (2, LEAD, AUTHOR_BY_CHI)
    assert not overflows(an, ".edit-conflict, .object-tools li")
    shoot(an, "editor-conflict")

    # Saving again is An's decision to overwrite: the lead is An's, the author An's form's.
    an.click("input[name=_save]")
    an.wait_for_url(re.compile(r"/admin/articles/article/$"))
    assert an.locator(".messagelist .success").count() == 1
    assert an.locator(".errornote").count() == 0
    article.refresh_from_db()
    assert (article.version, article.lead, article.author) == (3, LEAD_BY_AN, AUTHOR)

    # History: three versions, newest first, each with who saved it.
    an.goto(change)
    assert an.locator(".object-tools a.historylink").text_content().strip() == "Lịch sử"
    an.click(".object-tools a.historylink")
    an.wait_for_url(re.compile(r"/history/$"))
    rows = an.locator("#revision-list tbody tr")
    assert rows.count() == 3
    assert rows.nth(0).locator("td").first.inner_text() == "3 (hiện tại)"
    people = [rows.nth(i).locator("td").nth(4).inner_text() for i in range(3)]
    assert people == ["Minh An", "Bảo Chi", "Bảo Chi"]
    assert "Sapo" in rows.nth(0).inner_text() and "Tác giả" in rows.nth(1).inner_text()
    assert rows.nth(0).locator("a", has_text="Khôi phục").count() == 0  # not the current one
    assert an.locator("input[name=a][value='2']").is_checked()
    assert an.locator("input[name=b][value='3']").is_checked()
    assert not overflows(an)
    shoot(an, "editor-history")

    # Compare versions 2 and 3: An's words added to the lead, Chi's author replaced.
    an.click("#revision-list + p input[type=submit]")
    an.wait_for_url(re.compile(r"/history/compare/\?"))
    assert parse_qs(urlsplit(an.url).query) == {"a": ["2"], "b": ["3"]}
    diff = an.locator("table.revision-diff")
    lead_row = diff.locator("tr", has_text="Sapo")
    added = " ".join(lead_row.locator("ins").all_inner_texts())
    removed = " ".join(lead_row.locator("del").all_inner_texts())
    assert "an ninh hàng hải" in added and "ứng phó dịch bệnh" in added
    assert "bàn về" in removed and "khu vực" in removed
    assert "Các Bộ trưởng Ngoại giao ASEAN" not in added + removed  # unchanged words stay plain
    author_row = diff.locator("tr", has_text="Tác giả")
    assert author_row.locator("del").inner_text() == AUTHOR_BY_CHI
    assert author_row.locator("ins").inner_text() == AUTHOR
    assert not overflows(an)
    shoot(an, "editor-compare")

    # Revert to version 1 through its confirmation page.
    an.go_back()
    an.locator("#revision-list tbody tr").nth(2).locator("a", has_text="Khôi phục").click()
    an.wait_for_url(re.compile(r"/history/1/revert/$"))
    assert "Khôi phục phiên bản 1?" in an.locator("#content h1, #content h2").first.inner_text()
    preview = an.locator("table.revision-diff")
    assert "khu vực" in " ".join(preview.locator("ins").all_inner_texts())
    assert "an ninh hàng hải" in " ".join(preview.locator("del").all_inner_texts())
    assert preview.locator("tr", has_text="Trạng thái").count() == 0  # the status is kept
    assert not overflows(an)
    shoot(an, "editor-revert-confirm")
    an.click("input[type=submit][value='Khôi phục phiên bản này']")
    an.wait_for_url(change)
    assert "Đã khôi phục phiên bản 1" in an.locator(".messagelist .success").inner_text()
    assert an.locator("#id_lead").input_value() == LEAD
    assert an.locator("#id_author").input_value() == AUTHOR
    assert an.locator("#id_status").input_value() == Article.Status.DRAFT
    article.refresh_from_db()
    assert (article.version, article.lead, article.status) == (4, LEAD, Article.Status.DRAFT)
    latest = ArticleRevision.objects.get(article=article, version=4)
    assert (latest.via, latest.user_name) == ("revert", "Minh An")
    shoot(an, "editor-reverted")

    # The same history in English: the admin follows the language cookie.
    english = contexts()
    english.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": base}])
    chi_en = logged_in(english, base, "chi")
    chi_en.goto(f"{base}/admin/articles/article/{article.pk}/history/")
    assert chi_en.locator("html").get_attribute("lang") == "en"
    headers = [h.strip() for h in chi_en.locator("#revision-list thead th").all_text_contents()]
    assert headers[:1] + headers[3:7] == ["Version", "When", "Changed by", "Via", "Changes"]
    rows = chi_en.locator("#revision-list tbody tr")
    assert rows.count() == 4
    assert rows.nth(0).locator("td").first.inner_text() == "4 (current)"
    assert rows.nth(0).locator("td").nth(5).inner_text() == "revert"
    assert chi_en.locator("#revision-list + p input[type=submit]").input_value() == (
        "Compare A and B"
    )
    assert rows.nth(1).locator("a", has_text="Revert").count() == 1
    assert not overflows(chi_en)
    shoot(chi_en, "editor-history-en")


def test_trash_restore_and_purge_with_its_confirmation(newsroom, contexts, live_server, shoot):
    article = newsroom["article"]
    base = live_server.url
    change = f"{base}/admin/articles/article/{article.pk}/change/"
    changelist = f"{base}/admin/articles/article/"
    chi = logged_in(contexts(), base, "chi")

    # To the trash from the change form: gone from the list, kept under the trash filter.
    chi.goto(change)
    chi.click(".object-tools button.trashlink")
    chi.wait_for_url(changelist)
    assert f"Đã chuyển “{TITLE}” vào thùng rác." in chi.locator(".messagelist").inner_text()
    assert chi.locator("#result_list tbody tr", has_text=TITLE).count() == 0
    chi.goto(changelist + "?status__exact=trash")
    assert chi.locator("#result_list tbody tr").count() == 1
    assert TITLE in chi.locator("#result_list tbody").inner_text()
    shoot(chi, "editor-trash-list")

    # A trashed article cannot be edited; restoring puts it back as the draft it was.
    chi.goto(change)
    assert "đang ở thùng rác" in chi.locator("p.errornote").inner_text()
    assert chi.locator(".object-tools button.trashlink").count() == 0
    chi.click(".object-tools button.restorelink")
    chi.wait_for_url(change)
    assert f"Đã khôi phục “{TITLE}”." in chi.locator(".messagelist").inner_text()
    assert chi.locator("#id_status").input_value() == Article.Status.DRAFT
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT

    # Purging asks first, and only then deletes, history and all.
    chi.click(".object-tools button.trashlink")
    chi.wait_for_url(changelist)
    chi.goto(changelist + "?status__exact=trash")
    chi.check(f"input.action-select[value='{article.pk}']")
    chi.select_option("select[name=action]", "purge")
    chi.click("button[name=index]")
    chi.wait_for_load_state()
    assert "Xoá vĩnh viễn 1 bài khỏi thùng rác?" in chi.locator("#content").inner_text()
    assert chi.locator("#content li", has_text=TITLE).count() == 1
    assert Article.objects.filter(pk=article.pk).exists()  # nothing deleted yet
    shoot(chi, "editor-purge-confirm")
    chi.click("input[type=submit][value='Xoá vĩnh viễn']")
    chi.wait_for_load_state()
    assert "Đã xoá vĩnh viễn 1 bài." in chi.locator(".messagelist").inner_text()
    assert not Article.objects.filter(pk=article.pk).exists()
    assert not ArticleRevision.objects.filter(article_id=article.pk).exists()
