"""Settings for the test suite: the real settings, made fast and deterministic."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key")

from asean_archive.settings.base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# A connection per test thread, closed when it ends (as the suite always had it).
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Hashing passwords with MD5 makes creating test users fast; never used outside tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests run over plain HTTP with the test client (and the browser tests' live server): no
# redirect to HTTPS; tests/test_deploy.py checks the production values.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
# An in-memory cache keeps tests independent of a running cache server.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Pages render {% static %} without a collectstatic manifest; WhiteNoise serves from the
# finders, so the live server of the browser tests has its CSS.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# django-axes refuses authenticate() without a request, and Client.login() passes none;
# tests/test_limits.py turns it on for the lockouts themselves.
AXES_ENABLED = False
WHITENOISE_AUTOREFRESH = True
# Background tasks run at once, in the test's own transaction (the worker is tested apart).
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
