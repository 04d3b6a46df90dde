"""About and method: what the catalogue is about, how it is made, how to read, cite and correct it.

The passages that say what new quality productive forces are come from the catalogue itself:
citations of the source article, named here by their references (fixtures/50_policies.json and
fixtures/60_people.json hold them) and shown as every page shows citations.
"""

from django.conf import settings
from django.shortcuts import render

from ..models import Citation, Source

# The passages cited on the page, by section: the references of their Citation rows.
PASSAGES = {
    "origin": ("cite-person-xi-jinping", "cite-policy-government-work-report-2024"),
    "definition": ("cite-quote-xi-jinping-01",),
    "wider": ("cite-quote-zheng-yongnian-01",),
}


def about_citations():
    """{section: [Citation]} for PASSAGES, in their order; a passage no longer in the catalogue
    is left out."""
    refs = [ref for refs in PASSAGES.values() for ref in refs]
    found = {c.ref: c for c in Citation.objects.select_related("source").filter(ref__in=refs)}
    return {
        section: [found[ref] for ref in refs if ref in found] for section, refs in PASSAGES.items()
    }


def about(request):
    context = {
        "passages": about_citations(),
        "sources": Source.objects.all(),
        "licence": settings.ATLAS_DATA_LICENCE,
    }
    return render(request, "catalog/about.html", context)
