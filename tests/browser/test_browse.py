"""A visitor browsing the real catalogue in chromium: home, the organisations list and its
filters, an organisation, its case with the figures chart and a citation, the header search,
paging through a filtered list. Screenshots of each main page go to test-artifacts/."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from catalog.models import Company, CompanyKind

SECTOR = "boilers"  # the sector of 東方鍋爐 Dongfang Boiler in the catalogue
KIND = CompanyKind.RESEARCH


def result_count(page):
    text = page.locator(".result-count").inner_text()
    return int(re.search(r"\d+", text).group(0))


def query(page):
    return parse_qs(urlsplit(page.url).query)


def collect_errors(page):
    """Script errors, console errors (a Content Security Policy violation is one) and failed
    requests, by URL (a missing favicon aside)."""
    errors = []

    def on_console(message):
        # A failed load is reported below with its URL.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def on_response(response):
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            errors.append(f"{response.status} {response.url}")

    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", on_console)
    page.on("response", on_response)
    return errors


def test_browse_filter_open_a_company_and_its_case(live_catalogue, page, screenshot):
    errors = collect_errors(page)
    page.goto(live_catalogue.url + "/")
    assert page.locator("h1").count() == 1
    screenshot("home")

    page.locator("header nav").get_by_role("link", name="Organisations").click()
    page.wait_for_url("**/companies/")
    everyone = result_count(page)
    assert everyone > 20
    assert page.locator("ul.chips").count() == 0
    screenshot("companies")

    # The sector facet shows the sectors with the most organisations; any other is found by
    # name with the facet's own search box.
    form = page.locator("form.filters")
    sectors = form.locator("#facet-sector")
    sectors.get_by_label("Search the sector options").fill("boiler")
    sectors.get_by_role("button", name="Find").click()
    page.wait_for_url(re.compile(r"sector_find=boiler"))
    assert result_count(page) == everyone  # finding an option does not filter the list
    form.locator(f'input[type="checkbox"][name="sector"][value="{SECTOR}"]').check()
    form.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"sector=boilers"))
    assert query(page)["sector"] == [SECTOR]
    filtered = result_count(page)
    assert 0 < filtered < everyone
    chips = page.locator("ul.chips li")
    assert chips.count() == 1
    assert "Boilers" in chips.first.inner_text() or "鍋爐" in chips.first.inner_text()
    assert form.locator(f'input[name="sector"][value="{SECTOR}"]').is_checked()

    page.locator("ul.records").get_by_role("link", name=re.compile("Dongfang Boiler")).click()
    page.wait_for_url("**/companies/dongfang-boiler/")
    assert "東方鍋爐" in page.locator("h1").inner_text()
    screenshot("company")

    page.locator("#cases-heading ~ ul a").first.click()
    page.wait_for_url("**/cases/dongfang-boiler-serpentine-tube-factory/")
    chart = page.locator("svg.chart:visible")  # each chart is drawn for narrow and wide columns
    assert chart.count() == 1
    assert chart.get_attribute("role") == "img"
    assert chart.locator("rect.chart__bar").count() >= 1
    assert page.locator("table.figures-table tbody tr").count() == 3

    citation = page.locator("table.figures-table details.citations").first
    quote = citation.locator("blockquote")
    assert not quote.is_visible()
    citation.locator("summary").click()
    assert quote.is_visible()
    assert len(quote.inner_text().strip()) > 5
    href = citation.locator("figcaption a:not(.report-link)").get_attribute("href")
    assert re.fullmatch(r"/sources/[\w-]+/passages/[\w-]+/", href)
    # The passage's address opens its source at the passage.
    citation.locator("figcaption a:not(.report-link)").click()
    page.wait_for_url(re.compile(r"/sources/[\w-]+/(\?page=\d+)?#citation-[\w-]+$"))
    ref = href.rstrip("/").rsplit("/", 1)[1]
    assert page.locator(f"#citation-{ref}").is_visible()
    page.go_back()
    screenshot("case")
    assert errors == []


def test_header_search_in_simplified_characters_finds_the_traditional_name(
    live_catalogue, page, screenshot
):
    errors = collect_errors(page)
    page.goto(live_catalogue.url + "/")
    box = page.locator("header form[role=search] input[name=q]")
    box.fill("锅炉")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    companies = page.locator("#results-companies")
    assert companies.locator("mark").first.inner_text() == "鍋爐"
    screenshot("search")
    companies.get_by_role("link", name=re.compile("東方.*鍋爐")).first.click()
    page.wait_for_url("**/companies/dongfang-boiler/")
    assert "東方鍋爐" in page.locator("h1").inner_text()
    assert errors == []


def test_paging_through_a_filtered_list_keeps_the_filters(live_catalogue, page):
    # More research bodies than one page holds (20), so the filtered list has a second page.
    assert Company.objects.published().filter(kind=KIND).count() > 20
    page.goto(f"{live_catalogue.url}/companies/?kind={KIND}")
    total = result_count(page)
    assert total > 20
    first_page = page.locator("ul.records > li").count()
    assert first_page == 20

    page.locator('nav.pagination a[rel="next"]').click()
    page.wait_for_url(re.compile(r"page=2"))
    assert query(page)["kind"] == [KIND]
    assert query(page)["page"] == ["2"]
    assert result_count(page) == total
    assert page.locator("ul.chips li").count() == 1
    assert page.locator(f'form.filters input[name="kind"][value="{KIND}"]').is_checked()
    assert page.locator("ul.records > li").count() == total - 20
    assert page.locator('nav.pagination a[aria-current="page"]').inner_text() == "2"

    page.locator('nav.pagination a[rel="prev"]').click()
    page.wait_for_url(re.compile(r"page=1"))
    assert query(page)["kind"] == [KIND]


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("cases", "/cases/"),
        ("sectors", "/sectors/"),
        ("regions", "/regions/"),
        ("policies", "/policies/"),
        ("people", "/people/"),
        ("sector", "/sectors/future-manufacturing/"),
        ("policy", None),
        ("person", None),
    ],
)
def test_main_pages_render_and_are_captured(live_catalogue, page, screenshot, name, path):
    from catalog.models import Person, Policy

    if path is None:
        model = {"policy": Policy, "person": Person}[name]
        path = model.objects.published().order_by("slug").first().get_absolute_url()
    errors = collect_errors(page)
    response = page.goto(live_catalogue.url + path)
    assert response.status == 200
    assert page.locator("h1").count() == 1
    assert errors == []
    assert screenshot(name).exists()


def test_a_phone_sized_screen_needs_no_sideways_scrolling(
    live_catalogue, narrow_page, narrow_screenshot
):
    page = narrow_page
    errors = collect_errors(page)
    pages = {
        "home": "/",
        "companies": "/companies/",
        "company": "/companies/zhiran-medical/",
        "case": "/cases/primary-market-capital-winter/",
        "search": "/search/?q=锅炉",
    }
    for name, path in pages.items():
        page.goto(live_catalogue.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width}px wide"
        narrow_screenshot(name)

    # The filters fold away above the results and open from their summary.
    page.goto(live_catalogue.url + "/companies/")
    panel = page.locator("details.filter-panel")
    checkbox = panel.locator('input[name="sector"]').first
    assert not checkbox.is_visible()
    assert page.locator(".result-count").is_visible()
    panel.locator(":scope > summary").click()  # not the facets' own "+ N more"
    assert checkbox.is_visible()

    # The chart is as wide as the column, its text inside it and at least 12px.
    page.goto(live_catalogue.url + pages["case"])
    charts = page.locator("svg.chart:visible").all()
    assert charts
    for chart in charts:
        box = chart.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 360
        for text in chart.locator("text").all():
            text_box = text.bounding_box()
            assert text_box["x"] + text_box["width"] <= box["x"] + box["width"] + 1
            size = text.evaluate("t => getComputedStyle(t).fontSize")
            assert float(size.removesuffix("px")) >= 12
    assert errors == []


def test_long_unbroken_input_wraps_on_a_phone_sized_screen(live_catalogue, narrow_page):
    """Text a visitor typed (a heading, a chip, an error, an empty state) wraps anywhere rather
    than widening the page."""
    page = narrow_page
    errors = collect_errors(page)
    for path in (
        "/search/?q=" + "x" * 200,
        "/companies/?q=" + "x" * 200,
        "/cases/?lever=" + "y" * 60,
    ):
        page.goto(live_catalogue.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path[:30]}… is {width}px wide"
        form = page.locator("form.filters, form.search-form").first.bounding_box()
        assert form["x"] + form["width"] <= 360
    assert errors == []


def test_submitting_the_empty_filter_form_lands_on_the_clean_list_path(live_catalogue, page):
    page.goto(live_catalogue.url + "/companies/")
    page.locator("form.filters").get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert page.url == live_catalogue.url + "/companies/"
    form = page.locator("form.filters")
    form.locator('input[name="kind"][value="enterprise"]').check()
    form.locator('input[name="q"]').fill("  ")
    form.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"kind=enterprise"))
    assert urlsplit(page.url).query == "kind=enterprise"
