"""Backup and restore of the whole archive (articles/backup.py, backup_archive,
restore_archive): a varied archive goes out and comes back with the same fingerprint, into
this database and into fresh SQLite and PostgreSQL databases, and answers as before."""

import gzip
import json
import os
import subprocess
import sys
import time
from io import StringIO

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from rest_framework.authtoken.models import Token

from articles import backup, counts
from articles.models import (
    Article,
    ArticleRevision,
    MeetingTag,
    SlugRedirect,
    TaggedMeeting,
    TaggedTheme,
    TagRedirect,
    ThemeTag,
)
from articles.services import article_save, article_trash, tags_merge, vocabulary_load
from audit.models import AuditEntry

from .conftest import ROOT, SEEDS

NEW_SLUG = "asean-ban-ve-bien-dong-sau-khi-doi-ten"
QUERIES = ("bien dong", "Biển Đông")


# -- a varied archive --------------------------------------------------------------------


def build_archive(user_model) -> dict:
    """Import the seeds and make through the services what an archive in use holds: users
    in groups and with their own permissions, a token, edits (revisions, a former slug, a
    figure, a rejected theme), a trashed article, a renamed meeting, merged themes, admin
    and audit log entries."""
    quiet = {"stdout": StringIO(), "stderr": StringIO()}
    vocabulary_load()
    call_command("setup_roles", **quiet)
    call_command("import_articles", "--status", "published", str(SEEDS), **quiet)
    publisher = user_model.objects.create_user(
        "bao.chi", password="pw", is_staff=True, first_name="Bảo", last_name="Chi"
    )
    publisher.groups.add(Group.objects.get(name="Người duyệt đăng"))
    editor = user_model.objects.create_user("bien.tap", password="pw2", is_staff=True)
    editor.groups.add(Group.objects.get(name="Biên tập viên"))
    editor.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    user_model.objects.create_superuser("sep", password="pw3")
    token = Token.objects.create(user=editor)

    first, second, *_ = Article.objects.order_by("pk")
    old_slug = first.slug
    kept_themes = list(first.themes.order_by("pk"))[1:]
    article_save(
        article=first,
        data={
            "slug": NEW_SLUG,
            "author": "Bảo Chi",
            "themes": kept_themes,
            "figures": [{"caption": "Các Bộ trưởng chụp ảnh chung.", "credit": "Ảnh: TTXVN"}],
        },
        user=publisher,
        via=ArticleRevision.Via.ADMIN,
    )
    article_trash(article=second, user=publisher)

    meeting = MeetingTag.objects.order_by("pk").first()
    meeting.slug = f"{meeting.slug}-doi-ten"
    meeting.save()
    target, source = ThemeTag.objects.filter(published_count__gt=0).order_by("pk")[:2]
    tags_merge(target=target, sources=[source], user=publisher)

    LogEntry.objects.create(
        user=publisher,
        content_type=ContentType.objects.get_for_model(Article),
        object_id=str(first.pk),
        object_repr=first.title,
        action_flag=CHANGE,
        change_message="[]",
    )
    return {"slug": NEW_SLUG, "old_slug": old_slug, "token": token.key, "trashed": second.slug}


@pytest.fixture
def archive(db, django_user_model):
    return build_archive(django_user_model)


def probe(slug, old_slug, token, trashed) -> dict:
    """Return what the archive answers: its fingerprint, searches, the site and the API for
    an article, its former address, a token's access, a password, a permission, the next id.
    The same function runs in this process and against a restored database in another."""
    from django.contrib.auth import get_user_model

    archive_fingerprint = backup.fingerprint().hexdigest()
    client = Client()
    page = client.get(f"/bai-viet/{slug}/")
    api = client.get(f"/api/v1/articles/{slug}/")
    staff_api = client.get(f"/api/v1/articles/{slug}/", HTTP_AUTHORIZATION=f"Token {token}")
    moved = client.get(f"/bai-viet/{old_slug}/")
    api_moved = client.get(f"/api/v1/articles/{old_slug}/")
    searches = {}
    for query in QUERIES:
        found = client.get("/api/v1/articles/", {"q": query, "fields": "slug", "page_size": 100})
        searches[query] = [item["slug"] for item in found.json()["results"]]
    search_page = client.get("/search/", {"q": QUERIES[0]})
    publisher = get_user_model().objects.get(username="bao.chi")
    fresh = Article.objects.create(title="Bài mới sau khi khôi phục", status="draft")
    fresh_revision = ArticleRevision.objects.create(
        article=fresh, version=1, via=ArticleRevision.Via.COMMAND, data={}
    )
    highest = Article.objects.exclude(pk=fresh.pk).order_by("-pk").values_list("pk", flat=True)
    result = {
        "fingerprint": archive_fingerprint,
        "page": [page.status_code, page.content.decode().count("Bảo Chi") > 0],
        "api": [api.status_code, api.json().get("slug"), "status" in api.json()],
        "staff_api": [staff_api.status_code, staff_api.json().get("status")],
        "moved": [moved.status_code, moved.headers.get("Location")],
        "api_moved": [api_moved.status_code, api_moved.headers.get("Location", "")[-60:]],
        "trashed": client.get(f"/bai-viet/{trashed}/").status_code,
        "searches": searches,
        "search_page": [search_page.status_code, slug in search_page.content.decode()],
        "password": publisher.check_password("pw"),
        "publish_permission": publisher.has_perm("articles.publish_article"),
        "next_ids_follow": fresh.pk > highest[0] and fresh_revision.pk is not None,
        "drift": {name: len(rows) for name, rows in counts.drift().items() if rows},
    }
    fresh.delete()
    return result


