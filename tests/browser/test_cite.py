""" "Cite this" in chromium: the copy button appears where the clipboard works and copies the
permanent link; the BibTeX link downloads a file; the page's scripts run without error under the
Content Security Policy (its JSON-LD data block included)."""

from playwright.sync_api import expect

from tests.factories import CitationFactory


def test_copy_the_permanent_link_and_download_bibtex(live_server, transactional_db, page):
    citation = CitationFactory()
    company = citation.company
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)

    page.goto(live_server.url + company.get_absolute_url())
    permalink = page.input_value("#cite-permalink")
    assert permalink == live_server.url + company.get_absolute_url()
    button = page.locator("button.cite__copy")
    assert button.is_visible()
    button.click()
    # Polled from Python: Playwright's wait_for_function evaluates a string, which the site's
    # Content Security Policy rightly refuses once the first check has not passed.
    expect(button).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == permalink

    with page.expect_download() as download:
        page.click("a[type='application/x-bibtex']")
    assert download.value.suggested_filename == f"xinzhi-atlas-company-{company.slug}.bib"
    assert "@misc{xinzhi-atlas-company-" in download.value.path().read_text(encoding="utf-8")
    assert errors == []
