"""List pages: a FilterSet narrows the model's ``for_list()`` queryset; facets count the options.

The parameter's way through: URL → view → FilterSet → queryset → template.
"""

from dataclasses import dataclass

from django.core.paginator import InvalidPage
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.views import FilterView

from .. import filters, models
from ..facets import Trees, build_facets, tree_counts
from ..search import MAX_QUERY_LENGTH, NO_TERMS_MESSAGE, UNSEARCHABLE_MESSAGE, parse_query

PER_PAGE = 20


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


class FacetedListView(FilterView):
    """A list page with facet counts, removable filter chips, whitelisted sorting and paging."""

    paginate_by = PER_PAGE
    section = ""
    record_template = ""
    empty_message = ""

    def base_queryset(self):
        model = self.filterset_class._meta.model
        return model.objects.visible_to(self.request.user).for_list()

    def get(self, request, *args, **kwargs):
        redirect = clean_query_redirect(request)
        if redirect:
            return redirect
        # An order the list does not offer is ignored (and the page says so); every link, hidden
        # field and chip of the page is then made from the query without it.
        request.GET, self.unknown_sort = self.filterset_class.without_unknown_sort(request.GET)
        self.trees = Trees.load()
        self.base = self.base_queryset()
        self.filterset = self.filterset_class(
            request.GET,
            queryset=self.base,
            request=request,
            known={
                "sector": Trees.by_slug(self.trees.sectors),
                "region": Trees.by_slug(self.trees.regions),
            },
        )
        self.filters_valid = self.filterset.is_valid()
        self.object_list = self.filterset.qs if self.filters_valid else self.base.none()
        self.page_error = ""
        context = self.get_context_data(filter=self.filterset, object_list=self.object_list)
        return self.render_to_response(context)

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        if not self.filters_valid:
            # The filters need fixing first, whatever page was asked for.
            return paginator, None, [], False
        raw = self.request.GET.get("page", "1")
        if len(raw) > 9 and raw.isascii() and raw.isdigit():
            # Past any last page, and too long to read as a number.
            raise Http404(_("There is no page %(page)s of this list.") % {"page": raw[:20]})
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            self.page_error = _("“%(page)s” is not a page number. Pages are numbered from 1.") % {
                "page": raw[:20]
            }
            return paginator, None, [], False
        try:
            page = paginator.page(int(raw))
        except InvalidPage as exc:
            raise Http404(_("There is no page %(page)s of this list.") % {"page": raw}) from exc
        # A deep page: the offset is walked over the row ids alone (a subquery), and only the
        # page's rows are read whole, with their annotations.
        page.object_list = queryset.filter(pk__in=page.object_list.values("pk"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context.get("page_obj")
        context.update(
            page_links=(
                page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
                if page
                else []
            ),
            # Counted over the plain rows: the list's annotations (figures per row) would be
            # computed for every row of every count.
            facets=build_facets(
                self.filterset, self.base.model.objects.visible_to(self.request.user), self.trees
            ),
            chips=self.chips(),
            filters_valid=self.filters_valid,
            page_error=self.page_error,
            result_count=context["paginator"].count if context.get("paginator") else 0,
            sort_options=self.filterset.filters["sort"].extra["choices"],
            current_sort=self.filterset.sort,
            unknown_sort=self.unknown_sort,
            section=self.section,
            record_template=self.record_template,
            empty_message=self.empty_message,
            crumbs=[{"label": self.section, "url": None}],
            search_text=parse_query(self.request.GET.get("q", "")).text,
            max_query_length=MAX_QUERY_LENGTH,
            range_fields=[
                {
                    "legend": self.range_legend(key),
                    "low": self.filterset.form[low],
                    "high": self.filterset.form[high],
                    "halves": [self.filterset.form[low], self.filterset.form[high]],
                }
                for key, (low, high) in self.filterset.ranges.items()
            ],
        )
        return context

    def chips(self):
        """One removable chip per active filter value; a range's two ends make one chip."""
        query = self.request.GET
        labels = self.value_labels()
        range_of = {half: key for key, halves in self.filterset.ranges.items() for half in halves}
        chips, seen_ranges = [], set()
        for name in self.filterset.filters:
            if name == "sort" or name not in query:
                continue
            if name in range_of:
                key = range_of[name]
                if key in seen_ranges:
                    continue
                seen_ranges.add(key)
                low, high = self.filterset.ranges[key]
                chips.append(
                    {
                        "legend": self.range_legend(key),
                        "label": f"{query.get(low, '…')[:20]}–{query.get(high, '…')[:20]}",
                        "url": self.without(low, high),
                    }
                )
                continue
            legend = str(self.filterset.filters[name].label)
            for value in query.getlist(name):
                label, label_zh = labels.get((name, value), (value[:60], ""))
                chips.append(
                    {
                        "legend": legend,
                        "label": label,
                        "label_zh": label_zh,
                        "url": self.without(name, value=value),
                    }
                )
        return chips

    def range_legend(self, key):
        return {"founded": _("Founded"), "year": _("Years")}.get(key, key)

    def value_labels(self):
        """(filter, value) -> (label, Chinese name): a record's names for the rows chosen by slug
        (sectors, regions, organisations), the choice's label for the other filters."""
        labels = {}
        for name, flt in self.filterset.filters.items():
            for value, label in flt.extra.get("choices", []) or []:
                labels[(name, str(value))] = (str(label), "")
        for name, field in self.filterset.form.fields.items():
            if isinstance(field, filters.SlugMultipleChoiceField):
                for slug, row in self.filterset.chosen_rows(name).items():
                    labels[(name, slug)] = (row.name_en, row.name_zh)
        return labels

    def without(self, *names, value=None):
        """The current URL without ``names`` (or without one ``value`` of a single name)."""
        query = self.request.GET.copy()
        query.pop("page", None)
        for name in names:
            if value is None:
                query.pop(name, None)
            else:
                remaining = [v for v in query.getlist(name) if v != value]
                if remaining:
                    query.setlist(name, remaining)
                else:
                    query.pop(name, None)
        encoded = query.urlencode()
        return self.request.path + (f"?{encoded}" if encoded else "")


class CompanyListView(FacetedListView):
    filterset_class = filters.CompanyFilter
    template_name = "catalog/company_list.html"
    section = gettext_lazy("Organisations")
    record_template = "catalog/partials/company_item.html"
    empty_message = gettext_lazy("No organisations match these filters.")


class CaseListView(FacetedListView):
    filterset_class = filters.CaseFilter
    template_name = "catalog/case_list.html"
    section = gettext_lazy("Cases")
    record_template = "catalog/partials/case_item.html"
    empty_message = gettext_lazy("No cases match these filters.")


class PolicyListView(FacetedListView):
    filterset_class = filters.PolicyFilter
    template_name = "catalog/policy_list.html"
    section = gettext_lazy("Policies")
    record_template = "catalog/partials/policy_item.html"
    empty_message = gettext_lazy("No policies match these filters.")


class PersonListView(FacetedListView):
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


SECTORS = TreePage(
    models.Sector,
    ("sort_order", "name_en"),
    "sectors",
    "sectors",
    "catalog/sector_list.html",
    "kind",
    models.SectorKind.choices,
    gettext_lazy("Sectors"),
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
)


def sector_list(request):
    """The sector tree: each track with its sub-sectors, and how many organisations and cases."""
    return _tree_page(request, SECTORS)


def region_list(request):
    """The region tree: provinces with their cities and counties, and how much each holds."""
    return _tree_page(request, REGIONS)


def _tree_page(request, tree):
    """A tree page: each top-level node with the nodes below it and how many organisations and
    cases each holds, children included, as the filtered lists count them (three queries).

    A ``q`` narrows the tree to the nodes whose names match, with the nodes above them for
    context.
    """
    nodes = list(tree.model.objects.order_by(*tree.ordering))
    companies = models.Company.objects.visible_to(request.user)
    cases = models.Case.objects.visible_to(request.user)
    for attribute, rows, relation in (
        ("company_count", companies, tree.company_relation),
        ("case_count", cases, tree.case_relation),
    ):
        counts = tree_counts(rows, relation, nodes)
        for node in nodes:
            setattr(node, attribute, counts.get(node.pk, 0))
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
