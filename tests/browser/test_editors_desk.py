"""The editors' desk in a real browser: an editor pastes an article, corrects a field,
rejects a proposed tag and sends it for review; a publisher opens the queue from the
admin's front page and approves it with a schedule; readers see it from that moment.

At 390 px (a phone) and 1280 px, in Vietnamese; screenshots in
SCREENSHOTS_DIR/<width>/desk-*.png (the README's are copied from them).
"""

import datetime
import re

import pytest
import time_machine
from django.core.cache import cache

from articles.models import Article, ReviewNote
from articles.services import vocabulary_load
from tests.browser import test_editor_trust
from tests.browser.test_editor_trust import logged_in, overflows
from tests.conftest import SEEDS, make_staff

# The phone (390 px) and desktop widths, and one browser context per person, as there.
viewport = test_editor_trust.viewport
contexts = test_editor_trust.contexts

SEED = "003_81ea59991d5bf172.txt"  # SOM ASEAN at Luang Prabang, 21-22/8/2024
CORRECTED = "Cam kết phối hợp bảo đảm thành công Hội nghị cấp cao ASEAN tại Lào"


@pytest.fixture
def newsroom(transactional_db, django_user_model):
    cache.clear()
    vocabulary_load()
    editor = make_staff(django_user_model, "editor")
    editor.first_name, editor.last_name = "Thu", "Hà"
    editor.save()
    publisher = make_staff(django_user_model, "publisher", "publish_article")
    return {"editor": editor, "publisher": publisher}


def seed_text() -> str:
    return (SEEDS / SEED).read_text(encoding="utf-8")


def test_paste_correct_reject_send_then_approve_with_a_schedule(
    newsroom, contexts, live_server, shoot
):
    base = live_server.url
    editor = logged_in(contexts(), base, "editor")

    # The editor pastes a scraped article and asks to check it.
    editor.goto(f"{base}/admin/imports/importjob/new/")
    editor.fill("textarea[name=raw_text]", seed_text())
    editor.click("button[name=preview], input[name=preview]")
    editor.wait_for_selector("input[name=title]")
    assert not overflows(editor), "the side-by-side check scrolls sideways"
    shoot(editor, "desk-import-check")

    # Corrects the title, rejects the first proposed theme, sends it for review.
    editor.fill("input[name=title]", CORRECTED)
    themes = editor.locator("input[name=accept_theme]")
    assert themes.count() >= 1, "the seed proposes at least one theme"
    rejected = themes.first.get_attribute("value")
    themes.first.uncheck()
    editor.click("button[name=status][value=review]")
    editor.wait_for_load_state()

    article = Article.objects.get(title=CORRECTED)
    assert article.status == Article.Status.REVIEW
    assert int(rejected) in article.rejected_tags.get("themes", [])
    assert int(rejected) not in set(article.themes.values_list("pk", flat=True))
    assert article.review_notes.get().action == ReviewNote.Action.SENT

    # The publisher's front page opens on the queue.
    publisher = logged_in(contexts(), base, "publisher")
    desk = publisher.locator("#review-desk")
    assert "Hàng chờ duyệt: 1 bài" in desk.inner_text()
    desk.get_by_role("link", name=re.compile("Hàng chờ duyệt")).click()
    publisher.wait_for_selector("#review-queue")
    row = publisher.locator("#review-queue tbody tr", has_text=CORRECTED)
    assert "Thu Hà" in row.inner_text()
    assert not overflows(publisher)
    shoot(publisher, "desk-queue")
    row.get_by_role("link", name="Duyệt").click()

    # Approves it for 06:00 tomorrow.
    publisher.wait_for_selector("form.review-approve")
    publisher.check("input[name=approve-when][value=later]")
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    # 06:00 tomorrow is suggested, day first as every date of the admin.
    assert publisher.input_value("input[name=approve-publish_at_0]") == f"{tomorrow:%d/%m/%Y}"
    assert publisher.input_value("input[name=approve-publish_at_1]") == "06:00"
    assert not overflows(publisher)
    shoot(publisher, "desk-decide")
    publisher.click("form.review-approve input[type=submit]")
    publisher.wait_for_selector(".messagelist .success")
    message = publisher.locator(".messagelist .success").inner_text()
    assert f"Sẽ đăng lúc 06:00 ngày {tomorrow:%d/%m/%Y}" in message

    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and not article.is_public()
    assert article.review_notes.first().action == ReviewNote.Action.SCHEDULED

    # Its form says when, in words; the meetings and themes are picked by typing.
    publisher.goto(f"{base}/admin/articles/article/{article.pk}/change/")
    assert f"Sẽ đăng lúc 06:00 ngày {tomorrow:%d/%m/%Y}" in publisher.inner_text("#content")
    assert publisher.locator(".select2-container").count() >= 2  # the autocompletes
    assert not overflows(publisher)
    shoot(publisher, "desk-article-form")

    # The editor's front page says what became of what they sent.
    editor.goto(f"{base}/admin/")
    mine = editor.locator("#review-desk").inner_text()
    assert CORRECTED in mine and f"Sẽ đăng lúc 06:00 ngày {tomorrow:%d/%m/%Y}" in mine
    shoot(editor, "desk-index")

    # The article list shows it as scheduled.
    publisher.goto(f"{base}/admin/articles/article/?schedule=scheduled")
    assert "Hẹn giờ" in publisher.locator("#result_list").inner_text()
    shoot(publisher, "desk-list-scheduled")

    # Not yet for readers; there from the moment (last: the clock moves forward).
    reader = contexts().new_page()
    assert reader.goto(f"{base}{article.get_absolute_url()}").status == 404
    with time_machine.travel(article.publish_at, tick=True):
        assert reader.goto(f"{base}{article.get_absolute_url()}").status == 200


def test_the_desk_and_the_queue_in_english(newsroom, contexts, live_server, shoot):
    """The same screens in English when English is chosen."""
    from articles import services
    from tests import factories

    article = factories.article(title="AMM-56 opens in Jakarta", status=Article.Status.DRAFT)
    services.review_send(article=article, user=newsroom["editor"], note="Please check the lead")
    base = live_server.url
    page = logged_in(contexts(), base, "publisher")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page.goto(f"{base}/admin/")
    assert "Review queue: 1 article" in page.locator("#review-desk").inner_text()
    page.goto(f"{base}/admin/articles/article/review/")
    content = page.locator("#content").inner_text()
    assert "Review queue" in content and "Hàng chờ duyệt" not in content
    assert "Sent by" in page.locator("#review-queue thead").text_content()
    assert not overflows(page)
    shoot(page, "desk-queue-en")
    page.get_by_role("link", name="Review").last.click()
    page.wait_for_selector("form.review-approve")
    form = page.locator("form.review-approve").inner_text()
    assert "Publish now" in form and "Schedule" in form
    shoot(page, "desk-decide-en")
