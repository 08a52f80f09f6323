"""Article model rules: the one door to published articles, slugs, search, hashes."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from articles.models import Article, ThemeTag
from articles.search import parse_query, search_articles
from articles.services import article_set_status, tags_merge
from articles.text import slugify_vi

from . import factories

pytestmark = pytest.mark.django_db


def test_published_excludes_drafts_and_review():
    shown = factories.article(status=Article.Status.PUBLISHED)
    factories.article(status=Article.Status.DRAFT)
    factories.article(status=Article.Status.REVIEW)
    assert list(Article.objects.published()) == [shown]


def test_visible_to_staff_includes_drafts(editor, django_user_model):
    factories.article(status=Article.Status.PUBLISHED)
    factories.article(status=Article.Status.DRAFT)
    reader = django_user_model.objects.create_user("reader", password="pw")
    assert Article.objects.visible_to(editor).count() == 2
    assert Article.objects.visible_to(reader).count() == 1
    assert Article.objects.visible_to(None).count() == 1


def test_slug_is_vietnamese_ascii_and_unique():
    first = factories.article(title="Đối thoại ASEAN–Mỹ")
    second = factories.article(title="Đối thoại ASEAN-Mỹ")
    assert first.slug == "doi-thoai-asean-my"
    assert second.slug == "doi-thoai-asean-my-2"


def test_published_article_needs_a_date():
    article = Article(title="Bài không ngày", status=Article.Status.PUBLISHED)
    with pytest.raises(ValidationError) as excinfo:
        article.full_clean()
    assert "published_on" in excinfo.value.message_dict


def test_clean_normalises_text_to_nfc():
    article = factories.article(title="Bie\u0302\u0309n \u0110o\u0302ng  mới ")
    assert article.title == "Biển Đông mới"


def test_content_hash_ignores_encoding_variants():
    text = "Tiêu đề\nNội dung bài"
    assert Article.hash_content(text) == Article.hash_content("\ufeffTiêu đề\r\nNội dung bài\r\n")
    assert Article.hash_content(text) != Article.hash_content("Tiêu đề\nNội dung khác")


def test_search_without_diacritics_matches_with_or_without():
    with_marks = factories.article(body="Tình hình Biển Đông phức tạp.")
    upheaval = factories.article(body="Thế giới nhiều biến động.")
    plain = factories.article(body="bien dong viet khong dau")
    found = set(search_articles(Article.objects.all(), "bien dong"))
    assert found == {with_marks, upheaval, plain}
    found = set(search_articles(Article.objects.all(), "Bien Dong"))
    assert found == {with_marks, upheaval, plain}


def test_search_with_diacritics_matches_them_exactly():
    with_marks = factories.article(body="Tình hình Biển Đông phức tạp.")
    factories.article(body="Thế giới nhiều biến động.")
    factories.article(body="Cộng đồng ASEAN.")
    assert list(search_articles(Article.objects.all(), "Biển Đông")) == [with_marks]
    assert list(search_articles(Article.objects.all(), "biển đông")) == [with_marks]


def test_search_treats_old_and_new_tone_placement_alike():
    article = factories.article(body="Vì hoà bình và ổn định.")
    assert list(search_articles(Article.objects.all(), "hòa bình")) == [article]


def test_search_words_all_match_and_quotes_make_a_phrase():
    both = factories.article(body="ASEAN họp về Myanmar và Biển Đông.")
    factories.article(body="ASEAN họp về Myanmar.")
    assert list(search_articles(Article.objects.all(), "Myanmar Biển")) == [both]
    assert parse_query('"Biển Đông" myanmar') == ["Biển Đông", "myanmar"]
    assert list(search_articles(Article.objects.all(), '"Đông ASEAN"')) == []


def test_status_change_to_published_needs_permission(editor, publisher):
    article = factories.article(status=Article.Status.REVIEW)
    with pytest.raises(Exception, match="quyền"):
        article_set_status(article=article, status=Article.Status.PUBLISHED, user=editor)
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    article_set_status(article=article, status=Article.Status.PUBLISHED, user=publisher)
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED


def test_merging_themes_moves_articles_and_aliases():
    keep = factories.theme(name="Covid-19", slug="covid-19", aliases="Covid-19")
    drop = factories.theme(name="Đại dịch", slug="dai-dich", aliases="SARS-CoV-2")
    only_drop = factories.article(themes=[drop])
    both = factories.article(themes=[keep, drop])
    moved = tags_merge(target=keep, sources=[drop])
    assert moved == 1
    assert not ThemeTag.objects.filter(pk=drop.pk).exists()
    assert list(only_drop.themes.all()) == [keep]
    assert list(both.themes.all()) == [keep]
    keep.refresh_from_db()
    assert keep.alias_list() == ["Covid-19", "Đại dịch", "SARS-CoV-2"]


def test_merging_across_vocabularies_is_refused():
    with pytest.raises(ValueError):
        tags_merge(target=factories.theme(), sources=[factories.meeting()])


def test_theme_names_differing_only_by_case_are_refused():
    factories.theme(name="Biển Đông", slug="bien-dong")
    clash = ThemeTag(name="biển đông", slug="bien-dong-2")
    with pytest.raises(ValidationError) as excinfo:
        clash.full_clean()
    assert "name" in excinfo.value.message_dict


def test_tag_slugs_are_ascii():
    tag = ThemeTag(name="Đối thoại Biển Đông")
    tag.save()
    assert tag.slug == "doi-thoai-bien-dong"


def test_no_missing_migrations():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_long_titles_give_slugs_within_the_field_and_still_unique():
    title = "Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ 56 " * 6
    first, second = factories.article(title=title), factories.article(title=title)
    assert len(first.slug) <= 160 and len(second.slug) <= 160
    assert first.slug != second.slug and second.slug.endswith("-2")
    assert first.slug == slugify_vi(title, max_length=160)


def test_a_query_is_cut_to_a_bounded_number_of_terms():
    from articles.search import MAX_TERMS

    assert len(parse_query("a " * 1000)) == MAX_TERMS
    assert parse_query("x" * 5000) == ["x" * 300]


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["content_hash", "source_url"])
def test_a_second_article_with_the_same_hash_or_source_is_refused(field):
    from django.db import IntegrityError, transaction

    value = "a" * 64 if field == "content_hash" else "https://vov.vn/a.html"
    factories.article(title="Một", **{field: value})
    with pytest.raises(ValidationError):  # the editor's form says so
        factories.article(title="Hai", **{field: value})
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database holds
        Article(title="Ba", status=Article.Status.DRAFT, **{field: value}).save()
