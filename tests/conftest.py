import pytest

from tests.shared_catalogue import shared, sort_key


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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, then the shared catalogue if the first test wants it."""
    shared.database_created(django_db_blocker)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploads made by a test land in a temporary folder, never in the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


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


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language, whatever an earlier request activated."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
