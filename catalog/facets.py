"""Facet counts: for each option of a facet, how many rows match it given the other active filters.

Every count is made in the database, one query a facet (two for organisations), whatever the
number of rows: choices, flags and yes/no by ``GROUP BY`` or conditional counts; the sector and
region trees by grouping the link rows through the trees' ancestor pairs (a parent counts its
children's rows, each row once), which the page already holds in memory; organisations by
grouping the link rows, of which only the best-counted are named. Options with no match are
hidden unless the visitor selected them.

A facet shows at most ``FACET_LIMIT`` options: the ones with the most matches, the selected ones
always, and (for a tree) the nodes above them. Such a facet has a search box of its own
(``<facet>_find``) that shows the options whose names match instead; it narrows the options, not
the list.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connections
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.db.models.query import EmptyQuerySet
from pyroaring import BitMap

from . import facet_index, models, tree_index
from .models.closure import TreeMembership
from .search import normalise

FACET_LIMIT = 30
FIND_SUFFIX = "_find"


@dataclass
class Option:
    value: str
    label: str
    count: int
    selected: bool
    label_zh: str = ""
    depth: int = 0


@dataclass
class Facet:
    name: str
    legend: str
    options: list[Option] = field(default_factory=list)
    multiple: bool = True
    # Options with matches in all (shown or not) or, when the facet's own search is used, the
    # options that match it.
    total: int = 0
    findable: bool = False
    find: str = ""

    @property
    def find_name(self):
        return f"{self.name}{FIND_SUFFIX}"

    @property
    def hidden_count(self):
        return max(self.total - sum(1 for o in self.options if o.count), 0)

    @property
    def has_selection(self):
        return any(option.selected for option in self.options)


TREE_FIELDS = ("id", "parent_id", "slug", "name_zh", "name_en")


@dataclass
class Trees:
    """Sectors and regions, fetched once per page (in one query) and shared by filters, facets
    and chips. The rows carry what those need: id, parent, slug and names."""

    sectors: list
    regions: list

    @classmethod
    def load(cls):
        def rows(model, tree, order):
            return (
                model.objects.annotate(tree=Value(tree, output_field=IntegerField()), order=order)
                .order_by()
                .values_list("tree", "order", *TREE_FIELDS)
            )

        sectors = rows(models.Sector, 0, F("sort_order"))
        regions = rows(models.Region, 1, Value(0, output_field=IntegerField()))
        trees = ([], [])
        for tree, _order, *values in sectors.union(regions, all=True).order_by(
            "tree", "order", "name_en"
        ):
            trees[tree].append(dict(zip(TREE_FIELDS, values, strict=True)))
        return cls(
            sectors=[models.Sector(**row) for row in trees[0]],
            regions=[models.Region(**row) for row in trees[1]],
        )

    @staticmethod
    def by_slug(nodes):
        return {node.slug: node for node in nodes}


def _ancestors(nodes):
    """pk -> [pk, parent pk, grandparent pk, ...] for a parent-linked list of nodes."""
    parent = {node.pk: node.parent_id for node in nodes}
    chains = {}
    for pk in parent:
        chain, current, seen = [], pk, set()
        while current is not None and current not in seen:
            chain.append(current)
            seen.add(current)
            current = parent.get(current)
        chains[pk] = chain
    return chains


def _tree_order(nodes):
    """Nodes depth-first (parents before their children) with their depth."""
    children = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)
    ordered = []

    def walk(parent_id, depth):
        for node in children.get(parent_id, []):
            ordered.append((node, depth))
            walk(node.pk, depth + 1)

    walk(None, 0)
    return ordered


def _selected(filterset, name):
    values = filterset.data.getlist(name) if hasattr(filterset.data, "getlist") else []
    return {str(v) for v in values}


def tree_counts(queryset, relation, nodes):
    """node pk -> how many rows of ``queryset`` link (through ``relation``, a foreign key or a
    many-to-many field) to the node or to a node below it, each row once: one query.

    The (row, node) pairs are stored, one for the node linked and one for each node above it
    (catalog/tree_index.py): the rows' pairs are counted per node, without an ORDER BY. A link
    the table does not cover is counted by joining the tree once per level (``_walked_counts``).
    """
    code = tree_index.relation_code(queryset.model, relation)
    if code is None:
        return _walked_counts(queryset, relation, nodes)
    connection = connections[queryset.db]
    ids = _ids_sql(queryset)
    # Every row, or every published row (a list no filter narrows): counted from the pairs
    # alone, less those of the few rows left out (the drafts), instead of looking each pair's
    # row up among tens of thousands.
    base = queryset.model._base_manager.using(queryset.db)
    if ids == _ids_sql(base):
        sql, params = tree_index.counts_sql(connection, code), ()
    elif ids == _ids_sql(base.filter(published=True)):
        drafts_sql, params = _ids_sql(base.filter(published=False))
        sql = tree_index.counts_sql(connection, code, left_out_sql=drafts_sql)
    else:
        sql, params = tree_index.counts_sql(connection, code, ids[0]), ids[1]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {node: count for node, count in cursor.fetchall() if count}


def _ids_sql(queryset):
    """(SQL, parameters) of the ids of ``queryset``'s rows: the ids themselves for a set read by
    ``RowSets`` (looking each up in its table first would read every row again)."""
    ids = getattr(queryset, "row_ids", None)
    if ids is not None:
        expression = ids_in(ids, connections[queryset.db])
        if isinstance(expression, RawSQL):
            return expression.sql, tuple(expression.params)
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    return sql, tuple(params)


def ids_in(ids, connection):
    """An expression for ``pk__in`` holding ``ids``, passed as one parameter: a JSON array on
    SQLite, an array on PostgreSQL (a list of tens of thousands of parameters would pass SQLite's
    limit); the plain list elsewhere."""
    if connection.vendor == "sqlite":
        text = ids.json if isinstance(ids, Ids) else json.dumps(ids)
        return RawSQL("SELECT value FROM json_each(%s)", (text,))
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::integer[])", (ids,))
    return ids


class Ids(list):
    """Row ids read by ``RowSets``, with their JSON text written once: a set of rows is passed
    to several queries, and writing 20,000 ids takes a few milliseconds."""

    @cached_property
    def json(self):
        return json.dumps(self)

    @cached_property
    def bitmap(self):
        """The ids as a bitmap, for counting over the facet index (catalog/facet_index.py)."""
        return BitMap(self)


class RowSets:
    """The ids of the narrowed set of rows a list page counts most, read once per request.

    A filtered list lists and counts the rows every filter in use keeps, and counts over them
    every facet whose own filter is not in use. That set is read once, as ids, and every query
    that needs it reads those ids instead of applying the filters again: at 50,000 cases a
    sector and a track took about 35 ms to apply, each time. (A facet whose own filter is in use
    counts rows no other query reads: its query applies the other filters itself.)

    Sets that no filter narrows (all the rows, or all the published ones) are left as they are:
    their counts have faster paths of their own (``tree_counts``, ``related_facet``)."""

    def __init__(self):
        self._ids = {}
        # The sets counted over the facet index (``IndexedSets``): None until asked, False
        # when the list is counted in the database.
        self.indexed = None

    def ids(self, queryset):
        """The ids of ``queryset``'s rows, or None when no filter narrows it."""
        if _unfiltered(queryset) is not None:
            return None
        key = _ids_sql(queryset)
        if key not in self._ids:
            self._ids[key] = Ids(queryset.order_by().values_list("pk", flat=True))
        return self._ids[key]

    def narrowed(self, queryset):
        """``queryset``'s rows read from their ids when a filter narrows it, else itself."""
        ids = self.ids(queryset)
        if ids is None:
            return queryset
        base = queryset.model._base_manager.using(queryset.db)
        narrowed = base.filter(pk__in=ids_in(ids, connections[queryset.db]))
        narrowed.row_ids = ids
        return narrowed


