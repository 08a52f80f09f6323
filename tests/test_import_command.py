"""`manage.py import_articles`: idempotent, one transaction per file, clear errors, exit status."""

import json
import os
import subprocess
import sys
import unicodedata
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.models import (
    Article,
    Figure,
    MeetingTag,
    Outlet,
    TaggedMeeting,
    TaggedTheme,
    ThemeTag,
)

from .conftest import BAD, ROOT, SEEDS

pytestmark = pytest.mark.django_db

SEED_000 = SEEDS / "000_70b5c8d6d0b5c278.txt"


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_articles", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args):
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_articles", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue(), str(excinfo.value)


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Article, Figure, MeetingTag, ThemeTag, Outlet, TaggedMeeting, TaggedTheme)
    }


def test_seeds_import_with_their_fields_and_tags():
    out, _ = run(SEEDS)
    assert "5 created" in out
    article = Article.objects.get(source_file="004_7e09f98f85691267.txt")
    assert article.title == "Đối thoại trực tuyến ASEAN-Mỹ lần thứ 33"
    assert article.outlet.domain == "baodientu.chinhphu.vn"
    assert article.published_on.isoformat() == "2020-08-05"
    assert article.status == Article.Status.REVIEW
    assert article.slug == "doi-thoai-truc-tuyen-asean-my-lan-thu-33"
    assert [f.credit for f in article.figures.all()] == ["BNG", "BNG"]
    assert set(article.meetings.values_list("slug", flat=True)) == {"asean-my-33", "summit-36"}
    meeting = MeetingTag.objects.get(slug="asean-my-33")
    assert (meeting.series, meeting.number, meeting.year, meeting.partner) == (
        "DIALOGUE",
        33,
        2020,
        "Mỹ",
    )
    assert meeting.code == "ASEAN–Mỹ 33"
    assert article.raw_text == (SEEDS / "004_7e09f98f85691267.txt").read_text(encoding="utf-8")
    assert len(article.content_hash) == 64


def test_reimport_changes_nothing():
    run(SEEDS)
    before = counts()
    updated = dict(Article.objects.values_list("pk", "updated_at"))
    out, _ = run(SEEDS, "--status", "published")
    assert "5 unchanged" in out
    assert counts() == before
    assert dict(Article.objects.values_list("pk", "updated_at")) == updated
    assert not Article.objects.filter(status=Article.Status.PUBLISHED).exists()


def test_nfd_crlf_bom_copy_of_an_imported_file_is_the_same_article(tmp_path):
    run(SEED_000)
    text = SEED_000.read_text(encoding="utf-8")
    variant = tmp_path / "copy.txt"
    variant.write_bytes(
        b"\xef\xbb\xbf" + unicodedata.normalize("NFD", text).replace("\n", "\r\n").encode("utf-8")
    )
    out, _ = run(variant)
    assert "unchanged" in out
    assert Article.objects.count() == 1


def test_nfd_input_is_stored_as_nfc(tmp_path):
    text = SEED_000.read_text(encoding="utf-8")
    path = tmp_path / "nfd.txt"
    path.write_bytes(unicodedata.normalize("NFD", text).replace("\n", "\r\n").encode("utf-8"))
    run(path)
    article = Article.objects.get()
    for value in (article.title, article.lead, article.body, article.author):
        assert unicodedata.is_normalized("NFC", value)
        assert "\r" not in value
    assert article.title.startswith("SOM ASEAN: Tăng cường")
    assert set(article.themes.values_list("slug", flat=True)) >= {"covid-19", "bien-dong"}


def test_status_option_sets_the_status():
    run(SEED_000, "--status", "published")
    assert Article.objects.get().status == Article.Status.PUBLISHED


def test_dry_run_saves_nothing():
    before = counts()
    out, _ = run(SEEDS, "--dry-run")
    assert "5 parsed" in out
    assert counts() == before


