"""Load test: the production server (gunicorn, as `make serve` runs it) under wrk, loopback only.

Usage (from the project root; PostgreSQL, Redis and wrk on this machine; wrk comes from
Debian: ``apt-get install -y wrk``):

    .venv/bin/python bench/load.py                       # 20,000 articles, 2 and 4 workers
    .venv/bin/python bench/load.py --articles 100000 --workers 2,4,8 --duration 30 \\
        --connections 16 --json bench/results/load-100k.json

The archive is a database of its own on the PostgreSQL server, ``load_<N>``: made once with
``generate_corpus --articles N`` (N published articles and N // 10 drafts) and kept for the
next run (``--drop`` removes it at the end). For each worker count it starts gunicorn with
production settings (``asean_archive.settings.base``, DEBUG off, the JSON request log on,
the page cache and the rate-limit counters in Redis under a key prefix of its own, sync
workers: WEB_CONCURRENCY workers of one thread), warms it up, then runs wrk for
``--duration`` seconds on each of five endpoints, one after another:

  home         /                                   the front page
  article      /bai-viet/<slug>/                   one published article after another
  search page  /search/?q=…                        the HTML search, one query after another
  API list     /api/v1/articles/?year=…&page=…     the API's list, by year and page
  API search   /api/v1/articles/?q=…               the API's search

An endpoint's requests go to thousands of different URLs (articles, queries made of words
of the archive's titles, half typed without diacritics), so most are cache misses, as a
crawler or a newsroom's readers make them; the front page is one URL, served from the
cache but the first time. Each request carries an ``X-Forwarded-For`` of its own (the server
trusts one proxy), so the rate limits count every request in Redis, as in production, and
none is refused: readers from many addresses, not one client hammering.

It prints, per worker count and endpoint: requests/s, p50/p99/max latency, 5xx, other non-2xx
responses and socket errors, and the search page's throughput over the API search's. It exits
0 when there is no error, no 5xx and the search page is within 2× of the API search at every
worker count; 1 otherwise; 2 when it cannot run. The server is stopped and the Redis keys
removed whatever happens; the whole run is bounded by --timeout.
"""

import argparse
import datetime
import json
import os
import platform
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from urllib.parse import quote, urlencode

from scale_out import (
    ROOT,
    CannotRun,
    OutOfTime,
    Server,
    bounded,
    call,
    database_url_for,
    free_port,
    manage,
    redis_client,
    remove_keys,
    server_environment,
)

WRK = shutil.which("wrk")
URLS_PER_ENDPOINT = 6000
SEARCH_PAGE_WITHIN = 2.0  # the search page's throughput at least the API search's / 2

# One wrk thread (the machine's cores serve the server); every request picks the next URL
# and a client address of its own; the statuses are counted per class.
WRK_SCRIPT = """
local paths = {%(paths)s}
local i = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  s5xx, other, client = 0, 0, 0
end

function request()
  i = i %% #paths + 1
  client = client + 1
  local address = string.format("10.%%d.%%d.%%d", math.floor(client / 65536) %% 256,
                                 math.floor(client / 256) %% 256, client %% 256)
  return wrk.format("GET", paths[i], {["Host"] = "localhost", ["X-Forwarded-For"] = address})
end

function response(status, headers, body)
  if status >= 500 then
    s5xx = s5xx + 1
  elseif status ~= 200 then
    other = other + 1
  end
end

function done(summary, latency, requests)
  local s5xx, other = 0, 0
  for _, thread in ipairs(threads) do
    s5xx = s5xx + thread:get("s5xx")
    other = other + thread:get("other")
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"p50_us\\": %%d, \\"p99_us\\": %%d, " ..
    "\\"max_us\\": %%d, \\"s5xx\\": %%d, \\"other\\": %%d, \\"socket_errors\\": %%d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, s5xx, other, e.connect + e.read + e.write + e.timeout))
end
"""


