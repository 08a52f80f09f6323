"""Benchmark: every public page and API endpoint over a generated archive, cache cold.

Usage (from the project root):

    # PostgreSQL: the database is created empty once (createdb), then filled here
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_20k \\
        .venv/bin/python bench/site.py --articles 20000
    # SQLite: a file
    DATABASE_URL=sqlite:////tmp/bench/bench_20k.sqlite3 \\
        .venv/bin/python bench/site.py --articles 20000
    # measure again without rebuilding (the database must hold exactly that corpus)
    ... bench/site.py --articles 20000 --reuse [--repeat 30] [--json path.json]

One run applies the migrations, builds the archive with ``generate_corpus`` (N published
articles and N // 10 drafts; ``--reuse`` keeps a database that already holds N generated
published articles), picks real URLs from the data (the most and the least common theme,
the busiest meeting and outlet, a tagged article, the newest month), then requests each
URL of ``probes()`` with Django's test client in this process: one warm-up, then
``--repeat`` timed requests (20; at least 5, fewer once ``--seconds`` are spent on one
URL), the cache cleared before each one (cache cold). For each it reports the status, the
query count, p50/p95/p99, and the *floor*: the SQL that request ran, re-executed through
the same driver and fetched (p50 of up to 7 runs), with the ratio p50 / floor. Then it
tops the requests up to ``--memory-requests`` (1,000) and reports the process's resident
memory (VmRSS, VmHWM from /proc/self/status).

It prints a table and writes JSON (``bench/results/<vendor>-<N>-<date>.json`` unless
``--json``). A URL that fails is reported with its status, never stops the run. The
request list is ``probes()``; the CI smoke test (tests/test_bench_smoke.py) runs the same
list against the query budgets of ``bench/query_budget.json``. Numbers compare changes on
one machine; they are not promises.
"""

import argparse
import contextlib
import datetime
import json
import logging
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BUDGET_FILE = ROOT / "bench" / "query_budget.json"
TARGET_P95_MS = 50.0
MIN_RUNS = 5
FLOOR_RUNS = 7


@dataclass(frozen=True)
class Sample:
    """Real values from the generated data that the URLs are built from."""

    article: str  # a published article's slug, with meetings and themes
    meeting: str  # the meeting with the most articles
    common_theme: str
    rare_theme: str
    outlet: str
    series: str
    year: int
    month: int


@dataclass(frozen=True)
class Probe:
    name: str
    url: str


