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

from pcnmap import assemble, codes, sources
from pcnmap.geography import locate_postcodes, simplify_shared_edges
from pcnmap.problems import QualityLog, SourceError
from pcnmap.snapshots import CODEPOINT_RELEASES, SNAPSHOTS, Snapshot

# Metres: invisible at a commissioner's zoom, a large saving in bytes.
COMMISSIONER_SIMPLIFY_M = 100.0

PRACTICE_COLUMNS = [
    "practice_code", "practice_name", "postcode", "longitude", "latitude",
    "easting", "northing", "coordinate_source", "region_code", "stp_code",
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
    quality: QualityLog
    sources: list[tuple[str, str]]


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
    boundaries = sources.read_boundaries(source / spec.path, columns, log)
    if not spec.ods_code:
        if "commissioner_ons_code" not in registered.columns:
            raise SourceError(source / spec.path, "boundaries carry no ODS codes and the "
                              "registered-list file gives no ONS code pairs",
                              expected="a file pairing ODS and ONS commissioner codes")
        pairs = registered.drop_duplicates("commissioner_ons_code").set_index(
            "commissioner_ons_code")["commissioner_code"]
        boundaries["commissioner_code"] = boundaries["commissioner_ons_code"].map(pairs)
        for index in boundaries.index[boundaries["commissioner_code"].isna()]:
            log.add("unknown_commissioner", source / snapshot.registered[0], None,
                    "ONS_CCG_CODE", boundaries.at[index, "commissioner_ons_code"],
                    boundaries.at[index, "commissioner_name"],
                    "no practice in the registered-list file names this ONS code, so its "
                    "ODS code is unknown")
    boundaries = boundaries.drop(columns="source_row")
    boundaries = simplify_shared_edges(boundaries, COMMISSIONER_SIMPLIFY_M)
    order = ["commissioner_code", "commissioner_ons_code", "commissioner_name", "geometry"]
    return boundaries[order].sort_values("commissioner_code").reset_index(drop=True)


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
) -> SnapshotTables:
    """Read and join one snapshot's sources."""
    log = QualityLog()
    as_of = pd.Timestamp(snapshot.as_of)
    ods_path = source / snapshot.epraccur[0]
    epcn_path = source / snapshot.epcn[0]

    all_practices = sources.read_epraccur(ods_path, log)
    active = assemble.unique_practices(
        sources.england_gp_practices(all_practices, ods_path, log), ods_path, log)
    assemble.check_postcodes(active, ods_path, log)

    networks, members = sources.read_epcn(epcn_path, log)
    networks = assemble.unique_practices(
        networks.rename(columns={"network_code": "code"}), epcn_path, log
    ).rename(columns={"code": "network_code"})
    networks.attrs["sheet"] = "PCN Details"
    networks = assemble.open_networks(networks, as_of)
    current = assemble.current_memberships(
        members, networks, all_practices, pd.Index(active["code"]), as_of, epcn_path, log)
    assemble.check_match_flags(current, epcn_path, log)

    registered_path = source / snapshot.registered[0]
    if snapshot.registered[2] == "monthly":
        registered = sources.read_registered_monthly(registered_path, log)
    else:
        registered = sources.read_payments_lists(registered_path, log)
    registered = sources.drop_duplicate_practices(registered, registered_path, log)
    weighted_path = source / snapshot.weighted[0]
    weighted = (registered if weighted_path == registered_path else
                sources.drop_duplicate_practices(
                    sources.read_payments_lists(weighted_path, log), weighted_path, log))
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
    used = [snapshot.epraccur, snapshot.epcn, snapshot.registered[:2], snapshot.weighted,
            (snapshot.boundaries.path, snapshot.boundaries.vintage), *CODEPOINT_RELEASES]
    if snapshot.fallback_registered:
        used.append(snapshot.fallback_registered)
    unique_sources = list(dict.fromkeys((path, vintage) for path, vintage in used))
    return SnapshotTables(snapshot, practices, summary, commissioners, log, unique_sources)


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
    quality = tables.quality.to_frame()
    quality.insert(0, "snapshot", tables.snapshot.key)
    quality.to_parquet(folder / "quality.parquet", index=False, compression="zstd")
    return {
        "practices.parquet": len(tables.practices),
        "networks.parquet": len(tables.networks),
        "commissioners.parquet": len(tables.commissioners),
        "quality.parquet": len(quality),
    }


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
    except SourceError as error:
        return BuildResult({}, {key: str(error) for key in keys}, time.perf_counter() - started)

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
            tables = build_snapshot(source, snapshot, positions)
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
            "sources": source_records,
            "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "build_seconds": round(time.perf_counter() - snapshot_started, 2),
        }
    manifest["generator"] = "python -m pcnmap build"
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return BuildResult(written, errors, time.perf_counter() - started)
