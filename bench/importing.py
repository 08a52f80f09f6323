"""Benchmark: importing raw article files (parse + tag speed, large files, memory, and
import_articles end to end on PostgreSQL over archives of 0 to 1,000,000 articles).

Usage:
    .venv/bin/python bench/importing.py                        # everything, defaults below
    .venv/bin/python bench/importing.py --files 500 --existing 0,100000
    .venv/bin/python bench/importing.py --skip-import --profile     # parse side only
    .venv/bin/python bench/importing.py --skip-parse --existing 1000000 --workers 4
    .venv/bin/python bench/importing.py --corpus /tmp/corpus --files 5000   # reuse a corpus

What it does:
1. Corpus: --files K raw article files (default 500) generated deterministically (--seed)
   from the real pages in fixtures/seeds and fixtures/samples (bench/corpus.py says how),
   ~3-6 KB each, every one a distinct article. --corpus DIR keeps it in DIR and reuses
   the files already there.
2. Parse + tag, in this process, no database, one core: what the importer does to a file
   before the database, i.e. articles.importing.prepare.prepare (decode, parse, tag,
   hash) where it exists, else decode_input + parse_article + tag_text (the importer
   before prepare()); ms per article (mean, p50, p95), decode + parse alone (a second
   pass when prepare() hides it), then ms per MB on single large pages (--big-sizes, MB,
   default 1,4,10), each in a subprocess killed after --big-timeout seconds (default 60):
   "> 60 s". --profile adds a cProfile of it over 200 articles (top 15).
3. End to end, for each --existing E (default 0,100000): a fresh PostgreSQL database
   bench_import_E (dropped first if there, dropped at the end unless --keep), migrated,
   the vocabulary loaded, E published articles with tags prefilled with SQL, ANALYZEd;
   then `manage.py import_articles --status published CORPUS` timed as a subprocess
   (files/s, and net of the command's fixed start-up cost, measured on an empty folder),
   then the same corpus again (every file "unchanged"), with the peak RSS of the process
   (its largest child process included). --workers N is passed through when given and
   the command accepts it. --queries N (default 20) imports N more files in-process and
   counts the queries per article and their share of the time.
   PostgreSQL: --pg-url (default postgres://postgres@127.0.0.1:5432, trust auth); only
   databases named bench_import_* are created or dropped.

The import subprocesses run manage.py's settings (asean_archive.settings.dev) with
DEBUG off (no query log) unless --debug. Prefilled rows hold short texts (title, lead,
one paragraph); the long texts of real rows would mostly live in TOAST, so the table's
main heap is of a realistic size. The output ends with a markdown section ready to
paste into bench/RESULTS.md. Numbers compare changes on one machine, not promises.
"""

import argparse
import contextlib
import cProfile
import datetime
import hashlib
import io
import json
import os
import platform
import pstats
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import CorpusGenerator  # noqa: E402

PYTHON = sys.executable
DB_PREFIX = "bench_import_"


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


# -- child processes ------------------------------------------------------------------


