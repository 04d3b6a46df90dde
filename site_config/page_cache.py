"""Whole pages cached for anonymous visitors: a repeat view of a public catalogue page costs two
cache reads (the catalogue version, then the page) instead of a render.

What is cached: a GET of a page of the catalog app (every language prefix) answered ``200`` to a
visitor without a session cookie, with the headers the inner middleware added (the
Content-Security-Policy among them, so page and header always agree; SecurityMiddleware, outside
this one, adds its own headers to every answer). The key holds the scheme, the host, the
language, the path with its query string, the catalogue version (catalog/cache.py) and a
fingerprint of the code and the database (``release()``), so an edit, a fixture load or a new
release makes every stored page stale at once. HEAD is answered from the GET copy. Pages are kept
in the "default" cache (Redis, else each process's memory); the version in one every process
shares (see site_config/settings/base.py).

Last-Modified has one-second precision: two different renders of a page within the same second
carry the same date. Browsers also send the ETag, which takes precedence; a client that sends only
If-Modified-Since could then be told 304 for a page that changed within that second.

What never is: requests with a session or message cookie (signed-in visitors, staff who see
drafts), anything outside the catalog app (the admin, /healthz, which is answered before this
middleware, uploads), other methods, other statuses, streaming answers, answers that set a cookie,
answers marked private, no-store or no-cache, answers that vary on a header the key does not
hold, answers that vary on Cookie when the request sent one, and answers whose CSP nonce was
used: a nonce shared by every visitor for the cache's lifetime would protect nothing (no template
uses one today). A page that shows something per visitor must say so (``Vary`` or
``Cache-Control: private``), or it would be served to the next visitor.

Every cacheable answer carries an ETag (a hash of the body) and Last-Modified (when it was
rendered), answers conditional requests with ``304 Not Modified``, and tells browsers to
revalidate every time (``Cache-Control: max-age=0, must-revalidate``): an edit shows at once.
``X-Cache: hit`` or ``miss`` says whether the page came from the cache.

``ATLAS_PAGE_CACHE=off`` turns it off (setting ``PAGE_CACHE_ENABLED``);
``ATLAS_PAGE_CACHE_SECONDS`` sets how long a page is kept (setting ``PAGE_CACHE_SECONDS``).
"""

import functools
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import django
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, split_header_value

from catalog.cache import catalogue_version

PAGE_CACHE = "default"
CACHED_APP = "catalog"
# Larger pages are rendered each time rather than filling the cache.
MAX_BODY_BYTES = 2 * 1024 * 1024
# Vary headers the key accounts for: the language is chosen by the URL prefix alone
# (LocaleMiddleware with prefix_default_language=False; checked on every store), and requests with
# a cookie that changes the page bypass the cache. Accept-Encoding: pages are compressed outside
# the cache (GZipMiddleware), so a stored body is never encoded (checked on every store).
UNDERSTOOD_VARY = frozenset({"accept-language", "cookie", "accept-encoding"})
NOT_STORED = frozenset({"private", "no-store", "no-cache"})
# What the key does not hold is the same for every request: stored headers, minus these.
PER_REQUEST_HEADERS = frozenset({"x-cache"})
# Folders and files whose content changes the rendered pages (with the Django version).
RELEASE_PATHS = ("templates", "static", "locale", "catalog", "site_config", "requirements.txt")


@dataclass(frozen=True)
class Entry:
    content: bytes
    headers: tuple
    etag: str
    last_modified: int


@functools.cache
def release():
    """A hash of the code, templates, static files and translations, and of the database the site
    reads: a new release (or another database) never serves pages stored by the previous one."""
    digest = hashlib.sha256(django.get_version().encode())
    database = settings.DATABASES["default"]
    for part in ("ENGINE", "NAME", "HOST", "PORT"):
        digest.update(f"\0{database.get(part)}".encode())
    if "sqlite" in database["ENGINE"] and Path(database["NAME"]).is_file():
        # A database file replaced by another (rebuilt, restored from a copy) is another database.
        digest.update(f"\0{Path(database['NAME']).stat().st_ino}".encode())
    root = settings.BASE_DIR
    for name in RELEASE_PATHS:
        path = root / name
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(f"\0{file.relative_to(root)}\0".encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def bypass_cookies():
    """Cookies that can change what a page shows: the session (a signed-in user, staff seeing
    drafts) and flash messages."""
    return {settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name}


def page_language(request):
    """The language LocaleMiddleware will choose: the URL's prefix, else the default."""
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


def cache_key(request, language, version):
    page = "\n".join(
        (
            request.scheme,
            request.get_host(),
            language,
            request.path,
            request.META.get("QUERY_STRING", ""),
        )
    )
    digest = hashlib.sha256(page.encode("utf-8", "backslashreplace")).hexdigest()
    return f"page:{release()}:{version}:{digest}"


def _directives(response, header):
    """The names in a comma-separated header (Vary, Cache-Control), lower case."""
    if not response.has_header(header):
        return set()
    return {
        part.split("=", 1)[0].strip().lower()
        for part in split_header_value(response.headers[header])
        if part.strip()
    }


def storable(request, response, language):
    """Whether ``response`` to ``request`` (GET, no bypass cookie) may be served to anyone."""
    match = request.resolver_match
    user = getattr(request, "user", None)
    vary = _directives(response, "Vary")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.has_header("Content-Encoding")
        and not response.cookies
        and not response.has_header("Set-Cookie")
        and match is not None
        and match.app_name == CACHED_APP
        and getattr(request, "LANGUAGE_CODE", None) == language
        and user is not None
        and not user.is_authenticated
        and not get_nonce(request)
        and not _directives(response, "Cache-Control") & NOT_STORED
        and vary <= UNDERSTOOD_VARY
        and not ("cookie" in vary and request.COOKIES)
        and len(response.content) <= MAX_BODY_BYTES
    )


def answer(request, response, entry, state):
    """``response`` (or a 304) marked as a hit or a miss, answering conditional requests."""
    response["X-Cache"] = state
    conditional = get_conditional_response(
        request, etag=entry.etag, last_modified=entry.last_modified, response=response
    )
    conditional["X-Cache"] = state
    return conditional


class PageCacheMiddleware:
    """Placed after SecurityMiddleware (HTTPS redirect) and WhiteNoise (static files), before the
    session, locale, CSRF and authentication middleware: a hit runs none of them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            not settings.PAGE_CACHE_ENABLED
            or request.method not in ("GET", "HEAD")
            or bypass_cookies() & request.COOKIES.keys()
        ):
            return self.get_response(request)
        cache = caches[PAGE_CACHE]
        version = catalogue_version()
        if version is None:  # the cache does not answer: render, store nothing
            return self.get_response(request)
        language = page_language(request)
        key = cache_key(request, language, version)
        entry = cache.get(key)
        if entry is not None:
            response = HttpResponse(entry.content)
            for name, value in entry.headers:
                response.headers[name] = value
            return answer(request, response, entry, "hit")

        response = self.get_response(request)
        if request.method != "GET" or not storable(request, response, language):
            return response
        if "Cache-Control" not in response:
            patch_cache_control(response, max_age=0, must_revalidate=True)
        rendered = int(time.time())
        response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        response["Last-Modified"] = http_date(rendered)
        entry = Entry(
            content=response.content,
            headers=tuple(
                (name, value)
                for name, value in response.headers.items()
                if name.lower() not in PER_REQUEST_HEADERS
            ),
            etag=response["ETag"],
            last_modified=rendered,
        )
        cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
        return answer(request, response, entry, "miss")
