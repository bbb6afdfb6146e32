"""What the network map draws for one selection (a commissioner, or a
region and STP/ICB, or all of England): which layers, at which scale."""

from __future__ import annotations

from dataclasses import dataclass

import branca.colormap
import geopandas as gpd
import pandas as pd

from pcnmap import codes
from pcnmap.maps import layerdata
from pcnmap.maps.escaping import escape_columns
from pcnmap.shapes import Shapes


@dataclass(frozen=True)
class NetworkMapLayers:
    """The network map's layers for one selection, ready for its elements.

    Attributes:
        bounds: The view to fit (minx, miny, maxx, maxy, degrees).
        commissioners: The chosen commissioners' outlines as GeoJSON text.
        networks: The networks' indicative boundaries as GeoJSON text (None: none).
        practices: The practice layer's rows (:func:`layerdata.practice_rows`).
        derived: The boundaries drawn, compactly (for the GeoJSON download).
        place_labels: District names in view (:func:`layerdata.place_label_rows`).
        network_labels: Network names (:func:`layerdata.network_label_rows`).
        place: The selection in a file name: the commissioner's, STP/ICB's or
            region's code, or "england".
    """

    bounds: tuple[float, float, float, float]
    commissioners: str
    networks: str | None
    practices: layerdata.PracticeRows
    derived: Shapes
    place_labels: list[list]
    network_labels: list[list]
    place: str


def network_map_layers(practices: pd.DataFrame, *, commissioners: set[str], local: bool,
                       method: str, local_outlines: gpd.GeoDataFrame,
                       national_outlines: gpd.GeoDataFrame,
                       local_boundaries: gpd.GeoDataFrame | Shapes,
                       national_boundaries: gpd.GeoDataFrame | Shapes, places: gpd.GeoDataFrame,
                       colours: dict[str, str], place: str) -> NetworkMapLayers:
    """The layers of the network map for one place.

    A commissioner is drawn in local detail (its outline and boundaries at
    100 m, positions to the metre); a region, STP/ICB or all of England at
    national scale (1 km boundaries on a 100 m grid), as many networks at
    once would otherwise be megabytes.

    Args:
        practices: The practices to draw: the place's, and every member of
            a network with a member in it (so each network is drawn whole).
        commissioners: The place's commissioners (their outlines drawn).
        local: Whether to draw in local detail.
        method: The boundary method drawn.
        local_outlines: Commissioner outlines at local detail.
        national_outlines: Commissioner outlines at national scale.
        local_boundaries: Network boundaries at local detail (every method).
        national_boundaries: Network boundaries at national scale (every method).
        places: The local authority districts (the ``places`` table).
        colours: Each network's colour.
        place: The place in a file name.

    Returns:
        The layers' data, every text escaped.
    """
    if local:
        outlines, derived = local_outlines, local_boundaries
        grid = practice_grid = layerdata.LOCAL_PRECISION
    else:
        outlines, derived = national_outlines, national_boundaries
        grid, practice_grid = layerdata.NATIONAL_PRECISION, 1e-4
    outlines = outlines[codes.one_of(outlines["commissioner_code"], sorted(commissioners))]
    drawn = derived[(derived["method"] == method)
                    & codes.one_of(derived["network_code"], practices["network_code"])]
    bounds = tuple(float(v) for v in outlines.total_bounds)
    return NetworkMapLayers(
        bounds=bounds,
        commissioners=layerdata.commissioner_geojson(outlines, grid),
        networks=layerdata.network_geojson(drawn, colours, grid) if len(drawn) else None,
        practices=layerdata.practice_rows(practices, colours, practice_grid),
        # Compact: the layers are cached, and this is wanted only for a download.
        derived=Shapes.of(drawn),
        place_labels=layerdata.place_label_rows(places, bounds),
        network_labels=layerdata.network_label_rows(drawn) if len(drawn) else [],
        place=place,
    )


# The coverage-gaps map's two network layers: a fill for small networks, a
# dashed outline for non-contiguous ones, so a network that is both reads as
# both (two fills would blend to grey).
UNDER_COLOUR = "#EE7733"
SPLIT_COLOUR = "#0077BB"


