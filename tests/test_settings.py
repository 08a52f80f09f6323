"""Settings read the environment; production refuses to start without a SECRET_KEY."""

import subprocess
import sys

from .conftest import ROOT

SHOWN = "settings.DEBUG, settings.DATABASES['default']['ENGINE'], settings.ALLOWED_HOSTS"


def load_settings(module, shown=SHOWN, **env):
    """Load ``module`` in a fresh interpreter with only ``env``; print ``shown``."""
    code = (
        f"import os; os.environ['DJANGO_SETTINGS_MODULE'] = '{module}'\n"
        "from django.conf import settings\n"
        f"print({shown})"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", **env},
        check=False,
    )


def test_production_settings_refuse_to_start_without_secret_key():
    proc = load_settings("asean_archive.settings.base")
    assert proc.returncode != 0
    assert "SECRET_KEY is not set" in proc.stderr


def test_production_settings_read_the_environment():
    proc = load_settings(
        "asean_archive.settings.base",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="archive.example,b.example",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [
        "False",
        "django.db.backends.postgresql",
        "['archive.example',",
        "'b.example']",
    ]


def test_manage_py_defaults_to_development_settings():
    proc = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    proc = load_settings("asean_archive.settings.dev")
    assert proc.stdout.split()[:2] == ["True", "django.db.backends.sqlite3"]


def test_log_levels_are_read_in_any_case_and_a_wrong_one_is_named():
    base = {"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "archive.example"}
    proc = load_settings(
        "asean_archive.settings.base", LOG_LEVEL="info", DJANGO_LOG_LEVEL=" Warning ", **base
    )
    assert proc.returncode == 0, proc.stderr  # gunicorn's "info" is Python's "INFO"
    proc = load_settings("asean_archive.settings.base", LOG_LEVEL="verbose", **base)
    assert proc.returncode != 0
    assert "LOG_LEVEL must be one of" in proc.stderr and "'VERBOSE'" in proc.stderr
    proc = load_settings("asean_archive.settings.base", LOG_LEVEL="warn", **base)
    assert proc.returncode == 0, proc.stderr  # Python's own alias


def connection_settings(**env):
    db = "settings.DATABASES['default']"
    return load_settings(
        "asean_archive.settings.base",
        shown=f"{db}['CONN_MAX_AGE'], {db}['CONN_HEALTH_CHECKS']",
        **{"SECRET_KEY": "x" * 50, **env},
    )


def test_production_keeps_its_database_connections_and_checks_them():
    assert connection_settings().stdout.split() == ["60", "True"]
    assert connection_settings(DEBUG="1").stdout.split() == ["0", "True"]
    assert connection_settings(CONN_MAX_AGE="0").stdout.split() == ["0", "True"]
    refused = connection_settings(CONN_MAX_AGE="-1")
    assert refused.returncode != 0 and "CONN_MAX_AGE must be a whole number" in refused.stderr