PROBE_SCRIPT = (
    "import json, sys, django; django.setup();"
    "from tests.test_backup import probe;"
    "print('PROBE ' + json.dumps(probe(*sys.argv[1:5])))"
)


def expected_probe(archive) -> dict:
    """What a restored archive must answer, whatever the database."""
    return {
        "page": [200, True],
        "api": [200, archive["slug"], False],
        "staff_api": [200, "published"],
        "moved": [301, f"/bai-viet/{archive['slug']}/"],
        "trashed": 404,
        "search_page": [200, True],
        "password": True,
        "publish_permission": True,
        "next_ids_follow": True,
        "drift": {},
    }


def test_the_varied_archive_holds_what_a_backup_must_carry(archive):
    # The fixture really makes what the round trips check.
    assert SlugRedirect.objects.filter(old_slug=archive["old_slug"]).exists()
    assert TagRedirect.objects.filter(kind="meeting").exists()
    assert TagRedirect.objects.filter(kind="theme").exists()
    assert Article.objects.filter(status="trash").exclude(trashed_from="").count() == 1
    assert Article.objects.exclude(rejected_tags={}).exists()
    assert Article.objects.filter(version__gt=1).exists()
    assert ArticleRevision.objects.count() > Article.objects.count()
    assert TaggedMeeting.objects.exclude(evidence=[]).exists()
    assert TaggedTheme.objects.exclude(evidence=[]).exists()
    assert AuditEntry.objects.filter(action="merge").exists()
    assert any(entry.at.microsecond for entry in AuditEntry.objects.all())  # kept exactly
    seen = probe(archive["slug"], archive["old_slug"], archive["token"], archive["trashed"])
    assert seen["searches"][QUERIES[0]] and seen["searches"][QUERIES[1]]
    assert set(seen["searches"][QUERIES[1]]) <= set(seen["searches"][QUERIES[0]])
    assert {k: v for k, v in seen.items() if k in expected_probe(archive)} == expected_probe(
        archive
    )


def empty_database():
    """Flush this database as `manage.py flush` does: content types and permissions come
    back with other ids. (PostgreSQL refuses to truncate a table with foreign key checks
    still pending in the test's transaction: they are run first.)"""
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if postgresql:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as a new transaction has them
    ContentType.objects.clear_cache()
    assert backup.nonempty_models() == []


# -- what is copied, and the fingerprint ---------------------------------------------------


def test_every_archive_model_is_copied_after_the_models_it_refers_to():
    labels = [model._meta.label_lower for model in backup.archive_models()]
    for label in (
        "articles.article",
        "articles.outlet",
        "articles.meetingtag",
        "articles.themetag",
        "articles.taggedmeeting",
        "articles.taggedtheme",
        "articles.figure",
        "articles.slugredirect",
        "articles.tagredirect",
        "articles.articlerevision",
        "articles.archivemonth",
        "audit.auditentry",
        "auth.user",
        "auth.group",
        "authtoken.token",
        "admin.logentry",
    ):
        assert label in labels
    # Made by migrate with their own ids (referred to by natural key), or not archive data.
    for label in ("contenttypes.contenttype", "auth.permission", "sessions.session"):
        assert label not in labels
    position = {label: i for i, label in enumerate(labels)}
    for model in backup.archive_models():
        for field in model._meta.local_fields:
            if field.is_relation and field.related_model._meta.label_lower in position:
                assert (
                    position[field.related_model._meta.label_lower]
                    <= position[model._meta.label_lower]
                ), (model, field)


def test_the_fingerprint_is_stable_and_changes_with_any_row(archive):
    before = backup.fingerprint()
    assert backup.fingerprint().hexdigest() == before.hexdigest()
    article = Article.objects.get(slug=archive["slug"])
    Article.objects.filter(pk=article.pk).update(author="Bảo Chi ")  # one trailing space
    after = backup.fingerprint()
    assert after.hexdigest() != before.hexdigest()
    changed = {
        label for label, digest in after.per_model().items() if before.per_model()[label] != digest
    }
    assert changed == {"articles.article"}
    # Permissions count by natural key: the same rights with other ids are the same archive.
    assert before.rows["auth.group"] == 2


