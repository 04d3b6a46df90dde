"""``/healthz`` for load balancers and uptime checks: 200 when the database answers, holds the
schema this code expects and accepts a write; 503 with the reason otherwise.

It is answered by the first middleware, before host validation, the HTTPS redirect, sessions and
CSRF: a load balancer may probe an app server by address over plain HTTP, the answer sets no
cookie and says nothing about the site but "ok" or what is wrong.

Two statements on the (persistent) connection keep it cheap: one reads the applied migrations of
the apps whose latest migrations the code has (found once per process from the migration files),
so a database that is unreachable, empty or not yet migrated is reported rather than answering
"ok" while every page fails; one writes a row of that table to itself in a transaction that is
rolled back, so a database that is read-only, full or locked for longer than the check waits
(``WRITE_WAIT_SECONDS``) is reported too, before an editor's save finds it.

``unavailability(exc)`` says whether an exception a request raised means the database cannot
serve (the same reasons), for the 503 page (site_config/errors.py) and the admin's unsaved form.
"""

import functools
import logging

from django import db
from django.db import DatabaseError, InterfaceError, OperationalError, connections, transaction
from django.http import HttpResponse, HttpResponseNotAllowed

logger = logging.getLogger("site_config.health")

HEALTH_PATH = "/healthz"
UNAVAILABLE = "database unavailable"
NOT_MIGRATED = "database not migrated"
READ_ONLY = "database read-only"
LOCKED = "database locked"
# How long the write check waits for another writer before it reports the database as locked.
WRITE_WAIT_SECONDS = 2
# PostgreSQL error classes that mean "cannot serve now", not "this request is wrong": connection
# exception, insufficient resources (disk full), operator intervention (shutdown), and a
# read-only transaction (a standby, or default_transaction_read_only).
_UNAVAILABLE_SQLSTATE_CLASSES = ("08", "53", "57")
_READ_ONLY_SQLSTATE = "25006"
_LOCK_SQLSTATE = "55P03"
_SQLITE_CODE_ERRORS = ("no such ", "syntax error", "near ", "table ", "too many sql variables")


def unavailability(exc):
    """The reason (READ_ONLY, LOCKED, UNAVAILABLE) when ``exc`` means the database cannot serve
    at the moment, None when it is an error of the request or the code (integrity, syntax)."""
    if not isinstance(exc, db.Error):
        return None
    sqlstate = getattr(exc.__cause__, "sqlstate", None) or ""
    message = str(exc).lower()
    if sqlstate == _READ_ONLY_SQLSTATE or "readonly" in message or "read-only" in message:
        return READ_ONLY
    if sqlstate == _LOCK_SQLSTATE or "database is locked" in message:
        return LOCKED
    if sqlstate:
        return UNAVAILABLE if sqlstate.startswith(_UNAVAILABLE_SQLSTATE_CLASSES) else None
    if isinstance(exc, InterfaceError):
        return UNAVAILABLE
    # SQLite says what the code got wrong with OperationalError too ("no such table").
    if isinstance(exc, OperationalError) and not message.startswith(_SQLITE_CODE_ERRORS):
        return UNAVAILABLE
    return None


def close_connections():
    """After an error that means the database cannot serve: close the connections, so that the
    next request opens fresh ones. A persistent SQLite connection opened while the file was
    read-only stays read-only, and passes Django's health check (which only asks whether it
    answers); without this, saves would keep failing for CONN_MAX_AGE after the file is writable
    again. (``errors_occurred`` cannot tell which connection failed: a rollback clears it.) A
    connection inside a transaction someone else opened is left to them."""
    for connection in db.connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


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
        problem = UNAVAILABLE if not _answers(alias) else NOT_MIGRATED
        close_connections()
        return problem
    missing = expected - applied
    if missing:
        logger.warning("health check: migrations not applied: %s", sorted(missing))
        return NOT_MIGRATED
    return _write_problem(alias)


def _write_problem(alias):
    """None when a write to the database succeeds (then rolled back), else the reason."""
    connection = connections[alias]
    sqlite = connection.vendor == "sqlite"
    try:
        if sqlite:  # before BEGIN IMMEDIATE, which already waits for the write lock
            _sqlite_busy_timeout(connection, WRITE_WAIT_SECONDS)
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"SET LOCAL lock_timeout = '{WRITE_WAIT_SECONDS}s'")
            cursor.execute(
                "UPDATE django_migrations SET name = name "
                "WHERE id = (SELECT MIN(id) FROM django_migrations)"
            )
            transaction.set_rollback(True, using=alias)
    except DatabaseError as exc:
        problem = unavailability(exc) or UNAVAILABLE
        logger.warning("health check: database %s refuses a write (%s): %s", alias, problem, exc)
        close_connections()
        return problem
    finally:
        if sqlite and connection.connection is not None:
            _sqlite_busy_timeout(connection, connection.settings_dict["OPTIONS"].get("timeout", 5))
    return None


def _sqlite_busy_timeout(connection, seconds):
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")


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