def run_child(cmd, *, env=None, timeout=None, cwd=ROOT):
    """Run ``cmd``; return dict(rc, seconds, maxrss_mb, stdout, stderr, timed_out).

    Peak RSS comes from wait4(): the process's own, or its largest waited-for child's.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=err)
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if timeout is not None and time.perf_counter() - start > timeout:
                timed_out = True
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {
            "rc": proc.returncode,
            "seconds": seconds,
            "maxrss_mb": usage.ru_maxrss / 1024,
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace"),
            "timed_out": timed_out,
        }


def setup_django(database_url=None):
    if database_url:
        # The database side runs the settings manage.py runs (DEBUG as the caller set it).
        os.environ["DATABASE_URL"] = database_url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asean_archive.settings.dev")
    else:
        # Parsing and tagging touch no database.
        os.environ["DATABASE_URL"] = "sqlite://:memory:"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asean_archive.settings.test")
    import django

    django.setup()


def parse_and_tag_fn():
    """Return (run, parse_only, api): what the importer does to a file before it touches
    the database, whichever importer this checkout has.

    ``run(data)`` -> (parsed, meetings, themes, total_s, parse_s or None); it raises
    ImportFailure for a file the importer refuses. ``parse_only(data)`` -> seconds to
    decode and parse. ``api`` names what ``run`` calls.
    """
    from articles.importing import ImportFailure, parse_article
    from articles.tagging import ThemeMatcher, theme_vocabulary_from_fixtures

    themes = ThemeMatcher(theme_vocabulary_from_fixtures())
    try:
        from articles.importing.decode import decode_input
    except ImportError:
        from articles.importing import decode_input
    try:
        from articles.importing.prepare import prepare
    except ImportError:
        prepare = None

    def parse_only(data):
        start = time.perf_counter()
        parse_article(decode_input(data))
        return time.perf_counter() - start

    if prepare is not None:
        # The importer's unit of work: decode, parse, tag and hash one file, no database.
        def run(data):
            start = time.perf_counter()
            prepared = prepare(data, "bench.txt", themes=themes)
            seconds = time.perf_counter() - start
            if prepared.error:
                raise ImportFailure(prepared.error)
            return prepared.parsed, prepared.meetings, prepared.themes, seconds, None

        return run, parse_only, "articles.importing.prepare.prepare (decode, parse, tag, hash)"

    from articles.tagging import tag_text

    def run(data):  # The calls services.article_import made before it had prepare().
        t0 = time.perf_counter()
        parsed = parse_article(decode_input(data))
        t1 = time.perf_counter()
        year = parsed.published_on.year if parsed.published_on else None
        meetings, found = tag_text(parsed.own_text(), article_year=year, themes=themes)
        return parsed, meetings, found, time.perf_counter() - t0, t1 - t0

    return run, parse_only, "decode_input + parse_article + tag_text"


def child_parse_file(path):
    """--_parse-file: parse + tag one (large) file; print a JSON line, then another with
    the parse time alone when it needs a second pass (the first survives a timeout)."""
    setup_django()
    run, parse_only, _ = parse_and_tag_fn()
    run((ROOT / "fixtures" / "samples" / "vov_amm56.txt").read_bytes())  # load rules, caches
    data = Path(path).read_bytes()
    parsed, meetings, themes, total_s, parse_s = run(data)
    result = {
        "total_s": total_s,
        "parse_s": parse_s,
        "paragraphs": len(parsed.paragraphs),
        "figures": len(parsed.figures),
        "meetings": len(meetings),
        "themes": len(themes),
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(json.dumps(result), flush=True)
    if parse_s is None:
        result["parse_s"] = parse_only(data)
        print(json.dumps(result), flush=True)


def _normalise_sql(sql):
    sql = re.sub(r"^SELECT .*? FROM", "SELECT … FROM", sql)
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"%s|\b\d+(?:\.\d+)?\b", "?", sql)
    sql = re.sub(r"\(\?(?:, \?)+\)", "(…)", sql)
    sql = re.sub(r'"?s\d+_x\d+"?', "sp", sql)
    return sql


def child_count_queries(folder, status, profile):
    """--_count-queries: run import_articles in-process on ``folder`` with every statement
    timed (BEGIN and COMMIT too); print JSON: queries per article by kind, the costliest
    statements, and the share of the time spent waiting on the database."""
    setup_django(os.environ["DATABASE_URL"])
    from contextlib import contextmanager

    import django.db.backends.base.base as backend_base
    from django.core.management import call_command
    from django.db import connection

    records = []

    def timed_execute(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            records.append((sql, time.perf_counter() - start))

    original = backend_base.debug_transaction

    @contextmanager
    def timed_transaction(conn, sql):
        start = time.perf_counter()
        try:
            with original(conn, sql):
                yield
        finally:
            records.append((sql, time.perf_counter() - start))

    backend_base.debug_transaction = timed_transaction
    empty = tempfile.mkdtemp(prefix="bench_import_empty_")
    files = sorted(p for p in Path(folder).iterdir() if p.is_file())

    def command(path):
        call_command("import_articles", str(path), status=status, verbosity=0, stdout=io.StringIO())

    with connection.execute_wrapper(timed_execute):
        command(empty)
        fixed = len(records)
        records.clear()
        profiler = cProfile.Profile() if profile else None
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        command(folder)
        if profiler:
            profiler.disable()
        wall = time.perf_counter() - start
    shutil.rmtree(empty, ignore_errors=True)
    per_file = records[fixed:]  # the run's fixed queries come first
    kinds, statements = {}, {}
    for sql, seconds in per_file:
        kind = sql.split(None, 1)[0].upper()
        kinds[kind] = kinds.get(kind, 0) + 1
        key = _normalise_sql(sql)[:200]
        count, total = statements.get(key, (0, 0.0))
        statements[key] = (count + 1, total + seconds)
    db_s = sum(seconds for _, seconds in records)
    top = sorted(statements.items(), key=lambda kv: -kv[1][1])[:15]
    result = {
        "files": len(files),
        "fixed_queries": fixed,
        "queries": len(per_file),
        "per_article": len(per_file) / max(1, len(files)),
        "kinds": kinds,
        "wall_s": wall,
        "db_s": db_s,
        "top": [{"sql": k, "count": c, "ms": t * 1000} for k, (c, t) in top],
    }
    if profiler:
        buf = io.StringIO()
        pstats.Stats(profiler, stream=buf).sort_stats("cumulative").print_stats(25)
        result["profile"] = buf.getvalue()
    print(json.dumps(result, ensure_ascii=False))


# -- machine ------------------------------------------------------------------------------


def machine_info(pg):
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    ram = "?"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            ram = f"{int(line.split()[1]) / 1024 / 1024:.0f} GB"
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "log", "-1", "--format=%h"], capture_output=True, text=True
    ).stdout.strip() or os.environ.get("BENCH_COMMIT", "unknown (not a git checkout)")
    dirty = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--", "articles", "asean_archive"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    pg_version = "not used"
    if pg:
        try:
            pg_version = pg.sql("postgres", "SHOW server_version").strip()
        except Exception as exc:
            pg_version = f"unreachable ({exc})"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram": ram,
        "python": platform.python_version(),
        "postgresql": pg_version,
        "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "commit": commit + (" + uncommitted changes in articles/" if dirty else ""),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


# -- PostgreSQL -----------------------------------------------------------------------------


class Postgres:
    def __init__(self, url):
        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = str(parts.port or 5432)
        self.user = parts.username or "postgres"
        self.password = parts.password
        self.env = dict(os.environ)
        if self.password:
            self.env["PGPASSWORD"] = self.password
        self.env["PGOPTIONS"] = "-c client_min_messages=warning"  # no "does not exist, skipping"

    def url(self, db):
        auth = self.user + (f":{self.password}" if self.password else "")
        return f"postgres://{auth}@{self.host}:{self.port}/{db}"

    def _conn(self):
        return ["-h", self.host, "-p", self.port, "-U", self.user]

    def sql(self, db, sql):
        cmd = ["psql", *self._conn(), "-d", db, "-v", "ON_ERROR_STOP=1", "-q", "-At", "-c", sql]
        done = subprocess.run(cmd, env=self.env, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"psql failed: {done.stderr.strip()}")
        return done.stdout

    def script(self, db, sql):
        cmd = ["psql", *self._conn(), "-d", db, "-v", "ON_ERROR_STOP=1", "-q", "-At"]
        done = subprocess.run(cmd, input=sql, env=self.env, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"psql failed: {done.stderr.strip()}")
        return done.stdout

    def recreate(self, db):
        assert db.startswith(DB_PREFIX), db
        self.drop(db)
        subprocess.run(["createdb", *self._conn(), db], env=self.env, check=True)

    def drop(self, db):
        assert db.startswith(DB_PREFIX), db
        subprocess.run(
            ["dropdb", *self._conn(), "--if-exists", "--force", db], env=self.env, check=True
        )


def prefill_sql(existing, generator):
    """SQL that adds ``existing`` published articles, each with two meetings and two
    themes, to a migrated database whose vocabulary is loaded."""
    samples = []
    for k, template in enumerate(generator.templates):
        paragraphs = [p for p in generator.paragraphs if len(p) < 700] or generator.paragraphs
        lead = paragraphs[(3 * k) % len(paragraphs)][:300]
        body = paragraphs[(3 * k + 1) % len(paragraphs)]
        samples.append((k, template.title, lead, body))

    def lit(text):
        return "'" + text.replace("'", "''") + "'"

    values = ",\n".join(f"({k}, {lit(t)}, {lit(ld)}, {lit(b)})" for k, t, ld, b in samples)
    return f"""