class IndexedSets:
    """The rows a list and each of its facets count, as bitmaps, from the facet index
    (catalog/facet_index.py).

    Each filter in use that the index can apply (sectors, regions, organisations, flags,
    choices, yes/no, themes: every faceted filter) keeps the rows of the options chosen, read
    from the index; the others (the search words, years) and the visitor's visibility are
    applied by the database, in one query of ids, or none when they narrow nothing. The list
    counts the intersection of them all; a facet whose own filter is in use, the intersection
    of all the others: no set of rows is read twice, and none is counted in the database.
    """

    def __init__(self, index, filterset, base_queryset, row_sets):
        data = getattr(filterset.form, "cleaned_data", {})
        self.index = index
        self.sets = {}
        for name in sorted(_active(filterset)):
            kind = getattr(filterset.filters[name], "facet", None)
            entry = index.entries.get(name)
            if kind is not None and entry is not None:
                self.sets[name] = kind.indexed_rows(entry, data[name], index)
        rest = filterset.filter_without(base_queryset, set(self.sets))
        self.narrowed = bool(self.sets) or _unfiltered(rest) is None
        self.rest = index.rows(rest, row_sets)
        self._without = {}

    def rows_without(self, name=None):
        """The rows every filter in use keeps but ``name``'s (None: every filter's)."""
        if name not in self._without:
            rows = self.rest
            for other, bitmap in self.sets.items():
                if other != name:
                    rows = rows & bitmap
            self._without[name] = rows
        return self._without[name]

    def matching_ids(self):
        """The ids of the rows the list shows, in order; None when no filter narrows it."""
        if not self.narrowed:
            return None
        rows = self.rows_without(None)
        ids = Ids(rows)
        ids.__dict__["bitmap"] = rows
        return ids


