"""A first visit to the home page in the visitor's language.

The English site keeps the unprefixed URLs, so Django's LocaleMiddleware never leaves ``/`` for a
browser that prefers Chinese. This middleware does, once: a visitor who arrives at ``/`` from
elsewhere (no language cookie, no link followed from this site) and whose browser asks for
Chinese is sent to /zh-hans/ or /zh-hant/ (zh-TW, zh-HK and zh-Hant to the traditional one).
Following the language switch to English (a link from this site) stays on ``/``, and so does any
other page: every page keeps one address per language.

It runs before the page cache, so a cached English home page is never served to such a visitor;
the home page's answer varies on Accept-Language and the cookie (what the page cache's key holds).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import translate_url
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language_from_request


class FirstVisitLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        target = self.target(request)
        if target is not None:
            response = HttpResponseRedirect(target)
        else:
            response = self.get_response(request)
        if request.path_info == "/":
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    @staticmethod
    def target(request):
        """Where to send this request; None to answer it as asked."""
        if request.method not in ("GET", "HEAD") or request.path_info != "/":
            return None
        if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
            return None
        referer = request.headers.get("referer", "")
        if referer and urlsplit(referer).netloc == request.get_host():
            return None  # a link followed on this site: the visitor chose this page
        language = get_language_from_request(request)
        if language == settings.LANGUAGE_CODE:
            return None
        target = translate_url("/", language)
        if request.META.get("QUERY_STRING"):
            target += "?" + request.META["QUERY_STRING"]
        return target if target != "/" else None
