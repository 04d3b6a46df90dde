"""The header on a phone: two lines at most (the brand and the menu, then the search and the
languages), every link of the wide header reachable through the "More" menu, by keyboard and
without JavaScript, and no sideways scrolling at 320 and 360 px; still one line at 1280 px
(tests/browser/test_polish.py). Screenshots go to test-artifacts/header-phone-*.png."""

import pytest

from .conftest import ARTIFACTS

LANGUAGES = ["", "/zh-hans", "/zh-hant"]
MAX_HEIGHT = 100  # CSS pixels: two lines and their padding


def tab(browser, width, javascript=True):
    context = browser.new_context(
        viewport={"width": width, "height": 740}, locale="en-GB", java_script_enabled=javascript
    )
    context.set_default_timeout(15_000)
    return context, context.new_page()


def lines(page):
    """The distinct vertical centres of the header's visible parts: one per line."""
    centres = page.evaluate(
        "[...document.querySelectorAll('.site-header .wrap > *')]"
        ".map(e => e.getBoundingClientRect()).filter(box => box.height > 0)"
        ".map(box => Math.round(box.top + box.height / 2))"
    )
    grouped = []
    for centre in sorted(centres):
        if not grouped or centre - grouped[-1] > 6:
            grouped.append(centre)
    return grouped


def wide_links(browser, url):
    """(href, visible) of every link in the header at 1280 px."""
    context, page = tab(browser, 1280)
    page.goto(url)
    hrefs = page.eval_on_selector_all(
        "header nav:not(.languages) a", "links => links.map(a => a.getAttribute('href'))"
    )
    context.close()
    return set(hrefs)


@pytest.mark.parametrize("width", [320, 360])
@pytest.mark.parametrize("prefix", LANGUAGES)
def test_the_phone_header_is_two_lines(live_catalogue, browser, prefix, width):
    context, page = tab(browser, width)
    page.goto(f"{live_catalogue.url}{prefix}/companies/")
    height = page.locator(".site-header").bounding_box()["height"]
    assert height <= MAX_HEIGHT, height
    assert len(lines(page)) == 2, lines(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for part in (".brand", ".nav-more summary", "#header-q", ".header-search button"):
        box = page.locator(part).bounding_box()
        assert 0 <= box["x"] <= box["x"] + box["width"] <= width, part
    languages = page.locator("header .languages a")
    assert languages.count() == 3
    for n in range(3):
        box = languages.nth(n).bounding_box()
        assert min(box["width"], box["height"]) >= 24  # WCAG 2.5.8 target size
        assert box["x"] + box["width"] <= width
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(
        path=str(ARTIFACTS / f"header-phone{prefix.replace('/', '-')}-{width}.png"),
        clip={"x": 0, "y": 0, "width": width, "height": 160},
    )
    context.close()


@pytest.mark.parametrize("prefix", LANGUAGES)
def test_every_link_is_in_the_phone_menu(live_catalogue, browser, prefix):
    url = f"{live_catalogue.url}{prefix}/cases/"
    expected = wide_links(browser, url)
    context, page = tab(browser, 360)
    page.goto(url)
    page.locator(".nav-more summary").click()
    visible = page.eval_on_selector_all(
        "header nav:not(.languages) a",
        "links => links.filter(a => a.offsetParent !== null).map(a => a.getAttribute('href'))",
    )
    assert set(visible) == expected
    assert len(visible) == len(expected)  # each once, the wide header's copies hidden
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for href in visible:
        box = page.locator(f".nav-more a[href='{href}']").bounding_box()
        assert 0 <= box["x"] <= box["x"] + box["width"] <= 360, href
    page.screenshot(
        path=str(ARTIFACTS / f"header-phone{prefix.replace('/', '-')}-menu-360.png"),
        clip={"x": 0, "y": 0, "width": 360, "height": 500},
    )
    context.close()


def test_the_phone_menu_from_the_keyboard(live_catalogue, browser):
    context, page = tab(browser, 360)
    page.goto(live_catalogue.url + "/map/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Organisations"
    page.keyboard.press("Enter")
    page.wait_for_url(live_catalogue.url + "/companies/")
    context.close()


def test_the_phone_menu_without_javascript(live_catalogue, browser):
    context, page = tab(browser, 320, javascript=False)
    page.goto(live_catalogue.url + "/zh-hans/cases/")
    assert page.locator(".site-header").bounding_box()["height"] <= MAX_HEIGHT
    timeline = page.locator(".nav-more a[href='/zh-hans/timeline/']")
    assert not timeline.is_visible()
    page.locator(".nav-more summary").click()
    assert timeline.is_visible()
    timeline.click()
    page.wait_for_url(live_catalogue.url + "/zh-hans/timeline/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()
