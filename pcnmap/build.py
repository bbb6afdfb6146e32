"""The build pipeline: official source files in, the app's compact data out.

``python -m pcnmap build --source ../shared/data --out data/`` reads each
snapshot's sources, joins them, and writes per snapshot ``practices.parquet``,
``networks.parquet``, ``commissioners.parquet`` (GeoParquet) and
``quality.parquet`` (the data-quality report), plus one ``manifest.json``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

import numpy as np
import shapely

from pcnmap import assemble, boundaries, codes, coverage, sources
from pcnmap.geography import BRITISH_NATIONAL_GRID, locate_postcodes, simplify_shared_edges
from pcnmap.problems import QualityLog, SourceError
from pcnmap.snapshots import (CODEPOINT_RELEASES, FUNDING_LISTS, GROUPING_NAMES, ICB_NAMES,
                               LSOA_LAYER, SNAPSHOTS, Snapshot)

# Metres: invisible at a commissioner's zoom, a large saving in bytes.
COMMISSIONER_SIMPLIFY_M = 100.0
# Commissioner outlines drawn for all of England at once.
NATIONAL_COMMISSIONER_SIMPLIFY_M = 500.0
NETWORK_SIMPLIFY_M = 100.0
# The national map draws every network at once: 1 km keeps it under 1 MB.
NATIONAL_SIMPLIFY_M = 1000.0

PRACTICE_COLUMNS = [
    "practice_code", "practice_name", "postcode", "longitude", "latitude",
    "easting", "northing", "coordinate_source", "region_code", "region_name", "stp_code",
    "stp_name",
    "commissioner_code", "commissioner_ons_code", "commissioner_name",
    "network_code", "network_name", "network_commissioner_code",
    "registered", "registered_source", "weighted", "weighted_source",
    "rurality", "contract_type", "source_row",
]


@dataclass
class SnapshotTables:
    """Everything one snapshot's build produces."""

    snapshot: Snapshot
    practices: pd.DataFrame
    networks: pd.DataFrame
    commissioners: gpd.GeoDataFrame
    network_boundaries: gpd.GeoDataFrame
    national_boundaries: gpd.GeoDataFrame
    lsoa_networks: pd.DataFrame
    uncovered_areas: gpd.GeoDataFrame
    quality: QualityLog
    sources: list[tuple[str, str]]


@dataclass(frozen=True)
class SharedGeography:
    """Geography every snapshot uses: England's LSOAs and England itself."""

    lsoas: boundaries.LsoaLayer
    england: shapely.Geometry
    repairs: QualityLog
    graph: boundaries.PartGraph


def read_shared_geography(source: Path) -> SharedGeography:
    """Read and clean the LSOA layer once for all snapshots."""
    log = QualityLog()
    layer = sources.read_boundaries(source / LSOA_LAYER[0],
                                    {"LSOA11CD": "lsoa_code", "LSOA11NM": "lsoa_name"}, log)
    lsoas = boundaries.prepare_lsoas(layer)
    return SharedGeography(lsoas, shapely.coverage_union_all(lsoas.geometry), log,
                           boundaries.part_graph(lsoas))


def lsoa_commissioners(
    source: Path, snapshot: Snapshot, lsoas: boundaries.LsoaLayer,
    commissioners: gpd.GeoDataFrame,
) -> np.ndarray:
    """Each LSOA's commissioner (ODS code) for the snapshot.

    From the snapshot's ONS lookup where there is one; otherwise (the April
    2019 CCGs) the commissioner boundary holding a point inside the LSOA.
    """
    if snapshot.lsoa_lookup:
        lookup = sources.read_lsoa_lookup(source / snapshot.lsoa_lookup[0],
                                          snapshot.lsoa_lookup[1])
        ons = pd.Series(lsoas.codes).map(lookup.set_index("lsoa_code")["commissioner_ons_code"])
        to_ods = commissioners.set_index("commissioner_ons_code")["commissioner_code"]
        return ons.map(to_ods).to_numpy()
    areas = commissioners.to_crs(BRITISH_NATIONAL_GRID)
    tree = shapely.STRtree(areas.geometry.values)
    lsoa_index, area_index = tree.query(lsoas.points, predicate="within")
    result = np.full(len(lsoas.codes), None, dtype=object)
    result[lsoa_index] = areas["commissioner_code"].to_numpy()[area_index]
    return result


