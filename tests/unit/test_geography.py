"""Coordinate conversion and coverage simplification."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from pcnmap.pipeline import geography


def test_grid_to_lonlat_is_not_axis_swapped() -> None:
    # Code-Point Open 2025-04 places TS18 1HU (Stockton-on-Tees town centre)
    # at easting 444,136, northing 518,701: about 54.56 N, 1.32 W.
    longitude, latitude = geography.grid_to_lonlat(np.array([444136.0]), np.array([518701.0]))
    assert -1.35 < longitude[0] < -1.27
    assert 54.54 < latitude[0] < 54.58


def test_missing_grid_position_stays_missing() -> None:
    longitude, latitude = geography.grid_to_lonlat(np.array([np.nan, 444900.0]),
                                                   np.array([np.nan, 518600.0]))
    assert np.isnan(longitude[0]) and np.isnan(latitude[0])
    assert np.isfinite(longitude[1])


def test_locate_postcodes_prefers_newest_release() -> None:
    new = pd.DataFrame({"postcode_key": ["A11AA"], "easting": [400000], "northing": [300000]})
    old = pd.DataFrame({"postcode_key": ["A11AA", "B11BB"], "easting": [1, 410000],
                        "northing": [1, 310000]})
    located = geography.locate_postcodes(pd.Series(["A11AA", "B11BB", "C11CC"]),
                                         [("new", new), ("old", old)])
    assert list(located["coordinate_source"].fillna("none")) == ["new", "old", "none"]
    assert located["easting"].tolist()[:2] == [400000, 410000]
    assert located["longitude"].isna().tolist() == [False, False, True]


def test_simplify_shared_edges_leaves_no_overlap(extract) -> None:
    areas = gpd.read_file(extract / "boundaries/ccg_apr2021_en_from_lsoa11.geojson")
    simplified = geography.simplify_shared_edges(areas, 100.0)
    assert geography.coverage_overlap_m2(simplified.geometry) < 1.0
    assert shapely.coverage_is_valid(simplified.to_crs(27700).geometry.values)
    before = shapely.get_num_coordinates(areas.geometry.values).sum()
    after = shapely.get_num_coordinates(simplified.geometry.values).sum()
    assert after < before * 0.8
    # Area is kept to within a fraction of a percent.
    ratio = simplified.to_crs(27700).area.sum() / areas.to_crs(27700).area.sum()
    assert abs(ratio - 1) < 0.005


def test_england_bounds() -> None:
    inside = geography.in_england_bounds(pd.Series([-1.3, 0.0, -7.0, -3.0]),
                                         pd.Series([54.5, 0.0, 52.0, 57.5]))
    assert inside.tolist() == [True, False, False, False]


def test_transformer_roundtrip_matches_codepoint_metres() -> None:
    back = Transformer.from_crs(4326, 27700, always_xy=True)
    longitude, latitude = geography.grid_to_lonlat(np.array([351899.0]), np.array([387231.0]))
    easting, northing = back.transform(longitude, latitude)
    assert abs(easting[0] - 351899) < 0.01 and abs(northing[0] - 387231) < 0.01
