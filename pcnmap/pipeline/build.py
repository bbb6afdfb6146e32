"""The build pipeline: official source files in, the app's compact data out.

``python -m pcnmap build --source ../shared/data --out data/`` reads each
snapshot the catalogue (``pcnmap/declared/snapshots.toml``) declares, joins
its sources and writes the tables of :mod:`pcnmap.tables` plus one
``manifest.json`` recording every output's rows and checksum and every
source's checksum and vintage.

The build writes into a new folder beside ``--out`` and swaps it in only
when everything is written, so an interrupted build never leaves a
half-written data folder: the old one stays as it was.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import json
import multiprocessing
import os
import shutil
import signal
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from pcnmap import codes, store, tables
from pcnmap.model import contiguity, coverage, funding, membership, methods
from pcnmap.pipeline import areas, assemble, boundaries, catchments, pieces
from pcnmap.pipeline.catalogue import (
    CATALOGUE_FILE,
    Catalogue,
    CatalogueError,
    LsoaLayer,
    Snapshot,
    load_catalogue,
)
from pcnmap.pipeline.geography import BRITISH_NATIONAL_GRID, locate_postcodes, simplify_shared_edges
from pcnmap.pipeline.readers import (
    codepoint,
    csvfiles,
    epcn,
    epraccur,
    list_sizes,
    ons,
    practice_map,
)
from pcnmap.problems import QualityLog, SourceError

# Metres: invisible at a commissioner's zoom, a large saving in bytes.
COMMISSIONER_SIMPLIFY_M = 100.0
# Commissioner and ICB outlines drawn for all of England at once.
NATIONAL_COMMISSIONER_SIMPLIFY_M = 500.0
NETWORK_SIMPLIFY_M = 100.0
# The national map draws every network at once: 1 km keeps it under 1 MB.
NATIONAL_SIMPLIFY_M = 1000.0
ENGLAND_CLIP_M = 25.0
# The note every derived boundary carries (also in the manifest).
INDICATIVE_NOTE = methods.INDICATIVE_NOTE


@dataclass
class SnapshotTables:
    """Everything one snapshot's build produces, by output table name."""

    snapshot: Snapshot
    frames: dict[str, pd.DataFrame]
    quality: QualityLog
    sources: list[tuple[str, str]]
    notes: dict[str, str]


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


def read_codepoint_releases(source: Path, catalogue: Catalogue, postcode_keys: Iterable[str]
                            ) -> list[tuple[str, pd.DataFrame]]:
    """Each Code-Point release's positions for the wanted postcodes, newest first."""
    wanted = set(postcode_keys)
    return [(release.vintage, codepoint.read_codepoint(source / release.file, wanted))
            for release in catalogue.postcode_releases]


def wanted_postcodes(source: Path, snapshot: Snapshot) -> set[str]:
    """The postcodes a snapshot's practices can have (its ODS file and, for a
    practice map, the map's own)."""
    found = set(codes.postcode_key(epraccur.read_epraccur(
        source / snapshot.practices.file, QualityLog(), snapshot.practices.layout)["postcode"]))
    if snapshot.memberships.layout == "practice-map":
        found |= set(codes.postcode_key(practice_map.read_practice_map(
            source / snapshot.memberships.file, QualityLog())["postcode"]))
    return found


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


# ---------------------------------------------------------------- one snapshot


