"""A map's frame: the base map it starts from (fitted, named, offline when
it must be), its legend and layer list, and its taking apart once drawn.

The layers drawn on it are :mod:`pcnmap.maps.elements`.
"""

from __future__ import annotations

import folium
import numpy as np
from branca.element import MacroElement, Template
from folium.map import Layer, LayerControl

from pcnmap.maps.assets import MapAssets, use_assets
from pcnmap.maps.elements import ManyShapes
from pcnmap.maps.escaping import script_string
from pcnmap.maps.legend import FILL, LegendEntry, legend_html

ENGLAND_CENTRE = (52.8, -1.6)
# folium's page asks browsers not to let anyone zoom the page (WCAG 1.4.4,
# axe's meta-viewport): its map's page allows it.
NO_ZOOM = "maximum-scale=1.0, user-scalable=no"


class ZoomableMap(folium.Map):
    """folium's map whose page a person may zoom: its own header, script and
    HTML, less the viewport setting that forbids zooming."""

    _template = Template("""
        {% macro header(this, kwargs) %}{{ this.folium_part("header", kwargs) }}{% endmacro %}
        {% macro html(this, kwargs) %}{{ this.folium_part("html", kwargs) }}{% endmacro %}
        {% macro script(this, kwargs) %}{{ this.folium_part("script", kwargs) }}{% endmacro %}
    """)

    def folium_part(self, part: str, kwargs: dict) -> str:
        """The map's ``part`` as folium writes it, with zooming allowed."""
        text = str(getattr(folium.Map._template.module, part)(self, kwargs))
        return text.replace(NO_ZOOM, "user-scalable=yes") if part == "header" else text


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
    fmap = ZoomableMap(location=ENGLAND_CENTRE, zoom_start=6, tiles=None, prefer_canvas=True,
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
