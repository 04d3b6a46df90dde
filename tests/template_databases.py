"""Migrated databases for tests that run the site in real processes, made once per test run.

``manage.py migrate`` on an empty database takes over ten seconds of CPU (Django renders the
models of each migration's state), and several tests each want a database of their own, migrated
(some with the catalogue loaded too). So each kind of database is made once per run, by the same
commands an operator runs (``manage.py migrate``, then ``manage.py load_catalogue``), and each
test gets a copy: the SQLite file copied, or on PostgreSQL ``CREATE DATABASE … TEMPLATE …``.

The test processes of one run (pytest-xdist's workers) share the templates: the first that needs
one makes it while holding a lock; the others wait for it and copy it. The templates live in a
folder the controller makes and removes at the end of the run, with the PostgreSQL templates.

This module is a pytest plugin (``-p tests.template_databases`` in pyproject.toml), so that the
controller sees its hooks; tests use it through ``tests.live_server.database_url``.
"""

import contextlib
import fcntl
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

# Each kind of database: the command that makes it from a copy of the kind before it.
COMMANDS = {
    "migrated": ["migrate", "--noinput", "-v", "0"],
    "catalogue": ["load_catalogue", "-v", "0"],
}
KINDS = tuple(COMMANDS)
_run = {"folder": None, "id": None, "owner": False}


def _folder():
    if _run["folder"] is None:  # outside pytest (or a plugin not loaded): this process alone
        _run["folder"] = tempfile.mkdtemp(prefix="atlas-db-")
        _run["id"], _run["owner"] = uuid.uuid4().hex[:12], True
    return Path(_run["folder"])


@contextlib.contextmanager
def _locked():
    with (_folder() / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _build(kind, url):
    """Run the command of ``kind`` with production settings on the database at ``url``."""
    from tests.test_production_settings import ROOT, production_env

    result = subprocess.run(
        [sys.executable, "manage.py", *COMMANDS[kind]],
        cwd=ROOT,
        env=production_env(DATABASE_URL=url),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"{kind} failed:\n{result.stdout}\n{result.stderr}"


# --- SQLite: a file copied ------------------------------------------------------------------


def _sqlite_template(kind):
    """The path of the template file of ``kind``, made if need be (under the lock)."""
    path = _folder() / f"{kind}.sqlite3"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)  # what a failed attempt left
    if kind != KINDS[0]:
        _copy_sqlite(_sqlite_template(KINDS[KINDS.index(kind) - 1]), partial)
    _build(kind, f"sqlite:///{partial}")
    _copy_sqlite(partial, path)
    return path


def _copy_sqlite(source, target):
    """A consistent copy (SQLite's backup API), whatever is still in the write-ahead log."""
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


# --- PostgreSQL: a database made from a template --------------------------------------------


def _admin_url(suite_url):
    return urlunsplit(urlsplit(suite_url)._replace(path="/postgres"))


def _with_name(suite_url, name):
    return urlunsplit(urlsplit(suite_url)._replace(path=f"/{name}"))


def _postgres_template(kind, suite_url):
    import psycopg

    name = f"atlas_template_{_run['id']}_{kind}"
    with psycopg.connect(_admin_url(suite_url), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            return name
        if kind == KINDS[0]:
            admin.execute(f'CREATE DATABASE "{name}"')
        else:
            before = _postgres_template(KINDS[KINDS.index(kind) - 1], suite_url)
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{before}"')
    try:
        _build(kind, _with_name(suite_url, name))
    except BaseException:
        with psycopg.connect(_admin_url(suite_url), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        raise
    return name


def _drop_postgres_templates(suite_url):
    """The templates this run made on the server of ``suite_url`` (named by the run's id)."""
    import psycopg

    with (
        contextlib.suppress(psycopg.Error),
        psycopg.connect(_admin_url(suite_url), autocommit=True) as admin,
    ):
        for kind in KINDS:
            name = f"atlas_template_{_run['id']}_{kind}"
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- What tests use ---------------------------------------------------------------------------


def sqlite_copy(kind, target):
    """Copy the SQLite database of ``kind`` (``migrated``, or ``catalogue``: migrated with the
    catalogue loaded) to the file ``target``."""
    assert kind in KINDS, kind
    with _locked():
        template = _sqlite_template(kind)
    shutil.copyfile(template, target)


def postgres_copy(kind, suite_url, name):
    """Make the PostgreSQL database ``name`` (on the server of ``suite_url``) a copy of the
    template of ``kind``."""
    import psycopg

    assert kind in KINDS, kind
    with _locked():  # a template must have no other session while it is copied
        template = _postgres_template(kind, suite_url)
        with psycopg.connect(_admin_url(suite_url), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


# --- pytest hooks -----------------------------------------------------------------------------


def pytest_configure(config):
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None and "atlas_templates" in workerinput:
        _run["folder"], _run["id"] = workerinput["atlas_templates"]
    else:  # the controller, or a run without workers
        _run["folder"] = tempfile.mkdtemp(prefix="atlas-db-")
        _run["id"], _run["owner"] = uuid.uuid4().hex[:12], True


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    node.workerinput["atlas_templates"] = (_run["folder"], _run["id"])


def pytest_unconfigure(config):
    if not _run["owner"]:
        return
    suite_url = os.environ.get("DATABASE_URL", "")
    if suite_url.startswith(("postgres://", "postgresql://")):
        _drop_postgres_templates(suite_url)  # those the workers made, named by the run
    shutil.rmtree(_run["folder"], ignore_errors=True)