def derive_boundaries(
    practices: pd.DataFrame, networks: pd.DataFrame, lsoa_commissioner: np.ndarray,
    shared: SharedGeography,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, pd.DataFrame, gpd.GeoDataFrame]:
    """Both methods' network boundaries (local and national display scales), the
    LSOA assignment and the uncovered areas."""
    lsoas = shared.lsoas
    assignment = boundaries.nearest_practice(lsoas, lsoa_commissioner, practices)
    assignment = boundaries.give_every_network_an_lsoa(assignment, lsoas, practices)
    derived, national = [], []
    for method, shapes in (
        ("lsoa", boundaries.lsoa_boundaries(assignment, lsoas)),
        ("voronoi", boundaries.voronoi_boundaries(practices, shared.england)),
    ):
        shapes = boundaries.describe_parts(shapes)
        shapes.insert(0, "method", method)
        derived.append(boundaries.for_display(shapes, NETWORK_SIMPLIFY_M))
        national.append(boundaries.for_display(shapes[["method", "network_code", "geometry"]],
                                               NATIONAL_SIMPLIFY_M))
    names = networks.set_index("network_code")
    result = pd.concat(derived, ignore_index=True)
    result["network_name"] = result["network_code"].map(names["network_name"]).fillna(
        "No network")
    result["member_count"] = result["network_code"].map(names["member_count"]).fillna(0)
    result["registered"] = result["network_code"].map(names["registered"]).fillna(0.0)
    order = ["method", "network_code", "network_name", "member_count", "registered",
             "area_km2", "parts", "significant_parts", "part_areas_km2", "geometry"]
    result = gpd.GeoDataFrame(result[order], geometry="geometry", crs=4326)
    national_scale = pd.concat(national, ignore_index=True)
    national_scale["network_name"] = national_scale["network_code"].map(
        names["network_name"]).fillna("No network")
    national_scale["registered"] = national_scale["network_code"].map(
        names["registered"]).fillna(0.0)
    national_scale = gpd.GeoDataFrame(
        national_scale[["method", "network_code", "network_name", "registered", "geometry"]],
        geometry="geometry", crs=4326)

    gap = assignment["network_code"].isna().to_numpy()
    uncovered = boundaries.dissolve(lsoas.geometry[gap],
                                    assignment.loc[gap, "practice_code"].to_numpy())
    uncovered = uncovered.rename(columns={"key": "practice_code"})
    uncovered["lsoas"] = uncovered["practice_code"].map(
        assignment.loc[gap, "practice_code"].value_counts()).astype("int64")
    uncovered["area_km2"] = (uncovered.geometry.area / 1e6).round(3)
    uncovered = boundaries.for_display(uncovered, NETWORK_SIMPLIFY_M)
    return result, national_scale, assignment, uncovered