def _read_practices(source: Path, snapshot: Snapshot, log: QualityLog
                    ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """The snapshot's practices, networks and current memberships, and its
    practice map (None when the memberships come from an ePCN workbook).
    ``practices.attrs["file"]`` names the file their ``source_row`` counts in."""
    as_of = pd.Timestamp(snapshot.as_of)
    ods_path = source / snapshot.practices.file
    everything = epraccur.read_epraccur(ods_path, log, snapshot.practices.layout)
    ods_file = everything.attrs["file"]
    active = csvfiles.drop_repeats(
        epraccur.england_gp_practices(everything, ods_path, log, active=snapshot.active,
                                     as_of=snapshot.as_of),
        "code", ods_file, log, source_column="field 1 (organisation code)",
        what="practice code")
    active.attrs["file"] = ods_file
    memberships = source / snapshot.memberships.file
    if snapshot.memberships.layout == "practice-map":
        the_map = practice_map.read_practice_map(memberships, log)
        practices = assemble.roster_from_map(the_map, everything, active, log)
        networks = assemble.networks_from_map(the_map)
        current = practices[["practice_code", "network_code", "source_row"]].dropna(
            subset=["network_code"]).assign(match_flag=pd.NA)
        practices.attrs["file"] = the_map.attrs["file"]
        return practices, networks, current, the_map
    assemble.check_postcodes(active, ods_path, log)
    networks, members = epcn.read_epcn(memberships, log)
    networks = csvfiles.drop_repeats(
        networks, "network_code", memberships, log,
        source_column=f"{networks.attrs['sheet']}: PCN Code", what="network code")
    networks = assemble.open_networks(networks, as_of)
    current = assemble.current_memberships(
        members, networks, everything, pd.Index(active["code"]), as_of, memberships, log)
    assemble.check_match_flags(current, memberships, log)
    practices = active.rename(columns={"code": "practice_code", "name": "practice_name"})
    practices["network_code"] = practices["practice_code"].map(
        current.set_index("practice_code")["network_code"])
    practices.attrs["file"] = ods_file
    return practices, networks, current, None


def _read_lists(source: Path, snapshot: Snapshot, log: QualityLog
                ) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame | None]:
    def read(item):
        return None if item is None else list_sizes.read_lists(source / item.file, item.layout, log)
    registered = read(snapshot.registered)
    same = snapshot.weighted is not None and snapshot.weighted.file == snapshot.registered.file
    weighted = registered if same else read(snapshot.weighted)
    fallback = read(snapshot.fallback_registered)
    return registered, weighted, fallback