def probes(sample: Sample, sitemaps: list[str] | None = None) -> list[Probe]:
    """Return every request the benchmark times (and the smoke test budgets), by name."""
    s = sample

    def q(path, **params):
        return f"{path}?{urlencode(params)}"

    api = "/api/v1/articles/"
    pages = [
        Probe("home", "/"),
        Probe("article", f"/bai-viet/{s.article}/"),
        Probe("meeting index", "/hoi-nghi/"),
        Probe("meeting page", f"/hoi-nghi/{s.meeting}/"),
        Probe("theme index", "/chu-de/"),
        Probe("theme page, common", f"/chu-de/{s.common_theme}/"),
        Probe("theme page, rare", f"/chu-de/{s.rare_theme}/"),
        Probe("theme page, page 500", q(f"/chu-de/{s.common_theme}/", page=500)),
        # The deepest page each window opens (pagination.py): 50 of a tag, 500 of a year.
        Probe("theme page, page 50", q(f"/chu-de/{s.common_theme}/", page=50)),
        Probe("archive year, page 500", q(f"/luu-tru/{s.year}/", page=500)),
        Probe("outlet index", "/bao/"),
        Probe("outlet page", f"/bao/{s.outlet}/"),
        Probe("archive index", "/luu-tru/"),
        Probe("archive year", f"/luu-tru/{s.year}/"),
        Probe("archive month", f"/luu-tru/{s.year}/{s.month}/"),
        Probe("search form", "/search/"),
        Probe("search bien dong", q("/search/", q="bien dong")),
        Probe("search Biển Đông", q("/search/", q="Biển Đông")),
        Probe("search phrase", q("/search/", q='"an ninh hàng hải"')),
        Probe("search word start", q("/search/", q="Indo")),
        Probe("search ASEAN", q("/search/", q="ASEAN")),
        Probe("search ASEAN, page 500", q("/search/", q="ASEAN", page=500)),
        Probe("search ASEAN, page 25", q("/search/", q="ASEAN", page=25)),
        Probe("search + theme", q("/search/", q="bien dong", theme=s.common_theme)),
        Probe("search ASEAN + meeting", q("/search/", q="ASEAN", meeting=s.meeting)),
        Probe("search theme only", q("/search/", theme=s.rare_theme)),
        Probe("feed", "/feed/"),
        Probe("theme feed", f"/chu-de/{s.common_theme}/feed/"),
        Probe("meeting feed", f"/hoi-nghi/{s.meeting}/feed/"),
        Probe("sitemap.xml", "/sitemap.xml"),
    ]
    for n, url in enumerate(sitemaps or []):
        pages.append(Probe("sitemap section" if n == 0 else "sitemap deep section", url))
    dates = {"published_after": f"{s.year}-01-01", "published_before": f"{s.year}-12-31"}
    filters = {
        "meeting": {"meeting": s.meeting},
        "theme": {"theme": s.common_theme},
        "rare theme": {"theme": s.rare_theme},
        "outlet": {"outlet": s.outlet},
        "series": {"series": s.series},
        "dates": dates,
        "year": {"year": s.year},
    }
    apis = [Probe("API list", api)]
    apis += [Probe(f"API {name}", q(api, **params)) for name, params in filters.items()]
    apis += [
        Probe(f"API q + {name}", q(api, q="bien dong", **params))
        for name, params in filters.items()
    ]
    apis += [
        Probe("API q bien dong", q(api, q="bien dong")),
        Probe("API q Biển Đông", q(api, q="Biển Đông")),
        Probe("API q ASEAN", q(api, q="ASEAN")),
        Probe("API q, newest first", q(api, q="bien dong", ordering="-published_on")),
        Probe("API q ASEAN, oldest first", q(api, q="ASEAN", ordering="published_on")),
        Probe("API page 500", q(api, page=500)),
        Probe("API page 50", q(api, page=50)),
        Probe("API detail", f"{api}{s.article}/"),
        Probe("API related", f"{api}{s.article}/related/"),
        Probe("API meetings", "/api/v1/meetings/"),
        Probe("API themes", "/api/v1/themes/"),
        Probe("API outlets", "/api/v1/outlets/"),
    ]
    return pages + apis


def pick_sample() -> Sample:
    """Choose the URLs' values from the data (counts over the whole archive: setup only)."""
    from django.db.models import Count, Q

    from articles.models import Article, MeetingTag, Outlet, ThemeTag

    published = Q(tagged_items__content_object__status=Article.Status.PUBLISHED)
    themes = list(
        ThemeTag.objects.annotate(n=Count("tagged_items", filter=published))
        .filter(n__gt=0)
        .order_by("-n", "slug")
        .values_list("slug", flat=True)
    )
    meeting = (
        MeetingTag.objects.annotate(n=Count("tagged_items", filter=published))
        .order_by("-n", "slug")
        .values_list("slug", "series")
        .first()
    ) or ("amm-54", "AMM")
    outlet = (
        Outlet.objects.annotate(
            n=Count("articles", filter=Q(articles__status=Article.Status.PUBLISHED))
        )
        .order_by("-n", "slug")
        .values_list("slug", flat=True)
        .first()
    ) or "none"
    newest = Article.objects.published().exclude(published_on=None).order_by("-published_on")
    last = newest.values_list("published_on", flat=True).first() or datetime.date(2026, 1, 1)
    tagged = Article.objects.published().filter(
        themes__slug=themes[0] if themes else "", meetings__slug=meeting[0]
    )
    article = (
        tagged.order_by("id").values_list("slug", flat=True).first()
        or Article.objects.published().order_by("id").values_list("slug", flat=True).first()
        or "none"
    )
    return Sample(
        article=article,
        meeting=meeting[0],
        common_theme=themes[0] if themes else "none",
        rare_theme=themes[-1] if themes else "none",
        outlet=outlet,
        series=meeting[1],
        year=last.year,
        month=last.month,
    )


