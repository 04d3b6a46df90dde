"""/healthz: 200 when the database answers with the code's migrations applied, 503 when it does
not answer or is empty or behind; cheap, cookie-free, and answered before host validation and the
HTTPS redirect (load balancers probe by address)."""

import subprocess
import sys

import pytest
from django.db import OperationalError

from site_config import health
from tests import live_server
from tests.test_production_settings import ROOT, production_env


@pytest.mark.django_db
def test_answers_200_with_few_queries_and_no_cookie(client, django_assert_max_num_queries):
    # the migrations read, then a write rolled back (site_config/health.py)
    with django_assert_max_num_queries(7):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert not response.cookies
    assert "Set-Cookie" not in response
    assert "Vary" not in response


@pytest.mark.django_db
def test_head_is_answered_and_other_methods_are_not(client):
    assert client.head("/healthz").status_code == 200
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.django_db
def test_answers_a_probe_by_address_over_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["atlas.example.org"]
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    # The same request to a page is refused (host) or redirected (HTTPS): only /healthz is exempt.
    assert client.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400
    assert client.get("/", HTTP_HOST="atlas.example.org").status_code == 301


@pytest.mark.django_db
def test_only_the_exact_path_is_the_health_check(client):
    assert client.get("/healthz/extra").status_code == 404


class _BrokenConnection:
    def cursor(self):
        raise OperationalError("connection refused")


@pytest.mark.django_db
def test_answers_503_when_the_database_fails(client, monkeypatch, caplog):
    monkeypatch.setattr(health, "connections", {"default": _BrokenConnection()})
    with caplog.at_level("WARNING", logger="site_config.health"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database unavailable\n"
    assert response["Cache-Control"] == "no-store"
    assert "connection refused" not in response.content.decode()


CHECK = """
import django
django.setup()
from django.test import Client
response = Client().get("/healthz", HTTP_HOST="atlas.example.org", secure=True)
print(response.status_code, response.content.decode().strip())
"""


@pytest.mark.parametrize(
    "database_url",
    [
        # Nothing listens on port 9 (discard) of the loopback address.
        "postgres://postgres@127.0.0.1:9/atlas?connect_timeout=2",
        "sqlite:////nonexistent-folder/atlas.sqlite3",
    ],
    ids=["postgres-down", "sqlite-unreachable"],
)
def test_real_unreachable_database_gives_503(database_url):
    result = subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=ROOT,
        env=production_env(DATABASE_URL=database_url),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "503 database unavailable"


@pytest.mark.django_db
def test_answers_503_when_a_migration_is_not_applied(client):
    from django.db.migrations.recorder import MigrationRecorder

    latest = max(name for app, name in health.expected_migrations() if app == "catalog")
    MigrationRecorder.Migration.objects.filter(app="catalog", name=latest).delete()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database not migrated\n"


def run_on_fresh_database(work, script=CHECK, *, migrated=True):
    """``script`` in a production process on a database of its own (SQLite, or PostgreSQL when
    the suite runs there), migrated (a copy of the run's migrated database) or empty; returns
    the last line it printed."""
    with live_server.database_url(work, copy_of="migrated" if migrated else None) as url:
        env = production_env(DATABASE_URL=url)
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("migrated", [False, True], ids=["empty", "migrated"])
def test_an_empty_database_is_not_healthy_and_a_migrated_one_is(tmp_path, migrated):
    last = run_on_fresh_database(tmp_path, migrated=migrated)
    assert last == ("200 ok" if migrated else "503 database not migrated")
