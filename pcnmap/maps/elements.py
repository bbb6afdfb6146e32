"""pcnmap's folium elements and their browser script (``layers.js``, beside
this file).

Practices and network boundaries are each one canvas path (layers.js),
never thousands of marker or polygon objects. The texts they carry were
escaped first (:mod:`pcnmap.maps.escaping`).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Element, Template

from pcnmap.maps.assets import MapAssets, use_assets
from pcnmap.maps.colours import NO_NETWORK_COLOUR
from pcnmap.maps.escaping import escape, script_string
from pcnmap.maps.layerdata import (
    COMPACT,
    LOCAL_PRECISION,
    commissioner_geojson,
    network_geojson,
    practice_rows,
)

ENGLAND_CENTRE = (52.8, -1.6)


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
