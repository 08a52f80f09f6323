"""Scale-out proof: two servers on one PostgreSQL and one Redis share every limit and state.

Usage (from the project root; both services on this machine):

    .venv/bin/python bench/scale_out.py
    .venv/bin/python bench/scale_out.py --database-url postgres://postgres@127.0.0.1:5432/ \\
        --redis-url redis://127.0.0.1:6379/7 --server gunicorn --timeout 120

It creates a database of its own on the PostgreSQL server (``scale_out_<pid>``), migrates it
and adds a staff account and a published article; it then starts two servers on two free
loopback ports, both with production settings (``asean_archive.settings.base``, DEBUG off)
against that database and one Redis database under a key prefix of its own: gunicorn as
``make serve`` runs it (asean_archive/gunicorn.conf.py, two workers of two threads each), or
``manage.py runserver --noreload`` when gunicorn is not installed. Over HTTP only, it checks:

  rate, alternated   anonymous API requests alternated between the servers: the rate is one
                     count, not one per server (nor per worker)
  rate, concurrent   a burst of simultaneous requests over both servers: exactly the rate
                     gets through
  search page rate   the HTML search page, alternated: one count
  cache invalidation a page cached by server A (and served from that cache by B), then an
                     article edited through B's API: A serves the new text at once
  sessions           a login on A is signed in on B; a logout on B ends it on A
  login lockout      failed logins on A and B add up to one lockout, on both

The servers see the client's address as the X-Forwarded-For it sends (NUM_PROXIES=1), so each
check is a client of its own. It prints a PASS/FAIL table and exits 0 when every check
passes, 1 when one fails, 2 when it cannot run (PostgreSQL or Redis unreachable, a server
that does not start). Whatever happens, the servers are stopped, the database dropped and the
Redis keys removed; the whole run is bounded by --timeout.
"""

import argparse
import concurrent.futures
import contextlib
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = Path(PYTHON).with_name("gunicorn")
if not GUNICORN.exists():
    GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"

ANON_RATE = 10  # per minute, THROTTLE_ANON
SEARCH_RATE = 4  # per minute, THROTTLE_SEARCH
LOGIN_LIMIT = 2  # LOGIN_FAILURE_LIMIT (each failure costs a full password hash: keep it low)
BURST = 30  # simultaneous requests of the concurrent check
API = "/api/v1/articles/"
PASSWORD = "scale-out-" + secrets.token_hex(8)
NEW_LEAD = "Bản sửa qua máy chủ B " + secrets.token_hex(4)

# Migrations and seed data in one process: each start of Django costs seconds.
SEED = """
from django.core.management import call_command

call_command("migrate", interactive=False, verbosity=0)

from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from articles import services

user = get_user_model().objects.create_user(
    "scale", password=__import__("os").environ["SCALE_OUT_PASSWORD"], is_staff=True,
    is_superuser=True,
)
article = services.article_save(
    data={
        "title": "ASEAN thử nghiệm mở rộng",
        "lead": "Bản gốc trước khi sửa.",
        "body": "Nội dung bài thử nghiệm hai máy chủ.",
        "published_on": "2024-05-01",
        "status": "published",
    },
    user=user,
)
print(Token.objects.create(user=user).key, article.slug, article.get_absolute_url())
"""


class CannotRun(Exception):
    """A service or a server is missing: nothing was proved either way."""


class OutOfTime(Exception):
    pass


@dataclass
class Check:
    name: str
    passed: bool
    detail: str


# -- HTTP -----------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: dict
    body: str
    cookies: dict


def call(port, method, path, *, client=None, headers=None, body=None, cookies=None):
    """Make one request to 127.0.0.1:port as the client at address ``client``."""
    # One public host name for both servers, as a load balancer forwards it: the page cache's
    # keys hold the absolute URL.
    headers = {"Host": "localhost", **(headers or {})}
    if client:
        headers["X-Forwarded-For"] = client
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if isinstance(body, dict):
        body = urlencode(body)
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    if isinstance(body, str):
        body = body.encode()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        jar = SimpleCookie()
        for value in response.headers.get_all("Set-Cookie") or []:
            jar.load(value)
        return Reply(
            response.status,
            {k.lower(): v for k, v in response.getheaders()},
            text,
            {k: m.value for k, m in jar.items()},
        )
    finally:
        connection.close()


