"""The facet index (catalog/facet_index.py): list pages counted over row-id bitmaps kept in
memory show the same facets as counted in the database, read the index again after any edit or
when it is too old, and count in the database when the catalogue's version is unknown."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import facet_index, filters
from catalog.cache import VERSION_CACHE
from tests import factories as f
from tests.test_admin import admin_url, form_data
from tests.test_production_settings import dump_settings


@pytest.fixture
def index_on(settings):
    settings.FACET_INDEX_ENABLED = True
    caches[VERSION_CACHE].clear()
    facet_index.clear()
    yield
    facet_index.clear()


def facets_of(response):
    """The facets of a list page, and what it lists."""
    assert response.status_code == 200
    assert response.context["filters_valid"], response.context["filter"].errors
    listed = [record.pk for record in response.context["object_list"]]
    return [response.context["result_count"], listed] + [
        (
            facet.name,
            facet.total,
            facet.findable,
            [(o.value, o.count, o.selected, o.depth) for o in facet.options],
        )
        for facet in response.context["facets"]
    ]


# Every kind of facet (trees, organisations, flags, choices, yes/no, themes), unfiltered, with
# one filter, with several (each facet then counted without its own), with the organisations'
# own search box, and past the drafts for staff.
URLS = [
    "/cases/",
    "/cases/?sector=future-health",
    "/cases/?region=zhejiang&track=renew_traditional&metrics=yes",
    "/cases/?lever=intelligent&lever=green&change=new_services",
    "/cases/?metrics=no&theme=government-role",
    "/cases/?company=zhiran-medical",
    "/cases/?company_find=醫療",
    "/cases/?q=電池",
    "/companies/",
    "/companies/?sector=large-models&funding=yes",
    "/companies/?region=beijing",
    "/policies/",
    "/policies/?region=china",
    "/zh-hans/cases/?sector=new-energy",
    # Pages and orders: the page's rows walked along the order in memory.
    "/cases/?page=2",
    "/cases/?sort=-year&page=2",
    "/cases/?sort=metrics",
    "/cases/?sort=year&track=renew_traditional",
    "/cases/?sort=newest&q=%E9%86%AB%E7%99%82",
    "/companies/?sort=founded&page=2",
    "/companies/?sort=-founded&page=3",
    "/policies/?sort=-date",
    "/people/?sort=quotes",
    "/people/?page=2",
]


def both_ways(visitor, url, read, settings):
    """``read`` of the page counted in the database, then over a new index."""
    settings.FACET_INDEX_ENABLED = False
    counted_in_database = read(visitor.get(url))
    settings.FACET_INDEX_ENABLED = True
    facet_index.clear()
    indexed = read(visitor.get(url))
    assert facet_index._indexes, "the page was not counted over the index"
    return counted_in_database, indexed


@pytest.mark.parametrize("url", URLS)
def test_lists_counted_over_the_index_equal_those_counted_in_the_database(
    catalogue, client, admin_client, settings, url
):
    for visitor in (client, admin_client):
        counted_in_database, indexed = both_ways(visitor, url, facets_of, settings)
        assert indexed == counted_in_database
        assert facets_of(visitor.get(url)) == counted_in_database  # the index built, kept


def test_a_list_counted_over_the_index_counts_nothing_in_the_database(catalogue, client, index_on):
    client.get("/cases/")  # builds the index
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/cases/?sector=future-health&track=renew_traditional").status_code == 200
    sqls = [q["sql"] for q in queries.captured_queries]
    # The sector filter reads the tree pairs; nothing counts them, or counts rows per option.
    assert not [sql for sql in sqls if "treemembership" in sql and "GROUP BY" in sql]
    assert not [sql for sql in sqls if "FILTER (WHERE" in sql]
    assert not [sql for sql in sqls if "catalog_casecompany" in sql and "GROUP BY" in sql]


def sector_count(client, slug):
    facet = next(f for f in client.get("/cases/").context["facets"] if f.name == "sector")
    return {o.value: o.count for o in facet.options}.get(slug, 0)


def test_an_admin_edit_makes_the_index_read_again(
    db, client, admin_client, index_on, django_capture_on_commit_callbacks
):
    health = f.SectorFactory(slug="health", name_en="Health")
    for _n in range(3):
        f.CaseFactory().sectors.add(health)
    with django_capture_on_commit_callbacks(execute=True):
        f.CaseFactory(slug="late-case")  # a version the index is then built under
    assert sector_count(client, "health") == 3
    built = next(iter(facet_index._indexes.values()))

    case = f.CaseFactory._meta.model.objects.get(slug="late-case")
    change = admin_url(type(case), "change", case.pk)
    data = form_data(admin_client.get(change))
    data["sectors"] = [str(health.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(change, data).status_code == 302
    assert sector_count(client, "health") == 4
    assert next(iter(facet_index._indexes.values())) is not built


def test_an_index_older_than_its_limit_is_read_again(db, client, index_on, settings, monkeypatch):
    health = f.SectorFactory(slug="health", name_en="Health")
    f.CaseFactory().sectors.add(health)
    assert sector_count(client, "health") == 1
    # A change no signal reported (a raw write): seen once the index is older than its limit.
    f.CaseFactory._meta.model.objects.create(
        title_zh="後來", title_en="Later", slug="later", case_type="transformation"
    ).sectors.add(health)
    assert sector_count(client, "health") == 1
    settings.FACET_INDEX_SECONDS = 60
    now = facet_index.time.monotonic()
    monkeypatch.setattr(facet_index.time, "monotonic", lambda: now + 61)
    assert sector_count(client, "health") == 2


def test_without_a_catalogue_version_facets_are_counted_in_the_database(
    db, client, index_on, monkeypatch
):
    monkeypatch.setattr(facet_index, "catalogue_version", lambda: None)
    health = f.SectorFactory(slug="health", name_en="Health")
    f.CaseFactory().sectors.add(health)
    assert sector_count(client, "health") == 1
    assert not facet_index._indexes


def test_the_index_is_off_unless_settings_turn_it_on(db, client, settings):
    settings.FACET_INDEX_ENABLED = False
    facet_index.clear()
    f.CaseFactory()
    assert client.get("/cases/").status_code == 200
    assert not facet_index._indexes


def test_production_settings_turn_the_index_on_unless_told_not_to():
    assert dump_settings()["FACET_INDEX_ENABLED"] is True
    assert dump_settings(ATLAS_FACET_INDEX="off")["FACET_INDEX_ENABLED"] is False


def related_totals(response):
    assert response.status_code == 200
    names = ("companies", "cases", "policies", "case_roles")
    return {
        name: (response.context[name].total, [row.pk for row in response.context[name].rows])
        for name in names
        if hasattr(response.context.get(name), "total")
    }


@pytest.mark.parametrize(
    "url",
    ["/sectors/future-health/", "/sectors/new-energy/", "/regions/zhejiang/", "/regions/china/"]
    + ["/companies/zhiran-medical/", "/companies/dongfang-boiler/"],
)
def test_detail_pages_list_and_count_their_related_rows_over_the_index_as_the_database_does(
    catalogue, client, admin_client, settings, url
):
    for visitor in (client, admin_client):
        counted_in_database, indexed = both_ways(visitor, url, related_totals, settings)
        assert indexed == counted_in_database
        assert counted_in_database  # the page has related lists to count


def test_the_count_of_a_related_list_is_the_count_of_its_list_page(db, client, index_on):
    health = f.SectorFactory(slug="health", name_en="Health")
    for n in range(4):
        f.CaseFactory(published=n != 3).sectors.add(health)
    page = client.get("/sectors/health/")
    listed = client.get("/cases/?sector=health")
    assert page.context["cases"].total == listed.context["result_count"] == 3


def page_html(response):
    """The page as a reader gets it: its counts are in its text."""
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("url", ["/sectors/", "/regions/", "/map/", "/zh-hans/regions/"])
def test_tree_pages_and_the_map_count_over_the_index_as_the_database_does(
    catalogue, client, admin_client, settings, url
):
    for visitor in (client, admin_client):
        counted_in_database, indexed = both_ways(visitor, url, page_html, settings)
        assert indexed == counted_in_database


def test_warming_builds_every_list_s_index_before_any_request(catalogue, index_on):
    facet_index.warm()
    built = {index.model for index in facet_index._indexes.values()}
    assert built == {flt._meta.model for flt in filters.LIST_FILTERSETS}
    # and each list's first page in its usual order
    assert all(index.orders for index in facet_index._indexes.values())


def test_warming_never_stops_a_worker(db, index_on, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("no such table")

    monkeypatch.setattr(facet_index, "for_filterset", broken)
    facet_index.warm()  # logged, not raised
    assert "not built in advance" in caplog.text


def first_cases(response):
    return [role.case_id for role in response.context["case_roles"].rows]


def test_an_organisation_s_first_cases_are_the_same_over_the_index(db, client, settings):
    company = f.CompanyFactory(slug="busy")
    for n in range(25):
        year = None if n % 7 == 0 else 2010 + n % 4
        case = f.CaseFactory(title_en=f"Case {n % 5}", start_year=year, end_year=year)
        f.CaseCompanyFactory(case=case, company=company)
    counted_in_database, indexed = both_ways(client, "/companies/busy/", first_cases, settings)
    assert indexed == counted_in_database
    assert len(indexed) == 20
