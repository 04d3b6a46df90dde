"""/map/: mainland China's provinces as tiles shaded by their cases (the places within them
counted), each named province a link to its cases, the same numbers in a table, and the places
outside mainland China beside it."""

import re

import pytest

from catalog import tile_map
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    zhejiang = f.RegionFactory(slug="zhejiang", name_zh="浙江", name_en="Zhejiang")
    jinhua = f.RegionFactory(
        slug="jinhua", name_zh="金華", name_en="Jinhua", parent=zhejiang, level="city"
    )
    hong_kong = f.RegionFactory(slug="hong-kong", name_zh="香港", name_en="Hong Kong")
    f.RegionFactory(slug="france", name_zh="法國", name_en="France", level="country")
    for n in range(3):
        f.CaseFactory(slug=f"ham-{n}").regions.add(jinhua)
    f.CaseFactory(slug="hk-case").regions.add(hong_kong)
    f.CaseFactory(slug="draft", published=False).regions.add(zhejiang)
    f.CompanyFactory(slug="ham-maker", region=jinhua)
    return zhejiang


def test_the_layout_has_31_provinces_on_distinct_squares():
    assert len(tile_map.TILES) == 31
    assert len({(row, column) for *_names, row, column in tile_map.TILES}) == 31
    assert all(
        0 <= row < tile_map.ROWS and 0 <= column < tile_map.COLUMNS
        for *_names, row, column in tile_map.TILES
    )


def test_every_province_has_its_distinct_iso_code():
    assert set(tile_map.CODES) == tile_map.MAINLAND
    assert len(set(tile_map.CODES.values())) == 31


def test_english_tiles_carry_a_code_for_small_screens_that_the_table_explains(client, places):
    html = client.get("/map/").content.decode()
    assert 'class="tile__name tile__code">ZJ</text>' in html
    assert '<span class="map-table__code" lang="en">(ZJ)</span>' in html
    # Chinese names fit a tile on any screen: no codes there.
    assert "tile__code" not in client.get("/zh-hans/map/").content.decode()


def test_a_province_counts_the_places_within_it_and_links_its_cases(client, places):
    html = client.get("/map/").content.decode()
    link = re.search(r'<a href="/cases/\?region=zhejiang" aria-label="([^"]+)">', html)
    assert link.group(1) == "Zhejiang: 3 cases"  # the draft is not counted
    assert 'class="tile tile--2"' in html  # 2–3 cases
    row = re.search(r"<tr><th scope=\"row\"><a href=\"/regions/zhejiang/\">.*?</tr>", html, re.S)
    cells = re.findall(r"<td>(.*?)</td>", row.group(0))
    assert ">3<" in cells[0]
    assert ">1<" in cells[1]


def test_provinces_the_source_does_not_name_are_drawn_without_a_link(client, places):
    html = client.get("/map/").content.decode()
    assert "?region=yunnan" not in html
    assert html.count("tile--none") >= 29


def test_places_outside_mainland_china_are_listed_beside_the_map(client, places):
    html = client.get("/map/").content.decode()
    aside = html.split("Outside mainland China")[1].split("</ul>")[0]
    assert "Hong Kong" in aside
    assert "1 case" in aside
    assert "France" not in aside  # nothing there


def test_staff_see_drafts_counted(admin_client, places):
    html = admin_client.get("/map/").content.decode()
    assert 'aria-label="Zhejiang: 4 cases"' in html


@pytest.mark.parametrize("prefix", ["/zh-hans", "/zh-hant"])
def test_the_map_in_chinese(client, places, prefix):
    html = client.get(f"{prefix}/map/").content.decode()
    assert ">浙江</text>" in html
    assert html.count("<h1") == 1


def test_the_regions_page_shows_the_small_map_from_its_own_counts(
    client, places, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        html = client.get("/regions/").content.decode()
    assert 'aria-label="Zhejiang: 3 cases"' in html
    assert 'href="/map/"' in html
    assert "tile-map" not in client.get("/regions/?q=jinhua").content.decode()


def test_a_region_page_shows_the_small_map_with_its_province_outlined(client, places):
    """A city's page outlines its province, a province's page itself; each tile still links to
    its cases, and the map's title says which province is outlined."""
    for slug in ("jinhua", "zhejiang"):
        html = client.get(f"/regions/{slug}/").content.decode()
        section = html[
            html.index('id="map-heading"') : html.index(
                "</section>", html.index('id="map-heading"')
            )
        ]
        assert "On the map" in html
        assert section.count('aria-current="location"') == 1
        assert 'href="/cases/?region=zhejiang" aria-current="location"' in section
        assert section.count("tile--current") == 1
        assert "Zhejiang is outlined." in section
        assert 'aria-label="Zhejiang: 3 cases"' in section
        assert 'href="/map/"' in section  # the full map, with its legend and table


def test_china_s_page_has_the_map_and_places_outside_mainland_china_have_none(client, places):
    f.RegionFactory(slug="china", name_zh="中國", name_en="China", level="country")
    china = client.get("/regions/china/").content.decode()
    assert 'id="map-heading"' in china
    assert "aria-current" not in china.split('id="map-heading"')[1].split("</section>")[0]
    assert "is outlined" not in china
    for slug in ("hong-kong", "france"):
        assert 'id="map-heading"' not in client.get(f"/regions/{slug}/").content.decode()


@pytest.mark.parametrize("prefix", ["/zh-hans", "/zh-hant"])
def test_the_outlined_province_is_named_in_chinese(client, places, prefix):
    html = client.get(f"{prefix}/regions/jinhua/").content.decode()
    assert "浙江" in html.split('id="map-heading"')[1].split("</title>")[0]
    assert "is outlined" not in html
