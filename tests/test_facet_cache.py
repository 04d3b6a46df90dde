"""Facet counts kept in the cache (catalog/query.py): counted once per list, filters, language and
catalogue version, so that paging or re-sorting does not count again; fresh after any edit; kept
apart for staff, who count drafts; off with the page cache."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.cache import VERSION_CACHE
from tests import factories as f
from tests.test_admin import admin_url, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def caches_on(settings):
    settings.PAGE_CACHE_ENABLED = True
    for alias in ("default", VERSION_CACHE):
        caches[alias].clear()
    yield
    for alias in ("default", VERSION_CACHE):
        caches[alias].clear()


@pytest.fixture
def cases():
    health = f.SectorFactory(slug="health", name_en="Health")
    for n in range(25):
        case = f.CaseFactory(
            slug=f"case-{n:02}", track="grow_emerging" if n % 2 else "renew_traditional"
        )
        case.sectors.add(health)
    return health


def counted(client, url):
    """(facet counts by option, number of queries) of a list page, rendered (a parameter the
    list does not read makes each address new to the page cache)."""
    counted.n = getattr(counted, "n", 0) + 1
    url += f"{'&' if '?' in url else '?'}visit={counted.n}"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    counts = {
        (facet.name, option.value): option.count
        for facet in response.context["facets"]
        for option in facet.options
    }
    return counts, len(queries)


def test_paging_and_sorting_a_list_counts_its_facets_once(client, cases):
    first, cold = counted(client, "/cases/?sector=health")
    again, warm = counted(client, "/cases/?sector=health&page=2&sort=-year")
    assert again == first
    assert first[("track", "grow_emerging")] == 12
    assert warm < cold


def test_other_filters_are_counted_afresh(client, cases):
    everything, _ = counted(client, "/cases/?sector=health")
    narrowed, _ = counted(client, "/cases/?sector=health&track=grow_emerging")
    assert narrowed != everything
    assert narrowed[("sector", "health")] == 12


def test_an_admin_edit_makes_the_counts_fresh(
    client, admin_client, cases, django_capture_on_commit_callbacks
):
    before, _ = counted(client, "/cases/")
    case = f.CaseFactory(slug="late-case", track="grow_emerging")
    change = admin_url(type(case), "change", case.pk)
    data = form_data(admin_client.get(change))
    data["sectors"] = [str(cases.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(change, data).status_code == 302
    after, _ = counted(client, "/cases/")
    assert after[("sector", "health")] == before[("sector", "health")] + 1


def test_staff_counts_with_drafts_are_kept_apart(client, admin_client, cases):
    draft = f.CaseFactory(slug="draft-case", published=False)
    draft.sectors.add(cases)
    public, _ = counted(client, "/cases/")
    staff, _ = counted(admin_client, "/cases/")
    assert staff[("sector", "health")] == public[("sector", "health")] + 1
    assert counted(client, "/cases/")[0] == public


def test_no_counts_are_kept_with_the_page_cache_off(client, cases, settings):
    settings.PAGE_CACHE_ENABLED = False
    _, first = counted(client, "/cases/?sector=health")
    _, second = counted(client, "/cases/?sector=health&page=2")
    assert second == first
