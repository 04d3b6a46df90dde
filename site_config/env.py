"""The one place where the settings read the process environment.

Every variable the project reads is declared in ``VARIABLES`` (the README lists the same table).
A required variable that is missing or malformed stops start-up with one line naming it.
"""

import os
import stat
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

REQUIRED = object()

VARIABLES = {
    "DJANGO_SETTINGS_MODULE": "Settings module (site_config.settings.dev by default).",
    "DJANGO_SECRET_KEY": "Secret key; required in production, at least 50 characters.",
    "DJANGO_DEBUG": "Development settings only: 'false' turns debug off.",
    "DJANGO_ALLOWED_HOSTS": "Comma-separated host names the site answers to (production).",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "Comma-separated origins, e.g. https://atlas.example.org.",
    "DATABASE_URL": "Database; sqlite:///db.sqlite3 by default, postgres://user@host:5432/name.",
    "REDIS_URL": "Cache server, e.g. redis://127.0.0.1:6379/0; local memory when absent.",
    "DJANGO_SECURE_SSL_REDIRECT": "Production: redirect HTTP to HTTPS (default true).",
    "DJANGO_MEDIA_ROOT": "Folder for uploaded images (default: media/ in the project).",
    "DJANGO_MEDIA_URL": "URL prefix for uploaded images (default /media/).",
    "DJANGO_STATIC_ROOT": "Folder collectstatic writes to (default: staticfiles/).",
    "DJANGO_LOG_LEVEL": "Log level of the site's loggers (default INFO).",
    "DJANGO_SERVE_MEDIA": (
        "Production: serve uploads from DJANGO_MEDIA_ROOT through the site itself (default false; "
        "leave it off when the reverse proxy or object storage serves them)."
    ),
    "DJANGO_MEDIA_STORAGE": "Where uploads are stored: 'local' (default) or 's3'.",
    "DJANGO_S3_BUCKET": "Object storage: bucket name (required when DJANGO_MEDIA_STORAGE=s3).",
    "DJANGO_S3_ENDPOINT_URL": "Object storage: endpoint of an S3-compatible service (not AWS).",
    "DJANGO_S3_REGION": "Object storage: region name, e.g. eu-central-1.",
    "DJANGO_S3_CUSTOM_DOMAIN": "Object storage: public host name (CDN) that serves the bucket.",
    "DJANGO_TRUSTED_PROXIES": (
        "Number of reverse proxies in front of the site (default 0; 1 behind nginx or Caddy): "
        "the client address is read that far from the right of X-Forwarded-For."
    ),
    "DJANGO_LOGIN_THROTTLE_DIR": (
        "Production without REDIS_URL: private folder where the gunicorn workers share rate-limit "
        "counts (default: a folder of this user's in the system's temp folder)."
    ),
    "ATLAS_PAGE_CACHE": (
        "Whole public pages cached for anonymous visitors: on or off (default on in production, "
        "off in development)."
    ),
    "ATLAS_PAGE_CACHE_SECONDS": "Seconds a cached page is kept at most (default 600).",
    "ATLAS_PAGE_CACHE_DIR": (
        "Production without REDIS_URL: private folder where the gunicorn workers and manage.py "
        "share the catalogue version the cached pages are keyed on (default: a folder of this "
        "user's in the system's temp folder)."
    ),
    "ATLAS_FACET_INDEX": (
        "Facet counts from each list's row-id bitmaps kept in every worker's memory: on or off "
        "(default on in production, off in development; off counts every facet in the database)."
    ),
    "ATLAS_FACET_INDEX_SECONDS": (
        "Seconds a worker keeps its facet index at most before reading it again (default 600; a "
        "catalogue change makes it read again at once)."
    ),
    "ATLAS_API_RATE_PER_MINUTE": (
        "Requests a minute one client address may make to /api/v1/ before it is answered 429 "
        "(default 120)."
    ),
    "ATLAS_DATA_DIR": (
        "Folder where the bulk download of /data/ is built and kept, one folder per catalogue "
        "version (default: var/open-data/ in the project)."
    ),
    "GUNICORN_BIND": "Address(es) gunicorn listens on, comma-separated (default 127.0.0.1:8000).",
    "GUNICORN_WORKERS": "Number of gunicorn worker processes (default 2 x CPUs + 1, at most 8).",
    "GUNICORN_THREADS": (
        "Threads per gunicorn worker, and the connections it takes at once (default 8)."
    ),
    "GUNICORN_TIMEOUT": "Seconds before gunicorn restarts a silent worker (default 30).",
    "GUNICORN_FORWARDED_ALLOW_IPS": (
        "Proxy addresses whose X-Forwarded-* headers are believed, by gunicorn and the site "
        "(default 127.0.0.1,::1); from any other address they are dropped."
    ),
}


