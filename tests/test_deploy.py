"""Deployment: check --deploy clean with the production settings, the security headers and
the CSP, /healthz, the JSON request log, the error pages without collectstatic, and the
development superuser kept off real databases."""

import json
import logging
import os
import re
import runpy
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, OperationalError
from django.test import Client

from articles.management.commands import ensure_dev_superuser
from asean_archive import health
from asean_archive.request_log import JsonFormatter, RequestIdFilter, current_request_id
from asean_archive.settings import base as production
from tests import factories

from .conftest import ROOT

HSTS = "max-age=31536000; includeSubDomains"
HEX_ID = re.compile(r"[0-9a-f]{32}")


def production_env(tmp_path, **extra):
    """The environment of a production server: no DEBUG, a long random key, its host."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "asean_archive.settings.base",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "archive.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        **extra,
    }


def run_python(env, *args):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


# -- check --deploy -----------------------------------------------------------------------


def test_check_deploy_is_clean_with_the_production_settings(tmp_path):
    proc = run_python(
        production_env(tmp_path), "manage.py", "check", "--deploy", "--fail-level", "WARNING"
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "System check identified no issues" in proc.stdout


@pytest.mark.parametrize(
    ("variable", "warning"),
    [("SECURE_HSTS_SECONDS", "security.W004"), ("SECURE_SSL_REDIRECT", "security.W008")],
)
def test_check_deploy_fails_when_https_is_turned_off(tmp_path, variable, warning):
    proc = run_python(
        production_env(tmp_path, **{variable: "0"}),
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert proc.returncode != 0
    assert warning in proc.stderr + proc.stdout


def load_settings(env, *names):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        f"print(repr([getattr(settings, n) for n in {list(names)!r}]))"
    )
    return run_python(env, "-c", code)


@pytest.mark.parametrize(
    "value", ["HTTP_X_FORWARDED_PROTO,https", "X-Forwarded-Proto, https", "x_forwarded_proto,https"]
)
def test_proxy_https_header_is_read_from_the_environment(tmp_path, value):
    proc = load_settings(
        production_env(tmp_path, SECURE_PROXY_SSL_HEADER=value), "SECURE_PROXY_SSL_HEADER"
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[('HTTP_X_FORWARDED_PROTO', 'https')]"


def test_a_proxy_header_without_its_value_refuses_to_start(tmp_path):
    proc = load_settings(
        production_env(tmp_path, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto"),
        "SECURE_PROXY_SSL_HEADER",
    )
    assert proc.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER must be a header and its HTTPS value" in proc.stderr


def test_https_settings_follow_the_environment(tmp_path):
    names = [
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_PRELOAD",
        "SESSION_COOKIE_SECURE",
        "CSRF_TRUSTED_ORIGINS",
        "SILENCED_SYSTEM_CHECKS",
    ]
    proc = load_settings(production_env(tmp_path), *names)
    assert proc.stdout.strip() == repr([True, 31536000, False, True, [], ["security.W021"]])
    proc = load_settings(
        production_env(
            tmp_path,
            SECURE_SSL_REDIRECT="0",
            SECURE_HSTS_SECONDS="3600",
            SECURE_HSTS_PRELOAD="1",
            SECURE_COOKIES="0",
            CSRF_TRUSTED_ORIGINS="https://archive.example,https://www.archive.example",
        ),
        *names,
    )
    assert proc.stdout.strip() == repr(
        [False, 3600, True, False, ["https://archive.example", "https://www.archive.example"], []]
    )
    # Development: no HTTPS demands at all.
    proc = load_settings(
        {**production_env(tmp_path), "DJANGO_SETTINGS_MODULE": "asean_archive.settings.dev"},
        *names[:4],
    )
    assert proc.stdout.strip() == repr([False, 0, False, False])


# -- headers under the production settings -------------------------------------------------


@pytest.fixture
def production_https(settings):
    """The HTTPS settings exactly as production computes them (the test settings turn the
    redirect and the secure cookies off for the plain-HTTP test client)."""
    for name in (
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_REDIRECT_EXEMPT",
        "SECURE_CSP",
    ):
        setattr(settings, name, getattr(production, name))
    assert settings.SECURE_SSL_REDIRECT and settings.SESSION_COOKIE_SECURE
    return settings


@pytest.mark.django_db
def test_production_pages_carry_hsts_csp_and_the_other_headers(client, production_https):
    article = factories.article()
    for path in ["/", article.get_absolute_url(), "/search/?q=asean", "/api/v1/articles/"]:
        response = client.get(path, secure=True)
        assert response.status_code == 200, path
        assert response["Strict-Transport-Security"] == HSTS
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "object-src 'none'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        # No nonce on public pages: the page cache may hand the same page to many readers.
        assert "'nonce-" not in policy, path


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_but_healthz_is_not(client, production_https):
    response = client.get("/search/?q=asean")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/search/?q=asean"
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_swagger_ui_inline_code_carries_the_responses_nonce(client, production_https):
    response = client.get("/api/docs/", secure=True)
    assert response.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    html = response.content.decode()
    inline = re.findall(r"<(script|style)(?![^>]*\bsrc=)([^>]*)>", html)
    assert {tag for tag, _attrs in inline} == {"script", "style"}
    assert all(f'nonce="{nonce}"' in attrs for _tag, attrs in inline), inline
    # A fresh nonce per response.
    again = client.get("/api/docs/", secure=True)["Content-Security-Policy"]
    assert nonce not in again


def test_no_template_has_inline_code_without_a_nonce():
    """Inline <style>/<script> and style=/on*= attributes are refused by the CSP: the project's
    templates keep CSS and JS in static files, or carry the nonce (JSON data blocks run no
    code)."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        html = path.read_text()
        for match in re.finditer(r"<(script|style)\b([^>]*)>", html):
            attrs = match.group(2)
            if "src=" in attrs or "csp_nonce" in attrs or 'type="application/ld+json"' in attrs:
                continue
            offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
        for match in re.finditer(r"\s(style|on[a-z]+)=[\"']", html):
            offenders.append(f"{path.relative_to(ROOT)}: {match.group(0).strip()}")
    assert offenders == []