SET synchronous_commit = off;
SET maintenance_work_mem = '512MB';
CREATE TEMP TABLE bench_text (k int, title text, lead text, body text);
INSERT INTO bench_text VALUES
{values};
INSERT INTO articles_meetingtag (name, slug, series, number, year, partner, place,
    published_count)
SELECT 'Hội nghị lưu trữ ' || k, 'bench-meeting-' || k, 'AMM', k, 1990 + k % 35, '', '', 0
FROM generate_series(1, 200) AS k;
INSERT INTO articles_article (title, slug, lead, body, author, outlet_id, source_url,
    published_on, status, created_at, updated_at, raw_text, source_file, content_hash,
    search_text, search_folded, search_words, search_pairs, trashed_from)
SELECT 'Bài lưu trữ ' || i || ': ' || t.title,
       'bai-luu-tru-' || i,
       t.lead,
       t.body || ' Mã ' || md5(i::text) || '.',
       'Phóng viên ' || (i % 97),
       o.ids[1 + i % cardinality(o.ids)],
       CASE WHEN i % 3 = 0 THEN '' ELSE 'https://archive.example.vn/bai-' || i || '.html' END,
       DATE '2005-01-01' + (i % 7300),
       'published', now(), now(),
       'Bài lưu trữ ' || i || ': ' || t.title || E'\\n' || t.lead || E'\\n\\n' || t.body,
       'prefill_' || i || '.txt',
       encode(sha256(('bench-prefill-' || i)::bytea), 'hex'),
       ' ' || lower(t.title || ' ' || t.lead || ' ' || t.body) || ' ',
       ' ' || lower(t.title || ' ' || t.lead) || ' ' || md5(i::text) || ' ',
       '', '', ''  -- the word and pair columns: not searched by an import
