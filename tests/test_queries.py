"""Each page runs a fixed number of queries whatever the number of rows: every list page (facet
counts included) the same with 5 rows as with 60 (three pages of 20), and at most 15; every detail
page the same with 5 related rows of every kind as with 300."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import models as m
from tests import factories as f

_serial = itertools.count()

MAX_LIST_QUERIES = 15


def bulk(model, n, **fields):
    """``n`` rows of ``model``. A field given as a function is called with a serial number; one
    given as a list gives the row its item in turn."""
    rows = []
    for i in range(n):
        k = next(_serial)
        values = {}
        for name, value in fields.items():
            if callable(value):
                value = value(k)
            elif isinstance(value, list):
                value = value[i]
            values[name] = value
        rows.append(model(**values))
    return model.objects.bulk_create(rows)


def companies(n, **fields):
    return bulk(
        m.Company,
        n,
        name_zh=lambda k: f"公司{k}",
        name_en=lambda k: f"Company {k}",
        slug=lambda k: f"bulk-company-{k}",
        **{"kind": m.CompanyKind.ENTERPRISE, **fields},
    )


def cases(n):
    return bulk(
        m.Case,
        n,
        title_zh=lambda k: f"案例{k}",
        title_en=lambda k: f"Case {k}",
        slug=lambda k: f"bulk-case-{k}",
        case_type=m.CaseType.TRANSFORMATION,
        summary_zh="摘要",
        summary_en="Summary",
    )


def policies(n):
    return bulk(
        m.Policy,
        n,
        title_zh=lambda k: f"政策{k}",
        title_en=lambda k: f"Policy {k}",
        slug=lambda k: f"bulk-policy-{k}",
        level=m.PolicyLevel.NATIONAL,
    )


def people(n, **fields):
    return bulk(
        m.Person,
        n,
        name_zh=lambda k: f"人{k}",
        name_en=lambda k: f"Person {k}",
        slug=lambda k: f"bulk-person-{k}",
        **fields,
    )


def metrics(n, **subject):
    return bulk(
        m.Metric,
        n,
        ref=lambda k: f"bulk-metric-{k}",
        label_zh="數字",
        label_en="Figure",
        kind=m.MetricKind.LEVEL,
        value=list(range(-50, n - 50)),
        unit_en=lambda k: ["%", "companies", "100 million yuan"][k % 3],
        **subject,
    )


def quotes(n, person=None):
    speakers = people(n) if person is None else [person] * n
    return bulk(
        m.Quote,
        n,
        ref=lambda k: f"bulk-quote-{k}",
        person=speakers,
        text_zh="原話。",
    )


def sectors(n, **fields):
    return bulk(
        m.Sector,
        n,
        name_zh=lambda k: f"產業{k}",
        name_en=lambda k: f"Sector {k}",
        slug=lambda k: f"bulk-sector-{k}",
        kind=m.SectorKind.FUTURE,
        **fields,
    )


def regions(n, **fields):
    return bulk(
        m.Region,
        n,
        name_zh=lambda k: f"地區{k}",
        name_en=lambda k: f"Region {k}",
        slug=lambda k: f"bulk-region-{k}",
        **{"level": m.RegionLevel.PROVINCE, **fields},
    )


def cite_all(source, name, records, **fields):
    return bulk(
        m.Citation,
        len(records),
        ref=lambda k: f"bulk-citation-{k}",
        source=source,
        quote="原文。",
        **{name: list(records)},
        **fields,
    )


def link(manager_owner, name, targets):
    getattr(manager_owner, name).add(*targets)


def link_each(rows, name, *targets):
    """Link each of ``rows`` to every one of ``targets`` through its many-to-many field ``name``,
    in one INSERT (no version of each row, which the public pages do not read)."""
    field = type(rows[0])._meta.get_field(name)
    through = field.remote_field.through
    through.objects.bulk_create(
        through(**{field.m2m_field_name(): row, field.m2m_reverse_field_name(): target})
        for row in rows
        for target in targets
    )


# --- What each page shows, n of every kind --------------------------------------------------------


def company_page(n):
    source = f.SourceFactory()
    company = f.CompanyFactory(region=f.RegionFactory(), parent=f.CompanyFactory())
    link(company, "sectors", sectors(n))
    cite_all(source, "company", [company] * n)
    companies(n, parent=company)
    m.CaseCompany.objects.bulk_create(
        m.CaseCompany(case=case, company=company, role=m.CaseRole.SUBJECT) for case in cases(n)
    )
    rounds = bulk(
        m.FundingRound,
        n,
        ref=lambda k: f"bulk-round-{k}",
        company=company,
        stage=m.Stage.A,
        sequence=lambda k: k % 1000,
    )
    cite_all(source, "funding_round", rounds)
    backers = companies(2 * n, kind=m.CompanyKind.INVESTOR)
    in_rounds = bulk(
        m.Investment,
        n,
        ref=lambda k: f"bulk-investment-{k}",
        investee=company,
        investor=backers[:n],
        funding_round=rounds,
    )
    loose = bulk(
        m.Investment,
        n,
        ref=lambda k: f"bulk-investment-{k}",
        investee=company,
        investor=backers[n:],
    )
    made = bulk(
        m.Investment,
        n,
        ref=lambda k: f"bulk-investment-{k}",
        investee=companies(n),
        investor=company,
    )
    cite_all(source, "investment", [*in_rounds, *loose, *made])
    cite_all(source, "metric", metrics(n, company=company))
    said = quotes(n)
    link_each(said, "companies", company)
    cite_all(source, "quote_record", said)
    cite_all(source, "person", people(n, organisation=company))
    link_each(policies(n), "issuers", company)
    return company


def case_page(n):
    source = f.SourceFactory()
    case = f.CaseFactory()
    cite_all(source, "case", [case] * n)
    link(case, "sectors", sectors(n))
    link(case, "regions", regions(n))
    m.CaseCompany.objects.bulk_create(
        m.CaseCompany(case=case, company=company, role=m.CaseRole.PARTNER)
        for company in companies(n)
    )
    cite_all(source, "metric", metrics(n, case=case))
    said = quotes(n)
    link(case, "quotes", said)
    cite_all(source, "quote_record", said)
    link(case, "policies", policies(n))
    return case


def policy_page(n):
    source = f.SourceFactory()
    policy = f.PolicyFactory()
    cite_all(source, "policy", [policy] * n)
    link(policy, "issuers", companies(n, kind=m.CompanyKind.GOVERNMENT))
    link(policy, "sectors", sectors(n))
    link(policy, "regions", regions(n))
    link(policy, "cases", cases(n))
    cite_all(source, "metric", metrics(n, policy=policy))
    said = quotes(n)
    link(policy, "quotes", said)
    cite_all(source, "quote_record", said)
    return policy


def person_page(n):
    source = f.SourceFactory()
    person = f.PersonFactory(organisation=f.CompanyFactory())
    cite_all(source, "person", [person] * n)
    said = quotes(n, person=person)
    cite_all(source, "quote_record", said)
    related = (companies(n), cases(n), policies(n), sectors(n))
    for quote in said[:5]:
        for name, rows in zip(("companies", "cases", "policies", "sectors"), related, strict=True):
            getattr(quote, name).add(*rows)
    return person


def sector_page(n):
    source = f.SourceFactory()
    sector = f.SectorFactory(parent=None)
    children = sectors(n, parent=sector)
    link_each(companies(n), "sectors", sector, children[0])
    for child in children[:5]:
        link(child, "companies", companies(n))
        link(child, "cases", cases(n))
    link(sector, "cases", cases(n))
    cite_all(source, "metric", metrics(n, sector=sector))
    link(sector, "policies", policies(n))
    said = quotes(n)
    link(sector, "quotes", said)
    cite_all(source, "quote_record", said)
    return sector


def region_page(n):
    source = f.SourceFactory()
    region = f.RegionFactory()
    cities = regions(n, level=m.RegionLevel.CITY, parent=region)
    for city in cities[:5]:
        regions(n, level=m.RegionLevel.COUNTY, parent=city)
        companies(n, region=city)
        link(city, "cases", cases(n))
        link(city, "policies", policies(n))
    county = m.Region.objects.filter(parent__parent=region).first()
    companies(n, region=county)
    companies(n, region=region)
    link(region, "cases", cases(n))
    link(region, "policies", policies(n))
    cite_all(source, "metric", metrics(n, region=region))
    return region


def source_page(n):
    source = f.SourceFactory()
    # A passage of each kind first, so that the first page reaches every kind of record (each
    # kind reached through a figure, a round, an investment or a statement is one query).
    cite_all(source, "metric", metrics(1, case=f.CaseFactory()), sort_order=0)
    cite_all(source, "quote_record", quotes(1), sort_order=0)
    cite_all(source, "investment", [f.InvestmentFactory()], sort_order=0)
    cite_all(source, "company", companies(n), sort_order=1)
    cite_all(source, "metric", metrics(n, case=f.CaseFactory()), sort_order=1)
    cite_all(source, "quote_record", quotes(n), sort_order=1)
    cite_all(source, "investment", [f.InvestmentFactory() for _ in range(min(n, 5))], sort_order=1)
    return source


PAGES = {
    "company": company_page,
    "case": case_page,
    "policy": policy_page,
    "person": person_page,
    "sector": sector_page,
    "region": region_page,
    "source": source_page,
}


def queries_for(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries), response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_query_count_does_not_grow_with_related_rows(client, name):
    build = PAGES[name]
    few, few_html = queries_for(client, build(5).get_absolute_url())
    many, many_html = queries_for(client, build(300).get_absolute_url())
    assert few == many, f"{name} page: {few} queries with 5 related rows, {many} with 300"
    assert len(many_html) > len(few_html)  # the 300 rows are on the page
    assert many <= 25, f"{name} page runs {many} queries"


@pytest.mark.django_db
def test_query_count_is_the_same_for_staff(client, admin_client):
    company = company_page(5)
    public, _ = queries_for(client, company.get_absolute_url())
    staff, _ = queries_for(admin_client, company.get_absolute_url())
    # staff add the session and the user, nothing per row
    assert staff - public == 2


# --- List pages -----------------------------------------------------------------------------------


def populate_lists(n):
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
    "/",
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


def count_list_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def count_all(client, slugs, templates):
    return {
        template: count_list_queries(client, template.format(**slugs)) for template in templates
    }


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_rows(client):
    """Every list page, filtered or not: 5 rows of each kind, then 60 (built once for all)."""
    slugs = populate_lists(5)
    small = count_all(client, slugs, URLS)
    populate_lists(55)
    large = count_all(client, slugs, URLS)
    assert large == small
    assert {url: n for url, n in large.items() if n > MAX_LIST_QUERIES} == {}


STAFF_URLS = [*URLS, "/cases/?company={company}"]


@pytest.mark.django_db
def test_list_query_count_for_staff_stays_within_the_cap(admin_client):
    """Staff add the session and the user to every page, and still stay within the cap."""
    slugs = populate_lists(5)
    m.Company.objects.filter(slug=slugs["company"]).update(published=False)  # a draft they see
    small = count_all(admin_client, slugs, STAFF_URLS)
    populate_lists(50)
    large = count_all(admin_client, slugs, STAFF_URLS)
    assert large == small
    assert {url: n for url, n in large.items() if n > MAX_LIST_QUERIES} == {}