# -- /healthz ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_reports_database_and_cache_ok(client):
    for _ in range(2):  # the second answer is not a cached copy of the first
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
        assert "no-store" in response["Cache-Control"]
        assert response.get("X-Cache") != "hit"


@pytest.mark.django_db
def test_healthz_is_503_when_the_cache_fails(client, monkeypatch, caplog):
    def unreachable(*args, **kwargs):
        raise ConnectionError("redis://:s3cret@cache.internal:6379 refused")

    monkeypatch.setattr(health.cache, "set", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "cache": "error"}
    assert b"s3cret" not in response.content and b"cache.internal" not in response.content
    assert "healthz: the cache is unreachable" in caplog.text


@pytest.mark.django_db
def test_healthz_is_503_when_the_cache_loses_what_it_was_given(client, monkeypatch):
    monkeypatch.setattr(health.cache, "get", lambda *args, **kwargs: None)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"] == "error"


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_fails(client, monkeypatch):
    def unreachable():
        raise OperationalError("could not connect to server at db.internal")

    monkeypatch.setattr(health.connection, "cursor", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error", "cache": "ok"}
    assert b"db.internal" not in response.content


@pytest.mark.django_db
def test_healthz_only_answers_reads(client):
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200


@pytest.mark.django_db
def test_healthz_is_not_throttled(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}),
            "anon": "2/min",
        },
    }
    assert [client.get("/healthz").status_code for _ in range(10)] == [200] * 10


# -- the request log -----------------------------------------------------------------------


def request_lines(caplog):
    formatter = JsonFormatter()
    return [
        json.loads(formatter.format(record))
        for record in caplog.records
        if record.name == "asean_archive.request"
    ]


