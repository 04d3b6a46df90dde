"""The page cache for anonymous visitors (site_config/page_cache.py, catalog/cache.py): whole
pages stored and served again, never for signed-in visitors or anything outside the catalogue,
stale as soon as the catalogue changes, and answering conditional requests."""

import gzip
import json
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.cache import caches
from django.http import HttpResponse, StreamingHttpResponse
from django.middleware.csp import get_nonce
from django.test import Client
from django.urls import reverse
from django.utils import translation

from catalog import models
from catalog.cache import VERSION_CACHE, VERSION_KEY, bump_catalogue_version, catalogue_version
from catalog.loading import load_files
from site_config import page_cache
from tests import factories as f
from tests.test_admin import admin_url, form_data
from tests.test_production_settings import assert_one_line_error, manage
from tests.test_site_guards import DETAIL_PAGES, REDIRECTS, catalog_url_names

LANGUAGES = [code for code, _name in django_settings.LANGUAGES]


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True
    for alias in (page_cache.PAGE_CACHE, VERSION_CACHE):
        caches[alias].clear()
    yield
    for alias in (page_cache.PAGE_CACHE, VERSION_CACHE):
        caches[alias].clear()


@pytest.fixture
def staff_client(db):
    """A signed-in editor, in a browser of their own (``client`` is the anonymous visitor)."""
    staff = Client()
    staff.force_login(User.objects.create_user("editor", password="x-9431-unused", is_staff=True))
    return staff


