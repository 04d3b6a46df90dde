"""Detail pages: one record each, with everything that cites or concerns it.

Each view calls its model's ``for_detail(user)`` queryset, which loads the page's related rows in a
fixed number of queries and leaves out unpublished ones for the public. Staff see drafts, marked.
"""

from django.http import QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..models import Case, Citation, Company, Person, Policy, Region, Sector, Source


def _shows_drafts(user):
    return user.is_authenticated and user.is_staff


def _visible(record, user):
    """``record`` when ``user`` may see it, else None (a draft parent or organisation)."""
    if record is None or getattr(record, "published", True) or _shows_drafts(user):
        return record
    return None


def _crumbs(section, section_url, *trail, lang="zh-Hant"):
    """Breadcrumbs below the home page: the section (its list page), any ancestors, the record.

    The ancestors and the record are named by their Chinese names, in ``lang``."""
    crumbs = [{"label": section, "url": section_url}]
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


def _by_name(rows, key="name_en"):
    """Rows without duplicates, in order of ``key``."""
    unique = {row.pk: row for row in rows}
    return sorted(unique.values(), key=lambda row: (getattr(row, key) or "").casefold())


def _filtered_lists(name, slug, *lists):
    """Links to list pages filtered by one sector or region: {"companies": "/companies/?..."}."""
    query = QueryDict(mutable=True)
    query[name] = slug
    names = {"companies": "catalog:company_list", "cases": "catalog:case_list"}
    names["policies"] = "catalog:policy_list"
    return {key: f"{reverse(names[key])}?{query.urlencode()}" for key in lists}


def company_detail(request, slug):
    company = get_object_or_404(Company.objects.for_detail(request.user), slug=slug)
    rounds = list(company.funding_rounds.all())
    metrics = list(company.metrics.all())
    quotes = list(company.quotes.all())
    people = list(company.people.all())
    context = {
        "company": company,
        "parent": _visible(company.parent, request.user),
        "rounds": rounds,
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
    quotes = list(person.quotes.all())
    context = {
        "person": person,
        "organisation": _visible(person.organisation, request.user),
        "quotes": quotes,
        "sources": _sources(person.citations.all(), *(q.citations.all() for q in quotes)),
        "crumbs": _crumbs(_("People"), reverse("catalog:person_list"), (person.name_zh, None)),
    }
    return render(request, "catalog/person_detail.html", context)


def sector_detail(request, slug):
    sector = get_object_or_404(Sector.objects.for_detail(request.user), slug=slug)
    children = list(sector.children.all())
    metrics = list(sector.metrics.all())
    quotes = list(sector.quotes.all())
    trail = [(sector.parent.name_zh, sector.parent.get_absolute_url())] if sector.parent else []
    context = {
        "sector": sector,
        "children": children,
        "companies": _by_name(
            [*sector.companies.all(), *(c for child in children for c in child.companies.all())]
        ),
        "cases": _by_name(
            [*sector.cases.all(), *(c for child in children for c in child.cases.all())],
            key="title_en",
        ),
        "metrics": metrics,
        "policies": list(sector.policies.all()),
        "quotes": quotes,
        "sources": _sources(
            *(m.citations.all() for m in metrics), *(q.citations.all() for q in quotes)
        ),
        "list_urls": _filtered_lists("sector", sector.slug, "companies", "cases"),
        "crumbs": _crumbs(
            _("Sectors"), reverse("catalog:sector_list"), *trail, (sector.name_zh, None)
        ),
    }
    return render(request, "catalog/sector_detail.html", context)


def _region_ancestors(region):
    ancestors, parent = [], region.parent
    while parent is not None and len(ancestors) < 2:
        ancestors.insert(0, parent)
        parent = parent.parent
    return ancestors


def region_detail(request, slug):
    region = get_object_or_404(Region.objects.for_detail(request.user), slug=slug)
    children = list(region.children.all())
    places = [region, *children, *(grandchild for c in children for grandchild in c.children.all())]
    metrics = list(region.metrics.all())
    trail = [(a.name_zh, a.get_absolute_url()) for a in _region_ancestors(region)]
    context = {
        "region": region,
        "children": children,
        "companies": _by_name(c for place in places for c in place.companies.all()),
        "cases": _by_name((c for place in places for c in place.cases.all()), key="title_en"),
        "metrics": metrics,
        "policies": _by_name((p for place in places for p in place.policies.all()), key="title_en"),
        "sources": _sources(*(m.citations.all() for m in metrics)),
        "list_urls": _filtered_lists("region", region.slug, "companies", "cases", "policies"),
        "crumbs": _crumbs(
            _("Regions"), reverse("catalog:region_list"), *trail, (region.name_zh, None)
        ),
    }
    return render(request, "catalog/region_detail.html", context)


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


def source_detail(request, slug):
    source = get_object_or_404(Source, slug=slug)
    citations = Citation.objects.filter(source=source).select_related(
        "company",
        "case",
        "policy",
        "person",
        "metric__case",
        "metric__company",
        "metric__policy",
        "metric__region",
        "metric__sector",
        "funding_round__company",
        "investment__investee",
        "quote_record__person",
    )
    shows_drafts = _shows_drafts(request.user)
    entries = []
    for citation in citations:
        page = _citation_page(citation)
        if page and not (page["published"] or shows_drafts):
            continue
        entries.append({"citation": citation, "page": page})
    context = {
        "source": source,
        "entries": entries,
        "crumbs": _crumbs(
            _("Sources"),
            reverse("catalog:home") + "#sources-heading",
            (source.title, None),
            lang=source.language or "zh-Hant",
        ),
    }
    return render(request, "catalog/source_detail.html", context)
