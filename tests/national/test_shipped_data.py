"""The processed national data the app ships with (data/) meets its promises."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from pcnmap import store, tables
from pcnmap.model import contiguity, coverage
from pcnmap.pipeline.catalogue import load_catalogue
from pcnmap.pipeline.geography import ENGLAND_BOUNDS, coverage_overlap_m2

DATA = Path(__file__).resolve().parents[2] / "data"
SNAPSHOTS = load_catalogue().snapshots
KEYS = list(SNAPSHOTS)
OLDER = ["2019-12", "2022-04", "2023-01"]

pytestmark = pytest.mark.national


def test_every_snapshot_is_shipped_and_whole() -> None:
    assert store.snapshot_keys(DATA) == KEYS
    assert store.verify(DATA) == []


def test_every_shipped_table_has_its_declared_columns() -> None:
    for key in KEYS:
        for name, table in tables.TABLES.items():
            if table.scope == tables.SNAPSHOT:
                assert tables.check_file(table, table.path(DATA, key)) is None, (key, name)


def test_data_folder_is_small() -> None:
    size = sum(p.stat().st_size for p in DATA.rglob("*") if p.is_file())
    assert size < 50 * 1024 * 1024


@pytest.mark.parametrize("key", OLDER)
def test_older_snapshot_is_complete(key: str) -> None:
    practices = store.read_table(DATA, key, "practices")
    networks = store.read_table(DATA, key, "networks")
    # England's practices: ODS lists about 6,450-6,850 per snapshot (the 2022
    # and 2023 files also list about 400 Welsh practices, left out and reported).
    assert len(practices) >= 6_400
    assert len(networks) >= 1_250
    with_list = practices[practices["registered"] > 0]
    assert with_list["latitude"].notna().mean() >= 0.999
    in_network = with_list["network_code"].notna()
    assert with_list.loc[in_network, "registered"].sum() / with_list["registered"].sum() >= 0.98
    assert (networks["member_count"] > 0).mean() > 0.99
    # England's registered population is about 60 million.
    assert 58e6 < practices["registered"].sum() < 64e6


def test_july_2026_is_england_now() -> None:
    """The newest snapshot: the practice map of 1 July 2026 (PCN code U is no
    network), its quinary-age lists, the 36 ICBs of April 2026."""
    practices = store.read_table(DATA, "2026-07", "practices")
    networks = store.read_table(DATA, "2026-07", "networks")
    with_patients = practices[practices["registered"] > 0]
    assert len(with_patients) >= 6_100
    assert 1_290 <= len(networks) <= 1_305 and "U" not in set(networks["network_code"])
    assert practices["commissioner_code"].nunique() == 106
    assert practices["stp_code"].nunique() == 36
    assert len(store.read_geo(DATA, "2026-07", "icbs")) == 36
    assert practices["registered"].notna().mean() >= 0.995
    assert practices["latitude"].notna().mean() >= 0.995
    in_network = with_patients["network_code"].notna()
    assert with_patients.loc[in_network, "registered"].sum() / \
        with_patients["registered"].sum() >= 0.99
    assert 63e6 < practices["registered"].sum() < 64e6  # 63.44 million on 1 July 2026


def test_october_2024() -> None:
    """Practices active on 1 October 2024 by the September 2025 ODS file's
    dates; list sizes of April 2025 (practices closed since lack one, and
    are reported)."""
    practices = store.read_table(DATA, "2024-10", "practices")
    networks = store.read_table(DATA, "2024-10", "networks")
    quality = store.read_table(DATA, "2024-10", "quality")
    assert (practices["registered"] > 0).sum() >= 6_150
    assert len(networks) >= 1_280
    assert practices["latitude"].notna().mean() >= 0.995
    without = set(practices.loc[practices["registered"].isna(), "practice_code"])
    reported = set(quality.loc[quality["check"] == "no_list_size", "record"])
    assert without == reported and len(without) < 0.03 * len(practices)
    assert practices["commissioner_code"].nunique() == 106
    assert practices["stp_code"].nunique() == 42


def test_the_2026_sub_icb_split_is_derived_from_the_2023_shapes() -> None:
    """D4U1Y (Frimley) was split on 1 April 2026: its 2023 shape, cut by the
    2026 ICBs, makes U2G6B and the parts that joined D9Y0V and 92A."""
    before = store.read_commissioners(DATA, "2024-10").to_crs(27700).set_index(
        "commissioner_code")
    after = store.read_commissioners(DATA, "2026-07").to_crs(27700).set_index(
        "commissioner_code")
    assert "D4U1Y" in before.index and "D4U1Y" not in after.index
    assert set(after.index[after["derived"]]) == {"U2G6B", "D9Y0V", "92A"}
    grown = sum(after.area[c] - before.area[c] for c in ("D9Y0V", "92A")) + after.area["U2G6B"]
    assert grown == pytest.approx(before.area["D4U1Y"], rel=0.02)
    lsoas = store.read_table(DATA, "2026-07", "lsoa_networks")
    assert "D4U1Y" not in set(lsoas["lsoa_commissioner_code"])
    assert lsoas["lsoa_icb_code"].nunique() == 36


def test_active_practices_including_wales_match_the_issue_count() -> None:
    """The 2022-04 ODS file holds 6,900+ active GP practices; 400+ are Welsh."""
    practices = store.read_table(DATA, "2022-04", "practices")
    quality = store.read_table(DATA, "2022-04", "quality")
    welsh = (quality["check"] == "outside_england").sum()
    assert welsh >= 400
    assert len(practices) + welsh >= 6_900


@pytest.mark.parametrize("key", KEYS)
def test_coordinates_are_in_england_and_not_swapped(key: str) -> None:
    practices = store.read_table(DATA, key, "practices").dropna(subset=["longitude"])
    b = ENGLAND_BOUNDS
    assert practices["longitude"].between(b["min_lon"], b["max_lon"]).all()
    assert practices["latitude"].between(b["min_lat"], b["max_lat"]).all()
    assert (practices[["longitude", "latitude", "easting", "northing"]] != 0).all().all()
    # An independent check: practices fall inside their own commissioner's
    # boundary (ONS geometry), which a swapped axis or a wrong datum would break.
    commissioners = store.read_commissioners(DATA, key)
    points = gpd.GeoDataFrame(practices, geometry=gpd.points_from_xy(
        practices["longitude"], practices["latitude"]), crs=4326)
    joined = gpd.sjoin(points, commissioners[["commissioner_code", "geometry"]].rename(
        columns={"commissioner_code": "inside"}), predicate="within", how="left")
    assert (joined["inside"] == joined["commissioner_code"]).mean() > 0.98


@pytest.mark.parametrize("key", KEYS)
def test_commissioner_boundaries(key: str) -> None:
    commissioners = store.read_commissioners(DATA, key)
    expected = 191 if key == "2019-12" else 106
    assert len(commissioners) == expected
    assert commissioners["commissioner_code"].notna().all()
    assert commissioners.is_valid.all()
    assert coverage_overlap_m2(commissioners.geometry) < 1.0


@pytest.mark.parametrize("key", KEYS)
def test_quality_report_names_file_row_and_column(key: str) -> None:
    quality = store.read_table(DATA, key, "quality")
    assert len(quality) > 0
    assert quality["file"].str.len().gt(0).all()
    assert quality["column"].notna().all()
    rows = quality.dropna(subset=["row"])
    assert len(rows) == len(quality)


def test_epcn_cross_commissioner_counts() -> None:
    counts = {k: int(store.read_table(DATA, k, "networks")["epcn_cross_commissioner"].sum())
              for k in OLDER}
    # ePCN's own flag: about 19 networks in 2019 and 9 in 2023 span two CCGs.
    assert 15 <= counts["2019-12"] <= 25
    assert 5 <= counts["2023-01"] <= 13


def test_manifest_matches_files() -> None:
    manifest = store.read_manifest(DATA)
    for key, snapshot in manifest["snapshots"].items():
        for name, output in snapshot["outputs"].items():
            assert len(pd.read_parquet(DATA / key / f"{name}.parquet")) == output["rows"]
        assert all(len(s["sha256"]) == 64 for s in snapshot["sources"])


def test_cross_commissioner_networks_follow_from_members() -> None:
    from pcnmap.model import coverage

    found = {}
    for key in ("2019-12", "2023-01"):
        practices = store.read_table(DATA, key, "practices")
        networks = store.read_table(DATA, key, "networks")
        crossing = coverage.cross_commissioner_networks(practices, networks)
        found[key] = crossing
        # Every listed network really has members under two or more commissioners.
        for _, network in crossing[crossing["crosses_commissioners"]].iterrows():
            members = practices[practices["network_code"] == network["network_code"]]
            assert members["commissioner_code"].nunique() >= 2
    assert 15 <= found["2019-12"]["crosses_commissioners"].sum() <= 25
    assert 5 <= found["2023-01"]["crosses_commissioners"].sum() <= 13
    # ePCN flags U97695 (all of whose members ODS puts in 05T) in 2019: listed
    # as a disagreement, not counted as crossing.
    disagreement = found["2019-12"].set_index("network_code").loc["U97695"]
    assert not disagreement["crosses_commissioners"] and not disagreement["agrees_with_epcn"]


@pytest.mark.parametrize("key", KEYS)
def test_patients_in_networks_plus_gaps_is_everyone(key: str) -> None:
    from pcnmap.model import coverage

    practices = store.read_table(DATA, key, "practices")
    balance = coverage.patient_balance(practices)
    assert balance["in_network"] + balance["in_gaps"] == pytest.approx(balance["all"], abs=0.01)
    gaps = coverage.unaligned_practices(practices)
    with_patients = practices[practices["registered"] > 0]
    assert set(gaps["practice_code"]) == set(
        with_patients.loc[with_patients["network_code"].isna(), "practice_code"])


@pytest.mark.parametrize("key", KEYS)
def test_derived_boundaries_cover_england_without_overlap(key: str) -> None:
    from pcnmap.model.methods import METHODS, NO_NETWORK

    derived = gpd.read_parquet(DATA / key / "network_boundaries.parquet")
    networks = store.read_table(DATA, key, "networks")
    practices = store.read_table(DATA, key, "practices").dropna(subset=["easting"])
    with_placed_members = set(practices["network_code"].dropna())
    england_km2 = 130_300  # England's land area, about 130,300 km2 (ONS)
    for method in METHODS:
        shapes = derived[derived["method"] == method]
        assert with_placed_members <= set(shapes["network_code"])
        assert set(shapes["network_code"]) - {NO_NETWORK} <= set(networks["network_code"])
        area = shapes.to_crs(27700).area.sum() / 1e6
        assert abs(area / england_km2 - 1) < 0.02
        assert coverage_overlap_m2(shapes.geometry) / 1e6 < area * 0.001


def test_2020_21_clinical_director_and_extended_hours_match_rate_times_england() -> None:
    from pcnmap.model import funding

    book = funding.load_rates()
    lists = pd.read_parquet(DATA / "funding_lists.parquet")
    england = funding.year_lists(lists, book, "2020/21")["registered"].sum()
    # The membership nearest 2020/21 is December 2019's; later memberships lose
    # practices that merged or changed code since the 2020 list.
    for key in ("2019-12",):
        practices = store.read_table(DATA, key, "practices")
        table = funding.network_funding(practices, lists, book, "2020/21").networks
        for stream, rate in (("clinical_director", 0.722), ("extended_hours", 1.45)):
            assert abs(table[stream].sum() / (rate * england) - 1) < 0.05


@pytest.mark.parametrize("key", KEYS)
def test_lsoa_graph_agrees_with_shipped_boundaries(key: str) -> None:
    """The app judges proposed networks' contiguity on the LSOA piece graph; for
    the published memberships it must give every network's shipped figures."""
    from pcnmap.model.contiguity import parts_of_areas

    graph = store.read_graph(DATA, key)
    assignment = store.read_table(DATA, key, "lsoa_networks")
    from_graph = parts_of_areas(graph, assignment.set_index("lsoa_code")["network_code"]
                                .fillna("NONE"))
    shipped = store.read_geo(DATA, key, "network_boundaries")
    shipped = pd.DataFrame(shipped[shipped["method"] == "lsoa"])
    both = shipped.merge(from_graph, on="network_code", suffixes=("", "_graph"))
    assert len(both) == len(shipped) > 1_000
    assert (both["parts"] == both["parts_graph"]).all()
    assert (both["significant_parts"] == both["significant_parts_graph"]).all()
    assert (both["area_km2"] - both["area_km2_graph"]).abs().max() < 0.01