def url_in(language, name, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


# Pages with a form that carries a CSRF token: never stored (tests/test_reports.py).
FORM_PAGES = {"catalog:report"}


def catalogue_urls():
    """Every page of the catalog app (the site guards' list), once per model, in every language,
    with a search and a second page of a list."""
    pages = sorted(catalog_url_names() - set(DETAIL_PAGES) - set(REDIRECTS) - FORM_PAGES)
    urls = []
    for language in LANGUAGES:
        urls += [url_in(language, name) for name in pages]
        urls.append(url_in(language, "catalog:search") + "?q=%E9%86%AB%E7%99%82")
        urls.append(url_in(language, "catalog:company_list") + "?page=2")
        for name, model in sorted(DETAIL_PAGES.items()):
            rows = model.objects.all()
            if any(field.name == "published" for field in model._meta.fields):
                rows = rows.filter(published=True)
            urls.append(url_in(language, name, slug=rows.values_list("slug", flat=True)[0]))
    return urls


# --- 1. Whole pages, every catalogue page, every language -------------------------------------


@pytest.mark.django_db
def test_every_catalogue_page_is_stored_whole_and_served_again(client, catalogue):
    urls = catalogue_urls()
    assert len(urls) >= 2 * 16
    for url in urls:
        first = client.get(url)
        assert first.status_code == 200, url
        assert first["X-Cache"] == "miss", url
        again = client.get(url)
        assert again["X-Cache"] == "hit", url
        assert again.content == first.content, url
        for header in ("Content-Type", "Content-Language", "Content-Security-Policy", "ETag"):
            assert again[header] == first[header], (url, header)
        assert "Set-Cookie" not in again, url


@pytest.mark.django_db
def test_no_template_uses_the_csp_nonce_and_the_stored_header_matches_the_page(client):
    """No page uses a nonce today, so the policy names none; page and header are stored together,
    and a page whose nonce was used is never stored (every visitor would share one nonce)."""
    for template in (django_settings.BASE_DIR / "templates").rglob("*.html"):
        assert "nonce" not in template.read_text(encoding="utf-8"), template
    client.get("/")
    hit = client.get("/")
    assert hit["X-Cache"] == "hit"
    assert "script-src 'self';" in hit["Content-Security-Policy"]
    assert "nonce-" not in hit["Content-Security-Policy"]


@pytest.mark.django_db
def test_a_page_whose_nonce_was_used_is_not_stored(client):
    response = client.get("/")
    request = response.wsgi_request
    assert page_cache.storable(request, response, "en")
    str(get_nonce(request))  # what {{ csp_nonce }} in a template does
    assert not page_cache.storable(request, response, "en")


@pytest.mark.django_db
def test_head_is_answered_from_the_stored_get(client):
    assert "X-Cache" not in client.head("/sectors/"), "HEAD stores nothing"
    assert client.get("/sectors/")["X-Cache"] == "miss"
    head = client.head("/sectors/")
    assert head["X-Cache"] == "hit"
    assert head.content == b""


@pytest.mark.django_db
def test_key_holds_host_language_path_and_query(client):
    sector = f.SectorFactory()
    assert client.get("/sectors/")["X-Cache"] == "miss"
    assert client.get("/sectors/", headers={"host": "localhost"})["X-Cache"] == "miss"
    assert client.get("/zh-hans/sectors/")["X-Cache"] == "miss"
    assert client.get("/sectors/?q=x")["X-Cache"] == "miss"
    assert client.get("/sectors/", secure=True)["X-Cache"] == "miss"
    assert client.get("/sectors/", headers={"accept-language": "zh-hans"})["X-Cache"] == "hit"
    assert client.get("/sectors/", headers={"host": "localhost"})["X-Cache"] == "hit"
    url = sector.get_absolute_url()
    english = client.get(url)
    chinese = client.get(f"/zh-hans{url}")
    assert english["Content-Language"] == "en"
    assert chinese["Content-Language"] == "zh-hans"
    assert chinese.content != english.content
    assert client.get(f"/zh-hans{url}").content == chinese.content
    assert client.get(url).content == english.content


def release_with(root, **database):
    """``release()`` for a project in ``root`` (a few files) with ``database`` settings."""
    page_cache.release.cache_clear()
    try:
        with (
            mock.patch.object(django_settings, "BASE_DIR", root),
            mock.patch.dict(django_settings.DATABASES["default"], database),
        ):
            return page_cache.release()
    finally:
        page_cache.release.cache_clear()


def test_the_key_changes_with_the_release_and_the_database(tmp_path):
    """New templates (or code, static files, translations), another database, or an SQLite file
    replaced by another (rebuilt, restored) never see the pages stored for the previous ones."""
    root = tmp_path / "project"
    (root / "templates").mkdir(parents=True)
    template = root / "templates" / "base.html"
    template.write_text("<main>{% block content %}{% endblock %}</main>", encoding="utf-8")
    database = tmp_path / "atlas.sqlite3"
    database.write_bytes(b"")
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(database)}

    first = release_with(root, **sqlite)
    assert release_with(root, **sqlite) == first
    assert release_with(root, ENGINE="django.db.backends.postgresql", NAME="atlas") != first
    template.write_text("<main id=main>{% block content %}{% endblock %}</main>", encoding="utf-8")
    changed = release_with(root, **sqlite)
    assert changed != first
    replacement = tmp_path / "copy.sqlite3"
    replacement.write_bytes(b"")
    replacement.replace(database)
    assert release_with(root, **sqlite) != changed


@pytest.mark.django_db
def test_a_cache_that_does_not_answer_means_pages_are_rendered(client):
    cache = caches[VERSION_CACHE]
    with mock.patch.object(cache, "get", side_effect=OSError("No space left on device")):
        response = client.get("/sectors/")
    assert response.status_code == 200
    assert "X-Cache" not in response
    assert client.get("/sectors/")["X-Cache"] == "miss", "nothing was stored"


# --- 2. Never cached ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_signed_in_visitors_neither_read_nor_fill_the_cache(client, staff_client):
    staff_view = staff_client.get("/sectors/")
    assert staff_view.status_code == 200
    assert "X-Cache" not in staff_view
    assert client.get("/sectors/")["X-Cache"] == "miss", "the staff's page was not stored"
    assert "X-Cache" not in staff_client.get("/sectors/")


@pytest.mark.django_db
@pytest.mark.parametrize("cookie", ["sessionid", "messages"])
def test_a_session_or_message_cookie_bypasses_the_cache(client, cookie):
    client.get("/sectors/")
    client.cookies[cookie] = "anything"
    response = client.get("/sectors/")
    assert response.status_code == 200
    assert "X-Cache" not in response


