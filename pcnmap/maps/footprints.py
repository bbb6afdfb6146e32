"""What the Neighbourhoods map draws: each network in its footprint's
colour with its name, each footprint's outline, the practices on top and a
legend row per footprint; the same layers make the saved map and the
GeoJSON download."""

from __future__ import annotations

from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd
import shapely

from pcnmap import codes
from pcnmap.maps import layerdata
from pcnmap.maps.elements import (
    NETWORK_STYLE,
    LabelLayer,
    ManyShapes,
    PracticePoints,
    area_layer,
    place_labels,
)
from pcnmap.maps.escaping import escape_columns
from pcnmap.maps.legend import DOT, FILL, OUTLINE, LegendEntry
from pcnmap.model.neighbourhoods import Footprints, NetworkGraph
from pcnmap.shapes import Shapes

# Paul Tol's "light" scheme without its grey: pale enough for black names
# on top, told apart by colour-blind viewers (Tol, SRON/EPS/TN/09-002).
FOOTPRINT_PALETTE = ("#77AADD", "#EE8866", "#EEDD88", "#FFAABB", "#99DDFF", "#44BB99",
                     "#BBCC33", "#AAAA00")
LEFT_OUT_COLOUR = "#FFFFFF"
OUTLINE_COLOUR = "#000000"
# Network names from the zoom an ICB fills the map at.
NAMES_FROM_ZOOM = 8
# A legend row per footprint up to this many; past it, one row of a sample.
LEGEND_ROWS = 16
# All of England (minx, miny, maxx, maxy): the view when nothing is placed.
ENGLAND_VIEW = (-6.4, 49.8, 1.8, 55.9)


def footprint_colours(proposal: Footprints, graph: NetworkGraph) -> dict[str, str]:
    """A palette colour per footprint, footprints that touch told apart where
    the palette allows (greedy, in number order)."""
    neighbours: dict[str, set[str]] = {code: set() for code in proposal.codes}
    for a, b in zip(graph.touching["network_a"], graph.touching["network_b"], strict=True):
        fa, fb = proposal.assignment.get(a), proposal.assignment.get(b)
        if fa and fb and fa != fb:
            neighbours[fa].add(fb)
            neighbours[fb].add(fa)
    chosen: dict[str, str] = {}
    for number, code in enumerate(proposal.codes):
        used = {chosen[n] for n in neighbours[code] if n in chosen}
        start = number % len(FOOTPRINT_PALETTE)
        free = [FOOTPRINT_PALETTE[(start + step) % len(FOOTPRINT_PALETTE)]
                for step in range(len(FOOTPRINT_PALETTE))
                if FOOTPRINT_PALETTE[(start + step) % len(FOOTPRINT_PALETTE)] not in used]
        chosen[code] = free[0] if free else FOOTPRINT_PALETTE[start]
    return chosen


@dataclass(frozen=True)
class FootprintMapLayers:
    """The Neighbourhoods map's layers for one place and proposal.

    Attributes:
        bounds: The view to fit (minx, miny, maxx, maxy, degrees).
        networks: The networks' indicative boundaries, each in its
            footprint's colour, as GeoJSON text (None: none drawn).
        outlines: Each footprint's outline, GeoJSON text (None: none).
        practices: The practices, grouped by footprint.
        network_labels: Network names inside their boundaries.
        place_labels: District names in view.
        legend: (label, colour) per footprint, in number order.
        footprints: The footprints' outlines and figures, compactly (for the
            GeoJSON download).
    """

    bounds: tuple[float, float, float, float]
    networks: str | None
    outlines: str | None
    practices: layerdata.PracticeRows
    network_labels: list[list]
    place_labels: list[list]
    legend: tuple[tuple[str, str], ...]
    footprints: Shapes


