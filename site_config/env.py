"""The one place where the settings read the process environment.

Every variable the project reads is declared in ``VARIABLES`` (the README lists the same table).
A required variable that is missing or malformed stops start-up with one line naming it.
"""

import os
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


def database(name, default):
    import dj_database_url

    value = _raw(name, default)
    try:
        config = dj_database_url.parse(value, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise EnvError(f"Environment variable {name} is not a database URL: {exc}") from None
    if not config.get("ENGINE"):
        raise EnvError(f"Environment variable {name} names an unsupported database: {value!r}")
    return config