@pytest.mark.django_db
def test_drafts_shown_to_staff_never_reach_anonymous_visitors_and_back(client, staff_client):
    sector = f.SectorFactory()
    for title, published in (("Published case", True), ("Draft case", False)):
        f.CaseFactory(title_en=title, published=published).sectors.add(sector)
    url = sector.get_absolute_url()

    staff_first = staff_client.get(url).content.decode()
    assert "Draft case" in staff_first
    public = client.get(url)
    assert public["X-Cache"] == "miss", "the staff's page must not have been stored"
    assert "Published case" in public.content.decode()
    assert "Draft case" not in public.content.decode()

    assert client.get(url)["X-Cache"] == "hit"
    staff_again = staff_client.get(url)
    assert "X-Cache" not in staff_again, "staff must never get the anonymous copy"
    assert "Draft case" in staff_again.content.decode()


@pytest.mark.django_db
def test_admin_health_and_other_apps_are_never_cached(client):
    for url in ("/admin/login/", "/zh-hans/admin/login/", "/healthz"):
        client.get(url)
        assert client.get(url).get("X-Cache") != "hit", url
        client.cookies.clear()


@pytest.mark.django_db
def test_other_methods_and_statuses_are_never_cached(client):
    assert client.post("/sectors/").get("X-Cache") is None
    for _ in range(2):
        missing = client.get("/sectors/no-such-sector/")
        assert missing.status_code == 404
        assert missing.get("X-Cache") != "hit"
        redirect = client.get("/sectors")
        assert redirect.status_code == 301
        assert redirect.get("X-Cache") != "hit"
    assert client.get("/sectors/")["X-Cache"] == "miss", "the POST's answer was not stored"


@pytest.mark.django_db
def test_an_answer_that_varies_on_a_cookie_the_request_sent_is_not_stored(client):
    client.cookies["csrftoken"] = "a" * 32
    response = client.get("/sectors/")
    assert "Cookie" in response["Vary"]
    client.cookies.clear()
    assert client.get("/sectors/")["X-Cache"] == "miss", "the first answer was not stored"
    client.cookies["csrftoken"] = "a" * 32
    assert client.get("/sectors/")["X-Cache"] == "hit", "a stored page shows no per-visitor data"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "spoil",
    [
        lambda r: r.set_cookie("django_language", "zh-hans"),
        lambda r: r.__setitem__("Cache-Control", "private"),
        lambda r: r.__setitem__("Cache-Control", "no-store"),
        lambda r: r.__setitem__("Cache-Control", "max-age=0, no-cache"),
        lambda r: r.__setitem__("Content-Encoding", "gzip"),
        lambda r: r.__setitem__("Vary", "User-Agent"),
        lambda r: r.__setitem__("Vary", "*"),
        lambda r: setattr(r, "status_code", 404),
    ],
    ids=[
        "set-cookie",
        "private",
        "no-store",
        "no-cache",
        "encoded",
        "vary-other",
        "vary-star",
        "404",
    ],
)
def test_answers_marked_private_or_per_visitor_are_not_stored(client, spoil):
    response = client.get("/sectors/")
    request = response.wsgi_request
    assert page_cache.storable(request, response, "en")
    spoil(response)
    assert not page_cache.storable(request, response, "en")


@pytest.mark.django_db
def test_streaming_and_very_large_answers_are_not_stored(client):
    request = client.get("/sectors/").wsgi_request
    assert not page_cache.storable(request, StreamingHttpResponse(iter([b"x"])), "en")
    assert not page_cache.storable(request, HttpResponse(b"x" * (2 * 1024 * 1024 + 1)), "en")


@pytest.mark.django_db
def test_anonymous_pages_set_no_cookie_and_vary_only_on_what_the_key_holds(client):
    response = client.get("/")
    assert not response.cookies
    # Accept-Encoding: the compression around the cache (the stored page is the same for all).
    vary = {"Accept-Language", "Cookie", "Accept-Encoding"}
    assert set(response["Vary"].replace(" ", "").split(",")) <= vary


