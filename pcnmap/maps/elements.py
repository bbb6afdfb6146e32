"""pcnmap's folium elements and their browser script (``layers.js``, beside
this file).

Practices and network boundaries are each one canvas path (layers.js),
never thousands of marker or polygon objects. The texts they carry were
escaped first (:mod:`pcnmap.maps.escaping`).
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement, Template
from folium.map import Layer, LayerControl

from pcnmap.maps.assets import MapAssets, use_assets
from pcnmap.maps.colours import GAP_COLOUR, NO_NETWORK_COLOUR, PALETTE
from pcnmap.maps.escaping import escape, script_string
from pcnmap.maps.layerdata import (
    COMPACT,
    LOCAL_PRECISION,
    PracticeRows,
    commissioner_geojson,
    network_geojson,
    practice_rows,
)
from pcnmap.maps.legend import DASHED, DOT, FILL, OUTLINE, TEXT, LegendEntry, legend_html

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

    # The legend's rows for this layer (a Legend on the map collects them).
    legend: tuple[LegendEntry, ...] = ()

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
        {% if this.show %}{{ this.get_name() }}.addTo({{ this._parent.get_name() }});{% endif %}
        {% endmacro %}
    """)

    def __init__(self, text: str, name: str, fields: list[tuple[str, str]], style: dict,
                 control: bool = True, *, overlay: bool = True,
                 legend: tuple[LegendEntry, ...] = ()) -> None:
        super().__init__(name=name, overlay=overlay, control=control, show=True)
        self._name = "ManyShapes"
        self.data = _layer_literal(text)
        self.fields = json.dumps([[key, escape(label)] for key, label in fields])
        self.style = json.dumps(style)
        self.legend = legend


# Base layers named for what they draw: the plain outline needs no internet,
# the tiles do (and only they carry OpenStreetMap's attribution).
PLAIN_BASEMAP = "Plain outline of England (works offline)"
TILES_BASEMAP = "OpenStreetMap tiles (need internet)"


def base_map(
    bounds: tuple[float, float, float, float] | None = None,
    *,
    assets: MapAssets | None = None,
    england: str | None = None,
    tiles: str | None = "OpenStreetMap",
    name: str = "Map",
) -> folium.Map:
    """A canvas-rendered map fitted to ``bounds`` (minx, miny, maxx, maxy),
    named ``name`` for those who cannot see it (its frame's title and its
    region's label), filling whatever frame holds it.

    With ``assets`` Leaflet loads from there instead of a CDN. With
    ``england`` (its outline's GeoJSON text) the base layer is a plain
    outline of England, so the map reads where no tile server can be
    reached; ``tiles`` are then a second base layer, off until chosen, so
    their attribution shows only when they are drawn.
    """
    fmap = folium.Map(location=ENGLAND_CENTRE, zoom_start=6, tiles=None, prefer_canvas=True,
                      control_scale=True)
    FrameFit(name).add_to(fmap)
    if assets is not None:
        use_assets(fmap, assets)
    if england is not None:
        ManyShapes(england, PLAIN_BASEMAP, [],
                   {"color": "#9a9a9a", "weight": 1, "fillColor": "#f2efe9", "fillOpacity": 0.6,
                    "interactive": False, "back": True}, overlay=False,
                   legend=(LegendEntry(PLAIN_BASEMAP, "England (plain outline, no map tiles)",
                                       FILL, ("#f2efe9",), base=True),)).add_to(fmap)
    if tiles is not None:
        layer = folium.TileLayer(tiles, name=TILES_BASEMAP, overlay=False, control=True,
                                 show=england is None)
        layer.legend = (LegendEntry(TILES_BASEMAP, "OpenStreetMap tiles (need internet)",
                                    FILL, ("#e8e4d8",), base=True, shown=england is None),)
        layer.add_to(fmap)
    if bounds is not None and np.all(np.isfinite(bounds)):
        fmap.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    return fmap


