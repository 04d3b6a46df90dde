"""Security behaviour: headers and the Content Security Policy on every kind of page, no inline
script or style without a nonce, the admin login rate limit, uploads served safely, and error pages
that never show internals (a failing request is logged with its path and error)."""

import io
import json
import logging
import re
import subprocess
import sys

import pytest
from django.core.cache import cache, caches
from django.template.loader import render_to_string
from django.test import Client
from django.urls import path
from PIL import Image

from catalog.models import Company
from site_config.client_ip import client_ip
from site_config.log_format import JsonLineFormatter
from site_config.media import serve_upload
from tests.factories import CaseFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    throttle = caches["login_throttle"]
    cache.clear()
    throttle.clear()
    yield
    cache.clear()
    throttle.clear()


# --- A test-only URLconf: the site's URLs plus a view that fails ---------------------------------


def broken_view(request):
    raise RuntimeError("the catalogue index is corrupt")


from site_config.urls import handler500  # noqa: E402, F401 (the site's, in this URLconf too)
from site_config.urls import urlpatterns as site_urlpatterns  # noqa: E402

urlpatterns = [path("test-only/broken/", broken_view), *site_urlpatterns]


# --- Headers and the Content Security Policy ----------------------------------------------------


def csp_directives(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def public_pages():
    company = Company.objects.filter(published=True).first()
    assert company is not None, "the catalogue has no published organisation"
    return ["/", company.get_absolute_url(), "/zh-hans/", "/no-such-page/"]


@pytest.mark.django_db
def test_security_headers_on_public_pages_and_admin(client, catalogue):
    for url in [*public_pages(), "/admin/login/"]:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
        directives = csp_directives(response)
        assert directives["default-src"] == ["'self'"], url
        assert directives["frame-ancestors"] == ["'none'"], url
        assert directives["object-src"] == ["'none'"], url
        header = response["Content-Security-Policy"]
        assert "'unsafe-inline'" not in header, url
        assert "'unsafe-eval'" not in header, url


@pytest.mark.django_db
def test_hsts_is_sent_over_https_with_production_values(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "Strict-Transport-Security" not in client.get("/")


@pytest.mark.django_db
def test_the_admin_has_the_same_policy_as_the_public_pages(client, admin_client):
    """No exception for the admin: no inline style attribute, not even by its hash."""
    public = csp_directives(client.get("/"))
    assert public["style-src"] == ["'self'"]
    for url in ("/admin/login/", "/zh-hans/admin/login/"):
        admin_policy = csp_directives(client.get(url))
        assert {k: v for k, v in admin_policy.items() if k != "script-src"} == {
            k: v for k, v in public.items() if k != "script-src"
        }
        assert admin_policy["script-src"][:1] == ["'self'"]
    case = CaseFactory()
    case.title_en = "Changed"
    case.save()
    for url in (
        "/admin/",
        f"/admin/catalog/case/{case.pk}/history/",
        f"/admin/catalog/case/{case.pk}/history/{case.history.last().history_id}/",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert csp_directives(response)["style-src"] == ["'self'"], url
        assert not STYLE_ATTRIBUTE.search(response.content.decode()), url


SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b([^>]*)>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
NONCE = re.compile(r"""nonce=["']?([^"'\s>]+)""")


def assert_no_inline_code_without_nonce(response, url):
    html = response.content.decode()
    nonce = (re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]) or [None, None])[1]
    for attrs in SCRIPT.findall(html):
        # A data block (JSON-LD) is never run: the CSP does not apply to it.
        if "src=" in attrs or 'type="application/ld+json"' in attrs:
            continue
        found = NONCE.search(attrs)
        assert found, f"{url}: inline <script{attrs}> without nonce"
        assert found.group(1) == nonce, f"{url}: inline <script{attrs}> with a wrong nonce"
    for attrs in STYLE_ELEMENT.findall(html):
        found = NONCE.search(attrs)
        assert found, f"{url}: <style{attrs}> without nonce"
        assert found.group(1) == nonce, f"{url}: <style{attrs}> with a wrong nonce"
    assert not STYLE_ATTRIBUTE.search(html), f"{url}: style attribute (blocked by style-src)"
    assert not EVENT_HANDLER.search(html), f"{url}: inline event handler"


@pytest.mark.django_db
def test_public_pages_have_no_inline_script_or_style_without_nonce(client, catalogue):
    urls = list(public_pages())
    for model_name in ("case", "sector", "region", "policy", "person", "source"):
        from django.apps import apps

        model = apps.get_model("catalog", model_name)
        row = model.objects.first()
        if row is not None:
            urls.append(row.get_absolute_url())
    for url in urls:
        assert_no_inline_code_without_nonce(client.get(url), url)


# --- Admin login rate limit -----------------------------------------------------------------------

LOGIN = "/admin/login/"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user(
        username="editor", password="the-right-password", is_staff=True
    )


def attempt(client, username="editor", password="a-wrong-guess", **extra):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, **extra
    )


