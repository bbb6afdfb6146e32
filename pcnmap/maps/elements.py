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
import pandas as pd
from branca.element import Element, Template

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
from pcnmap.maps.legend import DASHED, DOT, FILL, OUTLINE, TEXT, LegendEntry


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