# The least height of a map's frame (pixels): a phone held sideways.
LEAST_HEIGHT = 320


class FrameFit(MacroElement):
    """The map fills its frame, and its frame the rest of the screen below
    it (at least :data:`LEAST_HEIGHT`; a map lower on a page three
    quarters of the screen), so the whole map, its legend and scale are in
    view at once, at any window size, in either mode. It says what it is:
    the frame's title and the map's label are ``name`` (the map component's
    own title, "streamlit_folium.st_folium", says nothing to a screen
    reader)."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>html, body {height: 100%; margin: 0;}
        #map_div, #map_div2, .folium-map {height: 100vh !important;}</style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function (map, name) {
          var box = map.getContainer();
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", name);
          function fit() {
            try {
              var frame = window.frameElement, room = window.parent.innerHeight;
              if (!frame) { return; }
              frame.setAttribute("title", name);
              var top = frame.getBoundingClientRect().top;
              var height = top > 0 && top < room * 0.6 ? room - top - 12 : room * 0.75;
              frame.style.height = Math.round(Math.max({{ this.least }}, height)) + "px";
            } catch (error) {}
            map.invalidateSize();
          }
          fit();
          setTimeout(fit, 400);
          setTimeout(fit, 1500);
          try { window.parent.addEventListener("resize", fit); } catch (error) {}
          window.addEventListener("resize", function () { map.invalidateSize(); });
        })({{ this._parent.get_name() }}, {{ this.name_json }});
        {% endmacro %}
    """)

    def __init__(self, name: str) -> None:
        super().__init__()
        self._name = "FrameFit"
        self.name_json = script_string(name)
        self.least = LEAST_HEIGHT


def area_layer(shapes: str, name: str, fields: list[tuple[str, str]],
               colour: str | None = None, *, legend: tuple[LegendEntry, ...] | None = None
               ) -> ManyShapes:
    """Areas (GeoJSON text, properties escaped) filled with ``colour``, or each
    with its own ``colour`` property, drawn as one canvas path (its legend
    row says ``name`` in ``colour`` unless ``legend`` is given)."""
    style = {"color": "#333333", "weight": 1, "fillOpacity": 0.6}
    if colour:
        style.update(color=colour, fillColor=colour, fillOpacity=0.5)
    rows = legend if legend is not None else (
        LegendEntry(name, name, FILL, (colour or NO_NETWORK_COLOUR,)),)
    return ManyShapes(shapes, name, fields, style, legend=rows)


def commissioner_layer(commissioners: gpd.GeoDataFrame | str, name: str,
                       grid: float = LOCAL_PRECISION, *, colour: str = "#222222",
                       label: str | None = None) -> ManyShapes:
    """Commissioner outlines with their names on hover (from a frame or its
    GeoJSON), drawn in ``colour``; ``label`` is its legend row (``name``)."""
    text = commissioners if isinstance(commissioners, str) else commissioner_geojson(
        commissioners, grid)
    return ManyShapes(text, name, [("commissioner_name", "Commissioner"),
                                   ("commissioner_code", "Code")],
                      {"color": colour, "weight": 2.5, "fill": False, "highlightWeight": 4},
                      legend=(LegendEntry(name, label or name, OUTLINE, (colour,)),))


# A feature's colour in a layer's GeoJSON text, for the legend's sample of
# the colours the layer draws.
_COLOUR_PROPERTY = re.compile(r'"colour":"(#[0-9A-Fa-f]{6})"')


