"""The source page reads the records its passages support without one query joining them all:
PostgreSQL plans a query of sixteen joined tables for longer than it takes to run (100 to 250 ms
for 50 passages at 50,000 cases), past its join_collapse_limit of 8."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import models

JOIN_LIMIT = 8


def test_every_page_of_the_source_names_each_passage_s_record_in_small_queries(catalogue, client):
    source = models.Source.objects.order_by("pk").first()
    kinds, number, pages = set(), 1, 1
    while number <= pages:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(source.get_absolute_url(), {"page": number})
        assert response.status_code == 200
        joins = {q["sql"][:90]: q["sql"].upper().count(" JOIN ") for q in queries.captured_queries}
        assert max(joins.values()) <= JOIN_LIMIT, joins
        for entry in response.context["entries"]:
            assert entry["page"], entry["citation"].ref
            assert entry["page"]["url"], entry["citation"].ref
            kinds.add(entry["page"]["kind"])
        pages = response.context["paginator"].num_pages
        number += 1
    # Passages of figures, funding rounds, investments and statements, reached through their
    # own queries, name their records as the directly linked ones do.
    assert {"a figure", "a funding round", "a statement"} <= {str(kind) for kind in kinds}
