"""The read-only JSON API at /api/v1/: the pages' filters and order, citations, the published
catalogue only, JSON errors (400, 404, 429), constant query counts, CORS, and a valid OpenAPI
document with a self-hosted documentation page."""

import json
import re

import pytest
from django.core.cache import cache
from openapi_spec_validator import validate
from rest_framework.throttling import AnonRateThrottle

from catalog import models
from tests import factories as f

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "organisations",
    "cases",
    "sectors",
    "regions",
    "policies",
    "people",
    "quotes",
    "figures",
    "sources",
    "citations",
]


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def get_json(client, url, status=200, **headers):
    response = client.get(url, **headers)
    assert response.status_code == status, (url, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


@pytest.mark.parametrize("name", ENDPOINTS)
def test_every_list_answers_paginated_json_and_each_record_its_address(catalogue, client, name):
    data = get_json(client, f"/api/v1/{name}/?page_size=3")
    assert set(data) == {"count", "next", "previous", "results"}
    assert data["count"] > 0
    assert len(data["results"]) == min(3, data["count"])
    first = data["results"][0]
    assert "max-age" in client.get(f"/api/v1/{name}/")["Cache-Control"]
    assert first["api_url"].startswith("http://testserver/api/v1/")
    detail = get_json(client, first["api_url"])
    assert detail["api_url"] == first["api_url"]


@pytest.mark.parametrize(
    ("page", "api"),
    [
        (
            "/cases/?track=renew_traditional&sort=-year",
            "/api/v1/cases/?track=renew_traditional&sort=-year",
        ),
        ("/cases/?q=鍋爐", "/api/v1/cases/?q=锅炉"),
        (
            "/companies/?kind=enterprise&sort=founded",
            "/api/v1/organisations/?kind=enterprise&sort=founded",
        ),
        ("/policies/?region=zhejiang", "/api/v1/policies/?region=zhejiang"),
        ("/people/?pseudonym=yes", "/api/v1/people/?pseudonym=yes"),
    ],
)
def test_lists_take_the_pages_filters_search_and_order(catalogue, client, page, api):
    html = client.get(page)
    data = get_json(client, f"{api}&page_size=20")
    assert data["count"] == html.context["result_count"]
    assert [row["slug"] for row in data["results"]] == [
        record.slug for record in html.context["object_list"]
    ]


def test_a_record_carries_its_citations_verbatim(catalogue, client):
    data = get_json(client, "/api/v1/cases/dongfang-boiler-serpentine-tube-factory/")
    assert data["citations"]
    for citation in data["citations"]:
        stored = models.Citation.objects.get(ref=citation["ref"])
        assert citation["passage"] == stored.quote
        assert citation["url"] == f"http://testserver{stored.get_absolute_url()}"
    assert "dongfang-boiler" in {org["slug"] for org in data["organisations"]}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cases/?year_min=abc",
        "/api/v1/cases/?sort=bogus",
        "/api/v1/cases/?sector=no-such-sector",
        "/api/v1/cases/?q=%22",
        "/api/v1/organisations/?founded_min=1700",
        "/api/v1/policies/?issuer=%00",
        "/api/v1/people/?pseudonym=maybe",
        "/api/v1/sectors/?root=perhaps",
    ],
)
def test_bad_parameters_answer_400_in_json_naming_them(client, url):
    errors = get_json(client, url, status=400)
    assert errors, "the answer says what was wrong"


def test_unknown_records_and_pages_answer_404_in_json(client):
    assert "detail" in get_json(client, "/api/v1/cases/no-such-case/", status=404)
    assert "detail" in get_json(client, "/api/v1/cases/?page=99", status=404)


def test_garbage_never_gives_a_server_error(catalogue, client):
    garbage = ["", "x" * 3000, "%ff", "１２", "-1", "0", "☃", "'; drop table", "[]", "9" * 40]
    for name in ENDPOINTS:
        for value in garbage:
            for parameter in ("page", "page_size", "q", "sort", "sector", "year_min", "kind"):
                response = client.get(f"/api/v1/{name}/", {parameter: value})
                assert response.status_code < 500, (name, parameter, value)