def network_layer(boundaries: gpd.GeoDataFrame | str, colours: dict[str, str], name: str,
                  grid: float = LOCAL_PRECISION, *, dashed: str | None = None,
                  label: str | None = None, swatch: tuple[str, ...] = ()) -> ManyShapes:
    """Derived network boundaries, filled by network colour (indicative).

    With ``dashed`` (a colour) they are drawn as dashed outlines instead,
    unfilled: a layer that must read over another's fill without mixing
    with it. ``label`` is the legend row (``name`` by default), ``swatch``
    its colours (a sample of the colours the layer draws by default).
    """
    text = boundaries if isinstance(boundaries, str) else network_geojson(
        boundaries, colours, grid)
    fields = [("network_name", "Network (indicative boundary)"), ("network_code", "Code"),
              ("patients", "Registered patients")]
    if dashed:
        return ManyShapes(text, name, fields,
                          {"color": dashed, "weight": 3, "fill": False, "highlightWeight": 5,
                           "dashArray": [7, 4]},
                          legend=(LegendEntry(name, label or name, DASHED, (dashed,)),))
    shown = swatch or tuple(dict.fromkeys(_COLOUR_PROPERTY.findall(text)))[:6] or PALETTE[:6]
    return ManyShapes(text, name, fields,
                      {"color": "#555555", "weight": 1, "fillOpacity": 0.35,
                       "fillColor": NO_NETWORK_COLOUR},
                      legend=(LegendEntry(name, label or f"{name}: a colour per network",
                                          FILL, shown),))


class PracticePoints(DataLayer):
    """Practices drawn in the browser from a compact array, as one canvas path.

    One row per practice (position, group index, code, name, postcode,
    patients) and each group (its network, or another grouping) once: about
    a quarter of the bytes of the same points as GeoJSON features, and one
    Leaflet layer instead of thousands (layers.js). Every text is escaped in
    Python first; the browser only joins escaped pieces.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.library() }}
        var {{ this.get_name() }} = L.pcnmapPractices(
            JSON.parse({{ this.networks }}), JSON.parse({{ this.rows }}), {{ this.labels }});
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, practices: PracticeRows, name: str,
                 group_label: str = "Network", legend: tuple[LegendEntry, ...] = ()) -> None:
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "PracticePoints"
        self.networks = script_string(json.dumps(practices.networks, separators=COMPACT))
        self.rows = script_string(practices.rows)
        self.labels = json.dumps(["Practice", "ODS code", "Postcode", escape(group_label),
                                  "Registered patients"])
        self.legend = legend


def practice_layer(practices: pd.DataFrame | PracticeRows, colours: dict[str, str],
                   name: str, grid: float = LOCAL_PRECISION) -> PracticePoints:
    """All practices as one layer of circle markers, coloured by network (from a
    frame or from its :func:`practice_rows`)."""
    encoded = practices if isinstance(practices, PracticeRows) else practice_rows(
        practices, colours, grid)
    networks, drawn = encoded.networks, encoded.drawn
    sample = tuple(dict.fromkeys(n[2] for i, n in enumerate(networks)
                                 if i in drawn and n[0]))[:5]
    legend = [LegendEntry(name, f"{name}, in their network's colour", DOT,
                          sample or (PALETTE[0],))] if sample else []
    if any(not n[0] for i, n in enumerate(networks) if i in drawn):
        legend.append(LegendEntry(name, f"{name} in no network" if sample else name, DOT,
                                  (GAP_COLOUR,)))
    return PracticePoints(encoded, name, legend=tuple(legend))


def grouped_practice_layer(practices: pd.DataFrame, group: str, colours: dict[str, str],
                           name: str, group_label: str,
                           grid: float = LOCAL_PRECISION) -> PracticePoints:
    """Practices coloured by another grouping than their network: ``group``
    names a column pair ``<group>_code`` and ``<group>_name`` (say
    "commissioner": each practice in its own commissioner's colour), one
    legend row per group drawn."""
    placed = practices.dropna(subset=["longitude", "latitude"])
    renamed = placed.drop(columns=["network_code", "network_name"], errors="ignore").rename(
        columns={f"{group}_code": "network_code", f"{group}_name": "network_name"})
    encoded = practice_rows(renamed, colours, grid)
    legend = tuple(LegendEntry(name, f"Members whose {group_label} is {n[0]}" if n[0] else
                               f"Members with no {group_label}", DOT, (n[2],))
                   for n in encoded.networks)
    return PracticePoints(encoded, name, group_label=f"Own {group_label}", legend=legend)


class LabelLayer(DataLayer):
    """Names drawn on the map's canvas as one layer (layers.js PcnmapLabels),
    placed so that none covers another, the first rows first; none below the
    style's ``minZoom``. Rows are [latitude, longitude, escaped text]."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.library() }}
        var {{ this.get_name() }} = L.pcnmapLabels(JSON.parse({{ this.rows }}), {{ this.style }});
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, rows: list[list], name: str, style: dict, label: str) -> None:
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "LabelLayer"
        self.rows = script_string(json.dumps(rows, separators=COMPACT))
        self.style = json.dumps(style)
        self.legend = (LegendEntry(name, label, TEXT, (style.get("color", "#333333"),)),)