def build_snapshot(source: Path, snapshot: Snapshot,
                   postcode_positions: list[tuple[str, pd.DataFrame]],
                   geography: LayerGeography, districts: gpd.GeoDataFrame) -> SnapshotTables:
    """Read and join one snapshot's sources into its output tables."""
    log = QualityLog()
    practices, networks, current, the_map = _read_practices(source, snapshot, log)
    ods_path = source / snapshot.practices.file
    # The file whose rows the practices' source_row counts.
    roster_file = practices.attrs["file"]
    practices = practices.reset_index(drop=True)
    practices["postcode"] = codes.postcode_key(practices["postcode"]).map(
        codes.postcode_display)
    if the_map is not None:
        assemble.check_postcodes(practices.rename(columns={"practice_code": "code"}),
                                 roster_file, log)
    located = locate_postcodes(codes.postcode_key(practices["postcode"]), postcode_positions)
    practices = assemble.attach_coordinates(practices, located, roster_file, log)
    practices = areas.place_practices(practices, districts)
    registered, weighted, fallback = _read_lists(source, snapshot, log)
    practices = assemble.attach_lists(
        practices, registered, registered.attrs["file"],
        weighted if weighted is not None else registered.iloc[0:0],
        weighted.attrs["file"] if weighted is not None else "",
        fallback, fallback.attrs["file"] if fallback is not None else None, roster_file, log)
    if weighted is None:
        practices["weighted_source"] = pd.NA

    names = (the_map.dropna(subset=["commissioner_code"]).drop_duplicates(
        "commissioner_code").set_index("commissioner_code")["commissioner_name"]
        if the_map is not None else None)
    commissioner_areas = areas.read_areas(source, snapshot.commissioners, log, practices,
                                          names=names)
    by_code = commissioner_areas.shapes.set_index("code")
    icb_areas = None
    if snapshot.icbs is not None:
        icb_areas = areas.read_areas(source, snapshot.icbs, log)
    practices["commissioner_ons_code"] = practices["commissioner_code"].map(by_code["ons_code"])
    practices["commissioner_name"] = practices["commissioner_code"].map(by_code["name"])
    if the_map is None:
        regions = (practice_map.read_region_names(source / snapshot.region_names.file)
                   if snapshot.region_names else pd.Series(dtype=str))
        practices["region_name"] = practices["region_code"].map(regions)
        area_names = (icb_areas.shapes.set_index("code")["name"] if icb_areas is not None
                      else pd.Series(dtype=str))
        practices["stp_name"] = practices["stp_code"].map(area_names)
    practices[["region_name", "stp_name"]] = practices[["region_name", "stp_name"]].astype(
        "string")

    if the_map is not None:
        home = assemble.home_commissioners(practices)
        networks["commissioner_code"] = networks["network_code"].map(home)
    practices = membership.attach_networks(practices, networks)
    assemble.check_commissioners(practices, networks, commissioner_areas.shapes.rename(
        columns={"code": "commissioner_code"}), ods_path, source / snapshot.memberships.file,
        log)

    networks = networks.copy()
    network_names = networks["commissioner_code"].map(by_code["name"])
    networks["commissioner_name"] = network_names.fillna(networks["commissioner_name"])
    summary = assemble.summarise_networks(networks, practices, current)
    summary["commissioner_ons_code"] = summary["commissioner_code"].map(by_code["ons_code"])
    if the_map is not None:
        summary["epcn_cross_commissioner"] = pd.NA  # a map carries no match flag
    for column in ("rurality", "contract_type"):
        if column not in practices.columns:
            practices[column] = None
    practices = practices.sort_values("practice_code").reset_index(drop=True)
    summary = summary.sort_values("network_code").reset_index(drop=True)
    log.extend(geography.repairs)

    lsoa_commissioner, lsoa_icb = areas.place_lsoas(
        source, geography.lsoas, commissioner_areas, snapshot.lsoa_commissioners,
        icb_areas=icb_areas, locate_icbs=bool(snapshot.icbs and snapshot.icbs.locate_lsoas))
    frames = {"practices": practices, "networks": summary}
    frames.update(derive_boundaries(practices, summary, lsoa_commissioner, lsoa_icb,
                                    geography))
    commissioners = areas.for_output(commissioner_areas, "commissioner")
    frames["commissioners"] = simplify_shared_edges(commissioners, COMMISSIONER_SIMPLIFY_M)
    frames["national_commissioners"] = simplify_shared_edges(
        commissioners, NATIONAL_COMMISSIONER_SIMPLIFY_M)
    if icb_areas is not None:
        icbs = areas.for_output(icb_areas, "icb").drop(columns="derived")
        frames["icbs"] = simplify_shared_edges(icbs, NATIONAL_COMMISSIONER_SIMPLIFY_M)
    else:
        frames["icbs"] = gpd.GeoDataFrame(
            {"icb_code": [], "icb_ons_code": [], "icb_name": []}, geometry=[], crs=4326)
    if snapshot.age_bands is not None:
        bands = list_sizes.read_quinary_age(source / snapshot.age_bands.file, log, bands=True)
        frames["age_bands"] = bands[codes.one_of(bands["practice_code"],
                                                         practices["practice_code"])]
    else:
        frames["age_bands"] = pd.DataFrame({"practice_code": [], "age_band": [],
                                            "registered": []})
    quality = log.to_frame()
    quality.insert(0, "snapshot", snapshot.key)
    frames["quality"] = quality
    used = [*snapshot.files(), (geography.layer.file, geography.layer.vintage)]
    # (The districts and Code-Point releases are recorded by the caller.)
    notes = {
        "commissioners": snapshot.commissioners.note,
        "icbs": snapshot.icbs.note if snapshot.icbs else "",
        "lsoa_layer": geography.layer.note,
        "boundary_method": INDICATIVE_NOTE,
        "lists": snapshot.list_note,
    }
    if the_map is not None:
        notes["network_commissioners"] = (
            "The memberships file names no network commissioner: each network's is that "
            "of its members holding most registered patients.")
    return SnapshotTables(snapshot, frames, log, list(dict.fromkeys(used)), notes)


# ---------------------------------------------------------------- writing