@pytest.mark.django_db
def test_each_request_is_one_json_line_with_its_id(client, caplog):
    caplog.set_level(logging.INFO, logger="asean_archive.request")
    response = client.get("/healthz?token=secret", HTTP_X_REQUEST_ID="lb-7f3a:42")
    assert response["X-Request-ID"] == "lb-7f3a:42"
    [line] = request_lines(caplog)
    assert line["request_id"] == "lb-7f3a:42"
    assert line["method"] == "GET"
    assert line["path"] == "/healthz"  # never the query string
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["user_id"] is None
    assert line["level"] == "INFO" and line["logger"] == "asean_archive.request"
    assert "secret" not in json.dumps(line)


@pytest.mark.django_db
def test_the_request_log_names_the_signed_in_user(client, caplog, django_user_model):
    user = django_user_model.objects.create_user("bao", password="pw", is_staff=True)
    client.force_login(user)
    caplog.set_level(logging.INFO, logger="asean_archive.request")
    client.get("/admin/")
    [line] = request_lines(caplog)
    assert (line["path"], line["status"], line["user_id"]) == ("/admin/", 200, user.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sent", ["", "has space", "x" * 129, 'a"}\n{"status": 200', "ảnh", "-starts-with-dash"]
)
def test_an_insane_request_id_is_replaced(client, caplog, sent):
    caplog.set_level(logging.INFO, logger="asean_archive.request")
    response = client.get("/khong-co-trang-nay/", HTTP_X_REQUEST_ID=sent)
    assert response.status_code == 404
    assert HEX_ID.fullmatch(response["X-Request-ID"])
    [line] = request_lines(caplog)
    assert line["request_id"] == response["X-Request-ID"]
    assert line["status"] == 404


def test_a_hostile_path_cannot_forge_a_log_line():
    record = logging.LogRecord("asean_archive.request", logging.INFO, "", 0, "x", (), None)
    record.path = '/a"}\n{"level": "CRITICAL'
    out = JsonFormatter().format(record)
    assert "\n" not in out
    assert json.loads(out)["path"] == '/a"}\n{"level": "CRITICAL'


def test_every_record_during_a_request_carries_its_id():
    record = logging.LogRecord("django.request", logging.ERROR, "", 0, "boom", (), None)
    token = current_request_id.set("req-1")
    try:
        assert RequestIdFilter().filter(record)
    finally:
        current_request_id.reset(token)
    assert json.loads(JsonFormatter().format(record))["request_id"] == "req-1"


LOG_TO_STDOUT = """
import json, django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
from articles import views
setup_test_environment()
def broken(*args, **kwargs):
    raise RuntimeError("kaboom")
views.RobotsView.get = broken
client = Client(raise_request_exception=False)
client.get("/khong-co-trang-nay/", HTTP_X_REQUEST_ID="req-404")
print(client.get("/robots.txt", HTTP_X_REQUEST_ID="req-500").status_code, flush=True)
"""


def test_requests_and_django_errors_go_to_stdout_as_json(tmp_path):
    """The configured logging, end to end: the server's stream (LOG_STREAM=stdout), a 500's
    traceback from Django's own logger and the request's line, each one JSON object, both
    with the request's id."""
    env = {
        **production_env(tmp_path),
        "DJANGO_SETTINGS_MODULE": "asean_archive.settings.test",
        "DATABASE_URL": "sqlite://:memory:",
        "LOG_STREAM": "stdout",
    }
    proc = run_python(env, "-c", LOG_TO_STDOUT)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[-1] == "500"
    records = [json.loads(line) for line in lines[:-1]]
    not_found, error = [r for r in records if r["logger"] == "django.request"]
    assert not_found["level"] == "WARNING" and not_found["request_id"] == "req-404"
    assert error["level"] == "ERROR" and error["request_id"] == "req-500"
    assert "RuntimeError: kaboom" in error["exc_info"]
    requests = [r for r in records if r["logger"] == "asean_archive.request"]
    assert [(r["request_id"], r["path"], r["status"]) for r in requests] == [
        ("req-404", "/khong-co-trang-nay/", 404),
        ("req-500", "/robots.txt", 500),
    ]
    assert proc.stderr == ""


