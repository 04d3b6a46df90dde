"""Every published organisation, case and policy can be reached from the home page by following
links (list pages and their pagination included), and no page on the way fails."""

from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import pytest
from django.test import Client

from catalog.models import Case, Company, Policy

# Paths the crawl leaves alone: files, the admin, the language switcher, other languages' copies.
SKIP_PREFIXES = ("/static/", "/media/", "/admin/", "/i18n/", "/zh-hans/", "/zh-hant/")
# Query parameters followed: pagination only, so the crawl stays finite (filters are tested
# on their own).
FOLLOWED_PARAMETERS = {"page"}
MAX_PAGES = 3000
# Links every record and passage repeats, to the same view with another argument: the citation
# downloads (.bib, .ris, .csl.json of each record) and the "Report an error" form. The crawl
# fetches a sample of each (tests/test_citing.py and tests/test_reports.py cover the views);
# fetching all of them was half of the crawl's requests.
SAMPLED_PREFIXES = ("/cite/", "/report/")
SAMPLE_SIZE = 12


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def internal_links(html, base):
    """The links of ``html`` (a page at ``base``) to this site, resolved ("?page=2" included)."""
    parser = Links()
    parser.feed(html)
    for href in parser.hrefs:
        url, _fragment = urldefrag(urljoin(base, href))
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if parts.path.startswith(SKIP_PREFIXES):
            continue
        keys = {key for key, _value in parse_qsl(parts.query, keep_blank_values=True)}
        if keys - FOLLOWED_PARAMETERS:
            continue
        yield url


def crawl(client, start="/"):
    """Breadth-first from ``start``: {url: status code}. An internal redirect (a passage's
    permanent address) counts as the status of the page it leads to."""
    seen, queue, redirects = {}, [start], {}
    sampled = dict.fromkeys(SAMPLED_PREFIXES, 0)
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        prefix = next((p for p in SAMPLED_PREFIXES if url.startswith(p)), None)
        if prefix is not None:
            if sampled[prefix] >= SAMPLE_SIZE:
                continue
            sampled[prefix] += 1
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code in (301, 302):
            target = urldefrag(response.url)[0]
            redirects[url] = target
            if target not in seen:
                queue.append(target)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            queue.extend(
                link for link in internal_links(response.content.decode(), url) if link not in seen
            )
    for url, target in redirects.items():
        seen[url] = seen.get(target, seen[url])
    return seen


@pytest.fixture(scope="module")
def crawled(read_shared_catalogue):
    """The site crawled once for this module's tests (which ask for the shared catalogue)."""
    with read_shared_catalogue():
        return crawl(Client(raise_request_exception=False))


def test_every_published_record_is_reachable_from_the_home_page(catalogue, crawled):
    missing = [
        row.get_absolute_url()
        for model in (Company, Case, Policy)
        for row in model.objects.published()
        if row.get_absolute_url() not in crawled
    ]
    assert missing == [], f"not reachable by links from /: {missing}"


def test_no_crawled_page_fails(catalogue, crawled):
    failing = {url: status for url, status in crawled.items() if status >= 500}
    assert failing == {}
    broken = {url: status for url, status in crawled.items() if status != 200}
    assert broken == {}, "internal links that do not answer 200"


def test_the_crawl_went_through_the_list_pages_and_their_pagination(catalogue, crawled):
    for path in ("/companies/", "/cases/", "/policies/", "/people/", "/sectors/", "/regions/"):
        assert path in crawled, path
    assert any(url.startswith("/companies/?") and "page=2" in url for url in crawled)
    assert len(crawled) < MAX_PAGES
    for prefix in SAMPLED_PREFIXES:  # sampled, not left out
        assert sum(url.startswith(prefix) for url in crawled) == SAMPLE_SIZE, prefix
