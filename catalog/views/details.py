"""Detail pages: one record each, with everything that cites or concerns it."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from ..models import Case, CaseCompany, Citation, Company, Person, Policy, Region, Sector, Source


def _crumbs(section, record_label):
    """Breadcrumbs below the home page: the section, then the record (the current page)."""
    return [{"label": section, "url": None}, {"label": record_label, "url": None}]


def _citations():
    return Prefetch("citations", queryset=Citation.objects.select_related("source"))


def company_detail(request, slug):
    company = get_object_or_404(
        Company.objects.visible_to(request.user)
        .select_related("region", "parent")
        .prefetch_related(
            "sectors",
            "subsidiaries",
            _citations(),
            Prefetch("case_roles", queryset=CaseCompany.objects.select_related("case")),
            Prefetch("metrics"),
            "funding_rounds",
        ),
        slug=slug,
    )
    crumbs = _crumbs(_("Organisations"), company.name_zh)
    return render(request, "catalog/company_detail.html", {"company": company, "crumbs": crumbs})


def case_detail(request, slug):
    case = get_object_or_404(
        Case.objects.visible_to(request.user).prefetch_related(
            "sectors",
            "regions",
            _citations(),
            Prefetch("roles", queryset=CaseCompany.objects.select_related("company")),
            Prefetch("metrics"),
        ),
        slug=slug,
    )
    crumbs = _crumbs(_("Cases"), case.title_zh)
    return render(request, "catalog/case_detail.html", {"case": case, "crumbs": crumbs})


def sector_detail(request, slug):
    sector = get_object_or_404(
        Sector.objects.select_related("parent").prefetch_related("children"), slug=slug
    )
    context = {
        "sector": sector,
        "crumbs": _crumbs(_("Sectors"), sector.name_zh),
        "companies": Company.objects.visible_to(request.user).filter(sectors=sector),
        "cases": Case.objects.visible_to(request.user).filter(sectors=sector),
    }
    return render(request, "catalog/sector_detail.html", context)


def region_detail(request, slug):
    region = get_object_or_404(
        Region.objects.select_related("parent").prefetch_related("children"), slug=slug
    )
    context = {
        "region": region,
        "crumbs": _crumbs(_("Regions"), region.name_zh),
        "companies": Company.objects.visible_to(request.user).filter(region=region),
        "cases": Case.objects.visible_to(request.user).filter(regions=region),
    }
    return render(request, "catalog/region_detail.html", context)


def policy_detail(request, slug):
    policy = get_object_or_404(
        Policy.objects.visible_to(request.user).prefetch_related(
            "issuers", "sectors", "regions", "cases", "targets", _citations()
        ),
        slug=slug,
    )
    crumbs = _crumbs(_("Policies"), policy.title_zh)
    return render(request, "catalog/policy_detail.html", {"policy": policy, "crumbs": crumbs})


def person_detail(request, slug):
    person = get_object_or_404(
        Person.objects.visible_to(request.user)
        .select_related("organisation")
        .prefetch_related("quotes", _citations()),
        slug=slug,
    )
    crumbs = _crumbs(_("People"), person.name_zh)
    return render(request, "catalog/person_detail.html", {"person": person, "crumbs": crumbs})


def source_detail(request, slug):
    source = get_object_or_404(Source, slug=slug)
    crumbs = _crumbs(_("Sources"), source.title)
    return render(request, "catalog/source_detail.html", {"source": source, "crumbs": crumbs})
