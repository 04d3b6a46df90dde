"""The server-error page, which must never fail itself.

``templates/500.html`` is rendered without a request context and without the database. If even
that fails (a broken deployment: say, static files not collected, so a stylesheet's hashed name
cannot be looked up), the visitor still gets a plain page of the site's own instead of the
server's bare "Internal Server Error", and the failure is logged.
"""

import logging

from django.http import HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

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


@requires_csrf_token
def server_error(request, template_name="500.html"):
    try:
        body = loader.get_template(template_name).render()
    except Exception:  # the page that reports errors must not raise one of its own
        logger.exception("the server error page could not be rendered; sent the plain one")
        body = FALLBACK
    return HttpResponseServerError(body)
