"""List pages: a catalogue query (catalog.query) narrows the model's ``for_list()`` queryset with
its FilterSet and counts the facets' options.

The parameter's way through: URL → view → CatalogueQuery (FilterSet) → queryset → template.
"""

from dataclasses import dataclass

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from .. import facet_index, filters, models, tile_map
from ..facets import tree_counts
from ..query import CatalogueQuery, PageNotFound
from ..search import MAX_QUERY_LENGTH, NO_TERMS_MESSAGE, UNSEARCHABLE_MESSAGE, parse_query
from .exports import export_links


def clean_query_redirect(request):
    """A redirect to the same URL without empty parameters or repeated values, or None when the
    URL is already clean: the address a visitor copies is the page's one permalink."""
    query = request.GET
    cleaned = query.copy()
    for key in list(cleaned):
        values = list(dict.fromkeys(v for v in cleaned.getlist(key) if v.strip() != ""))
        if values:
            cleaned.setlist(key, values)
        else:
            del cleaned[key]
    if cleaned == query:
        return None
    encoded = cleaned.urlencode()
    return HttpResponseRedirect(request.path + (f"?{encoded}" if encoded else ""))


class FacetedListView(TemplateView):
    """A list page: its catalogue query (catalog.query) rendered with facet counts, removable
    filter chips, whitelisted sorting and paging."""

    filterset_class = None
    # The name of the list's downloads (catalog.views.exports): ``<export_name>.csv`` etc.
    export_name = ""
    # The parameter of /compare/ that names this list's records ("" when they are not compared).
    compare_parameter = ""
    section = ""
    record_template = ""
    empty_message = ""

    def get(self, request, *args, **kwargs):
        redirect = clean_query_redirect(request)
        if redirect:
            return redirect
        self.query = CatalogueQuery(self.filterset_class, request.GET, request.user, request)
        # The page's links, hidden fields and chips are made from the query the list answers
        # (without an order it does not offer).
        request.GET = self.query.data
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        query = self.query
        # The filters need fixing first, whatever page was asked for.
        paginator, page, page_error = None, None, ""
        if query.valid:
            try:
                paginator, page, page_error = query.page(query.data.get("page"))
            except PageNotFound as exc:
                raise Http404(str(exc)) from exc
        context = super().get_context_data(**kwargs)
        context.update(
            query=query,
            filter=query.filterset,
            paginator=paginator,
            page_obj=page,
            is_paginated=bool(page and page.has_other_pages()),
            object_list=page.object_list if page else [],
            page_links=(
                paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
                if page
                else []
            ),
            facets=query.facets,
            chips=query.chips(),
            filters_valid=query.valid,
            page_error=page_error,
            result_count=query.count,
            sort_options=query.sort_options,
            current_sort=query.sort,
            unknown_sort=query.unknown_sort,
            section=self.section,
            record_template=self.record_template,
            empty_message=self.empty_message,
            crumbs=[{"label": self.section, "url": None}],
            search_text=parse_query(query.data.get("q", "")).text,
            max_query_length=MAX_QUERY_LENGTH,
            range_fields=query.range_fields,
            downloads=export_links(f"catalog:{self.export_name}_export", query.data),
            compare_parameter=self.compare_parameter,
        )
        return context


class CompanyListView(FacetedListView):
    export_name = "companies"
    compare_parameter = "companies"
    filterset_class = filters.CompanyFilter
    template_name = "catalog/company_list.html"
    section = gettext_lazy("Organisations")
    record_template = "catalog/partials/company_item.html"
    empty_message = gettext_lazy("No organisations match these filters.")


class CaseListView(FacetedListView):
    export_name = "cases"
    compare_parameter = "cases"
    filterset_class = filters.CaseFilter
    template_name = "catalog/case_list.html"
    section = gettext_lazy("Cases")
    record_template = "catalog/partials/case_item.html"
    empty_message = gettext_lazy("No cases match these filters.")


class PolicyListView(FacetedListView):
    export_name = "policies"
    filterset_class = filters.PolicyFilter
    template_name = "catalog/policy_list.html"
    section = gettext_lazy("Policies")
    record_template = "catalog/partials/policy_item.html"
    empty_message = gettext_lazy("No policies match these filters.")


