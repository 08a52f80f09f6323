"""From a public page to its edit form, for staff only; the admin's "view on site" of a
draft is its preview."""

import re

import pytest
from django.urls import reverse

from articles.models import Article

from . import factories


@pytest.fixture
def pages(db):
    meeting = factories.meeting(number=54)
    theme = factories.theme(name="Biển Đông", slug="bien-dong")
    article = factories.article(
        title="Khai mạc AMM-54", status=Article.Status.PUBLISHED, meetings=[meeting], themes=[theme]
    )
    return {
        article.get_absolute_url(): reverse("admin:articles_article_change", args=[article.pk]),
        meeting.get_absolute_url(): reverse("admin:articles_meetingtag_change", args=[meeting.pk]),
        theme.get_absolute_url(): reverse("admin:articles_themetag_change", args=[theme.pk]),
    }


def edit_links(response):
    return re.findall(r'<p class="staff-edit"><a href="([^"]+)">', response.content.decode())


def test_staff_see_the_edit_link_on_article_meeting_and_theme_pages(client, editor, pages):
    client.force_login(editor)
    for page, form in pages.items():
        response = client.get(page)
        assert response.status_code == 200, page
        assert edit_links(response) == [form], page
        assert client.get(form).status_code == 200  # and the form opens


def test_readers_never_see_it_not_even_from_a_page_staff_opened_first(
    client, editor, pages, django_user_model
):
    client.force_login(editor)
    for page in pages:
        client.get(page)  # staff requests neither fill nor read the page cache
    client.logout()
    for page in pages:
        assert edit_links(client.get(page)) == [], page
    reader = django_user_model.objects.create_user("docgia", password="x")
    client.force_login(reader)
    for page in pages:
        assert edit_links(client.get(page)) == [], page


def test_the_link_is_in_english_under_english(client, editor, pages):
    client.force_login(editor)
    page = next(iter(pages))
    html = client.get(f"/en{page}").content.decode()
    assert "Edit in the admin" in html


def test_view_on_site_of_a_draft_is_its_private_preview(client, editor):
    draft = factories.article(title="Bản nháp AMM-55", status=Article.Status.DRAFT)
    client.force_login(editor)
    form = client.get(reverse("admin:articles_article_change", args=[draft.pk]))
    on_site = re.search(r'href="(/admin/r/[^"]+)"[^>]*class="viewsitelink"', form.content.decode())
    on_site = on_site or re.search(
        r'class="viewsitelink"[^>]*href="([^"]+)"', form.content.decode()
    )
    assert on_site, "no view-on-site link"
    preview = client.get(on_site.group(1), follow=True)
    assert preview.status_code == 200
    assert "Bản nháp AMM-55" in preview.content.decode()
    assert "private" in preview["Cache-Control"]
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404