@pytest.mark.django_db
def test_login_is_refused_with_429_after_the_limit(client, editor, settings):
    limit = settings.ADMIN_LOGIN_FAILURE_LIMIT
    for _ in range(limit):
        assert attempt(client).status_code == 200  # the form again, with its error
    response = attempt(client, password="the-right-password")
    assert response.status_code == 429
    assert response["Retry-After"] == str(settings.ADMIN_LOGIN_FAILURE_WINDOW)
    text = response.content.decode()
    assert "Too many failed login attempts" in text
    assert "15 minutes" in text
    assert "_auth_user_id" not in client.session, "a blocked attempt must not log in"


@pytest.mark.django_db
def test_limit_is_per_address_and_username(client, editor, settings):
    for _ in range(settings.ADMIN_LOGIN_FAILURE_LIMIT):
        attempt(client, username="Editor")
    assert attempt(client).status_code == 429, "usernames are compared case-insensitively"
    # Another username from the same address, and the same username from another address, go on.
    assert attempt(client, username="someone-else").status_code == 200
    other = Client(REMOTE_ADDR="198.51.100.20")
    response = attempt(other, password="the-right-password")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


@pytest.mark.django_db
def test_many_usernames_from_one_address_hit_the_address_limit(client, settings):
    settings.ADMIN_LOGIN_FAILURE_LIMIT_PER_ADDRESS = 8
    for number in range(8):
        assert attempt(client, username=f"guess-{number}").status_code == 200
    assert attempt(client, username="guess-new").status_code == 429


@pytest.mark.django_db
def test_successful_login_clears_the_count(client, editor, settings):
    for _ in range(settings.ADMIN_LOGIN_FAILURE_LIMIT - 1):
        attempt(client)
    assert attempt(client, password="the-right-password").status_code == 302
    client.logout()
    for _ in range(settings.ADMIN_LOGIN_FAILURE_LIMIT - 1):
        assert attempt(client).status_code == 200


@pytest.mark.django_db
def test_the_limit_also_guards_the_chinese_admin_url_and_ignores_get(client, editor, settings):
    for _ in range(settings.ADMIN_LOGIN_FAILURE_LIMIT):
        client.post("/zh-hans/admin/login/", {"username": "editor", "password": "wrong"})
    assert client.post("/zh-hans/admin/login/", {"username": "editor"}).status_code == 429
    assert client.get(LOGIN).status_code == 200, "the login page itself stays readable"


