"""Limits that hold: the API's rates per kind of client, the search page's rate per address,
the rates read from the environment, and admin login lockouts (django-axes)."""

import re
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles.throttling import SharedRateThrottle
from asean_archive.settings import base
from audit.models import AuditEntry

from . import factories
from .conftest import ROOT

API = "/api/v1/articles/"
SEARCH = "/search/"
LOGIN = "/admin/login/"
PASSWORD = "Mat-khau-dung-2024"


class Clock:
    """The throttles' clock, moved by hand: windows are tested without waiting."""

    def __init__(self, now=1_000_020.0):  # the start of a one-second slice
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(SharedRateThrottle, "timer", fake)
    return fake


@pytest.fixture
def rates(monkeypatch):
    """Set the throttles' rates for a test: ``rates(anon="3/min", ...)``; unnamed scopes keep
    no limit except anon and user, which stay high."""

    def set_rates(**given):
        table = {"anon": "1000/min", "user": "1000/min", "staff": None, "search": "1000/min"}
        monkeypatch.setattr(SharedRateThrottle, "THROTTLE_RATES", {**table, **given})

    return set_rates


@pytest.fixture
def published(db):
    return factories.article(title="ASEAN họp bàn về biển Đông", status="published")


@pytest.fixture
def reader(db, django_user_model):
    return django_user_model.objects.create_user(username="reader", password=PASSWORD)


def api_client(user=None, *, address="198.51.100.1", token=False):
    client = APIClient(REMOTE_ADDR=address)
    if user is not None and token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0]}")
    elif user is not None:
        client.force_login(user)
    return client


def statuses(client, url, n, **extra):
    return [client.get(url, **extra).status_code for _ in range(n)]


# -- the API ------------------------------------------------------------------------------


def test_an_anonymous_client_gets_a_429_with_retry_after_past_its_rate(rates, clock, published):
    rates(anon="3/min")
    anonymous = api_client()
    assert statuses(anonymous, API, 3) == [200, 200, 200]
    clock.now += 20.5
    refused = anonymous.get(API)
    assert refused.status_code == 429
    # The first request leaves the minute's window 60 s after it was made: 39.5 s from now.
    assert refused["Retry-After"] == "40"
    clock.now += 39
    assert anonymous.get(API).status_code == 429
    clock.now += 1
    assert statuses(anonymous, API, 4) == [200, 200, 200, 429]


def test_a_refused_request_does_not_count(rates, clock, published):
    rates(anon="2/min")
    anonymous = api_client()
    assert statuses(anonymous, API, 2) == [200, 200]
    for _ in range(10):
        clock.now += 5
        assert anonymous.get(API).status_code == 429
    clock.now += 10  # 60 s after the two that counted
    assert statuses(anonymous, API, 3) == [200, 200, 429]


def test_the_window_slides_request_by_request(rates, clock, published):
    rates(anon="3/min")
    anonymous = api_client()
    assert statuses(anonymous, API, 2) == [200, 200]  # at 0 s
    clock.now += 30
    assert statuses(anonymous, API, 2) == [200, 429]  # at 30 s
    clock.now += 30  # the two of 0 s leave the window; the one of 30 s stays
    assert statuses(anonymous, API, 3) == [200, 200, 429]


def test_anonymous_addresses_are_counted_apart(rates, clock, published):
    rates(anon="2/min")
    assert statuses(api_client(address="198.51.100.1"), API, 3) == [200, 200, 429]
    assert statuses(api_client(address="198.51.100.2"), API, 3) == [200, 200, 429]
    assert statuses(api_client(address="2001:db8::1"), API, 3) == [200, 200, 429]


def test_a_signed_in_reader_has_its_own_rate_per_account(
    rates, clock, published, reader, django_user_model
):
    rates(anon="2/min", user="4/min")
    anonymous = api_client()
    assert statuses(anonymous, API, 3) == [200, 200, 429]
    # Same address, signed in: the account's rate, not the address's.
    session = api_client(reader)
    assert statuses(session, API, 3) == [200, 200, 200]
    # The token of the same account shares its count, from any address.
    token = api_client(reader, token=True, address="192.0.2.9")
    assert statuses(token, API, 2) == [200, 429]
    assert session.get(API).status_code == 429
    other = django_user_model.objects.create_user(username="other", password=PASSWORD)
    assert statuses(api_client(other), API, 5) == [200, 200, 200, 200, 429]


