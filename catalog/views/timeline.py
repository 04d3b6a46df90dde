"""/timeline/: policies, foundings, funding rounds and cases in date order, as precisely as the
source dates them, narrowed by sector, region and kind of event like the lists."""

from itertools import groupby

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from .. import models, timeline
from ..facets import Trees, _tree_order

PER_PAGE = 100


def _chosen_nodes(request, name, by_slug):
    """The tree nodes the query names, and the values that name none."""
    values = list(dict.fromkeys(v for v in request.GET.getlist(name) if v))
    return [by_slug[v] for v in values if v in by_slug], [v for v in values if v not in by_slug]


def timeline_page(request):
    trees = Trees.load()
    sectors, bad_sectors = _chosen_nodes(request, "sector", Trees.by_slug(trees.sectors))
    regions, bad_regions = _chosen_nodes(request, "region", Trees.by_slug(trees.regions))
    kinds = [k for k in dict.fromkeys(request.GET.getlist("kind")) if k in timeline.KINDS]
    bad_kinds = [k for k in request.GET.getlist("kind") if k not in timeline.KINDS]
    errors = (
        [_("There is no sector “%(value)s”.") % {"value": v[:60]} for v in bad_sectors]
        + [_("There is no region “%(value)s”.") % {"value": v[:60]} for v in bad_regions]
        + [_("There is no kind of event “%(value)s”.") % {"value": v[:60]} for v in bad_kinds]
    )
    page = None
    years = []
    if not errors:
        rows = timeline.events(request.user, kinds, sectors, regions)
        paginator = Paginator(rows, PER_PAGE, allow_empty_first_page=True)
        paginator.count = timeline.count(request.user, kinds, sectors, regions)
        raw = request.GET.get("page", "1")
        if not (raw.isascii() and raw.isdigit() and len(raw) < 10):
            raise Http404(_("There is no page %(page)s of this list.") % {"page": raw[:20]})
        try:
            page = paginator.page(int(raw))
        except InvalidPage as exc:
            raise Http404(_("There is no page %(page)s of this list.") % {"page": raw}) from exc
        events = timeline.read(list(page.object_list))
        years = [
            {"year": year, "events": list(group)}
            for year, group in groupby(events, key=lambda event: event.year)
        ]
    context = {
        "years": years,
        "page_obj": page,
        "paginator": page.paginator if page else None,
        "page_links": (
            page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
            if page
            else []
        ),
        "errors": errors,
        "kinds": timeline.KINDS.values(),
        "chosen_kinds": kinds,
        "sector_options": _tree_order(trees.sectors),
        "region_options": _tree_order(trees.regions),
        "chosen_sectors": {node.slug for node in sectors},
        "chosen_regions": {node.slug for node in regions},
        "precisions": models.DatePrecision,
        "crumbs": [{"label": _("Timeline"), "url": None}],
    }
    return render(request, "catalog/timeline.html", context, status=400 if errors else 200)
