"""The home page: what the site is, counts, the latest cases, ways in."""

from django.shortcuts import render

from ..models import Case, Company, Person, Policy, Region, Sector, Source


def home(request):
    context = {
        "counts": {
            "companies": Company.objects.visible_to(request.user).count(),
            "cases": Case.objects.visible_to(request.user).count(),
            "policies": Policy.objects.visible_to(request.user).count(),
            "sectors": Sector.objects.count(),
            "regions": Region.objects.count(),
            "people": Person.objects.visible_to(request.user).count(),
        },
        "latest_cases": Case.objects.visible_to(request.user).order_by("-created", "title_en")[:6],
        "sectors": Sector.objects.top_level(),
        "sources": Source.objects.all(),
    }
    return render(request, "catalog/home.html", context)
