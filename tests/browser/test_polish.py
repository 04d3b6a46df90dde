"""The finish of the pages in chromium: the header on one line at 1280 px in every language, no
sideways scrolling on a phone, nothing moving once a page is drawn (cumulative layout shift), long
facets folded with a filter box, and all of it usable without JavaScript. Screenshots go to
test-artifacts/polish-*.png."""

import re

import pytest

from catalog.models import Case, Company

from .conftest import ARTIFACTS

LANGUAGES = ["", "/zh-hans", "/zh-hant"]

# The layout shifts of a page from its first paint, buffered, after load and a short settle
# (Lighthouse counts the same entries; input-driven shifts are left out as it does).
CLS = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 1000);
})"""


def context(browser, width, height, javascript=True):
    tab = browser.new_context(
        viewport={"width": width, "height": height}, locale="en-GB", java_script_enabled=javascript
    )
    tab.set_default_timeout(15_000)
    return tab


def shoot(tab, name):
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"polish-{name}.png"), full_page=True)


def detail_pages():
    case = Case.objects.published().filter(metrics__isnull=False).order_by("slug").first()
    return [
        "/companies/",
        "/cases/",
        case.get_absolute_url(),
        "/companies/zhiran-medical/",
        "/map/",
        "/timeline/",
    ]


@pytest.mark.parametrize("size", [(360, 640), (1280, 900)])
def test_nothing_moves_after_a_page_is_drawn(live_catalogue, browser, size):
    assert Company.objects.filter(slug="zhiran-medical").exists()
    tab = context(browser, *size)
    page = tab.new_page()
    shifts = {}
    for path in detail_pages():
        page.goto(live_catalogue.url + path, wait_until="load")
        shifts[path] = page.evaluate(CLS)
    tab.close()
    assert all(value <= 0.05 for value in shifts.values()), shifts


@pytest.mark.parametrize("prefix", LANGUAGES)
def test_the_header_keeps_to_one_line_at_1280(live_catalogue, page, prefix):
    page.goto(f"{live_catalogue.url}{prefix}/companies/")
    tops = page.evaluate(
        "[...document.querySelectorAll('.site-header .wrap > *, .site-header .nav > li')]"
        ".map(e => e.getBoundingClientRect())"
        ".map(box => Math.round(box.top + box.height / 2))"
    )
    assert max(tops) - min(tops) <= 4, tops
    header = page.locator(".site-header").bounding_box()["height"]
    brand = page.locator(".brand").bounding_box()["height"]
    assert header < brand * 2.5, (header, brand)  # one line and its padding
    nav = page.locator("header nav").first
    assert nav.get_by_role("link", name=re.compile("Map|地图|地圖")).is_visible()
    assert nav.get_by_role("link", name=re.compile("Timeline|时间线|時間線")).is_visible()
    shoot(page, f"header{prefix.replace('/', '-')}-1280")


def test_the_more_menu_works_from_the_keyboard(live_catalogue, page):
    page.goto(live_catalogue.url + "/cases/")
    policies = page.locator(".nav-more").get_by_role("link", name="Policies")
    assert not policies.is_visible()
    page.locator(".nav-more summary").focus()
    page.keyboard.press("Enter")
    assert policies.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Policies"
    page.keyboard.press("Escape")
    assert not policies.is_visible()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.locator(".nav-more summary").click()
    assert policies.is_visible()
    page.locator("h1").click()  # a click elsewhere closes it
    assert not policies.is_visible()


@pytest.mark.parametrize("prefix", LANGUAGES)
@pytest.mark.parametrize("path", ["/map/", "/companies/", "/cases/", "/timeline/", "/regions/"])
def test_no_sideways_scrolling_on_a_phone(live_catalogue, narrow_page, prefix, path):
    narrow_page.goto(f"{live_catalogue.url}{prefix}{path}")
    width = narrow_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    if path == "/map/":
        box = narrow_page.locator(".tile-map__svg").first.bounding_box()
        assert box["width"] <= 360 - 2 * 16 + 1
        shoot(narrow_page, f"map{prefix.replace('/', '-')}-360")


def test_a_long_facet_folds_with_its_count_and_filters_as_one_types(live_catalogue, page):
    page.goto(live_catalogue.url + "/companies/")
    facet = page.locator("#facet-sector")
    more = facet.locator("details.facet-more")
    folded = more.locator("li[data-terms]")
    summary = more.locator("summary")
    hidden = folded.count()
    assert hidden > 0
    assert summary.inner_text().startswith(f"+ {hidden} more")
    assert not folded.first.is_visible()
    summary.click()
    assert folded.first.is_visible()
    box = facet.get_by_label("Filter the sector options")
    assert box.is_visible()
    every = facet.locator("li[data-terms]")
    total = every.count()
    box.fill("energy")
    visible = [n for n in range(total) if every.nth(n).is_visible()]
    assert 0 < len(visible) < total
    assert all("energy" in every.nth(n).inner_text().lower() for n in visible)
    status = facet.locator("[data-facet-status]").inner_text()
    assert status == f"Matching options: {len(visible)} of {total}"
    box.press("Enter")  # filtering, not submitting
    assert page.url == live_catalogue.url + "/companies/"
    box.fill("能源")  # Chinese, in either script, finds the same options
    assert sum(1 for n in range(total) if every.nth(n).is_visible()) >= len(visible)
    box.fill("")
    assert all(every.nth(n).is_visible() for n in range(total))
    shoot(page, "facet-filter-1280")


def test_filters_work_without_javascript(live_catalogue, browser):
    tab = context(browser, 360, 740, javascript=False)
    page = tab.new_page()
    page.goto(live_catalogue.url + "/companies/")
    panel = page.locator("details.filter-panel")
    # On a phone the panel is served folded; its summary opens it.
    assert not panel.locator("#facet-kind").is_visible()
    panel.locator("summary").first.click()
    facet = page.locator("#facet-sector")
    assert facet.is_visible()
    # The filter box needs JavaScript, so it stays hidden; every option is a click away.
    assert not facet.locator(".facet-filter").is_visible()
    facet.locator("details.facet-more summary").click()
    last = facet.locator("details.facet-more li input").last
    value = last.get_attribute("value")
    last.check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(rf"sector={value}"))
    # The chosen option was folded: the fold is served open, with it ticked.
    assert page.locator("#facet-sector details.facet-more[open]").count() == 1
    assert page.locator(f'#facet-sector input[value="{value}"]').is_checked()
    shoot(page, "no-javascript-360")
    tab.close()


def test_wide_screens_show_the_filters_beside_the_results_without_javascript(
    live_catalogue, browser
):
    tab = context(browser, 1280, 900, javascript=False)
    page = tab.new_page()
    page.goto(live_catalogue.url + "/companies/")
    assert page.locator("#facet-kind").is_visible()
    assert not page.locator("details.filter-panel > summary").is_visible()
    tab.close()


def test_a_shared_passage_is_reached_from_each_fact(live_catalogue, page):
    page.goto(live_catalogue.url + "/companies/zhiran-medical/")
    link = page.locator(".rounds-bare .citation__same a").first
    page.locator(".rounds-bare details.citations summary").click()
    target = link.get_attribute("href")
    link.click()
    page.wait_for_url(re.compile(re.escape(target) + "$"))
    # The passage opens where it is quoted, however folded it was.
    assert page.locator(f"{target} blockquote").first.is_visible()
    shoot(page, "shared-passage-1280")


@pytest.mark.parametrize("prefix", ["", "/zh-hant"])
def test_the_opened_more_menu_stays_on_a_phone_screen(live_catalogue, narrow_page, prefix):
    narrow_page.goto(f"{live_catalogue.url}{prefix}/cases/")
    narrow_page.locator(".nav-more summary").click()
    about = narrow_page.locator(".nav-more a[href$='/about/']")
    assert about.is_visible()
    assert narrow_page.evaluate("document.documentElement.scrollWidth") <= 360
    box = about.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 360
