"""/map/: where the catalogue's cases and organisations are, as a tile map with the same numbers
in a table, and the places outside mainland China beside it."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from .. import tile_map


def map_page(request):
    tiles, others, width, height = tile_map.build(request.user)
    context = {
        "tiles": tiles,
        "others": others,
        "width": width,
        "height": height,
        "tile_size": tile_map.TILE,
        "steps": tile_map.STEPS,
        "crumbs": [{"label": _("Map"), "url": None}],
    }
    return render(request, "catalog/map.html", context)
