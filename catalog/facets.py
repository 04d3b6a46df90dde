"""Facet counts: for each option of a facet, how many rows match it given the other active filters.

Each facet costs one query whatever the number of rows: the rows that pass every other filter are
counted per option in the database (choices, flags, yes/no) or as (row, option) pairs rolled up a
tree in Python (sectors, regions), so that a parent option counts the rows of its children too.
Options with no match are hidden unless the visitor selected them.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, IntegerField, Q, Value

from . import models
from .models import CHANGE_FIELDS, LEVER_FIELDS


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


def rows_per_node(pairs, nodes):
    """node pk -> the set of row pks linked to the node or to any node below it, from
    (row pk, node pk) pairs: a parent counts its children's rows, each row once."""
    chains = _ancestors(nodes)
    rows = defaultdict(set)
    for row_pk, node_pk in pairs:
        for ancestor in chains.get(node_pk, ()):
            rows[ancestor].add(row_pk)
    return rows


def tree_facet(filterset, queryset, name, relation, nodes):
    rows = rows_per_node(queryset.values_list("pk", relation), nodes)
    selected = _selected(filterset, name)
    options = []
    for node, depth in _tree_order(nodes):
        count = len(rows.get(node.pk, ()))
        if count or node.slug in selected:
            options.append(
                Option(
                    value=node.slug,
                    label=node.name_en,
                    label_zh=node.name_zh,
                    count=count,
                    selected=node.slug in selected,
                    depth=depth,
                )
            )
    return options


def related_facet(filterset, queryset, name, relation):
    """Organisations linked to the rows (a case's organisations, a policy's issuers): only those
    the visitor may see, as the filter itself accepts only those."""
    if not filterset.shows_drafts:
        queryset = queryset.filter(**{f"{relation}__published": True})
    rows = queryset.values_list(
        "pk", f"{relation}__slug", f"{relation}__name_en", f"{relation}__name_zh"
    )
    counts, labels = defaultdict(set), {}
    for row_pk, slug, name_en, name_zh in rows:
        if slug is None:
            continue
        counts[slug].add(row_pk)
        labels[slug] = (name_en, name_zh)
    # A chosen organisation that no row matches any more keeps its name.
    for slug, row in filterset.chosen_rows(name).items():
        labels.setdefault(slug, (row.name_en, row.name_zh))
    selected = _selected(filterset, name)
    options = [
        Option(
            value=slug,
            label=labels[slug][0],
            label_zh=labels[slug][1],
            count=len(counts.get(slug, ())),
            selected=slug in selected,
        )
        for slug in {*counts, *(selected & set(labels))}
    ]
    # A value that names no organisation (refused by the form) stays ticked, so it can be removed.
    for slug in sorted(selected - set(labels)):
        options.append(Option(value=slug, label=slug, count=0, selected=True))
    options.sort(key=lambda option: (-option.count, option.label.casefold()))
    return options


def choice_facet(filterset, queryset, name, field_name, choices):
    counts = dict(queryset.values_list(field_name).annotate(n=Count("pk")).order_by())
    selected = _selected(filterset, name)
    return [
        Option(
            value=value, label=str(label), count=counts.get(value, 0), selected=value in selected
        )
        for value, label in choices
        if counts.get(value, 0) or value in selected
    ]


def flag_facet(filterset, queryset, name, fields, choices):
    totals = queryset.aggregate(
        **{value: Count("pk", filter=Q(**{fields[value]: True})) for value, _label in choices}
    )
    selected = _selected(filterset, name)
    return [
        Option(value=value, label=str(label), count=totals[value], selected=value in selected)
        for value, label in choices
        if totals[value] or value in selected
    ]


def yes_no_facet(filterset, queryset, name):
    apply = filterset.filters[name].method
    method = getattr(filterset, apply) if isinstance(apply, str) else apply
    yes = method(queryset, name, "yes")
    totals = queryset.aggregate(
        total=Count("pk"), yes=Count("pk", filter=Q(pk__in=yes.values("pk")))
    )
    counts = {"yes": totals["yes"], "no": totals["total"] - totals["yes"]}
    selected = _selected(filterset, name)
    return [
        Option(value=value, label=str(label), count=counts[value], selected=value in selected)
        for value, label in filterset.filters[name].extra["choices"]
        if counts[value] or value in selected
    ]


def build_facets(filterset, base_queryset, trees):
    """The facets of ``filterset`` in its declared order, each counted without its own filter."""
    facets = []
    for name in filterset.facets:
        queryset = filterset.filter_without(base_queryset, {name})
        options = _options(filterset, queryset, name, trees)
        legend = str(filterset.filters[name].label)
        multiple = name not in YES_NO_FACETS
        facets.append(Facet(name=name, legend=legend, options=options, multiple=multiple))
    return facets


YES_NO_FACETS = {"funding", "metrics", "pseudonym"}


def _options(filterset, queryset, name, trees):
    model = filterset._meta.model
    if name in YES_NO_FACETS:
        return yes_no_facet(filterset, queryset, name)
    if name == "sector":
        return tree_facet(filterset, queryset, name, "sectors", trees.sectors)
    if name == "region":
        relation = "region" if model is models.Company else "regions"
        return tree_facet(filterset, queryset, name, relation, trees.regions)
    if name == "company":
        return related_facet(filterset, queryset, name, "roles__company")
    if name == "issuer":
        return related_facet(filterset, queryset, name, "issuers")
    if name == "lever":
        return flag_facet(filterset, queryset, name, LEVER_FIELDS, models.Lever.choices)
    if name == "change":
        return flag_facet(filterset, queryset, name, CHANGE_FIELDS, models.ChangeKind.choices)
    filter_ = filterset.filters[name]
    return choice_facet(filterset, queryset, name, filter_.field_name, filter_.extra["choices"])
