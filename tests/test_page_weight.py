"""What a phone has to load and lay out before a page shows: the heaviest pages stay under
Lighthouse's "excessive DOM size" mark, a source lists its passages fifty a page, no script
blocks the first paint, and one small stylesheet is all the page waits for
(docs/lighthouse.md)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from catalog.views import details
from tests import factories as f

SOURCE = "/sources/caijing-new-quality-productive-forces/"
# Lighthouse marks a page with more elements than this an "excessive DOM size"; the heaviest pages
# were 1,100 to 1,650 elements (a source's hundred passages the most).
MAX_ELEMENTS = 1400
STYLESHEET = Path(settings.BASE_DIR) / "static" / "css" / "site.css"
MAX_STYLESHEET_BYTES = 32_000  # the one stylesheet every page waits for (about 27 KB)


class Elements(HTMLParser):
    """Counts the elements of a page and keeps its <script> and <link> tags."""

    def __init__(self):
        super().__init__()
        self.count = 0
        self.scripts = []
        self.links = []

    def handle_starttag(self, tag, attrs):
        self.count += 1
        if tag == "script":
            self.scripts.append(dict(attrs))
        elif tag == "link":
            self.links.append(dict(attrs))

    handle_startendtag = handle_starttag


def parsed(response):
    assert response.status_code == 200
    page = Elements()
    page.feed(response.content.decode())
    return page


HEAVY_PAGES = [
    SOURCE,
    "/zh-hans" + SOURCE,
    "/cases/",
    "/zh-hans/cases/",
    "/zh-hans/companies/",
    "/zh-hans/cases/primary-market-capital-winter/",
    "/zh-hans/companies/zhiran-medical/",
    "/zh-hans/themes/innovation-system-weak-points/",
    "/zh-hans/compare/?cases=beijing-bci-roadmap&cases=changzhou-synthetic-biology",
]


@pytest.mark.parametrize("path", HEAVY_PAGES)
def test_the_heaviest_pages_stay_under_the_excessive_dom_size(catalogue, client, path):
    assert parsed(client.get(path)).count <= MAX_ELEMENTS


@pytest.mark.parametrize("path", HEAVY_PAGES + ["/", "/zh-hans/map/", "/zh-hans/timeline/"])
def test_no_script_blocks_the_first_paint(catalogue, client, path):
    page = parsed(client.get(path))
    for script in page.scripts:
        if "src" in script:
            assert "defer" in script or "async" in script, script
        else:
            # The only inline scripts are data (structured data for search engines).
            assert script.get("type") == "application/ld+json", script
    blocking = [
        link["href"]
        for link in page.links
        if link.get("rel") == "stylesheet" and link.get("media", "all") in ("all", "screen")
    ]
    assert len(blocking) == 1
    assert re.search(r"/css/site(\.[0-9a-f]+)?\.css$", blocking[0])


def test_the_stylesheet_every_page_waits_for_is_small():
    assert STYLESHEET.stat().st_size <= MAX_STYLESHEET_BYTES


def test_a_source_lists_fifty_passages_a_page(catalogue, client):
    assert details.PASSAGES_PER_PAGE == 50
    first = client.get("/zh-hans" + SOURCE)
    total = first.context["paginator"].count
    assert total > 50  # the measured source has several pages
    assert len(first.context["entries"]) == 50
    html = first.content.decode()
    assert html.count('class="passage"') == 50
    assert 'href="?page=2"' in html


@pytest.mark.django_db
def test_a_passage_link_finds_its_page_of_fifty(client):
    source = f.SourceFactory(slug="long-source")
    company = f.CompanyFactory()
    citations = [
        f.CitationFactory(ref=f"cite-{n:03}", source=source, company=company, sort_order=n)
        for n in range(120)
    ]
    for n, page in ((0, 1), (49, 1), (50, 2), (119, 3)):
        citation = citations[n]
        response = client.get(f"/sources/long-source/passages/{citation.ref}/")
        query = "" if page == 1 else f"?page={page}"
        assert response["Location"] == f"/sources/long-source/{query}#citation-{citation.ref}"
        shown = client.get(response["Location"].split("#")[0])
        assert f'id="citation-{citation.ref}"' in shown.content.decode()
