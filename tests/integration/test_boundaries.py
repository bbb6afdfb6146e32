"""Derived network boundaries on the real extract (four Lancashire/Cheshire commissioners)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from pcnmap import store
from pcnmap.model import contiguity, methods
from pcnmap.pipeline import boundaries
from pcnmap.pipeline.geography import coverage_overlap_m2
from pcnmap.pipeline.readers import ons
from pcnmap.problems import QualityLog


@pytest.fixture(scope="module")
def lsoas(extract: Path) -> boundaries.LsoaLayer:
    layer = ons.read_boundaries(extract / "boundaries/lsoa11_en_bgc.gpkg",
                                    {"LSOA11CD": "lsoa_code", "LSOA11NM": "lsoa_name"},
                                    QualityLog())
    return boundaries.prepare_lsoas(layer)


@pytest.fixture(scope="module")
def practices(built_extract: Path) -> pd.DataFrame:
    return store.read_table(built_extract, "2022-04", "practices")


def lsoa_commissioners(extract: Path, lsoas: boundaries.LsoaLayer) -> np.ndarray:
    lookup = pd.read_csv(extract / "lookups/lsoa11_ccg21_stp21_ltla21.csv", dtype=str)
    monthly = pd.read_csv(extract / "list_sizes/gp-reg-pat-prac-all_01Apr2022.csv", dtype=str)
    to_ods = monthly.drop_duplicates("ONS_CCG_CODE").set_index("ONS_CCG_CODE")["CCG_CODE"]
    ons = pd.Series(lsoas.codes).map(lookup.set_index("lsoa11_code")["ccg21_code"])
    return ons.map(to_ods).to_numpy()


def test_lsoa_layer_is_an_exact_coverage(lsoas: boundaries.LsoaLayer) -> None:
    assert len(lsoas.codes) == 402
    assert shapely.coverage_is_valid(lsoas.geometry)
    assert shapely.within(lsoas.points, lsoas.geometry).all()


def test_nearest_practice_prefers_own_commissioner(
    extract: Path, lsoas: boundaries.LsoaLayer, practices: pd.DataFrame
) -> None:
    commissioner = lsoa_commissioners(extract, lsoas)
    assignment = boundaries.nearest_practice(lsoas, commissioner, practices)
    by_code = practices.set_index("practice_code")
    chosen = by_code.loc[assignment["practice_code"], "commissioner_code"].to_numpy()
    assert (chosen == commissioner).all()
    # Check the rule against a brute-force search for a sample of LSOAs.
    placed = contiguity.practice_points(practices)
    for index in range(0, len(assignment), 40):
        own = placed[placed["commissioner_code"] == commissioner[index]]
        distances = shapely.distance(own["point"].to_numpy(), lsoas.points[index])
        assert distances.min() == pytest.approx(assignment.at[index, "distance_m"], abs=1)


def test_every_network_with_members_gets_an_lsoa(
    extract: Path, lsoas: boundaries.LsoaLayer, practices: pd.DataFrame
) -> None:
    commissioner = lsoa_commissioners(extract, lsoas)
    assignment = boundaries.nearest_practice(lsoas, commissioner, practices)
    # Put a whole network's practices in one other practice's building: they
    # are then nearest to no LSOA, and must still get one.
    moved = practices.copy()
    host = moved[moved["network_code"] == "U92975"].iloc[0]
    guests = moved["network_code"] == "U47882"
    moved.loc[guests, ["easting", "northing"]] = [host["easting"], host["northing"]]
    assignment = boundaries.nearest_practice(lsoas, commissioner, moved)
    fixed = boundaries.give_every_network_an_lsoa(assignment, lsoas, moved)
    assert "U47882" in set(fixed["network_code"])
    assert fixed["reassigned"].sum() >= 1
    owners = fixed["network_code"].value_counts()
    assert (owners >= 1).all()


def test_lsoa_boundaries_cover_without_overlap(
    extract: Path, lsoas: boundaries.LsoaLayer, practices: pd.DataFrame
) -> None:
    assignment = boundaries.nearest_practice(lsoas, lsoa_commissioners(extract, lsoas),
                                             practices)
    shapes = boundaries.lsoa_boundaries(assignment, lsoas)
    total = shapely.area(lsoas.geometry).sum()
    assert shapes.area.sum() == pytest.approx(total, rel=1e-6)
    assert coverage_overlap_m2(shapes.geometry) < total * 0.001


def test_voronoi_with_co_located_practices(
    lsoas: boundaries.LsoaLayer, practices: pd.DataFrame
) -> None:
    england = shapely.coverage_union_all(lsoas.geometry)
    # Real practices often share a health centre; stack three on one site.
    stacked = practices.copy()
    first = stacked.dropna(subset=["easting"]).index[:3]
    stacked.loc[first, ["easting", "northing"]] = stacked.loc[first[0], ["easting", "northing"]
                                                                ].to_numpy()
    shapes = boundaries.voronoi_boundaries(stacked, england)
    assert shapes.is_valid.all() and not shapes.is_empty.any()
    assert shapes.area.sum() == pytest.approx(shapely.area(england), rel=1e-6)
    assert coverage_overlap_m2(shapes.geometry) < shapely.area(england) * 0.001



@pytest.mark.parametrize("key", ["2019-12", "2022-04", "2023-01"])
def test_built_boundaries(built_extract: Path, key: str) -> None:
    derived = gpd.read_parquet(built_extract / key / "network_boundaries.parquet")
    networks = store.read_table(built_extract, key, "networks")
    with_members = set(networks.loc[networks["member_count"] > 0, "network_code"])
    for method in methods.METHODS:
        shapes = derived[derived["method"] == method]
        placed = store.read_table(built_extract, key, "practices").dropna(
            subset=["easting", "network_code"])
        assert set(placed["network_code"]) <= set(shapes["network_code"])
        assert set(shapes["network_code"]) - {methods.NO_NETWORK} <= with_members
        assert shapes.is_valid.all()
        assert coverage_overlap_m2(shapes.geometry) < shapes.to_crs(27700).area.sum() * 0.001


def test_voronoi_gives_a_network_sharing_every_site_a_cell(
    lsoas: boundaries.LsoaLayer, practices: pd.DataFrame
) -> None:
    england = shapely.coverage_union_all(lsoas.geometry)
    moved = practices.copy()
    host = moved[moved["network_code"] == "U09100"].sort_values("registered").iloc[-1]
    guests = moved["network_code"] == "U82077"  # Blackpool North, two small practices
    moved.loc[guests, ["easting", "northing"]] = [host["easting"], host["northing"]]
    shapes = boundaries.voronoi_boundaries(moved, england)
    assert "U82077" in set(shapes["network_code"])
    assert "U09100" in set(shapes["network_code"])
    assert coverage_overlap_m2(shapes.geometry) < shapely.area(england) * 0.001


def test_part_graph_counts_the_parts_a_dissolve_gives(lsoas: boundaries.LsoaLayer) -> None:
    graph = boundaries.part_graph(lsoas)
    assert len(graph.parts) >= len(lsoas.codes)
    assert (graph.edges["part_a"] < graph.edges["part_b"]).all()
    # Deal the real LSOAs into a few keys by code so that most keys come out
    # in several pieces; the graph must agree with the geometry on every one.
    keys = pd.Series([f"K{int(code[-3:]) % 7}" for code in lsoas.codes], index=lsoas.codes)
    from_graph = contiguity.parts_of_areas(graph, keys).set_index("network_code")
    shapes = boundaries.describe_parts(boundaries.dissolve(lsoas.geometry, keys.to_numpy()))
    shapes = shapes.set_index("key")
    assert (shapes["parts"] > 1).all()
    assert from_graph["parts"].to_dict() == shapes["parts"].to_dict()
    assert from_graph["significant_parts"].to_dict() == shapes["significant_parts"].to_dict()
    assert from_graph["area_km2"].round(2).to_dict() == shapes["area_km2"].round(2).to_dict()