FROM generate_series(1, {existing}) AS i
CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM articles_outlet) AS o
JOIN bench_text AS t ON t.k = i % (SELECT count(*) FROM bench_text);
INSERT INTO articles_taggedtheme (content_object_id, tag_id)
SELECT a.id, th.ids[1 + a.id % th.n] FROM articles_article AS a,
       (SELECT array_agg(id ORDER BY id) AS ids, count(*)::int AS n FROM articles_themetag) AS th
UNION ALL
SELECT a.id, th.ids[1 + (a.id + 1 + (a.id / th.n) % (th.n - 1)) % th.n]
FROM articles_article AS a,
     (SELECT array_agg(id ORDER BY id) AS ids, count(*)::int AS n FROM articles_themetag) AS th;
INSERT INTO articles_taggedmeeting (content_object_id, tag_id)
SELECT a.id, m.ids[1 + a.id % m.n] FROM articles_article AS a,
       (SELECT array_agg(id ORDER BY id) AS ids, count(*)::int AS n
        FROM articles_meetingtag WHERE slug LIKE 'bench-meeting-%') AS m
UNION ALL
SELECT a.id, m.ids[1 + (a.id + 1 + (a.id / m.n) % (m.n - 1)) % m.n]
FROM articles_article AS a,
     (SELECT array_agg(id ORDER BY id) AS ids, count(*)::int AS n
      FROM articles_meetingtag WHERE slug LIKE 'bench-meeting-%') AS m;
