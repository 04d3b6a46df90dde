"""The server-error pages, which must never fail themselves.

When the exception behind a server error means the database cannot serve at the moment
(unreachable, locked, read-only: site_config.health.unavailability), the answer is
``503 Service Unavailable`` with ``Retry-After`` and ``templates/503.html`` instead of a 500, and
the connection that failed is closed so that the next request opens a fresh one: the site
recovers by itself once the cause is gone.

``templates/500.html`` is rendered without a request context and without the database. If even
that fails (a broken deployment: say, static files not collected, so a stylesheet's hashed name
cannot be looked up), the visitor still gets a plain page of the site's own instead of the
server's bare "Internal Server Error", and the failure is logged.
"""

import logging
import sys

from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from site_config import health

logger = logging.getLogger("site_config.errors")

FALLBACK = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="robots" content="noindex">
<title>Server error · Xinzhi Atlas 新質圖譜</title></head>
<body>
<main>
<h1>Something went wrong <span lang="zh-Hant">伺服器錯誤</span></h1>
<p>The server could not show this page. The error has been logged; please try again in a few
minutes.</p>
<p><a href="/">Go to the home page of Xinzhi Atlas</a></p>
</main>
</body>
</html>
"""


# Seconds a client is asked to wait before trying again when the database cannot serve.
RETRY_AFTER_SECONDS = 30


def _render(template_name, fallback):
    try:
        return loader.get_template(template_name).render()
    except Exception:  # the page that reports errors must not raise one of its own
        logger.exception("the error page %s could not be rendered; sent a plain one", template_name)
        return fallback


@requires_csrf_token
def server_error(request, template_name="500.html"):
    reason = health.unavailability(sys.exc_info()[1])
    if reason is not None:
        health.close_connections()
        return service_unavailable(reason)
    return HttpResponseServerError(_render(template_name, FALLBACK))


def service_unavailable(reason):
    """503 with Retry-After; the reason (e.g. "database read-only") in a header for operators."""
    fallback = FALLBACK.replace("Server error", "Temporarily unavailable")
    response = HttpResponse(_render("503.html", fallback), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response["X-Unavailable-Reason"] = reason
    return response