# How each kind of name is drawn, and from which zoom: district names from
# England's whole view (the largest first, as many as fit), network names
# once a town fills the map.
PLACE_STYLE = {"font": "italic 12px sans-serif", "color": "#4a4a4a", "minZoom": 6}
NETWORK_STYLE = {"font": "bold 11px sans-serif", "color": "#1a1a1a", "minZoom": 11}
COMMISSIONER_STYLE = {"font": "bold 13px sans-serif", "color": "#000000", "minZoom": 0}


def place_labels(rows: list[list], name: str = "Place names") -> LabelLayer:
    """Local authority district names (from :func:`place_label_rows`)."""
    return LabelLayer(rows, name, PLACE_STYLE, "Place names (local authority districts)")


# Up to this many networks (an ICB's), their names show at every zoom (the
# labels never overlap: those that do not fit wait for a closer view), so a
# network is told by its name, not its colour alone; England's 1,300 from
# zoom 11.
NAMED_AT_ANY_ZOOM = 120


def network_labels(rows: list[list], name: str = "Network names") -> LabelLayer:
    """Network names at their boundaries (from :func:`network_label_rows`):
    at every zoom for a place of up to :data:`NAMED_AT_ANY_ZOOM` networks,
    else from zoom 11, where a name fits its network."""
    if len(rows) <= NAMED_AT_ANY_ZOOM:
        return LabelLayer(rows, name, {**NETWORK_STYLE, "minZoom": 0},
                          "Network names (each network named where it has room)")
    return LabelLayer(rows, name, NETWORK_STYLE, "Network names (from zoom 11)")


def commissioner_labels(rows: list[list], name: str, colour: str = "#000000") -> LabelLayer:
    """Commissioner names inside their outlines, at every zoom."""
    return LabelLayer(rows, name, {**COMMISSIONER_STYLE, "color": colour}, name)