def test_a_throttled_reader_is_told_when_to_come_back(rates, clock, published, reader):
    rates(user="1/hour")
    session = api_client(reader)
    assert session.get(API).status_code == 200
    clock.now += 600
    refused = session.get(API)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3000"
    assert "3000" in refused.json()["detail"]


def test_staff_are_not_throttled_by_default(rates, clock, published, editor):
    rates(anon="1/min", user="1/min")
    for client in (api_client(editor), api_client(editor, token=True)):
        assert set(statuses(client, API, 15)) == {200}
        response = client.post(API, {"title": "Không bị giới hạn"}, format="json")
        assert response.status_code == 201


def test_staff_get_the_staff_rate_when_one_is_set(rates, clock, published, editor, reader):
    rates(anon="1/min", user="10/min", staff="3/min")
    assert statuses(api_client(editor), API, 4) == [200, 200, 200, 429]
    # Per account: a reader of the same address is counted apart.
    assert statuses(api_client(reader), API, 4) == [200, 200, 200, 200]


@override_settings(REST_FRAMEWORK={**base.REST_FRAMEWORK, "NUM_PROXIES": 1})
def test_behind_a_proxy_clients_are_told_apart_by_the_address_it_forwards(rates, clock, published):
    rates(anon="2/min")
    proxy = "10.0.0.5"
    for client_address in ("203.0.113.1", "203.0.113.2"):
        client = api_client(address=proxy)
        # What the client wrote itself comes first; the proxy appends the real address.
        forwarded = f"1.2.3.4, {client_address}"
        codes = statuses(client, API, 3, HTTP_X_FORWARDED_FOR=forwarded)
        assert codes == [200, 200, 429], client_address


def test_without_num_proxies_x_forwarded_for_is_ignored(rates, clock, published):
    rates(anon="2/min")
    client = api_client()
    codes = [client.get(API, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(3)]
    assert codes == [200, 200, 429]


def test_cached_api_reads_count_against_the_rate(rates, clock, published):
    rates(anon="3/min")
    anonymous = api_client()
    responses = [anonymous.get(API) for _ in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert responses[1]["X-Cache"] == "hit"


def test_an_unreachable_cache_lets_requests_through(rates, clock, published, monkeypatch, caplog):
    rates(anon="1/min")

    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "incr", broken)
    assert statuses(api_client(), API, 3) == [200, 200, 200]
    assert "unthrottled" in caplog.text


# -- the search page ----------------------------------------------------------------------


def search(client, q="asean", path=SEARCH, **extra):
    return client.get(path, {"q": q}, **extra)


def test_the_search_page_is_a_429_past_its_rate_per_address(rates, clock, published):
    rates(search="3/min")
    one = Client(REMOTE_ADDR="198.51.100.7")
    # Different searches, and the same one again (then answered from the page cache): all
    # count.
    first = [search(one, q) for q in ("asean", "biển Đông", "asean")]
    assert [r.status_code for r in first] == [200, 200, 200]
    assert first[2]["X-Cache"] == "hit"
    clock.now += 15
    refused = search(one, "hội nghị")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "45"
    assert "no-store" in refused["Cache-Control"]
    assert refused["Content-Type"].startswith("text/html")
    text = refused.content.decode()
    assert "Quá nhiều lượt tìm kiếm" in text and "45 giây" in text
    # Other addresses are not affected; other pages of the same address neither.
    other = Client(REMOTE_ADDR="198.51.100.8")
    assert search(other).status_code == 200
    assert one.get("/").status_code == 200
    assert one.get(published.get_absolute_url()).status_code == 200
    # Once the window has passed, the same address searches again: the 429 was not stored.
    clock.now += 45
    again = search(one, "hội nghị")
    assert again.status_code == 200 and "Quá nhiều" not in again.content.decode()


def test_the_search_page_429_is_in_english_under_en(rates, clock, published):
    rates(search="1/min")
    client = Client(REMOTE_ADDR="198.51.100.9")
    assert search(client).status_code == 200
    # One count per address, whichever language it searches in.
    refused = search(client, path="/en/search/")
    assert refused.status_code == 429
    text = refused.content.decode()
    assert '<html lang="en">' in text
    assert "Too many searches" in text and "Please try again in 60 seconds" in text


def test_staff_are_not_throttled_on_the_search_page(rates, clock, published, editor):
    rates(search="1/min")
    client = Client(REMOTE_ADDR="198.51.100.10")
    client.force_login(editor)
    assert {search(client, f"asean {n}").status_code for n in range(5)} == {200}


def test_a_signed_in_reader_searches_at_its_address_rate(rates, clock, published, reader):
    rates(search="2/min")
    client = Client(REMOTE_ADDR="198.51.100.11")
    client.force_login(reader)
    assert [search(client, f"asean {n}").status_code for n in range(3)] == [200, 200, 429]
    # Anonymous from the same address: the same count.
    assert search(Client(REMOTE_ADDR="198.51.100.11")).status_code == 429


# -- rates and limits from the environment ------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120/min", "120/min"),
        ("5/hour", "5/hour"),
        ("10/s", "10/sec"),
        (" 7 / Minutes ", "7/min"),
        ("5000/day", "5000/day"),
        ("none", None),
        ("OFF", None),
    ],
)
def test_a_rate_is_read_from_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv("THROTTLE_TEST", value)
    assert base.env_rate("THROTTLE_TEST", "1/min") == expected


