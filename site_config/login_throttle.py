"""Rate limit for the admin login: password guessing gets a 429 after a few failures.

Failures are counted in the "login_throttle" cache (Redis when there is one; otherwise, in
production, a file cache shared by the gunicorn workers of one server) per client address and
username, and per address alone with a higher limit (one address trying many usernames). While a
count is at its limit, login attempts for it are refused before any password is checked, with
"429 Too Many Requests" and a Retry-After header. A successful login clears the address+username
count. Limits live in settings: ADMIN_LOGIN_FAILURE_LIMIT, ADMIN_LOGIN_FAILURE_LIMIT_PER_ADDRESS,
ADMIN_LOGIN_FAILURE_WINDOW (seconds).
"""

import hashlib
import logging

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import caches
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils.html import format_html
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from site_config.client_ip import client_ip

logger = logging.getLogger("site_config.login_throttle")

LOGIN_VIEW_NAME = "admin:login"


def _cache():
    return caches["login_throttle"]


def _key(*parts):
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"login-failures:{digest}"


def _keys(request, username):
    address = client_ip(request)
    return (
        _key("user", address, (username or "").strip().casefold()),
        _key("address", address),
    )


def _is_admin_login(request):
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name == LOGIN_VIEW_NAME


def _limits():
    return (
        settings.ADMIN_LOGIN_FAILURE_LIMIT,
        settings.ADMIN_LOGIN_FAILURE_LIMIT_PER_ADDRESS,
    )


def is_blocked(request, username):
    user_key, address_key = _keys(request, username)
    counts = _cache().get_many([user_key, address_key])
    user_limit, address_limit = _limits()
    return counts.get(user_key, 0) >= user_limit or counts.get(address_key, 0) >= address_limit


def record_failure(request, username):
    window = settings.ADMIN_LOGIN_FAILURE_WINDOW
    cache = _cache()
    for key in _keys(request, username):
        # add() starts the window on the first failure; incr() keeps its expiry.
        cache.add(key, 0, timeout=window)
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr(): start again
            cache.set(key, 1, timeout=window)


def too_many_attempts():
    minutes = max(1, settings.ADMIN_LOGIN_FAILURE_WINDOW // 60)
    title = _("Too many failed login attempts")
    message = ngettext(
        "Logging in has been paused for this account from your address after too many failed "
        "attempts. Try again in %(minutes)d minute.",
        "Logging in has been paused for this account from your address after too many failed "
        "attempts. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    body = format_html(
        '<!DOCTYPE html>\n<html lang="{}"><head><meta charset="utf-8">'
        "<title>{}</title></head><body><main><h1>{}</h1><p>{}</p></main></body></html>\n",
        get_language() or settings.LANGUAGE_CODE,
        title,
        title,
        message,
    )
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(settings.ADMIN_LOGIN_FAILURE_WINDOW)
    response["Cache-Control"] = "no-store"
    return response


class AdminLoginThrottleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or not _is_admin_login(request):
            return None
        username = request.POST.get("username", "")
        if is_blocked(request, username):
            logger.warning("admin login refused: too many failures from %s", client_ip(request))
            return too_many_attempts()
        return None


@receiver(user_login_failed, dispatch_uid="site_config.login_throttle.failed")
def _count_failure(sender, credentials, request=None, **kwargs):
    if request is None or not _is_admin_login(request):
        return
    username = credentials.get("username", "")
    record_failure(request, username)
    logger.info("admin login failed from %s", client_ip(request))


@receiver(user_logged_in, dispatch_uid="site_config.login_throttle.succeeded")
def _clear_failures(sender, request=None, user=None, **kwargs):
    if request is None or user is None or not _is_admin_login(request):
        return
    user_key, _address_key = _keys(request, user.get_username())
    _cache().delete(user_key)
