"""Settings for ASEAN Archive, read from the environment.

Every integration comes from an environment variable with a safe default:
DATABASE_URL (SQLite file in the project by default), SECRET_KEY, DEBUG,
ALLOWED_HOSTS, CACHE_URL or REDIS_URL (this process's memory by default). Without
DEBUG the site refuses to start on a missing or development SECRET_KEY, so
production cannot run on the default key.
"""

import base64
import hashlib
import logging
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default, *, minimum=1):
    """Read a whole number of at least ``minimum`` from the environment; refuse anything else."""
    value = (os.environ.get(name) or str(default)).strip()
    if not (value.isascii() and value.isdigit()) or int(value) < minimum:
        raise ImproperlyConfigured(f"{name} must be a whole number >= {minimum}, not {value!r}.")
    return int(value)


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
    # The admin's import page and its background jobs (TASKS below).
    "imports",
    # The database queue of Django's tasks framework and its worker, `manage.py db_worker`.
    "django_tasks_db",
    # Admin login attempts: lockouts per account and per address (below).
    "asean_archive.apps.AxesConfig",  # django-axes, named in the admin
]

MIDDLEWARE = [
    # Outermost: times the whole request and logs its final status (asean_archive/request_log.py).
    "asean_archive.request_log.RequestLogMiddleware",
    # First, to see the response as it leaves: a cookie set by any middleware keeps it out.
    "articles.caching.PageCacheStoreMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (SECURE_CSP below); inside the page cache, so a cached page
    # keeps the header it was made with (public pages use no nonce).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Serves the shipped static files itself when DEBUG is off: the site needs no CDN.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "asean_archive.middleware.ArchiveLocaleMiddleware",
    # A NUL in the path (404) or the query string (400), refused before any view or query.
    "asean_archive.hostile.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Attributes the audit log's entries to the request's user (read only when one is written).
    "audit.middleware.AuditActorMiddleware",
    # The search page's rate per address, counted before the page cache answers.
    "articles.throttling.SearchThrottleMiddleware",
    # A scheduled moment passed: the counts settled and the cached pages dropped, before the
    # page cache is read (articles/schedule.py; one cache read when nothing is due).
    "articles.schedule.ScheduleMiddleware",
    # After the user and the language are known; anonymous readers only.
    "articles.caching.PageCacheFetchMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its 429 page.
    "axes.middleware.AxesMiddleware",
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
                # {{ csp_nonce }} / {% csp_nonce_attr %} for the inline code that needs one.
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "articles.context_processors.site",
            ],
        },
    },
]

# Each process keeps its connection for CONN_MAX_AGE seconds (60 without DEBUG: opening one
# per request cost a third of the throughput under load, bench/RESULTS.md "Load"); a kept
# connection is checked before a request reuses it, so a database restart costs no error.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 0 if DEBUG else 60, minimum=0),
        conn_health_checks=True,
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