@dataclass(frozen=True)
class CoverageGaps:
    """The coverage-gaps map's layers for one place.

    Attributes:
        bounds: The view to fit (minx, miny, maxx, maxy).
        commissioners: The commissioners' outlines as GeoJSON text.
        uncovered: Areas nearest a practice in no network, GeoJSON text (None: none).
        under: Networks under 30,000 patients, GeoJSON text (None: none).
        split_shapes: Non-contiguous networks' boundaries, GeoJSON text (None: none).
        practices: Practice rows of the practices in no network.
        place_labels: District names in view.
        place: The place in a file name.
    """

    bounds: tuple[float, float, float, float]
    commissioners: str
    uncovered: str | None
    under: str | None
    split_shapes: str | None
    practices: layerdata.PracticeRows
    place_labels: list[list]
    place: str


def coverage_gap_layers(practices: pd.DataFrame, *, unaligned: pd.DataFrame,
                        areas: pd.DataFrame, under: pd.DataFrame, split: pd.DataFrame,
                        outlines: gpd.GeoDataFrame, uncovered: gpd.GeoDataFrame,
                        boundaries: gpd.GeoDataFrame | Shapes, places: gpd.GeoDataFrame,
                        method: str, place: str) -> CoverageGaps:
    """The coverage-gaps map of one place, from what the place selected.

    Args:
        practices: The place's practices.
        unaligned: Its practices with patients in no network.
        areas: Its LSOAs nearest a practice in no network.
        under: Its networks under 30,000 patients.
        split: Its non-contiguous networks.
        outlines: Its commissioners' outlines (local detail).
        uncovered: Every uncovered area's shape (those of ``areas`` drawn).
        boundaries: Network boundaries (local detail for a commissioner,
            national scale otherwise).
        places: The local authority districts.
        method: The boundary method.
        place: The place in a file name.

    Returns:
        The layers' data, every text escaped.
    """
    uncovered = uncovered[codes.one_of(uncovered["practice_code"], areas["practice_code"])]

    def layer(network_codes: pd.Series, colour: str) -> str | None:
        # One selection: shapes.Shapes makes geometries only for the rows picked.
        picked = boundaries[(boundaries["method"] == method)
                            & codes.one_of(boundaries["network_code"], network_codes)]
        return layerdata.network_geojson(picked, dict.fromkeys(picked["network_code"], colour)) \
            if len(picked) else None

    bounds = tuple(float(v) for v in outlines.total_bounds)
    return CoverageGaps(
        bounds=bounds,
        commissioners=layerdata.commissioner_geojson(outlines),
        uncovered=layerdata.geojson(layerdata.rounded(escape_columns(
            uncovered[["practice_code", "area_km2", "geometry"]], ["practice_code"])))
        if len(uncovered) else None,
        under=layer(under["network_code"], UNDER_COLOUR),
        split_shapes=layer(split["network_code"], SPLIT_COLOUR),
        practices=layerdata.practice_rows(practices[codes.one_of(
            practices["practice_code"], unaligned["practice_code"])], {}),
        place_labels=layerdata.place_label_rows(places, bounds),
        place=place,
    )


@dataclass(frozen=True)
class PerPatientMap:
    """The funding map's layer: networks coloured by their £ per patient.

    Attributes:
        shapes: The boundaries as GeoJSON text, each with its ``colour`` and
            ``per_patient`` (written as money), names escaped.
        low: The lowest £ per patient drawn.
        high: The highest.
        scale: The scale's colours at its low end, middle and high end.
        bounds: The view to fit (minx, miny, maxx, maxy).
    """

    shapes: str
    low: float
    high: float
    scale: tuple[str, str, str]
    bounds: tuple[float, float, float, float]


def per_patient_map(boundaries: gpd.GeoDataFrame, per_patient: pd.Series
                    ) -> PerPatientMap | None:
    """Networks' boundaries coloured by their £ per patient (``per_patient``
    by network code) on the viridis scale from the lowest to the highest;
    None when none is drawn."""
    if boundaries.empty:
        return None
    low, high = float(per_patient.min()), float(per_patient.max())
    scale = branca.colormap.linear.viridis.scale(low, high)
    shapes = layerdata.rounded(boundaries[["network_code", "network_name", "geometry"]])
    value = shapes["network_code"].map(per_patient)
    shapes["per_patient"] = value.map(lambda v: f"£{v:,.2f}")
    shapes["colour"] = value.map(lambda v: scale(v)[:7])  # the hex colour, no alpha
    shapes = escape_columns(shapes, ["network_code", "network_name"])
    return PerPatientMap(layerdata.geojson(shapes), low, high,
                         (scale(low)[:7], scale((low + high) / 2)[:7], scale(high)[:7]),
                         tuple(float(v) for v in boundaries.total_bounds))
