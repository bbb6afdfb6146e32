"""Building the folium maps the app shows (no Streamlit here).

Every text that comes from the data (practice and network names) is escaped
before it reaches folium: folium writes tooltip text into HTML and
JavaScript, where a name like ``<img onerror=...>`` or ``${...}`` would run.
Practices and network boundaries are each one canvas path (layers.js),
never thousands of marker or polygon objects.
"""

from __future__ import annotations

import functools
import html
import json
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, Template

from pcnmap.maps.assets import MapAssets, use_assets

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
# JSON without the spaces after separators: a national layer has some
# 90,000 of them.
COMPACT = (",", ":")


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


def outline_svg(shapes: gpd.GeoDataFrame, label: str, *, tolerance_m: float = 1000.0,
                description: str = "Map") -> str:
    """Shapes as one inline SVG picture: British National Grid, north up, one
    unit a kilometre, a path per shape with its ``label`` column shown on
    hover. Shared edges are simplified alike (a coverage), so neighbours still
    meet. A picture needs no map library and no frame: it draws at once and
    with no internet. Labels are escaped; the picture holds no script.
    """
    projected = shapes.to_crs(27700)
    simple = shapely.coverage_simplify(projected.geometry.values, tolerance_m)
    minx, miny, maxx, maxy = shapely.total_bounds(simple)

    def from_top_left(xy: np.ndarray) -> np.ndarray:
        return np.column_stack([(xy[:, 0] - minx) / 1000, (maxy - xy[:, 1]) / 1000])

    # 0.1 km is finer than a picture of England can show.
    drawn = shapely.set_precision(shapely.transform(simple, from_top_left), 0.1)
    paths = "".join(
        f"<g><title>{escape(name)}</title>{geometry.svg()}</g>"
        for name, geometry in zip(shapes[label], drawn, strict=True) if not geometry.is_empty)
    return (f'<svg class="pcnmap-outline" xmlns="http://www.w3.org/2000/svg" role="img" '
            f'aria-label="{escape(description)}" '
            f'viewBox="0 0 {(maxx - minx) / 1000:.1f} {(maxy - miny) / 1000:.1f}" '
            'style="width:100%;height:420px">'
            "<style>.pcnmap-outline path{fill:#f2efe9;stroke:#222222;opacity:1;"
            "stroke-width:1px;vector-effect:non-scaling-stroke}"
            ".pcnmap-outline g:hover path{fill:#cfe3f3}</style>"
            f"{paths}</svg>")


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
    england: str | None = None,
    tiles: str | None = "OpenStreetMap",
) -> folium.Map:
    """A canvas-rendered map fitted to ``bounds`` (minx, miny, maxx, maxy).

    With ``assets`` Leaflet loads from there instead of a CDN. With
    ``england`` (its outline's GeoJSON text) a plain basemap is drawn
    under every layer, so the map still reads when the tile server cannot be
    reached.
    """
    fmap = folium.Map(location=ENGLAND_CENTRE, zoom_start=6, tiles=tiles, prefer_canvas=True,
                      control_scale=True)
    if assets is not None:
        use_assets(fmap, assets)
    if england is not None:
        ManyShapes(england, "Plain basemap (England)", [],
                   {"color": "#9a9a9a", "weight": 1, "fillColor": "#f2efe9", "fillOpacity": 0.6,
                    "interactive": False}, control=False).add_to(fmap)
    if bounds is not None and np.all(np.isfinite(bounds)):
        fmap.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    return fmap


def geojson(shapes: gpd.GeoDataFrame, separators: tuple[str, str] = COMPACT) -> str:
    """Shapes in EPSG:4326 as GeoJSON text, as ``GeoDataFrame.to_json`` writes
    them, without its check of the frame's CRS against a newly built EPSG:4326
    (tens of milliseconds a call, more than many layers take to encode)."""
    return json.dumps(shapes.to_geo_dict(drop_id=True), separators=separators)


def commissioner_geojson(commissioners: gpd.GeoDataFrame, grid: float = LOCAL_PRECISION) -> str:
    """Commissioner outlines as the GeoJSON text their layer draws (names escaped)."""
    shapes = escape_columns(rounded(commissioners[["commissioner_code", "commissioner_name",
                                                   "geometry"]], grid),
                            ["commissioner_code", "commissioner_name"])
    return geojson(shapes)


