"""Map building: names are escaped, Leaflet comes from the installed package."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from streamlit_folium import generate_leaflet_string

from pcnmap import store
from pcnmap.maps import assets, basemap, colours, elements, escaping, picture
from pcnmap.model import lookup

HOSTILE = '<img src=x onerror="window.__pwned=1">${window.__pwned=2}`'


@pytest.fixture(scope="module")
def practices(built_extract: Path) -> pd.DataFrame:
    frame = store.read_table(built_extract, "2023-01", "practices").copy()
    frame.loc[frame.index[0], "practice_name"] = HOSTILE
    frame.loc[frame.index[0], "network_name"] = HOSTILE
    return frame



def test_hostile_name_never_reaches_the_page_raw(practices, built_extract) -> None:
    derived = gpd.read_parquet(built_extract / "2023-01/network_boundaries.parquet")
    derived = derived[derived["method"] == "lsoa"].copy()
    derived.loc[derived.index[0], "network_name"] = HOSTILE
    by_network = colours.neighbour_colours(derived, "network_code")
    fmap = basemap.base_map(tuple(derived.total_bounds))
    elements.network_layer(derived, by_network, "networks").add_to(fmap)
    elements.practice_layer(practices, by_network, "practices").add_to(fmap)
    page = fmap.get_root().render().replace("\\u0026", "&")  # JSON's escaped ampersands
    assert 'onerror="' not in page
    assert "<img src=x" not in page
    assert "${window" not in page
    escaped = "&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;&#36;{window.__pwned=2}&#96;"
    assert page.count(escaped) >= 3  # practice name, its network's name, the boundary's


def test_outline_picture_names_every_shape_and_runs_no_script(built_extract) -> None:
    outlines = store.read_geo(built_extract, "2023-01", "national_commissioners")
    outlines = outlines.reset_index(drop=True)
    outlines["label"] = outlines["commissioner_name"]
    outlines.loc[0, "label"] = HOSTILE
    svg = picture.outline_svg(outlines, "label", description="Commissioners")
    assert len(outlines) >= 4
    assert svg.count("<title>") == len(outlines)
    for name in outlines["commissioner_name"].iloc[1:]:
        assert f"<title>{escaping.escape(name)}</title>" in svg
    assert f"<title>{escaping.escape(HOSTILE)}</title>" in svg
    assert "<img" not in svg and "${" not in svg and "<script" not in svg
    # Kilometres from the top-left corner of the shapes' extent, north up.
    width, height = (float(v) for v in re.search(
        r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups())
    minx, miny, maxx, maxy = outlines.to_crs(27700).total_bounds
    assert width == pytest.approx((maxx - minx) / 1000, abs=1.0)
    assert height == pytest.approx((maxy - miny) / 1000, abs=1.0)
    points = re.findall(r"([\d.]+),([\d.]+)", " ".join(re.findall(r' d="([^"]+)"', svg)))
    assert points
    assert all(0 <= float(x) <= width + 0.1 and 0 <= float(y) <= height + 0.1 for x, y in points)


def test_neighbouring_networks_get_different_colours(built_extract) -> None:
    derived = gpd.read_parquet(built_extract / "2019-12/network_boundaries.parquet")
    derived = derived[derived["method"] == "lsoa"].reset_index(drop=True)
    by_network = colours.neighbour_colours(derived, "network_code")
    assert set(by_network.values()) <= set(colours.PALETTE)
    left, right = derived.sindex.query(derived.geometry, predicate="touches")
    for a, b in zip(left, right, strict=True):
        assert (by_network[derived.at[a, "network_code"]]
                != by_network[derived.at[b, "network_code"]])


def test_map_loads_leaflet_from_given_assets_only(practices) -> None:
    local = assets.MapAssets("/app/static/leaflet/leaflet.js",
                             "/app/static/leaflet/leaflet.css")
    fmap = basemap.base_map(assets=local)
    elements.practice_layer(practices, {}, "practices").add_to(fmap)
    page = fmap.get_root().render()
    assert '<script src="/app/static/leaflet/leaflet.js">' in page
    for cdn in ("cdn.jsdelivr.net", "cdnjs.cloudflare.com", "code.jquery.com",
                "netdna.bootstrapcdn.com"):
        assert cdn not in page


def test_leaflet_is_served_under_the_apps_own_path() -> None:
    # Behind a proxy at /pcnmap/ (server.baseUrlPath), /app/static/ is not the app's.
    assert assets.MapAssets.served_under("") == assets.MapAssets(
        "/app/static/leaflet/leaflet.js", "/app/static/leaflet/leaflet.css")
    for base in ("pcnmap", "/pcnmap/", "pcnmap/"):
        assert assets.MapAssets.served_under(base).leaflet_js == \
            "/pcnmap/app/static/leaflet/leaflet.js"
    assert assets.MapAssets.served_under("nhs/pcnmap").leaflet_css == \
        "/nhs/pcnmap/app/static/leaflet/leaflet.css"


def test_standalone_html_inlines_leaflet(practices) -> None:
    fmap = basemap.base_map()
    elements.practice_layer(practices, {}, "practices").add_to(fmap)
    page = assets.standalone_html(fmap)
    assert "cdn.jsdelivr.net" not in page and "<script src=" not in page
    assert page.index("Leaflet") < page.index("L.map(")


def test_find_by_code_postcode_and_name(built_extract) -> None:
    practices = store.read_table(built_extract, "2023-01", "practices")
    assert lookup.find(practices, "p81185").iloc[0]["practice_code"] == "P81185"
    assert lookup.find(practices, "pr54ay").iloc[0]["practice_code"] == "P81185"
    by_network = lookup.find(practices, "U34632")
    assert set(by_network["practice_code"]) == {"P81082", "P81083", "P81185"}
    assert "P81185" in set(lookup.find(practices, "riverside medical")["practice_code"])
    assert lookup.find(practices, "   ").empty


def test_layer_script_travels_once_per_map(practices, built_extract) -> None:
    derived = gpd.read_parquet(built_extract / "2023-01/network_boundaries.parquet")
    derived = derived[derived["method"] == "lsoa"]
    commissioners = store.read_geo(built_extract, "2023-01", "national_commissioners")
    england = gpd.GeoDataFrame(geometry=[commissioners.union_all()], crs=commissioners.crs)
    fmap = basemap.base_map(england=england.to_json())
    elements.commissioner_layer(commissioners, "commissioners").add_to(fmap)
    elements.network_layer(derived, {}, "networks").add_to(fmap)
    elements.practice_layer(practices, {}, "practices").add_to(fmap)
    # As the app's map component receives it, and as an exported page.
    for script in (generate_leaflet_string(fmap), fmap.get_root().render()):
        assert script.count("L.PcnmapShapes = ") == 1
        assert script.index("L.PcnmapShapes = ") < script.index("L.pcnmapShapes(")
        assert script.count("L.pcnmapShapes(") == 3  # basemap, commissioners, networks
        assert script.count("L.pcnmapPractices(") == 1
