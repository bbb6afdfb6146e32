"""What the network map draws for one selection (a commissioner, or a
region and STP/ICB, or all of England): which layers, at which scale."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from pcnmap import codes
from pcnmap.maps import layerdata
from pcnmap.model import lookup


@dataclass(frozen=True)
class NetworkMapLayers:
    """The network map's layers for one selection, ready for its elements.

    Attributes:
        bounds: The view to fit (minx, miny, maxx, maxy, degrees).
        commissioners: The chosen commissioners' outlines as GeoJSON text.
        networks: The networks' indicative boundaries as GeoJSON text (None: none).
        practices: The practice layer's rows (:func:`layerdata.practice_rows`).
        derived: The boundaries drawn (for the GeoJSON download).
        place_labels: District names in view (:func:`layerdata.place_label_rows`).
        network_labels: Network names (:func:`layerdata.network_label_rows`).
        place: The selection in a file name: the commissioner's, STP/ICB's or
            region's code, or "england".
    """

    bounds: tuple[float, float, float, float]
    commissioners: str
    networks: str | None
    practices: tuple[list, list]
    derived: gpd.GeoDataFrame
    place_labels: list[list]
    network_labels: list[list]
    place: str


def place_name(commissioner: str | None, region: str | None, area: str | None) -> str:
    """The selection as a file name part: the narrowest place chosen."""
    return commissioner or area or region or "england"


def network_map_layers(practices: pd.DataFrame, *, commissioner: str | None,
                       region: str | None, area: str | None, method: str,
                       local_outlines: gpd.GeoDataFrame, national_outlines: gpd.GeoDataFrame,
                       local_boundaries: gpd.GeoDataFrame,
                       national_boundaries: gpd.GeoDataFrame, places: gpd.GeoDataFrame,
                       colours: dict[str, str]) -> NetworkMapLayers:
    """The layers of the network map for one selection.

    A commissioner is drawn in local detail (its outline and boundaries at
    100 m, positions to the metre) with the practices serving it; a region,
    STP/ICB or all of England at national scale (1 km boundaries on a 100 m
    grid), as many networks at once would otherwise be megabytes.

    Args:
        practices: The snapshot's practices.
        commissioner: The chosen commissioner's code, or None.
        region: The chosen NHS region's code, or None (any).
        area: The chosen STP/ICB's code, or None (any).
        method: The boundary method drawn.
        local_outlines: Commissioner outlines at local detail.
        national_outlines: Commissioner outlines at national scale.
        local_boundaries: Network boundaries at local detail (every method).
        national_boundaries: Network boundaries at national scale (every method).
        places: The local authority districts (the ``places`` table).
        colours: Each network's colour.

    Returns:
        The layers' data, every text escaped.
    """
    if commissioner:
        chosen = lookup.serving(practices, commissioner)
        outlines = local_outlines[local_outlines["commissioner_code"] == commissioner]
        derived, grid, practice_grid = local_boundaries, layerdata.LOCAL_PRECISION, \
            layerdata.LOCAL_PRECISION
    else:
        chosen = lookup.within_area(practices, region, area)
        outlines = national_outlines[codes.one_of(national_outlines["commissioner_code"],
                                                  chosen["commissioner_code"].unique())]
        derived, grid, practice_grid = national_boundaries, layerdata.NATIONAL_PRECISION, 1e-4
    derived = derived[(derived["method"] == method)
                      & codes.one_of(derived["network_code"], chosen["network_code"])]
    bounds = tuple(float(v) for v in outlines.total_bounds)
    return NetworkMapLayers(
        bounds=bounds,
        commissioners=layerdata.commissioner_geojson(outlines, grid),
        networks=layerdata.network_geojson(derived, colours, grid) if len(derived) else None,
        practices=layerdata.practice_rows(chosen, colours, practice_grid),
        derived=derived,
        place_labels=layerdata.place_label_rows(places, bounds),
        network_labels=layerdata.network_label_rows(derived) if len(derived) else [],
        place=place_name(commissioner, region, area),
    )