def _commissioners(
    source: Path, snapshot: Snapshot, registered: pd.DataFrame, log: QualityLog
) -> gpd.GeoDataFrame:
    """The snapshot's commissioner boundaries with ODS and ONS codes.

    When the boundary file carries only ONS codes, the ODS codes come from the
    (ODS, ONS) pairs of the snapshot's registered-list file.
    """
    spec = snapshot.boundaries
    columns = {spec.ons_code: "commissioner_ons_code", spec.name: "commissioner_name"}
    if spec.ods_code:
        columns[spec.ods_code] = "commissioner_code"
    areas = sources.read_boundaries(source / spec.path, columns, log)
    if not spec.ods_code:
        if "commissioner_ons_code" not in registered.columns:
            raise SourceError(source / spec.path, "boundaries carry no ODS codes and the "
                              "registered-list file gives no ONS code pairs",
                              expected="a file pairing ODS and ONS commissioner codes")
        pairs = registered.drop_duplicates("commissioner_ons_code").set_index(
            "commissioner_ons_code")["commissioner_code"]
        areas["commissioner_code"] = areas["commissioner_ons_code"].map(pairs)
        for index in areas.index[areas["commissioner_code"].isna()]:
            log.add("unknown_commissioner", source / snapshot.registered[0], None,
                    "ONS_CCG_CODE", areas.at[index, "commissioner_ons_code"],
                    areas.at[index, "commissioner_name"],
                    "no practice in the registered-list file names this ONS code, so its "
                    "ODS code is unknown")
    areas = areas.drop(columns="source_row")
    order = ["commissioner_code", "commissioner_ons_code", "commissioner_name", "geometry"]
    return areas[order].sort_values("commissioner_code").reset_index(drop=True)


def grouping_names(source: Path, snapshot: Snapshot, practices: pd.DataFrame
                   ) -> tuple[pd.Series, pd.Series]:
    """Names for the practices' region and STP/ICB codes (ODS fields 3 and 4).

    Region and STP names come from NHS Digital's January 2022 mapping file,
    ICB names from the July 2022 ICB boundaries. The 2019 file's field 4 holds
    older NHS England areas, which keep no name.
    """
    regions, stps = sources.read_grouping_names(source / GROUPING_NAMES[0])
    if snapshot.area_kind == "ICB":
        icbs = sources.read_boundaries(source / ICB_NAMES[0], {"icb22_code_h": "code",
                                                              "icb22_name": "name"},
                                       QualityLog())
        areas = icbs.drop_duplicates("code").set_index("code")["name"]
    elif snapshot.area_kind == "STP":
        areas = stps
    else:
        areas = pd.Series(dtype=str)
    return (practices["region_code"].map(regions).astype("string"),
            practices["stp_code"].map(areas).astype("string"))


def read_codepoint_releases(
    source: Path, postcode_keys: Iterable[str]
) -> list[tuple[str, pd.DataFrame]]:
    """Each Code-Point release's positions for the wanted postcodes, newest first."""
    wanted = set(postcode_keys)
    return [(vintage, sources.read_codepoint(source / path, wanted))
            for path, vintage in CODEPOINT_RELEASES]