# -- the services ---------------------------------------------------------------------------


def admin_dsn(database_url):
    """Return a libpq URL for the server's maintenance database ``postgres``."""
    parts = urlsplit(database_url.replace("postgres://", "postgresql://", 1))
    return urlunsplit(parts._replace(path="/postgres"))


def database_url_for(database_url, name):
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(scheme="postgres", path=f"/{name}"))


def create_database(database_url, name):
    import psycopg

    try:
        with psycopg.connect(admin_dsn(database_url), autocommit=True, connect_timeout=3) as c:
            c.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        raise CannotRun(f"PostgreSQL not reachable at {database_url}: {exc}") from None


def drop_database(database_url, name):
    import psycopg

    with psycopg.connect(admin_dsn(database_url), autocommit=True, connect_timeout=3) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def redis_client(redis_url):
    import redis

    client = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise CannotRun(f"Redis not reachable at {redis_url}: {exc}") from None
    return client


def remove_keys(client, prefix):
    """Delete the run's keys (Django writes them as "<prefix>:<version>:<key>")."""
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    for start in range(0, len(keys), 500):
        client.delete(*keys[start : start + 500])
    return len(keys)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- the servers ----------------------------------------------------------------------------


class Server:
    def __init__(self, name, port, env, kind, logdir):
        self.name, self.port = name, port
        self.log_path = Path(logdir) / f"server-{name}.log"
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        if kind == "gunicorn":
            # The application loaded once, then forked into the workers: a faster start.
            command = [str(GUNICORN), "--config", "asean_archive/gunicorn.conf.py", "--preload"]
        else:
            command = [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**env, "PORT": str(port)},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() ends the workers too
        )

    def wait_ready(self, deadline):
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CannotRun(f"server {self.name} exited: {self.tail()}")
            with contextlib.suppress(OSError):
                if call(self.port, "GET", "/healthz").status == 200:
                    return
            time.sleep(0.2)
        raise CannotRun(f"server {self.name} not ready in time: {self.tail()}")

    def interrupt(self):
        """Ask the server to stop: SIGINT, gunicorn's quick shutdown (SIGTERM would wait for
        its graceful timeout) and runserver's Ctrl-C, to its whole process group."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGINT)

    def stop(self, timeout=5):
        """Wait for the server to stop after interrupt(); kill what is left of it."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=timeout)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # any worker left behind
        self.process.wait(timeout=5)
        self.log.close()

    def tail(self, lines=15):
        if not self.log.closed:
            self.log.flush()
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


# -- the checks -----------------------------------------------------------------------------


