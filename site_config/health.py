"""``/healthz`` for load balancers and uptime checks: 200 when the database answers and holds the
schema this code expects, 503 otherwise.

It is answered by the first middleware, before host validation, the HTTPS redirect, sessions and
CSRF: a load balancer may probe an app server by address over plain HTTP, the answer sets no
cookie and says nothing about the site but "ok".

One query on the (persistent) connection keeps it cheap: it reads the applied migrations of the
apps whose latest migrations the code has (found once per process from the migration files), so
a database that is unreachable, empty or not yet migrated is reported as unhealthy rather than
answering "ok" while every page fails.
"""

import functools
import logging

from django.db import connections
from django.http import HttpResponse, HttpResponseNotAllowed

logger = logging.getLogger("site_config.health")

HEALTH_PATH = "/healthz"
UNAVAILABLE = "database unavailable"
NOT_MIGRATED = "database not migrated"


@functools.cache
def expected_migrations():
    """The latest migration of each app, as the code on disk has them: {(app, name)}."""
    from django.db.migrations.loader import MigrationLoader

    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes())


def database_problem(alias="default"):
    """None when the database answers with every latest migration applied, else what is wrong."""
    expected = expected_migrations()
    apps = sorted({app for app, _name in expected})
    placeholders = ", ".join(["%s"] * len(apps))
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(
                f"SELECT app, name FROM django_migrations WHERE app IN ({placeholders})", apps
            )
            applied = set(cursor.fetchall())
    except Exception as exc:  # unreachable, or no migration table at all: never a 500
        logger.warning("health check: database %s does not answer: %s", alias, exc)
        return UNAVAILABLE if not _answers(alias) else NOT_MIGRATED
    missing = expected - applied
    if missing:
        logger.warning("health check: migrations not applied: %s", sorted(missing))
        return NOT_MIGRATED
    return None


def _answers(alias):
    """After a failed check: does the database answer at all? (only on the failure path)"""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
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
        elif (problem := database_problem()) is None:
            response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
        else:
            response = HttpResponse(
                f"{problem}\n", content_type="text/plain; charset=utf-8", status=503
            )
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