def build_snapshot(
    source: Path,
    snapshot: Snapshot,
    postcode_positions: list[tuple[str, pd.DataFrame]],
    shared: SharedGeography,
) -> SnapshotTables:
    """Read and join one snapshot's sources."""
    log = QualityLog()
    as_of = pd.Timestamp(snapshot.as_of)
    ods_path = source / snapshot.epraccur[0]
    epcn_path = source / snapshot.epcn[0]

    all_practices = sources.read_epraccur(ods_path, log)
    active = sources.drop_repeats(
        sources.england_gp_practices(all_practices, ods_path, log), "code", ods_path, log,
        source_column="field 1 (organisation code)", what="practice code")
    assemble.check_postcodes(active, ods_path, log)

    networks, members = sources.read_epcn(epcn_path, log)
    networks = sources.drop_repeats(
        networks, "network_code", epcn_path, log,
        source_column=f"{networks.attrs['sheet']}: PCN Code", what="network code")
    networks = assemble.open_networks(networks, as_of)
    current = assemble.current_memberships(
        members, networks, all_practices, pd.Index(active["code"]), as_of, epcn_path, log)
    assemble.check_match_flags(current, epcn_path, log)

    registered_path = source / snapshot.registered[0]
    if snapshot.registered[2] == "monthly":
        registered = sources.read_registered_monthly(registered_path, log)
    else:
        registered = sources.read_payments_lists(registered_path, log)
    registered = sources.drop_repeats(registered, "practice_code", registered_path, log,
                                      source_column="practice code", what="practice")
    weighted_path = source / snapshot.weighted[0]
    weighted = (registered if weighted_path == registered_path else
                sources.drop_repeats(
                    sources.read_payments_lists(weighted_path, log), "practice_code",
                    weighted_path, log, source_column="Practice Code", what="practice"))
    fallback = None
    if snapshot.fallback_registered:
        fallback_path = source / snapshot.fallback_registered[0]
        fallback = weighted if fallback_path == weighted_path else sources.read_payments_lists(
            fallback_path, log)

    commissioners = _commissioners(source, snapshot, registered, log)

    practices = active.rename(columns={"code": "practice_code", "name": "practice_name"})
    practices = practices.set_index(practices.index)
    practices["postcode"] = codes.postcode_key(practices["postcode"]).map(
        codes.postcode_display)
    located = locate_postcodes(codes.postcode_key(practices["postcode"]), postcode_positions)
    practices = assemble.attach_coordinates(practices, located, ods_path, log)
    practices = assemble.attach_lists(
        practices, registered, Path(snapshot.registered[0]).name,
        weighted, Path(snapshot.weighted[0]).name,
        fallback, Path(snapshot.fallback_registered[0]).name if fallback is not None else None,
        ods_path, log)

    by_code = commissioners.set_index("commissioner_code")
    practices["commissioner_ons_code"] = practices["commissioner_code"].map(
        by_code["commissioner_ons_code"])
    practices["commissioner_name"] = practices["commissioner_code"].map(
        by_code["commissioner_name"])
    practices["region_name"], practices["stp_name"] = grouping_names(source, snapshot,
                                                                     practices)
    membership = current.set_index("practice_code")
    practices["network_code"] = practices["practice_code"].map(membership["network_code"])
    network_index = networks.set_index("network_code")
    practices["network_name"] = practices["network_code"].map(network_index["network_name"])
    practices["network_commissioner_code"] = practices["network_code"].map(
        network_index["commissioner_code"])
    assemble.check_commissioners(practices, networks, commissioners, ods_path, epcn_path, log)

    networks = networks.copy()
    network_names = networks["commissioner_code"].map(by_code["commissioner_name"])
    networks["commissioner_name"] = network_names.fillna(networks["commissioner_name"])
    networks["commissioner_ons_code"] = networks["commissioner_code"].map(
        by_code["commissioner_ons_code"])
    summary = assemble.summarise_networks(networks, practices, current)
    summary["commissioner_ons_code"] = summary["commissioner_code"].map(
        by_code["commissioner_ons_code"])

    practices = practices[PRACTICE_COLUMNS].sort_values("practice_code").reset_index(drop=True)
    summary = summary.sort_values("network_code").reset_index(drop=True)
    log.extend(shared.repairs)
    derived, national_scale, assignment, uncovered = derive_boundaries(
        practices, summary, lsoa_commissioners(source, snapshot, shared.lsoas, commissioners),
        shared)
    used = [snapshot.epraccur, snapshot.epcn, snapshot.registered[:2], snapshot.weighted,
            (snapshot.boundaries.path, snapshot.boundaries.vintage), *CODEPOINT_RELEASES,
            LSOA_LAYER, GROUPING_NAMES]
    if snapshot.area_kind == "ICB":
        used.append(ICB_NAMES)
    if snapshot.lsoa_lookup:
        used.append((snapshot.lsoa_lookup[0], snapshot.boundaries.vintage))
    if snapshot.fallback_registered:
        used.append(snapshot.fallback_registered)
    unique_sources = list(dict.fromkeys((path, vintage) for path, vintage in used))
    display = simplify_shared_edges(commissioners, COMMISSIONER_SIMPLIFY_M)
    return SnapshotTables(snapshot, practices, summary, display, derived, national_scale,
                          assignment, uncovered, log, unique_sources)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_snapshot(tables: SnapshotTables, out: Path) -> dict[str, int]:
    """Write one snapshot's outputs; return each file's row count."""
    folder = out / tables.snapshot.key
    folder.mkdir(parents=True, exist_ok=True)
    tables.practices.to_parquet(folder / "practices.parquet", index=False, compression="zstd")
    tables.networks.to_parquet(folder / "networks.parquet", index=False, compression="zstd")
    tables.commissioners.to_parquet(folder / "commissioners.parquet", index=False,
                                    compression="zstd")
    national_commissioners = simplify_shared_edges(tables.commissioners,
                                                   NATIONAL_COMMISSIONER_SIMPLIFY_M)
    national_commissioners.to_parquet(folder / "national_commissioners.parquet", index=False,
                                      compression="zstd")
    tables.network_boundaries.to_parquet(folder / "network_boundaries.parquet", index=False,
                                         compression="zstd")
    tables.national_boundaries.to_parquet(folder / "national_boundaries.parquet", index=False,
                                          compression="zstd")
    tables.lsoa_networks.to_parquet(folder / "lsoa_networks.parquet", index=False,
                                    compression="zstd")
    tables.uncovered_areas.to_parquet(folder / "uncovered_areas.parquet", index=False,
                                      compression="zstd")
    quality = tables.quality.to_frame()
    quality.insert(0, "snapshot", tables.snapshot.key)
    quality.to_parquet(folder / "quality.parquet", index=False, compression="zstd")
    return {
        "practices.parquet": len(tables.practices),
        "networks.parquet": len(tables.networks),
        "commissioners.parquet": len(tables.commissioners),
        "national_commissioners.parquet": len(tables.commissioners),
        "quality.parquet": len(quality),
        "network_boundaries.parquet": len(tables.network_boundaries),
        "national_boundaries.parquet": len(tables.national_boundaries),
        "lsoa_networks.parquet": len(tables.lsoa_networks),
        "uncovered_areas.parquet": len(tables.uncovered_areas),
    }


