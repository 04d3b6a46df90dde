"""Settings shared by every environment. Values that vary come from site_config.env."""

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from site_config import env

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# --- Core -------------------------------------------------------------------------------------
DEBUG = False
SECRET_KEY = None  # each environment module sets it; production requires it from the environment
ALLOWED_HOSTS: list[str] = []
ROOT_URLCONF = "site_config.urls"
WSGI_APPLICATION = "site_config.wsgi.application"
ASGI_APPLICATION = "site_config.asgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "site_config.apps.StaticFilesConfig",  # django.contrib.staticfiles, without ReDoc
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "site_config",  # the admin login limit's counts (site_config/login_throttle.py)
    "catalog",
]

MIDDLEWARE = [
    # Bodies over the limit refused unread, no body for HEAD (site_config/request_guards.py).
    "site_config.request_guards.RequestGuardMiddleware",
    # /healthz next: no host check, redirect, session or cookie (site_config/health.py).
    "site_config.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed for browsers that accept gzip (a list page's 70 KB of HTML becomes about
    # 10): after static files, which whitenoise serves compressed already, and around the page
    # cache, so that a cached page is compressed too. Django's GZipMiddleware pads each body
    # against BREACH-style length attacks and makes the ETag weak, which conditional requests
    # compare weakly.
    "django.middleware.gzip.GZipMiddleware",
    # Whole pages for anonymous visitors (site_config/page_cache.py): after the HTTPS redirect and
    # static files, before sessions, so that a hit runs no more middleware and sets no cookie.
    # A first visit to / from a browser that prefers Chinese goes to /zh-hans/ or /zh-hant/
    # (site_config/language.py): before the page cache, which would serve the English home page.
    "site_config.language.FirstVisitLanguageMiddleware",
    "site_config.page_cache.PageCacheMiddleware",
    # Cross-origin reads of /api/ (CORS_URLS_REGEX): before anything that may answer early.
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "site_config.login_throttle.AdminLoginThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database: SQLite by default, anything dj-database-url understands through DATABASE_URL ----
DATABASES = {
    "default": env.database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite under several workers (docs/deploy.md): readers go on while one writer writes (WAL);
    # a transaction takes the write lock when it begins, so a second writer waits for it (up to
    # "timeout" seconds) instead of failing half-way with "database is locked". SQLite's waiting
    # writers poll and are not served in turn: under 8 editors and 32 readers on 2 cores one save
    # waited 33 s (tests/test_concurrent_edits.py), hence a minute.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 60,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }

# --- Cache: Redis when REDIS_URL is set, local memory otherwise ------------------------------
# A Redis outage degrades the cache (misses, logged) instead of failing every request.
# "default" holds the pages cached for anonymous visitors (site_config/page_cache.py);
# "catalogue_version" the version they are keyed on (catalog/cache.py), which every process that
# serves pages or changes the catalogue must share: Redis when there is one, otherwise (in
# production) a file the workers of one server and manage.py share (settings/production.py).
# "login_throttle" holds rate-limit counts every process must share (catalog/reports.py): Redis
# when there is one, otherwise (in production) a file cache the workers of one server share. (The
# admin login limit itself counts in the database: site_config/login_throttle.py.)
_redis_url = env.redis_url("REDIS_URL", None)


def _redis_cache(prefix):
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": _redis_url,
        "KEY_PREFIX": prefix,
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 2,
            "SOCKET_TIMEOUT": 2,
        },
    }


