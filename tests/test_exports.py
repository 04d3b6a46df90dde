"""Downloads of the list pages and of search: CSV, JSON and Atom hold exactly the rows the page
counts, in its order, published rows only; bad filters answer 400 in the format asked for."""

import csv
import io
import json
import re

import feedparser
import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict, StreamingHttpResponse

from catalog import models
from catalog.exports import SEARCH_TYPES
from catalog.filters import CaseFilter
from catalog.query import CatalogueQuery
from tests import factories as f

pytestmark = pytest.mark.django_db

LIST_PAGES = {
    "cases": "/cases/",
    "companies": "/companies/",
    "policies": "/policies/",
    "people": "/people/",
}


def body(response):
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content)
    return response.content


def read_csv(response):
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff"), "a byte-order mark, so that Excel reads UTF-8"
    return list(csv.DictReader(io.StringIO(text[1:])))


def page_slugs(client, url):
    """Every slug a list shows, page by page, in its order."""
    slugs, page = [], 1
    while True:
        separator = "&" if "?" in url else "?"
        response = client.get(f"{url}{separator}page={page}")
        assert response.status_code == 200
        slugs += [record.slug for record in response.context["object_list"]]
        if not response.context["page_obj"].has_next():
            return slugs, response.context["result_count"]
        page += 1


@pytest.mark.parametrize(
    ("kind", "query"),
    [
        ("cases", "track=renew_traditional&sort=-year"),
        ("cases", "sector=future-manufacturing"),
        ("cases", ""),
        ("companies", "kind=enterprise&sort=founded"),
        ("policies", "region=zhejiang"),
        ("people", "pseudonym=yes"),
        ("cases", "q=鍋爐"),
    ],
)
def test_csv_holds_the_rows_the_page_counts_in_its_order(catalogue, client, kind, query):
    url = LIST_PAGES[kind] + (f"?{query}" if query else "")
    slugs, count = page_slugs(client, url)
    response = client.get(f"/{kind}.csv" + (f"?{query}" if query else ""))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.match(
        rf'attachment; filename="xinzhi-atlas-{kind}-\d{{4}}-\d\d-\d\d\.csv"',
        response["Content-Disposition"],
    )
    assert "max-age" in response["Cache-Control"]
    rows = read_csv(response)
    assert len(rows) == count
    assert [row["slug"] for row in rows] == slugs
    assert all(row["url"].startswith("http://testserver/") for row in rows)


def test_csv_columns_carry_chinese_and_english_and_joined_values(catalogue, client):
    rows = read_csv(client.get("/cases.csv?q=蛇形管"))
    row = next(row for row in rows if row["slug"] == "dongfang-boiler-serpentine-tube-factory")
    case = models.Case.objects.get(slug=row["slug"])
    assert row["title_zh"] == case.title_zh
    assert row["title_en"] == case.title_en
    assert row["organisations"].split("; ") == sorted(
        (role.company.slug for role in case.roles.filter(company__published=True)),
        key=lambda slug: row["organisations"].split("; ").index(slug),
    )
    assert "dongfang-boiler" in row["organisations"].split("; ")
    assert row["sectors"]
    assert row["sector_names_zh"]


def test_json_has_the_page_count_and_every_records_citations_verbatim(catalogue, client):
    query = "track=grow_emerging"
    count = client.get(f"/cases/?{query}").context["result_count"]
    response = client.get(f"/cases.json?{query}")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(body(response))
    assert data["count"] == count == len(data["records"]) == data["meta"]["count"]
    assert data["meta"]["url"] == f"http://testserver/cases/?{query}"
    cited = [record for record in data["records"] if record["citations"]]
    assert cited, "cases carry their citations"
    for record in cited:
        for citation in record["citations"]:
            stored = models.Citation.objects.get(ref=citation["ref"])
            assert citation["passage"] == stored.quote
            assert citation["url"].endswith(stored.get_absolute_url())


def test_atom_feed_parses_as_atom_with_the_newest_rows(catalogue, client):
    response = client.get("/cases.atom?track=renew_traditional")
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(body(response))
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    expected = list(
        models.Case.objects.published()
        .filter(track="renew_traditional")
        .order_by("-modified", "-pk")
        .values_list("slug", flat=True)[:50]
    )
    assert [entry.link.rstrip("/").rsplit("/", 1)[-1] for entry in feed.entries] == expected
    assert all(entry.id and entry.updated and entry.title for entry in feed.entries)
    assert feed.feed.author == "Xinzhi Atlas"