@pytest.mark.parametrize(
    "value", ["abc", "0/min", "-1/min", "1.5/min", "10/fortnight", "10", "/min", "10/", "١٠/min"]
)
def test_a_bad_rate_is_refused_naming_the_variable(monkeypatch, value):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("THROTTLE_TEST", value)
    with pytest.raises(ImproperlyConfigured, match=r"THROTTLE_TEST must be a rate like 120/min"):
        base.env_rate("THROTTLE_TEST", "1/min")


def test_the_older_name_of_the_anonymous_rate_still_works(monkeypatch):
    monkeypatch.delenv("THROTTLE_ANON", raising=False)
    monkeypatch.setenv("API_ANON_RATE", "9/hour")
    assert base.env_rate("THROTTLE_ANON", "120/min", older="API_ANON_RATE") == "9/hour"
    monkeypatch.setenv("THROTTLE_ANON", "8/min")
    assert base.env_rate("THROTTLE_ANON", "120/min", older="API_ANON_RATE") == "8/min"


@pytest.mark.parametrize("value", ["0", "-3", "abc", "2.5", "٣"])
def test_a_bad_login_limit_is_refused(monkeypatch, value):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("LOGIN_FAILURE_LIMIT", value)
    with pytest.raises(ImproperlyConfigured, match="LOGIN_FAILURE_LIMIT must be a whole number"):
        base.env_int("LOGIN_FAILURE_LIMIT", 5)


def run_settings(**env):
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'asean_archive.settings.base'\n"
        "from django.conf import settings\n"
        "print(repr((settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'],"
        " settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME.total_seconds())))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "SECRET_KEY": "x" * 60, **env},
        check=False,
    )


def test_the_settings_read_every_limit_from_the_environment():
    defaults = run_settings()
    assert defaults.returncode == 0, defaults.stderr
    assert defaults.stdout.strip() == repr(
        ({"anon": "120/min", "user": "600/min", "staff": None, "search": "30/min"}, 5, 900.0)
    )
    given = run_settings(
        THROTTLE_ANON="60/min",
        THROTTLE_USER="1000/hour",
        THROTTLE_STAFF="6000/min",
        THROTTLE_SEARCH="10/min",
        LOGIN_FAILURE_LIMIT="8",
        LOGIN_COOLOFF_MINUTES="30",
    )
    assert given.returncode == 0, given.stderr
    assert given.stdout.strip() == repr(
        (
            {"anon": "60/min", "user": "1000/hour", "staff": "6000/min", "search": "10/min"},
            8,
            1800.0,
        )
    )