def analysis_summary(tables: SnapshotTables) -> dict[str, object]:
    """Headline results of the coverage analysis, recorded in the manifest."""
    practices, networks = tables.practices, tables.networks
    crossing = coverage.cross_commissioner_networks(practices, networks)
    sizes = coverage.size_check(networks)
    derived = tables.network_boundaries
    lsoa = derived[(derived["method"] == "lsoa")
                   & (derived["network_code"] != boundaries.NO_NETWORK)]
    balance = coverage.patient_balance(practices)
    return {
        "cross_commissioner_networks": int(crossing["crosses_commissioners"].sum()),
        "epcn_flag_disagreements": int((~crossing["agrees_with_epcn"]).sum()),
        "unaligned_practices": len(coverage.unaligned_practices(practices)),
        "uncovered_lsoas": int(tables.lsoa_networks["network_code"].isna().sum()),
        "networks_under_30000": int((sizes["size_band"] == "under").sum()),
        "networks_over_50000": int((sizes["size_band"] == "over").sum()),
        "single_practice_networks": int(sizes["single_practice"].sum()),
        "non_contiguous_networks_lsoa": int((lsoa["significant_parts"] > 1).sum()),
        "patients_in_networks": round(balance["in_network"]),
        "patients_in_gaps": round(balance["in_gaps"]),
        "patients_all": round(balance["all"]),
    }


def read_funding_lists(source: Path) -> tuple[pd.DataFrame, QualityLog]:
    """Every list-size file the funding model uses, in one long table."""
    log = QualityLog()
    frames = []
    for name, (relative, kind, _) in FUNDING_LISTS.items():
        path = source / relative
        if kind == "monthly":
            lists = sources.read_registered_monthly(path, log)
            lists["weighted"] = np.nan
        else:
            lists = sources.read_payments_lists(path, log)
        lists = sources.drop_repeats(lists, "practice_code", path, log,
                                     source_column="practice code", what="practice")
        frames.append(lists[["practice_code", "registered", "weighted"]].assign(list_name=name))
    table = pd.concat(frames, ignore_index=True)
    return table[["list_name", "practice_code", "registered", "weighted"]], log


