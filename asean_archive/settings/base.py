"""Settings for ASEAN Archive, read from the environment.

Every integration comes from an environment variable with a safe default:
DATABASE_URL (SQLite file in the project by default), SECRET_KEY, DEBUG,
ALLOWED_HOSTS, CACHE_URL or REDIS_URL (this process's memory by default). Without
DEBUG the site refuses to start on a missing or development SECRET_KEY, so
production cannot run on the default key.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment, or DEBUG=1 for development."
        )
    SECRET_KEY = DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "taggit",
    "articles",
    "audit",
]

MIDDLEWARE = [
    # First, to see the response as it leaves: a cookie set by any middleware keeps it out.
    "articles.caching.PageCacheStoreMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Serves the shipped static files itself when DEBUG is off: the site needs no CDN.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "asean_archive.middleware.ArchiveLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Attributes the audit log's entries to the request's user (read only when one is written).
    "audit.middleware.AuditActorMiddleware",
    # After the user and the language are known; anonymous readers only.
    "articles.caching.PageCacheFetchMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "asean_archive.urls"
WSGI_APPLICATION = "asean_archive.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "articles.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue instead of failing with "database is locked": a write transaction
    # takes the lock when it begins, and waits up to 20 s for another writer to finish.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )


def cache_settings(url, *, timeout, key_prefix):
    """Return CACHES for a cache URL: Redis for redis:// or rediss://, this process's memory
    for locmem:// or none. Anything else is refused, not silently replaced."""
    scheme = url.partition("://")[0].lower() if url else "locmem"
    options = {}
    if scheme in {"redis", "rediss"}:
        backend, location = "django.core.cache.backends.redis.RedisCache", url
        # An unreachable Redis must cost a request a fraction of a second, not hang it: the
        # page is then served uncached (articles/caching.py logs the error).
        options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    elif scheme == "locmem":
        backend, location = "django.core.cache.backends.locmem.LocMemCache", "asean-archive"
    else:
        raise ImproperlyConfigured(
            f"CACHE_URL/REDIS_URL must start with redis://, rediss:// or locmem://, not {url!r}."
        )
    return {
        "default": {
            "BACKEND": backend,
            "LOCATION": location,
            "TIMEOUT": timeout,
            "KEY_PREFIX": key_prefix,
            **({"OPTIONS": options} if options else {}),
        }
    }


# Pages and API reads for anonymous readers are cached for CACHE_SECONDS at most, and
# invalidated at once by every change (articles/caching.py). Several web processes share
# invalidations only through Redis: local memory is per process.
CACHES = cache_settings(
    os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL"),
    timeout=int(os.environ.get("CACHE_SECONDS") or 300),
    key_prefix=os.environ.get("CACHE_KEY_PREFIX", "asean-archive"),
)

# The importer refuses files larger than this (MB); `import_articles --max-size` overrides.
IMPORT_MAX_MB = float(os.environ.get("IMPORT_MAX_MB", "10"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first, English second.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed copies made by collectstatic, cached for ever by browsers.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Tag lookups by name ignore case, so "Covid-19" and "COVID-19" are one tag.
TAGGIT_CASE_INSENSITIVE = True

# Where the importer's rules and vocabularies live: data, not code.
ARCHIVE_FIXTURES_DIR = BASE_DIR / "fixtures"

REST_FRAMEWORK = {
    # Token first: an anonymous write is then a 401 naming the scheme, not a bare 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_SCHEMA_CLASS": "articles.api.schema.ArchiveAutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    # Anonymous clients only; editors are not throttled. "120/min", "5000/day"...
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "120/min")},
    # Clients are told apart by REMOTE_ADDR unless NUM_PROXIES says how many proxies to
    # trust in X-Forwarded-For: a client-written header must not reset its own count.
    "NUM_PROXIES": int(os.environ.get("NUM_PROXIES") or 0),
    "DEFAULT_VERSIONING_CLASS": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "ASEAN Archive API",
    "DESCRIPTION": (
        "Vietnamese news coverage of ASEAN diplomacy: articles tagged by meeting and theme. "
        "Anyone reads published articles; staff editors write with a session or a token "
        "(`Authorization: Token …`). Article responses carry an ETag: send it back in "
        "If-Match when you update, in If-None-Match when you read again."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # `fields=` picks the fields a response holds, so no response field is required.
    "COMPONENT_NO_READ_ONLY_REQUIRED": True,
    # The documentation's assets are shipped (drf-spectacular-sidecar): no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# CORS: off unless API_CORS_ORIGINS lists origins ("*" for any); read-only, API only.
API_CORS_ORIGINS = env_list("API_CORS_ORIGINS")
CORS_ALLOW_ALL_ORIGINS = API_CORS_ORIGINS == ["*"]
CORS_ALLOWED_ORIGINS = [] if CORS_ALLOW_ALL_ORIGINS else API_CORS_ORIGINS
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