# Background tasks (django.tasks: the admin's import jobs, imports/tasks.py). By default a
# queue in the database, run by `manage.py db_worker` (`make run` starts it beside the
# server): nothing more to install or run. TASKS_REDIS_URL puts the queue in that Redis
# instead (django-tasks-rq), run by `manage.py rqworker --job-class
# django_tasks_rq.backend.Job default`. Either way a worker may be another machine.
TASKS_REDIS_URL = os.environ.get("TASKS_REDIS_URL", "")
if TASKS_REDIS_URL:
    INSTALLED_APPS.append("django_rq")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    # A job imports file by file and resumes where it stopped: an hour is ample per run.
    RQ_QUEUES = {"default": {"URL": TASKS_REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

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
# Dates day first in forms too ("07/04/2021"; asean_archive/formats/).
FORMAT_MODULE_PATH = ["asean_archive.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic writes and WhiteNoise serves from; a server reads what its own
# collectstatic wrote, so a second checkout or a bench points it elsewhere.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
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

RATE_PERIODS = {
    **dict.fromkeys(("s", "sec", "second", "seconds"), "sec"),
    **dict.fromkeys(("m", "min", "minute", "minutes"), "min"),
    **dict.fromkeys(("h", "hour", "hours"), "hour"),
    **dict.fromkeys(("d", "day", "days"), "day"),
}


def env_rate(name, default, *, older=None):
    """Read a rate like "120/min" (a count per second, minute, hour or day) from the
    environment, or "none" for no limit; anything else refuses to start."""
    value = os.environ.get(name) or (os.environ.get(older) if older else None) or default
    text = value.strip().lower()
    if text in {"none", "off"}:
        return None
    count, _slash, period = text.replace(" ", "").partition("/")
    if count.isascii() and count.isdigit() and int(count) > 0 and period in RATE_PERIODS:
        return f"{int(count)}/{RATE_PERIODS[period]}"
    raise ImproperlyConfigured(
        f"{name} must be a rate like 120/min (a positive count per sec, min, hour or day) "
        f"or 'none' for no limit, not {value!r}."
    )


REST_FRAMEWORK = {
    # Token first: an anonymous write is then a 401 naming the scheme, not a bare 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_SCHEMA_CLASS": "articles.api.schema.ArchiveAutoSchema",
    # Each kind of client its own rate, counted atomically in the shared cache, so that
    # every worker and server shares one count (articles/throttling.py). A throttled
    # request is a 429 with Retry-After. "none" lifts a limit.
    "DEFAULT_THROTTLE_CLASSES": [
        "articles.throttling.AnonymousRateThrottle",
        "articles.throttling.UserRateThrottle",
        "articles.throttling.StaffRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        # Anonymous API clients, per address (API_ANON_RATE is the older name).
        "anon": env_rate("THROTTLE_ANON", "120/min", older="API_ANON_RATE"),
        # Signed-in API clients that are not staff, per account.
        "user": env_rate("THROTTLE_USER", "600/min"),
        # Staff (editors' scripts, the admin's API calls), per account: no limit by default.
        "staff": env_rate("THROTTLE_STAFF", "none"),
        # The HTML search page, per address, staff exempt (SearchThrottleMiddleware).
        "search": env_rate("THROTTLE_SEARCH", "30/min"),
    },
    # Clients are told apart by REMOTE_ADDR unless NUM_PROXIES says how many proxies to
    # trust in X-Forwarded-For: a client-written header must not reset its own count.
    "NUM_PROXIES": int(os.environ.get("NUM_PROXIES") or 0),
    "DEFAULT_VERSIONING_CLASS": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# Admin login attempts (django-axes): after LOGIN_FAILURE_LIMIT failed logins for one
# username, or from one address, further attempts for it are refused with a 429 page for
# LOGIN_COOLOFF_MINUTES (an attempt meanwhile starts the wait again); a success clears the
# count. The counts are rows in the database (AccessAttempt), which every process and server
# shares whatever the cache is, and which the admin lists; `manage.py axes_reset` clears them.
AXES_ENABLED = env_bool("LOGIN_LOCKOUT", True)
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
# Per account and, separately, per address: neither many passwords for one account from
# many addresses, nor many accounts from one address.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# The address under the same rule as the API's throttle and the audit log (NUM_PROXIES).
AXES_CLIENT_IP_CALLABLE = "articles.throttling.client_address"
AXES_LOCKOUT_CALLABLE = "articles.throttling.login_locked_out"
# The audit log records every login already (audit/signals.py).
AXES_DISABLE_ACCESS_LOG = True
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

SPECTACULAR_SETTINGS = {
    "TITLE": "ASEAN Archive API",
    "DESCRIPTION": (
        "Vietnamese news coverage of ASEAN diplomacy: articles tagged by meeting and theme. "
        "Anyone reads published articles; staff editors write with a session or a token "
        "(`Authorization: Token …`). Article responses carry an ETag: send it back in "
        "If-Match when you update, in If-None-Match when you read again.\n\n"
        "Every operation documents each status it can answer and the body of each: errors "
        'are `{"detail": "…"}`, invalid input an object of field names to lists of '
        "messages. Any request may be answered 401 (an unknown token), 406, 414 (by the "
        "server, over 4094 bytes of request line) or 429 (with `Retry-After`). Text never "
        "holds NUL (U+0000): one in a path is a 404, in a parameter or a body a 400."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # `fields=` picks the fields a response holds, so no response field is required.
    "COMPONENT_NO_READ_ONLY_REQUIRED": True,
    # An article's status as shown to staff, and as written (the trash is reached by DELETE).
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "articles.models.Article.Status",
        "WritableStatusEnum": "articles.api.schema.WRITABLE_STATUSES",
    },
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

# -- Deployment: HTTPS, security headers, CSP, logs -------------------------------------
# With DEBUG off these pass `manage.py check --deploy --fail-level WARNING` as they are; each
# one can be changed from the environment (README, "Production").


def env_proxy_ssl_header(name):
    """Read the proxy's HTTPS header, "HTTP_X_FORWARDED_PROTO,https" or
    "X-Forwarded-Proto,https", as Django's (META key, value) pair; None when unset."""
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    header, _comma, expected = (part.strip() for part in value.partition(","))
    if not header or not expected:
        raise ImproperlyConfigured(
            f"{name} must be a header and its HTTPS value, like "
            f"'HTTP_X_FORWARDED_PROTO,https', not {value!r}."
        )
    header = header.upper().replace("-", "_")
    return (header if header.startswith("HTTP_") else f"HTTP_{header}", expected)


# Behind a proxy that terminates TLS, the header it sets on HTTPS requests. Only set it when
# the proxy always sets or strips that header: a client could otherwise claim HTTPS.
SECURE_PROXY_SSL_HEADER = env_proxy_ssl_header("SECURE_PROXY_SSL_HEADER")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# A load balancer may ask over plain HTTP (asean_archive/health.py).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS") or (0 if DEBUG else 31536000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Joining the browsers' preload list is the domain owner's decision and hard to undo: off
# unless asked for, and then check --deploy's reminder of it (W021) is silenced.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS") + (
    [] if SECURE_HSTS_PRELOAD else ["security.W021"]
)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = os.environ.get("SECURE_REFERRER_POLICY", "same-origin")
X_FRAME_OPTIONS = "DENY"


def csp_hash(source):
    """Return the CSP source expression allowing this exact inline text."""
    digest = base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()
    return f"'sha256-{digest}'"


# The style attributes in the templates of DRF's browsable API (floats, borders, a width),
# allowed by their exact text: no other inline style runs.
DRF_STYLE_ATTRIBUTES = [
    "float: right; margin-right: 10px",
    "float: right",
    "border-bottom: 1px solid #e5e5e5",
    "border-bottom: 0",
    "width: 350px",
]

# Only the site's own files; inline code only with the request's nonce. The public pages
# have none (so a cached page needs no fresh nonce); Swagger UI's start-up script and the
# browsable API's code colours are the exceptions. data: images are Swagger UI's icons.
_CSP_POLICY = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "style-src-attr": [CSP.UNSAFE_HASHES, *map(csp_hash, DRF_STYLE_ATTRIBUTES)],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if os.environ.get("CSP_REPORT_URI"):
    _CSP_POLICY["report-uri"] = [os.environ["CSP_REPORT_URI"]]
# CSP_REPORT_ONLY=1 reports violations without blocking anything: for trying a change.
if env_bool("CSP_REPORT_ONLY"):
    SECURE_CSP, SECURE_CSP_REPORT_ONLY = {}, _CSP_POLICY
else:
    SECURE_CSP, SECURE_CSP_REPORT_ONLY = _CSP_POLICY, {}

# One line per record: JSON (LOG_FORMAT=json, the default without DEBUG) or text. The web
# server logs to stdout (gunicorn.conf.py sets LOG_STREAM=stdout); management commands to
# stderr by default, so their stdout stays their output (dumpdata, import --format json).
# Each request is one line from asean_archive.request (REQUEST_LOG=0 turns it off); Django's
# own errors and warnings go the same way.
LOG_FORMAT = os.environ.get("LOG_FORMAT") or ("text" if DEBUG else "json")
LOG_STREAM = os.environ.get("LOG_STREAM") or "stderr"
if LOG_FORMAT not in {"json", "text"} or LOG_STREAM not in {"stdout", "stderr"}:
    raise ImproperlyConfigured("LOG_FORMAT must be json or text, LOG_STREAM stdout or stderr.")


def env_log_level(name, default):
    """A level name of Python's logging in any case ("info" as gunicorn writes it is "INFO";
    "warn" is "WARN"); anything else stops the start, naming the variable."""
    value = (os.environ.get(name) or default).strip().upper()
    if value not in logging.getLevelNamesMapping():
        names = ", ".join(sorted(logging.getLevelNamesMapping(), key=logging.getLevelName))
        raise ImproperlyConfigured(f"{name} must be one of {names}, not {value!r}.")
    return value


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "asean_archive.request_log.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "asean_archive.request_log.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": f"ext://sys.{LOG_STREAM}",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_log_level("LOG_LEVEL", "WARNING")},
    "loggers": {
        # No handler of their own: they reach the root's, once, in its format.
        "django": {"level": env_log_level("DJANGO_LOG_LEVEL", "INFO"), "propagate": True},
        "asean_archive.request": {
            "level": "INFO" if env_bool("REQUEST_LOG", True) else "WARNING",
            "propagate": True,
        },
    },
}
