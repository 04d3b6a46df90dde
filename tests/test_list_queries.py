"""Each list page runs the same number of queries with 5 rows as with 300, and at most 15."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f

MAX_QUERIES = 15


def populate(n):
    sectors = [f.SectorFactory(), f.SectorFactory()]
    province = f.RegionFactory()
    city = f.RegionFactory(level="city", parent=province)
    ministry = f.CompanyFactory(kind="government")
    for _i in range(n):
        company = f.CompanyFactory(region=city)
        company.sectors.add(*sectors)
        f.FundingRoundFactory(company=company)
        case = f.CaseFactory(lever_digital=True, track="grow_emerging")
        case.sectors.add(*sectors)
        case.regions.add(city)
        f.CaseCompanyFactory(case=case, company=company)
        f.MetricFactory(case=case, company=company)
        policy = f.PolicyFactory(issued_on="2024-04-01", date_precision="month")
        policy.issuers.add(ministry)
        policy.regions.add(city)
        person = f.PersonFactory(organisation=company)
        f.QuoteFactory(person=person)
    return {"sector": sectors[0].slug, "region": province.slug, "company": company.slug}


URLS = [
    "/companies/",
    "/companies/?sector={sector}&region={region}&kind=enterprise&funding=yes&sort=metrics",
    "/cases/",
    "/cases/?sector={sector}&region={region}&company={company}&lever=digital&metrics=yes",
    "/policies/",
    "/policies/?region={region}&level=national&year_min=2020&sort=-date",
    "/people/",
    "/people/?q=test&sort=quotes",
    "/sectors/",
    "/regions/",
]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("template", URLS)
def test_list_query_count_does_not_grow_with_rows(client, template):
    slugs = populate(5)
    small = count_queries(client, template.format(**slugs))
    populate(295)
    large = count_queries(client, template.format(**slugs))
    assert small == large
    assert large <= MAX_QUERIES