_LOC = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>")


def sitemap_sections(client) -> list[str]:
    """Return the first and the last articles section of the sitemap index (the first and
    the last section if none is of articles; none if the sitemap is no index)."""
    response = client.get("/sitemap.xml")
    body = response.content.decode("utf-8", "replace") if response.status_code == 200 else ""
    if "<sitemapindex" not in body:
        return []
    urls = []
    for loc in _LOC.findall(body):
        parts = urlsplit(loc)
        urls.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    urls = [url for url in urls if "article" in url] or urls
    return [urls[0], urls[-1]] if len(urls) > 1 else urls


# -- measuring -----------------------------------------------------------------------


@dataclass
class Result:
    name: str
    url: str
    status: int = 0
    queries: int = 0
    p50: float = 0.0
    p95: float = 0.0
    p99: float = 0.0
    floor: float = 0.0
    ratio: float = 0.0
    runs: int = 0
    error: str = ""


def percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile (p95 of 20 runs is the 19th fastest)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))  # ceil
    return ordered[int(rank) - 1]


def request(client, url):
    """Make one cold request; return the response and the SQL it ran."""
    make_cold()
    return fetch(client, url)


def make_cold():
    """Empty the cache (cold pages), with the next scheduled moment known, as after any
    earlier request (it is looked up once per RECHECK_SECONDS and after a window is saved:
    articles/schedule.py); not part of a timed request."""
    from django.core.cache import cache

    from articles import schedule

    cache.clear()
    schedule.settle_if_due()


