"""The whole pipeline on the real extracts: outputs, manifest, report, rules."""

from __future__ import annotations

import csv
import hashlib
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from pcnmap import store
from pcnmap.model import contiguity
from pcnmap.pipeline.catalogue import load_catalogue
from pcnmap.pipeline.geography import coverage_overlap_m2

SNAPSHOTS = load_catalogue().snapshots
SNAPSHOT_TABLES = Path(__file__).parent / "snapshots"
KEYS = list(SNAPSHOTS)
# The snapshots whose practices are ODS's active ones (not a practice map's).
ODS_KEYS = [key for key in KEYS if SNAPSHOTS[key].memberships.layout == "epcn"]


@pytest.mark.parametrize("key", KEYS)
def test_outputs_and_manifest(built_extract: Path, extract: Path, key: str) -> None:
    manifest = store.read_manifest(built_extract)["snapshots"][key]
    for name, record in manifest["outputs"].items():
        path = built_extract / key / f"{name}.parquet"
        assert len(pd.read_parquet(path)) == record["rows"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == record["sha256"]
    for source in manifest["sources"]:
        digest = hashlib.sha256((extract / source["name"]).read_bytes()).hexdigest()
        assert source["sha256"] == digest
        assert source["vintage"]
    names = {s["name"] for s in manifest["sources"]}
    assert SNAPSHOTS[key].memberships.file in names and SNAPSHOTS[key].practices.file in names
    assert manifest["built_at"].startswith("20")


@pytest.mark.parametrize("key", [key for key in ODS_KEYS if SNAPSHOTS[key].active == "status"])
def test_every_active_practice_is_kept_or_reported(built_extract: Path, extract: Path,
                                                  key: str) -> None:
    ods = pd.read_csv(extract / SNAPSHOTS[key].practices.file, header=None, dtype=str,
                      keep_default_na=False)
    active = set(ods.loc[(ods[12] == "A") & (ods[25] == "4"), 0])
    practices = set(store.read_table(built_extract, key, "practices")["practice_code"])
    quality = store.read_table(built_extract, key, "quality")
    left_out = set(quality.loc[quality["check"] == "outside_england", "record"])
    assert practices | left_out == active
    assert not practices & left_out


@pytest.mark.parametrize("key", KEYS)
def test_coordinates_agree_with_codepoint(built_extract: Path, extract: Path, key: str) -> None:
    positions: dict[str, tuple[int, int]] = {}
    for release in ("codepo_gb_2018-07.zip", "codepo_gb_2025-04.zip"):  # newer overwrites
        with zipfile.ZipFile(extract / "postcodes" / release) as archive:
            for name in archive.namelist():
                if name.startswith("Data/CSV/"):
                    for row in csv.reader(archive.read(name).decode().splitlines()):
                        positions[row[0].replace(" ", "")] = (int(row[2]), int(row[3]))
    practices = store.read_table(built_extract, key, "practices")
    placed = practices.dropna(subset=["longitude"])
    assert len(placed) >= len(practices) - 1  # only N81119's WA8 4NJ is in neither release
    to_grid = Transformer.from_crs(4326, 27700, always_xy=True)
    easting, northing = to_grid.transform(placed["longitude"].values, placed["latitude"].values)
    expected = np.array([positions[p.replace(" ", "")] for p in placed["postcode"]])
    assert np.abs(easting - expected[:, 0]).max() < 1.0
    assert np.abs(northing - expected[:, 1]).max() < 1.0
    # Not swapped, not in the sea: each practice stands in (or by) its own
    # commissioner's area.
    areas = gpd.read_parquet(built_extract / key / "commissioners.parquet").to_crs(27700)
    near = areas.set_index("commissioner_code").buffer(2000)
    points = gpd.GeoSeries(gpd.points_from_xy(easting, northing), crs=27700)
    # (Members from neighbouring commissioners outside the extract have no area here.)
    inside = [near[code].contains(point)
              for code, point in zip(placed["commissioner_code"], points, strict=True)
              if code in near.index]
    assert len(inside) >= 75 and np.mean(inside) >= 0.97


def test_memberships_follow_the_dates(built_extract: Path) -> None:
    before = store.read_table(built_extract, "2022-04", "practices").set_index("practice_code")
    after = store.read_table(built_extract, "2023-01", "practices").set_index("practice_code")
    # Withnell Health Centre left Chorley East PCN on 30 April 2022 and joined
    # Chorley Together PCN (opened 1 May 2022) the next day; the 2023 workbook
    # holds both rows, and only the second is current.
    assert before.loc["P81010", "network_code"] == "U85108"
    assert after.loc["P81010", "network_code"] == "U57096"
    assert after.loc["P81010", "network_name"] == "CHORLEY TOGETHER PCN"
    networks_2022 = store.read_table(built_extract, "2022-04", "networks")
    assert "U57096" not in set(networks_2022["network_code"])  # not open until May 2022


def test_network_totals_are_their_members_sums(built_extract: Path) -> None:
    for key in KEYS:
        practices = store.read_table(built_extract, key, "practices")
        networks = store.read_table(built_extract, key, "networks").set_index("network_code")
        members = practices.dropna(subset=["network_code"]).groupby("network_code")
        assert (networks.loc[members.size().index, "member_count"] == members.size()).all()
        assert np.allclose(networks.loc[members.size().index, "registered"],
                           members["registered"].sum())


@pytest.mark.parametrize("key", KEYS)
def test_cross_commissioner_flag_from_epcn(built_extract: Path, key: str) -> None:
    """Bridgedale South Ribble PCN takes members from Chorley and South Ribble
    (00X) and Greater Preston (01E) in every snapshot; ePCN flags it, and a
    practice map carries no flag at all."""
    networks = store.read_table(built_extract, key, "networks").set_index("network_code")
    practices = store.read_table(built_extract, key, "practices")
    members = practices[practices["network_code"] == "U34632"]
    assert set(members["commissioner_code"]) == {"00X", "01E"}
    flagged = networks["epcn_cross_commissioner"]
    if SNAPSHOTS[key].memberships.layout == "practice-map":
        assert flagged.isna().all()
        return
    assert flagged["U34632"]
    single = practices.dropna(subset=["network_code"]).groupby("network_code")[
        "commissioner_code"].nunique()
    assert not flagged[single[single == 1].index].any()


def test_quality_report_points_at_the_record(built_extract: Path, extract: Path) -> None:
    from openpyxl import load_workbook

    quality = store.read_table(built_extract, "2019-12", "quality")
    finding = quality[quality["check"] == "member_not_in_ods"].iloc[0]
    assert finding["file"] == "ePCN_2019-12-04.xlsx"
    workbook = load_workbook(extract / "epcn" / finding["file"], read_only=True)
    row = next(workbook["PCN Core Partner Details"].iter_rows(
        min_row=int(finding["row"]), max_row=int(finding["row"]), values_only=True))
    workbook.close()
    assert row[0] == finding["record"] == "P81713"
    assert "status 'D'" in finding["message"]

    missing = quality[quality["check"] == "no_coordinates"].iloc[0]
    line = (extract / "ods/epraccur_2019-11-19.csv").read_text().splitlines()[missing["row"] - 1]
    assert line.startswith('"N81119"') and '"WA8 4NJ"' in line


@pytest.mark.parametrize("key", KEYS)
def test_commissioner_boundaries_share_edges(built_extract: Path, key: str) -> None:
    boundaries = gpd.read_parquet(built_extract / key / "commissioners.parquet")
    # The extract's four commissioners, and Frimley's D4U1Y in the newer
    # snapshots (split in April 2026 into U2G6B and parts of D9Y0V and 92A).
    expected = {"00R", "00X", "01E", "01F"} | {
        "2024-10": {"D4U1Y"}, "2026-07": {"U2G6B", "D9Y0V", "92A"}}.get(key, set())
    assert set(boundaries["commissioner_code"]) == expected
    assert boundaries.is_valid.all()
    assert coverage_overlap_m2(boundaries.geometry) < 1.0
    assert shapely.coverage_is_valid(boundaries.to_crs(27700).geometry.values)


@pytest.mark.parametrize("key", KEYS)
def test_networks_table_snapshot(built_extract: Path, key: str) -> None:
    """The networks table of each extract snapshot, compared with the stored one.

    A change here is a change in results: inspect the diff, then regenerate
    with PCNMAP_UPDATE_SNAPSHOTS=1.
    """
    columns = ["network_code", "network_name", "commissioner_code", "member_count",
               "registered", "weighted", "epcn_cross_commissioner"]
    table = store.read_table(built_extract, key, "networks")[columns].round(2)
    path = SNAPSHOT_TABLES / f"networks_{key}.csv"
    import os

    if os.environ.get("PCNMAP_UPDATE_SNAPSHOTS"):
        path.parent.mkdir(exist_ok=True)
        table.to_csv(path, index=False)
    stored = pd.read_csv(path, dtype={"commissioner_code": str,
                                      "epcn_cross_commissioner": "boolean"})
    pd.testing.assert_frame_equal(table.reset_index(drop=True), stored, check_dtype=False)


def test_manifest_is_json_with_every_snapshot(built_extract: Path) -> None:
    manifest = json.loads((built_extract / "manifest.json").read_text())
    assert sorted(manifest["snapshots"]) == sorted(KEYS)


def test_region_and_stp_or_icb_names(built_extract: Path) -> None:
    by_snapshot = {key: store.read_table(built_extract, key, "practices").set_index(
        "practice_code") for key in KEYS}
    for key in KEYS:
        assert by_snapshot[key].loc["P81185", "region_name"] == "North West"
    # Field 4 is an STP in April 2022, an ICB from July 2022, and an older
    # NHS England area (no name in the data) in 2019.
    assert by_snapshot["2022-04"].loc["P81185", "stp_name"] == \
        "Healthier Lancashire and South Cumbria"
    assert by_snapshot["2023-01"].loc["P81185", "stp_name"] == \
        "NHS Lancashire and South Cumbria Integrated Care Board"
    assert by_snapshot["2023-01"].loc["N81011", "stp_name"] == \
        "NHS Cheshire and Merseyside Integrated Care Board"
    assert by_snapshot["2019-12"]["stp_name"].isna().all()


def test_what_changed_between_snapshots_is_explained(built_extract: Path) -> None:
    """South Ribble Medical Group PCN (U22273) closed before October 2024 and its
    practices went three ways; Frimley's D4U1Y is gone in July 2026 and every
    one of its practices is accounted for under its successors."""
    from pcnmap.model import changes

    def load(key: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        return (store.read_table(built_extract, key, "practices"),
                store.read_table(built_extract, key, "networks"))

    found = changes.compare_snapshots("2023-01", *load("2023-01"), "2024-10", *load("2024-10"))
    split = found.networks.set_index("network_code").loc["U22273"]
    assert split["status"] == changes.SPLIT
    assert split["went_to"] == "U49070 (4), U34632 (2), U09100 (1)"
    assert found.networks.set_index("network_code").loc["U49070", "came_from"] == "U22273 (4)"

    later = changes.compare_snapshots("2024-10", *load("2024-10"), "2026-07", *load("2026-07"))
    gone = later.commissioners.set_index("commissioner_code").loc["D4U1Y"]
    assert gone["status"] == "gone"
    assert gone["explanation"] == "now under U2G6B (41), D9Y0V (14), 92A (11)"
    assert set(later.commissioners.loc[later.commissioners["status"] == "new",
                                       "commissioner_code"]) == {"U2G6B", "D9Y0V", "92A"}


@pytest.mark.parametrize("key", KEYS)
def test_each_practice_catchment_is_one_connected_area(built_extract: Path, key: str) -> None:

    graph = store.read_graph(built_extract, key)
    assignment = store.read_table(built_extract, key, "lsoa_networks")
    position = pd.Series(np.arange(len(assignment)), index=assignment["lsoa_code"])
    piece = position.reindex(graph.parts["lsoa_code"]).to_numpy()
    adjacency = contiguity.lsoa_adjacency(piece, graph.edges["part_a"].to_numpy(),
                                          graph.edges["part_b"].to_numpy(), len(position))
    grown = assignment[assignment["catchment_how"] != "isolated"]
    assert assignment["catchment_practice_code"].notna().all()
    for practice, lsoas in grown.groupby("catchment_practice_code"):
        members = position[lsoas["lsoa_code"]].to_numpy()
        assert contiguity.connected(adjacency, members) == 1, practice
    # Every placed practice has a catchment, and larger lists reach further.
    practices = store.read_table(built_extract, key, "practices").dropna(subset=["easting"])
    sizes = assignment["catchment_practice_code"].value_counts()
    assert set(practices["practice_code"]) <= set(sizes.index)
    # (Counting the LSOAs grown within each practice's share, not those left
    # over at the extract's edges.)
    grown_sizes = grown.loc[grown["catchment_how"] == "grown",
                            "catchment_practice_code"].value_counts()
    listed = practices.set_index("practice_code")["registered"].dropna()
    assert listed.corr(grown_sizes.reindex(listed.index).fillna(0).astype(float)) > 0.5


@pytest.mark.parametrize("key", KEYS)
def test_contiguity_groups_name_every_flagged_networks_practices(built_extract: Path,
                                                                key: str) -> None:
    groups = store.read_table(built_extract, key, "contiguity")
    practices = store.read_table(built_extract, key, "practices").dropna(subset=["easting"])
    members = practices.dropna(subset=["network_code"]).groupby("network_code")[
        "practice_code"].agg(set)
    for _, row in groups.iterrows():
        named = set(row["group_practices"].replace("|", " ").split())
        # A catchment for every placed member; a member nearest to no LSOA
        # has no area by the LSOA method.
        if row["method"] == "catchment":
            assert named == members[row["network_code"]]
        assert named <= members[row["network_code"]]
        assert row["groups"] == row["group_practices"].count("|") + 1
        assert (row["groups"] > 1) == bool(row["between"]) or row["groups"] == 1
    assert set(groups["method"]) == {"lsoa", "catchment"}