def test_a_stored_page_is_served_compressed_to_browsers_that_accept_it(client, catalogue):
    plain = client.get("/cases/")
    compressed = client.get("/cases/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert compressed["X-Cache"] == "hit"
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content) / 4
    # The ETag becomes weak; a conditional request with it still gets 304 Not Modified.
    assert compressed["ETag"] == f"W/{plain['ETag']}"
    again = client.get(
        "/cases/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=compressed["ETag"]
    )
    assert again.status_code == 304


# --- 3. Invalidation ------------------------------------------------------------------------


@pytest.mark.django_db
def test_saves_deletions_and_link_changes_bump_the_version_after_commit(
    django_capture_on_commit_callbacks,
):
    sector, case = f.SectorFactory(), f.CaseFactory()
    changes = [
        lambda: sector.save(),
        lambda: case.sectors.add(sector),
        lambda: case.sectors.remove(sector),
        lambda: f.SectorFactory().delete(),
    ]
    for change in changes:
        before = catalogue_version()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            change()
        assert catalogue_version() == before, "not before the commit"
        for callback in callbacks:
            callback()
        assert catalogue_version() != before


@pytest.mark.django_db
def test_one_transaction_bumps_once_and_other_apps_not_at_all(django_capture_on_commit_callbacks):
    with mock.patch("catalog.cache._new_version", side_effect=lambda: object()) as new:
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(3):
                f.SectorFactory()
        assert new.call_count == 1
        with django_capture_on_commit_callbacks(execute=True):
            User.objects.create_user("reader", password="x-9431-unused")
        assert new.call_count == 1


@pytest.mark.django_db
def test_a_lost_version_is_replaced_by_a_new_one():
    version = catalogue_version()
    caches[VERSION_CACHE].delete(VERSION_KEY)
    assert catalogue_version() not in (None, version)


@pytest.mark.django_db
def test_a_bump_makes_every_stored_page_stale(client, django_capture_on_commit_callbacks):
    client.get("/sectors/")
    assert client.get("/sectors/")["X-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        bump_catalogue_version()
    assert client.get("/sectors/")["X-Cache"] == "miss"


@pytest.mark.django_db
def test_a_load_that_writes_bumps_the_version_and_one_that_does_not_does_not(
    tmp_path, django_capture_on_commit_callbacks
):
    fixture = tmp_path / "01_sectors.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "catalog.sector",
                    "fields": {
                        "slug": "bci",
                        "kind": "future",
                        "name_zh": "腦機",
                        "name_en": "BCI",
                    },
                }
            ]
        ),
        encoding="utf-8",
    )
    before = catalogue_version()
    with django_capture_on_commit_callbacks(execute=True):
        assert load_files([fixture]).changes == 1
    loaded = catalogue_version()
    assert loaded != before, "bulk inserts send no post_save: the loader must bump itself"
    with django_capture_on_commit_callbacks(execute=True):
        assert load_files([fixture]).changes == 0
    assert catalogue_version() == loaded


@pytest.mark.django_db
def test_an_admin_edit_shows_at_once_to_anonymous_visitors(
    client, admin_client, django_capture_on_commit_callbacks
):
    sector = f.SectorFactory(name_en="Brain interfaces")
    url = sector.get_absolute_url()
    client.get(url)
    cached = client.get(url)
    assert cached["X-Cache"] == "hit"
    assert "Brain interfaces" in cached.content.decode()

    change = admin_url(models.Sector, "change", sector.pk)
    data = form_data(admin_client.get(change))
    data["name_en"] = "Brain-computer interfaces"
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(change, data).status_code == 302

    fresh = Client().get(url)
    assert fresh["X-Cache"] == "miss"
    assert "Brain-computer interfaces" in fresh.content.decode()
    assert "Brain-computer interfaces" in client.get(url).content.decode()


# --- 4. Conditional requests ------------------------------------------------------------------


