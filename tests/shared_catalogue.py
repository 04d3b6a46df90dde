"""The real catalogue, loaded once per test process and shared by every test that asks for it.

Loading the catalogue takes a second; a test that reads it should not pay for it. So the
catalogue is committed to the test database once, and each test that uses it runs inside its own
transaction, rolled back afterwards as usual, so whatever a test writes disappears and the next
test sees the catalogue as loaded. Tests that do not ask for the catalogue see the database they
always saw: the catalogue's tables are emptied (once, when the first such test comes) before they
run.

Where each test stands is decided before its fixtures are set up (the test's own transaction
begins there), by ``prepare(item)`` from ``pytest_runtest_setup``. Tests are sorted so that those
needing the catalogue come first (``sort_key``): each process then loads it once and empties it
once. Any order still gives each test the database it asks for, at the cost of loading again;
the end of each run says how many loads there were.

This module is a pytest plugin (``-p tests.shared_catalogue`` in pyproject.toml), so that the
run's controller sees its hooks too; the fixtures are in tests/conftest.py.
"""

import pytest
from django.apps import apps
from django.core.management.color import no_style
from django.db import connection

CATALOGUE_FIXTURES = {"catalogue", "live_catalogue"}
DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}
TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}


def wants_catalogue(item):
    return bool(CATALOGUE_FIXTURES & set(getattr(item, "fixturenames", ())))


def uses_database(item):
    return item.get_closest_marker("django_db") is not None or bool(
        DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def is_transactional(item):
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    ):
        return True
    return bool(TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))


def sort_key(item):
    """Within each of pytest-django's groups (plain database tests, transactional tests,
    others), the tests that read the catalogue first. Before all of them the smoke tests, which
    take long and use no test database: started first, they keep to one worker and do not leave
    it working alone at the end."""
    if not uses_database(item):
        group = 2
    elif is_transactional(item):
        group = 1
    else:
        group = 0
    smoke = item.get_closest_marker("smoke") is not None
    return (0 if smoke else 1, group, 0 if wants_catalogue(item) else 1)


class SharedCatalogue:
    """The state of this process's test database: catalogue committed or not."""

    def __init__(self):
        self.blocker = None  # pytest-django's database blocker, once the database exists
        self.loaded = False
        self.report = None  # the LoadReport of the shared load
        self.loads = 0
        self.wanted = False

    @property
    def ready(self):
        return self.blocker is not None

    def database_created(self, blocker):
        """The test database exists (``django_db_setup``): bring it where the first test needs."""
        self.blocker = blocker
        with blocker.unblock():
            from catalog.models import Source

            # A reused test database (--reuse-db) may still hold a catalogue.
            self.loaded = Source.objects.exists()
            self._apply()

    def release_connections(self, blocker):
        """Before the test database is dropped: end the sessions other threads left open on it
        (a live server's request threads), which PostgreSQL would not drop it under."""
        if connection.vendor != "postgresql":
            return
        with blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )

    def prepare(self, item):
        """Before ``item``'s fixtures: commit or empty the catalogue as the test needs."""
        if not uses_database(item):
            return
        self.wanted = wants_catalogue(item)
        if self.ready:
            with self.blocker.unblock():
                self._apply()

    def finished(self, item):
        """After ``item``: a transactional test ends by emptying every table."""
        if self.ready and uses_database(item) and is_transactional(item):
            self.loaded = False

    def _apply(self):
        if self.wanted and not self.loaded:
            self._empty()  # a half-filled database (a failed test's rows) would clash
            from catalog.loading import fixture_files, load_files

            self.report = load_files(fixture_files())
            self.loaded = True
            self.loads += 1
        elif not self.wanted and self.loaded:
            self._empty()
            self.loaded = False

    @staticmethod
    def _empty():
        """Delete every row of the catalogue's tables (records, links, history), ids reset."""
        tables = [
            model._meta.db_table
            for model in apps.get_app_config("catalog").get_models(include_auto_created=True)
        ]
        statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True)
        connection.ops.execute_sql_flush(statements)


shared = SharedCatalogue()


# --- Scheduling over pytest-xdist's workers ---------------------------------------------------

# Modules whose tests share a module-scoped set-up of several seconds (gunicorn started after
# collecting the static files, the site crawled, the catalogue dumped). Each runs whole in one
# test process, so that its set-up is made once, not once in each process its tests reach.
WHOLE_MODULES = {
    "tests/test_smoke_gunicorn.py",
    "tests/test_reachability.py",
    "tests/test_dump_catalogue.py",
}


def scheduling_unit(nodeid):
    """What the scheduler hands out as one piece: a module of WHOLE_MODULES, or a single test."""
    module = nodeid.split("::", 1)[0]
    return module if module in WHOLE_MODULES else nodeid


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist's ``--dist load`` (the default with ``-n``), but with WHOLE_MODULES kept
    together. (xdist's own ``loadgroup`` renames node ids to do this, which pytest 9.2 ignores.)
    Tests go out one at a time as workers finish them, the modules first (xdist starts with the
    largest pieces), then the tests in the order of ``sort_key``."""
    if config.getoption("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return scheduling_unit(nodeid)

    return Scheduling(config, log)


# --- pytest hooks -----------------------------------------------------------------------------

CATALOGUE_LOADS = pytest.StashKey[list]()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """After pytest-django's order (plain, transactional, no database): tests reading the real
    catalogue first in each group, so that each test process loads it once (a stable sort)."""
    items.sort(key=sort_key)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    shared.prepare(item)


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item, nextitem):
    shared.finished(item)


def pytest_sessionfinish(session):
    """Each test process counts its loads of the catalogue (xdist hands them to the controller)."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["catalogue_loads"] = shared.loads
    elif not getattr(session.config.option, "numprocesses", None):  # no workers: it ran here
        session.config.stash.setdefault(CATALOGUE_LOADS, []).append(shared.loads)


def pytest_testnodedown(node, error):
    loads = getattr(node, "workeroutput", {}).get("catalogue_loads")
    if loads is not None:
        node.config.stash.setdefault(CATALOGUE_LOADS, []).append(loads)


def pytest_terminal_summary(terminalreporter, config):
    loads = config.stash.get(CATALOGUE_LOADS, [])
    if any(loads):
        warning = (
            " (more than once in one: see tests/shared_catalogue.py)" if max(loads) > 1 else ""
        )
        terminalreporter.write_line(
            f"shared catalogue: loaded {sum(loads)} time(s) in {len(loads)} test process(es)"
            + warning
        )
