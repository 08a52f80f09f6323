"""gunicorn's settings for `make serve`, all from the environment.

    gunicorn --config asean_archive/gunicorn.conf.py asean_archive.wsgi

HOST, PORT          where to listen (127.0.0.1:8000: put a proxy in front, or HOST=0.0.0.0)
WEB_CONCURRENCY     worker processes (default 2 × CPUs + 1, at most MAX_WORKERS = 12)
GUNICORN_THREADS    threads per worker (1: sync workers, one request each)
GUNICORN_TIMEOUT    seconds a worker may spend on one request before it is restarted (30)
GUNICORN_ACCESS_LOG 1 adds gunicorn's own access line; the app already logs one JSON line
                    per request (asean_archive/request_log.py)
LOG_LEVEL           gunicorn's own log level (info)
FORWARDED_ALLOW_IPS proxies whose X-Forwarded-* headers gunicorn trusts (read by gunicorn)

Every worker is stateless: sessions, the cache and the throttle counters live in the
database and the shared cache (REDIS_URL), so more workers or more servers just add capacity.
"""

import multiprocessing
import os

# Each worker thread keeps one database connection (CONN_MAX_AGE, 60 s by default): a server
# holds up to WEB_CONCURRENCY × GUNICORN_THREADS of them. The cap on workers leaves room in
# PostgreSQL's default 100 connections for several servers of sync workers, migrations and a
# shell; with threads, count workers × threads × servers against max_connections (or put
# PgBouncer in front).
MAX_WORKERS = 12


def _positive_int(name, default):
    value = os.environ.get(name) or default
    try:
        number = int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {value!r}") from None
    if number < 1:
        raise SystemExit(f"{name} must be at least 1, not {number}")
    return number


def _on(name):
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


# The application's logs go to stdout too, as JSON (asean_archive/settings/base.py).
os.environ.setdefault("LOG_STREAM", "stdout")

wsgi_app = "asean_archive.wsgi:application"
bind = [f"{os.environ.get('HOST') or '127.0.0.1'}:{_positive_int('PORT', 8000)}"]
workers = _positive_int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, MAX_WORKERS))
threads = _positive_int("GUNICORN_THREADS", 1)
timeout = _positive_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _positive_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Behind a proxy that keeps connections open to us.
keepalive = _positive_int("GUNICORN_KEEPALIVE", 5)
# Recycle a worker now and then, so that slow memory growth never accumulates.
max_requests = _positive_int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# Heartbeat files in memory: a container's disk can stall a worker's heartbeat.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
# gunicorn 25+ opens a control socket in $HOME by default; two servers on one machine would
# share its path. On only when asked for.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]

loglevel = (os.environ.get("LOG_LEVEL") or "info").lower()
# gunicorn's own lines (start, workers, timeouts) as JSON on stdout, like the application's.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "asean_archive.request_log.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        }
    },
    "root": {"level": "WARNING", "handlers": ["stdout"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["stdout"], "propagate": False},
        "gunicorn.access": {
            "level": "INFO" if _on("GUNICORN_ACCESS_LOG") else "WARNING",
            "handlers": ["stdout"],
            "propagate": False,
        },
    },
}