class Legend(MacroElement):
    """A map's legend: a row for every layer on the map (each layer's own
    ``legend`` rows, in the order they were added), hidden while its layer
    is switched off; a title and the attribution lines (see
    :func:`pcnmap.maps.legend.legend_html`)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
          // The layer control at the legend's size: at Leaflet's own it
          // covers a third of a laptop's map.
          if (!document.getElementById("pcnmap-control-style")) {
            var style = document.createElement("style");
            style.id = "pcnmap-control-style";
            style.textContent = ".leaflet-control-layers{font:12px/1.35 sans-serif}" +
              ".leaflet-control-layers label{margin:1px 0}";
            document.head.appendChild(style);
          }
          var legend = L.control({position: "bottomleft"});
          legend.onAdd = function () {
            var box = L.DomUtil.create("div", "pcnmap-legend leaflet-control");
            box.style.cssText = "background:rgba(255,255,255,0.93);padding:6px 8px;" +
              "border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,0.35);color:#222;" +
              "font:12px/1.35 sans-serif;max-width:260px;max-height:45vh;overflow:auto";
            box.innerHTML = {{ this.html }};
            L.DomEvent.disableClickPropagation(box);
            L.DomEvent.disableScrollPropagation(box);
            return box;
          };
          legend.addTo(map);
          function rows() {
            return Array.prototype.slice.call(
              legend.getContainer().querySelectorAll(".pcnmap-legend-row"));
          }
          function show(name, shown) {
            rows().forEach(function (row) {
              if (row.getAttribute("data-layer") === name) {
                row.style.display = shown ? "" : "none";
              }
            });
          }
          map.on("overlayadd", function (e) { show(e.name, true); });
          map.on("overlayremove", function (e) { show(e.name, false); });
          map.on("baselayerchange", function (e) {
            rows().forEach(function (row) {
              if (row.getAttribute("data-base") === "1") {
                row.style.display = row.getAttribute("data-layer") === e.name ? "" : "none";
              }
            });
          });
          map.pcnmapLegend = legend;
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, title: str = "", attribution: tuple[str, ...] = (),
                 open_sources: bool = False) -> None:
        super().__init__()
        self._name = "Legend"
        self.title = title
        self.attribution = attribution
        self.open_sources = open_sources
        self.html = ""

    def entries(self) -> list[LegendEntry]:
        """The rows of every layer on the map, in the order they were added."""
        return [entry for child in self._parent._children.values()
                for entry in getattr(child, "legend", ())]

    def render(self, **kwargs) -> None:
        """Write the legend's HTML (from the map's layers as they are now)."""
        self.html = script_string(legend_html(self.entries(), title=self.title,
                                              attribution=self.attribution,
                                              open_sources=self.open_sources))
        super().render(**kwargs)


def finish_map(fmap: folium.Map, *, title: str = "", attribution: tuple[str, ...] = (),
               open_sources: bool = False) -> folium.Map:
    """Add the legend (a row per layer already added) and the layer control:
    call once every layer is on ``fmap``."""
    Legend(title, attribution, open_sources).add_to(fmap)
    control = LayerControl(collapsed=True)
    control.add_to(fmap)
    OpenOnWideMaps(control).add_to(fmap)
    return fmap


class OpenOnWideMaps(MacroElement):
    """The layer list open where the map is wide enough for it, folded to
    its button on a small map (a laptop's half screen), where open it
    covered a quarter of the map."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
          // Open on a wide map at the usual type size; folded on a small one,
          // and on a projector, where open it covered a third of the map.
          var scale = parseFloat(window.getComputedStyle(document.documentElement)
            .getPropertyValue("--pcnmap-label-scale")) || 1;
          if (map.getSize().x >= {{ this.wide }} && scale <= 1) {
            {{ this.control }}.expand();
          }
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, control: LayerControl, wide: int = 900) -> None:
        super().__init__()
        self._name = "OpenOnWideMaps"
        self.control, self.wide = control.get_name(), wide


def legend_of(fmap: folium.Map) -> Legend | None:
    """The map's legend, if it has one."""
    return next((child for child in fmap._children.values() if isinstance(child, Legend)),
                None)


def layer_names(fmap: folium.Map) -> list[str]:
    """The names of the layers a map's layer control lists."""
    return [child.layer_name for child in fmap._children.values()
            if isinstance(child, Layer) and child.control]


def take_apart(fmap: folium.Map) -> None:
    """Unlink a drawn map's elements from each other.

    A folium map is a tree whose every element points back at its parent: a
    cycle, which only a full garbage collection frees, holding the layers'
    text (megabytes for all of England). Once the map's HTML is made, taken
    apart it is freed as soon as it is dropped. Do not draw it again after.
    """
    root = fmap.get_root()
    stack = [root, *(getattr(root, part, None) for part in ("header", "html", "script"))]
    while stack:
        element = stack.pop()
        if element is None:
            continue
        children = getattr(element, "_children", None)
        if children:
            stack.extend(children.values())
            children.clear()
        if getattr(element, "_parent", None) is not None:
            element._parent = None