@dataclass
class BuildResult:
    """What a build wrote and what stopped it, per snapshot."""

    written: dict[str, dict[str, int]]
    errors: dict[str, str]
    seconds: float


def build(source: Path, out: Path, keys: Iterable[str] | None = None) -> BuildResult:
    """Build every requested snapshot from ``source`` into ``out``.

    A snapshot whose sources fail is reported and skipped; the others still
    build. The manifest lists what was written.
    """
    started = time.perf_counter()
    keys = list(keys or SNAPSHOTS)
    unknown = [k for k in keys if k not in SNAPSHOTS]
    if unknown:
        raise ValueError(f"unknown snapshot {unknown[0]!r}; choose from {list(SNAPSHOTS)}")
    out.mkdir(parents=True, exist_ok=True)

    # Code-Point is read once for the practices of every snapshot.
    wanted: set[str] = set()
    errors: dict[str, str] = {}
    for key in keys:
        path = source / SNAPSHOTS[key].epraccur[0]
        try:
            wanted |= set(codes.postcode_key(sources.read_epraccur(path, QualityLog())["postcode"]))
        except SourceError as error:
            errors[key] = str(error)
    try:
        positions = read_codepoint_releases(source, wanted)
        shared = read_shared_geography(source)
    except SourceError as error:
        return BuildResult({}, {key: str(error) for key in keys}, time.perf_counter() - started)

    # The LSOA piece graph lets the app judge a proposed network's contiguity
    # without shipping LSOA geometry.
    shared.graph.parts.to_parquet(out / "lsoa_parts.parquet", index=False, compression="zstd")
    shared.graph.edges.to_parquet(out / "lsoa_edges.parquet", index=False, compression="zstd")

    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    manifest.setdefault("snapshots", {})
    hashes: dict[Path, str] = {}
    written: dict[str, dict[str, int]] = {}
    for key in keys:
        if key in errors:
            continue
        snapshot = SNAPSHOTS[key]
        snapshot_started = time.perf_counter()
        try:
            tables = build_snapshot(source, snapshot, positions, shared)
        except SourceError as error:
            errors[key] = str(error)
            continue
        rows = write_snapshot(tables, out)
        written[key] = rows
        source_records = []
        for relative, vintage in tables.sources:
            path = source / relative
            if path not in hashes:
                hashes[path] = _sha256(path)
            source_records.append({"name": relative, "sha256": hashes[path], "vintage": vintage})
        manifest["snapshots"][key] = {
            "label": snapshot.label,
            "as_of": snapshot.as_of,
            "commissioner_kind": snapshot.commissioner_kind,
            "boundary_note": snapshot.boundaries.note,
            "outputs": {name: {"rows": count} for name, count in rows.items()},
            "analysis": analysis_summary(tables),
            "boundary_method_note": boundaries.INDICATIVE_NOTE,
            "sources": source_records,
            "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "build_seconds": round(time.perf_counter() - snapshot_started, 2),
        }
    try:
        funding_lists, _ = read_funding_lists(source)
    except SourceError as error:
        errors["funding lists"] = str(error)
    else:
        funding_lists.to_parquet(out / "funding_lists.parquet", index=False, compression="zstd")
        manifest["funding_lists"] = {
            "rows": len(funding_lists),
            "sources": [{"name": relative, "list": name, "describes": describes,
                         "sha256": hashes.setdefault(source / relative,
                                                     _sha256(source / relative))}
                        for name, (relative, _, describes) in FUNDING_LISTS.items()],
        }
    manifest["generator"] = "python -m pcnmap build"
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return BuildResult(written, errors, time.perf_counter() - started)
