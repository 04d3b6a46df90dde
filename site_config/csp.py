"""A narrowly relaxed Content Security Policy for the admin only.

The public pages keep ``SECURE_CSP`` exactly. Django's own admin templates carry CSP nonces, but
django-simple-history's history list has one inline style attribute
(``<p class="paginator" style="border-top: 0">``); ``SECURE_CSP_ADMIN`` allows that exact
attribute by its hash (``'unsafe-hashes'`` with one sha256), nothing else. This middleware must
come after ``ContentSecurityPolicyMiddleware`` in MIDDLEWARE so that it sees the response first.
"""

import base64
import hashlib

from django.conf import settings


def style_attribute_hash(declaration):
    digest = hashlib.sha256(declaration.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


class AdminContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (
            match is not None
            and "admin" in match.namespaces
            and not hasattr(response, "_csp_config")
        ):
            response._csp_config = settings.SECURE_CSP_ADMIN
        return response