def plain(text):
    """The text typed without diacritics ("Biển Đông" → "Bien Dong")."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def archive_sample(database_url, count, rng):
    """Published slugs, years and title words of the archive (read once, by this script)."""
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as c:
        slugs = [
            row[0]
            for row in c.execute(
                "SELECT slug FROM articles_article WHERE status = 'published' "
                "ORDER BY md5(slug) LIMIT %s",
                [count],
            )
        ]
        years = {
            int(year): count
            for year, count in c.execute(
                "SELECT extract(year FROM published_on), count(*) FROM articles_article "
                "WHERE status = 'published' AND published_on IS NOT NULL GROUP BY 1"
            )
        }
        titles = [row[0] for row in c.execute("SELECT title FROM articles_article LIMIT 3000")]
    words = sorted(
        {w.strip(".,:;!?()“”\"'").lower() for t in titles for w in t.split()} - {""},
    )
    words = [w for w in words if len(w) >= 3 and w.isalpha()]
    return slugs, years, words


def endpoint_paths(slugs, years, words, rng):
    """Each endpoint's URLs, URLS_PER_ENDPOINT of them (the front page: one)."""
    queries = []
    while len(queries) < URLS_PER_ENDPOINT:
        query = " ".join(rng.sample(words, rng.choice((1, 1, 2))))
        queries.append(plain(query) if len(queries) % 2 else query)
    # Every page a year has, up to the tenth (20 articles a page): none is a 404.
    pages = [
        (year, page)
        for year, count in sorted(years.items())
        for page in range(1, min(10, -(-count // 20)) + 1)
    ]
    return {
        "home": ["/"],
        "article": [f"/bai-viet/{slug}/" for slug in slugs],
        "search page": [f"/search/?{urlencode({'q': q})}" for q in queries],
        "API list": [
            f"/api/v1/articles/?{urlencode({'year': y, 'page': p})}"
            for y, p in rng.sample(pages, len(pages))
        ],
        "API search": [f"/api/v1/articles/?{urlencode({'q': q})}" for q in reversed(queries)],
    }


def wrk(port, paths, *, seconds, connections, workdir, timeout):
    script = Path(workdir) / f"wrk-{secrets.token_hex(4)}.lua"
    quoted = ",\n".join(json.dumps(quote(p, safe="/?=&%+-_.~")) for p in paths)
    script.write_text(WRK_SCRIPT % {"paths": quoted}, encoding="utf-8")
    command = [
        WRK,
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        f"{timeout}s",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}/",
    ]
    out = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 30, check=False
    ).stdout
    line = next((ln for ln in out.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise CannotRun(f"wrk gave no result:\n{out[-1500:]}")
    result = json.loads(line.removeprefix("RESULT "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def ensure_archive(args, env, deadline):
    """Create load_<N> and fill it once; reuse it when it already holds the corpus."""
    import psycopg

    admin = args.database_url.replace("postgres://", "postgresql://", 1).rsplit("/", 1)[0]
    try:
        with psycopg.connect(f"{admin}/postgres", autocommit=True, connect_timeout=3) as c:
            exists = c.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [args.database]
            ).fetchone()
            if not exists:
                c.execute(f'CREATE DATABASE "{args.database}"')
    except psycopg.OperationalError as exc:
        raise CannotRun(f"PostgreSQL not reachable at {args.database_url}: {exc}") from None
    manage(env, "migrate", "--noinput", "-v0", timeout=max(deadline - time.monotonic(), 1))
    with psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://", 1)) as c:
        held = c.execute(
            "SELECT count(*) FROM articles_article WHERE status = 'published'"
        ).fetchone()[0]
    if held == args.articles:
        return f"reused ({held} published articles)"
    if held:
        raise CannotRun(
            f"database {args.database} holds {held} published articles, not {args.articles}: "
            "drop it or name another with --database"
        )
    started = time.monotonic()
    manage(
        env,
        "generate_corpus",
        "--articles",
        str(args.articles),
        "--no-progress",
        timeout=max(deadline - time.monotonic(), 1),
    )
    return f"generated in {time.monotonic() - started:.0f} s"


def machine():
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}"


def run(args):
    started = time.monotonic()
    deadline = started + args.timeout
    prefix = f"load-{os.getpid()}-{secrets.token_hex(3)}"
    redis = redis_client(args.redis_url)
    workdir = tempfile.mkdtemp(prefix="load_")
    rng = random.Random(args.seed)
    env = server_environment(
        database_url_for(args.database_url, args.database), args.redis_url, prefix
    )
    env.update(
        # As the README's production command: persistent connections, production's limits
        # and its request log (to a file here); sync workers.
        CONN_MAX_AGE="60",
        THROTTLE_ANON=args.anon_rate,
        THROTTLE_SEARCH=args.search_rate,
        THROTTLE_USER="600/min",
        REQUEST_LOG="1",
        GUNICORN_THREADS="1",
        LOG_LEVEL="WARNING",
        STATIC_ROOT=os.path.join(workdir, "static"),
    )
    results, server = [], None
    try:
        made = ensure_archive(args, env, deadline)
        print(f"archive: {args.database}, {args.articles} published articles, {made}")
        manage(env, "collectstatic", "--noinput", "-v0", timeout=120)
        slugs, years, words = archive_sample(env["DATABASE_URL"], URLS_PER_ENDPOINT, rng)
        endpoints = endpoint_paths(slugs, years, words, rng)
        if args.only:
            endpoints = {k: v for k, v in endpoints.items() if k in args.only}
        print(f"machine: {machine()}; wrk: 1 thread, {args.connections} connections")
        for workers in args.workers:
            remove_keys(redis, prefix)  # each worker count starts with an empty cache
            env["WEB_CONCURRENCY"] = str(workers)
            server = Server(f"w{workers}", free_port(), env, "gunicorn", workdir)
            server.wait_ready(min(deadline, time.monotonic() + 60))
            # Warm-up: every worker's imports, connections and templates.
            warm = [p for paths in endpoints.values() for p in paths[-50:]]
            wrk(
                server.port,
                warm,
                seconds=3,
                connections=args.connections,
                workdir=workdir,
                timeout=args.request_timeout,
            )
            for name, paths in endpoints.items():
                if time.monotonic() + args.duration > deadline:
                    raise OutOfTime
                result = wrk(
                    server.port,
                    paths,
                    seconds=args.duration,
                    connections=args.connections,
                    workdir=workdir,
                    timeout=args.request_timeout,
                )
                result.update(workers=workers, endpoint=name)
                results.append(result)
                print(
                    f"  {workers} workers  {name:<12} {result['rps']:7.1f} req/s  "
                    f"p50 {result['p50_us'] / 1000:6.1f} ms  p99 {result['p99_us'] / 1000:7.1f} ms"
                    f"  5xx {result['s5xx']}  other {result['other']}  "
                    f"socket errors {result['socket_errors']}",
                    flush=True,
                )
            assert call(server.port, "GET", "/healthz").status == 200
            server.interrupt()
            server.stop()
            server = None
    finally:
        if server is not None:
            server.interrupt()
            server.stop()
        remove_keys(redis, prefix)
        shutil.rmtree(workdir, ignore_errors=True)
        if args.drop:
            from scale_out import drop_database

            drop_database(args.database_url, args.database)
    return report(args, results, time.monotonic() - started)


def report(args, results, elapsed):
    failures = []
    for r in results:
        if r["s5xx"] or r["other"] or r["socket_errors"]:
            failures.append(f"{r['workers']} workers, {r['endpoint']}: errors")
    ratios = {}
    for workers in args.workers:
        by_name = {r["endpoint"]: r for r in results if r["workers"] == workers}
        if "search page" in by_name and "API search" in by_name:
            ratio = by_name["API search"]["rps"] / by_name["search page"]["rps"]
            ratios[workers] = ratio
            if ratio > SEARCH_PAGE_WITHIN:
                failures.append(f"{workers} workers: API search {ratio:.2f}× the search page")
    print("\nworkers  endpoint      req/s    p50 ms   p99 ms   max ms  5xx  other  sock")
    for r in results:
        print(
            f"{r['workers']:>7}  {r['endpoint']:<12} {r['rps']:7.1f} {r['p50_us'] / 1000:8.1f} "
            f"{r['p99_us'] / 1000:8.1f} {r['max_us'] / 1000:8.1f} {r['s5xx']:>4} {r['other']:>6} "
            f"{r['socket_errors']:>5}"
        )
    for workers, ratio in ratios.items():
        print(f"{workers} workers: API search / search page throughput = {ratio:.2f} (≤ 2 wanted)")
    summary = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "articles": args.articles,
        "duration_s": args.duration,
        "connections": args.connections,
        "results": results,
        "failures": failures,
    }
    path = Path(args.json) if args.json else None
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        print(f"written to {path}")
    print(f"\n{'PASS' if not failures else 'FAIL: ' + '; '.join(failures)} in {elapsed:.0f} s")
    return 1 if failures else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/"),
        help="a PostgreSQL server (the archive is the database --database on it)",
    )
    parser.add_argument("--database", help="the archive's database (default load_<N>)")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument(
        "--redis-url", default=os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/8")
    )
    parser.add_argument(
        "--workers",
        type=lambda s: [int(n) for n in s.split(",")],
        default=[2, 4],
        help="gunicorn worker counts, one run each (2,4)",
    )
    parser.add_argument("--duration", type=int, default=20, help="seconds per endpoint")
    parser.add_argument("--connections", type=int, default=8, help="wrk's open connections")
    parser.add_argument("--request-timeout", type=int, default=10, help="seconds per request")
    parser.add_argument("--anon-rate", default="120/min", help="THROTTLE_ANON (per address)")
    parser.add_argument("--search-rate", default="30/min", help="THROTTLE_SEARCH (per address)")
    parser.add_argument("--only", nargs="*", help="endpoints to run (default: all five)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="write the results there too")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds for the whole run")
    args = parser.parse_args(argv)
    args.database = args.database or f"load_{args.articles}"
    if WRK is None:
        print("cannot run: wrk is not installed (apt-get install -y wrk)")
        return 2

    return bounded(run, args)


if __name__ == "__main__":
    sys.exit(main())
