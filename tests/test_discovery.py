"""What search engines, link previews and browsers read: the sitemap with every public page in
every language, robots.txt, canonical links, OpenGraph and Twitter tags, JSON-LD of the right
schema.org type, the OpenSearch description, the manifest and the favicon."""

import json
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from catalog import sitemaps
from catalog.models import Case, Company, Person, Policy, Region, Sector, Source, Theme
from tests import factories as f
from tests.html_checks import html_problems
from tests.open_data_checks import json_ld_blocks, links, read_head

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def sitemap_urls(client):
    """{address: [(hreflang, address)]} over every section of the sitemap, and the sections."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    assert index["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(index.content)
    sections = [element.findtext(f"{SITEMAP}loc") for element in root]
    urls = {}
    for section in sections:
        parts = urlsplit(section)
        response = client.get(f"{parts.path}?{parts.query}" if parts.query else parts.path)
        assert response.status_code == 200, section
        for url in ElementTree.fromstring(response.content):
            location = url.findtext(f"{SITEMAP}loc")
            assert url.findtext(f"{SITEMAP}lastmod"), location
            urls[location] = [
                (link.get("hreflang"), link.get("href")) for link in url.iter(f"{XHTML}link")
            ]
    return urls, sections


@pytest.mark.django_db
def test_the_sitemap_lists_every_public_page_in_every_language(client, catalogue):
    urls, sections = sitemap_urls(client)
    names = {section.rsplit("/", 1)[1] for section in sections}
    assert {f"sitemap-{name}.xml" for name in ("pages", "organisations", "cases")} <= names
    for model in (Company, Case, Policy, Person, Sector, Region, Source):
        rows = model.objects.all()
        if hasattr(model, "published"):
            rows = rows.filter(published=True)
        for row in rows:
            address = f"http://testserver{row.get_absolute_url()}"
            assert address in urls, address
            alternates = dict(urls[address])
            assert set(alternates) == {*LANGUAGE_CODES, "x-default"}
            for code in LANGUAGE_CODES[1:]:
                assert f"http://testserver/{code}{row.get_absolute_url()}" in urls
    assert "http://testserver/data/" in urls
    assert "http://testserver/about/" in urls
    assert "http://testserver/" in urls
    assert not any("/search/" in url or "/admin/" in url or "/report/" in url for url in urls)
    # Every listed page answers.
    sample = [url for url in urls if "/cases/" in url][:5] + ["http://testserver/data/"]
    for url in sample:
        assert client.get(urlsplit(url).path).status_code == 200


@pytest.mark.django_db
def test_drafts_never_reach_the_sitemap(client):
    f.CompanyFactory(slug="public-org")
    f.CompanyFactory(slug="draft-org", published=False)
    f.CaseFactory(slug="draft-case", published=False)
    f.PolicyFactory(slug="draft-policy", published=False)
    f.PersonFactory(slug="draft-person", published=False)
    urls, _sections = sitemap_urls(client)
    assert "http://testserver/companies/public-org/" in urls
    assert not [url for url in urls if "draft-" in url]


@pytest.mark.django_db
def test_robots_txt_points_at_the_sitemap_and_keeps_the_admin_out(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    for code in LANGUAGE_CODES[1:]:
        assert f"Disallow: /{code}/admin/" in lines


@pytest.mark.django_db
def test_opensearch_description_and_manifest(client):
    home = client.get("/").content.decode()
    (description,) = links(home, "search", "application/opensearchdescription+xml")
    response = client.get(description)
    assert response["Content-Type"] == "application/opensearchdescription+xml"
    root = ElementTree.fromstring(response.content)
    namespace = "{http://a9.com/-/spec/opensearch/1.1/}"
    template = root.find(f"{namespace}Url").get("template")
    assert template == "http://testserver/search/?q={searchTerms}"
    assert len(root.findtext(f"{namespace}ShortName")) <= 16

    (manifest,) = links(home, "manifest")
    response = client.get(manifest)
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["start_url"] == "/"
    for icon in data["icons"]:
        name = icon["src"].removeprefix(settings.STATIC_URL)
        assert finders.find(name), icon["src"]
    chinese = json.loads(client.get("/zh-hans/manifest.webmanifest").content)
    assert chinese["start_url"] == "/zh-hans/"


@pytest.mark.django_db
def test_favicon_leads_to_an_icon_file(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    path = finders.find(response["Location"].removeprefix(settings.STATIC_URL))
    assert Path(path).read_bytes()[:4] == b"\x00\x00\x01\x00"  # the ICO signature
    assert "max-age" in response["Cache-Control"]


EXPECTED_TYPES = {
    Company: "Organization",
    Case: "Article",
    Policy: "Legislation",
    Person: "Person",
    Region: "AdministrativeArea",
    Sector: "DefinedTerm",
    Source: "Article",
    Theme: "CreativeWork",
}


@pytest.mark.django_db
@pytest.mark.parametrize("model", list(EXPECTED_TYPES), ids=lambda model: model.__name__)
def test_every_detail_page_describes_its_record(client, catalogue, model):
    rows = model.objects.all()
    if hasattr(model, "published"):
        rows = rows.filter(published=True)
    for row in rows[:3]:
        html = client.get(row.get_absolute_url()).content.decode()
        assert html_problems(html) == [], row.get_absolute_url()
        address = f"http://testserver{row.get_absolute_url()}"
        head = read_head(html)
        assert links(html, "canonical") == [address]
        assert head.meta["og:url"] == [address]
        assert head.meta["og:title"][0]
        assert head.meta["og:description"][0]
        assert head.meta["og:image"][0].startswith("http://testserver/")
        assert head.meta["og:locale"] == ["en_GB"]
        assert "zh_CN" in head.meta["og:locale:alternate"]
        assert head.meta["twitter:card"][0] in ("summary", "summary_large_image")
        (data,) = json_ld_blocks(html)
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == EXPECTED_TYPES[model]
        assert data["url"].startswith("http")


@pytest.mark.django_db
def test_structured_data_leaves_draft_relations_out(client):
    draft_parent = f.CompanyFactory(name_zh="秘密母公司", published=False)
    company = f.CompanyFactory(parent=draft_parent)
    (data,) = json_ld_blocks(client.get(company.get_absolute_url()).content.decode())
    assert "parentOrganization" not in data
    assert "秘密母公司" not in json.dumps(data, ensure_ascii=False)


@pytest.mark.django_db
def test_json_ld_cannot_close_its_script_element(client):
    company = f.CompanyFactory(name_en="</script><script>alert(1)</script>")
    html = client.get(company.get_absolute_url()).content.decode()
    assert "</script><script>alert" not in html
    (data,) = json_ld_blocks(html)
    assert data["alternateName"][0].startswith("</script>")


@pytest.mark.django_db
def test_the_home_page_describes_the_site_and_its_search(client):
    (data,) = json_ld_blocks(client.get("/").content.decode())
    assert data["@type"] == "WebSite"
    target = data["potentialAction"]["target"]["urlTemplate"]
    assert target == "http://testserver/search/?q={search_term_string}"


@pytest.mark.django_db
def test_canonical_links_keep_only_the_page_number(client):
    f.CompanyFactory()
    html = client.get(reverse("catalog:company_list") + "?q=x&sort=name&page=1").content.decode()
    assert links(html, "canonical") == ["http://testserver/companies/"]
    head = read_head(client.get("/zh-hans/companies/?page=2").content.decode())
    assert [link["href"] for link in head.links if link.get("rel") == "canonical"] == [
        "http://testserver/zh-hans/companies/?page=2"
    ]
    assert head.meta["og:locale"] == ["zh_CN"]


@pytest.mark.django_db
def test_sitemap_pages_split_the_rows_and_languages_exactly(client, monkeypatch):
    for number in range(7):
        f.CompanyFactory(slug=f"org-{number}")
    monkeypatch.setattr(sitemaps.RecordSitemap, "limit", 4)
    pairs = sitemaps.PerLanguage(Company.objects.order_by("pk"), ["en", "zh-hans", "zh-hant"])
    assert len(pairs) == 21
    everything = [(row.slug, code) for row, code in pairs[0:21]]
    assert everything == [(f"org-{n}", code) for n in range(7) for code in pairs.languages]
    assert [(row.slug, code) for row, code in pairs[5:10]] == everything[5:10]
    urls, sections = sitemap_urls(client)
    assert sum("/sitemap-organisations.xml?p=" in section for section in sections) == 5
    assert len([url for url in urls if "/companies/org-" in url]) == 7 * len(LANGUAGE_CODES)