_LOCAL_MEMORY = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
CACHES = {
    "default": _redis_cache("atlas") if _redis_url else _LOCAL_MEMORY,
    "catalogue_version": (
        _redis_cache("atlas") if _redis_url else {**_LOCAL_MEMORY, "LOCATION": "catalogue-version"}
    ),
    "login_throttle": (
        _redis_cache("atlas-login") if _redis_url else {**_LOCAL_MEMORY, "LOCATION": "login"}
    ),
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# --- Page cache: public pages for anonymous visitors, whole (site_config/page_cache.py) ---------
# Off unless an environment module turns it on: production does, unless ATLAS_PAGE_CACHE=off.
PAGE_CACHE_ENABLED = False
PAGE_CACHE_SECONDS = env.integer("ATLAS_PAGE_CACHE_SECONDS", 600, minimum=1, maximum=24 * 60 * 60)

# --- Facet index: list facets counted over row-id bitmaps in memory (catalog/facet_index.py) --
# Off unless an environment module turns it on: production does, unless ATLAS_FACET_INDEX=off.
# Built again when the catalogue version changes, and at the latest after this many seconds.
FACET_INDEX_ENABLED = False
FACET_INDEX_SECONDS = env.integer("ATLAS_FACET_INDEX_SECONDS", 600, minimum=1, maximum=24 * 60 * 60)

# --- Passwords --------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages: English is the default and keeps unprefixed URLs; Chinese adds a prefix --------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
    ("zh-hant", _("Traditional Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads -----------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.string("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = env.string("DJANGO_MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env.string("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Whether the site itself serves MEDIA_URL from MEDIA_ROOT (site_config/media.py).
SERVE_MEDIA = False

# --- Request bodies: larger ones are answered 413 before they are read (request_guards.py) ----
PUBLIC_REQUEST_MAX_BYTES = 64 * 1024  # the admin login, the language switch, any public form
ADMIN_REQUEST_MAX_BYTES = 8 * 1024 * 1024  # an admin form with one image (at most 5 MB)
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# --- Catalogue data ---------------------------------------------------------------------------
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
# The article every fact rests on; tests compare citation quotes against it when it is present.
SOURCE_ARTICLE_PATH = BASE_DIR.parent / "shared" / "seeds" / "000_ac414d045fd1c466.txt"

# --- Open data: the bulk download at /data/ (catalog/datapackage.py) --------------------------
# The licence of the catalogue's own data (its records, translations, classifications). The
# passages it quotes are short verbatim excerpts that remain their publishers' text.
ATLAS_DATA_LICENCE = {
    "id": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "url": "https://creativecommons.org/licenses/by/4.0/",
    "note": (
        "The licence covers the catalogue's own data. Quoted passages (citations.quote, "
        "quotes.text_zh) are short verbatim excerpts of their sources, which remain their "
        "publishers' text."
    ),
}
# Where the built files are kept, one folder per catalogue version.
ATLAS_DATA_DIR = Path(env.string("ATLAS_DATA_DIR", str(BASE_DIR / "var" / "open-data")))
# Seconds a request waits for a build; a longer one goes on in the background (None: no wait,
# the request builds).
ATLAS_DATA_BUILD_WAIT = 10

# --- Security defaults shared by all environments ---------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
LOGIN_URL = "admin:login"
# Reverse proxies in front of the site: how far to trust X-Forwarded-For (site_config/client_ip.py).
TRUSTED_PROXIES = env.integer("DJANGO_TRUSTED_PROXIES", 0, minimum=0, maximum=5)
# Only these addresses may send X-Forwarded-* headers (site_config/request_guards.py).
TRUSTED_PROXY_ADDRESSES = env.networks("GUNICORN_FORWARDED_ALLOW_IPS", ["127.0.0.1", "::1"])
# Admin login rate limit (site_config/login_throttle.py): failures per window, in the cache.
ADMIN_LOGIN_FAILURE_LIMIT = 5  # per client address and username
ADMIN_LOGIN_FAILURE_LIMIT_PER_ADDRESS = 30  # per client address, whatever the username
ADMIN_LOGIN_FAILURE_WINDOW = 15 * 60  # seconds

# --- Logging: one line per event on stdout ----------------------------------------------------
_log_level = env.log_level("DJANGO_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    # What a client got wrong (4xx) at WARNING, without a traceback (site_config/log_format.py).
    "filters": {"client_errors": {"()": "site_config.log_format.ClientErrorFilter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "line",
            "filters": ["client_errors"],
        },
    },
    "root": {"handlers": ["stdout"], "level": "WARNING"},
    "loggers": {
        "django.request": {"handlers": ["stdout"], "level": "ERROR", "propagate": False},
        "catalog": {
            "handlers": ["stdout"],
            "level": _log_level,
            "propagate": False,
        },
        "site_config": {
            "handlers": ["stdout"],
            "level": _log_level,
            "propagate": False,
        },
    },
}

# --- The read-only JSON API at /api/v1/ (catalog/api, docs/open-data.md) ------------------------
REST_FRAMEWORK = {
    # Anonymous and read-only: no session or cookie is read, so no CSRF either.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": f"{env.integer('ATLAS_API_RATE_PER_MINUTE', 120, minimum=1, maximum=100_000)}/min"
    },
    "NUM_PROXIES": TRUSTED_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Xinzhi Atlas API",
    "DESCRIPTION": (
        "Read-only access to the published catalogue of Xinzhi Atlas (新質圖譜): organisations, "
        "cases, sectors, regions, policies, people, quotes, figures, sources and citations, each "
        "fact with the verbatim passage it rests on. The lists take the same filters, search and "
        "sort as the site's list pages. English text is the catalogue's translation unless marked "
        "official."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # One name per choice set that several fields share.
    "ENUM_NAME_OVERRIDES": {
        "CompanyKindEnum": "catalog.models.CompanyKind",
        "SectorKindEnum": "catalog.models.SectorKind",
        "QuoteKindEnum": "catalog.models.QuoteKind",
        "FigureKindEnum": "catalog.models.MetricKind",
        "RegionLevelEnum": "catalog.models.RegionLevel",
        "PolicyLevelEnum": "catalog.models.PolicyLevel",
        "DatePrecisionEnum": "catalog.models.DatePrecision",
    },
}
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False

# --- Content Security Policy (Django's built-in support): nothing from other origins ----------
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
