"""One snapshot built: its sources read (practices, memberships, lists,
postcodes, commissioner areas) and joined into its output tables."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from pcnmap import codes
from pcnmap.model import membership, methods
from pcnmap.pipeline import areas, assemble
from pcnmap.pipeline.catalogue import Catalogue, Snapshot
from pcnmap.pipeline.derived import LayerGeography, derive_boundaries
from pcnmap.pipeline.geography import locate_postcodes, simplify_shared_edges
from pcnmap.pipeline.readers import codepoint, csvfiles, epcn, epraccur, list_sizes, practice_map
from pcnmap.problems import QualityLog

# Metres: invisible at a commissioner's zoom, a large saving in bytes.
COMMISSIONER_SIMPLIFY_M = 100.0
# Commissioner and ICB outlines drawn for all of England at once.
NATIONAL_COMMISSIONER_SIMPLIFY_M = 500.0
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
