"""Detail pages: one record each, with everything that cites or concerns it.

Each view calls its model's ``for_detail(user)`` queryset, which loads the page's related rows in a
fixed number of queries and leaves out unpublished ones for the public. Staff see drafts, marked.
"""

import re
from dataclasses import dataclass

from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery, Value
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import chinese, facet_index, filters, tile_map, tree_index
from ..models import (
    Case,
    CaseCompany,
    Citation,
    Company,
    FundingRound,
    Investment,
    Metric,
    Person,
    Policy,
    Quote,
    Region,
    Sector,
    Source,
    shows_drafts,
)
from ..models.closure import TreeMembership
from ..models.people import co_speakers
from ..models.provenance import cited
from ..query import PER_PAGE

# A related list on a detail page shows the first page of its list page (as many rows), then
# links to the list page that holds them all: a sector may have tens of thousands of cases.
RELATED_LIMIT = PER_PAGE


@dataclass
class Related:
    """The first rows of a related list, how many there are in all, and the list page that
    shows them all."""

    rows: list
    total: int
    url: str = ""

    @property
    def more(self):
        return self.total - len(self.rows)

    def __bool__(self):
        return self.total > 0

    def __iter__(self):
        return iter(self.rows)


def _first(queryset, url="", listed=None):
    """The first ``RELATED_LIMIT`` rows of ``queryset`` and their number in all, in one query.

    The first rows are chosen by id alone and only they are read whole; the number is a subquery
    the database runs once. (A window count over the related rows, or sorting them whole,
    carried every column of every row to the sort: 22,000 cases for a large sector.)

    ``listed`` (the facet index and the ids of the rows, from ``_listed``): the number is theirs,
    and when they are ``queryset``'s own rows the first are walked along the order in memory."""
    order = queryset.query.order_by or queryset.model._meta.ordering
    total = None
    if listed is None:
        best = queryset.values("pk")[:RELATED_LIMIT]
    else:
        index, members = listed
        total = len(members)
        if index.model is queryset.model:
            best = index.page_ids(queryset, members, 0, RELATED_LIMIT)
        else:
            best = queryset.values("pk")[:RELATED_LIMIT]
    rows = queryset.model._base_manager.filter(pk__in=best)
    rows.query.select_related = queryset.query.select_related
    rows._prefetch_related_lookups = queryset._prefetch_related_lookups
    if total is None:
        counted = queryset.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("*"))
        rows = rows.annotate(related_total=Subquery(counted.values("n")))
    rows = list(rows.order_by(*order))
    if total is None:
        total = rows[0].related_total if rows else 0
    return Related(rows, total, url)


def _listed(filterset_class, name, record, user):
    """The rows the list page filtered by ``record`` alone shows (``name`` its filter), from the
    facet index, for ``_first``; None when there is none."""
    return facet_index.listed_rows(filterset_class, name, record, user)


def _statements(user, **where):
    """The statements of visible people about a record, the newest record first."""
    return (
        Quote.objects.filter(person__in=Person.objects.visible_to(user), **where)
        .select_related("person")
        .prefetch_related(cited(), co_speakers(user))
        .order_by("-pk")
    )


def _members(model, relation, tree_model, node, user):
    """The rows of ``model`` visible to ``user`` in ``node`` or any node below it, as the list
    page filtered by the node finds them, in name order: read from the stored (row, node) pairs
    (catalog/tree_index.py) where they cover the link, else through the tree."""
    code = tree_index.relation_code(model, relation)
    if code is None:
        nodes = tree_model.objects.with_descendants([node])
        inside = model.objects.filter(**{f"{relation}__in": nodes}).values("pk")
    else:
        inside = TreeMembership.rows.filter(relation=code, node=node.pk).values("member")
    order = ("name_en", "pk") if model is Company else ("title_en", "pk")
    return model.objects.visible_to(user).filter(pk__in=inside).order_by(*order)


