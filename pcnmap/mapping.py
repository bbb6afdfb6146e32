"""Building the folium maps the app shows (no Streamlit here).

Every text that comes from the data (practice and network names) is escaped
before it reaches folium: folium writes tooltip text into HTML and
JavaScript, where a name like ``<img onerror=...>`` or ``${...}`` would run.
Practices are one GeoJSON layer of circle markers, never thousands of marker
objects.
"""

from __future__ import annotations

import html

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from pcnmap.assets import MapAssets, use_assets

# Paul Tol's "muted" qualitative scheme: distinguishable by colour-blind
# viewers (Tol, Colour schemes, SRON/EPS/TN/09-002).
PALETTE = ("#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77",
           "#CC6677", "#882255", "#AA4499")
NO_NETWORK_COLOUR = "#DDDDDD"
GAP_COLOUR = "#EE3377"
ENGLAND_CENTRE = (52.8, -1.6)


# Decimal degrees kept in what the browser receives: 5 places is about 1 m;
# 3 places (about 100 m) is finer than a national view can show.
LOCAL_PRECISION = 1e-5
NATIONAL_PRECISION = 1e-3


def rounded(shapes: gpd.GeoDataFrame, grid: float = LOCAL_PRECISION) -> gpd.GeoDataFrame:
    """Shapes with coordinates snapped to ``grid`` degrees: fewer bytes, same picture."""
    result = shapes.copy()
    result["geometry"] = shapely.set_precision(result.geometry.values, grid)
    return result


def england_outline(commissioners: gpd.GeoDataFrame, tolerance_m: float = 500.0
                    ) -> gpd.GeoSeries:
    """A light outline of England (the union of commissioners) for the plain basemap."""
    union = shapely.coverage_union_all(commissioners.to_crs(27700).geometry.values)
    outline = gpd.GeoSeries([shapely.simplify(union, tolerance_m)], crs=27700).to_crs(4326)
    return gpd.GeoSeries(shapely.set_precision(outline.values, NATIONAL_PRECISION), crs=4326)


def escape(value: object) -> str:
    """Text safe inside HTML and inside a JavaScript template string."""
    text = html.escape("" if value is None or value is pd.NA else str(value), quote=True)
    return text.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