def fetch(client, url):
    """Make one request; return the response and the SQL it ran."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, [q["sql"] for q in captured.captured_queries]


def floor_ms(statements: list[str]) -> float:
    """Return the time of re-running ``statements`` (reads only) and fetching their rows."""
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in statements:
            if not sql.lstrip().upper().startswith(("SELECT", "WITH", "(")):
                continue  # BEGIN, SAVEPOINT, SET ...: not the request's reading
            cursor.execute(sql)
            cursor.fetchall()
    return (time.perf_counter() - start) * 1000


def measure(client, probe: Probe, repeat: int, seconds: float = 30.0) -> Result:
    """Time ``repeat`` cold requests (fewer, at least MIN_RUNS, once ``seconds`` are spent:
    a search of several seconds need not run twenty times) and the floor of the last."""
    result = Result(probe.name, probe.url)
    try:
        response, statements = request(client, probe.url)  # warm-up: templates, plans
        times = []
        began = time.perf_counter()
        while len(times) < repeat and (
            len(times) < MIN_RUNS or time.perf_counter() - began < seconds
        ):
            make_cold()
            start = time.perf_counter()
            response, statements = fetch(client, probe.url)
            times.append((time.perf_counter() - start) * 1000)
        result.runs = len(times)
        result.status, result.queries = response.status_code, len(statements)
        result.p50 = statistics.median(times)
        result.p95, result.p99 = percentile(times, 0.95), percentile(times, 0.99)
        floors = [floor_ms(statements) for _ in range(min(len(times), FLOOR_RUNS))]
        result.floor = statistics.median(floors)
        result.ratio = result.p50 / result.floor if result.floor else 0.0
    except Exception as exc:  # a broken URL is a row of the report, not the end of the run
        result.error = f"{type(exc).__name__}: {exc}"[:200]
    return result


def memory_kb() -> dict[str, int]:
    """Return VmRSS and VmHWM of this process, in kB (empty where /proc is missing)."""
    found = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0])
    except OSError:
        pass
    return found


def make_client():
    from django.test import Client

    return Client(raise_request_exception=False)


# -- the run -------------------------------------------------------------------------


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asean_archive.settings.test")
    # The anonymous API throttle would answer 429 to a benchmark; the cache is cleared
    # before each request anyway, which resets it.
    os.environ.setdefault("API_ANON_RATE", "1000000/min")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import setup_test_environment

    setup_test_environment()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # 404s are in the table
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False


def build(articles: int, seed: int, reuse: bool, force: bool) -> dict:
    from django.core.management import call_command

    from articles.corpus import GENERATED, after_load, corpus_generate
    from articles.models import Article

    call_command("migrate", verbosity=0)
    if reuse:
        generated = Article.objects.published().filter(source_file=GENERATED).count()
        if generated == articles:
            after_load()  # counts and statistics current for the code being measured
            return {"built": False}
        print(f"--reuse: {generated} generated articles, not {articles}: building")
    start = time.perf_counter()
    report = corpus_generate(articles=articles, seed=seed, force=force)
    return {
        "built": True,
        "generation_seconds": round(report.seconds, 1),
        "articles_per_second": round(report.per_second),
        "total_seconds": round(time.perf_counter() - start, 1),
    }


def commit() -> str:
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return head + ("+uncommitted" if dirty else "")


HEADER = (
    f"{'request':32} {'status':>6} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} "
    f"{'p99 ms':>8} {'floor ms':>8} {'ratio':>6}"
)


def row(r: Result) -> str:
    if r.error:
        return f"{r.name[:32]:32} {'error':>6}  {r.error}"
    miss = "  > 50 ms" if r.p95 > TARGET_P95_MS else ""
    return (
        f"{r.name[:32]:32} {r.status:>6} {r.queries:>7} {r.p50:8.1f} {r.p95:8.1f} "
        f"{r.p99:8.1f} {r.floor:8.1f} {r.ratio:6.1f}{miss}"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20000, help="published articles")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="keep a database of that size")
    parser.add_argument("--force", action="store_true", help="generate beside other articles")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per URL")
    parser.add_argument(
        "--seconds", type=float, default=30.0, help="time per URL after which to stop early"
    )
    parser.add_argument(
        "--memory-requests",
        type=int,
        default=1000,
        help="requests made in all (topped up after the table) before reading the memory",
    )
    parser.add_argument("--only", default="", help="only the requests whose name has this")
    parser.add_argument("--json", type=Path, help="where to write the results")
    args = parser.parse_args(argv)

    setup_django()
    from django.db import connection

    from articles.corpus import ForeignArticles

    try:
        build_info = build(args.articles, args.seed, args.reuse, args.force)
    except ForeignArticles:
        sys.exit("The database holds articles generate_corpus did not write: use another one.")
    client = make_client()
    sample = pick_sample()
    selected = [
        p for p in probes(sample, sitemap_sections(client)) if args.only.lower() in p.name.lower()
    ]
    print(
        f"{connection.vendor}, {args.articles} published articles, {args.repeat} runs each, "
        f"cache cold; commit {commit()}"
    )
    memory_before = memory_kb()
    print(HEADER)
    results = []
    for probe in selected:
        results.append(measure(client, probe, args.repeat, args.seconds))
        print(row(results[-1]), flush=True)
    made = sum(r.runs + 1 for r in results)
    for n in range(max(0, args.memory_requests - made)):
        # Memory is what is measured here; failures are already in the table.
        with contextlib.suppress(Exception):
            request(client, selected[n % len(selected)].url)
    made = max(made, args.memory_requests)
    memory_after = memory_kb()
    misses = [r for r in results if r.error or r.p95 > TARGET_P95_MS]
    print(
        f"\nRSS {memory_before.get('VmRSS', 0) // 1024} MB before the requests, "
        f"{memory_after.get('VmRSS', 0) // 1024} MB after {made} "
        f"(peak {memory_after.get('VmHWM', 0) // 1024} MB); "
        f"{len(misses)} of {len(results)} miss p95 ≤ {TARGET_P95_MS:.0f} ms"
    )
    report = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": commit(),
        "vendor": connection.vendor,
        "database": connection.settings_dict.get("NAME"),
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
        "articles": args.articles,
        "repeat": args.repeat,
        "build": build_info,
        "sample": asdict(sample),
        "memory_kb": {"before": memory_before, "after": memory_after},
        "memory_requests": made,
        "results": [asdict(r) for r in results],
    }
    path = args.json or (
        ROOT / "bench" / "results" / f"{connection.vendor}-{args.articles}-"
        f"{datetime.date.today().isoformat()}.json"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"JSON: {path}")


if __name__ == "__main__":
    main()