def _visible(record, user):
    """``record`` when ``user`` may see it, else None (a draft parent or organisation)."""
    if record is None or getattr(record, "published", True) or shows_drafts(user):
        return record
    return None


def _crumbs(section, section_url, *trail, lang="zh-Hant"):
    """Breadcrumbs below the home page: the section (its list page), any ancestors, the record.

    The ancestors and the record are named by their Chinese names (stored in ``lang``), as the
    page shows Chinese (catalog/chinese.py)."""
    crumbs = [{"label": section, "url": section_url}]
    if lang.lower().startswith("zh"):
        crumbs += [
            {"label": chinese.render(label), "url": url, "lang": chinese.lang()}
            for label, url in trail
        ]
    else:
        crumbs += [{"label": label, "url": url, "lang": lang} for label, url in trail]
    crumbs[-1]["url"] = None  # the current page
    return crumbs


def _sources(*citation_lists):
    """The distinct sources of the citations shown on a page, each with how often it is cited."""
    sources = {}
    for citations in citation_lists:
        for citation in citations:
            entry = sources.setdefault(citation.source_id, {"source": citation.source, "count": 0})
            entry["count"] += 1
    return sorted(sources.values(), key=lambda entry: (-entry["count"], entry["source"].title))


def _filtered_lists(name, slug, *lists):
    """Links to list pages filtered by one sector, region or organisation:
    {"companies": "/companies/?..."}."""
    query = QueryDict(mutable=True)
    query[name] = slug
    names = {"companies": "catalog:company_list", "cases": "catalog:case_list"}
    names["policies"] = "catalog:policy_list"
    names["people"] = "catalog:person_list"
    return {key: f"{reverse(names[key])}?{query.urlencode()}" for key in lists}


def _says_something(funding_round):
    """Whether a funding round has a date, an amount or an investor to show."""
    return bool(
        funding_round.date_display
        or funding_round.amount_disclosed
        or funding_round.investments.all()
    )


def _one_per_passage(citations):
    """``citations`` with one row per passage (source and verbatim text), in order."""
    passages = {}
    for citation in citations:
        passages.setdefault((citation.source_id, citation.quote.strip()), citation)
    return list(passages.values())


def _shared_passage(citation_lists):
    """The citations of several facts, one per passage, when they all rest on one passage and
    the same one; else an empty list."""
    lists = [list(citations) for citations in citation_lists]
    shared = _one_per_passage(c for citations in lists for c in citations)
    if len(shared) == 1 and all(lists):
        return shared
    return []


# An organisation's cases, the latest first (one link per case and organisation).
COMPANY_CASES_ORDER = ("-start_year", "title_en", "pk")


