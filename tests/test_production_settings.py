"""Production settings: read from the environment, refusing to start (one clear line, exit 78)
when a required variable is missing or malformed, and clean under ``check --deploy``.

Each case runs manage.py (or gunicorn, or the WSGI module) in a subprocess with production settings,
exactly as an operator would start it.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from site_config import env
from site_config.startup import EX_CONFIG

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def production_env(**overrides):
    """The process environment minus everything the settings read, plus a valid production set."""
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests in this process; a server never has it.
    dropped = {*env.VARIABLES, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {key: value for key, value in os.environ.items() if key not in dropped}
    base.update(
        DJANGO_SETTINGS_MODULE="site_config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="atlas.example.org",
        PYTHONDONTWRITEBYTECODE="1",
    )
    for key, value in overrides.items():
        if value is None:
            base.pop(key, None)
        else:
            base[key] = value
    return base


def run(args, **overrides):
    return subprocess.run(
        args,
        cwd=ROOT,
        env=production_env(**overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )


def manage(*args, **overrides):
    return run([PYTHON, "manage.py", *args], **overrides)


def assert_one_line_error(result, variable):
    assert result.returncode == EX_CONFIG, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert variable in lines[0]
    assert lines[0].startswith("Configuration error (site_config.settings.production):")
    return lines[0]


# --- Refusing to start --------------------------------------------------------------------------


def test_missing_secret_key_stops_manage_py_with_one_line():
    line = assert_one_line_error(manage("check", DJANGO_SECRET_KEY=None), "DJANGO_SECRET_KEY")
    assert "required" in line


@pytest.mark.parametrize(
    "value",
    ["short-key", "a" * 60, "django-insecure-" + secrets.token_urlsafe(50)],
    ids=["too-short", "not-random", "django-insecure"],
)
def test_malformed_secret_key_is_refused(value):
    line = assert_one_line_error(manage("check", DJANGO_SECRET_KEY=value), "DJANGO_SECRET_KEY")
    assert value not in line, "the secret must never be printed"


def test_missing_allowed_hosts_is_refused():
    assert_one_line_error(manage("check", DJANGO_ALLOWED_HOSTS=None), "DJANGO_ALLOWED_HOSTS")
    assert_one_line_error(manage("check", DJANGO_ALLOWED_HOSTS=" , "), "DJANGO_ALLOWED_HOSTS")


def test_wildcard_allowed_hosts_is_refused():
    assert_one_line_error(manage("check", DJANGO_ALLOWED_HOSTS="*"), "DJANGO_ALLOWED_HOSTS")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mongodb://admin:hunter2secret@db.example.org/atlas"),
        ("REDIS_URL", "http://:hunter2secret@cache.example.org:6379/0"),
        ("DJANGO_SECURE_SSL_REDIRECT", "maybe"),
        ("DJANGO_CSRF_TRUSTED_ORIGINS", "atlas.example.org"),
        ("DJANGO_TRUSTED_PROXIES", "one"),
        ("DJANGO_MEDIA_STORAGE", "ftp"),
    ],
)
def test_malformed_variable_is_named_and_passwords_are_not_echoed(variable, value):
    line = assert_one_line_error(manage("check", **{variable: value}), variable)
    assert "hunter2secret" not in line


def test_object_storage_needs_a_bucket():
    result = manage("check", DJANGO_MEDIA_STORAGE="s3")
    assert_one_line_error(result, "DJANGO_S3_BUCKET")


def test_wsgi_module_stops_with_one_line():
    result = run([PYTHON, "-c", "import site_config.wsgi"], DJANGO_SECRET_KEY=None)
    assert_one_line_error(result, "DJANGO_SECRET_KEY")


def test_gunicorn_stops_with_one_line_before_any_worker_starts():
    result = run(
        [GUNICORN, "--config", "gunicorn.conf.py", "--check-config"], DJANGO_SECRET_KEY=None
    )
    assert_one_line_error(result, "DJANGO_SECRET_KEY")


@pytest.mark.parametrize("value", ["LOUD", "verbose", "10"])
def test_unknown_log_level_is_refused_with_one_line(value):
    line = assert_one_line_error(manage("check", DJANGO_LOG_LEVEL=value), "DJANGO_LOG_LEVEL")
    assert repr(value) in line


@pytest.mark.parametrize("value", ["debug", "Warning", "ERROR"])
def test_log_level_is_read_in_any_case(value):
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.LOGGING['loggers']['catalog']['level'])",
        DJANGO_LOG_LEVEL=value,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == value.upper()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("GUNICORN_WORKERS", "abc"),
        ("GUNICORN_WORKERS", "0"),
        ("GUNICORN_THREADS", "many"),
        ("GUNICORN_TIMEOUT", "-3"),
        ("GUNICORN_BIND", "localhost:http"),
        ("GUNICORN_FORWARDED_ALLOW_IPS", "the-proxy"),
    ],
)
def test_malformed_gunicorn_variable_stops_gunicorn_with_one_line(variable, value):
    result = run([GUNICORN, "--config", "gunicorn.conf.py", "--check-config"], **{variable: value})
    assert result.returncode == EX_CONFIG, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    # GUNICORN_FORWARDED_ALLOW_IPS is read by the settings too, which are loaded first.
    assert lines[0].startswith(
        ("Configuration error (gunicorn.conf.py):", "Configuration error (site_config.settings")
    )
    assert variable in lines[0]


def test_valid_gunicorn_variables_pass_the_check():
    result = run(
        [GUNICORN, "--config", "gunicorn.conf.py", "--check-config"],
        GUNICORN_BIND="127.0.0.1:8001,[::1]:8001,unix:/run/xinzhi-atlas/gunicorn.sock",
        GUNICORN_WORKERS="3",
        GUNICORN_FORWARDED_ALLOW_IPS="10.0.0.0/8,::1",
    )
    assert result.returncode == 0, result.stderr


# --- Starting: check --deploy and the values the environment gives ------------------------------


def test_check_deploy_is_clean():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


SETTINGS_DUMP = """
import json
from django.conf import settings
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "CSRF_TRUSTED_ORIGINS": settings.CSRF_TRUSTED_ORIGINS,
    "ENGINE": settings.DATABASES["default"]["ENGINE"],
    "DB_NAME": str(settings.DATABASES["default"]["NAME"]),
    "CACHE": settings.CACHES["default"]["BACKEND"],
    "CACHE_LOCATION": settings.CACHES["default"].get("LOCATION"),
    "THROTTLE_CACHE": settings.CACHES["login_throttle"],
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "SESSION_COOKIE_HTTPONLY": settings.SESSION_COOKIE_HTTPONLY,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "CSRF_COOKIE_HTTPONLY": settings.CSRF_COOKIE_HTTPONLY,
    "LANGUAGE_COOKIE_SECURE": settings.LANGUAGE_COOKIE_SECURE,
    "LANGUAGE_COOKIE_HTTPONLY": settings.LANGUAGE_COOKIE_HTTPONLY,
    "LANGUAGE_COOKIE_SAMESITE": settings.LANGUAGE_COOKIE_SAMESITE,
    "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    "STATIC_ROOT": str(settings.STATIC_ROOT),
    "SERVE_MEDIA": settings.SERVE_MEDIA,
    "FACET_INDEX_ENABLED": settings.FACET_INDEX_ENABLED,
    "STORAGES": settings.STORAGES,
    "TRUSTED_PROXIES": settings.TRUSTED_PROXIES,
    "LOG_FORMATTER": settings.LOGGING["formatters"]["line"],
}))
"""


def dump_settings(**overrides):
    result = run([PYTHON, "-c", SETTINGS_DUMP], **overrides)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_defaults_fail_closed(tmp_path):
    values = dump_settings()
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["atlas.example.org"]
    assert values["ENGINE"] == "django.db.backends.sqlite3"
    assert values["CACHE"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 365
    for name in (
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "LANGUAGE_COOKIE_SECURE",
        "LANGUAGE_COOKIE_HTTPONLY",
    ):
        assert values[name] is True, name
    assert values["LANGUAGE_COOKIE_SAMESITE"] == "Lax"
    assert values["SERVE_MEDIA"] is False
    assert values["TRUSTED_PROXIES"] == 0
    assert (
        values["STORAGES"]["staticfiles"]["BACKEND"]
        == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert values["STORAGES"]["default"]["BACKEND"].endswith("FileSystemStorage")
    assert values["LOG_FORMATTER"] == {"()": "site_config.log_format.JsonLineFormatter"}


def test_login_rate_limit_counts_in_a_private_folder_the_workers_share(tmp_path):
    folder = tmp_path / "throttle"
    throttle = dump_settings(DJANGO_LOGIN_THROTTLE_DIR=str(folder))["THROTTLE_CACHE"]
    assert throttle["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert throttle["LOCATION"] == str(folder)
    assert throttle["TIMEOUT"] == 15 * 60
    assert folder.is_dir()
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    # Without the variable: a folder of this user's in the temp folder, never local memory.
    default = dump_settings()["THROTTLE_CACHE"]
    assert default["BACKEND"].endswith("FileBasedCache")
    assert default["LOCATION"].endswith(f"xinzhi-atlas-login-throttle-{os.getuid()}")
    # With Redis the counts are shared by every server.
    with_redis = dump_settings(REDIS_URL="redis://cache.internal:6379/1")["THROTTLE_CACHE"]
    assert with_redis["BACKEND"] == "django_redis.cache.RedisCache"
    assert with_redis["LOCATION"] == "redis://cache.internal:6379/1"


def test_a_rate_limit_folder_others_can_write_to_is_refused(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)
    result = manage("check", DJANGO_LOGIN_THROTTLE_DIR=str(folder))
    line = assert_one_line_error(result, "DJANGO_LOGIN_THROTTLE_DIR")
    assert "private" in line


def test_every_variable_is_read(tmp_path):
    values = dump_settings(
        DJANGO_ALLOWED_HOSTS="atlas.example.org, www.atlas.example.org",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://atlas.example.org",
        DATABASE_URL="postgres://atlas@db.internal:5432/atlas",
        REDIS_URL="redis://cache.internal:6379/1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_MEDIA_ROOT=str(tmp_path / "uploads"),
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_SERVE_MEDIA="true",
        DJANGO_TRUSTED_PROXIES="1",
    )
    assert values["ALLOWED_HOSTS"] == ["atlas.example.org", "www.atlas.example.org"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://atlas.example.org"]
    assert values["ENGINE"] == "django.db.backends.postgresql"
    assert values["DB_NAME"] == "atlas"
    assert values["CACHE"] == "django_redis.cache.RedisCache"
    assert values["CACHE_LOCATION"] == "redis://cache.internal:6379/1"
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["MEDIA_ROOT"] == str(tmp_path / "uploads")
    assert values["STATIC_ROOT"] == str(tmp_path / "static")
    assert values["SERVE_MEDIA"] is True
    assert values["TRUSTED_PROXIES"] == 1


S3_URL = """
import django
django.setup()
from django.core.files.storage import storages
storage = storages["default"]
print(type(storage).__name__, storage.url("logos/zhiran-medical/logo.png"))
"""


def test_object_storage_settings_make_public_urls_on_the_media_domain():
    pytest.importorskip("storages", reason="django-storages is in requirements-s3.txt")
    overrides = {
        "DJANGO_MEDIA_STORAGE": "s3",
        "DJANGO_S3_BUCKET": "atlas-media",
        "DJANGO_S3_ENDPOINT_URL": "https://s3.example.org",
        "DJANGO_S3_REGION": "eu-central-1",
        "DJANGO_S3_CUSTOM_DOMAIN": "media.atlas.example.org",
        "DJANGO_SERVE_MEDIA": "true",
    }
    values = dump_settings(**overrides)
    options = values["STORAGES"]["default"]["OPTIONS"]
    assert values["STORAGES"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert options["bucket_name"] == "atlas-media"
    assert options["endpoint_url"] == "https://s3.example.org"
    assert options["region_name"] == "eu-central-1"
    assert options["querystring_auth"] is False
    assert values["SERVE_MEDIA"] is False, "the bucket serves uploads, not the site"
    result = run([PYTHON, "-c", S3_URL], **overrides)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "S3Storage",
        "https://media.atlas.example.org/logos/zhiran-medical/logo.png",
    ]


# --- Every variable is declared in env.py and documented -----------------------------------------

READ = re.compile(r"env\.\w+\(\s*\"([A-Z_]+)\"")


def test_every_variable_read_is_declared_and_documented():
    sources = [*sorted((ROOT / "site_config").rglob("*.py")), ROOT / "gunicorn.conf.py"]
    read = {name for path in sources for name in READ.findall(path.read_text(encoding="utf-8"))}
    assert read, "no env.<kind>(NAME) reads found"
    assert read <= set(env.VARIABLES), read - set(env.VARIABLES)
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    missing = [name for name in env.VARIABLES if f"`{name}`" not in guide]
    assert not missing, f"docs/deploy.md does not list {missing}"


def test_settings_read_the_environment_only_through_env_py():
    offenders = []
    for path in [*sorted((ROOT / "site_config").rglob("*.py")), ROOT / "gunicorn.conf.py"]:
        if path.name in {"env.py"}:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in ("os.environ[", "os.environ.get(", "os.getenv("):
            if pattern in text:
                offenders.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert not offenders


def test_undeclared_variable_is_a_programming_error():
    with pytest.raises(env.EnvError, match="not declared"):
        env.string("DJANGO_SOMETHING_NEW", "x")
