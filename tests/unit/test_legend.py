"""Legends: a row for every layer on a map, every text escaped, the attribution lines."""

from __future__ import annotations

import json
import re

import folium
import geopandas as gpd
import pandas as pd
import shapely

from pcnmap import store
from pcnmap.maps import basemap, elements, export, layerdata
from pcnmap.maps.escaping import escape
from pcnmap.maps.legend import DASHED, DOT, LegendEntry, legend_html

HOSTILE = '<img src=x onerror="window.__pwned=1">${x}'


def test_a_legend_escapes_every_text_and_says_each_row() -> None:
    html = legend_html([LegendEntry("Layer A", HOSTILE, DOT, ("#123456",)),
                        LegendEntry("Layer B", "Non-contiguous", DASHED, ("#0077BB",),
                                    shown=False)],
                       title=HOSTILE, attribution=("Line one", "Line <two>"))
    assert "<img" not in html and "${x}" not in html
    assert html.count('class="pcnmap-legend-row"') == 2
    assert 'data-layer="Layer B"' in html and "display:none" in html
    assert "dashed #0077BB" in html
    assert "Line one" in html and "Line &lt;two&gt;" in html
    # The attribution lines behind a switch in the app, shown at once on a saved map.
    assert '<details class="pcnmap-attribution" style' in html
    assert '<details class="pcnmap-attribution" open' in legend_html(
        [], attribution=("x",), open_sources=True)
    assert '<details open class="pcnmap-legend-body">' in html


def test_the_legend_names_every_layer_on_the_map() -> None:
    england = gpd.GeoDataFrame({"commissioner_code": ["00X"], "commissioner_name": ["North"]},
                               geometry=[shapely.box(-2, 53, -1, 54)], crs=4326)
    fmap = basemap.base_map((-2, 53, -1, 54), england=layerdata.geojson(england))
    elements.commissioner_layer(england, "Commissioner boundaries").add_to(fmap)
    elements.place_labels([[53.5, -1.5, "Preston"]]).add_to(fmap)
    basemap.finish_map(fmap, attribution=store.ATTRIBUTION)
    legend = basemap.legend_of(fmap)
    page = fmap.get_root().render()
    named = {entry.layer for entry in legend.entries()}
    assert set(basemap.layer_names(fmap)) <= named
    for name in basemap.layer_names(fmap):
        assert json.dumps(name)[1:-1] in page
    # The plain outline is the base layer drawn; the tiles are there to choose
    # but off, so no tile attribution is shown with the outline.
    assert basemap.PLAIN_BASEMAP in named and basemap.TILES_BASEMAP in named
    assert "openstreetmap" not in [name.lower() for name in basemap.layer_names(fmap)]


def test_file_names_say_the_map_the_snapshot_and_the_place() -> None:
    assert export.map_file_name("network-map", "2026-07", "00X", "html") == \
        "pcnmap-network-map-2026-07-00X.html"
    assert export.map_file_name("network sheet", "2026-07", "U1/../x", "html") == \
        "pcnmap-network-sheet-2026-07-U1-x.html"


def test_a_saved_map_carries_its_title_legend_and_attribution_and_no_app_links() -> None:
    fmap = basemap.base_map((-2, 53, -1, 54))
    elements.place_labels([[53.5, -1.5, "Preston &amp; Chorley"]]).add_to(fmap)
    basemap.finish_map(fmap)
    page = export.saved_map_html(fmap, "Network map: <Lancashire>, July 2026",
                                 store.ATTRIBUTION)
    assert "<title>Network map: &lt;Lancashire&gt;, July 2026</title>" in page
    # The folded layer list's icon travels with it: a saved file has no images folder.
    assert "url(images/" not in page
    assert page.count("url(data:image/png;base64,") == 3
    links = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", page)
    assert "/app/static" not in links and "cdn" not in links.lower()
    assert "L.version" in page or "Leaflet" in page  # Leaflet itself, inlined
    assert "pcnmap-legend" in page and "Place names" in page
    for line in store.ATTRIBUTION:
        assert escape(line) in page


def test_a_geojson_download_carries_title_caveat_and_attribution() -> None:
    shapes = gpd.GeoDataFrame({"network_code": ["U1"], "network_name": ["North"],
                               "part_areas_km2": [[1.0]]},
                              geometry=[shapely.box(0, 0, 1, 1)], crs=4326)
    document = json.loads(export.geojson_document(shapes, "Networks, 00X", store.ATTRIBUTION))
    assert document["name"] == "Networks, 00X"
    assert document["attribution"] == list(store.ATTRIBUTION)
    assert "Indicative" in document["description"]
    assert document["features"][0]["properties"] == {"network_code": "U1",
                                                     "network_name": "North"}


def test_practice_rows_carry_their_layout_by_name() -> None:
    """The practice rows' layout is declared once (layerdata.PRACTICE_ROW,
    GROUP_ROW) and travels with the rows, for layers.js to read by name."""
    practices = pd.DataFrame({
        "practice_code": ["P81001", "P81002", "P81003"],
        "practice_name": ["RIVERSIDE <b>", "HILL", "AWAY"],
        "postcode": ["PR1 1AA", "PR2 2BB", "PR3 3CC"],
        "network_code": ["U00001", None, "U00001"], "network_name": ["North PCN", None,
                                                                     "North PCN"],
        "registered": [9000.0, None, 12.0],
        "latitude": [53.76, 53.70, None], "longitude": [-2.70, -2.60, None]})
    encoded = layerdata.practice_rows(practices, {"U00001": "#332288"})
    payload = json.loads(encoded.rows)
    assert payload["columns"] == list(layerdata.PRACTICE_ROW)
    assert payload["groups"] == list(layerdata.GROUP_ROW)
    assert encoded.column("practice_code") == ["P81001", "P81002"]  # placed only
    assert encoded.column("practice_name") == ["RIVERSIDE &lt;b&gt;", "HILL"]
    assert encoded.column("patients") == ["9,000", "no list size"]
    assert encoded.column("latitude") == [53.76, 53.7]
    group = layerdata.GROUP_ROW.index("network_code")
    assert [encoded.networks[i][group] for i in encoded.column("group")] == ["U00001", ""]
    assert not hasattr(layerdata, "PRACTICE_KEYS")  # one spelling: the column's own name


def test_a_maps_page_lets_a_person_zoom_it_and_is_otherwise_folium_s_own() -> None:
    ours = basemap.ZoomableMap(location=(53, -2), zoom_start=6, tiles=None)
    theirs = folium.Map(location=(53, -2), zoom_start=6, tiles=None)
    page = ours.get_root().render()
    viewport = re.search(r'<meta name="viewport" content="([^"]*)"', page).group(1)
    assert "user-scalable=no" not in viewport and "maximum-scale" not in viewport
    folium_page = theirs.get_root().render().replace(basemap.NO_ZOOM, "user-scalable=yes")
    assert page.replace(ours.get_name(), "map") == folium_page.replace(theirs.get_name(), "map")