def test_a_bad_rate_stops_the_site_from_starting():
    result = run_settings(THROTTLE_SEARCH="lots")
    assert result.returncode != 0
    assert "ImproperlyConfigured: THROTTLE_SEARCH must be a rate like 120/min" in result.stderr


# -- admin login lockouts -----------------------------------------------------------------

LOCKOUT = override_settings(
    AXES_ENABLED=True, AXES_FAILURE_LIMIT=3, AXES_COOLOFF_TIME=timedelta(minutes=15)
)


@pytest.fixture
def boss(db, django_user_model):
    return django_user_model.objects.create_user(
        username="boss", password=PASSWORD, is_staff=True, is_superuser=True
    )


def login(username, password, address, **extra):
    client = Client(REMOTE_ADDR=address)
    response = client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, **extra
    )
    return response, client


def logged_in(response):
    return response.status_code == 302 and response["Location"] == "/admin/"


@LOCKOUT
def test_an_account_is_locked_after_repeated_failures_from_any_address(boss, django_user_model):
    for n in range(2):
        response, _ = login("boss", f"wrong-{n}", f"203.0.113.{n + 1}")
        assert response.status_code == 200  # the login form again, with its error
    # The third failure is answered with the lockout; the right password then comes too late.
    assert login("boss", "wrong-2", "203.0.113.3")[0].status_code == 429
    response, client = login("boss", PASSWORD, "203.0.113.50")
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode()
    assert "Đăng nhập tạm bị khoá" in text
    assert "3 lần đăng nhập sai" in text and "15 phút" in text
    assert client.get("/admin/").status_code == 302  # not signed in
    # Another account from that address is not locked.
    django_user_model.objects.create_user(username="chief", password=PASSWORD, is_staff=True)
    response, _ = login("chief", PASSWORD, "203.0.113.50")
    assert logged_in(response)


@LOCKOUT
def test_an_address_is_locked_after_repeated_failures_for_any_accounts(boss):
    codes = [login(name, "guess", "198.51.100.20")[0].status_code for name in ("al", "bo", "cy")]
    assert codes == [200, 200, 429]
    response, _ = login("boss", PASSWORD, "198.51.100.20")
    assert response.status_code == 429
    assert "Đăng nhập tạm bị khoá" in response.content.decode()
    assert logged_in(login("boss", PASSWORD, "198.51.100.21")[0])