def escape_columns(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A copy of ``frame`` with the given text columns escaped."""
    result = frame.copy()
    for column in columns:
        result[column] = result[column].map(escape)
    return result


def neighbour_colours(shapes: gpd.GeoDataFrame, key: str) -> dict[str, str]:
    """A palette colour per shape such that touching shapes differ where possible.

    Greedy colouring, largest neighbourhoods first; with nine colours and a
    map of networks this leaves no two neighbours alike in practice.
    """
    geoms = shapes.geometry.values
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    neighbours: dict[int, set[int]] = {i: set() for i in range(len(geoms))}
    for a, b in zip(left, right, strict=True):
        if a != b:
            neighbours[a].add(b)
    order = sorted(neighbours, key=lambda i: -len(neighbours[i]))
    chosen: dict[int, int] = {}
    for index in order:
        used = {chosen[n] for n in neighbours[index] if n in chosen}
        free = [c for c in range(len(PALETTE)) if c not in used]
        chosen[index] = free[0] if free else index % len(PALETTE)
    keys = shapes[key].to_numpy()
    return {keys[i]: PALETTE[c] for i, c in chosen.items()}


def base_map(
    bounds: tuple[float, float, float, float] | None = None,
    *,
    assets: MapAssets | None = None,
    england: gpd.GeoSeries | None = None,
    tiles: str | None = "OpenStreetMap",
) -> folium.Map:
    """A canvas-rendered map fitted to ``bounds`` (minx, miny, maxx, maxy).

    With ``assets`` Leaflet loads from there instead of a CDN. With
    ``england`` (an outline) a plain basemap is drawn under every layer, so
    the map still reads when the tile server cannot be reached.
    """
    fmap = folium.Map(location=ENGLAND_CENTRE, zoom_start=6, tiles=tiles, prefer_canvas=True,
                      control_scale=True)
    if assets is not None:
        use_assets(fmap, assets)
    if england is not None:
        folium.GeoJson(
            england.to_json(), name="Plain basemap (England)", control=False,
            style_function=lambda _: {"color": "#9a9a9a", "weight": 1, "fillColor": "#f2efe9",
                                      "fillOpacity": 0.6}, interactive=False).add_to(fmap)
    if bounds is not None and np.all(np.isfinite(bounds)):
        fmap.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    return fmap


def _tooltip(frame: pd.DataFrame, fields: list[str], aliases: list[str]
             ) -> folium.GeoJsonTooltip | None:
    """A tooltip, or none for an empty layer (folium rejects fields it cannot see)."""
    return folium.GeoJsonTooltip(fields, aliases=aliases) if len(frame) else None


def commissioner_layer(commissioners: gpd.GeoDataFrame, name: str,
                       grid: float = LOCAL_PRECISION) -> folium.GeoJson:
    """Commissioner outlines with their names on hover."""
    shapes = escape_columns(rounded(commissioners[["commissioner_code", "commissioner_name",
                                                   "geometry"]], grid),
                            ["commissioner_code", "commissioner_name"])
    return folium.GeoJson(
        shapes.to_json(drop_id=True), name=name,
        style_function=lambda _: {"color": "#222222", "weight": 2, "fill": False},
        tooltip=_tooltip(shapes, ["commissioner_name", "commissioner_code"],
                         ["Commissioner", "Code"]),
    )


def network_layer(boundaries: gpd.GeoDataFrame, colours: dict[str, str], name: str,
                  grid: float = LOCAL_PRECISION) -> folium.GeoJson:
    """Derived network boundaries, filled by network colour (indicative)."""
    shapes = rounded(boundaries[["network_code", "network_name", "registered", "geometry"]],
                     grid)
    shapes["colour"] = shapes["network_code"].map(
        lambda code: colours.get(code, NO_NETWORK_COLOUR))
    shapes["patients"] = shapes["registered"].map(lambda v: f"{v:,.0f}")
    shapes = escape_columns(shapes, ["network_code", "network_name"])
    return folium.GeoJson(
        shapes.drop(columns="registered").to_json(drop_id=True), name=name,
        style_function=lambda feature: {
            "color": "#555555", "weight": 1, "fillColor": feature["properties"]["colour"],
            "fillOpacity": 0.35},
        highlight_function=lambda _: {"weight": 3, "fillOpacity": 0.55},
        tooltip=_tooltip(shapes, ["network_name", "network_code", "patients"],
                         ["Network (indicative boundary)", "Code", "Registered patients"]),
    )


# Practice properties travel once per practice: short keys keep the national
# map small (the tooltip shows full labels).
PRACTICE_KEYS = {"practice_name": "name", "practice_code": "code", "postcode": "pc",
                 "network_name": "net", "network_code": "nc", "patients": "pts",
                 "colour": "col"}


def practice_layer(practices: pd.DataFrame, colours: dict[str, str], name: str,
                   grid: float = LOCAL_PRECISION) -> folium.GeoJson:
    """All practices as one GeoJSON layer of circle markers."""
    placed = practices.dropna(subset=["longitude", "latitude"])
    frame = placed[["practice_code", "practice_name", "postcode", "network_code",
                    "network_name", "registered"]].copy()
    frame["colour"] = frame["network_code"].map(lambda code: colours.get(code, GAP_COLOUR))
    frame["network_name"] = frame["network_name"].fillna("In no network")
    frame["patients"] = frame["registered"].map(
        lambda v: "no list size" if pd.isna(v) else f"{v:,.0f}")
    frame = escape_columns(frame, ["practice_code", "practice_name", "postcode",
                                   "network_code", "network_name"])
    frame = frame.drop(columns="registered").rename(columns=PRACTICE_KEYS)
    places = -int(round(np.log10(grid)))
    points = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(
        placed["longitude"].round(places), placed["latitude"].round(places)), crs=4326)
    return folium.GeoJson(
        points.to_json(drop_id=True), name=name,
        marker=folium.CircleMarker(radius=5, weight=1, fill=True, fill_opacity=0.9),
        style_function=lambda feature: {"fillColor": feature["properties"]["col"],
                                        "color": "#000000"},
        tooltip=_tooltip(points, ["name", "code", "pc", "net", "pts"],
                         ["Practice", "ODS code", "Postcode", "Network",
                          "Registered patients"]),
    )


def geojson_text(shapes: gpd.GeoDataFrame) -> str:
    """Boundaries as a GeoJSON document for download (list columns left out)."""
    listed = [c for c in shapes.columns
              if c != "geometry" and shapes[c].map(lambda v: isinstance(v, (list, np.ndarray))).any()]
    return shapes.drop(columns=listed).to_json()