def check_rate_alternated(a, b):
    client = "198.51.100.1"
    codes = [call(port, "GET", API, client=client).status for port in [a, b] * 7]
    allowed = codes[:ANON_RATE]
    refused = call(a, "GET", API, client=client)
    passed = (
        allowed == [200] * ANON_RATE
        and set(codes[ANON_RATE:]) == {429}
        and refused.status == 429
        and refused.headers.get("retry-after", "").isdigit()
    )
    per_server = {
        "A": codes[0::2][: ANON_RATE // 2].count(200),
        "B": codes[1::2][: ANON_RATE // 2].count(200),
    }
    detail = (
        f"{codes.count(200)}×200 then 429 (A let {per_server['A']}, B {per_server['B']}; "
        f"Retry-After {refused.headers.get('retry-after')}); rate {ANON_RATE}/min in all, "
        f"per-process counts would have let all {len(codes)} through"
    )
    return Check("API rate, requests alternated A/B", passed, detail)


def check_rate_concurrent(a, b):
    client = "198.51.100.2"
    ports = [a, b] * (BURST // 2)
    with concurrent.futures.ThreadPoolExecutor(max_workers=BURST) as pool:
        codes = list(pool.map(lambda port: call(port, "GET", API, client=client).status, ports))
    passed = codes.count(200) == ANON_RATE and codes.count(429) == BURST - ANON_RATE
    detail = f"{BURST} at once over A and B: {codes.count(200)}×200, {codes.count(429)}×429"
    return Check("API rate, concurrent burst", passed, detail)


def check_search_rate(a, b):
    client = "198.51.100.3"
    replies = [
        call(port, "GET", "/search/?q=asean", client=client) for port in [a, b] * SEARCH_RATE
    ]
    codes = [reply.status for reply in replies]
    refused = replies[SEARCH_RATE]
    passed = (
        codes == [200] * SEARCH_RATE + [429] * SEARCH_RATE
        and "no-store" in refused.headers.get("cache-control", "")
        and refused.headers.get("retry-after", "").isdigit()
        and "text/html" in refused.headers.get("content-type", "")
    )
    hits = sum(reply.headers.get("x-cache") == "hit" for reply in replies[:SEARCH_RATE])
    detail = (
        f"{codes.count(200)}×200 ({hits} from the page cache) then {codes.count(429)}×429 "
        f"HTML; rate {SEARCH_RATE}/min in all"
    )
    return Check("search page rate, alternated A/B", passed, detail)


def check_invalidation(a, b, token, slug, page):
    client = "198.51.100.4"
    first = call(a, "GET", page, client=client)
    again = call(a, "GET", page, client=client)
    on_b = call(b, "GET", page, client=client)
    etag = call(b, "GET", f"{API}{slug}/", headers={"Authorization": f"Token {token}"})
    edit = call(
        b,
        "PATCH",
        f"{API}{slug}/",
        headers={
            "Authorization": f"Token {token}",
            "Content-Type": "application/json",
            "If-Match": etag.headers.get("etag", "*"),
        },
        body=f'{{"lead": "{NEW_LEAD}"}}',
    )
    # Several reads on each server (so on each worker): all show the edit, the first
    # freshly made, the others from the shared cache again.
    after = [call(port, "GET", page, client=client) for port in (a, a, a, b, b)]
    api_after = call(a, "GET", f"{API}{slug}/", client=client)
    cached_first = (first.headers.get("x-cache"), again.headers.get("x-cache"))
    cached_after = [reply.headers.get("x-cache") for reply in after]
    shown = sum(NEW_LEAD in reply.body for reply in after)
    passed = (
        first.status == again.status == on_b.status == 200
        and cached_first == ("miss", "hit")
        and on_b.headers.get("x-cache") == "hit"
        and NEW_LEAD not in again.body
        and edit.status == 200
        and all(reply.status == 200 for reply in after)
        and shown == len(after)
        and cached_after == ["miss"] + ["hit"] * (len(after) - 1)
        and NEW_LEAD in api_after.body
    )
    detail = (
        f"A cached the page (miss, hit), B served A's copy ({on_b.headers.get('x-cache')}); "
        f"PATCH on B {edit.status}; then A, A, A, B, B: {', '.join(map(str, cached_after))}, "
        f"new text on {shown} of {len(after)}"
    )
    return Check("cache invalidation, edit on B seen on A", passed, detail)


def csrf_login(port, username, password, client):
    """Log in through the admin's form; return (reply, cookies)."""
    form = call(port, "GET", "/admin/login/", client=client)
    cookies = dict(form.cookies)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.body)
    data = {
        "csrfmiddlewaretoken": match.group(1) if match else "",
        "username": username,
        "password": password,
        "next": "/admin/",
    }
    reply = call(port, "POST", "/admin/login/", client=client, cookies=cookies, body=data)
    cookies.update(reply.cookies)
    return reply, cookies


def check_sessions(a, b):
    client = "198.51.100.5"
    login, cookies = csrf_login(a, "scale", PASSWORD, client)
    on_b = call(b, "GET", "/admin/", client=client, cookies=cookies)
    anonymous_b = call(b, "GET", "/admin/", client=client)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', on_b.body)
    logout = call(
        b,
        "POST",
        "/admin/logout/",
        client=client,
        cookies=cookies,
        body={"csrfmiddlewaretoken": csrf.group(1) if csrf else ""},
    )
    after_on_a = call(a, "GET", "/admin/", client=client, cookies=cookies)
    passed = (
        login.status == 302
        and "sessionid" in cookies
        and on_b.status == 200
        and "scale" in on_b.body
        and anonymous_b.status == 302
        and logout.status == 200
        and after_on_a.status == 302
    )
    detail = (
        f"login on A {login.status}; B with A's session cookie: /admin/ {on_b.status} "
        f"(without: {anonymous_b.status}); logout on B {logout.status}, "
        f"then A: /admin/ {after_on_a.status}"
    )
    return Check("sessions, login on A signed in on B", passed, detail)


def check_lockout(a, b):
    client = "198.51.100.6"
    ports = ([a, b] * LOGIN_LIMIT)[:LOGIN_LIMIT]
    codes = [csrf_login(port, "scale", "wrong password", client)[0].status for port in ports]
    right, _ = csrf_login(a, "scale", PASSWORD, client)
    passed = codes == [200] * (LOGIN_LIMIT - 1) + [429] and right.status == 429
    detail = (
        f"wrong passwords on A, B: {codes}; then the right one on A: {right.status} "
        f"(limit {LOGIN_LIMIT} in all)"
    )
    return Check("login lockout, failures on A and B", passed, detail)


# -- the run --------------------------------------------------------------------------------


def server_environment(database_url, redis_url, prefix):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("THROTTLE_", "LOGIN_", "SECURE_", "CSP_"))
        and key not in {"DJANGO_SETTINGS_MODULE", "API_ANON_RATE", "REDIS_URL", "DEBUG"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="asean_archive.settings.base",
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        CACHE_URL=redis_url,
        CACHE_KEY_PREFIX=prefix,
        # Plain HTTP on loopback: no redirect to HTTPS, cookies without the Secure flag.
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
        NUM_PROXIES="1",
        THROTTLE_ANON=f"{ANON_RATE}/min",
        THROTTLE_USER="600/min",
        THROTTLE_STAFF="none",
        THROTTLE_SEARCH=f"{SEARCH_RATE}/min",
        LOGIN_FAILURE_LIMIT=str(LOGIN_LIMIT),
        LOGIN_COOLOFF_MINUTES="15",
        HOST="127.0.0.1",
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="2",
        GUNICORN_GRACEFUL_TIMEOUT="1",  # the servers are thrown away: a quick stop
        LOG_LEVEL="WARNING",
        REQUEST_LOG="0",
        SCALE_OUT_PASSWORD=PASSWORD,
    )
    return env


def manage(env, *args, timeout):
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise CannotRun(f"manage.py {args[0]} failed:\n{result.stderr[-2000:]}")
    return result.stdout


def run(args):
    started = time.monotonic()
    deadline = started + args.timeout
    name = f"scale_out_{os.getpid()}"
    prefix = f"scale-out-{os.getpid()}-{secrets.token_hex(3)}"
    kind = args.server
    if kind == "auto":
        kind = "gunicorn" if GUNICORN.exists() else "runserver"
    redis = redis_client(args.redis_url)
    create_database(args.database_url, name)
    servers, logdir = [], tempfile.mkdtemp(prefix="scale_out_")
    checks, stages, last = [], {}, [started]

    def lap(stage):
        """Add the time since the last lap to ``stage``."""
        now = time.monotonic()
        stages[stage] = stages.get(stage, 0.0) + now - last[0]
        last[0] = now

    try:
        cache_url = "locmem://" if args.local_cache else args.redis_url
        env = server_environment(database_url_for(args.database_url, name), cache_url, prefix)
        # As `make serve` does: the pages need collectstatic's manifest (its own copy here,
        # removed with the logs, so a fresh clone needs nothing collected beforehand).
        env["STATIC_ROOT"] = os.path.join(logdir, "static")
        manage(
            env, "collectstatic", "--noinput", "-v0", timeout=max(deadline - time.monotonic(), 1)
        )
        lap("static files")
        remaining = max(deadline - time.monotonic(), 1)
        token, slug, page = manage(env, "shell", "-v0", "-c", SEED, timeout=remaining).split()[-3:]
        lap("database")
        print(f"database {name}, cache {cache_url} (prefix {prefix}), {kind} servers:")
        for label in ("A", "B"):
            servers.append(Server(label, free_port(), env, kind, logdir))
        for server in servers:
            server.wait_ready(min(deadline, time.monotonic() + 30))
            print(f"  {server.name}: 127.0.0.1:{server.port} (pid {server.process.pid})")
        lap("servers")
        a, b = (server.port for server in servers)
        for check in (
            check_rate_alternated,
            check_rate_concurrent,
            check_search_rate,
            lambda a, b: check_invalidation(a, b, token, slug, page),
            check_sessions,
            check_lockout,
        ):
            if time.monotonic() > deadline:
                raise OutOfTime
            checks.append(check(a, b))
        lap("checks")
    except OutOfTime:
        checks.append(Check("time", False, f"the run took more than {args.timeout:.0f} s"))
    finally:
        failed = [c for c in checks if not c.passed]
        lap("checks")
        for server in servers:
            server.interrupt()
        for server in servers:
            server.stop()
            if failed or args.verbose:
                print(f"--- server {server.name} log (last lines) ---\n{server.tail()}")
        lap("stop")
        drop_database(args.database_url, name)
        removed = remove_keys(redis, prefix)
        shutil.rmtree(logdir, ignore_errors=True)
        lap("cleanup")
    width = max(len(check.name) for check in checks)
    print(f"\n{'check'.ljust(width)}  result  detail")
    for check in checks:
        print(f"{check.name.ljust(width)}  {'PASS' if check.passed else 'FAIL'}    {check.detail}")
    elapsed = time.monotonic() - started
    spent = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in stages.items())
    print(
        f"\n{len(checks) - len(failed)}/{len(checks)} passed in {elapsed:.1f} s ({spent}); "
        f"servers stopped, database {name} dropped, {removed} Redis keys removed"
    )
    return 1 if failed else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("SCALE_OUT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/"),
        help="a PostgreSQL server (its database name is not used: the run makes its own)",
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("SCALE_OUT_REDIS_URL", "redis://127.0.0.1:6379/7")
    )
    parser.add_argument("--server", choices=["auto", "gunicorn", "runserver"], default="auto")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds for the whole run")
    parser.add_argument("--verbose", action="store_true", help="show the servers' logs")
    parser.add_argument(
        "--local-cache",
        action="store_true",
        help="the counter-proof: each process its own memory cache instead of Redis (the "
        "rate and invalidation checks then fail)",
    )
    args = parser.parse_args(argv)
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        print(f"--database-url must be a PostgreSQL URL, not {args.database_url!r}")
        return 2

    return bounded(run, args)


def bounded(run, args):
    """Return ``run(args)``'s exit status, the whole run bounded by ``args.timeout``
    (``OutOfTime`` raised inside it, so it still stops and cleans up); 2 when it cannot run."""

    def out_of_time(signum, frame):
        raise OutOfTime

    previous = signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(int(args.timeout) + 1)
    try:
        return run(args)
    except CannotRun as exc:
        print(f"cannot run: {exc}")
        return 2
    except OutOfTime:
        print(f"FAIL: the run took more than {args.timeout:.0f} s")
        return 1
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


if __name__ == "__main__":
    sys.exit(main())