def company_detail(request, slug):
    company = get_object_or_404(Company.objects.for_detail(request.user), slug=slug)
    rounds = list(company.funding_rounds.all())
    # Rounds the source names with nothing more (no date, amount or investor) share one line.
    bare_rounds = [r for r in rounds if not _says_something(r)]
    metrics = list(company.metrics.all())
    quotes = _first(_statements(request.user, companies=company))
    people = _first(
        Person.objects.visible_to(request.user)
        .filter(organisation=company)
        .prefetch_related(cited())
        .order_by("name_en", "pk"),
        _filtered_lists("organisation", company.slug, "people")["people"],
    )
    # The organisation's links first, each case's visibility tested by its key: a list of every
    # visible case (``case__in``) made SQLite test all 50,000 of them against this organisation.
    visible_case = Case.objects.visible_to(request.user).filter(pk=OuterRef("case_id"))
    roles = (
        CaseCompany.objects.filter(Exists(visible_case), company=company)
        .select_related("case")
        .order_by(*(re.sub(r"^(-?)", r"\1case__", name) for name in COMPANY_CASES_ORDER))
    )
    case_list = _filtered_lists("company", company.slug, "cases")["cases"]
    cases_listed = _listed(filters.CaseFilter, "company", company, request.user)
    if cases_listed is not None:
        # The first cases walked along their order in memory (catalog/facet_index.py): only
        # their links are read, instead of sorting all of the organisation's.
        index, members = cases_listed
        ordered = Case.objects.order_by(*COMPANY_CASES_ORDER)
        roles = roles.filter(case__in=index.page_ids(ordered, members, 0, RELATED_LIMIT))
    context = {
        "company": company,
        "case_roles": _first(roles, case_list, cases_listed),
        "parent": _visible(company.parent, request.user),
        "rounds": [r for r in rounds if _says_something(r)],
        "bare_rounds": bare_rounds,
        # Investors named without a round, all from one passage: the passage is given once.
        "loose_citations": _shared_passage(
            i.citations.all() for i in company.investments_without_round
        ),
        "bare_round_citations": _one_per_passage(c for r in bare_rounds for c in r.citations.all()),
        "metrics": metrics,
        "quotes": quotes,
        "people": people,
        "sources": _sources(
            company.citations.all(),
            *(r.citations.all() for r in rounds),
            *(i.citations.all() for r in rounds for i in r.investments.all()),
            *(i.citations.all() for i in company.investments_without_round),
            *(i.citations.all() for i in company.investments_made_visible),
            *(m.citations.all() for m in metrics),
            *(q.citations.all() for q in quotes),
            *(p.citations.all() for p in people),
        ),
        "crumbs": _crumbs(
            _("Organisations"), reverse("catalog:company_list"), (company.name_zh, None)
        ),
    }
    return render(request, "catalog/company_detail.html", context)


def case_detail(request, slug):
    case = get_object_or_404(Case.objects.for_detail(request.user), slug=slug)
    metrics = list(case.metrics.all())
    quotes = list(case.quotes.all())
    context = {
        "case": case,
        "metrics": metrics,
        "quotes": quotes,
        "sources": _sources(
            case.citations.all(),
            *(m.citations.all() for m in metrics),
            *(q.citations.all() for q in quotes),
        ),
        "crumbs": _crumbs(_("Cases"), reverse("catalog:case_list"), (case.title_zh, None)),
    }
    return render(request, "catalog/case_detail.html", context)


def policy_detail(request, slug):
    policy = get_object_or_404(Policy.objects.for_detail(request.user), slug=slug)
    metrics = list(policy.targets.all())
    quotes = list(policy.quotes.all())
    context = {
        "policy": policy,
        "metrics": metrics,
        "quotes": quotes,
        "sources": _sources(
            policy.citations.all(),
            *(m.citations.all() for m in metrics),
            *(q.citations.all() for q in quotes),
        ),
        "crumbs": _crumbs(_("Policies"), reverse("catalog:policy_list"), (policy.title_zh, None)),
    }
    return render(request, "catalog/policy_detail.html", context)


def person_detail(request, slug):
    person = get_object_or_404(Person.objects.for_detail(request.user), slug=slug)
    # Their own statements and those the source gives to several people at once, in order.
    quotes = sorted(
        [*person.quotes.all(), *person.shared_quotes.all()], key=lambda q: (q.sort_order, q.ref)
    )
    context = {
        "person": person,
        "organisation": _visible(person.organisation, request.user),
        "quotes": quotes,
        "sources": _sources(person.citations.all(), *(q.citations.all() for q in quotes)),
        "crumbs": _crumbs(_("People"), reverse("catalog:person_list"), (person.name_zh, None)),
    }
    return render(request, "catalog/person_detail.html", context)


