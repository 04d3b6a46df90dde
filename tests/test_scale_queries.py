"""Every list page, and the search, costs the same number of queries with 2,000 generated cases
as with 20: nothing is fetched per row or per option."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from catalog import models

MAX_QUERIES = 15  # a list page or the search (issue: "SQL queries constant (≤ 15)")
# A detail page shows a dozen related lists, each one query (and its prefetches): constant too,
# with a cap of its own.
MAX_DETAIL_QUERIES = 20
DETAIL_PAGES = {"a top-level sector", "busiest organisation"}


def generate(cases, organisations, *args):
    call_command(
        "generate_catalogue",
        f"--cases={cases}",
        f"--organisations={organisations}",
        "--seed=3",
        *args,
        stdout=io.StringIO(),
    )


def urls():
    # A top-level sector with statements of its own: a related list that is empty at one size
    # and not at the other would change the count by its prefetches, not by the rows.
    sector = (
        models.Sector.objects.filter(parent=None)
        .annotate(n=Count("quotes"))
        .order_by("-n", "pk")
        .first()
    )
    company = (
        models.Company.objects.filter(slug__startswith="syn-")
        .annotate(n=Count("case_roles"))
        .order_by("-n", "pk")
        .first()
    )
    return {
        "companies": "/companies/",
        "cases": "/cases/",
        "policies": "/policies/",
        "people": "/people/",
        "sectors": "/sectors/",
        "regions": "/regions/",
        "cases in Chinese": "/zh-hans/cases/",
        "cases filtered": f"/cases/?sector={sector.slug}&track=new&sort=-year",
        "cases of the busiest organisation": f"/cases/?company={company.slug}&company_find=co",
        "cases searched": "/cases/?q=innovation",
        "search": "/search/?q=innovation",
        "search in Chinese": "/search/?q=智能",
        "a top-level sector": sector.get_absolute_url(),
        "busiest organisation": company.get_absolute_url(),
    }


def counts(client):
    found = {}
    for name, url in urls().items():
        client.get(url)  # the first request of a process reads what it caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        found[name] = len(queries)
    return found


@pytest.mark.django_db
def test_query_counts_at_2000_generated_cases_equal_those_at_20(catalogue, client, settings):
    settings.DEBUG = True  # the generator runs only in development
    generate(20, 10)
    small = counts(client)
    generate(2000, 400, "--replace")
    large = counts(client)
    assert large == small
    over = {
        name: n
        for name, n in large.items()
        if n > (MAX_DETAIL_QUERIES if name in DETAIL_PAGES else MAX_QUERIES)
    }
    assert over == {}