def footprint_map_layers(proposal: Footprints, graph: NetworkGraph, practices: pd.DataFrame,
                         boundaries: gpd.GeoDataFrame, places: gpd.GeoDataFrame,
                         grid: float = layerdata.LOCAL_PRECISION) -> FootprintMapLayers:
    """The layers of the map of ``proposal``.

    Args:
        proposal: The footprints.
        graph: The place's networks.
        practices: The snapshot's practices (the place's networks' members
            are drawn).
        boundaries: The networks' indicative boundaries by the method
            (``network_code``, ``geometry``; others are left out).
        places: The local authority districts.
        grid: Decimal degrees kept (finer for an ICB than for England).

    Returns:
        The layers' data, every text escaped.
    """
    colours = footprint_colours(proposal, graph)
    label = {code: proposal.label(code) for code in proposal.codes}
    mine = boundaries[codes.one_of(boundaries["network_code"], graph.codes)]
    shapes = mine[["network_code", "geometry"]].merge(
        graph.networks[["network_code", "network_name", "patients"]], on="network_code")
    shapes = gpd.GeoDataFrame(shapes, geometry="geometry", crs=boundaries.crs)
    footprint = shapes["network_code"].map(proposal.assignment)
    shapes = shapes.assign(
        footprint=footprint.map(label).fillna("in no footprint"),
        colour=footprint.map(colours).fillna(LEFT_OUT_COLOUR),
        patients=shapes["patients"].map(lambda v: f"{v:,.0f}"))
    members = practices[codes.one_of(practices["network_code"], graph.codes)]
    grouped = members.assign(network_code=members["network_code"].map(proposal.assignment),
                             network_name=members["network_code"].map(
                                 proposal.assignment).map(label))
    outlines = _outlines(proposal, graph, shapes, label)
    view = shapes.total_bounds if len(shapes) else layerdata.view_around(shapes, members)
    bounds = tuple(float(v) for v in (view if view is not None else ENGLAND_VIEW))
    networks_text = layerdata.geojson(escape_columns(layerdata.rounded(
        shapes[["network_code", "network_name", "footprint", "patients", "colour",
                "geometry"]], grid), ["network_code", "network_name", "footprint"])) \
        if len(shapes) else None
    outline_text = layerdata.geojson(escape_columns(layerdata.rounded(
        outlines[["footprint", "patients", "geometry"]], grid), ["footprint"])) \
        if len(outlines) else None
    labelled = shapes.assign(registered=graph.networks.set_index("network_code")[
        "patients"].reindex(shapes["network_code"]).to_numpy())
    return FootprintMapLayers(
        bounds=bounds, networks=networks_text, outlines=outline_text,
        practices=layerdata.practice_rows(grouped, colours, grid),
        network_labels=layerdata.network_label_rows(labelled) if len(labelled) else [],
        place_labels=layerdata.place_label_rows(places, bounds),
        legend=tuple((label[code], colours[code]) for code in proposal.codes),
        footprints=Shapes.of(outlines))


def _outlines(proposal: Footprints, graph: NetworkGraph, shapes: gpd.GeoDataFrame,
              label: dict[str, str]) -> gpd.GeoDataFrame:
    """Each footprint's networks' boundaries as one outline, with its code,
    name, patients and networks."""
    patients = graph.networks.set_index("network_code")["patients"]
    rows = []
    for code in proposal.codes:
        members = proposal.members(code)
        geometry = shapely.union_all(shapes.loc[shapes["network_code"].isin(members),
                                                "geometry"].to_numpy())
        rows.append({"footprint_code": code, "footprint_name": proposal.name(code),
                     "footprint": label[code],
                     "patients": f"{patients.reindex(members).sum():,.0f}",
                     "networks": " ".join(members), "geometry": geometry})
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=shapes.crs) if rows else \
        gpd.GeoDataFrame({"footprint_code": [], "footprint_name": [], "footprint": [],
                          "patients": [], "networks": []}, geometry=[], crs=shapes.crs)
    return frame[~frame.geometry.is_empty].reset_index(drop=True)


# Network names on a projector: the canvas draws them at a fixed size, which
# the page's larger type does not reach.
LARGE_NAMES = "bold 16px sans-serif"


def add_footprint_layers(fmap: folium.Map, layers: FootprintMapLayers, *,
                         large: bool = False) -> folium.Map:
    """Put the footprint map's layers on ``fmap`` (a base map), in the order
    they are drawn: network areas, footprint outlines, practices, names
    (``large``: network names for a projector)."""
    if layers.networks:
        rows = tuple(LegendEntry("Networks by footprint", name, FILL, (colour,))
                     for name, colour in layers.legend[:LEGEND_ROWS])
        if len(layers.legend) > LEGEND_ROWS:
            rows += (LegendEntry("Networks by footprint",
                                 f"and {len(layers.legend) - LEGEND_ROWS:,} more footprints",
                                 FILL, tuple(c for _, c in layers.legend[LEGEND_ROWS:][:6])),)
        area_layer(layers.networks, "Networks by footprint",
                   [("network_name", "Network (indicative boundary)"), ("network_code", "Code"),
                    ("footprint", "Footprint"), ("patients", "Registered patients")],
                   legend=rows).add_to(fmap)
    if layers.outlines:
        ManyShapes(layers.outlines, "Footprint outlines",
                   [("footprint", "Footprint"), ("patients", "Registered patients")],
                   {"color": OUTLINE_COLOUR, "weight": 3.5, "fill": False,
                    "highlightWeight": 6},
                   legend=(LegendEntry("Footprint outlines", "Footprint outlines", OUTLINE,
                                       (OUTLINE_COLOUR,)),)).add_to(fmap)
    sample = tuple(colour for _, colour in layers.legend[:5]) or (FOOTPRINT_PALETTE[0],)
    PracticePoints(layers.practices, "Practices", group_label="Footprint",
                   legend=(LegendEntry("Practices", "Practices, in their footprint's colour",
                                       DOT, sample),)).add_to(fmap)
    place_labels(layers.place_labels).add_to(fmap)
    if layers.network_labels:
        LabelLayer(layers.network_labels, "Network names",
                   {**NETWORK_STYLE, "minZoom": NAMES_FROM_ZOOM,
                    **({"font": LARGE_NAMES} if large else {})},
                   f"Network names (from zoom {NAMES_FROM_ZOOM})").add_to(fmap)
    return fmap