class PersonListView(FacetedListView):
    export_name = "people"
    filterset_class = filters.PersonFilter
    template_name = "catalog/person_list.html"
    section = gettext_lazy("People")
    record_template = "catalog/partials/person_item.html"
    empty_message = gettext_lazy("No people match these filters.")


@dataclass(frozen=True)
class TreePage:
    """A tree page: its nodes' model and order, how organisations and cases link to a node, and
    how the top-level nodes are grouped."""

    model: type
    ordering: tuple
    company_relation: str
    case_relation: str
    template: str
    group_by: str
    choices: list
    label: str
    # The list pages' filter (and facet) of this tree.
    facet: str


SECTORS = TreePage(
    models.Sector,
    ("sort_order", "name_en"),
    "sectors",
    "sectors",
    "catalog/sector_list.html",
    "kind",
    models.SectorKind.choices,
    gettext_lazy("Sectors"),
    "sector",
)
REGIONS = TreePage(
    models.Region,
    ("name_en",),
    "region",
    "regions",
    "catalog/region_list.html",
    "level",
    models.RegionLevel.choices,
    gettext_lazy("Regions"),
    "region",
)


def sector_list(request):
    """The sector tree: each track with its sub-sectors, and how many organisations and cases."""
    return _tree_page(request, SECTORS)


def region_list(request):
    """The region tree: provinces with their cities and counties, and how much each holds, with
    a small tile map of the provinces (catalog.tile_map)."""

    def with_map(nodes):
        tiles, _others, width, height = tile_map.build(request.user, counted=nodes)
        return {
            "map": {"tiles": tiles, "width": width, "height": height, "tile_size": tile_map.TILE}
        }

    return _tree_page(request, REGIONS, extra=with_map)


def _tree_page(request, tree, extra=None):
    """A tree page: each top-level node with the nodes below it and how many organisations and
    cases each holds, children included, as the filtered lists count them (three queries).

    A ``q`` narrows the tree to the nodes whose names match, with the nodes above them for
    context.
    """
    nodes = list(tree.model.objects.order_by(*tree.ordering))
    companies = models.Company.objects.visible_to(request.user)
    cases = models.Case.objects.visible_to(request.user)
    for attribute, rows, relation, listed in (
        ("company_count", companies, tree.company_relation, filters.CompanyFilter),
        ("case_count", cases, tree.case_relation, filters.CaseFilter),
    ):
        # Over the facet index when there is one: the counts the unfiltered list shows.
        counts = facet_index.option_counts(listed, tree.facet, request.user)
        if counts is None:
            counts = tree_counts(rows, relation, nodes)
        for node in nodes:
            setattr(node, attribute, counts.get(node.pk, 0))
    counted = list(nodes)
    query = parse_query(request.GET.get("q", ""))
    error = ""
    if query.unsearchable:
        error = UNSEARCHABLE_MESSAGE
    elif query.text and not query.terms:
        error = NO_TERMS_MESSAGE
    elif query.terms:
        nodes = _matching_with_ancestors(nodes, query.terms)
    groups = [] if error else _tree_groups(nodes, group_by=tree.group_by, choices=tree.choices)
    return render(
        request,
        tree.template,
        {
            "groups": groups,
            "query": query,
            "query_error": error,
            "matches": sum(1 for node in nodes if getattr(node, "matches", False)),
            "max_length": MAX_QUERY_LENGTH,
            "crumbs": [{"label": tree.label, "url": None}],
            # More for the page, from the counted nodes (no query of its own).
            **(extra(counted) if extra else {}),
        },
    )


def _matching_with_ancestors(nodes, terms):
    """The nodes whose search text holds every term (marked ``matches``) and their ancestors."""
    by_pk = {node.pk: node for node in nodes}
    keep = set()
    for node in nodes:
        if all(term in node.search_text for term in terms):
            node.matches = True
            current = node
            while current is not None and current.pk not in keep:
                keep.add(current.pk)
                current = by_pk.get(current.parent_id)
    return [node for node in nodes if node.pk in keep]


def _tree_groups(nodes, group_by, choices):
    """Top-level nodes grouped by a choice field, each with its children nested below it."""
    children = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    for node in nodes:
        node.child_nodes = children.get(node.pk, [])
    groups = []
    for value, label in choices:
        roots = [node for node in children.get(None, []) if getattr(node, group_by) == value]
        if roots:
            groups.append({"label": label, "value": value, "nodes": roots})
    return groups