"""


# -- the benchmarks ---------------------------------------------------------------------------


def make_corpus(args, generator):
    if args.corpus:
        folder = Path(args.corpus)
    else:
        folder = Path(tempfile.mkdtemp(prefix="bench_import_corpus_"))
    folder.mkdir(parents=True, exist_ok=True)
    have = sorted(folder.glob("article_*.txt"))
    start = time.perf_counter()
    if len(have) < args.files:
        generator.write(folder, args.files - len(have), start=len(have))
    files = sorted(folder.glob("article_*.txt"))[: args.files]
    if len(files) < len(sorted(folder.glob("article_*.txt"))):
        # A reused, larger corpus: import exactly K files, from a folder of links.
        sub = Path(tempfile.mkdtemp(prefix="bench_import_subset_"))
        for path in files:
            (sub / path.name).symlink_to(path.resolve())
        folder = sub
        files = sorted(folder.glob("article_*.txt"))
    seconds = time.perf_counter() - start
    sizes = [p.stat().st_size for p in files]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return folder, files, sizes, seconds, digest.hexdigest()[:12]


def bench_parse(files, args):
    run, parse_only, api = parse_and_tag_fn()
    from articles.importing import ImportFailure

    for path in files[:5]:  # rules, catalogue, compiled patterns
        with contextlib.suppress(ImportFailure):
            run(path.read_bytes())

    total, parse, rest = [], [], []
    failed, dated, outlet, source, meetings, themes = 0, 0, 0, 0, 0, 0
    separate = False
    for path in files:
        data = path.read_bytes()
        try:
            parsed, m, t, total_s, parse_s = run(data)
        except ImportFailure as exc:
            failed += 1
            log(f"  {path.name}: {exc}")
            continue
        if parse_s is None:  # parse alone needs a second pass
            separate = True
            parse_s = parse_only(data)
        total.append(total_s * 1000)
        parse.append(parse_s * 1000)
        rest.append(max(0.0, total_s - parse_s) * 1000)
        dated += parsed.published_on is not None
        outlet += parsed.outlet is not None
        source += bool(parsed.source_url)
        meetings += len(m)
        themes += len(t)
    ok = max(1, len(total))
    result = {
        "api": api,
        "separate": separate,
        "total": total,
        "parse": parse,
        "tag": rest,
        "failed": failed,
        "dated": dated / ok,
        "outlet": outlet / ok,
        "source": source / ok,
        "meetings": meetings / ok,
        "themes": themes / ok,
    }
    if args.profile:
        profiler = cProfile.Profile()
        sample = [p.read_bytes() for p in files[:200]]
        profiler.enable()
        for data in sample:
            with contextlib.suppress(ImportFailure):
                run(data)
        profiler.disable()
        buf = io.StringIO()
        stats = pstats.Stats(profiler, stream=buf)
        stats.sort_stats("cumulative").print_stats(15)
        stats.sort_stats("tottime").print_stats(15)
        result["profile"] = (len(sample), buf.getvalue())
    return result


def bench_big(generator, args, workdir):
    rows = []
    for mb in args.big_sizes:
        path = workdir / f"big_{mb:g}MB.txt"
        if not path.exists():
            path.write_text(generator.big_article(int(mb * 1024 * 1024), n=int(mb * 10)))
        size_mb = path.stat().st_size / 1024 / 1024
        log(f"  parsing a {size_mb:.1f} MB page (timeout {args.big_timeout:g} s)")
        child = run_child(
            [PYTHON, __file__, "--_parse-file", str(path)],
            env=child_env(None, args),
            timeout=args.big_timeout,
        )
        row = {"mb": size_mb, "timed_out": child["timed_out"], "rss": child["maxrss_mb"]}
        if child["timed_out"]:
            row["error"] = f"> {args.big_timeout:g} s"
        elif child["rc"]:
            row["error"] = "failed: " + (child["stderr"].strip().splitlines() or ["?"])[-1][:120]
        lines = [line for line in child["stdout"].splitlines() if line.startswith("{")]
        if lines:  # the last complete line: the parse-alone pass may have been cut short
            row.update(json.loads(lines[-1]))
            row.pop("error", None)
            row["timed_out"] = False
            if child["timed_out"]:
                row["parse_note"] = f"> {args.big_timeout:g} s"
        rows.append(row)
        if row.get("error"):
            log("  (larger pages skipped: this one timed out)")
            for bigger in [m for m in args.big_sizes if m > mb]:
                rows.append({"mb": bigger, "timed_out": True, "error": "not run", "rss": None})
            break
    return rows


def child_env(database_url, args):
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["PYTHONHASHSEED"] = "0"
    if database_url:
        env["DATABASE_URL"] = database_url
        env["DEBUG"] = "1" if args.debug else "0"
        env.setdefault("SECRET_KEY", "bench-importing-not-secret")
    else:
        env.pop("DATABASE_URL", None)
    return env


def import_cmd(paths, args, supports_workers):
    cmd = [PYTHON, "manage.py", "import_articles", "--status", "published"]
    if args.workers and supports_workers:
        cmd += ["--workers", str(args.workers)]
    return cmd + [str(p) for p in paths]


def summary_of(child):
    lines = [line for line in child["stdout"].splitlines() if "file(s):" in line]
    errors = [line for line in child["stderr"].splitlines() if "error" in line.lower()]
    text = lines[-1] if lines else f"exit {child['rc']}"
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return text, errors


def bench_import(existing, folder, nfiles, generator, pg, args, supports_workers):
    db = f"{DB_PREFIX}{existing}"
    url = pg.url(db)
    env = child_env(url, args)
    row = {"existing": existing}
    log(f"[import] {db}: create, migrate")
    pg.recreate(db)
    try:
        child = run_child([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env=env)
        if child["rc"]:
            raise RuntimeError("migrate failed:\n" + child["stderr"])
        child = run_child([PYTHON, "manage.py", "load_vocabulary", "-v", "0"], env=env)
        if child["rc"]:
            raise RuntimeError("load_vocabulary failed:\n" + child["stderr"])
        log(f"[import] {db}: prefill {existing:,} articles")
        start = time.perf_counter()
        if existing:
            pg.script(db, prefill_sql(existing, generator))
        pg.sql(db, "VACUUM ANALYZE")
        pg.sql(db, "CHECKPOINT")
        row["prefill_s"] = time.perf_counter() - start
        row["heap_mb"] = (
            int(pg.sql(db, "SELECT pg_relation_size('articles_article')").strip()) / 1024 / 1024
        )
        row["total_mb"] = (
            int(pg.sql(db, "SELECT pg_database_size(current_database())").strip()) / 1024 / 1024
        )
        count = int(pg.sql(db, "SELECT count(*) FROM articles_article").strip())
        log(
            f"[import] {db}: {count:,} articles, {row['total_mb']:.0f} MB, "
            f"prefill {row['prefill_s']:.1f} s"
        )

        empty = Path(tempfile.mkdtemp(prefix="bench_import_empty_"))
        startup = run_child(import_cmd([empty], args, supports_workers), env=env)
        row["startup_s"] = startup["seconds"]
        for key in ("first", "second"):
            log(f"[import] {db}: {key} run of {nfiles} files")
            child = run_child(
                import_cmd([folder], args, supports_workers), env=env, timeout=args.import_timeout
            )
            text, errors = summary_of(child)
            if child["timed_out"]:
                text = f"killed after {args.import_timeout:g} s"
            for line in errors[:5]:
                log("   ", line)
            net = child["seconds"] - row["startup_s"]
            row[key] = {
                "seconds": child["seconds"],
                "files_s": nfiles / child["seconds"],
                "net_files_s": nfiles / net if net > 0 else float("nan"),
                "rss": child["maxrss_mb"],
                "summary": text,
                "rc": child["rc"],
            }
            log(f"    {text}: {child['seconds']:.1f} s, {nfiles / child['seconds']:.1f} files/s")
            if child["timed_out"]:
                break
        if args.queries:
            qdir = Path(tempfile.mkdtemp(prefix="bench_import_queries_"))
            generator.write(qdir, args.queries, start=5_000_000)
            qenv = dict(env)
            if args.profile:
                qenv["BENCH_PROFILE"] = "1"
            child = run_child([PYTHON, __file__, "--_count-queries", str(qdir)], env=qenv)
            if child["rc"]:
                log("[import] query count failed:", child["stderr"][-2000:])
            else:
                row["queries"] = json.loads(child["stdout"].strip().splitlines()[-1])
            shutil.rmtree(qdir, ignore_errors=True)
        shutil.rmtree(empty, ignore_errors=True)
    finally:
        if not args.keep:
            pg.drop(db)
    return row


# -- report -----------------------------------------------------------------------------------


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q * len(values)) - 1))]


def report(info, args, corpus, parse, big, imports, supports_workers):
    _, files, sizes, _, fingerprint = corpus
    out = []
    w = out.append
    w(f"### Import benchmark, {info['date']}, commit {info['commit']}")
    w("")
    w(
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['ram']} RAM; Python "
        f"{info['python']}; PostgreSQL {info['postgresql']}; load average at start "
        f"{info['load']}, at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
        "(other work on the machine skews the numbers)."
    )
    if sizes:
        w(
            f"Corpus: {len(files)} files (seed {args.seed}), "
            f"{statistics.mean(sizes) / 1024:.1f} KB mean, "
            f"{statistics.median(sizes) / 1024:.1f} KB median, "
            f"{min(sizes) / 1024:.1f}-{max(sizes) / 1024:.1f} KB, fingerprint {fingerprint}."
        )
    w("")
    w("Command: `" + " ".join(["python bench/importing.py", *sys.argv[1:]]) + "`")
    if parse:
        w("")
        w("#### Parse + tag, in-process, no database, one core")
        w("")
        w(f"Timed: `{parse['api']}`.")
        w("")
        w("| ms per article | mean | p50 | p95 | max |")
        w("|---|---:|---:|---:|---:|")
        if parse["separate"]:
            labels = (
                ("parse + tag", "total"),
                ("decode + parse (second pass)", "parse"),
                ("the rest: tag, hash (difference)", "tag"),
            )
        else:
            labels = (("parse + tag", "total"), ("decode + parse", "parse"), ("tag", "tag"))
        for label, key in labels:
            v = parse[key]
            if v:
                w(
                    f"| {label} | {statistics.mean(v):.2f} | {pct(v, 0.5):.2f} | "
                    f"{pct(v, 0.95):.2f} | {max(v):.2f} |"
                )
        w("")
        w(
            f"Parsed {len(parse['total'])}/{len(files)} files ({parse['failed']} refused); "
            f"dated {parse['dated']:.0%}, outlet recognised {parse['outlet']:.0%}, source URL "
            f"{parse['source']:.0%}; {parse['meetings']:.1f} meetings and {parse['themes']:.1f} "
            f"themes per article. Throughput on one core: "
            f"{1000 / statistics.mean(parse['total']) if parse['total'] else 0:.0f} articles/s."
        )
    if big:
        w("")
        w("| one large page | parse + tag | decode + parse | the rest | ms per MB | peak RSS |")
        w("|---|---:|---:|---:|---:|---:|")
        for row in big:
            if row.get("error"):
                rss = "" if row["rss"] is None else f"{row['rss']:.0f} MB"
                w(f"| {row['mb']:.1f} MB | {row['error']} | | | | {rss} |")
            else:
                total, parse_s = row["total_s"], row.get("parse_s")
                if parse_s is None:
                    parse_cell, rest_cell = row.get("parse_note", "-"), "-"
                else:
                    parse_cell = f"{parse_s:.2f} s"
                    rest_cell = f"{max(0.0, total - parse_s):.2f} s"
                w(
                    f"| {row['mb']:.1f} MB ({row['paragraphs']} paragraphs) | {total:.2f} s | "
                    f"{parse_cell} | {rest_cell} | "
                    f"{total * 1000 / row['mb']:.0f} | {row['rss']:.0f} MB |"
                )
    if imports:
        w("")
        workers = args.workers if (args.workers and supports_workers) else 1
        note = ""
        if args.workers and not supports_workers:
            note = f" (--workers {args.workers} asked, but import_articles has no --workers yet)"
        w(
            f"#### `import_articles --status published`, {len(files)} files, PostgreSQL, "
            f"workers: {workers}{note}"
        )
        w("")
        w(
            "| existing articles | prefill (SQL) | DB size | first import: files/s | net of "
            "start-up | peak RSS | re-import (unchanged): files/s | net | queries/article "
            "| DB share |"
        )
        w("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for row in imports:
            first, second = row.get("first"), row.get("second")
            q = row.get("queries")

            def cell(run, key, fmt):
                return format(run[key], fmt) if run else "-"

            w(
                f"| {row['existing']:,} | {row['prefill_s']:.0f} s | {row['total_mb']:.0f} MB | "
                f"{cell(first, 'files_s', '.1f')} | {cell(first, 'net_files_s', '.1f')} | "
                f"{cell(first, 'rss', '.0f')} MB | {cell(second, 'files_s', '.1f')} | "
                f"{cell(second, 'net_files_s', '.1f')} | "
                f"{q['per_article']:.1f} | {q['db_s'] / q['wall_s']:.0%} |"
                if q
                else f"| {row['existing']:,} | {row['prefill_s']:.0f} s | {row['total_mb']:.0f} MB"
                f" | {cell(first, 'files_s', '.1f')} | {cell(first, 'net_files_s', '.1f')} | "
                f"{cell(first, 'rss', '.0f')} MB | {cell(second, 'files_s', '.1f')} | "
                f"{cell(second, 'net_files_s', '.1f')} | - | - |"
            )
        w("")
        startup = ", ".join(f"{r['existing']:,}: {r['startup_s']:.2f} s" for r in imports)
        w(f"Start-up of the command (empty folder): {startup}. Outcomes:")
        for row in imports:
            parts = [
                f"{k}: {row[k]['summary']} in {row[k]['seconds']:.1f} s"
                for k in ("first", "second")
                if row.get(k)
            ]
            w(f"- {row['existing']:,} existing: " + "; ".join(parts))
        if any(r.get("queries") for r in imports):
            w("")
            w(
                "Queries per imported article (in-process, `--queries` files, fixed per-run "
                "queries excluded):"
            )
            for row in imports:
                q = row.get("queries")
                if not q:
                    continue
                kinds = ", ".join(
                    f"{k} {v / q['files']:.1f}" for k, v in sorted(q["kinds"].items())
                )
                w(
                    f"- {row['existing']:,} existing: {q['per_article']:.1f} queries/article "
                    f"({kinds}); {q['fixed_queries']} per run; DB time {q['db_s']:.2f} s of "
                    f"{q['wall_s']:.2f} s for {q['files']} files"
                )
    return "\n".join(out)


def details(parse, imports):
    out = []
    if parse and parse.get("profile"):
        n, text = parse["profile"]
        out.append(f"cProfile of parse + tag over {n} articles:\n{text}")
    for row in imports:
        q = row.get("queries")
        if not q:
            continue
        out.append(f"Costliest statements, {row['existing']:,} existing, {q['files']} files:")
        for s in q["top"]:
            out.append(f"  {s['count']:5d}x {s['ms']:9.1f} ms  {s['sql']}")
        if q.get("profile"):
            out.append(
                f"cProfile of import_articles, {row['existing']:,} existing:\n{q['profile']}"
            )
    return "\n".join(out)


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "--_parse-file":
        return child_parse_file(sys.argv[2])
    if len(sys.argv) >= 3 and sys.argv[1] == "--_count-queries":
        return child_count_queries(sys.argv[2], "published", bool(os.environ.get("BENCH_PROFILE")))

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=500, help="corpus size K (default 500)")
    parser.add_argument("--corpus", help="folder to keep the corpus in and reuse")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--existing",
        default="0,100000",
        help="comma-separated archive sizes to import into (default 0,100000)",
    )
    parser.add_argument("--workers", type=int, help="passed to import_articles when it has it")
    parser.add_argument("--skip-parse", action="store_true")
    parser.add_argument("--skip-big", action="store_true", help="skip the large pages")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument(
        "--big-sizes",
        default="1,4,10",
        type=lambda s: [float(x) for x in s.split(",") if x],
        help="large page sizes in MB (default 1,4,10)",
    )
    parser.add_argument("--big-timeout", type=float, default=60)
    parser.add_argument("--import-timeout", type=float, default=3600)
    parser.add_argument("--queries", type=int, default=20, help="files for the query count")
    parser.add_argument("--profile", action="store_true", help="cProfile parse+tag and import")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true", help="keep the bench_import_* databases")
    parser.add_argument("--debug", action="store_true", help="DEBUG=1 for the import commands")
    args = parser.parse_args()
    existing = [int(x.replace("_", "")) for x in args.existing.split(",") if x.strip()]

    pg = None if args.skip_import else Postgres(args.pg_url)
    info = machine_info(pg)
    log(f"commit {info['commit']}, load {info['load']}")
    generator = CorpusGenerator(seed=args.seed)
    corpus = make_corpus(args, generator)
    folder, files, _, gen_s, _ = corpus
    log(f"corpus: {len(files)} files in {folder} ({gen_s:.1f} s)")

    setup_django()
    parse_result, big_rows, imports = None, [], []
    if not args.skip_parse:
        log("[parse] parse + tag over the corpus")
        parse_result = bench_parse(files, args)
        if not args.skip_big:
            workdir = Path(tempfile.mkdtemp(prefix="bench_import_big_"))
            big_rows = bench_big(generator, args, workdir)
            shutil.rmtree(workdir, ignore_errors=True)

    supports_workers = False
    if not args.skip_import:
        help_text = run_child(
            [PYTHON, "manage.py", "import_articles", "--help"], env=child_env("sqlite://", args)
        )["stdout"]
        supports_workers = "--workers" in help_text
        if args.workers and not supports_workers:
            log("note: import_articles has no --workers option yet; running without it")
        for e in existing:
            try:
                imports.append(
                    bench_import(e, folder, len(files), generator, pg, args, supports_workers)
                )
            except Exception as exc:
                log(f"[import] {e:,} existing: FAILED: {exc}")

    text = report(info, args, corpus, parse_result, big_rows, imports, supports_workers)
    extra = details(parse_result, imports)
    print(text)
    if extra:
        print("\n<details><summary>Profiles</summary>\n\n```\n" + extra + "\n```\n</details>")
    if not args.corpus or folder != Path(args.corpus):
        shutil.rmtree(folder, ignore_errors=True)  # the generated corpus, or the subset links


if __name__ == "__main__":
    main()