@pytest.mark.parametrize("key", KEYS)
def test_each_practice_catchment_is_one_connected_area(key: str) -> None:
    """The catchment method's promise, in every snapshot: each practice's
    catchment is one connected area (LSOAs touching nothing, islands, go to
    their nearest practice and are left out of the check)."""

    graph = store.read_graph(DATA, key)
    assignment = store.read_table(DATA, key, "lsoa_networks")
    position = pd.Series(np.arange(len(assignment)), index=assignment["lsoa_code"])
    adjacency = contiguity.lsoa_adjacency(
        position.reindex(graph.parts["lsoa_code"]).to_numpy(),
        graph.edges["part_a"].to_numpy(), graph.edges["part_b"].to_numpy(), len(position))
    grown = assignment[assignment["catchment_how"] != "isolated"]
    assert (assignment["catchment_how"] == "isolated").sum() < 20
    broken = [practice for practice, lsoas in grown.groupby("catchment_practice_code")
              if contiguity.connected(adjacency, position[lsoas["lsoa_code"]].to_numpy()) != 1]
    assert broken == []


def test_non_contiguous_networks_follow_from_the_rule_and_are_reported() -> None:
    """The count is what the rule gives, recorded per snapshot and method in
    the manifest; each flagged network names its groups of practices."""
    manifest = store.read_manifest(DATA)
    for key in KEYS:
        groups = store.read_table(DATA, key, "contiguity")
        boundaries = store.read_table(DATA, key, "network_boundaries")
        pieces = store.read_table(DATA, key, "network_pieces")
        counted = {method: int(coverage.non_contiguous(groups, boundaries, method, pieces)[
            "flagged"].sum()) for method in sorted(boundaries["method"].unique())}
        assert manifest["snapshots"][key]["analysis"]["non_contiguous_networks"] == counted
        flagged = groups[(groups["method"] == "catchment") & (groups["groups"] > 1)]
        assert flagged["group_practices"].str.contains(r"\|").all()


