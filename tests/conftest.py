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