# -- the error pages without collectstatic ------------------------------------------------


@pytest.fixture
def manifest_storage_without_manifest(settings, tmp_path):
    """Production's static storage, as on a server where collectstatic was never run."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": production.STORAGES["staticfiles"]["BACKEND"]},
    }
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    settings.WHITENOISE_USE_FINDERS = False
    assert "Manifest" in settings.STORAGES["staticfiles"]["BACKEND"]
    assert not (settings.STATIC_ROOT / "staticfiles.json").exists()


@pytest.mark.django_db
def test_pages_need_the_manifest_that_collectstatic_writes(
    client, manifest_storage_without_manifest
):
    """The premise: without the manifest an ordinary page cannot render its stylesheet."""
    with pytest.raises(ValueError, match="manifest"):
        client.get("/")


@pytest.mark.django_db
def test_404_renders_without_the_manifest(client, manifest_storage_without_manifest):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html


@pytest.mark.django_db
def test_500_renders_without_the_manifest(manifest_storage_without_manifest, monkeypatch):
    from articles import views

    def broken(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(views.RobotsView, "get", broken)
    response = Client(raise_request_exception=False).get("/robots.txt")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Đã có lỗi ở máy chủ" in html
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html
    assert "kaboom" not in html
    assert "Content-Security-Policy" in response


# -- ensure_dev_superuser -------------------------------------------------------------------


@pytest.fixture
def database_named(monkeypatch):
    """Show the command's rule another database: it reads only the default connection's
    vendor and settings; the users are still written to the test database."""

    def pretend(vendor, name, host=""):
        display = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}[vendor]
        seen = SimpleNamespace(
            vendor=vendor, display_name=display, settings_dict={"NAME": name, "HOST": host}
        )
        monkeypatch.setattr(ensure_dev_superuser, "connections", {DEFAULT_DB_ALIAS: seen})

    return pretend


@pytest.mark.django_db
def test_dev_superuser_refused_on_a_server_database(settings, database_named):
    settings.DEBUG = True
    database_named("postgresql", "archive", "db.internal")
    with pytest.raises(CommandError) as refused:
        call_command("ensure_dev_superuser", stdout=StringIO())
    message = str(refused.value)
    assert "the database is PostgreSQL ('archive' on db.internal)" in message
    assert "not the local SQLite file" in message and "--force" in message
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_dev_superuser_refused_on_another_sqlite_file(settings, database_named):
    settings.DEBUG = True
    database_named("sqlite", "/srv/archive/production.sqlite3")
    with pytest.raises(
        CommandError, match=re.escape("the SQLite file /srv/archive/production.sqlite3")
    ):
        call_command("ensure_dev_superuser", stdout=StringIO())
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_dev_superuser_refused_with_debug_off_even_on_the_local_file(settings, database_named):
    settings.DEBUG = False
    database_named("sqlite", str(settings.BASE_DIR / "db.sqlite3"))
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("ensure_dev_superuser", stdout=StringIO())
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_dev_superuser_made_on_the_local_sqlite_file(settings, database_named):
    settings.DEBUG = True
    database_named("sqlite", str(settings.BASE_DIR / "db.sqlite3"))
    assert ensure_dev_superuser.refusal_reason() is None
    call_command("ensure_dev_superuser", stdout=StringIO())
    assert get_user_model().objects.get().is_superuser


@pytest.mark.django_db
def test_dev_superuser_forced_on_a_refused_database(settings, database_named, client):
    settings.DEBUG = False
    database_named("postgresql", "throwaway", "127.0.0.1")
    out = StringIO()
    call_command("ensure_dev_superuser", "--force", stdout=out)
    assert "“admin”" in out.getvalue()
    assert client.login(username="admin", password="admin")


# -- the production server ------------------------------------------------------------------

GUNICORN = Path(sys.executable).with_name("gunicorn")
GUNICORN_CONF = ROOT / "asean_archive" / "gunicorn.conf.py"


def gunicorn_settings(monkeypatch, **env):
    for name in ("WEB_CONCURRENCY", "HOST", "PORT", "GUNICORN_TIMEOUT", "GUNICORN_ACCESS_LOG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LOG_STREAM", "stderr")  # the config only sets it when unset
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(GUNICORN_CONF))


def test_gunicorn_reads_its_settings_from_the_environment(monkeypatch):
    conf = gunicorn_settings(monkeypatch)
    assert conf["bind"] == ["127.0.0.1:8000"]
    assert 1 <= conf["workers"] <= conf["MAX_WORKERS"] == 12
    assert conf["workers"] == min(2 * os.cpu_count() + 1, 12)
    assert conf["timeout"] == 30
    assert conf["wsgi_app"] == "asean_archive.wsgi:application"
    assert conf["logconfig_dict"]["loggers"]["gunicorn.access"]["level"] == "WARNING"
    conf = gunicorn_settings(
        monkeypatch,
        WEB_CONCURRENCY="3",
        HOST="0.0.0.0",
        PORT="9000",
        GUNICORN_TIMEOUT="60",
        GUNICORN_ACCESS_LOG="1",
    )
    assert (conf["bind"], conf["workers"], conf["timeout"]) == (["0.0.0.0:9000"], 3, 60)
    assert conf["logconfig_dict"]["loggers"]["gunicorn.access"]["level"] == "INFO"


@pytest.mark.parametrize(("name", "value"), [("WEB_CONCURRENCY", "0"), ("PORT", "http")])
def test_gunicorn_refuses_a_nonsense_setting(monkeypatch, name, value):
    with pytest.raises(SystemExit, match=name):
        gunicorn_settings(monkeypatch, **{name: value})


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed: run `make venv`")
def test_gunicorn_serves_healthz_with_json_logs_on_stdout(tmp_path):
    """`make serve`'s last step, for real: two workers on a free loopback port, the
    production settings, a health check over plain HTTP, and only JSON on stdout."""
    port = free_port()
    env = production_env(tmp_path, ALLOWED_HOSTS="127.0.0.1", PORT=str(port), WEB_CONCURRENCY="2")
    server = subprocess.Popen(
        [str(GUNICORN), "--config", str(GUNICORN_CONF)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(
                    urllib.request.Request(
                        f"http://127.0.0.1:{port}/healthz", headers={"X-Request-ID": "probe-1"}
                    ),
                    timeout=30,
                ) as answer:
                    status, body = answer.status, json.loads(answer.read())
                    request_id = answer.headers["X-Request-ID"]
                break
            except OSError:  # refused, reset or timed out while the workers boot
                assert server.poll() is None, server.communicate()
                assert time.monotonic() < deadline, "gunicorn did not answer in 60 s"
                time.sleep(0.2)
        assert (status, body, request_id) == (
            200,
            {"status": "ok", "database": "ok", "cache": "ok"},
            "probe-1",
        )
        # Any other page over plain HTTP is sent to HTTPS.
        with pytest.raises(urllib.error.HTTPError) as moved:
            urllib.request.build_opener(NoRedirect).open(f"http://127.0.0.1:{port}/", timeout=5)
        assert moved.value.code == 301
        assert moved.value.headers["Location"] == f"https://127.0.0.1:{port}/"
    finally:
        server.terminate()
        stdout, stderr = server.communicate(timeout=30)
    records = [json.loads(line) for line in stdout.splitlines()]  # every line is JSON
    loggers = {record["logger"] for record in records}
    assert {"gunicorn.error", "asean_archive.request"} <= loggers
    assert sum("Booting worker" in record["message"] for record in records) == 2
    health = next(r for r in records if r.get("path") == "/healthz")
    assert (health["request_id"], health["status"]) == ("probe-1", 200)
    assert "Traceback" not in stderr


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
