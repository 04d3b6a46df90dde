"""Printing a page keeps the record and its sources and drops what is only for the screen; the
comparison is reached from the list's Compare boxes; the timeline reads in order. Screenshots at
1280 px and 360 px go to test-artifacts/."""

import pytest

CASES = ("zhiran-flexible-bci", "dongfang-boiler-serpentine-tube-factory")


def test_a_printed_case_shows_its_sources_and_no_navigation(live_catalogue, page):
    page.goto(f"{live_catalogue.url}/cases/{CASES[0]}/")
    closed = page.locator("details.citations:not([open])")
    assert closed.count() > 0
    page.emulate_media(media="print")
    assert not page.locator("header nav").first.is_visible()
    assert not page.locator("header form[role=search]").is_visible()
    # The browser announces printing; every source opens, and closes again afterwards.
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("details.citations:not([open])").count() == 0
    passage = page.locator("details.citations .citation__item").first
    assert passage.is_visible()
    after = page.evaluate(
        "getComputedStyle(document.querySelector('main a[href^=\"/\"]'), '::after').content"
    )
    assert after.startswith('" <')
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.locator("details.citations:not([open])").count() == closed.count()


def test_compare_two_cases_from_the_list(
    live_catalogue, page, screenshot, narrow_page, narrow_screenshot
):
    page.goto(f"{live_catalogue.url}/cases/")
    # The first two cases the list shows, whatever they are as the catalogue grows.
    boxes = page.locator('input[name="cases"]')
    for index in range(2):
        boxes.nth(index).check()
    page.get_by_role("button", name="Compare the ticked").click()
    page.wait_for_url("**/compare/**")
    assert page.locator("table.compare thead th").count() == 2
    assert page.locator("h1").count() == 1
    screenshot("compare")
    narrow_page.goto(page.url)
    assert narrow_page.locator("table.compare").is_visible()
    narrow_screenshot("compare")


@pytest.mark.parametrize("path", ["/timeline/", "/zh-hans/timeline/"])
def test_the_timeline_reads_in_order(live_catalogue, page, screenshot, path):
    page.goto(live_catalogue.url + path)
    years = [int(text) for text in page.locator(".timeline-year h2").all_inner_texts()]
    assert years
    assert years == sorted(years)
    page.select_option("#timeline-sector", "brain-computer-interfaces")
    page.locator("form.timeline-filters button[type=submit]").click()
    page.wait_for_url("**sector=brain-computer-interfaces**")
    assert page.locator(".timeline-event").count() >= 1
    screenshot("timeline" if path == "/timeline/" else "timeline-zh-hans")


@pytest.mark.parametrize("path", ["/map/", "/zh-hans/map/"])
def test_the_map_leads_to_a_provinces_cases(
    live_catalogue, page, screenshot, narrow_page, narrow_screenshot, path
):
    page.goto(live_catalogue.url + path)
    tiles = page.locator(".tile-map a")
    assert tiles.count() >= 10
    name = "map" if path == "/map/" else "map-zh-hans"
    screenshot(name)
    narrow_page.goto(live_catalogue.url + path)
    narrow_screenshot(name)
    page.locator('.tile-map a[href$="region=zhejiang"]').click()
    page.wait_for_url("**/cases/?region=zhejiang")
    assert page.locator("ul.chips").count() == 1