# -- round trips ----------------------------------------------------------------------------


def test_restore_after_a_flush_gives_back_the_same_archive(archive, tmp_path):
    made = backup.backup(tmp_path / "archive.jsonl.gz")
    expected = probe(archive["slug"], archive["old_slug"], archive["token"], archive["trashed"])
    assert made.fingerprint == expected["fingerprint"]

    # An empty database whose content types and permissions have other ids than before.
    empty_database()
    restored = backup.restore(tmp_path / "archive.jsonl.gz")

    assert restored.fingerprint == made.fingerprint
    assert restored.fixed_counts is None and restored.warnings == []
    seen = probe(archive["slug"], archive["old_slug"], archive["token"], archive["trashed"])
    assert seen == expected


def test_restore_with_force_replaces_a_changed_archive(archive, tmp_path):
    made = backup.backup(tmp_path / "archive.jsonl.gz")
    Article.objects.get(slug=archive["slug"]).delete()
    ThemeTag.objects.create(name="Chủ đề mới", slug="chu-de-moi")
    assert backup.fingerprint().hexdigest() != made.fingerprint

    with pytest.raises(CommandError, match=r"not empty.*Nothing was restored"):
        call_command("restore_archive", str(tmp_path / "archive.jsonl.gz"), stdout=StringIO())
    assert not Article.objects.filter(slug=archive["slug"]).exists()
    restored = backup.restore(tmp_path / "archive.jsonl.gz", replace=True)

    assert restored.fingerprint == made.fingerprint == backup.fingerprint().hexdigest()
    assert not ThemeTag.objects.filter(slug="chu-de-moi").exists()
    assert Client().get(f"/bai-viet/{archive['slug']}/").status_code == 200


def _postgres_target(name):
    """Create database ``name`` on the local PostgreSQL; return its URL and a function that
    drops it. Skip when no PostgreSQL is reachable."""
    psycopg = pytest.importorskip("psycopg")
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {name}")
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL reachable at 127.0.0.1:5432 as postgres ({exc})")

    def drop():
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    return f"postgres://postgres@127.0.0.1:5432/{name}", drop


def manage(url, *args, script=None):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "asean_archive.settings.test"}
    env["DATABASE_URL"] = url
    command = (
        [sys.executable, "-c", script, *args]
        if script
        else [
            sys.executable,
            "manage.py",
            *args,
        ]
    )
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=300
    )


@pytest.mark.parametrize("target", ["sqlite", "postgresql"])
def test_round_trip_into_a_fresh_database_by_the_commands(archive, tmp_path, target):
    """This database (SQLite or PostgreSQL, the suite's pass) → a fresh database of either
    kind, by the documented commands: SQLite → PostgreSQL is this same recipe."""
    if target == "sqlite":
        url, drop = f"sqlite:///{tmp_path / 'restored.sqlite3'}", lambda: None
    else:
        url, drop = _postgres_target(f"archive_restore_{os.getpid()}")
    out = StringIO()
    started = time.monotonic()
    call_command("backup_archive", str(tmp_path / "archive.jsonl.gz"), stdout=out)
    expected = probe(archive["slug"], archive["old_slug"], archive["token"], archive["trashed"])
    assert f"Fingerprint: {expected['fingerprint']}" in out.getvalue()
    try:
        migrated = manage(url, "migrate", "--noinput", "-v0")
        assert migrated.returncode == 0, migrated.stderr
        restored = manage(url, "restore_archive", str(tmp_path / "archive.jsonl.gz"))
        assert restored.returncode == 0, restored.stderr
        assert f"Fingerprint: {expected['fingerprint']}" in restored.stdout
        assert "the fingerprint matches" in restored.stdout
        args = (archive["slug"], archive["old_slug"], archive["token"], archive["trashed"])
        seen = manage(url, *args, script=PROBE_SCRIPT)
        assert seen.returncode == 0, seen.stderr
        line = next(x for x in seen.stdout.splitlines() if x.startswith("PROBE "))
        assert json.loads(line.removeprefix("PROBE ")) == json.loads(json.dumps(expected))

        print(f"round trip into {target}: {time.monotonic() - started:.1f} s")
    finally:
        drop()


# -- refusals: all or nothing -------------------------------------------------------------


@pytest.fixture
def made(archive, tmp_path):
    """A backup of the archive, and this database emptied for a restore."""
    path = tmp_path / "archive.jsonl.gz"
    summary = backup.backup(path)
    empty_database()
    return path, summary


def _lines(path) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return f.read().splitlines()