def network_geojson(boundaries: gpd.GeoDataFrame, colours: dict[str, str],
                    grid: float = LOCAL_PRECISION) -> str:
    """Network boundaries as the GeoJSON text their layer draws (names escaped)."""
    shapes = rounded(boundaries[["network_code", "network_name", "registered", "geometry"]],
                     grid)
    shapes["colour"] = shapes["network_code"].map(
        lambda code: colours.get(code, NO_NETWORK_COLOUR))
    shapes["patients"] = shapes["registered"].map(lambda v: f"{v:,.0f}")
    shapes = escape_columns(shapes, ["network_code", "network_name"])
    return geojson(shapes.drop(columns="registered"))


@functools.lru_cache(maxsize=24)
def _layer_literal(text: str) -> str:
    """:func:`script_string` of a layer's GeoJSON, kept for the texts the
    app's caches hand out again and again: a national map's boundaries are a
    megabyte, escaped anew on every rerun of every session otherwise."""
    return script_string(text)


class VerbatimScript(Element):
    """Script text added to a figure as it is.

    branca wraps each rendered script in a new ``Element``, which compiles
    that text as a Jinja template: for a layer carrying a megabyte of data
    the compiling costs more than the rest of the render together.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        """The script exactly as given."""
        return self.text


def script_string(text: str) -> str:
    """``text`` as a JavaScript string literal safe inside an HTML script.

    The layers hand their data to ``JSON.parse`` as a string: a browser scans
    a megabyte of string and parses it as JSON faster than it compiles the
    same data written as an object literal. Single quotes, because JSON text
    is full of double ones and escaping each would add a twentieth to the
    bytes; line breaks are escaped so that any text stays one literal.
    """
    for plain, escaped in (("\\", "\\\\"), ("'", "\\'"), ("\n", "\\n"), ("\r", "\\r"),
                           ("\u2028", "\\u2028"), ("\u2029", "\\u2029"), ("</", "<\\/")):
        text = text.replace(plain, escaped)
    return f"'{text}'"


class DataLayer(folium.map.Layer):
    """A layer whose script embeds large prepared data (rendered verbatim)."""

    def library(self) -> str:
        """layers.js for the first of these layers on its map; nothing for
        the others (one copy does for a page)."""
        first = next(child for child in self._parent._children.values()
                     if isinstance(child, DataLayer))
        return LAYERS_JS if first is self else ""

    def render(self, **kwargs) -> None:
        """Render the layer's children and its script into the map's page."""
        for child in self._children.values():
            child.render(**kwargs)
        self.get_root().script.add_child(
            VerbatimScript(self._template.module.script(self, kwargs)), name=self.get_name())


# The browser side of pcnmap's own layers (see the file's notes). The first
# of them on a map carries it in its script, as streamlit-folium runs only the
# layers' scripts.
LAYERS_FILE = Path(__file__).with_name("layers.js")
LAYERS_JS = LAYERS_FILE.read_text(encoding="utf-8")


class ManyShapes(DataLayer):
    """Boundaries drawn in the browser as one canvas path (layers.js): one
    Leaflet layer instead of one per shape. Each shape is filled with its
    ``colour`` property (unless the style says ``fill: false``); the one under
    the pointer is outlined more heavily and its tooltip is a table of the
    given properties (already escaped); with no properties it has no tooltip."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.library() }}
        var {{ this.get_name() }} = L.pcnmapShapes(JSON.parse({{ this.data }}), {{ this.fields }},
                                                    {{ this.style }});
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, text: str, name: str, fields: list[tuple[str, str]], style: dict,
                 control: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=control, show=True)
        self._name = "ManyShapes"
        self.data = _layer_literal(text)
        self.fields = json.dumps([[key, escape(label)] for key, label in fields])
        self.style = json.dumps(style)


def area_layer(shapes: str, name: str, fields: list[tuple[str, str]],
               colour: str | None = None) -> ManyShapes:
    """Areas (GeoJSON text, properties escaped) filled with ``colour``, or each
    with its own ``colour`` property, drawn as one canvas path."""
    style = {"color": "#333333", "weight": 1, "fillOpacity": 0.6}
    if colour:
        style.update(color=colour, fillColor=colour, fillOpacity=0.5)
    return ManyShapes(shapes, name, fields, style)


