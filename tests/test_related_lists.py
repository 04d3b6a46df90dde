"""Detail pages list at most RELATED_LIMIT related rows and link to the list page with them all."""

import re

import pytest

from catalog.views import details
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr(details, "RELATED_LIMIT", 3)


def more_link(html):
    match = re.search(r'<p class="more"><a href="([^"]+)">([^<]+)</a>', html)
    return (
        (match.group(1).replace("&amp;", "&"), " ".join(match.group(2).split())) if match else None
    )


def test_a_sector_page_shows_the_first_cases_and_links_to_all_of_them(client, small_limit):
    track = f.SectorFactory(slug="health", name_en="Health")
    child = f.SectorFactory(slug="bci", parent=track)
    for n in range(4):
        f.CaseFactory(title_en=f"Case {n}").sectors.add(track)
    for n in range(4, 6):
        f.CaseFactory(title_en=f"Case {n}").sectors.add(child)  # counted through the child
    f.CaseFactory(title_en="Draft", published=False).sectors.add(track)

    response = client.get(track.get_absolute_url())

    assert [case.title_en for case in response.context["cases"]] == ["Case 0", "Case 1", "Case 2"]
    url, text = more_link(response.content.decode())
    assert text == "Showing 3 of 6 cases: all of them in the filterable list"
    assert url == "/cases/?sector=health"
    assert client.get(url).context["result_count"] == 6


def test_staff_count_the_drafts_too(admin_client, small_limit):
    track = f.SectorFactory(slug="health")
    for n in range(4):
        f.CaseFactory(published=n > 0).sectors.add(track)
    assert admin_client.get(track.get_absolute_url()).context["cases"].total == 4


def test_an_organisation_page_with_many_cases_links_to_the_filtered_list(client, small_limit):
    company = f.CompanyFactory(slug="big-firm")
    for _n in range(5):
        f.CaseCompanyFactory(company=company, case=f.CaseFactory())
    response = client.get(company.get_absolute_url())
    assert len(response.context["case_roles"].rows) == 3
    url, text = more_link(response.content.decode())
    assert text == "Showing 3 of 5 cases: all of them in the filterable list"
    assert client.get(url).context["result_count"] == 5


def test_a_region_page_counts_the_places_within(client, small_limit):
    province = f.RegionFactory(slug="zhejiang")
    city = f.RegionFactory(slug="jinhua", level="city", parent=province)
    county = f.RegionFactory(slug="county", level="county", parent=city)
    for region in (province, city, county, county):
        f.CompanyFactory(region=region)
        f.PolicyFactory().regions.add(region)
    response = client.get(province.get_absolute_url())
    context = response.context
    assert (context["companies"].total, context["policies"].total) == (4, 4)
    assert len(context["companies"].rows) == 3
    html = response.content.decode()
    assert "Showing 3 of 4 organisations" in html
    assert "Showing 3 of 4 policies" in html


def test_a_short_list_keeps_its_plain_link(client):
    track = f.SectorFactory(slug="health")
    f.CaseFactory().sectors.add(track)
    response = client.get(track.get_absolute_url())
    assert more_link(response.content.decode()) is None
    assert "These cases in the filterable list" in response.content.decode()


def test_a_source_page_shows_its_passages_a_page_at_a_time(client, monkeypatch):
    monkeypatch.setattr(details, "PASSAGES_PER_PAGE", 4)
    source = f.SourceFactory(slug="caijing")
    company = f.CompanyFactory()
    citations = [
        f.CitationFactory(ref=f"cite-{n:02}", source=source, company=company) for n in range(10)
    ]

    first = client.get(source.get_absolute_url())
    assert [e["citation"].ref for e in first.context["entries"]] == [
        "cite-00",
        "cite-01",
        "cite-02",
        "cite-03",
    ]
    html = first.content.decode()
    assert "10 passages cited in the catalogue" in html
    assert 'href="?page=3"' in html

    last = client.get(source.get_absolute_url(), {"page": 3})
    assert [e["citation"].ref for e in last.context["entries"]] == ["cite-08", "cite-09"]
    assert '<ol class="passages" start="9">' in last.content.decode()

    # A passage's permanent address leads to the page that shows it, at the passage.
    assert (
        client.get(citations[5].get_absolute_url()).url
        == "/sources/caijing/?page=2#citation-cite-05"
    )
    assert client.get(citations[0].get_absolute_url()).url == "/sources/caijing/#citation-cite-00"


@pytest.mark.parametrize("page", ["4", "0", "x", "9" * 5000])
def test_a_source_page_past_the_last_is_not_found(client, monkeypatch, page):
    monkeypatch.setattr(details, "PASSAGES_PER_PAGE", 4)
    source = f.SourceFactory(slug="caijing")
    for n in range(10):
        f.CitationFactory(ref=f"cite-{n:02}", source=source)
    assert client.get(source.get_absolute_url(), {"page": page}).status_code == 404


def test_an_organisation_page_caps_its_people_and_statements(client, small_limit):
    company = f.CompanyFactory(slug="big-firm")
    for n in range(5):
        person = f.PersonFactory(organisation=company, name_en=f"Person {n}")
        f.QuoteFactory(person=person).companies.add(company)
    response = client.get(company.get_absolute_url())
    context = response.context
    assert (len(context["people"].rows), context["people"].total) == (3, 5)
    assert (len(context["quotes"].rows), context["quotes"].total) == (3, 5)
    html = response.content.decode()
    assert "Showing the latest 3 of 5 statements" in html
    url, text = more_link(html)
    assert text == "Showing 3 of 5 people: all of them in the filterable list"
    assert url == "/people/?organisation=big-firm"
    assert client.get(url).context["result_count"] == 5


def test_a_sector_page_shows_the_first_page_of_its_list_page(client):
    sector = f.SectorFactory(slug="health", name_en="Health")
    for n in range(25):
        f.CaseFactory(title_en=f"Case {n:02}").sectors.add(sector)
    page = client.get(sector.get_absolute_url())
    listed = client.get("/cases/", {"sector": "health"})
    shown = [case.pk for case in page.context["cases"]]
    assert shown == [case.pk for case in listed.context["object_list"]]
    assert len(shown) == details.RELATED_LIMIT == listed.context["paginator"].per_page