def write_table(name: str, frame: pd.DataFrame, folder: Path, part: str | None = None
                ) -> dict[str, object]:
    """Write one output table as its catalogue declares it; return its record
    (rows, bytes, SHA-256) for the manifest."""
    table = tables.TABLES[name]
    path = table.path(folder, part)
    path.parent.mkdir(parents=True, exist_ok=True)
    tables.write(table, frame, path)
    return {"rows": len(frame), "bytes": path.stat().st_size, "sha256": store.sha256(path)}


def analysis_summary(frames: dict[str, pd.DataFrame]) -> dict[str, object]:
    """Headline results of the coverage analysis, recorded in the manifest."""
    practices, networks = frames["practices"], frames["networks"]
    crossing = coverage.cross_commissioner_networks(practices, networks)
    sizes = coverage.size_check(networks)
    derived = frames["network_boundaries"]
    derived = derived[derived["network_code"] != methods.NO_NETWORK]
    groups = frames["contiguity"]
    balance = coverage.patient_balance(practices)
    return {
        "practices": len(practices),
        "practices_with_list": int(practices["registered"].notna().sum()),
        "practices_placed": int(practices["latitude"].notna().sum()),
        "networks": len(networks),
        "commissioners": len(frames["commissioners"]),
        "icbs": len(frames["icbs"]),
        "cross_commissioner_networks": int(crossing["crosses_commissioners"].sum()),
        "epcn_flag_disagreements": int((~crossing["agrees_with_epcn"].fillna(True)).sum()),
        "unaligned_practices": len(coverage.unaligned_practices(practices)),
        "uncovered_lsoas": int(frames["lsoa_networks"]["network_code"].isna().sum()),
        "networks_under_30000": int((sizes["size_band"] == "under").sum()),
        "networks_over_50000": int((sizes["size_band"] == "over").sum()),
        "single_practice_networks": int(sizes["single_practice"].sum()),
        # Networks whose practices stand in areas that do not touch, by
        # method; and networks whose boundary has several parts.
        "non_contiguous_networks": {
            method: int(coverage.non_contiguous(groups, derived, method,
                                                frames["network_pieces"])["flagged"].sum())
            for method in sorted(derived["method"].unique())},
        "networks_in_several_parts": {method: int((table["significant_parts"] > 1).sum())
                                      for method, table in derived.groupby("method")},
        "patients_in_networks": round(balance["in_network"]),
        "patients_in_gaps": round(balance["in_gaps"]),
        "patients_all": round(balance["all"]),
    }


def read_funding_lists(source: Path, book: funding.RateBook) -> pd.DataFrame:
    """Every list-size file the rates file names, in one long table."""
    log = QualityLog()
    frames = []
    for name, entry in book.lists.items():
        lists = list_sizes.read_lists(source / entry.file, entry.layout, log)
        frames.append(lists[["practice_code", "registered", "weighted"]].assign(list_name=name))
    table = pd.concat(frames, ignore_index=True)
    return table[["list_name", "practice_code", "registered", "weighted"]]


@dataclass
class BuildResult:
    """What a build wrote and what stopped it, per snapshot."""

    written: dict[str, dict[str, int]]
    errors: dict[str, str]
    seconds: float


class _Sources:
    """Checksums of source files, each file hashed once per build."""

    def __init__(self, source: Path) -> None:
        self.source = source
        self.hashes: dict[str, str] = {}

    def record(self, relative: str, **extra: object) -> dict[str, object]:
        if relative not in self.hashes:
            self.hashes[relative] = store.sha256(self.source / relative)
        return {"name": relative, "sha256": self.hashes[relative], **extra}


# A build's own folder beside ``--out``: ``.<name>.building-<pid>-<ns>``.
_BUILDING = ".building-"