@pytest.mark.parametrize("key", KEYS)
def test_every_network_drawn_in_pieces_is_flagged_or_its_pieces_explained(key: str) -> None:
    """The map and the flag say the same thing: a network drawn in two or
    more separate pieces of at least 0.1 km2 is flagged non-contiguous, or
    each piece holding no member practice is listed with the practice whose
    area it is and what lies around it (every method, every snapshot)."""
    groups = store.read_table(DATA, key, "contiguity")
    boundaries = store.read_table(DATA, key, "network_boundaries")
    pieces = store.read_table(DATA, key, "network_pieces")
    for method in ("lsoa", "voronoi", "catchment"):
        split = coverage.non_contiguous(groups, boundaries, method, pieces)
        several = boundaries[(boundaries["method"] == method)
                             & (boundaries["significant_parts"] > 1)
                             & (boundaries["network_code"] != "NONE")]
        assert set(several["network_code"]) <= set(split["network_code"]), method
        mine = pieces[pieces["method"] == method]
        for code in split.loc[~split["flagged"], "network_code"]:
            found = mine[mine["network_code"] == code]
            assert len(found) >= 2, (method, code)
            # Each piece beyond the first holds no member practice (and is
            # the area of a named practice), or is part of the area of a
            # practice whose area lies in another piece too: said why.
            for _, piece in found[found["piece"] > 1].iterrows():
                others = set(" ".join(found.loc[found["piece"] != piece["piece"],
                                                "area_of"]).split())
                explained = (piece["members"] == "" and piece["area_of"] != "") or bool(
                    set(piece["area_of"].split()) & others)
                assert explained, (method, code, piece["piece"])
    if key == "2026-07":  # Chorley and South Ribble Network PCN, the issue's case
        lsoa = pieces[(pieces["method"] == "lsoa") & (pieces["network_code"] == "U10791")]
        assert len(lsoa) == 2 and set(lsoa["area_of"]) == {"P81740", "Y02466"}
        split = coverage.non_contiguous(groups, boundaries, "lsoa", pieces).set_index(
            "network_code")
        assert bool(split.loc["U10791", "flagged"])  # its practices' areas do not touch
