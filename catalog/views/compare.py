"""Compare two to four cases or organisations side by side: /compare/?cases=a&cases=b.

Each column is one record, each row one attribute; every fact keeps its sources (the record's
own citations for what it is, each figure's for its number). Works without JavaScript: the list
pages' "Compare" boxes send the same address.
"""

from dataclasses import dataclass

from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import CHANGE_FIELDS, LEVER_FIELDS, Case, CaseCompany, ChangeKind, Company, Lever

MIN_COMPARED = 2
MAX_COMPARED = 4


@dataclass(frozen=True)
class Comparable:
    """What can be compared: the parameter naming the records, their model and the list page
    where they are chosen."""

    parameter: str
    model: type
    label: str
    list_url_name: str


KINDS = {
    "cases": Comparable("cases", Case, gettext_lazy("cases"), "catalog:case_list"),
    "companies": Comparable(
        "companies", Company, gettext_lazy("organisations"), "catalog:company_list"
    ),
}


def _flags(record, fields, choices):
    labels = dict(choices)
    return [labels[value] for value, name in fields.items() if getattr(record, name)]


def _case_columns(cases, user):
    roles = {}
    for role in (
        CaseCompany.objects.filter(case__in=cases, company__in=Company.objects.visible_to(user))
        .select_related("company")
        .order_by("role", "company__name_en")
    ):
        roles.setdefault(role.case_id, []).append(role)
    return [
        {
            "record": case,
            "levers": _flags(case, LEVER_FIELDS, Lever.choices),
            "changes": _flags(case, CHANGE_FIELDS, ChangeKind.choices),
            "roles": roles.get(case.pk, []),
            "metrics": list(case.metrics.all()),
            "citations": list(case.citations.all()),
        }
        for case in cases
    ]


def _company_columns(companies, user):
    cases = {}
    for role in (
        CaseCompany.objects.filter(company__in=companies, case__in=Case.objects.visible_to(user))
        .select_related("case")
        .order_by("-case__start_year", "case__title_en")
    ):
        cases.setdefault(role.company_id, []).append(role)
    return [
        {
            "record": company,
            "roles": cases.get(company.pk, []),
            "metrics": list(company.metrics.all()),
            "rounds": list(company.funding_rounds.all()),
            "citations": list(company.citations.all()),
        }
        for company in companies
    ]


def _chosen(request):
    """(kind, slugs in the order given, without repeats) of the query; kind None if neither."""
    for kind in KINDS.values():
        values = request.GET.getlist(kind.parameter)
        if values:
            return kind, list(dict.fromkeys(value.strip() for value in values if value.strip()))
    return None, []


def permalink(kind, slugs):
    """The comparison's one address: its records sorted and without repeats, so that every order
    in which a reader ticked them is one page to a search engine (``<link rel="canonical">``)."""
    query = QueryDict(mutable=True)
    query.setlist(kind.parameter, sorted(set(slugs)))
    return f"{reverse('catalog:compare')}?{query.urlencode()}"


def compare(request):
    kind, slugs = _chosen(request)
    context = {
        "kinds": KINDS,
        "kind": kind,
        "min_compared": MIN_COMPARED,
        "max_compared": MAX_COMPARED,
        "crumbs": [{"label": _("Compare"), "url": None}],
        "columns": [],
        "error": "",
    }
    status = 200
    if kind is not None:
        found = {
            record.slug: record
            for record in kind.model.objects.for_detail(request.user).filter(slug__in=slugs[:10])
        }
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            context["error"] = _("Nothing in the catalogue is called “%(slugs)s”.") % {
                "slugs": "”, “".join(slug[:60] for slug in unknown[:4])
            }
        elif not MIN_COMPARED <= len(slugs) <= MAX_COMPARED:
            context["error"] = _("Choose from %(min)s to %(max)s %(kind)s to compare.") % {
                "min": MIN_COMPARED,
                "max": MAX_COMPARED,
                "kind": kind.label,
            }
        else:
            records = [found[slug] for slug in slugs]
            columns = _case_columns if kind.model is Case else _company_columns
            context["columns"] = columns(records, request.user)
            context["canonical_path"] = permalink(kind, slugs)
        if context["error"]:
            status = 400
    return render(request, "catalog/compare.html", context, status=status)
