import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploads made by a test land in a temporary folder, never in the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def catalogue(db):
    """The real catalogue, loaded from fixtures/ through the same loader users run."""
    from catalog.loading import fixture_files, load_files

    return load_files(fixture_files())


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language, whatever an earlier request activated."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