@dataclass(frozen=True)
class TreeDetail:
    """What differs between a sector's page and a region's: one template shows both."""

    name: str
    model: type
    list_label: str
    list_url_name: str
    company_relation: str
    fact_label: str
    children_heading: str
    no_organisations: str
    no_cases: str
    chart_title: str
    # Policies are filtered by region on their list page, not by sector.
    policies_filterable: bool
    quotes_about: str  # the Quote field naming the node ("" when statements are not shown)

    @property
    def chart_id(self):
        return f"{self.name}-figures"

    def fact_value(self, node):
        return node.get_kind_display() if self.name == "sector" else node.get_level_display()

    def ancestors(self, node):
        """The nodes above ``node`` (at most two), the highest first."""
        ancestors, parent = [], node.parent
        while parent is not None and len(ancestors) < 2:
            ancestors.insert(0, parent)
            parent = parent.parent
        return ancestors


SECTOR_PAGE = TreeDetail(
    name="sector",
    model=Sector,
    list_label=_("Sectors"),
    list_url_name="catalog:sector_list",
    company_relation="sectors",
    fact_label=_("Kind"),
    children_heading=_("Sub-sectors"),
    no_organisations=_("No organisations in this sector."),
    no_cases=_("No cases in this sector."),
    chart_title=_("Figures about this sector"),
    policies_filterable=False,
    quotes_about="sectors",
)
REGION_PAGE = TreeDetail(
    name="region",
    model=Region,
    list_label=_("Regions"),
    list_url_name="catalog:region_list",
    company_relation="region",
    fact_label=_("Level"),
    children_heading=_("Places within"),
    no_organisations=_("No organisations in this region."),
    no_cases=_("No cases in this region."),
    chart_title=_("Figures about this region"),
    policies_filterable=True,
    quotes_about="",
)


def sector_detail(request, slug):
    return _tree_node_detail(request, slug, SECTOR_PAGE)


def region_detail(request, slug):
    return _tree_node_detail(request, slug, REGION_PAGE)


def _tree_node_detail(request, slug, tree):
    """A sector's or a region's page: the organisations, cases and policies in it or in a node
    below it (the first RELATED_LIMIT of each, with a link to the filtered list), its figures,
    and for sectors the statements about it."""
    user = request.user
    node = get_object_or_404(tree.model.objects.for_detail(user), slug=slug)
    metrics = list(node.metrics.all())
    lists = ["companies", "cases"] + (["policies"] if tree.policies_filterable else [])
    list_urls = _filtered_lists(tree.name, node.slug, *lists)
    if tree.policies_filterable:
        policies = _first(
            _members(Policy, "regions", Region, node, user),
            list_urls["policies"],
            _listed(filters.PolicyFilter, "region", node, user),
        )
    else:
        policies = list(node.policies.all())
    quotes = _first(_statements(user, **{tree.quotes_about: node})) if tree.quotes_about else []
    ancestors = tree.ancestors(node)
    trail = [(a.name_zh, a.get_absolute_url()) for a in ancestors]
    context = {
        "node": node,
        "tree": tree,
        tree.name: node,
        "fact_value": tree.fact_value(node),
        "map": tile_map.locator(user, node, ancestors) if tree.name == "region" else None,
        "children": list(node.children.all()),
        "companies": _first(
            _members(Company, tree.company_relation, tree.model, node, user),
            list_urls["companies"],
            _listed(filters.CompanyFilter, tree.name, node, user),
        ),
        "cases": _first(
            _members(Case, f"{tree.name}s", tree.model, node, user),
            list_urls["cases"],
            _listed(filters.CaseFilter, tree.name, node, user),
        ),
        "metrics": metrics,
        "policies": policies,
        "quotes": quotes,
        "sources": _sources(
            *(m.citations.all() for m in metrics), *(q.citations.all() for q in quotes)
        ),
        "list_urls": list_urls,
        "crumbs": _crumbs(
            tree.list_label, reverse(tree.list_url_name), *trail, (node.name_zh, None)
        ),
    }
    return render(request, "catalog/tree_node_detail.html", context)