def _staging(out: Path) -> Path:
    """A new, empty folder beside ``out`` to build into."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}{_BUILDING}{os.getpid()}-{time.time_ns()}"
    staging.mkdir()
    return staging


def _builder(staging: Path, out: Path) -> int | None:
    """The process id of the build writing ``staging`` (a folder beside
    ``out``), read after the folder's fixed prefix, so a name with hyphens
    ("my-data") cannot be misread; None when the name holds none."""
    rest = staging.name.removeprefix(f".{out.name}{_BUILDING}")
    pid, _, stamp = rest.partition("-")
    return int(pid) if rest != staging.name and pid.isdigit() and stamp.isdigit() else None


def _remove(path: Path, *, quietly: bool = False) -> None:
    """Remove a folder, or a link or file in its place (never what a link
    points to); ``quietly``: what cannot be removed is left."""
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.exists():
        shutil.rmtree(path, ignore_errors=quietly)


def _swap_in(staging: Path, out: Path) -> None:
    """Replace ``out`` by the finished ``staging`` folder.

    Two renames on one file system: the data folder is either the old one
    or the new one; a crash between them leaves the old one under
    ``.<name>.previous`` and :func:`recover` puts it back.
    """
    previous = out.parent / f".{out.name}.previous"
    _remove(previous)
    if out.exists():
        os.rename(out, previous)
    os.rename(staging, out)
    _remove(previous, quietly=True)


def recover(out: Path) -> None:
    """Put a data folder back if a build was stopped between its two renames,
    and remove the folders of builds that never finished (their process has
    gone)."""
    previous = out.parent / f".{out.name}.previous"
    if not out.exists() and (previous.exists() or previous.is_symlink()):
        os.rename(previous, out)
    for stale in out.parent.glob(f".{out.name}{_BUILDING}*"):
        pid = _builder(stale, out)
        if pid is None or not Path(f"/proc/{pid}").exists():
            _remove(stale, quietly=True)


def data_folder(out: Path) -> Path:
    """The folder a build replaces for ``out``: ``out`` itself, or, when
    ``out`` is a symbolic link, the folder it points to (built beside it and
    swapped in there, so the link keeps pointing at the new data).

    Raises:
        ValueError: ``out`` is a link to nothing, or names a file.
    """
    if out.is_symlink():
        target = out.resolve()
        if not target.is_dir():
            raise ValueError(f"{out} is a link to {target}, which is not a folder; point it "
                             "at a folder or remove it")
        return target
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out} is a file, not a folder")
    return out


def build(source: Path, out: Path, keys: Iterable[str] | None = None, *,
          catalogue_path: Path = CATALOGUE_FILE, rates_path: Path = funding.RATES_FILE,
          workers: int = 2) -> BuildResult:
    """Build every requested snapshot of the catalogue from ``source`` into ``out``.

    A snapshot whose sources fail is reported and skipped; the others still
    build, and a snapshot already in ``out`` that was not rebuilt is kept.
    Nothing in ``out`` changes until the whole build is written. ``workers``
    processes build the LSOA layers side by side.
    """
    started = time.perf_counter()
    try:
        catalogue = load_catalogue(catalogue_path)
    except CatalogueError as error:
        return BuildResult({}, {"catalogue": str(error)}, time.perf_counter() - started)
    keys = list(keys or catalogue.snapshots)
    unknown = [k for k in keys if k not in catalogue.snapshots]
    if unknown:
        return BuildResult({}, {unknown[0]: f"not in the catalogue; choose from "
                                            f"{list(catalogue.snapshots)}"},
                           time.perf_counter() - started)
    try:
        out = data_folder(Path(out))
    except ValueError as error:
        return BuildResult({}, {"data folder": str(error)}, time.perf_counter() - started)
    recover(out)
    errors: dict[str, str] = {}
    wanted: set[str] = set()
    for key in keys:
        try:
            wanted |= wanted_postcodes(source, catalogue.snapshots[key])
        except SourceError as error:
            errors[key] = str(error)
    todo = [key for key in keys if key not in errors]
    staging = _staging(out)
    try:
        written = _build_into(source, out, staging, catalogue, todo, wanted, rates_path, errors,
                              workers)
        if written:
            _swap_in(staging, out)
        else:  # nothing new: the data folder stays exactly as it was
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildResult(written, errors, time.perf_counter() - started)


@dataclass
class _LayerWork:
    """What building the snapshots of one LSOA layer produced (picklable, so
    a worker process can hand it back)."""

    layer: dict[str, object] | None
    snapshots: dict[str, dict[str, object]]
    written: dict[str, dict[str, int]]
    errors: dict[str, str]


def _build_layer(source: Path, catalogue: Catalogue, layer_key: str, keys: list[str],
                 positions: list[tuple[str, pd.DataFrame]], districts: gpd.GeoDataFrame,
                 staging: Path) -> _LayerWork:
    """Build one LSOA layer's piece graph and the snapshots made of it into
    ``staging``. Snapshots of one layer share its (costly) cleaned geometry."""
    work = _LayerWork(None, {}, {}, {})
    hashes = _Sources(source)
    layer = catalogue.lsoa_layers[layer_key]
    try:
        geography = read_layer_geography(source, layer)
    except SourceError as error:
        work.errors.update({key: str(error) for key in keys})
        return work
    # The piece graph lets the app judge a proposed network's contiguity
    # without shipping LSOA geometry.
    outputs = {"lsoa_parts": write_table("lsoa_parts", geography.graph.parts, staging,
                                         layer.key),
               "lsoa_edges": write_table("lsoa_edges", geography.graph.edges, staging,
                                         layer.key)}
    used = [hashes.record(layer.file, vintage=layer.vintage)]
    rural = layer.rural_urban
    try:
        if rural is not None:
            classes = ons.read_rural_urban(source / rural.file, rural.lsoa, rural.code,
                                               rural.name, rural.flag)
            classes = classes[classes["lsoa_code"].isin(set(geography.lsoas.codes))]
            outputs["lsoa_rurality"] = write_table("lsoa_rurality", classes, staging, layer.key)
            used.append(hashes.record(rural.file, vintage=layer.vintage))
        else:
            outputs["lsoa_rurality"] = write_table("lsoa_rurality", pd.DataFrame(
                columns=list(tables.TABLES["lsoa_rurality"].columns)), staging, layer.key)
    except SourceError as error:
        work.errors.update({key: str(error) for key in keys})
        return work
    work.layer = {"note": layer.note, "outputs": outputs, "sources": used}
    for key in keys:
        snapshot = catalogue.snapshots[key]
        started = time.perf_counter()
        try:
            built = build_snapshot(source, snapshot, positions, geography, districts)
        except SourceError as error:
            work.errors[key] = str(error)
            continue
        shutil.rmtree(staging / key, ignore_errors=True)
        outputs = {name: write_table(name, frame, staging, key)
                   for name, frame in built.frames.items()}
        work.written[key] = {name: record["rows"] for name, record in outputs.items()}
        work.snapshots[key] = {
            "label": snapshot.label,
            "as_of": snapshot.as_of.isoformat(),
            "lsoa_layer": snapshot.lsoa_layer,
            "financial_years": list(snapshot.financial_years),
            "commissioner_word": snapshot.commissioner_word,
            "commissioner_plural": snapshot.commissioner_plural,
            "area_word": snapshot.area_word,
            "commissioner_kind": snapshot.commissioners.kind,
            "icb_kind": snapshot.icbs.kind if snapshot.icbs else None,
            "notes": built.notes,
            "outputs": outputs,
            "analysis": analysis_summary(built.frames),
            "sources": [hashes.record(relative, vintage=vintage)
                        for relative, vintage in built.sources]
                       + [hashes.record(r.file, vintage=r.vintage)
                          for r in catalogue.postcode_releases]
                       + [hashes.record(catalogue.places.file,
                                        vintage=catalogue.places.vintage)],
            "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "build_seconds": round(time.perf_counter() - started, 2),
        }
    return work


# Linux's prctl option: the signal a process gets when its parent dies.
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """In a build worker, first thing: be killed when the build's process
    dies, however it dies (``kill -9`` included), rather than go on writing
    into a folder nobody will swap in, then wait on its pipe for ever."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # it died before the signal was set
        os._exit(1)


