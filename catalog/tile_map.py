"""A tile map of mainland China's 31 provincial-level divisions: one square each, placed on a grid
roughly where the province lies (north at the top), shaded by how many cases the catalogue holds
there. The layout is the project's own; no geographic data is drawn, so no outline is claimed to
be exact. Provinces the catalogue does not name are drawn empty, without a link.

Counts include the places below a province (a case in Jinhua counts for Zhejiang), as the lists
count them when filtered by the province.
"""

from dataclasses import dataclass, field

from django.urls import reverse

from . import facet_index, filters, models
from .facets import tree_counts

TILE = 72  # side of a tile, in SVG units
GAP = 4
COLUMNS, ROWS = 9, 8

# slug, Chinese name, English name, row, column. The slugs are those the catalogue's regions use.
TILES = [
    ("heilongjiang", "黑龍江", "Heilongjiang", 0, 8),
    ("inner-mongolia", "內蒙古", "Inner Mongolia", 1, 5),
    ("beijing", "北京", "Beijing", 1, 6),
    ("liaoning", "遼寧", "Liaoning", 1, 7),
    ("jilin", "吉林", "Jilin", 1, 8),
    ("xinjiang", "新疆", "Xinjiang", 2, 0),
    ("gansu", "甘肅", "Gansu", 2, 2),
    ("ningxia", "寧夏", "Ningxia", 2, 3),
    ("shanxi", "山西", "Shanxi", 2, 4),
    ("hebei", "河北", "Hebei", 2, 5),
    ("tianjin", "天津", "Tianjin", 2, 6),
    ("qinghai", "青海", "Qinghai", 3, 1),
    ("shaanxi", "陝西", "Shaanxi", 3, 3),
    ("henan", "河南", "Henan", 3, 4),
    ("shandong", "山東", "Shandong", 3, 5),
    ("jiangsu", "江蘇", "Jiangsu", 3, 6),
    ("shanghai", "上海", "Shanghai", 3, 7),
    ("xizang", "西藏", "Xizang", 4, 0),
    ("sichuan", "四川", "Sichuan", 4, 2),
    ("chongqing", "重慶", "Chongqing", 4, 3),
    ("hubei", "湖北", "Hubei", 4, 4),
    ("anhui", "安徽", "Anhui", 4, 5),
    ("zhejiang", "浙江", "Zhejiang", 4, 6),
    ("yunnan", "雲南", "Yunnan", 5, 2),
    ("guizhou", "貴州", "Guizhou", 5, 3),
    ("hunan", "湖南", "Hunan", 5, 4),
    ("jiangxi", "江西", "Jiangxi", 5, 5),
    ("fujian", "福建", "Fujian", 5, 6),
    ("guangxi", "廣西", "Guangxi", 6, 3),
    ("guangdong", "廣東", "Guangdong", 6, 4),
    ("hainan", "海南", "Hainan", 7, 3),
]
# ISO 3166-2:CN codes: the label of each tile where English names would be too small to read
# (a phone); the table beside the map names every province.
CODES = {
    "anhui": "AH", "beijing": "BJ", "chongqing": "CQ", "fujian": "FJ", "gansu": "GS",
    "guangdong": "GD", "guangxi": "GX", "guizhou": "GZ", "hainan": "HI", "hebei": "HE",
    "heilongjiang": "HL", "henan": "HA", "hubei": "HB", "hunan": "HN", "inner-mongolia": "NM",
    "jiangsu": "JS", "jiangxi": "JX", "jilin": "JL", "liaoning": "LN", "ningxia": "NX",
    "qinghai": "QH", "shaanxi": "SN", "shandong": "SD", "shanghai": "SH", "shanxi": "SX",
    "sichuan": "SC", "tianjin": "TJ", "xinjiang": "XJ", "xizang": "XZ", "yunnan": "YN",
    "zhejiang": "ZJ",
}  # fmt: skip
MAINLAND = {slug for slug, *_rest in TILES}
CHINA = "china"
# Shading steps by number of cases: (lowest count, CSS class).
STEPS = [(1, "tile--1"), (2, "tile--2"), (4, "tile--3"), (8, "tile--4")]


