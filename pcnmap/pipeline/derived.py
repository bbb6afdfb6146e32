"""One snapshot's derived network boundaries: its LSOA layer's geography
(read once per layer), each method's areas, their parts, the LSOA each
network holds, and the methods compared."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from pcnmap.model import contiguity, methods
from pcnmap.pipeline import boundaries, catchments, pieces
from pcnmap.pipeline.catalogue import LsoaLayer
from pcnmap.pipeline.geography import BRITISH_NATIONAL_GRID
from pcnmap.pipeline.readers import ons
from pcnmap.problems import QualityLog, SourceError

NETWORK_SIMPLIFY_M = 100.0
# The national map draws every network at once: 1 km keeps it under 1 MB.
NATIONAL_SIMPLIFY_M = 1000.0
ENGLAND_CLIP_M = 25.0
@dataclass(frozen=True)
class LayerGeography:
    """An LSOA layer ready for every snapshot that uses it."""

    layer: LsoaLayer
    lsoas: boundaries.LsoaLayer
    england: shapely.Geometry
    repairs: QualityLog
    graph: contiguity.PartGraph


def read_layer_geography(source: Path, layer: LsoaLayer) -> LayerGeography:
    """Read one LSOA layer (England's LSOAs only) and clean it into an exact coverage."""
    log = QualityLog()
    frame = ons.read_boundaries(source / layer.file,
                                    {layer.code: "lsoa_code", layer.name: "lsoa_name"}, log)
    if layer.england_prefix:
        frame = frame[frame["lsoa_code"].str.startswith(layer.england_prefix)]
    if frame.empty:
        raise SourceError(source / layer.file, "holds no English LSOAs",
                          expected=f"LSOAs coded {layer.england_prefix}...")
    lsoas = boundaries.prepare_lsoas(frame)
    # England's outline clips the Voronoi cells; at 25 m it clips as the
    # displayed (100 m) boundaries show it, in a fraction of the time.
    england = shapely.simplify(shapely.coverage_union_all(lsoas.geometry), ENGLAND_CLIP_M)
    return LayerGeography(layer, lsoas, england, log, boundaries.part_graph(lsoas))


# ---------------------------------------------------------------- boundaries


def _placed_lsoas(lsoas: boundaries.LsoaLayer, placed: pd.DataFrame) -> np.ndarray:
    """The LSOA (index) each placed practice stands in; the nearest one for a
    position just outside every LSOA (on the coast)."""
    points = placed["point"].to_numpy()
    tree = shapely.STRtree(lsoas.geometry)
    found = np.full(len(points), -1, dtype=np.int64)
    point_index, lsoa_index = tree.query(points, predicate="within")
    found[point_index] = lsoa_index
    missing = np.flatnonzero(found < 0)
    if len(missing):
        pairs = tree.query_nearest(points[missing])
        found[missing[pairs[0]]] = pairs[1]
    return found


def _adjacency(geography: LayerGeography):
    """LSOA adjacency (by index of the layer's LSOAs) from its piece graph."""
    position = pd.Series(np.arange(len(geography.lsoas.codes)), index=geography.lsoas.codes)
    piece_lsoa = position.reindex(geography.graph.parts["lsoa_code"]).to_numpy()
    return contiguity.lsoa_adjacency(piece_lsoa, geography.graph.edges["part_a"].to_numpy(),
                                     geography.graph.edges["part_b"].to_numpy(),
                                     len(position))


def _method_comparison(shapes: dict[str, gpd.GeoDataFrame], lsoa_network: dict[str, np.ndarray],
                       lsoa_area: np.ndarray, networks: pd.DataFrame) -> pd.DataFrame:
    """For each method and network: its area, patients per km2, and the share
    of its area each other method also gives the network.

    Between the LSOA-based methods shares are counted in LSOAs (exact);
    with the Voronoi method, whose cells cut through LSOAs, by intersecting
    the shapes as displayed (simplified 100 m).
    """
    registered = networks.set_index("network_code")["registered"]
    rows = []
    for method, every in shapes.items():
        frame = every[every["network_code"] != methods.NO_NETWORK]
        row = pd.DataFrame({"method": method, "network_code": frame["network_code"].to_numpy(),
                            "area_km2": shapely.area(frame.geometry.to_numpy()) / 1e6})
        row["patients_per_km2"] = row["network_code"].map(registered).to_numpy() / row[
            "area_km2"].where(row["area_km2"] > 0)
        for other, other_shapes in shapes.items():
            if method in lsoa_network and other in lsoa_network:
                mine, theirs = pd.Series(lsoa_network[method]), lsoa_network[other]
                own = pd.Series(lsoa_area).groupby(mine).sum()
                agree = mine.to_numpy() == theirs
                shared = pd.Series(lsoa_area[agree]).groupby(mine[agree].to_numpy()).sum()
                row[f"shared_{other}"] = (row["network_code"].map(shared).fillna(0.0)
                                          / row["network_code"].map(own)).to_numpy()
            else:
                theirs = other_shapes.set_index("network_code").geometry
                overlap = shapely.area(shapely.intersection(
                    frame.geometry.to_numpy(),
                    theirs.reindex(frame["network_code"]).to_numpy())) / 1e6
                row[f"shared_{other}"] = np.nan_to_num(overlap) / row["area_km2"].where(
                    row["area_km2"] > 0).to_numpy()
        rows.append(row)
    return pd.concat(rows, ignore_index=True)


def derive_boundaries(practices: pd.DataFrame, networks: pd.DataFrame,
                      lsoa_commissioner: np.ndarray, lsoa_icb: np.ndarray,
                      geography: LayerGeography) -> dict[str, pd.DataFrame]:
    """Every method's network boundaries (local and national display scales),
    the LSOA assignments, the practice groups of each network, the methods
    compared, and the uncovered areas."""
    lsoas = geography.lsoas
    assignment = boundaries.nearest_practice(lsoas, lsoa_commissioner, practices)
    assignment = boundaries.give_every_network_an_lsoa(assignment, lsoas, practices)
    assignment.insert(3, "lsoa_icb_code", lsoa_icb)
    placed = contiguity.practice_points(practices).reset_index(drop=True)
    adjacency = _adjacency(geography)
    grown = catchments.grow(adjacency, lsoas.points, placed["point"].to_numpy(),
                            placed["registered"].to_numpy(), _placed_lsoas(lsoas, placed))
    codes_of = placed["practice_code"].to_numpy(dtype=object)
    networks_of = placed["network_code"].to_numpy(dtype=object)
    has = grown.practice >= 0
    assignment["catchment_practice_code"] = np.where(has, codes_of[np.maximum(
        grown.practice, 0)], None)
    assignment["catchment_network_code"] = np.where(has, networks_of[np.maximum(
        grown.practice, 0)], None)
    assignment["catchment_how"] = grown.how
    position = pd.Series(np.arange(len(placed)), index=placed["practice_code"])
    nearest = position.reindex(assignment["practice_code"]).fillna(-1).astype(int).to_numpy()
    groups = []
    for method, lsoa_practice in (("lsoa", nearest), ("catchment", grown.practice)):
        table = contiguity.practice_groups(adjacency, lsoa_practice, placed)
        groups.append(table.assign(method=method))
    practice_groups = pd.concat(groups, ignore_index=True)

    derived, national, pieces_found = [], [], []
    lsoa_practice = {"lsoa": nearest, "catchment": grown.practice}
    for method, drawn in (
        ("lsoa", boundaries.lsoa_boundaries(assignment, lsoas)),
        ("voronoi", boundaries.voronoi_boundaries(practices, geography.england, lsoas)),
        ("catchment", boundaries.lsoa_boundaries(assignment, lsoas,
                                                 column="catchment_network_code")),
    ):
        shapes = boundaries.describe_parts(drawn)
        pieces_found.append(pieces.network_pieces(
            shapes, method, placed, lsoas.geometry if method in lsoa_practice else None,
            lsoa_practice.get(method)))
        if method == "voronoi":
            voronoi_lsoa_network = _network_holding(shapes, lsoas.points)
        shapes.insert(0, "method", method)
        local = boundaries.simplified(shapes, NETWORK_SIMPLIFY_M)
        derived.append(local)
        # The national scale simplifies the local one further: the same
        # picture from a fraction of the vertices.
        national.append(boundaries.simplified(local[["method", "network_code", "geometry"]],
                                              NATIONAL_SIMPLIFY_M))
    names = networks.set_index("network_code")
    result = pd.concat(derived, ignore_index=True)
    result["network_name"] = result["network_code"].map(names["network_name"]).fillna(
        "No network")
    result["member_count"] = result["network_code"].map(names["member_count"]).fillna(0)
    result["registered"] = result["network_code"].map(names["registered"]).fillna(0.0)
    result = gpd.GeoDataFrame(result, geometry="geometry", crs=BRITISH_NATIONAL_GRID)
    national_scale = pd.concat(national, ignore_index=True)
    national_scale["network_name"] = national_scale["network_code"].map(
        names["network_name"]).fillna("No network")
    national_scale["registered"] = national_scale["network_code"].map(
        names["registered"]).fillna(0.0)
    national_scale = gpd.GeoDataFrame(national_scale, geometry="geometry",
                                      crs=BRITISH_NATIONAL_GRID)

    gap = assignment["network_code"].isna().to_numpy()
    uncovered = boundaries.dissolve(lsoas.geometry[gap],
                                    assignment.loc[gap, "practice_code"].to_numpy())
    uncovered = uncovered.rename(columns={"key": "practice_code"})
    uncovered["lsoas"] = uncovered["practice_code"].map(
        assignment.loc[gap, "practice_code"].value_counts()).astype("int64")
    uncovered["area_km2"] = (uncovered.geometry.area / 1e6).round(3)
    uncovered = boundaries.simplified(uncovered, NETWORK_SIMPLIFY_M)
    lsoa_network = {
        "lsoa": assignment["network_code"].to_numpy(dtype=object),
        "catchment": assignment["catchment_network_code"].to_numpy(dtype=object)}
    for method, values in lsoa_network.items():
        lsoa_network[method] = np.where(pd.isna(values), methods.NO_NETWORK, values)
    comparison = _method_comparison({shapes["method"].iloc[0]: shapes for shapes in derived},
                                    lsoa_network, lsoas.areas_km2, networks)
    comparison["nearest_share"] = _nearest_shares(
        comparison, {**lsoa_network, "voronoi": voronoi_lsoa_network}, nearest, placed,
        lsoas.areas_km2)
    return {"network_boundaries": result, "national_boundaries": national_scale,
            "lsoa_networks": assignment, "uncovered_areas": uncovered,
            "contiguity": practice_groups, "method_comparison": comparison,
            "network_pieces": pd.concat(pieces_found, ignore_index=True)}


def _network_holding(shapes: gpd.GeoDataFrame, points: np.ndarray) -> np.ndarray:
    """The network (code) whose area holds each point (NONE: none)."""
    found = np.full(len(points), methods.NO_NETWORK, dtype=object)
    point, shape = shapely.STRtree(shapes.geometry.to_numpy()).query(points, predicate="within")
    found[point] = shapes["network_code"].to_numpy(dtype=object)[shape]
    return found


def _nearest_shares(comparison: pd.DataFrame, lsoa_network: dict[str, np.ndarray],
                    nearest: np.ndarray, placed: pd.DataFrame, lsoa_area: np.ndarray
                    ) -> np.ndarray:
    """For each row of ``comparison`` (a method and a network): the share of
    its member practices' nearest-practice areas (each practice's LSOAs by
    the nearest-practice rule, weighted by the practice's registered
    patients) that the method gives the network itself.

    A measure the app's own data holds: how far a method's areas keep each
    practice's nearest neighbourhood in its own network (the LSOA method
    does so by its construction, bar the areas it reassigns)."""
    own = placed["network_code"].to_numpy(dtype=object)
    has = nearest >= 0
    frame = pd.DataFrame({"practice": nearest[has], "area": lsoa_area[has]})
    shares = {}
    for method, values in lsoa_network.items():
        agree = values[has] == own[nearest[has]]
        frame["kept"] = np.where(agree, frame["area"], 0.0)
        by_practice = frame.groupby("practice")[["kept", "area"]].sum()
        share = by_practice["kept"] / by_practice["area"]
        patients = placed["registered"].fillna(0.0).to_numpy()[share.index]
        network = own[share.index]
        weighted = pd.DataFrame({"network": network, "share": share.to_numpy() * patients,
                                 "patients": patients}).groupby("network").sum()
        shares[method] = weighted["share"] / weighted["patients"].where(
            weighted["patients"] > 0)
    return np.array([shares.get(method, pd.Series(dtype=float)).get(code, np.nan)
                     for method, code in zip(comparison["method"], comparison["network_code"],
                                             strict=True)], dtype=float)