def test_drafts_never_appear(client):
    source = f.SourceFactory()
    public = f.CaseFactory(slug="public-case")
    draft = f.CaseFactory(slug="draft-case", published=False)
    hidden_org = f.CompanyFactory(slug="hidden-org", published=False)
    hidden_person = f.PersonFactory(slug="hidden-person", published=False)
    f.PersonFactory(slug="visible-person", organisation=hidden_org)
    models.CaseCompany.objects.create(case=public, company=hidden_org, role="subject")
    models.Citation.objects.create(ref="cite-draft", source=source, quote="草稿", case=draft)
    models.Citation.objects.create(ref="cite-public", source=source, quote="公開", case=public)
    models.Quote.objects.create(ref="hidden-quote", person=hidden_person, text_zh="話")
    everything = "".join(
        client.get(f"/api/v1/{name}/?page_size=200").content.decode() for name in ENDPOINTS
    )
    assert "public-case" in everything
    assert "cite-public" in everything
    for secret in ("draft-case", "hidden-org", "hidden-person", "cite-draft", "hidden-quote"):
        assert secret not in everything, secret
    get_json(client, "/api/v1/cases/draft-case/", status=404)
    get_json(client, "/api/v1/organisations/hidden-org/", status=404)
    get_json(client, "/api/v1/citations/cite-draft/", status=404)


def _queries(client, url, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "name", ["organisations", "cases", "policies", "people", "figures", "quotes", "citations"]
)
def test_list_query_counts_do_not_grow_with_rows(client, name, django_assert_max_num_queries):
    def make(n, offset):
        source = models.Source.objects.first() or f.SourceFactory()
        for i in range(offset, offset + n):
            company = f.CompanyFactory(slug=f"org-{i}")
            company.sectors.add(f.SectorFactory(slug=f"sector-{i}"))
            case = f.CaseFactory(slug=f"case-{i}")
            case.sectors.add(company.sectors.first())
            case.regions.add(f.RegionFactory(slug=f"region-{i}"))
            models.CaseCompany.objects.create(case=case, company=company, role="subject")
            policy = f.PolicyFactory(slug=f"policy-{i}")
            policy.issuers.add(company)
            person = f.PersonFactory(slug=f"person-{i}", organisation=company)
            quote = models.Quote.objects.create(ref=f"quote-{i}", person=person, text_zh="話")
            metric = models.Metric.objects.create(
                ref=f"figure-{i}", case=case, label_zh="數", label_en="n", value=i
            )
            for target in ({"case": case}, {"quote_record": quote}, {"metric": metric}):
                key = next(iter(target))
                models.Citation.objects.create(
                    ref=f"cite-{key}-{i}", source=source, quote="原文", **target
                )

    make(2, 0)
    few = _queries(client, f"/api/v1/{name}/", django_assert_max_num_queries)
    make(25, 100)
    cache.clear()
    many = _queries(client, f"/api/v1/{name}/", django_assert_max_num_queries)
    assert few == many


def test_the_openapi_document_validates_and_names_every_list(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate(schema)
    paths = schema["paths"]
    for name in ENDPOINTS:
        assert f"/api/v1/{name}/" in paths
    parameters = {p["name"] for p in paths["/api/v1/cases/"]["get"]["parameters"]}
    assert {"q", "sector", "region", "company", "track", "sort", "page", "page_size"} <= parameters


def test_the_documentation_page_loads_nothing_from_other_sites(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    addresses = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert addresses
    assert all(address.startswith("/") for address in addresses), addresses
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "<script>" not in html  # no inline script: the set-up is a file of its own
    assert client.get("/api/v1/docs/?script").status_code == 200


def test_cross_origin_reads_are_open_for_the_api_only(client):
    api = client.get("/api/v1/sectors/", HTTP_ORIGIN="https://example.org")
    assert api["Access-Control-Allow-Origin"] == "*"
    page = client.get("/sectors/", HTTP_ORIGIN="https://example.org")
    assert "Access-Control-Allow-Origin" not in page


def test_anonymous_clients_are_rate_limited_with_retry_after(client, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "3/min", raising=False)
    for _ in range(3):
        assert client.get("/api/v1/sources/").status_code == 200
    response = client.get("/api/v1/sources/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "detail" in json.loads(response.content)


def test_the_open_data_page_points_at_the_api_and_the_list_downloads(client):
    html = client.get("/data/").content.decode()
    assert 'href="/api/v1/docs/"' in html
    assert 'href="/api/v1/schema/"' in html
    assert 'href="/cases/"' in html