@pytest.mark.django_db
def test_behind_a_proxy_the_forwarded_address_counts(client, editor, settings):
    settings.TRUSTED_PROXIES = 1
    for _ in range(settings.ADMIN_LOGIN_FAILURE_LIMIT):
        attempt(client, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert attempt(client, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    # A forged left-hand entry does not escape the limit; another real client is not affected.
    assert attempt(client, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5").status_code == 429
    assert attempt(client, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 200


def test_client_ip(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9")
    settings.TRUSTED_PROXIES = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXIES = 1
    assert client_ip(request) == "203.0.113.9"
    settings.TRUSTED_PROXIES = 2
    assert client_ip(request) == "1.1.1.1"
    settings.TRUSTED_PROXIES = 3
    assert client_ip(request) == "10.0.0.2", "fewer entries than proxies: use the peer"


# --- Uploads served by the site (DJANGO_SERVE_MEDIA) --------------------------------------------


@pytest.fixture
def upload(settings):
    folder = settings.MEDIA_ROOT / "logos" / "demo"
    folder.mkdir(parents=True)
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    (folder / "logo.png").write_bytes(buffer.getvalue())
    (folder / "notes.html").write_text("<script>alert(1)</script>")
    (folder / ".hidden.png").write_bytes(buffer.getvalue())
    (settings.MEDIA_ROOT.parent / "secret.png").write_bytes(buffer.getvalue())
    return buffer.getvalue()


def test_media_view_serves_images_with_safe_headers(rf, upload):
    response = serve_upload(rf.get("/media/logos/demo/logo.png"), "logos/demo/logo.png")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == upload
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "max-age" in response["Cache-Control"]


@pytest.mark.parametrize(
    "name",
    ["logos/demo/notes.html", "logos/demo/.hidden.png", "../secret.png", "logos/demo/", "logos"],
)
def test_media_view_refuses_anything_else(rf, upload, name):
    from django.http import Http404

    with pytest.raises(Http404):
        serve_upload(rf.get(f"/media/{name}"), name)


def test_media_view_accepts_only_safe_methods(rf, upload):
    assert (
        serve_upload(rf.post("/media/logos/demo/logo.png"), "logos/demo/logo.png").status_code
        == 405
    )


# --- Error pages and the log line of a failing request ------------------------------------------


@pytest.mark.django_db
def test_404_page_is_in_the_site_style_and_shows_no_internals(client):
    response = client.get("/companies/no-such-organisation/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'class="site-header"' in html
    assert "<main" in html
    for internal in ("Traceback", "URLconf", "site_config", "No Company matches", "DEBUG"):
        assert internal not in html


def test_500_template_needs_neither_database_nor_request():
    # No django_db mark: any query would fail the test; no request is passed.
    html = render_to_string("500.html")
    assert "Something went wrong" in html
    assert 'href="/static/css/site.css"' in html


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_failing_request_shows_the_500_page_and_logs_path_and_error():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLineFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = Client(raise_request_exception=False).get("/test-only/broken/?q=1")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "catalogue index is corrupt" not in html
    assert "Traceback" not in html
    lines = stream.getvalue().strip().splitlines()
    assert len(lines) == 1, "one event, one line"
    event = json.loads(lines[0])
    assert event["level"] == "ERROR"
    assert event["path"] == "/test-only/broken/"
    assert event["method"] == "GET"
    assert event["status"] == 500
    assert event["error"] == "RuntimeError: the catalogue index is corrupt"
    assert "broken_view" in event["traceback"]


PAGE_WITHOUT_MANIFEST = """
import django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
for url in ("/", "/no-such-page/"):
    response = client.get(url, HTTP_HOST="atlas.example.org", secure=True)
    body = response.content.decode()
    print(url, response.status_code, "Something went wrong" in body, "css/site.css" in body)
"""


def test_without_collected_static_files_the_500_page_still_renders(tmp_path):
    """Production settings, static files never collected: {% static %} cannot find the manifest,
    so every page fails, and the 500 page must not fail the same way."""
    from tests.test_production_settings import ROOT, production_env

    result = subprocess.run(
        [sys.executable, "-c", PAGE_WITHOUT_MANIFEST],
        cwd=ROOT,
        env=production_env(
            DJANGO_STATIC_ROOT=str(tmp_path / "static"),
            DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("/")]  # not the log
    assert lines == ["/ 500 True True", "/no-such-page/ 500 True True"], result.stdout


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_when_even_the_500_template_fails_a_plain_page_is_sent(monkeypatch, caplog):
    from django.template import loader

    def broken_template(name, *args, **kwargs):
        raise ValueError("Missing staticfiles manifest entry for 'css/site.css'")

    monkeypatch.setattr(loader, "get_template", broken_template)
    with caplog.at_level("ERROR", logger="site_config.errors"):
        response = Client(raise_request_exception=False).get("/test-only/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "manifest" not in html
    assert not STYLE_ATTRIBUTE.search(html)
    assert "could not be rendered" in caplog.text