def _citation_page(citation):
    """Where a citation's fact is shown: {label, url (with the fact's anchor), kind, published}."""
    target = citation.target
    if target is None:
        return None
    if citation.metric_id:
        subject = next(
            (
                getattr(target, name)
                for name in ("case", "company", "policy", "region", "sector")
                if getattr(target, f"{name}_id")
            ),
            None,
        )
        return _record_link(subject, _("a figure"), f"figure-{target.ref}")
    if citation.funding_round_id:
        return _record_link(target.company, _("a funding round"), f"round-{target.ref}")
    if citation.investment_id:
        return _record_link(target.investee, _("an investment"), "funding-heading")
    if citation.quote_record_id:
        return _record_link(target.person, _("a statement"), f"quote-{target.ref}")
    return _record_link(target, target._meta.verbose_name)


def _record_link(record, kind, anchor=""):
    if record is None:
        return None
    label = getattr(record, "name_zh", None) or getattr(record, "title_zh", str(record))
    url = record.get_absolute_url()
    return {
        "label": label,
        "url": f"{url}#{anchor}" if anchor else url,
        "kind": kind,
        "published": getattr(record, "published", True),
    }


# Fifty a page: a page of a hundred, each passage with its original, translation and links, was
# some 1,600 elements and the slowest page of the site to lay out on a phone.
PASSAGES_PER_PAGE = 50


def _source_citations(source):
    return Citation.objects.filter(source=source).order_by("sort_order", "ref", "pk")


def source_detail(request, slug):
    """A source and the passages the catalogue cites from it, fifty a page, each with the
    record it supports."""
    source = get_object_or_404(Source, slug=slug)
    paginator = Paginator(_source_citations(source), PASSAGES_PER_PAGE)
    raw = request.GET.get("page", "1")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise Http404(_("There is no page %(page)s of this list.") % {"page": raw[:20]})
    try:
        page = paginator.page(int(raw))
    except InvalidPage as exc:
        raise Http404(_("There is no page %(page)s of this list.") % {"page": raw[:20]}) from exc
    # The records a passage supports: the direct ones joined, those reached through a figure,
    # a funding round, an investment or a statement read by one query each. (One query joining
    # all sixteen tables took PostgreSQL 100 to 250 ms to plan, for 50 rows.)
    citations = page.object_list.select_related(
        "company", "case", "policy", "person", "theme"
    ).prefetch_related(
        Prefetch(
            "metric",
            Metric._base_manager.select_related("case", "company", "policy", "region", "sector"),
        ),
        Prefetch("funding_round", FundingRound._base_manager.select_related("company")),
        Prefetch("investment", Investment._base_manager.select_related("investee")),
        Prefetch("quote_record", Quote._base_manager.select_related("person")),
    )
    drafts = shows_drafts(request.user)
    entries = []
    for citation in citations:
        target = _citation_page(citation)
        if target and not (target["published"] or drafts):
            continue
        entries.append({"citation": citation, "page": target})
    context = {
        "source": source,
        "entries": entries,
        "page_obj": page,
        "paginator": paginator,
        "page_links": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "crumbs": _crumbs(
            _("Sources"),
            reverse("catalog:home") + "#sources-heading",
            (source.title, None),
            lang=source.language or "zh-Hant",
        ),
    }
    return render(request, "catalog/source_detail.html", context)


def citation_redirect(request, slug, ref):
    """A passage's permanent address: the page of its source that shows it, at the passage."""
    citation = get_object_or_404(
        Citation.objects.select_related("source"), source__slug=slug, ref=ref
    )
    before = (
        _source_citations(citation.source)
        .filter(
            Q(sort_order__lt=citation.sort_order)
            | Q(sort_order=citation.sort_order, ref__lt=citation.ref)
        )
        .count()
    )
    url = citation.source.get_absolute_url()
    number = before // PASSAGES_PER_PAGE + 1
    if number > 1:
        url += f"?page={number}"
    return HttpResponseRedirect(f"{url}#citation-{citation.ref}")