def _build_into(source: Path, out: Path, staging: Path, catalogue: Catalogue, keys: list[str],
                wanted: set[str], rates_path: Path, errors: dict[str, str], workers: int
                ) -> dict[str, dict[str, int]]:
    """Write the build into ``staging`` (the old data's other snapshots copied).

    Snapshots are built by LSOA layer, each layer in its own worker process
    when ``workers`` allows: the layers share nothing but the postcode
    positions, and the machine has cores to spare.
    """
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    manifest.setdefault("snapshots", {})
    manifest.setdefault("layers", {})
    # Every snapshot and layer already built carries over until rebuilt: a
    # snapshot that fails this time keeps its last good build.
    for key in list(manifest["snapshots"]):
        if key not in catalogue.snapshots:
            del manifest["snapshots"][key]
        elif (out / key).is_dir():
            shutil.copytree(out / key, staging / key)
    for key in manifest["layers"]:
        if (out / f"lsoa-{key}").is_dir():
            shutil.copytree(out / f"lsoa-{key}", staging / f"lsoa-{key}")
    if not keys:
        return {}
    try:
        positions = read_codepoint_releases(source, catalogue, wanted)
        districts = areas.read_places(source, catalogue.places, QualityLog())
    except SourceError as error:
        errors.update({key: str(error) for key in keys})
        return {}
    by_layer: dict[str, list[str]] = {}
    for key in keys:
        by_layer.setdefault(catalogue.snapshots[key].lsoa_layer, []).append(key)
    jobs = [(source, catalogue, layer, layer_keys, positions, districts, staging)
            for layer, layer_keys in by_layer.items()]
    if workers > 1 and len(jobs) > 1:
        # spawn: a fresh interpreter per worker, never a fork of one holding
        # pyarrow's and GEOS's threads.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(min(workers, len(jobs)), mp_context=context,
                                 initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
            results = list(pool.map(_build_layer, *zip(*jobs, strict=True)))
    else:
        results = [_build_layer(*job) for job in jobs]
    written: dict[str, dict[str, int]] = {}
    for layer, work in zip(by_layer, results, strict=True):
        if work.layer is not None:
            manifest["layers"][layer] = work.layer
        manifest["snapshots"].update(work.snapshots)
        written.update(work.written)
        errors.update(work.errors)
    hashes = _Sources(source)
    shared: dict[str, dict[str, object]] = {}
    try:
        newest = catalogue.postcode_releases[0]
        postcodes = codepoint.read_codepoint_england(source / newest.file)
        shared["postcodes"] = {
            **write_table("postcodes", pd.DataFrame({
                "postcode": postcodes["postcode"],
                "easting_10m": (postcodes["easting"] // 10).astype("int32"),
                "northing_10m": (postcodes["northing"] // 10).astype("int32")}), staging),
            "sources": [hashes.record(newest.file, vintage=newest.vintage)]}
        shared["places"] = {**write_table("places", areas.places_for_maps(districts), staging),
                            "sources": [hashes.record(catalogue.places.file,
                                                      vintage=catalogue.places.vintage)]}
    except SourceError as error:
        errors["postcodes and places"] = str(error)
    try:
        book = funding.load_rates(rates_path)
        lists = read_funding_lists(source, book)
    except (SourceError, ValueError) as error:
        errors["funding lists"] = str(error)
    else:
        shared["funding_lists"] = {
            **write_table("funding_lists", lists, staging),
            "sources": [hashes.record(entry.file, list=name, describes=entry.describes)
                        for name, entry in book.lists.items()]}
    # A shared table not rebuilt this time keeps its last good build.
    manifest["shared"] = {**manifest.get("shared", {}), **shared}
    for name in manifest["shared"]:
        path = tables.TABLES[name].path(staging)
        if not path.exists() and tables.TABLES[name].path(out).exists():
            shutil.copy2(tables.TABLES[name].path(out), path)
    manifest["snapshots"] = dict(sorted(manifest["snapshots"].items(),
                                        key=lambda item: item[1]["as_of"]))
    manifest["generator"] = "python -m pcnmap build"
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=False)
                                           + "\n")
    return written
