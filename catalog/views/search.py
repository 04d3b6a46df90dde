"""The search page: every organisation, case, policy and person whose text contains the query."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from ..search import (
    MAX_QUERY_LENGTH,
    NO_TERMS_MESSAGE,
    UNSEARCHABLE_MESSAGE,
    parse_query,
    run_search,
)
from .exports import export_links


def search(request):
    query = parse_query(request.GET.get("q", ""))
    groups = run_search(query, request.user)
    searched = query.terms and not query.unsearchable
    context = {
        "query": query,
        "groups": groups,
        "total": sum(group.count for group in groups),
        "max_length": MAX_QUERY_LENGTH,
        "unsearchable_message": UNSEARCHABLE_MESSAGE,
        "no_terms_message": NO_TERMS_MESSAGE,
        "crumbs": [{"label": _("Search"), "url": None}],
        "downloads": export_links("catalog:search_export", request.GET) if searched else [],
    }
    return render(request, "catalog/search.html", context)