def indexed_sets(filterset, base_queryset, row_sets):
    """The request's ``IndexedSets``, made once; None when the list is counted in the database
    (the index is off, or the catalogue's version unknown)."""
    if row_sets.indexed is None:
        index = facet_index.for_filterset(filterset, base_queryset.db)
        row_sets.indexed = (
            False if index is None else IndexedSets(index, filterset, base_queryset, row_sets)
        )
    return row_sets.indexed or None


def _walked_counts(queryset, relation, nodes):
    """``tree_counts`` from the link rows and the tree alone.

    Each link row stands for its node and, joined to the tree table once per level, for each
    node above it; the distinct (row, node) pairs are then counted per node. The depth of the
    tree is read from ``nodes``, which the caller holds in memory.
    """
    depth = max((len(chain) for chain in _ancestors(nodes).values()), default=0)
    if not depth:
        return {}
    model = queryset.model
    model_field = model._meta.get_field(relation)
    connection = connections[queryset.db]
    quote = connection.ops.quote_name
    if model_field.many_to_many:
        table = model_field.remote_field.through._meta.db_table
        row_column, node_column = model_field.m2m_column_name(), model_field.m2m_reverse_name()
    else:
        table, row_column = model._meta.db_table, model._meta.pk.column
        node_column = model_field.column
    tree_table = quote(model_field.related_model._meta.db_table)
    ids_sql, ids_params = queryset.order_by().values("pk").query.sql_with_params()
    levels, params = [], []
    for level in range(depth):
        # level 0: the node linked; level k: the node k steps above it.
        joins = "".join(
            f" JOIN {tree_table} t{k} ON t{k}.id = "
            + (f"link.{quote(node_column)}" if k == 0 else f"t{k - 1}.parent_id")
            for k in range(level)
        )
        node = f"t{level - 1}.parent_id" if level else f"link.{quote(node_column)}"
        levels.append(
            f"SELECT link.{quote(row_column)} AS row_id, {node} AS node FROM {quote(table)} link"
            f"{joins} WHERE {node} IS NOT NULL AND link.{quote(row_column)} IN ({ids_sql})"
        )
        params.extend(ids_params)
    sql = (
        "SELECT node, COUNT(*) FROM (SELECT DISTINCT row_id, node FROM ("
        + " UNION ALL ".join(levels)
        + ") pairs) distinct_pairs GROUP BY node"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def _fetch(connection, sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _find_text(filterset, name):
    data = filterset.data
    raw = data.get(f"{name}{FIND_SUFFIX}", "") if hasattr(data, "get") else ""
    return " ".join(str(raw).split())[:100]


def _matches(text, terms):
    folded = normalise(text)
    return all(term in folded for term in terms)


def tree_facet(filterset, queryset, name, relation, nodes, counts=None):
    """The options of a tree facet; ``counts`` (node pk -> rows) when already counted."""
    if counts is None:
        counts = tree_counts(queryset, relation, nodes)
    selected = _selected(filterset, name)
    ordered = [
        (node, depth)
        for node, depth in _tree_order(nodes)
        if counts.get(node.pk) or node.slug in selected
    ]
    find = _find_text(filterset, name)
    keep = None
    total = sum(1 for node, _depth in ordered if counts.get(node.pk))
    if find:
        terms = normalise(find).split()
        matching = {
            node.pk for node, _depth in ordered if _matches(f"{node.name_zh} {node.name_en}", terms)
        }
        total = len(matching)  # the nodes above them are shown too, but do not match
        keep = matching | {node.pk for node, _depth in ordered if node.slug in selected}
    elif len(ordered) > FACET_LIMIT:
        best = sorted(ordered, key=lambda pair: -counts.get(pair[0].pk, 0))[:FACET_LIMIT]
        keep = {node.pk for node, _depth in best} | {
            node.pk for node, _depth in ordered if node.slug in selected
        }
    if keep is not None:
        # The nodes above each option shown, so that it is read in its place in the tree.
        parent = {node.pk: node.parent_id for node in nodes}
        for pk in list(keep):
            current = parent.get(pk)
            while current is not None and current not in keep:
                keep.add(current)
                current = parent.get(current)
    options = [
        Option(
            value=node.slug,
            label=node.name_en,
            label_zh=node.name_zh,
            count=counts.get(node.pk, 0),
            selected=node.slug in selected,
            depth=depth,
        )
        for node, depth in ordered
        if keep is None or node.pk in keep
    ]
    return options, total, find


def _link_table(model, relation):
    """(link model, its field naming the row, its field naming the organisation)."""
    if relation == "roles__company":
        return models.CaseCompany, "case", "company"
    model_field = model._meta.get_field(relation)
    return (
        model_field.remote_field.through,
        model_field.m2m_field_name(),
        model_field.m2m_reverse_field_name(),
    )


def related_facet(filterset, queryset, name, relation, counts=None):
    """Organisations linked to the rows (a case's organisations, a policy's issuers): only those
    the visitor may see, as the filter itself accepts only those. One query counts the link rows
    per organisation and returns the selected ones and the best-counted, with how many there are
    in all; the facet's own search narrows them to those whose names match.

    A list no other filter narrows counts all the link rows, less those of the drafts, grouped
    over the organisation's index (then a second query names the best): looking each link's row
    up among tens of thousands took three times as long.

    ``counts`` (organisation pk -> rows, the organisations the visitor may see) when already
    counted: only the best are then named, in one query."""
    link, row, target = _link_table(queryset.model, relation)
    links = link._base_manager.all()
    if not filterset.shows_drafts:
        published = models.Company._base_manager.filter(published=True).values("pk")
        links = links.filter(**{f"{target}__in": published})
    find = _find_text(filterset, name)
    for term in normalise(find).split():
        links = links.filter(**{f"{target}__search_text__contains": term})
    chosen = filterset.chosen_rows(name)
    selected = _selected(filterset, name)
    chosen_pks = [row.pk for row in chosen.values()]
    unfiltered = None if counts is not None else _unfiltered(queryset)
    if counts is not None:
        rows = _best_related(counts, chosen_pks, queryset.db)
    elif unfiltered is not None:
        rows = _related_counts_of_all(links, row, target, unfiltered)
        rows = _best_related(rows, chosen_pks, queryset.db)
    else:
        ids = getattr(queryset, "row_ids", None)
        rows = (
            queryset.order_by().values("pk") if ids is None else ids_in(ids, connections[links.db])
        )
        links = links.filter(**{f"{row}__in": rows})
        rows = _best_related_counted(connections[queryset.db], links, row, target, chosen_pks)
    total = rows[0][-1] if rows else 0
    options = [
        Option(value=slug, label=name_en, label_zh=name_zh, count=count, selected=slug in selected)
        for _pk, slug, name_en, name_zh, count, _total in rows
    ]
    # A chosen organisation that no row matches any more keeps its name; a value that names no
    # organisation (refused by the form) stays ticked, so that it can be removed.
    known = {option.value for option in options}
    for slug in sorted(selected - known):
        row_ = chosen.get(slug)
        label, label_zh = (row_.name_en, row_.name_zh) if row_ else (slug, "")
        options.append(Option(value=slug, label=label, label_zh=label_zh, count=0, selected=True))
    options.sort(key=lambda option: (-option.count, option.label.casefold()))
    return options, total, find


def _unfiltered(queryset):
    """None when ``queryset`` is narrowed by a filter; else the rows it leaves out of all the
    rows of its table (none, or the drafts), as a queryset, or False when it leaves out none."""
    ids = _ids_sql(queryset)
    base = queryset.model._base_manager.using(queryset.db)
    if ids == _ids_sql(base):
        return False
    if ids == _ids_sql(base.filter(published=True)):
        return base.filter(published=False)
    return None


def _related_counts_of_all(links, row, target, left_out):
    """organisation pk -> its rows, counted over all the link rows less those of the rows
    ``left_out`` (False: none): one query, grouped by organisation over its index.

    The left-out rows' links are counted without the conditions on the organisation (visible,
    matching the facet's search): only the organisations counted in the first part are kept, and
    without those conditions SQLite starts from the few left-out rows instead of from every
    organisation."""
    parts = [links.order_by().values(org=F(target)).annotate(n=Count("*"))]
    if left_out is not False:
        parts.append(
            links.model._base_manager.filter(**{f"{row}__in": left_out.order_by().values("pk")})
            .order_by()
            .values(org=F(target))
            .annotate(n=-Count("*"))
        )
    sqls, params = [], []
    for part in parts:
        sql, part_params = part.query.sql_with_params()
        sqls.append(sql)
        params.extend(part_params)
    counts, less = {}, defaultdict(int)
    for org, n in _fetch(connections[links.db], " UNION ALL ".join(sqls), params):
        if n > 0:
            counts[org] = n
        else:
            less[org] += n
    counts = {org: n + less[org] for org, n in counts.items()}
    return {org: n for org, n in counts.items() if n > 0}


def _best_related(counts, chosen_pks, using):
    """The rows ``related_facet`` shows, from the counts: (pk, slug, names, count, total) of the
    chosen organisations and the best-counted, as ``_best_related_counted`` gives them."""
    chosen = set(chosen_pks)
    best = sorted(counts, key=lambda org: (org not in chosen, -counts[org], org))
    best = best[: FACET_LIMIT + len(chosen_pks)]
    names = models.Company._base_manager.using(using).filter(pk__in=best)
    return [
        (pk, slug, name_en, name_zh, counts[pk], len(counts))
        for pk, slug, name_en, name_zh in names.values_list("pk", "slug", "name_en", "name_zh")
    ]


def _best_related_counted(connection, links, row, target, chosen_pks):
    """(pk, slug, names, count, total) of the chosen organisations and the best-counted among
    ``links``: one query."""
    # The link rows grouped by organisation alone, best first (the selected ones before all),
    # then joined to the organisations for their names: grouping by the names too, or joining
    # before grouping, is many times slower on SQLite.
    grouped = (
        links.order_by()
        .values(org=F(target))
        .annotate(
            n=Count(row, distinct=True),
            total=Window(Count("*")),
            first=Case(When(**{f"{target}__in": chosen_pks}, then=0), default=1),
        )
        .order_by("first", "-n", "org")[: FACET_LIMIT + len(chosen_pks)]
    )
    grouped_sql, params = grouped.query.sql_with_params()
    company_table = connection.ops.quote_name(models.Company._meta.db_table)
    best = _fetch(
        connection,
        f"SELECT c.id, c.slug, c.name_en, c.name_zh, g.n, g.total FROM ({grouped_sql}) g "
        f"JOIN {company_table} c ON c.id = g.org",
        params,
    )
    return list(best)


def choice_options(filterset, name, choices, counts):
    """The options of a facet with a fixed list of ``choices``: those with matches, and the
    selected ones whatever their count."""
    selected = _selected(filterset, name)
    return [
        Option(
            value=value,
            label=str(label),
            label_zh=label_zh,
            count=counts.get(value, 0),
            selected=value in selected,
        )
        for value, label, label_zh in (_with_chinese(choice) for choice in choices)
        if counts.get(value, 0) or value in selected
    ]


def _with_chinese(choice):
    """(value, label, Chinese label) of a choice given as (value, label) or with its Chinese."""
    return (*choice, "") if len(choice) == 2 else tuple(choice)


class Counted:
    """A facet whose options are counted by conditional counts over the rows (``COUNT(*) FILTER
    (WHERE …)``): the facets that share the same rows are counted together, in one query."""

    multiple = True

    def conditions(self, filterset, queryset, name):
        """option value -> the condition a row meets to count for it."""
        raise NotImplementedError

    def choices(self, filterset, name):
        return filterset.filters[name].extra["choices"]

    def counts(self, filterset, name, totals):
        """option value -> count, from the conditional counts (same keys as ``conditions``)."""
        return totals

    def options(self, filterset, queryset, name, trees, totals=None):
        """The options; ``totals`` (the conditional counts) when already counted."""
        if totals is None:
            conditions = self.conditions(filterset, queryset, name)
            totals = count_together(queryset, [conditions])[0]
        return choice_options(
            filterset, name, self.choices(filterset, name), self.counts(filterset, name, totals)
        )

    def indexed(self, filterset, name, using):
        """For the facet index: each condition's rows, among all the rows of the table (None for
        a condition every row meets)."""
        base = filterset._meta.model._base_manager.using(using)
        return {
            key: facet_index.id_bitmap(base.filter(condition)) if condition else None
            for key, condition in self.conditions(filterset, base, name).items()
        }

    def indexed_rows(self, entry, values, index):
        """The rows the filter keeps for ``values`` (any of them), from the index's ``entry``."""
        return union(entry, (str(value) for value in values))

    def indexed_counts(self, entry, rows, filterset, name):
        """The conditional counts over ``rows`` (a BitMap), from the facet index's ``entry``."""
        return {
            key: len(rows) if bitmap is None else bitmap.intersection_cardinality(rows)
            for key, bitmap in entry.items()
        }


def count_together(queryset, condition_sets):
    """For each dict of (key -> condition), the rows of ``queryset`` meeting each: one query."""
    aggregates, keys = {}, []
    for conditions in condition_sets:
        names = {}
        for key, condition in conditions.items():
            alias = f"n{len(aggregates)}"
            aggregates[alias] = Count("pk", filter=condition)
            names[key] = alias
        keys.append(names)
    totals = queryset.aggregate(**aggregates) if aggregates else {}
    return [{key: totals[alias] for key, alias in names.items()} for names in keys]


@dataclass(frozen=True)
class Choices(Counted):
    """A facet of a choice field: the rows counted per value."""

    def conditions(self, filterset, queryset, name):
        field_name = filterset.filters[name].field_name
        return {value: Q(**{field_name: value}) for value, _label in self.choices(filterset, name)}

    def indexed(self, filterset, name, using):
        """For the facet index: each value's rows, grouped in one query."""
        field_name = filterset.filters[name].field_name
        base = filterset._meta.model._base_manager.using(using)
        grouped = facet_index.grouped_bitmaps(base.values_list(field_name, "pk"))
        return {str(value): bitmap for value, bitmap in grouped.items()}


@dataclass(frozen=True)
class Flags(Counted):
    """A facet of several boolean fields, one per option (``fields`` maps option -> field)."""

    fields: dict
    choices_: list

    def choices(self, filterset, name):
        return self.choices_

    def conditions(self, filterset, queryset, name):
        return {value: Q(**{self.fields[value]: True}) for value, _label in self.choices_}

    def indexed(self, filterset, name, using):
        """For the facet index: each option's rows, read in one query (the rows of each flag,
        one after the other)."""
        base = filterset._meta.model._base_manager.using(using)
        parts = [
            base.filter(**{self.fields[value]: True}).order_by().values_list(Value(value), "pk")
            for value, _label in self.choices_
        ]
        grouped = facet_index.grouped_bitmaps(parts[0].union(*parts[1:], all=True))
        return {value: grouped.get(value, BitMap()) for value, _label in self.choices_}


@dataclass(frozen=True)
class YesNo(Counted):
    """A yes/no facet: the filter's own method tells the rows of "yes" apart, or ``yes`` (a
    function returning the condition on a row, the same rows): then each row is tested once,
    instead of being looked up among all the rows the filter's method gives."""

    yes: object = None
    multiple = False

    def conditions(self, filterset, queryset, name):
        if self.yes is not None:
            return {"yes": self.yes(), "all": Q()}
        apply = filterset.filters[name].method
        method = getattr(filterset, apply) if isinstance(apply, str) else apply
        yes = method(queryset, name, "yes")
        return {"yes": Q(pk__in=yes.values("pk")), "all": Q()}

    def counts(self, filterset, name, totals):
        return {"yes": totals["yes"], "no": totals["all"] - totals["yes"]}

    def indexed_rows(self, entry, values, index):
        if values == "yes":
            return entry["yes"]
        if values == "no":
            return index.all - entry["yes"]
        return index.all


@dataclass(frozen=True)
class Linked:
    """A facet of the few records of ``model`` (the themes) that link to the rows through their
    many-to-many field ``relation``: one option per record the visitor may see, in the records'
    order. Counted by grouping the link rows (a few dozen), each tested against the rows by its
    key: a conditional count per record tested every one of 50,000 rows once per record."""

    model: type
    relation: str
    multiple = True

    def options(self, filterset, queryset, name, trees, counts=None):
        records = self.model.objects.visible_to(getattr(filterset.request, "user", None))
        if counts is not None:  # record pk -> its rows, counted over the facet index
            found = records.values_list("pk", "slug", "title_en", "title_zh")
            choices = [(slug, title_en, title_zh) for _pk, slug, title_en, title_zh in found]
            by_slug = {slug: counts.get(pk, 0) for pk, slug, _title_en, _title_zh in found}
            return choice_options(filterset, name, choices, by_slug)
        model_field = self.model._meta.get_field(self.relation)
        links = model_field.remote_field.through._base_manager.using(queryset.db)
        own, row = model_field.m2m_field_name(), model_field.m2m_reverse_field_name()
        # One query: each visible record with the number of its links to the rows.
        counted = (
            links.filter(
                Exists(queryset.order_by().filter(pk=OuterRef(row))), **{own: OuterRef("pk")}
            )
            .order_by()
            .values(own)
            .annotate(n=Count("*"))
            .values("n")
        )
        records = records.annotate(n=Coalesce(Subquery(counted), 0))
        found = list(records.values_list("slug", "title_en", "title_zh", "n"))
        counts = {slug: n for slug, _title_en, _title_zh, n in found}
        choices = [(slug, title_en, title_zh) for slug, title_en, title_zh, _n in found]
        return choice_options(filterset, name, choices, counts)

    def indexed(self, filterset, name, using):
        """For the facet index: record pk -> the rows it links to."""
        model_field = self.model._meta.get_field(self.relation)
        links = model_field.remote_field.through._base_manager.using(using)
        own, row = model_field.m2m_field_name(), model_field.m2m_reverse_field_name()
        return facet_index.grouped_bitmaps(links.values_list(own, row))

    def indexed_counts(self, entry, rows, filterset, name):
        return overlaps(entry, rows)

    def indexed_rows(self, entry, values, index):
        """The rows linked to any of the records ``values`` (for a tree: or below them)."""
        return union(entry, (record.pk for record in values))


@dataclass(frozen=True)
class Tree:
    """A facet of the sector or region tree (``tree``), rows linked through ``relation``."""

    relation: str
    tree: str
    multiple = True

    def options(self, filterset, queryset, name, trees, counts=None):
        nodes = getattr(trees, self.tree)
        return tree_facet(filterset, queryset, name, self.relation, nodes, counts)

    def indexed(self, filterset, name, using):
        """For the facet index: node pk -> the rows linked to it or to a node below it, from the
        stored tree pairs (None when the link has none)."""
        code = tree_index.relation_code(filterset._meta.model, self.relation)
        if code is None:
            return None
        pairs = TreeMembership.rows.using(using).filter(relation=code)
        return facet_index.grouped_bitmaps(pairs.values_list("node", "member"))

    def indexed_counts(self, entry, rows, filterset, name):
        return overlaps(entry, rows)

    def indexed_rows(self, entry, values, index):
        """The rows linked to any of the records ``values`` (for a tree: or below them)."""
        return union(entry, (record.pk for record in values))


@dataclass(frozen=True)
class Related:
    """A facet of organisations linked to the rows through ``relation``: the best-counted shown,
    the others found through the facet's own search."""

    relation: str
    multiple = True

    def options(self, filterset, queryset, name, trees, counts=None):
        return related_facet(filterset, queryset, name, self.relation, counts)

    def indexed(self, filterset, name, using):
        """For the facet index: organisation pk -> its rows, and the published organisations."""
        link, row, target = _link_table(filterset._meta.model, self.relation)
        pairs = link._base_manager.using(using).values_list(target, row)
        published = models.Company._base_manager.using(using).filter(published=True)
        return {
            "rows": facet_index.grouped_bitmaps(pairs),
            "published": facet_index.id_bitmap(published),
        }

    def indexed_rows(self, entry, values, index):
        """The rows linked to any of the organisations ``values``."""
        return union(entry["rows"], (organisation.pk for organisation in values))

    def indexed_counts(self, entry, rows, filterset, name):
        """organisation pk -> rows, for the organisations the visitor may see; None when the
        facet's own search narrows the organisations (counted in the database)."""
        if _find_text(filterset, name):
            return None
        counts = overlaps(entry["rows"], rows)
        if not filterset.shows_drafts:
            published = entry["published"]
            counts = {org: count for org, count in counts.items() if org in published}
        return counts


def overlaps(bitmaps, rows):
    """key -> how many of ``rows`` (a BitMap) each of ``bitmaps`` holds, for those holding any."""
    counts = {}
    for key, bitmap in bitmaps.items():
        if count := bitmap.intersection_cardinality(rows):
            counts[key] = count
    return counts


def union(bitmaps, keys):
    """The rows in any of ``bitmaps``' sets named by ``keys``."""
    return BitMap().union(*(bitmaps.get(key) or BitMap() for key in keys))


def faceted(filter_, kind):
    """``filter_`` shown on its list page as a facet of ``kind``, with a count per option."""
    filter_.facet = kind
    return filter_


def _active(filterset):
    """The names of the filters given a value (the others narrow nothing)."""
    data = getattr(filterset.form, "cleaned_data", {})
    # No organisation, sector… chosen is an empty queryset (none()), which narrows nothing.
    return {
        name
        for name, value in data.items()
        if value not in (None, "", [], ()) and not isinstance(value, EmptyQuerySet)
    }


def build_facets(filterset, base_queryset, trees, row_sets=None):
    """The facets of ``filterset`` in its declared order, each counted without its own filter.

    Facets whose own filter is not in use count the same rows (all the filters in use): those
    counted by conditional counts are counted together, in one query. Each set of rows is read
    once (``row_sets``, shared with the list's own count when given).
    """
    row_sets = RowSets() if row_sets is None else row_sets
    active = _active(filterset)
    sets = indexed_sets(filterset, base_queryset, row_sets) if filterset.is_valid() else None
    facets, shared = {}, []
    for name, filter_ in filterset.filters.items():
        kind = getattr(filter_, "facet", None)
        if kind is None:
            continue
        facet = Facet(name=name, legend=str(filter_.label), multiple=kind.multiple)
        facets[name] = facet
        if sets is not None and name in sets.index.entries:
            # Counted over the facet index: the same rows, as bitmaps.
            rows = sets.rows_without(name if name in active else None)
            counts = kind.indexed_counts(sets.index.entries[name], rows, filterset, name)
            if counts is not None:
                _fill(facet, kind.options(filterset, base_queryset, name, trees, counts))
                continue
        if isinstance(kind, Counted) and name not in active:
            shared.append((name, kind))
            continue
        if name in active:
            # Rows only this facet counts: its query applies the other filters itself (reading
            # their ids first would be one more query, and no faster).
            rows = filterset.filter_without(base_queryset, {name})
        else:
            rows = row_sets.narrowed(filterset.filter_without(base_queryset, set()))
        _fill(facet, kind.options(filterset, rows, name, trees))
    if shared:
        rows = row_sets.narrowed(filterset.filter_without(base_queryset, set()))
        condition_sets = [kind.conditions(filterset, rows, name) for name, kind in shared]
        for (name, kind), totals in zip(shared, count_together(rows, condition_sets), strict=True):
            counts = kind.counts(filterset, name, totals)
            _fill(
                facets[name], choice_options(filterset, name, kind.choices(filterset, name), counts)
            )
    return list(facets.values())


def _fill(facet, options):
    if isinstance(options, tuple):  # a facet that may hold more options than it shows
        options, facet.total, facet.find = options
        facet.findable = facet.total > FACET_LIMIT or bool(facet.find)
    else:
        facet.total = sum(1 for option in options if option.count)
    facet.options = options
