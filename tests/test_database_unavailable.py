"""When the database cannot serve (unreachable, locked, read-only): pages answer a styled 503 with
Retry-After instead of a 500, an editor's save gives the form back with what they typed and a
clear message, /healthz names the reason (a write is tried and rolled back), and the connection
that failed is closed so that the site recovers without a restart."""

import os

import pytest
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError
from django.urls import path

from catalog import models
from catalog.admin.companies import CompanyAdmin
from site_config import health
from tests import factories as f
from tests.test_admin import admin_url, form_data
from tests.test_healthz import run_on_fresh_database


class _PsycopgError(Exception):
    def __init__(self, sqlstate):
        self.sqlstate = sqlstate


def _wrapped(django_class, message, sqlstate=None):
    exc = django_class(message)
    if sqlstate:
        exc.__cause__ = _PsycopgError(sqlstate)
    return exc


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (_wrapped(OperationalError, "attempt to write a readonly database"), health.READ_ONLY),
        (_wrapped(OperationalError, "database is locked"), health.LOCKED),
        (_wrapped(OperationalError, "unable to open database file"), health.UNAVAILABLE),
        (_wrapped(InterfaceError, "connection already closed"), health.UNAVAILABLE),
        (_wrapped(DatabaseError, "read-only transaction", "25006"), health.READ_ONLY),
        (_wrapped(DatabaseError, "could not extend file", "53100"), health.UNAVAILABLE),
        (_wrapped(DatabaseError, "terminating connection", "57P01"), health.UNAVAILABLE),
        (_wrapped(IntegrityError, "UNIQUE constraint failed"), None),
        (_wrapped(OperationalError, "no such table: catalog_company"), None),
        (_wrapped(OperationalError, "connection refused", "08006"), health.UNAVAILABLE),
        (_wrapped(DatabaseError, "syntax error", "42601"), None),
        (ValueError("not a database error"), None),
    ],
)
def test_which_errors_mean_the_database_cannot_serve(exc, reason):
    assert health.unavailability(exc) == reason


def _read_only_view(request):
    raise OperationalError("attempt to write a readonly database")


def _broken_view(request):
    raise IntegrityError("a bug, not an outage")


urlpatterns = [path("read-only/", _read_only_view), path("broken/", _broken_view)]
handler500 = "site_config.errors.server_error"


@pytest.fixture
def outage_urls(settings, client):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    return client


def test_a_database_outage_is_a_styled_503_with_retry_after(outage_urls):
    response = outage_urls.get("/read-only/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert response["X-Unavailable-Reason"] == health.READ_ONLY
    html = response.content.decode()
    assert "<h1>Temporarily unavailable" in html
    assert 'href="/static/css/site.css"' in html
    assert "readonly" not in html


def test_other_errors_stay_500(outage_urls):
    response = outage_urls.get("/broken/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("message", ["database is locked", "attempt to write a readonly database"])
def test_an_editor_gets_the_form_back_with_what_they_typed(admin_client, monkeypatch, message):
    company = f.CompanyFactory(description_en="Before.")
    url = admin_url(models.Company, "change", company.pk)
    data = form_data(admin_client.get(url))
    data["description_en"] = "What the editor typed."

    def refuse(self, request, obj, form, change):
        raise OperationalError(message)

    monkeypatch.setattr(CompanyAdmin, "save_model", refuse)
    response = admin_client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was saved: the database cannot take changes at the moment" in html
    assert "What the editor typed." in html
    company.refresh_from_db()
    assert company.description_en == "Before."


@pytest.mark.django_db
def test_healthz_tries_a_write_and_rolls_it_back(client, django_assert_num_queries):
    from django.db.migrations.recorder import MigrationRecorder

    before = list(MigrationRecorder.Migration.objects.values_list("id", "app", "name"))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert list(MigrationRecorder.Migration.objects.values_list("id", "app", "name")) == before


READ_ONLY = {
    "sqlite": "PRAGMA query_only = ON",
    "postgresql": "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
}
RECOVERY = """
import django
django.setup()
from django.db import connection
from django.test import Client
connection.ensure_connection()
with connection.cursor() as cursor:
    cursor.execute({read_only!r}[connection.vendor])
client = Client()
first = client.get("/healthz", HTTP_HOST="atlas.example.org", secure=True)
closed = connection.connection is None
second = client.get("/healthz", HTTP_HOST="atlas.example.org", secure=True)
print(first.status_code, first.content.decode().strip(), closed, second.status_code)
"""
LOCKED = """
import django
django.setup()
from django.db import connection
from django.test import Client
connection.ensure_connection()
connection.connection.execute("BEGIN IMMEDIATE")  # another writer holds the lock
other = connection.connection
connection.connection = None
response = Client().get("/healthz", HTTP_HOST="atlas.example.org", secure=True)
print(response.status_code, response.content.decode().strip())
"""


def test_healthz_says_read_only_and_recovers_without_a_restart(tmp_path):
    last = run_on_fresh_database(tmp_path, RECOVERY.format(read_only=READ_ONLY))
    # 503 with the reason; the failed connection closed; the next check opens a fresh one.
    assert last == "503 database read-only True 200"


def test_healthz_says_locked_when_another_writer_holds_the_lock(tmp_path):
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("SQLite's write lock; PostgreSQL locks rows, not the database")
    assert run_on_fresh_database(tmp_path, LOCKED) == "503 database locked"
