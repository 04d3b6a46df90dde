from contextlib import contextmanager

import pytest

from tests.shared_catalogue import shared


def load_tests_named(config):
    """True when the run names the load tests: a -m or -k expression, or a test file or test
    given by name (``make test PYTEST_ARGS=tests/test_slow_clients.py``)."""
    if config.getoption("markexpr") or config.getoption("keyword"):
        return True
    return any(arg.partition("::")[0].endswith(".py") for arg in config.args)


def pytest_collection_modifyitems(config, items):
    """The load tests (marked ``load``) put a live server under load for minutes: a run that
    does not name them (``make test``) leaves them out; ``make test-load`` and CI run them."""
    if load_tests_named(config):
        return
    load = [item for item in items if item.get_closest_marker("load") is not None]
    if load:
        config.hook.pytest_deselected(items=load)
        items[:] = [item for item in items if item.get_closest_marker("load") is None]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, then the shared catalogue if the first test wants it."""
    shared.database_created(django_db_blocker)
    yield
    shared.release_connections(django_db_blocker)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploads made by a test land in a temporary folder, never in the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ATLAS_DATA_DIR = tmp_path / "open-data"


@pytest.fixture
def catalogue(db):
    """The real catalogue, as the shared load left it (see tests/shared_catalogue.py); the
    test's writes are rolled back. Returns the report of that load."""
    if not shared.loaded:
        # Asked for in a way the set-up could not foresee (getfixturevalue): load it here,
        # inside the test's transaction.
        from catalog.loading import fixture_files, load_files

        return load_files(fixture_files())
    return shared.report


@pytest.fixture(scope="module")
def read_shared_catalogue(django_db_blocker):
    """For a module-scoped fixture that reads the shared catalogue once for several tests (a
    crawl, a dump): ``with read_shared_catalogue(): ...`` gives it the database. The tests
    themselves ask for ``catalogue``, which commits the catalogue before any fixture runs."""

    @contextmanager
    def reading():
        assert shared.loaded, "the tests using this fixture must ask for `catalogue` too"
        with django_db_blocker.unblock():
            yield

    return reading


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language, whatever an earlier request activated."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _glossary_read_afresh():
    """Each test reads the glossary (catalog/chinese.py) from its own database, not the one an
    earlier test left in the process."""
    from catalog import chinese

    chinese.forget_glossary()
    yield
    chinese.forget_glossary()