def test_drafts_never_leave_in_a_download_even_for_staff(client, admin_user):
    sector = f.SectorFactory(slug="health")
    public = f.CaseFactory(slug="public-case", title_en="Lighthouse public")
    public.sectors.add(sector)
    draft = f.CaseFactory(slug="draft-case", title_en="Lighthouse draft", published=False)
    draft.sectors.add(sector)
    hidden_org = f.CompanyFactory(slug="hidden-org", published=False)
    models.CaseCompany.objects.create(case=public, company=hidden_org, role="subject")
    f.PersonFactory(slug="someone", organisation=hidden_org)
    client.force_login(admin_user)
    assert client.get("/cases/?sector=health").context["result_count"] == 2  # staff see drafts
    for url in ("/cases.csv?sector=health", "/cases.json?sector=health", "/cases.atom"):
        text = body(client.get(url)).decode()
        assert "public-case" in text
        assert "draft-case" not in text, url
        assert "hidden-org" not in text, url
    assert "hidden-org" not in body(client.get("/people.csv")).decode()
    assert "draft-case" not in body(client.get("/search.json?q=lighthouse")).decode()


def test_an_empty_result_is_a_valid_empty_file(client):
    f.CaseFactory(slug="only-case", title_en="Only case")
    rows = read_csv(client.get("/cases.csv?q=nowhere-at-all"))
    assert rows == []
    header = body(client.get("/cases.csv?q=nowhere-at-all")).decode()[1:].splitlines()[0]
    assert header.startswith("slug,url,title_zh,title_en")
    data = json.loads(body(client.get("/cases.json?q=nowhere-at-all")))
    assert data["count"] == 0
    assert data["records"] == []
    feed = feedparser.parse(body(client.get("/cases.atom?q=nowhere-at-all")))
    assert not feed.bozo
    assert feed.entries == []


@pytest.mark.parametrize("fmt", ["csv", "json", "atom"])
def test_a_bad_filter_answers_400_naming_it(client, fmt):
    response = client.get(f"/cases.{fmt}?year_min=abc")
    assert response.status_code == 400
    if fmt == "json":
        assert "year_min" in json.loads(response.content)["errors"]
    else:
        assert response.content.decode().startswith("year_min:")
    assert client.get(f"/search.{fmt}?q=").status_code == 400


def test_search_downloads_hold_what_search_finds(catalogue, client):
    page = client.get("/search/?q=boiler")
    data = json.loads(body(client.get("/search.json?q=boiler")))
    assert data["count"] == page.context["total"] == len(data["records"])
    found = {(record["type"], record["slug"]) for record in data["records"]}
    for group in page.context["groups"]:
        for hit in group.hits:
            assert hit.url.rstrip("/").rsplit("/", 1)[-1] in {slug for _type, slug in found}
    rows = read_csv(client.get("/search.csv?q=鍋爐"))
    assert rows
    assert {row["type"] for row in rows} <= set(SEARCH_TYPES.values())
    assert not feedparser.parse(body(client.get("/search.atom?q=boiler"))).bozo


def test_list_and_search_pages_link_their_downloads_with_their_filters(catalogue, client):
    html = client.get("/zh-hans/cases/?track=renew_traditional&page=1").content.decode()
    for fmt, content_type in (
        ("csv", "text/csv"),
        ("json", "application/json"),
        ("atom", "application/atom+xml"),
    ):
        link = f'<link rel="alternate" type="{content_type}" '
        link += f'href="/zh-hans/cases.{fmt}?track=renew_traditional"'
        assert link in html
    assert 'class="downloads"' in html
    search = client.get("/search/?q=boiler").content.decode()
    assert 'href="/search.csv?q=boiler"' in search


def test_the_catalogue_query_answers_without_a_view(catalogue, client):
    """Exports and feeds use the list's query object directly: it counts what the page counts."""
    data = QueryDict("track=cultivate_future&sector=future-manufacturing")
    query = CatalogueQuery(CaseFilter, data, AnonymousUser())
    page = client.get("/cases/?track=cultivate_future&sector=future-manufacturing")
    assert query.valid
    assert query.count == page.context["result_count"]
    assert [facet.name for facet in query.facets] == [
        facet.name for facet in page.context["facets"]
    ]


def test_exports_stream_and_read_rows_in_chunks(client, django_assert_max_num_queries):
    for n in range(30):
        f.CaseFactory(slug=f"case-{n:02}", title_en=f"Streamed {n}")
    response = client.get("/cases.csv")
    assert isinstance(response, StreamingHttpResponse)
    with django_assert_max_num_queries(12):
        rows = read_csv(response)
    assert len(rows) == 30