def _write(path, lines) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def test_a_file_cut_short_is_refused_and_nothing_is_written(made, tmp_path):
    path, _summary = made
    cut = tmp_path / "cut.jsonl.gz"
    _write(cut, _lines(path)[:-5])  # the last rows and the end line lost
    with pytest.raises(backup.BackupError, match="cut short"):
        backup.restore(cut)
    assert backup.nonempty_models() == []

    raw = tmp_path / "truncated.gz"
    raw.write_bytes(path.read_bytes()[: path.stat().st_size // 2])  # a copy stopped midway
    with pytest.raises(backup.BackupError, match="cut short"):
        backup.restore(raw)
    with pytest.raises(CommandError, match="Nothing was restored"):
        call_command("restore_archive", str(raw), "--check", stdout=StringIO())
    assert backup.nonempty_models() == []


def test_a_changed_row_fails_the_fingerprint_and_the_restore_is_rolled_back(made, tmp_path):
    path, summary = made
    lines = _lines(path)
    number = next(i for i, line in enumerate(lines) if '"model":"articles.article"' in line)
    row = json.loads(lines[number])
    row["fields"]["title"] += " (sửa lén)"
    lines[number] = json.dumps(row, ensure_ascii=False)
    changed = tmp_path / "changed.jsonl.gz"
    _write(changed, lines)

    with pytest.raises(CommandError, match="fingerprint"):
        call_command("restore_archive", str(changed), "--check", stdout=StringIO())
    with pytest.raises(backup.BackupError, match="fingerprint"):
        backup.restore(changed)
    assert backup.nonempty_models() == []
    # The intact file still checks and restores.
    out = StringIO()
    call_command("restore_archive", str(path), "--check", stdout=out)
    assert summary.fingerprint in out.getvalue()


def test_a_row_pointing_at_a_missing_row_is_refused(made, tmp_path):
    path, _summary = made
    lines = [line for line in _lines(path) if '"model":"articles.outlet"' not in line]
    broken = tmp_path / "broken.jsonl.gz"
    _write(broken, lines)
    with pytest.raises(backup.BackupError):
        backup.restore(broken)
    assert backup.nonempty_models() == []


def test_a_database_missing_the_backups_migrations_is_refused(made, tmp_path):
    path, _summary = made
    lines = _lines(path)
    header = json.loads(lines[0])
    header["migrations"]["articles"].append("9999_from_the_future")
    lines[0] = json.dumps(header)
    newer = tmp_path / "newer.jsonl.gz"
    _write(newer, lines)
    with pytest.raises(backup.BackupError, match="9999_from_the_future"):
        backup.restore(newer)
    assert backup.nonempty_models() == []


def test_a_file_that_is_no_backup_is_refused(db, tmp_path):
    fixture = tmp_path / "dump.json"
    fixture.write_text('[{"model": "articles.outlet", "pk": 1, "fields": {}}]')
    with pytest.raises(CommandError, match="not an ASEAN Archive backup"):
        call_command("restore_archive", str(fixture), stdout=StringIO())
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore_archive", str(tmp_path / "missing.gz"), stdout=StringIO())
    assert backup.nonempty_models() == []


def test_backup_never_leaves_a_partial_file(archive, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk went away")
        yield

    monkeypatch.setattr(backup, "iter_rows", broken)
    with pytest.raises(RuntimeError):
        backup.backup(tmp_path / "archive.jsonl.gz")
    assert list(tmp_path.iterdir()) == []


# -- the generic recipe -------------------------------------------------------------------


def test_dumpdata_with_natural_keys_loads_back(archive, tmp_path):
    """`dumpdata --natural-foreign --natural-primary` writes a tagged item's tag as its name;
    loaddata finds the tag by it (taggit's natural key, kept by our tag managers)."""
    tags = {
        a.slug: (sorted(a.meetings.names()), sorted(a.themes.names()))
        for a in Article.objects.all()
    }
    out = tmp_path / "articles.json"
    call_command(
        "dumpdata",
        "auth.group",
        "auth.user",
        "articles",
        "--natural-foreign",
        "--natural-primary",
        "--output",
        str(out),
        verbosity=0,
    )
    assert MeetingTag.objects.get_by_natural_key(MeetingTag.objects.first().name)
    empty_database()
    call_command("loaddata", str(out), verbosity=0)
    assert {
        a.slug: (sorted(a.meetings.names()), sorted(a.themes.names()))
        for a in Article.objects.all()
    } == tags


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's FTS5 tables")
def test_the_sqlite_index_is_rebuilt_from_the_stored_columns(archive):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO article_search(article_search) VALUES ('delete-all')")
    assert not probe(archive["slug"], archive["old_slug"], archive["token"], archive["trashed"])[
        "searches"
    ][QUERIES[0]]
    backup.rebuild_search_index()
    seen = probe(archive["slug"], archive["old_slug"], archive["token"], archive["trashed"])
    assert archive["slug"] in seen["searches"][QUERIES[0]]
