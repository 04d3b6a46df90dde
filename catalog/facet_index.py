"""The facet index: for each option of each facet of a list, the set of its rows' ids, kept in
each worker's memory as compressed bitmaps (pyroaring), so that a facet's counts are the sizes of
intersections instead of queries over every row.

A list page still asks the database which rows its filters keep (``RowSets``); what the index
replaces is counting, for every option, how many of those rows have it: at 50,000 cases that
was a grouped or conditional count over tens of thousands of rows per facet, and is now a few
microseconds per option. Counts are computed on every request: nothing about a visitor's query
is stored.

The index is built from the database on the first list request of a worker, and again when the
catalogue's version changes (catalog/cache.py: every admin save or deletion and every load
changes it) or when it is older than ``FACET_INDEX_SECONDS``, whichever comes first; a list
whose version cannot be read (the cache does not answer) is counted in the database, as it is
when ``FACET_INDEX_ENABLED`` is off. A facet kind that cannot be indexed (a yes/no facet that
only its filter's method tells apart, an organisation facet narrowed by its own search box) is
counted in the database too. Each kind declares how it is indexed (``indexed``) and counted
from the index (``indexed_counts``) in catalog/facets.py.
"""

import logging
import threading
import time
from array import array
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import FieldError
from django.db import DEFAULT_DB_ALIAS, connections
from pyroaring import BitMap

from .cache import catalogue_version
from .models import shows_drafts

logger = logging.getLogger("catalog.facet_index")

FETCH_SIZE = 10_000

_lock = threading.Lock()
_indexes = {}


def grouped_bitmaps(queryset):
    """key -> BitMap of ids, from a queryset of (key, id) pairs read in chunks, without holding
    every pair in memory at once."""
    sql, params = queryset.order_by().query.sql_with_params()
    groups = {}
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(FETCH_SIZE):
            for key, pk in chunk:
                bitmap = groups.get(key)
                if bitmap is None:
                    bitmap = groups[key] = BitMap()
                bitmap.add(pk)
    for bitmap in groups.values():
        bitmap.run_optimize()
    return groups


def id_bitmap(queryset):
    """The ids of ``queryset``'s rows as a BitMap, read in chunks."""
    sql, params = queryset.order_by().values_list("pk").query.sql_with_params()
    bitmap = BitMap()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(FETCH_SIZE):
            bitmap.update(pk for (pk,) in chunk)
    return bitmap


@dataclass
class FacetIndex:
    """The bitmaps of one list (its FilterSet class) in one database."""

    model: type
    version: str
    built: float
    all: BitMap
    published: BitMap
    # facet name -> what its kind's ``indexed`` returned
    entries: dict = field(default_factory=dict)
    # a list's order (repr of its ORDER BY) -> the ids of all the rows in that order, read when
    # first asked for; (that key, "published") -> the published ones
    orders: dict = field(default_factory=dict)

    def page_ids(self, queryset, members, offset, limit):
        """The ids of the rows ``offset`` to ``offset + limit`` of ``members`` (a BitMap) in the
        order of ``queryset`` (a list's rows, ordered): walked along the order's ids in memory,
        instead of the database sorting every member to skip ``offset`` of them."""
        order = queryset.query.order_by or queryset.model._meta.ordering
        key = repr(order)
        ordered = self.orders.get(key)
        if ordered is None:
            ordered = self.orders[key] = _ordered_ids(queryset.model, queryset.db, order)
        if members is self.all:
            return list(ordered[offset : offset + limit])
        if members is self.published:  # a list no filter narrows: its published rows in order
            published = self.orders.get((key, "published"))
            if published is None:
                published = array("q", (pk for pk in ordered if pk in self.published))
                self.orders[(key, "published")] = published
            return list(published[offset : offset + limit])
        found, skipped = [], 0
        for pk in ordered:
            if pk in members:
                if skipped < offset:
                    skipped += 1
                    continue
                found.append(pk)
                if len(found) == limit:
                    break
        return found

    def rows(self, queryset, row_sets):
        """The ids of ``queryset``'s rows as a BitMap: all rows or the published ones without a
        query; a narrowed set through ``row_sets`` (read once per request, shared with the
        list's own count)."""
        from .facets import _unfiltered

        left_out = _unfiltered(queryset)
        if left_out is False:
            return self.all
        if left_out is not None:
            return self.published
        return row_sets.ids(queryset).bitmap


