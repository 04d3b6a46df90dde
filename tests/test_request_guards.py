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
