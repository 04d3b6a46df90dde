"""Moving an existing SQLite catalogue to PostgreSQL keeps every record and relation.

The same commands as docs/deploy.md ("Moving from SQLite to PostgreSQL"):

1. ``dumpdata --format xml --natural-foreign`` of everything except what ``migrate`` recreates
   (content types, permissions) and what is transient (sessions). Primary keys are kept: the
   target is a fresh database, and kept ids keep admin URLs, the admin log and the edit history
   pointing at the right rows. Content types and permissions are referred to by natural key,
   since their ids differ between databases.
2. The edit history (django-simple-history's Historical* tables) goes in a second file *without*
   natural keys: a history row may point at a record deleted since, which has no natural key left
   to write (dumpdata with --natural-foreign fails on it), while its plain id stays valid.
3. XML, not JSON: Django's JSON serializer cuts timestamps to milliseconds; XML keeps them whole.
4. ``migrate`` then ``loaddata`` both files into a fresh PostgreSQL database (loaddata also resets
   the id sequences, so new rows get fresh ids).

The test compares every row of every model, many-to-many tables included, between the two
databases. It skips when PostgreSQL does not answer, except under CI=true, where that fails.
"""

import json
import os
import secrets
import subprocess
import sys

import pytest

from tests import template_databases
from tests.test_production_settings import ROOT, production_env

# The deployment's own commands in real processes, half a minute: outside `make test-fast`.
pytestmark = pytest.mark.smoke

PG_BASE = os.environ.get("CI_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
EXCLUDED = ["contenttypes", "auth.permission", "sessions"]

HISTORY_MODELS = (
    "from django.apps import apps; "
    "print(' '.join(sorted(m._meta.label_lower for m in apps.get_models() "
    "if hasattr(m, 'instance_type'))))"
)

# Rows the plain catalogue load does not have: an editor with permissions, an edit made by that
# editor, an admin log entry, and a record deleted after being cited (history pointing nowhere).
EXTRAS = """
import django
django.setup()
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from catalog.models import Citation, Company, Source

editors, _ = Group.objects.get_or_create(name="Editors")  # a migration may have made it
editors.permissions.set(Permission.objects.filter(content_type__app_label="catalog"))
editor = User.objects.create_user("editor", "editor@example.org", "a-long-test-password")
editor.groups.add(editors)
editor.user_permissions.add(Permission.objects.get(codename="view_logentry"))

company = Company.objects.order_by("slug").first()
company.description_en = (company.description_en + " (edited)").strip()
company._history_user = editor
company.save()
LogEntry.objects.create(
    user=editor,
    content_type=ContentType.objects.get_for_model(Company),
    object_id=str(company.pk),
    object_repr=str(company),
    action_flag=CHANGE,
    change_message="Edited the description.",
)

gone = Company.objects.create(
    name_zh="臨時機構", name_en="Temporary organisation", slug="temporary-organisation",
    kind=company.kind,
)
citation = Citation.objects.create(
    ref="temporary-citation", source=Source.objects.first(), company=gone, quote="臨時"
)
citation.delete()
gone.delete()
print(Company.history.filter(slug="temporary-organisation").count())
"""

SNAPSHOT = """
import datetime, decimal, json
import django
django.setup()
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

SKIP = {"contenttypes.contenttype", "auth.permission", "sessions.session"}
BY_NATURAL_KEY = (ContentType, Permission)  # their ids differ between databases


def plain(field, value):
    if value is None:
        return None
    if field.is_relation and field.related_model in BY_NATURAL_KEY:
        return list(field.related_model._default_manager.get(pk=value).natural_key())
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value.normalize())
    return value


snapshot = {}
for model in apps.get_models(include_auto_created=True):
    label = model._meta.label_lower
    if label in SKIP:
        continue
    fields = [
        f for f in model._meta.concrete_fields
        if not (model._meta.auto_created and f.primary_key)  # m2m rows are made anew
    ]
    rows = [
        [plain(f, getattr(row, f.attname)) for f in fields]
        for row in model._base_manager.all()
    ]
    snapshot[label] = sorted(json.dumps(row, sort_keys=True, default=str) for row in rows)
print(json.dumps(snapshot))
"""

NEW_ROW = """
import django
django.setup()
from catalog.models import Source
highest = Source.objects.order_by("-pk").first().pk
row = Source.objects.create(
    slug="added-after-the-move", publication="Test", title="Added after the move",
    language="en",
)
print(row.pk > highest)
"""


def postgres_admin():
    """A psycopg connection to the server's maintenance database, or a skip (fail under CI)."""
    import psycopg

    try:
        return psycopg.connect(f"{PG_BASE}/postgres", autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        reason = f"PostgreSQL does not answer at {PG_BASE}: {exc}".strip()
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)


@pytest.fixture
def postgres_database():
    name = f"xinzhi_atlas_move_{secrets.token_hex(4)}"
    with postgres_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_BASE}/{name}"
    finally:
        with postgres_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(env, *args, stdin=None):
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_sqlite_catalogue_moves_to_postgres_with_every_record_and_relation(
    tmp_path, postgres_database
):
    sqlite = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'atlas.sqlite3'}")
    postgres = production_env(DATABASE_URL=postgres_database)

    # The existing site: the catalogue (a copy of the run's database made by `manage.py migrate`
    # and `manage.py load_catalogue`: tests/template_databases.py), editors, an edit, a deletion.
    template_databases.sqlite_copy("catalogue", tmp_path / "atlas.sqlite3")
    assert run(sqlite, "-c", EXTRAS).strip() == "2", "created and deleted: two history rows"

    # Dump: the data with natural foreign keys, the history by plain ids.
    history = run(sqlite, "manage.py", "shell", "-v", "0", "-c", HISTORY_MODELS).split()
    assert "catalog.historicalcompany" in history
    excludes = [arg for label in [*EXCLUDED, *history] for arg in ("--exclude", label)]
    data_file, history_file = tmp_path / "catalogue.xml", tmp_path / "history.xml"
    dump = ["manage.py", "dumpdata", "--format", "xml"]
    run(sqlite, *dump, "--natural-foreign", *excludes, "-o", str(data_file))
    run(sqlite, *dump, *history, "-o", str(history_file))

    # Load into a fresh PostgreSQL database.
    run(postgres, "manage.py", "migrate", "--noinput")
    loaded = run(postgres, "manage.py", "loaddata", str(data_file), str(history_file))
    assert "Installed" in loaded

    before = json.loads(run(sqlite, "-c", SNAPSHOT))
    after = json.loads(run(postgres, "-c", SNAPSHOT))
    assert set(before) == set(after)
    counts = {label: (len(before[label]), len(after[label])) for label in before}
    assert counts["catalog.company"][0] > 0
    assert counts["catalog.historicalcompany"][0] > counts["catalog.company"][0]
    assert counts["auth.user_groups"] == (1, 1)
    assert counts["admin.logentry"] == (1, 1)
    differing = [label for label in before if before[label] != after[label]]
    assert not differing, {label: counts[label] for label in differing}

    # The id sequences were moved on: a new row gets a fresh id.
    assert run(postgres, "-c", NEW_ROW).strip() == "True"
