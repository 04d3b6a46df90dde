"""Test runs: fast hashing, local-memory cache, uploads in a temporary folder."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-insecure-key-never-used-in-production-7d2e9c1b4a"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "catalogue_version": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "catalogue-version",
    },
    "login_throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
# The open data is built in the request, inside the test's transaction.
ATLAS_DATA_BUILD_WAIT = None
# Every test sees the page as rendered now; the page cache's own tests turn it on.
PAGE_CACHE_ENABLED = False
# Tests never run collectstatic: whitenoise finds static files through the finders (as under
# runserver) instead of scanning a STATIC_ROOT that does not exist.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The browser tests' live server answers each request in a thread of its own: a connection kept
# open there (CONN_MAX_AGE) would outlive the test database and stop it from being dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
