"""The review queue (articles/admin_review.py, services.review_*): sending with a note,
approving now or on a schedule, sending back with a note the editor sees; permissions."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import admin_review, services
from articles.models import Article, ReviewNote

from . import factories

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.datetime(2026, 11, 23, 15, 0, tzinfo=HANOI)
QUEUE = "admin:articles_article_review_queue"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def draft(**kwargs):
    return factories.article(status=Article.Status.DRAFT, published_on=None, **kwargs)


def decide_url(article):
    return reverse("admin:articles_article_review", args=[article.pk])


def test_an_editor_sends_a_draft_for_review_from_the_form_with_a_note(client, editor):
    article = draft(title="Bài gửi duyệt")
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("meetings", "themes")
    }
    data.update(
        {
            "status": "review",
            "review_note": "Nhờ anh xem giúp tít.",
            "figures-TOTAL_FORMS": "0",
            "figures-INITIAL_FORMS": "0",
        }
    )
    data.pop("outlet", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    note = article.review_notes.get()
    assert (note.action, note.note, note.user) == ("sent", "Nhờ anh xem giúp tít.", editor)


def test_the_queue_lists_the_longest_waiting_first_with_who_when_and_the_note(
    client, editor, publisher, frozen
):
    first, second = draft(title="Chờ lâu"), draft(title="Mới gửi")
    services.review_send(article=first, user=editor, note="Xem giúp")
    frozen.shift(datetime.timedelta(minutes=5))
    services.review_send(article=second, user=editor, note="")
    client.force_login(publisher)
    response = client.get(reverse(QUEUE))
    rows = list(response.context["page"].object_list)
    assert [a.title for a in rows] == ["Chờ lâu", "Mới gửi"]
    assert rows[0].sent_by == "editor" and rows[0].sent_note == "Xem giúp"
    page = response.content.decode()
    assert "Chờ lâu" in page and "Xem giúp" in page and "15:00 23/11/2026" in page


@pytest.mark.parametrize("who", ["publisher", "editor"])
def test_the_queue_reads_a_fixed_number_of_queries(client, editor, publisher, who):
    """For a publisher the queue; for an editor also what they sent, with its state."""
    for n in range(3):
        services.review_send(article=draft(title=f"Bài {n}"), user=editor)
    client.force_login(publisher if who == "publisher" else editor)
    client.get(reverse(QUEUE))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(QUEUE))
    for n in range(6):
        services.review_send(article=draft(title=f"Thêm {n}"), user=editor)
    with CaptureQueriesContext(connection) as more:
        client.get(reverse(QUEUE))
    assert len(more) == len(few)


def test_an_edit_does_not_send_an_article_to_the_back_of_the_queue(
    client, editor, publisher, frozen
):
    first, second = draft(title="Gửi trước"), draft(title="Gửi sau")
    services.review_send(article=first, user=editor)
    frozen.shift(datetime.timedelta(minutes=5))
    services.review_send(article=second, user=editor)
    frozen.shift(datetime.timedelta(minutes=5))
    services.article_save(article=first, data={"lead": "Sửa sapo."}, user=editor)
    assert [a.title for a in admin_review.queue()] == ["Gửi trước", "Gửi sau"]


def test_a_publisher_approves_now(client, editor, publisher):
    article = services.review_send(article=draft(title="Duyệt ngay"), user=editor)
    client.force_login(publisher)
    response = client.post(
        decide_url(article), {"approve": "1", "approve-when": "now", "approve-note": "Tốt"}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.is_public()
    assert article.published_on == datetime.date(2026, 11, 23)  # undated: the day it appears
    assert article.review_notes.first().action == ReviewNote.Action.APPROVED
    assert article not in admin_review.queue()


def test_a_publisher_approves_with_a_schedule_and_an_expiry(client, editor, publisher, frozen):
    article = services.review_send(article=draft(title="Hẹn giờ"), user=editor)
    client.force_login(publisher)
    response = client.post(
        decide_url(article),
        {
            "approve": "1",
            "approve-when": "later",
            "approve-publish_at_0": "24/11/2026",
            "approve-publish_at_1": "06:00",
            "approve-expires_at_0": "24/12/2026",
            "approve-expires_at_1": "06:00",
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    appears = datetime.datetime(2026, 11, 24, 6, 0, tzinfo=HANOI)
    assert article.status == "published" and article.publish_at == appears
    assert not article.is_public()
    assert article.review_notes.first().action == ReviewNote.Action.SCHEDULED
    assert article.published_on == datetime.date(2026, 11, 24)
    frozen.move_to(appears)
    assert Article.objects.published().filter(pk=article.pk).exists()


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"approve-when": "later"}, "Hãy chọn giờ đăng"),
        (
            {
                "approve-when": "later",
                "approve-publish_at_0": "23/11/2026",
                "approve-publish_at_1": "14:00",
            },
            "đã qua",
        ),
        (
            {
                "approve-when": "later",
                "approve-publish_at_0": "24/11/2026",
                "approve-publish_at_1": "06:00",
                "approve-expires_at_0": "24/11/2026",
                "approve-expires_at_1": "05:00",
            },
            "sau giờ đăng",
        ),
        (
            {"approve-when": "now", "approve-expires_at_0": "không phải ngày"},
            "ngày hợp lệ",
        ),
    ],
)
def test_a_bad_schedule_is_refused_and_nothing_changes(client, editor, publisher, fields, error):
    article = services.review_send(article=draft(title="Sai giờ"), user=editor)
    client.force_login(publisher)
    response = client.post(decide_url(article), {"approve": "1", **fields})
    assert response.status_code == 200
    assert error in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW and article.publish_at is None


def test_sending_back_needs_a_note_and_the_editor_sees_it(client, editor, publisher):
    article = services.review_send(article=draft(title="Trả lại"), user=editor)
    client.force_login(publisher)
    refused = client.post(decide_url(article), {"return": "1", "return-note": "  "})
    assert refused.status_code == 200 and "Hãy ghi lý do" in refused.content.decode()
    assert Article.objects.get(pk=article.pk).status == Article.Status.REVIEW
    client.post(decide_url(article), {"return": "1", "return-note": "Thiếu nguồn ảnh."})
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    client.force_login(editor)
    form = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "Thiếu nguồn ảnh." in form.content.decode()
    index = client.get(reverse("admin:index")).content.decode()
    assert "Bài bạn đã gửi duyệt" in index and "Thiếu nguồn ảnh." in index


def test_an_editor_cannot_approve_or_send_back(client, editor):
    article = services.review_send(article=draft(title="Không được duyệt"), user=editor)
    client.force_login(editor)
    page = client.get(decide_url(article))
    assert page.status_code == 200 and 'name="approve"' not in page.content.decode()
    assert client.post(decide_url(article), {"approve": "1"}).status_code == 403
    assert client.post(decide_url(article), {"return": "1", "return-note": "x"}).status_code == 403
    assert Article.objects.get(pk=article.pk).status == Article.Status.REVIEW
    with pytest.raises(PermissionDenied):
        services.review_approve(article=article, user=editor)


def test_only_a_draft_goes_to_review_and_only_an_article_in_review_is_approved(editor, publisher):
    published = factories.article(title="Đã đăng")
    with pytest.raises(PermissionDenied):
        services.review_send(article=published, user=editor)
    with pytest.raises(PermissionDenied):
        services.review_approve(article=draft(title="Nháp"), user=publisher)
    with pytest.raises(ValidationError):
        services.review_return(article=draft(title="Nháp 2"), note="x")


def test_the_bulk_action_sends_each_for_review(client, editor):
    articles = [draft(title=f"Hàng loạt {n}") for n in range(3)]
    client.force_login(editor)
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "send_to_review", "_selected_action": [a.pk for a in articles]},
    )
    assert ReviewNote.objects.filter(action="sent", user=editor).count() == 3
    assert Article.objects.filter(status="review").count() == 3


def test_the_admin_index_opens_with_the_queue_for_a_publisher(client, editor, publisher):
    services.review_send(article=draft(title="Trên bàn"), user=editor)
    client.force_login(publisher)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Hàng chờ duyệt: 1 bài" in page
    assert page.index('id="review-desk"') < page.index('id="content-main"')
    client.force_login(editor)
    assert "Hàng chờ duyệt:" not in client.get(reverse("admin:index")).content.decode()


def test_a_missing_article_or_a_reader_gets_no_decision_page(client, publisher):
    client.force_login(publisher)
    assert client.get(reverse("admin:articles_article_review", args=[999999])).status_code == 404
    client.logout()
    assert client.get(reverse(QUEUE)).status_code == 302  # to the login page


def test_every_path_records_the_review_step(client, editor, publisher):
    """The API and the list's actions change statuses too: each step is a note, so the
    queue always says who sent an article and its history says who approved it."""
    from rest_framework.test import APIClient

    article = factories.article(title="Qua API", status=Article.Status.DRAFT)
    api = APIClient()
    api.force_login(editor)
    assert api.patch(f"/api/v1/articles/{article.slug}/", {"status": "review"}).status_code == 200
    assert [(n.action, n.user) for n in article.review_notes.all()] == [("sent", editor)]
    client.force_login(publisher)
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish", "_selected_action": [article.pk]},
    )
    article.refresh_from_db()
    assert article.status == "published"
    assert article.review_notes.first().action == ReviewNote.Action.APPROVED
