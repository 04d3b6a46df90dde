"""``/healthz`` for load balancers and uptime checks: 200 when the database answers, 503 otherwise.

It is answered by the first middleware, before host validation, the HTTPS redirect, sessions and
CSRF: a load balancer may probe an app server by address over plain HTTP, the answer sets no
cookie and says nothing about the site but "ok". One ``SELECT 1`` on the (persistent) connection
keeps it cheap.
"""

import logging

from django.db import connections
from django.http import HttpResponse, HttpResponseNotAllowed

logger = logging.getLogger("site_config.health")

HEALTH_PATH = "/healthz"


def database_answers(alias="default"):
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure to reach the database means "unhealthy", never a 500
        logger.warning("health check: database %s does not answer: %s", alias, exc)
        return False
    return True


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != HEALTH_PATH:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = HttpResponseNotAllowed(["GET", "HEAD"])
        elif database_answers():
            response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
        else:
            response = HttpResponse(
                "database unavailable\n", content_type="text/plain; charset=utf-8", status=503
            )
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
