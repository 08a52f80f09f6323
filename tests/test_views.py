"""The interim public pages: only published articles, drafts are 404 for readers."""

import pytest
from django.urls import reverse

from articles.models import Article

from . import factories

pytestmark = pytest.mark.django_db


def test_home_lists_published_articles_only(client):
    shown = factories.article(title="Bài đã đăng về ASEAN")
    factories.article(title="Bản nháp bí mật", status=Article.Status.DRAFT)
    factories.article(title="Bài chờ duyệt", status=Article.Status.REVIEW)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert shown.title in html and shown.get_absolute_url() in html
    assert "Bản nháp bí mật" not in html and "Bài chờ duyệt" not in html


def test_home_shows_dates_day_first(client):
    factories.article(title="Bài tháng tư")
    assert "07/04/2021" in client.get("/").content.decode()


def test_home_query_count_does_not_grow_with_articles(client, django_assert_num_queries):
    meeting, theme = factories.meeting(), factories.theme()
    for _ in range(3):
        factories.article(meetings=[meeting], themes=[theme])
    with django_assert_num_queries(4):
        client.get("/")
    for _ in range(10):
        factories.article(meetings=[meeting], themes=[theme])
    with django_assert_num_queries(4):
        client.get("/")


def test_article_page_shows_the_article(client):
    article = factories.article(body="Đoạn một.\n\nPV: Câu hỏi?\n\nTrả lời.")
    response = client.get(reverse("articles:detail", kwargs={"slug": article.slug}))
    assert response.status_code == 200
    html = response.content.decode()
    assert article.title in html and "Đoạn một." in html
    assert '<p class="question">Câu hỏi?</p>' in html


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.REVIEW])
def test_unpublished_article_is_404_for_readers(client, status):
    article = factories.article(status=status)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_unpublished_article_is_visible_to_staff(editor_client):
    article = factories.article(status=Article.Status.DRAFT)
    assert editor_client.get(article.get_absolute_url()).status_code == 200