@LOCKOUT
def test_the_lockout_page_is_in_english_for_an_english_browser(boss):
    for _ in range(3):
        login("boss", "wrong", "198.51.100.30")
    response, _ = login("boss", PASSWORD, "198.51.100.30", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    text = response.content.decode()
    assert "Login temporarily locked" in text
    assert "Please try again in 15 minutes" in text


@LOCKOUT
def test_a_lockout_ends_after_the_cool_off(boss):
    from axes.models import AccessAttempt

    for _ in range(3):
        login("boss", "wrong", "198.51.100.40")
    assert login("boss", PASSWORD, "198.51.100.40")[0].status_code == 429
    AccessAttempt.objects.update(attempt_time=F_minus(timedelta(minutes=14)))
    assert login("boss", PASSWORD, "198.51.100.40")[0].status_code == 429
    # That attempt started the wait again: 16 minutes after the lockout, 2 after the attempt.
    AccessAttempt.objects.update(attempt_time=F_minus(timedelta(minutes=2)))
    assert login("boss", PASSWORD, "198.51.100.40")[0].status_code == 429
    AccessAttempt.objects.update(attempt_time=F_minus(timedelta(minutes=15, seconds=1)))
    assert logged_in(login("boss", PASSWORD, "198.51.100.40")[0])


def F_minus(delta):
    from django.db.models import F

    return F("attempt_time") - delta


@LOCKOUT
def test_a_successful_login_clears_the_failures(boss):
    for _ in range(2):
        login("boss", "wrong", "198.51.100.50")
    assert logged_in(login("boss", PASSWORD, "198.51.100.50")[0])
    for _ in range(2):
        login("boss", "wrong", "198.51.100.50")
    assert logged_in(login("boss", PASSWORD, "198.51.100.50")[0])


@LOCKOUT
def test_an_unknown_account_locks_the_same_way(db):
    """No difference tells a visitor which usernames exist."""
    for _ in range(3):
        login("ghost", "wrong", "198.51.100.60")
    response, _ = login("ghost", "wrong", "198.51.100.61")
    assert response.status_code == 429


@LOCKOUT
def test_the_audit_log_still_records_each_login_and_failure(boss):
    for _ in range(3):
        login("boss", "wrong", "198.51.100.70")
    login("boss", PASSWORD, "198.51.100.70")  # refused: locked
    failures = AuditEntry.objects.filter(action="login_failed")
    assert failures.count() == 4
    assert {(e.target_repr, e.ip) for e in failures} == {("boss", "198.51.100.70")}
    assert not AuditEntry.objects.filter(action="login").exists()
    assert login("boss", PASSWORD, "198.51.100.71")[0].status_code == 429  # per account
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()  # what `manage.py axes_reset` does
    assert logged_in(login("boss", PASSWORD, "198.51.100.71")[0])
    entry = AuditEntry.objects.get(action="login")
    assert (entry.target_repr, entry.ip) == ("boss", "198.51.100.71")


@LOCKOUT
@override_settings(REST_FRAMEWORK={**base.REST_FRAMEWORK, "NUM_PROXIES": 1})
def test_behind_a_proxy_lockouts_follow_the_forwarded_address(boss):
    proxy = "10.0.0.5"
    for name in ("alice", "bob", "carol"):
        login(name, "guess", proxy, HTTP_X_FORWARDED_FOR="198.51.100.80")
    locked, _ = login("boss", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="198.51.100.80")
    assert locked.status_code == 429
    # Another client behind the same proxy signs in.
    assert logged_in(login("boss", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="198.51.100.81")[0])


def test_tests_sign_in_with_client_login_while_axes_is_off(client, boss):
    """The suite's setting: Client.login() passes no request, which django-axes refuses."""
    assert client.login(username="boss", password=PASSWORD)
    with override_settings(AXES_ENABLED=True):
        from axes.exceptions import AxesBackendRequestParameterRequired

        with pytest.raises(AxesBackendRequestParameterRequired):
            Client().login(username="boss", password=PASSWORD)


def test_the_lockout_settings_are_the_ones_documented():
    from django.conf import settings

    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    middleware = settings.MIDDLEWARE
    assert middleware.index("articles.throttling.SearchThrottleMiddleware") < middleware.index(
        "articles.caching.PageCacheFetchMiddleware"
    )
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in (
        "THROTTLE_ANON",
        "THROTTLE_USER",
        "THROTTLE_STAFF",
        "THROTTLE_SEARCH",
        "LOGIN_FAILURE_LIMIT",
        "LOGIN_COOLOFF_MINUTES",
    ):
        assert re.search(rf"`{name}`", readme), name


def test_simultaneous_requests_never_get_past_the_rate(rates):
    """Counted with the cache's atomic increment: many requests at once, from threads as
    from processes, let exactly the rate through (DRF's read-and-write-back list lets
    nearly all of them through)."""
    import threading

    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from articles.throttling import AnonymousRateThrottle

    rates(anon="10/min")
    start = threading.Barrier(40)
    allowed = []

    def request():
        http = RequestFactory().get(API, REMOTE_ADDR="198.51.100.90")
        http.user = AnonymousUser()
        throttle = AnonymousRateThrottle()
        start.wait()
        allowed.append(throttle.allow_request(http, None))

    threads = [threading.Thread(target=request) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (allowed.count(True), allowed.count(False)) == (10, 30)
