"""Rate limit for the admin login: password guessing gets a 429 after a few failures.

Each login attempt is counted before its password is checked, in the database
(``site_config.models.LoginAttempts``), per client address and username and per address alone
with a higher limit (one address trying many usernames). The count is one atomic statement (an
insert or update that returns the new count), so concurrent attempts from any number of workers,
processes or servers sharing the database are each given a different number: exactly the limit
get through, the others are refused with "429 Too Many Requests" and a Retry-After header, before
any password is checked. A successful login clears the address+username count and gives back
its place in the address count. A window starts with the first attempt and ends
ADMIN_LOGIN_FAILURE_WINDOW seconds later.

The counts are listed in the admin (Site › Login attempts), where deleting a row lifts its
lockout. Limits live in settings: ADMIN_LOGIN_FAILURE_LIMIT, ADMIN_LOGIN_FAILURE_LIMIT_PER_ADDRESS,
ADMIN_LOGIN_FAILURE_WINDOW (seconds).
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import connection, transaction
from django.db.models import F
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from site_config.client_ip import client_ip
from site_config.models import LoginAttempts

logger = logging.getLogger("site_config.login_throttle")

LOGIN_VIEW_NAME = "admin:login"
USERNAME_LENGTH = LoginAttempts._meta.get_field("username").max_length


def _keys(request, username):
    address = client_ip(request)[:64]
    username = (username or "").strip().casefold()[:USERNAME_LENGTH]
    return (
        (LoginAttempts.Scope.USER, address, username),
        (LoginAttempts.Scope.ADDRESS, address, ""),
    )


def _is_admin_login(request):
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name == LOGIN_VIEW_NAME


def _limits():
    return (
        settings.ADMIN_LOGIN_FAILURE_LIMIT,
        settings.ADMIN_LOGIN_FAILURE_LIMIT_PER_ADDRESS,
    )


def count_attempt(key):
    """Add one attempt to ``key``'s count (a new window when the last one has ended) and return
    the new count, in one statement."""
    now = timezone.now()
    window_start = now - datetime.timedelta(seconds=settings.ADMIN_LOGIN_FAILURE_WINDOW)
    adapt = connection.ops.adapt_datetimefield_value
    table = connection.ops.quote_name(LoginAttempts._meta.db_table)
    expired = f"{table}.window_started < %s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (scope, address, username, count, window_started, last_attempt) "
            "VALUES (%s, %s, %s, 1, %s, %s) "
            "ON CONFLICT (scope, address, username) DO UPDATE SET "
            f"count = CASE WHEN {expired} THEN 1 ELSE {table}.count + 1 END, "
            f"window_started = CASE WHEN {expired} THEN excluded.window_started "
            f"ELSE {table}.window_started END, "
            "last_attempt = excluded.last_attempt "
            "RETURNING count",
            [*key, adapt(now), adapt(now), adapt(window_start), adapt(window_start)],
        )
        return cursor.fetchone()[0]


def record_attempt(request, username):
    """Count the attempt; True when it is within the limits (the password may be checked)."""
    user_key, address_key = _keys(request, username)
    user_limit, address_limit = _limits()
    with transaction.atomic():
        user_count = count_attempt(user_key)
        address_count = count_attempt(address_key)
    return user_count <= user_limit and address_count <= address_limit


def is_locked(row, now=None):
    """Whether the attempts counted in ``row`` refuse the next one now."""
    now = now or timezone.now()
    window_start = now - datetime.timedelta(seconds=settings.ADMIN_LOGIN_FAILURE_WINDOW)
    user_limit, address_limit = _limits()
    limit = user_limit if row.scope == LoginAttempts.Scope.USER else address_limit
    return row.window_started >= window_start and row.count >= limit


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
        if not record_attempt(request, request.POST.get("username", "")):
            logger.warning("admin login refused: too many attempts from %s", client_ip(request))
            return too_many_attempts()
        return None


@receiver(user_login_failed, dispatch_uid="site_config.login_throttle.failed")
def _log_failure(sender, credentials, request=None, **kwargs):
    if request is not None and _is_admin_login(request):
        logger.info("admin login failed from %s", client_ip(request))


@receiver(user_logged_in, dispatch_uid="site_config.login_throttle.succeeded")
def _clear_attempts(sender, request=None, user=None, **kwargs):
    if request is None or user is None or not _is_admin_login(request):
        return
    user_key, address_key = _keys(request, user.get_username())
    scope, address, username = user_key
    LoginAttempts.objects.filter(scope=scope, address=address, username=username).delete()
    scope, address, _username = address_key
    LoginAttempts.objects.filter(scope=scope, address=address, username="", count__gt=0).update(
        count=F("count") - 1
    )