def commissioner_layer(commissioners: gpd.GeoDataFrame | str, name: str,
                       grid: float = LOCAL_PRECISION) -> ManyShapes:
    """Commissioner outlines with their names on hover (from a frame or its GeoJSON)."""
    text = commissioners if isinstance(commissioners, str) else commissioner_geojson(
        commissioners, grid)
    return ManyShapes(text, name, [("commissioner_name", "Commissioner"),
                                   ("commissioner_code", "Code")],
                      {"color": "#222222", "weight": 2, "fill": False, "highlightWeight": 4})


def network_layer(boundaries: gpd.GeoDataFrame | str, colours: dict[str, str], name: str,
                  grid: float = LOCAL_PRECISION) -> ManyShapes:
    """Derived network boundaries, filled by network colour (indicative)."""
    text = boundaries if isinstance(boundaries, str) else network_geojson(
        boundaries, colours, grid)
    return ManyShapes(text, name, [("network_name", "Network (indicative boundary)"),
                                   ("network_code", "Code"),
                                   ("patients", "Registered patients")],
                      {"color": "#555555", "weight": 1, "fillOpacity": 0.35,
                       "fillColor": NO_NETWORK_COLOUR})


# The properties each practice carries in the browser (short: they travel per
# practice).
PRACTICE_KEYS = {"practice_name": "name", "practice_code": "code", "postcode": "pc",
                 "network_name": "net", "network_code": "nc", "patients": "pts"}


class PracticePoints(DataLayer):
    """Practices drawn in the browser from a compact array, as one canvas path.

    One row per practice (position, network index, code, name, postcode,
    patients) and each network once: about a quarter of the bytes of the same
    points as GeoJSON features, and one Leaflet layer instead of thousands
    (layers.js). Every text is escaped in Python first; the browser only
    joins escaped pieces.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.library() }}
        var {{ this.get_name() }} = L.pcnmapPractices(
            JSON.parse({{ this.networks }}), JSON.parse({{ this.rows }}),
            ["Practice", "ODS code", "Postcode", "Network", "Registered patients"]);
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, networks: list[list[str]], rows: list[list], name: str) -> None:
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "PracticePoints"
        self.networks = script_string(json.dumps(networks, separators=COMPACT))
        self.rows = script_string(json.dumps(rows, separators=COMPACT))


def practice_layer(practices: pd.DataFrame | tuple[list, list], colours: dict[str, str],
                   name: str, grid: float = LOCAL_PRECISION) -> PracticePoints:
    """All practices as one layer of circle markers, coloured by network (from a
    frame or from its :func:`practice_rows`)."""
    networks, rows = practices if isinstance(practices, tuple) else practice_rows(
        practices, colours, grid)
    return PracticePoints(networks, rows, name)


def practice_rows(practices: pd.DataFrame, colours: dict[str, str],
                  grid: float = LOCAL_PRECISION) -> tuple[list, list]:
    """The compact rows a practice layer draws: each network once, then one row
    per placed practice. Every text is escaped."""
    placed = practices.dropna(subset=["longitude", "latitude"])
    places = -round(np.log10(grid))
    network = placed["network_code"].where(placed["network_code"].notna(), None)
    codes = list(dict.fromkeys(network.tolist()))
    names = placed.drop_duplicates("network_code").set_index("network_code")["network_name"]
    networks = [[escape(code) if code else "", escape(names.get(code)) if code else
                 "In no network", colours.get(code, GAP_COLOUR)] for code in codes]
    index = {code: i for i, code in enumerate(codes)}
    patients = placed["registered"].map(lambda v: "no list size" if pd.isna(v) else f"{v:,.0f}")
    rows = [
        [round(lat, places), round(lon, places), index[net], escape(code), escape(label),
         escape(postcode), count]
        for lat, lon, net, code, label, postcode, count in zip(
            placed["latitude"], placed["longitude"], network, placed["practice_code"],
            placed["practice_name"], placed["postcode"], patients, strict=True)
    ]
    return networks, rows


def geojson_text(shapes: gpd.GeoDataFrame) -> str:
    """Boundaries as a GeoJSON document for download (list columns left out)."""
    listed = [c for c in shapes.columns
              if c != "geometry"
              and shapes[c].map(lambda v: isinstance(v, (list, np.ndarray))).any()]
    return shapes.drop(columns=listed).to_json()