@dataclass
class Tile:
    slug: str
    name_zh: str
    name_en: str
    x: int
    y: int
    region: object = None
    cases: int = 0
    organisations: int = 0
    shade: str = "tile--0"
    url: str = ""
    # The English name in one or two lines: (text, y) of each.
    lines_en: list = field(default_factory=list)
    code: str = ""  # ISO 3166-2:CN, without "CN-"
    current: bool = False  # the province of the region page the map is on

    @property
    def centre_x(self):
        return self.x + TILE // 2

    @property
    def name_y(self):
        return self.y + 30

    @property
    def count_y(self):
        return self.y + 58


@dataclass
class Place:
    """A place outside mainland China (or an area across provinces) that the catalogue names."""

    region: object
    cases: int
    organisations: int
    url: str


def _shade(cases):
    shade = "tile--0"
    for lowest, name in STEPS:
        if cases >= lowest:
            shade = name
    return shade


def _counts(filterset_class, model, relation, user, nodes):
    """region pk -> the rows of ``model`` ``user`` may see in it or below: over the facet index
    when there is one (the counts of the list's region facet), else in the database."""
    counts = facet_index.option_counts(filterset_class, "region", user)
    if counts is None:
        counts = tree_counts(model.objects.visible_to(user), relation, nodes)
    return counts


def build(user, counted=None):
    """(tiles, other places, width, height): three queries, or none when ``counted`` gives the
    regions with their ``case_count`` and ``company_count`` already (the /regions/ page)."""
    if counted is not None:
        nodes = counted
        cases = {node.pk: node.case_count for node in nodes}
        organisations = {node.pk: node.company_count for node in nodes}
    else:
        nodes = list(models.Region.objects.order_by("name_en"))
        cases = _counts(filters.CaseFilter, models.Case, "regions", user, nodes)
        organisations = _counts(filters.CompanyFilter, models.Company, "region", user, nodes)
    by_slug = {node.slug: node for node in nodes}
    case_list = reverse("catalog:case_list")
    tiles = []
    for slug, name_zh, name_en, row, column in TILES:
        tile = Tile(slug, name_zh, name_en, x=column * (TILE + GAP), y=row * (TILE + GAP))
        tile.code = CODES[slug]
        region = by_slug.get(slug)
        if region is not None:
            tile.region = region
            tile.name_zh = region.name_zh
            tile.cases = cases.get(region.pk, 0)
            tile.organisations = organisations.get(region.pk, 0)
            tile.shade = _shade(tile.cases)
            tile.url = f"{case_list}?region={slug}"
        words = name_en.split(" ", 1) if len(name_en) > 10 else [name_en]
        tile.lines_en = [(word, tile.y + 22 + 14 * n) for n, word in enumerate(words)]
        tiles.append(tile)
    # Top-level places that are not a mainland province: Hong Kong, other countries, areas
    # across provinces (China itself is the map).
    others = [
        Place(
            region=node,
            cases=cases.get(node.pk, 0),
            organisations=organisations.get(node.pk, 0),
            url=node.get_absolute_url(),
        )
        for node in nodes
        if node.parent_id is None and node.slug not in MAINLAND | {CHINA}
    ]
    others = [place for place in others if place.cases or place.organisations]
    width = COLUMNS * (TILE + GAP) - GAP
    height = ROWS * (TILE + GAP) - GAP
    return tiles, others, width, height


def province(node, ancestors):
    """The mainland province ``node`` is, or lies in (``ancestors``: the nodes above it, the
    highest first); None for China itself and for places outside mainland China."""
    for place in (node, *reversed(ancestors)):
        if place.slug in MAINLAND:
            return place
    return None


def locator(user, node, ancestors):
    """The small map of a region's page: the tile map with the region's province marked, for a
    place in mainland China or China itself; None for places outside it."""
    marked = province(node, ancestors)
    if marked is None and node.slug != CHINA:
        return None
    tiles, _others, width, height = build(user)
    for tile in tiles:
        tile.current = marked is not None and tile.slug == marked.slug
    return {
        "tiles": tiles,
        "width": width,
        "height": height,
        "tile_size": TILE,
        "marked": marked,
    }
