"""Every column a list page filters or sorts on has a database index."""

import pytest
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from catalog import models
from catalog.filters import (
    CaseFilter,
    CompanyFilter,
    PersonFilter,
    PolicyFilter,
    SearchTextFilter,
)

# Columns the filter methods use (method filters cannot be introspected); plain filters and the
# sort options are read from the FilterSets themselves below.
METHOD_COLUMNS = {
    CompanyFilter: ["founded_on", "region", "published"],
    CaseFilter: [
        "start_year",
        "end_year",
        "lever_digital",
        "lever_intelligent",
        "lever_green",
        "change_new_manufacturing",
        "change_new_services",
        "change_new_business_forms",
        "published",
    ],
    PolicyFilter: ["issued_on", "published"],
    PersonFilter: ["is_pseudonym", "published"],
}
ANNOTATIONS = {"metric_count", "quote_count", "target_count", "pk"}


def indexed(model, name):
    field = model._meta.get_field(name)
    if field.primary_key or field.unique or field.db_index or field.is_relation:
        return True
    for index in model._meta.indexes:
        if index.fields and index.fields[0].lstrip("-") == name:
            return True
    return False


def sorted_column(item):
    """The column an order_by item sorts on: a name ("-founded_on") or F("founded_on").desc()."""
    return item.lstrip("-") if isinstance(item, str) else item.expression.name


def columns(filterset_class):
    names = list(METHOD_COLUMNS[filterset_class])
    for flt in filterset_class.base_filters.values():
        # Substring search on search_text cannot use a B-tree index; it scans one text column.
        if flt.method is None and flt.field_name and not isinstance(flt, SearchTextFilter):
            names.append(flt.field_name.split("__")[0])
    for _label, order_by in filterset_class.base_filters["sort"].orderings.values():
        first = sorted_column(order_by[0])
        if first not in ANNOTATIONS:
            names.append(first)
    return sorted(set(names))


@pytest.mark.parametrize("filterset_class", list(METHOD_COLUMNS), ids=lambda c: c.__name__)
def test_filtered_and_sorted_columns_are_indexed(filterset_class):
    model = filterset_class._meta.model
    missing = [name for name in columns(filterset_class) if not indexed(model, name)]
    assert missing == []


def test_tree_orderings_are_indexed():
    assert indexed(models.Sector, "sort_order")
    assert indexed(models.Region, "name_en")


@pytest.mark.django_db
def test_the_case_list_counts_read_an_index_not_the_rows():
    """The conditional counts of an unfiltered case list (tracks, levers, kinds of change) and
    the ids of a track read the list's covering indexes, not the table (whose rows hold every
    text of a case). Checked on SQLite, whose plan names the index it reads."""
    from django.db import connection

    from catalog.facets import count_together
    from catalog.filters import LEVER_CHOICES

    if connection.vendor != "sqlite":
        pytest.skip("the query plan is read on SQLite")
    rows = models.Case.objects.filter(published=True)
    conditions = {value: Q(**{models.LEVER_FIELDS[value]: True}) for value, _ in LEVER_CHOICES}
    conditions |= {value: Q(track=value) for value in models.Track.values}
    with CaptureQueriesContext(connection) as queries:
        count_together(rows, [conditions])
    track = rows.filter(track=models.Track.values[0]).order_by().values("pk")
    track_ids = track.query.sql_with_params()
    for sql, params in [(queries[0]["sql"], ()), track_ids]:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "COVERING INDEX catalog_case_" in plan, plan


@pytest.mark.django_db
def test_a_deep_page_of_the_case_list_walks_an_index_alone():
    """The public case list in its default order: the page's OFFSET walks the (published,
    title) index without reading the rows it passes (SQLite's plan names the index)."""
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.http import QueryDict

    from catalog.query import CatalogueQuery

    if connection.vendor != "sqlite":
        pytest.skip("the query plan is read on SQLite")
    query = CatalogueQuery(CaseFilter, QueryDict(""), AnonymousUser())
    walked = query.rows.values("pk")[1000:1020].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {walked[0]}", walked[1])
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "COVERING INDEX catalog_case_published_title" in plan, plan
