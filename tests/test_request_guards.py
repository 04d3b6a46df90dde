"""Request bodies bounded per path (413 with a clear page, before the body is read), no body sent
for HEAD, and what a client got wrong logged at WARNING without a traceback."""

import json
import logging
import subprocess
import sys

import pytest
from django.http import FileResponse, HttpResponse
from django.test import RequestFactory

from site_config.log_format import ClientErrorFilter, JsonLineFormatter
from site_config.request_guards import RequestGuardMiddleware, body_limit
from tests.test_production_settings import ROOT, production_env

MEGABYTE = 1024 * 1024


def post_claiming(client, path, length):
    """A POST whose Content-Length says ``length`` bytes (the test sends far fewer)."""
    return client.generic(
        "POST",
        path,
        b"x" * 10,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(length),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/login/", "/zh-hans/admin/login/", "/i18n/setlang/", "/"])
def test_fifty_megabytes_to_a_public_form_is_refused_unread(client, path):
    response = post_claiming(client, path, 50 * MEGABYTE)
    assert response.status_code == 413
    html = response.content.decode()
    assert "<h1>Too much data sent</h1>" in html
    assert "at most 64 KB" in html
    assert response["Connection"] == "close"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/catalog/company/add/", "/zh-hans/admin/catalog/case/1/"])
def test_admin_forms_take_an_image_but_not_more(client, path):
    assert post_claiming(client, path, 7 * MEGABYTE).status_code != 413
    assert post_claiming(client, path, 9 * MEGABYTE).status_code == 413


def test_limits_by_path(settings):
    assert body_limit("/admin/login/") == settings.PUBLIC_REQUEST_MAX_BYTES
    assert body_limit("/admin/catalog/company/1/change/") == settings.ADMIN_REQUEST_MAX_BYTES
    assert body_limit("/cases/admin/") == settings.PUBLIC_REQUEST_MAX_BYTES
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES <= 10
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS <= 1000


@pytest.mark.django_db  # closing a response signals the end of a request, which tidies connections
def test_head_gets_the_headers_of_get_and_no_body(tmp_path):
    middleware = RequestGuardMiddleware(lambda request: HttpResponse("a page"))
    response = middleware(RequestFactory().head("/"))
    assert response.content == b""
    assert response["Content-Length"] == "6"
    file = tmp_path / "logo.png"
    file.write_bytes(b"0123456789")
    middleware = RequestGuardMiddleware(lambda request: FileResponse(file.open("rb")))
    response = middleware(RequestFactory().head("/media/logo.png"))
    assert b"".join(response.streaming_content) == b""
    assert response["Content-Length"] == "10"
    response.close()
    assert middleware(RequestFactory().get("/")).status_code == 200


def test_a_client_error_is_one_warning_line_without_traceback():
    try:
        raise ValueError("Invalid HTTP_HOST header: 'evil.example'")
    except ValueError:
        record = logging.LogRecord(
            "django.security.DisallowedHost", logging.ERROR, __file__, 1, "bad host", (),
            sys.exc_info(),
        )  # fmt: skip
    record.status_code = 400
    assert ClientErrorFilter().filter(record)
    event = json.loads(JsonLineFormatter().format(record))
    assert event["level"] == "WARNING"
    assert event["error"] == "ValueError: Invalid HTTP_HOST header: 'evil.example'"
    assert "traceback" not in event


BAD_REQUESTS = """
import django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
print("status", client.get("/", HTTP_HOST="evil.example", secure=True).status_code)
print("status", client.post("/admin/login/", {"x": "y" * 3_000_000}, secure=True,
      HTTP_HOST="atlas.example.org").status_code)
"""


def test_bad_host_and_oversized_fields_are_logged_as_warnings_without_traceback():
    result = subprocess.run(
        [sys.executable, "-c", BAD_REQUESTS],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert [line for line in lines if line.startswith("status")] == ["status 400", "status 413"]
    events = [json.loads(line) for line in lines if line.startswith("{")]
    bad_host = [event for event in events if event["logger"] == "django.security.DisallowedHost"]
    assert bad_host, events
    for event in events:
        assert event["level"] == "WARNING", event
        assert "traceback" not in event, event


# --- Forwarded headers only from the trusted proxies ----------------------------------------


@pytest.fixture
def behind_a_proxy(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 3600
    settings.TRUSTED_PROXIES = 1
    settings.TRUSTED_PROXY_ADDRESSES = ["127.0.0.1", "10.0.0.0/8"]


@pytest.mark.django_db
@pytest.mark.parametrize("proxy", ["127.0.0.1", "10.1.2.3"])
def test_x_forwarded_proto_from_the_proxy_counts(client, behind_a_proxy, proxy):
    response = client.get("/healthz/x", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR=proxy)
    assert response.status_code == 404
    assert "Strict-Transport-Security" in response


@pytest.mark.django_db
@pytest.mark.parametrize("client_address", ["127.0.0.2", "203.0.113.9", "not-an-address"])
def test_x_forwarded_proto_from_anyone_else_is_dropped(client, behind_a_proxy, client_address):
    response = client.get("/healthz/x", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR=client_address)
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert "Strict-Transport-Security" not in response


def test_x_forwarded_for_counts_only_from_the_proxy(settings):
    from site_config.client_ip import client_ip

    settings.TRUSTED_PROXIES = 1
    seen = []
    middleware = RequestGuardMiddleware(lambda request: seen.append(client_ip(request)) or None)
    factory = RequestFactory()
    middleware(factory.get("/", HTTP_X_FORWARDED_FOR="198.51.100.7", REMOTE_ADDR="127.0.0.1"))
    middleware(factory.get("/", HTTP_X_FORWARDED_FOR="198.51.100.7", REMOTE_ADDR="127.0.0.2"))
    assert seen == ["198.51.100.7", "127.0.0.2"]


def test_a_unix_socket_and_a_star_are_trusted():
    from site_config.request_guards import is_trusted_proxy, trusted_networks

    assert is_trusted_proxy("", trusted_networks(["127.0.0.1"]))
    assert is_trusted_proxy("192.0.2.1", trusted_networks(["*"]))
    assert not is_trusted_proxy("192.0.2.1", trusted_networks(["127.0.0.1", "::1"]))


# --- Production: the language cookie, and the entry points' default settings -----------------

PRODUCTION_CHECK = """
import django
django.setup()
from django.conf import settings
from django.test import Client
response = Client().post("/i18n/setlang/", {"language": "zh-hans", "next": "/"}, secure=True,
                         HTTP_HOST="atlas.example.org")
cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
print(response.status_code, bool(cookie["secure"]), bool(cookie["httponly"]), cookie["samesite"])
"""


def test_the_language_cookie_is_secure_httponly_and_samesite_in_production():
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_CHECK],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "302 True True Lax"


ENTRY_POINT = """
import site_config.{module}
from django.conf import settings
print(settings.SETTINGS_MODULE, settings.DEBUG)
"""


@pytest.mark.parametrize("module", ["wsgi", "asgi"])
def test_the_entry_points_default_to_production_settings(module):
    env = production_env(DJANGO_SETTINGS_MODULE=None)
    result = subprocess.run(
        [sys.executable, "-c", ENTRY_POINT.format(module=module)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "site_config.settings.production False"
    # ... and so fail closed: without the production variables they do not start at all.
    env.pop("DJANGO_SECRET_KEY")
    result = subprocess.run(
        [sys.executable, "-c", f"import site_config.{module}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 78
    assert "DJANGO_SECRET_KEY" in result.stderr
