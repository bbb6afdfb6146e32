"""Maps leaving the app as files: named by what they show, carrying their
title, legend, labels and the data's attribution lines, and drawing from
disk with no internet (Leaflet and layers.js inlined)."""

from __future__ import annotations

import json
import re

import folium
import geopandas as gpd

from pcnmap.maps import layerdata
from pcnmap.maps.assets import standalone_html
from pcnmap.maps.basemap import Legend, legend_of
from pcnmap.maps.escaping import escape
from pcnmap.model.methods import INDICATIVE_NOTE


def file_part(text: str) -> str:
    """``text`` as a file name part: letters, digits and dashes only."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-") or "map"


def map_file_name(kind: str, snapshot: str, place: str, extension: str) -> str:
    """A download's name from what it shows, say
    ``pcnmap-network-map-2026-07-00X.html``."""
    return f"pcnmap-{file_part(kind)}-{file_part(snapshot)}-{file_part(place)}.{extension}"


def saved_map_html(fmap: folium.Map, title: str, attribution: tuple[str, ...]) -> str:
    """The map as one HTML file that works opened from disk with no internet.

    Its page title and legend title are ``title`` (the map, the place, the
    snapshot); the legend lists every layer and shows the attribution lines
    in full. A map without a legend gets one.
    """
    legend = legend_of(fmap)
    if legend is None:
        legend = Legend()
        legend.add_to(fmap)
    legend.title = title
    legend.attribution = attribution
    legend.open_sources = True
    return standalone_html(fmap, escape(title))


def geojson_document(shapes: gpd.GeoDataFrame, title: str, attribution: tuple[str, ...],
                     note: str = INDICATIVE_NOTE) -> str:
    """Boundaries as a GeoJSON document for download, carrying its title, the
    method's caveat and the attribution lines as members of the collection
    (RFC 7946 allows such members; GIS programs keep or ignore them). Each
    feature keeps its name; list columns are left out."""
    document = json.loads(layerdata.geojson_text(shapes))
    return json.dumps({"type": "FeatureCollection", "name": title, "description": note,
                       "attribution": list(attribution), "features": document["features"]})