def _ordered_ids(model, using, order):
    """The ids of all of ``model``'s rows in ``order``: read from the table alone, or with the
    list's annotations when the order needs one (most figures first)."""
    rows = model._base_manager.using(using)
    try:
        ids = rows.order_by(*order).values_list("pk", flat=True)
        return array("q", ids.iterator(chunk_size=FETCH_SIZE))
    except FieldError:
        rows = model.objects.using(using).for_list().prefetch_related(None)
        ids = rows.order_by(*order).values_list("pk", flat=True)
        return array("q", ids.iterator(chunk_size=FETCH_SIZE))


def _build(filterset, using, version):
    model = filterset._meta.model
    started = time.perf_counter()
    base = model._base_manager.using(using)
    by_state = grouped_bitmaps(base.values_list("published", "pk"))
    published = by_state.get(True, BitMap())
    index = FacetIndex(
        model=model,
        version=version,
        built=time.monotonic(),
        all=published | by_state.get(False, BitMap()),
        published=published,
    )
    for name, filter_ in filterset.filters.items():
        kind = getattr(filter_, "facet", None)
        indexed = getattr(kind, "indexed", None)
        if indexed is None:
            continue
        entry = indexed(filterset, name, using)
        if entry is not None:
            index.entries[name] = entry
    logger.info(
        "facet index of %s built in %.0f ms (%d rows, %d facets)",
        model._meta.label,
        (time.perf_counter() - started) * 1000,
        len(index.all),
        len(index.entries),
    )
    return index


def for_filterset(filterset, using):
    """The current index of ``filterset``'s list in database ``using``, built if need be; None
    when the index is off or the catalogue's version is unknown."""
    if not settings.FACET_INDEX_ENABLED:
        return None
    version = catalogue_version()
    if version is None:
        return None
    key = (type(filterset), using)
    index = _indexes.get(key)
    if _current(index, version):
        return index
    with _lock:
        index = _indexes.get(key)
        if not _current(index, version):
            # The version is read before the rows: a change committed while they are read
            # changes the version after it, and the next request builds the index again.
            index = _indexes[key] = _build(filterset, using, version)
    return index


def _of_list(filterset_class, name, using):
    """(a FilterSet of the list without a query, the list's index) when ``name`` is indexed;
    None when there is no index."""
    model = filterset_class._meta.model
    filterset = filterset_class(None, queryset=model._base_manager.none())
    index = for_filterset(filterset, using)
    if index is None or name not in index.entries:
        return None
    return filterset, index


def _visible(index, user):
    return index.all if shows_drafts(user) else index.published


def listed_rows(filterset_class, name, record, user, using=DEFAULT_DB_ALIAS):
    """(the index, the ids of the rows ``filterset_class``'s list filtered by ``record`` alone
    shows ``user``, as a BitMap), for a detail page's related list and its "all N cases" link;
    None when there is no index (the caller reads them from the database)."""
    found = _of_list(filterset_class, name, using)
    if found is None:
        return None
    filterset, index = found
    rows = filterset.filters[name].facet.indexed_rows(index.entries[name], [record], index)
    return index, rows & _visible(index, user)


def option_counts(filterset_class, name, user, using=DEFAULT_DB_ALIAS):
    """Facet ``name``'s counts over every row of the list ``user`` may see (for a tree, node pk
    -> rows at or below it), as the unfiltered list page shows them; None when there is no
    index."""
    found = _of_list(filterset_class, name, using)
    if found is None:
        return None
    filterset, index = found
    kind = filterset.filters[name].facet
    return kind.indexed_counts(index.entries[name], _visible(index, user), filterset, name)


def warm(using=DEFAULT_DB_ALIAS):
    """Build the index of every list, and each list's first page in its usual order, before a
    worker takes requests (gunicorn.conf.py): its first visitors, after a start or a restart,
    do not wait for it. A failure is logged, never raised: the index is then built on the first
    request instead."""
    from . import filters

    for filterset_class in filters.LIST_FILTERSETS:
        model = filterset_class._meta.model
        try:
            filterset = filterset_class({}, queryset=model.objects.all().for_list())
            index = for_filterset(filterset, using)
            if index is not None and filterset.is_valid():
                index.page_ids(filterset.qs, index.published, 0, 1)
        except Exception:  # a database not migrated yet, unreachable…
            logger.exception("facet index of %s not built in advance", model._meta.label)


def _current(index, version):
    return (
        index is not None
        and index.version == version
        and time.monotonic() - index.built < settings.FACET_INDEX_SECONDS
    )


def clear():
    """Forget every index (they are built again when next needed)."""
    with _lock:
        _indexes.clear()
