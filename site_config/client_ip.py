"""The visitor's address, as far as it can be trusted.

Behind N reverse proxies (settings.TRUSTED_PROXIES, from DJANGO_TRUSTED_PROXIES) the address is
the N-th entry from the right of X-Forwarded-For: each proxy appends the address it saw, so entries
further left were written by the client and may be forged. With no proxy, REMOTE_ADDR is used.
"""

from django.conf import settings


def client_ip(request):
    proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
