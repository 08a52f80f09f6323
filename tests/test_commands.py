"""load_vocabulary and ensure_dev_superuser: the other steps of `make run`."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from articles.models import Outlet, ThemeTag
from articles.tagging import theme_vocabulary_from_fixtures

pytestmark = pytest.mark.django_db


def test_load_vocabulary_creates_every_theme_and_outlet_once():
    call_command("load_vocabulary", stdout=StringIO())
    slugs = {t["slug"] for t in theme_vocabulary_from_fixtures()}
    assert set(ThemeTag.objects.values_list("slug", flat=True)) == slugs
    assert {
        "covid-19",
        "bien-dong",
        "myanmar",
        "timor-leste",
        "kinh-te-thuong-mai",
        "chuyen-doi-so",
        "chinh-tri-an-ninh",
        "tam-nhin-sau-2025",
        "tieu-vung-mekong",
        "bien-doi-khi-hau",
        "an-ninh-luong-thuc",
        "nang-luong",
        "nhan-dao",
        "phu-nu-hoa-binh-an-ninh",
    } <= slugs
    assert ThemeTag.objects.get(slug="bien-dong").name == "Biển Đông"
    assert "COC" in ThemeTag.objects.get(slug="bien-dong").alias_list()
    outlets = Outlet.objects.count()
    assert Outlet.objects.filter(domain="baoquocte.vn").exists()
    out = StringIO()
    call_command("load_vocabulary", stdout=out)
    assert "0 theme(s) and 0 outlet(s) created, 0 alias(es) added" in out.getvalue()
    assert Outlet.objects.count() == outlets


def test_load_vocabulary_keeps_editors_changes_and_adds_missing_aliases():
    call_command("load_vocabulary", stdout=StringIO())
    theme = ThemeTag.objects.get(slug="bien-dong")
    theme.name = "Biển Đông (South China Sea)"
    theme.aliases = "Biển Đông\nbãi Tư Chính"
    theme.save()
    call_command("load_vocabulary", stdout=StringIO())
    theme.refresh_from_db()
    assert theme.name == "Biển Đông (South China Sea)"
    assert theme.alias_list()[:2] == ["Biển Đông", "bãi Tư Chính"]
    assert "COC" in theme.alias_list()


def test_dev_superuser_only_with_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("ensure_dev_superuser", stdout=StringIO())
    assert not get_user_model().objects.exists()


def test_dev_superuser_is_created_once_and_login_is_printed(settings, client):
    settings.DEBUG = True
    out = StringIO()
    # The command refuses any database but the local SQLite file unless forced.
    force = ["--force"] if connection.vendor != "sqlite" else []
    call_command("ensure_dev_superuser", *force, stdout=out)
    assert "/admin/" in out.getvalue() and "“admin”" in out.getvalue()
    call_command("ensure_dev_superuser", *force, stdout=StringIO())
    user = get_user_model().objects.get()
    assert user.is_superuser and user.is_staff
    assert client.login(username="admin", password="admin")


def test_setup_roles_makes_an_editor_and_a_publisher_group(db, django_user_model):
    from django.contrib.auth.models import Group

    from articles import permissions
    from articles.models import Article

    call_command("setup_roles", stdout=StringIO())
    call_command("setup_roles", stdout=StringIO())  # again: the same two groups
    assert Group.objects.count() == 2
    editor = django_user_model.objects.create_user("bien-tap", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Biên tập viên"))
    publisher = django_user_model.objects.create_user("duyet", password="pw", is_staff=True)
    publisher.groups.add(Group.objects.get(name="Người duyệt đăng"))
    live = Article(pk=1, status=Article.Status.PUBLISHED)
    draft = Article(pk=2, status=Article.Status.DRAFT)
    editor = django_user_model.objects.get(pk=editor.pk)
    publisher = django_user_model.objects.get(pk=publisher.pk)
    assert permissions.may_change(editor, draft) and not permissions.may_change(editor, live)
    assert permissions.may_trash(editor, draft) and not permissions.may_publish(editor)
    assert permissions.may_change(publisher, live) and permissions.may_purge(publisher)