@pytest.mark.django_db
def test_etag_and_last_modified_answer_conditional_requests_with_304(client):
    miss = client.get("/sectors/")
    etag, modified = miss["ETag"], miss["Last-Modified"]
    assert etag.startswith('"')
    assert modified.endswith("GMT")
    hit = client.get("/sectors/")
    assert (hit["ETag"], hit["Last-Modified"]) == (etag, modified)

    for headers in ({"if-none-match": etag}, {"if-modified-since": modified}):
        not_modified = client.get("/sectors/", headers=headers)
        assert not_modified.status_code == 304, headers
        assert not_modified.content == b""
        assert not_modified["ETag"] == etag
        assert not_modified["X-Cache"] == "hit"
    assert client.get("/sectors/", headers={"if-none-match": '"other"'}).status_code == 200


@pytest.mark.django_db
def test_a_fresh_render_with_the_same_body_is_not_modified_either(client):
    etag = client.get("/sectors/")["ETag"]
    caches[page_cache.PAGE_CACHE].clear()
    response = client.get("/sectors/", headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response["X-Cache"] == "miss"


# --- 5, 6, 7. The switch, lifetimes, the header ---------------------------------------------


@pytest.mark.django_db
def test_the_switch_turns_the_cache_off(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    for _ in range(2):
        response = client.get("/sectors/")
        assert response.status_code == 200
        assert "X-Cache" not in response
        assert "ETag" not in response
    settings.PAGE_CACHE_ENABLED = True
    assert client.get("/sectors/")["X-Cache"] == "miss", "nothing was stored while off"


def test_the_test_settings_leave_the_cache_off():
    from site_config.settings import test as test_settings

    assert test_settings.PAGE_CACHE_ENABLED is False


@pytest.mark.django_db
def test_pages_are_kept_for_the_configured_time_and_browsers_revalidate(client, settings):
    settings.PAGE_CACHE_SECONDS = 42
    cache = caches[page_cache.PAGE_CACHE]
    with mock.patch.object(cache, "set", wraps=cache.set) as store:
        response = client.get("/sectors/")
    assert [call.args[2] for call in store.call_args_list] == [42]
    assert response["Cache-Control"] == "max-age=0, must-revalidate"


@pytest.mark.parametrize(
    ("variable", "value"), [("ATLAS_PAGE_CACHE", "maybe"), ("ATLAS_PAGE_CACHE_SECONDS", "0")]
)
def test_a_malformed_switch_stops_production_with_one_line(variable, value, tmp_path):
    result = manage("check", **{variable: value, "ATLAS_PAGE_CACHE_DIR": str(tmp_path / "cache")})
    assert_one_line_error(result, variable)


def test_production_caches_pages_by_default_keyed_on_a_version_the_workers_share(tmp_path):
    code = (
        "from django.conf import settings; "
        "print(settings.PAGE_CACHE_ENABLED, settings.CACHES['catalogue_version']['BACKEND'], "
        "settings.CACHES['catalogue_version']['LOCATION'])"
    )
    folder = tmp_path / "cache"
    on = manage("shell", "--no-imports", "-c", code, ATLAS_PAGE_CACHE_DIR=str(folder))
    assert on.returncode == 0, on.stderr
    assert on.stdout.split() == [
        "True",
        "django.core.cache.backends.filebased.FileBasedCache",
        str(folder),
    ]
    off = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        ATLAS_PAGE_CACHE="off",
        ATLAS_PAGE_CACHE_DIR=str(folder),
    )
    assert off.stdout.split()[0] == "False"


# --- 8. Where the middleware sits ------------------------------------------------------------


def test_the_middleware_sits_after_the_https_redirect_and_before_sessions_and_csp():
    order = django_settings.MIDDLEWARE
    here = order.index("site_config.page_cache.PageCacheMiddleware")
    for before in ("SecurityMiddleware", "WhiteNoiseMiddleware", "HealthCheckMiddleware"):
        assert any(before in name for name in order[:here]), before
    for after in (
        "SessionMiddleware",
        "LocaleMiddleware",
        "CsrfViewMiddleware",
        "AuthenticationMiddleware",
        "ContentSecurityPolicyMiddleware",
    ):
        assert any(after in name for name in order[here + 1 :]), after