def test_json_format_gives_one_object_per_file(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    out, _, message = run_failing(SEED_000, bad, "--format", "json", "--dry-run")
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 2
    ok, failed = lines
    assert set(ok) == {
        "source_file",
        "action",
        "article_id",
        "warnings",
        "title",
        "lead",
        "body",
        "author",
        "outlet",
        "source_url",
        "published_on",
        "meetings",
        "themes",
        "figures",
    }
    assert ok["source_file"] == str(SEED_000)
    assert ok["outlet"] == {"name": "Báo Thế giới & Việt Nam", "domain": "baoquocte.vn"}
    assert ok["published_on"] == "2021-04-07"
    (meeting,) = ok["meetings"]
    assert {k: v for k, v in meeting.items() if k != "evidence"} == {
        "name": "Hội nghị Quan chức Cao cấp ASEAN 2021",
        "slug": "som-2021",
        "series": "SOM",
        "number": None,
        "year": 2021,
    }
    # Each tag says why: the words that matched, their sentence, where it stands.
    assert meeting["evidence"][0] == {
        "alias": "SOM ASEAN",
        "sentence": "SOM ASEAN: Tăng cường hợp tác ứng phó đại dịch Covid-19 và các thách "
        "thức đang nổi lên",
        "place": "title",
    }
    bien_dong = next(t for t in ok["themes"] if t["slug"] == "bien-dong")
    assert bien_dong["name"] == "Biển Đông"
    assert any("Biển Đông" in e["sentence"] for e in bien_dong["evidence"])
    assert ok["figures"][0]["credit"] == "Duy Quang"
    assert failed == {"source_file": str(bad), "action": "failed", "error": "empty file"}
    assert "1 of 2" in message


BAD_INPUTS = {
    "empty.txt": (b"", "empty file"),
    "blank.txt": (b"  \n\n \t\n", "empty file (only whitespace)"),
    "binary.bin": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary file"),
    "latin1.txt": (
        "Thông cáo báo chí ASEAN\n\nBáo cáo chính: ASEAN.".encode("latin-1"),
        "not UTF-8 text (invalid byte 0xf4 at offset 2)",
    ),
    "cp1252.txt": (
        "Réunion des ministres à Jakarta, café crème.".encode("cp1252"),
        "not UTF-8 text",
    ),
    "menu.txt": (
        "Trang chủ\nThời sự\nThế giới\nKinh tế\nVideo\nTin liên quan\n".encode(),
        "not an article",
    ),
    "title_only.txt": (
        "Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ 56 khai mạc\n".encode(),
        "not an article",
    ),
    "no_headline.txt": (("Đây là một đoạn rất dài " * 30 + ".\n").encode(), "not an article"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_gets_a_one_line_error_and_the_others_still_import(tmp_path, name):
    data, message = BAD_INPUTS[name]
    bad = tmp_path / name
    bad.write_bytes(data)
    _, err, summary = run_failing(bad, SEED_000)
    error_lines = err.strip().splitlines()
    assert len(error_lines) == 1
    assert error_lines[0].startswith(f"{bad}: error: ")
    assert message in error_lines[0]
    assert Article.objects.count() == 1  # the good file went in
    assert "1 of 2 file(s) could not be imported" in summary


@pytest.mark.skipif(not BAD.exists(), reason="fixtures/bad/ not present")
def test_shipped_bad_inputs_all_fail_cleanly():
    files = sorted(p for p in BAD.iterdir() if p.is_file())
    _, err, summary = run_failing(*files)
    assert len(err.strip().splitlines()) == len(files)
    assert Article.objects.count() == 0
    assert f"{len(files)} of {len(files)}" in summary


def test_publishing_an_article_without_a_date_is_refused(tmp_path):
    path = tmp_path / "undated.txt"
    path.write_text(
        "Các nước ASEAN thảo luận hợp tác biển\n\n"
        "Các nước ASEAN đã thảo luận về hợp tác biển, trong đó có vấn đề Biển Đông, tại cuộc họp "
        "trực tuyến của các quan chức.\n\nĐoạn hai của bài viết nói về kết quả cuộc họp và những "
        "bước đi tiếp theo của các bên trong thời gian tới.\n",
        encoding="utf-8",
    )
    _, err, _ = run_failing(path, "--status", "published")
    assert "no publication date" in err
    assert Article.objects.count() == 0
    out, _ = run(path)  # as review it is fine, with a warning
    assert "warning: no publication date found" in out
    assert Article.objects.get().published_on is None


def test_a_file_failing_midway_leaves_nothing_behind(monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Figure.objects, "bulk_create", explode)
    _, err, _ = run_failing(SEED_000)
    assert "unexpected error: RuntimeError: disk full" in err
    assert Article.objects.count() == 0


def test_another_version_of_an_imported_url_is_not_overwritten(tmp_path):
    seed = SEEDS / "003_81ea59991d5bf172.txt"
    run(seed)
    edited = tmp_path / "edited.txt"
    edited.write_text(
        seed.read_text(encoding="utf-8").replace("Luang Prabang", "Luông Pha-bang"),
        encoding="utf-8",
    )
    out, _ = run(edited)
    assert "skipped: another version of this article is already in the archive" in out
    assert Article.objects.count() == 1
    assert "Luang Prabang" in Article.objects.get().lead


def test_missing_path_is_reported_and_the_other_paths_still_go_in():
    _, err, message = run_failing(ROOT / "does-not-exist.txt", SEED_000)
    assert f"{ROOT / 'does-not-exist.txt'}: error: no such file or directory" in err
    assert message == "1 of 2 file(s) could not be imported"
    assert Article.objects.count() == 1


def test_exit_status_is_non_zero_when_a_file_fails(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    env = {
        "DJANGO_SETTINGS_MODULE": "asean_archive.settings.test",
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    assert manage("migrate", "--noinput", "-v0").returncode == 0
    proc = manage("import_articles", "--dry-run", str(bad), str(SEED_000))
    assert proc.returncode == 1
    assert f"{bad}: error: empty file" in proc.stderr
    assert "000_70b5c8d6d0b5c278.txt: parsed (dry run)" in proc.stdout


def _database_url(kind, tmp_path):
    """Return a fresh database's URL for subprocesses, and a function that drops it."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'race.sqlite3'}", lambda: None
    import psycopg

    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    name = f"import_race_{os.getpid()}"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL not reachable")

    def drop():
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    return f"postgres://postgres@127.0.0.1:5432/{name}", drop


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_two_imports_at_once_give_one_article_each_and_no_false_failure(kind, tmp_path):
    url, drop = _database_url(kind, tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    for seed in SEEDS.glob("*.txt"):
        (folder / seed.name).write_bytes(seed.read_bytes())
    # Another version of seed 003 (same source URL, other text): one of them wins, once.
    seed = SEEDS / "003_81ea59991d5bf172.txt"
    (folder / "zz_other_version.txt").write_text(
        seed.read_text(encoding="utf-8").replace("Luang Prabang", "Luông Pha-bang"),
        encoding="utf-8",
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "asean_archive.settings.test"}
    env["DATABASE_URL"] = url
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        command = [sys.executable, "manage.py", "import_articles", "--batch-size", "2", str(folder)]
        procs = [
            subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [proc.communicate(timeout=120) for proc in procs]
        for proc, (_out, err) in zip(procs, outputs, strict=True):
            assert proc.returncode == 0, err
            assert "error" not in err
        check = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup();"
                "from articles.models import Article as A;"
                "urls = A.objects.exclude(source_url='');"
                "print(A.objects.count(), urls.count(),"
                " urls.values('source_url').distinct().count())",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert check.stdout.split() == ["5", "2", "2"]
        created = sum(out.count(": created #") for out, _ in outputs)
        assert created == 5
    finally:
        drop()


def test_a_meeting_an_editor_made_is_found_not_duplicated():
    from articles.models import MeetingTag

    made = MeetingTag.objects.create(
        name="AMM 55 (Phnom Penh)", slug="hoi-nghi-amm-55", series="AMM", number=55, year=2022
    )
    run(SEEDS / "002_755a83d31bc7d8e8.txt")
    article = Article.objects.get()
    assert made in article.meetings.all()
    assert MeetingTag.objects.filter(series="AMM", number=55).count() == 1


def test_a_meeting_whose_slug_an_editor_took_gets_another_slug():
    from articles.models import MeetingTag

    MeetingTag.objects.create(name="Khác", slug="amm-55", series="SOM", year=2019)
    run(SEEDS / "002_755a83d31bc7d8e8.txt")
    meeting = Article.objects.get().meetings.get(series="AMM")
    assert (meeting.number, meeting.slug) == (55, "amm-55-2")


def test_search_columns_computed_by_the_workers_are_the_models_own():
    run(SEEDS)
    for article in Article.objects.all():
        stored = (article.search_text, article.search_folded)
        article.fill_search_columns()
        assert stored == (article.search_text, article.search_folded)


def test_batch_lookups_carry_the_partial_indexes_condition():
    # PostgreSQL proves a partial index's condition from an IN list of at most 100 values;
    # a batch of 500 must spell it out, or each batch scans the whole archive.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        run(SEEDS)
    lookups = [q["sql"] for q in queries if "IN (" in q["sql"] and "articles_article" in q["sql"]]
    hash_lookup = next(sql for sql in lookups if '"content_hash" IN' in sql)
    url_lookup = next(sql for sql in lookups if '"source_url" IN' in sql)
    assert "\"content_hash\" = ''" in hash_lookup and "ORDER BY" not in hash_lookup
    assert "\"source_url\" = ''" in url_lookup and "ORDER BY" not in url_lookup


def test_two_outlet_domains_with_one_slug_both_import(tmp_path):
    seed = (SEEDS / "000_70b5c8d6d0b5c278.txt").read_text(encoding="utf-8")
    for n, domain in enumerate(["tin-tuc.vn", "tin.tuc.vn"]):
        text = seed.replace("Theo dõi Baoquocte.vn trên", f"Copyright © {domain}") + f"\nBản {n}."
        (tmp_path / f"{n}.txt").write_text(text, encoding="utf-8")
    out, err = run(tmp_path)
    assert "2 created" in out, err
    slugs = set(
        Outlet.objects.filter(domain__in=["tin-tuc.vn", "tin.tuc.vn"]).values_list(
            "slug", flat=True
        )
    )
    assert slugs == {"tin-tuc-vn", "tin-tuc-vn-2"}


def _dying_prepare(job):
    """Stand in for the worker's function: die on one file, as an out-of-memory kill would."""
    from articles.management.commands.import_articles import _prepare_file

    if job[0].path.endswith("zzz_boom.txt"):
        os._exit(1)
    return _prepare_file(job)


@pytest.mark.django_db(transaction=True)  # the command closes its connection to fork
def test_a_worker_that_dies_fails_its_files_not_the_import(tmp_path, monkeypatch):
    from articles.management.commands import import_articles as command

    for seed in SEEDS.glob("*.txt"):
        (tmp_path / seed.name).write_bytes(seed.read_bytes())
    (tmp_path / "zzz_boom.txt").write_text("boom", encoding="utf-8")
    monkeypatch.setattr(command, "POOL_FUNCTION", _dying_prepare)
    out, err, message = run_failing(tmp_path, "--workers", "2", "--batch-size", "2")
    assert "zzz_boom.txt: error: a worker process died" in err
    # Files in flight beside it fail too, saying to import them again; the rest go in.
    failed = [line for line in err.splitlines() if ": error: " in line]
    assert all("import it again" in line for line in failed)
    assert out.count(": created #") + len(failed) == 6
    assert Article.objects.count() == out.count(": created #")
    assert "could not be imported" in message
    out, _ = run(tmp_path / "000_70b5c8d6d0b5c278.txt")  # importing again picks them up
    assert "created" in out or "unchanged" in out


def test_many_articles_with_one_headline_get_distinct_slugs_in_a_fixed_number_of_queries(
    tmp_path, vocabulary
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    seed = (SEEDS / "000_70b5c8d6d0b5c278.txt").read_text(encoding="utf-8")
    for n in range(25):
        (tmp_path / f"{n:02}.txt").write_text(seed + f"\nBản tin số {n}.", encoding="utf-8")
    with CaptureQueriesContext(connection) as queries:
        out, _ = run(tmp_path)
    assert "25 created" in out
    slugs = list(Article.objects.values_list("slug", flat=True))
    assert len(set(slugs)) == 25
    batch = [q for q in queries if "articles_article" in q["sql"] and "slug" in q["sql"]]
    assert len(batch) <= 4  # free slugs: one lookup, one for the highest suffix, not one each