class EnvError(ImproperlyConfigured):
    pass


def _raw(name, default):
    if name not in VARIABLES:
        raise EnvError(f"{name} is read by the settings but not declared in site_config/env.py")
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        if default is REQUIRED:
            raise EnvError(f"Environment variable {name} is required: {VARIABLES[name]}")
        return default
    return value.strip()


def string(name, default=REQUIRED):
    return _raw(name, default)


def boolean(name, default=REQUIRED):
    value = _raw(name, default)
    if isinstance(value, bool):
        return value
    lowered = value.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise EnvError(f"Environment variable {name} must be true or false, not {value!r}")


def integer(name, default=REQUIRED, minimum=None, maximum=None):
    value = _raw(name, default)
    if isinstance(value, int):
        return value
    try:
        number = int(value)
    except ValueError:
        raise EnvError(
            f"Environment variable {name} must be a whole number, not {value!r}"
        ) from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        bounds = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
        raise EnvError(f"Environment variable {name} must be {bounds}, not {number}")
    return number


def choice(name, choices, default=REQUIRED):
    value = _raw(name, default)
    if value not in choices:
        raise EnvError(
            f"Environment variable {name} must be one of {', '.join(choices)}, not {value!r}"
        )
    return value


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def log_level(name, default=REQUIRED):
    """A logging level name in any case (``debug``, ``INFO``), returned in upper case."""
    value = _raw(name, default)
    if value.upper() not in LOG_LEVELS:
        raise EnvError(
            f"Environment variable {name} must be one of {', '.join(LOG_LEVELS)} "
            f"(any case), not {value!r}"
        )
    return value.upper()


def csv_list(name, default=REQUIRED):
    value = _raw(name, default)
    if isinstance(value, list):
        return value
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items and default is REQUIRED:
        raise EnvError(f"Environment variable {name} must list at least one value")
    return items


def origins(name, default=REQUIRED):
    items = csv_list(name, default)
    for item in items:
        parts = urlsplit(item)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise EnvError(
                f"Environment variable {name} must hold origins like https://example.org, "
                f"not {item!r}"
            )
    return items


def networks(name, default=REQUIRED):
    """IP addresses or networks, comma-separated (``*``: any address)."""
    import ipaddress

    items = csv_list(name, default)
    for item in items:
        if item == "*":
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise EnvError(
                f"Environment variable {name} must list IP addresses or networks, not {item!r}"
            ) from None
    return items


def redis_url(name, default=REQUIRED):
    value = _raw(name, default)
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in {"redis", "rediss", "unix"} or not (parts.netloc or parts.path):
        # The value is not repeated: a Redis URL may carry a password.
        raise EnvError(
            f"Environment variable {name} must be a URL like redis://127.0.0.1:6379/0 "
            f"(scheme {parts.scheme or '(none)'!r} is not redis, rediss or unix)"
        )
    return value


def database(name, default):
    import dj_database_url

    value = _raw(name, default)
    # Messages name the scheme only: a database URL may carry a password.
    scheme = urlsplit(value).scheme or "(none)"
    try:
        config = dj_database_url.parse(value, conn_max_age=60, conn_health_checks=True)
    except ValueError:
        raise EnvError(
            f"Environment variable {name} is not a database URL this site understands "
            f"(scheme {scheme!r}); use sqlite:///path or postgres://user@host:5432/name"
        ) from None
    if not config.get("ENGINE"):
        raise EnvError(f"Environment variable {name} names an unsupported database ({scheme!r})")
    return config


def default_private_directory(name):
    """``<temp>/<name>-<uid>``: a folder of the current user's (systemd's PrivateTmp keeps it
    per service)."""
    return str(Path(tempfile.gettempdir()) / f"{name}-{os.getuid()}")


def private_directory(name, default=REQUIRED):
    """A folder only this user may read and write (created with mode 700 when missing).

    For files the site reads back as trusted data (a file cache holds pickles): a folder another
    user could write to would let them run code as the site, so one is refused.
    """
    value = _raw(name, default)
    path = Path(value)
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.stat()
    except OSError as exc:
        raise EnvError(
            f"Environment variable {name}: cannot create the folder {value} ({exc.strerror})"
        ) from None
    if not stat.S_ISDIR(info.st_mode):
        raise EnvError(f"Environment variable {name}: {value} is not a folder")
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise EnvError(
            f"Environment variable {name}: the folder {value} must belong to this user and be "
            "private to it (chmod 700), since the site trusts what it reads there"
        )
    return path
