"""Scaling out: bench/scale_out.py run as a test. Two servers on one PostgreSQL and one Redis
share the API's and the search page's rates, cache invalidation, sessions and login lockouts.

It runs where DATABASE_URL (or SCALE_OUT_DATABASE_URL) names a PostgreSQL server, as in the
PostgreSQL pass of .ci/run, and skips, saying why, where PostgreSQL or Redis cannot be reached.
"""

import os
import subprocess
import sys

import pytest

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import scale_out


@pytest.fixture
def services():
    """Return the PostgreSQL and Redis URLs to run against, or skip saying why."""
    database_url = os.environ.get("SCALE_OUT_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        pytest.skip(
            "the scale-out proof needs PostgreSQL: it runs in the PostgreSQL pass of .ci/run "
            "(DATABASE_URL=postgres://…) or with SCALE_OUT_DATABASE_URL"
        )
    redis_url = os.environ.get("SCALE_OUT_REDIS_URL", "redis://127.0.0.1:6379/7")
    import psycopg

    try:
        psycopg.connect(scale_out.admin_dsn(database_url), connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at {database_url}: {exc}")
    try:
        scale_out.redis_client(redis_url).close()
    except scale_out.CannotRun as exc:
        pytest.skip(str(exc))
    return database_url, redis_url


@pytest.mark.postgres
def test_two_servers_share_rates_cache_invalidation_sessions_and_lockouts(services):
    database_url, redis_url = services
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "scale_out.py"),
            "--database-url",
            database_url,
            "--redis-url",
            redis_url,
            "--timeout",
            "150",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=200,
        check=False,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "FAIL" not in result.stdout, report
    rows = {line.split("  ")[0]: line for line in result.stdout.splitlines() if "  " in line}
    for name in (
        "API rate, requests alternated A/B",
        "API rate, concurrent burst",
        "search page rate, alternated A/B",
        "cache invalidation, edit on B seen on A",
        "sessions, login on A signed in on B",
        "login lockout, failures on A and B",
    ):
        assert " PASS " in rows.get(name, ""), (name, report)
    assert "6/6 passed" in result.stdout, report


def test_the_proof_refuses_what_it_cannot_run_on():
    """Not PostgreSQL, or nothing listening: exit 2 and say why, nothing proved either way."""
    assert scale_out.main(["--database-url", "sqlite:///x.sqlite3"]) == 2
    unreachable = scale_out.main(
        [
            "--database-url",
            "postgres://postgres@127.0.0.1:5432/",
            "--redis-url",
            "redis://127.0.0.1:1/7",
        ]
    )
    assert unreachable == 2
