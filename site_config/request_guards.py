"""What every request passes first: forwarded headers only from trusted proxies, a body no larger
than its path needs, and no body sent back for HEAD.

**Forwarded headers.** ``X-Forwarded-Proto`` decides whether a request counts as HTTPS (the
redirect, HSTS, secure cookies) and ``X-Forwarded-For`` whose address the login limit counts; a
client could send either. They are kept only from the addresses in TRUSTED_PROXY_ADDRESSES
(GUNICORN_FORWARDED_ALLOW_IPS, the reverse proxy) or over a Unix socket, and dropped from any
other address, whatever server runs the site.

**Body limits.** A request whose ``Content-Length`` is over the limit of its path is answered
``413 Content Too Large`` with a short page before anything reads the body: the admin's forms may
carry one image (``catalog.images.MAX_BYTES``) plus the form around it
(``ADMIN_REQUEST_MAX_BYTES``); everything else (the admin login, the language switch, any other
form) gets ``PUBLIC_REQUEST_MAX_BYTES``. Django's own limits still apply inside them
(DATA_UPLOAD_MAX_MEMORY_SIZE for the fields, DATA_UPLOAD_MAX_NUMBER_FIELDS and _FILES). A body
sent without a length (chunked) is not read by Django at all.

**HEAD.** Django answers HEAD with the body GET would have; gunicorn then drops it and logs a
warning per request. The body is dropped here instead (the headers, Content-Length among them,
are those of GET).
"""

import ipaddress
import logging
import re

from django.conf import settings
from django.http import HttpResponse
from django.utils.html import format_html

logger = logging.getLogger("site_config.request_guards")

# The admin, under any language prefix, but not its login page.
_ADMIN_PATH = re.compile(r"^/(?:[a-z]{2}(?:-[a-z]+)?/)?admin/(?!login/)")


def body_limit(path):
    """The largest body a request to ``path`` may send, in bytes."""
    if _ADMIN_PATH.match(path):
        return settings.ADMIN_REQUEST_MAX_BYTES
    return settings.PUBLIC_REQUEST_MAX_BYTES


def content_too_large(limit):
    kilobytes = max(1, limit // 1024)
    size = f"{kilobytes // 1024} MB" if kilobytes >= 1024 else f"{kilobytes} KB"
    title = "Too much data sent"
    body = format_html(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{} · Xinzhi Atlas'
        '</title><meta name="robots" content="noindex"></head><body><main><h1>{}</h1><p>This '
        "address accepts at most {} in one request. Nothing was saved. If you were uploading an "
        "image, save it smaller (at most {} MB) and try again.</p>"
        '<p><a href="/">Go to the home page of Xinzhi Atlas</a></p></main></body></html>\n',
        title,
        title,
        size,
        _image_megabytes(),
    )
    response = HttpResponse(body, status=413)
    response["Cache-Control"] = "no-store"
    # The body was not read: the connection cannot carry another request after this one.
    response["Connection"] = "close"
    return response


def _image_megabytes():
    from catalog.images import MAX_BYTES, MEGABYTE

    return MAX_BYTES // MEGABYTE


FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_FORWARDED",
)


def trusted_networks(addresses):
    if "*" in addresses:
        return None  # any address
    return [ipaddress.ip_network(address, strict=False) for address in addresses]


def is_trusted_proxy(remote_addr, networks):
    if networks is None or not remote_addr:  # "*", or a Unix socket (only local processes)
        return True
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return False
    return any(address in network for network in networks)


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.proxies = trusted_networks(settings.TRUSTED_PROXY_ADDRESSES)

    def __call__(self, request):
        if not is_trusted_proxy(request.META.get("REMOTE_ADDR", ""), self.proxies):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        limit = body_limit(request.path_info)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            logger.warning(
                "request body refused: %s bytes to %s (limit %s)", length, request.path, limit
            )
            response = content_too_large(limit)
        else:
            response = self.get_response(request)
        if request.method == "HEAD":
            _drop_body(response)
        return response


def _drop_body(response):
    if response.streaming:
        response.streaming_content = []  # the server still closes the file behind it
    elif response.content:
        length = response.get("Content-Length", str(len(response.content)))
        response.content = b""
        response["Content-Length"] = length
