"""Browser tests: Playwright driving Debian's chromium against Django's live test server.

Where /usr/bin/chromium is missing they skip with instructions, except under CI=true, where a
missing browser is a failure (.ci/run installs it). Screenshots go to test-artifacts/ (git-ignored).
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
INSTALL_HINT = "install it with: sudo apt-get update && sudo apt-get install -y chromium"

# Playwright's sync API runs an event loop in the test thread; the test's own ORM calls are
# synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        message = f"chromium not found at {CHROMIUM}; {INSTALL_HINT}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {message}")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def screenshot(page):
    """screenshot("companies") saves test-artifacts/companies.png of the current page."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name):
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(scope="session")
def catalogue_server():
    """A live server on this process's test database, for browser tests that read the shared
    catalogue (tests/shared_catalogue.py). pytest-django's ``live_server`` would make each test
    transactional, and emptying the database after each would mean loading it again."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost")
    yield server
    server.stop()


@pytest.fixture
def live_catalogue(catalogue, catalogue_server):
    """The live server with the real catalogue loaded. The catalogue is committed, so the
    server sees it on PostgreSQL too; writes a test makes would not be seen there, so tests
    using this fixture only read."""
    return catalogue_server


@pytest.fixture
def narrow_page(browser):
    """A phone-sized tab: 360 CSS pixels wide."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def narrow_screenshot(narrow_page):
    """narrow_screenshot("companies") saves test-artifacts/companies-360.png."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name):
        path = ARTIFACTS / f"{name}-360.png"
        narrow_page.screenshot(path=str(path), full_page=True)
        return path

    return take
