"""Production: everything that matters comes from the environment, and nothing fails open.

A missing or malformed required variable stops start-up with one line naming it
(site_config/startup.py); docs/deploy.md lists every variable.
"""

from site_config import env

from .base import *  # noqa: F403
from .base import ADMIN_LOGIN_FAILURE_WINDOW, CACHES, LOGGING, STORAGES

DEBUG = False

# --- Required: the process does not start without them ----------------------------------------
SECRET_KEY = env.string("DJANGO_SECRET_KEY")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
    raise env.EnvError(
        "Environment variable DJANGO_SECRET_KEY must be at least 50 random characters "
        "(make one with: python -c 'import secrets; print(secrets.token_urlsafe(64))')"
    )
ALLOWED_HOSTS = env.csv_list("DJANGO_ALLOWED_HOSTS")
if "*" in ALLOWED_HOSTS:
    raise env.EnvError("Environment variable DJANGO_ALLOWED_HOSTS must name hosts, not '*'")
CSRF_TRUSTED_ORIGINS = env.origins("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# --- HTTPS: redirect, HSTS, cookies only over HTTPS -------------------------------------------
# Turn the redirect off only when the reverse proxy already redirects (or for loopback tests).
SECURE_SSL_REDIRECT = env.boolean("DJANGO_SECURE_SSL_REDIRECT", True)
# The reverse proxy must set X-Forwarded-Proto itself (overwriting what the client sent); from any
# other address the header is dropped (site_config/request_guards.py, TRUSTED_PROXY_ADDRESSES).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True  # read by the server only; no script needs it
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Page cache for anonymous visitors (site_config/page_cache.py): on unless turned off ---------
PAGE_CACHE_ENABLED = env.boolean("ATLAS_PAGE_CACHE", True)

# --- Facet counts from row-id bitmaps in memory (catalog/facet_index.py): on unless turned off ---
FACET_INDEX_ENABLED = env.boolean("ATLAS_FACET_INDEX", True)

# --- Without Redis: what every gunicorn worker must agree on, in files they share ---------------
# Local memory would give each worker values of its own. The catalogue version: an admin edit
# would make only its own worker's cached pages stale, and load_catalogue none (each worker keeps
# its cached pages in its own memory; the version they are keyed on is shared, with manage.py too
# when it sees the same folder). Rate limits kept in the "login_throttle" cache would count
# per worker.
if not env.redis_url("REDIS_URL", None):
    CACHES = {
        **CACHES,
        "catalogue_version": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(
                env.private_directory(
                    "ATLAS_PAGE_CACHE_DIR",
                    env.default_private_directory("xinzhi-atlas-page-cache"),
                )
            ),
        },
        "login_throttle": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(
                env.private_directory(
                    "DJANGO_LOGIN_THROTTLE_DIR",
                    env.default_private_directory("xinzhi-atlas-login-throttle"),
                )
            ),
            # incr() rewrites an entry with the default timeout: make that the window.
            "TIMEOUT": ADMIN_LOGIN_FAILURE_WINDOW,
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
    }

# --- Static files: hashed, compressed (gzip and brotli), cached for a year by whitenoise --------
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Uploads: local folder (one server) or S3-compatible object storage (several) ---------------
SERVE_MEDIA = env.boolean("DJANGO_SERVE_MEDIA", False)
MEDIA_STORAGE = env.choice("DJANGO_MEDIA_STORAGE", ("local", "s3"), "local")
if MEDIA_STORAGE == "s3":
    _bucket = env.string("DJANGO_S3_BUCKET")
    try:
        import storages  # noqa: F401
    except ImportError:
        raise env.EnvError(
            "DJANGO_MEDIA_STORAGE=s3 needs django-storages and boto3: "
            "pip install -r requirements-s3.txt"
        ) from None
    _s3_options = {
        "bucket_name": _bucket,
        # Uploads are public images: plain URLs, readable through the bucket policy or a CDN.
        "querystring_auth": False,
        "default_acl": None,
        "file_overwrite": False,
        "object_parameters": {"CacheControl": "public, max-age=86400"},
    }
    for _option, _variable in (
        ("endpoint_url", "DJANGO_S3_ENDPOINT_URL"),
        ("region_name", "DJANGO_S3_REGION"),
        ("custom_domain", "DJANGO_S3_CUSTOM_DOMAIN"),
    ):
        if _value := env.string(_variable, None):
            _s3_options[_option] = _value
    # Credentials are not settings: boto3 reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY
    # (or an instance role) from the environment itself.
    STORAGES = {
        **STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_options},
    }
    SERVE_MEDIA = False  # the storage's own URLs point at the bucket

# --- Logs: one JSON object per line on stdout (site_config/log_format.py) ----------------------
LOGGING = {
    **LOGGING,
    "formatters": {"line": {"()": "site_config.log_format.JsonLineFormatter"}},
}
