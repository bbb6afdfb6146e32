"""Coordinates and shapes: postcode positions, England's extent, display
simplification that keeps neighbouring boundaries sharing their edges."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

BRITISH_NATIONAL_GRID = 27700
WGS84 = 4326

# England's extent in WGS84 with a margin (Scilly to Berwick, Land's End to
# Lowestoft); anything outside is a bad coordinate, not a far-flung practice.
ENGLAND_BOUNDS = {"min_lon": -6.45, "max_lon": 1.80, "min_lat": 49.85, "max_lat": 55.85}

_TO_WGS84 = Transformer.from_crs(BRITISH_NATIONAL_GRID, WGS84, always_xy=True)


def grid_to_lonlat(easting: np.ndarray, northing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """British National Grid metres to WGS84 longitude and latitude."""
    easting = np.asarray(easting, dtype=float)
    northing = np.asarray(northing, dtype=float)
    longitude, latitude = _TO_WGS84.transform(easting, northing)
    # PROJ maps a missing input to infinity; a missing position stays missing.
    unknown = np.isnan(easting) | np.isnan(northing)
    longitude = np.where(unknown, np.nan, longitude)
    latitude = np.where(unknown, np.nan, latitude)
    return longitude, latitude


def in_england_bounds(longitude: pd.Series, latitude: pd.Series) -> pd.Series:
    """Whether each point lies in England's bounding box."""
    b = ENGLAND_BOUNDS
    return (
        longitude.between(b["min_lon"], b["max_lon"])
        & latitude.between(b["min_lat"], b["max_lat"])
    )


def locate_postcodes(
    keys: pd.Series, releases: Sequence[tuple[str, pd.DataFrame]]
) -> pd.DataFrame:
    """Position each postcode key from the first release that holds it.

    ``releases`` are (vintage, Code-Point table) pairs, newest first: a
    postcode retired since the newest release keeps its older position.
    Returns ``easting``, ``northing``, ``longitude``, ``latitude`` and
    ``coordinate_source`` (the release vintage, or missing) for each key.
    """
    located = pd.DataFrame({"postcode_key": keys.values}, index=keys.index)
    located["easting"] = np.nan
    located["northing"] = np.nan
    located["coordinate_source"] = pd.Series(pd.NA, index=keys.index, dtype="string")
    for vintage, points in releases:
        missing = located["easting"].isna()
        if not missing.any():
            break
        lookup = points.set_index("postcode_key")
        found = located.loc[missing, "postcode_key"].map(lookup["easting"])
        hit = found.notna()
        rows = found.index[hit]
        located.loc[rows, "easting"] = found[hit]
        located.loc[rows, "northing"] = located.loc[rows, "postcode_key"].map(lookup["northing"])
        located.loc[rows, "coordinate_source"] = vintage
    longitude, latitude = grid_to_lonlat(located["easting"], located["northing"])
    located["longitude"] = longitude
    located["latitude"] = latitude
    return located.drop(columns="postcode_key")


def simplify_shared_edges(boundaries: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """Simplify a set of neighbouring areas for display.

    The areas are first cleaned into an exact coverage (sources built from
    generalised LSOAs have hairline gaps and overlaps between neighbours),
    then simplified as one coverage in metres on the National Grid, so each
    edge two neighbours share is simplified once and stays shared: no slivers
    or overlaps appear between them.
    """
    projected = boundaries.geometry.to_crs(BRITISH_NATIONAL_GRID).values
    cleaned = shapely.coverage_clean(projected)
    simplified = shapely.coverage_simplify(cleaned, tolerance_m)
    result = boundaries.copy()
    result["geometry"] = gpd.GeoSeries(
        simplified, index=boundaries.index, crs=BRITISH_NATIONAL_GRID
    ).to_crs(WGS84)
    return result.set_geometry("geometry")


def coverage_overlap_m2(areas: gpd.GeoSeries) -> float:
    """Total area (square metres) where any two of ``areas`` overlap."""
    geoms = areas.to_crs(BRITISH_NATIONAL_GRID).values
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs = left < right
    return float(shapely.area(shapely.intersection(geoms[left[pairs]], geoms[right[pairs]])).sum())
