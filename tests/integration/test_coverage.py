"""Coverage gaps and cross-commissioner rules on the real extract."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pcnmap import store
from pcnmap.model import coverage


@pytest.fixture(scope="module")
def snapshot_2019(built_extract: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    return (store.read_table(built_extract, "2019-12", "practices"),
            store.read_table(built_extract, "2019-12", "networks"))


def test_cross_commissioner_networks_from_members_codes(snapshot_2019) -> None:
    practices, networks = snapshot_2019
    crossing = coverage.cross_commissioner_networks(practices, networks)
    assert crossing["network_code"].tolist() == ["U22273", "U34632", "U82731"]
    assert crossing["crosses_commissioners"].all() and crossing["agrees_with_epcn"].all()
    assert crossing.set_index("network_code").loc["U22273", "member_commissioners"] == "00X, 01E"


def test_cross_commissioner_sides_add_up(snapshot_2019) -> None:
    practices, networks = snapshot_2019
    sides = coverage.cross_commissioner_sides(practices, networks)
    south_ribble = sides[sides["network_code"] == "U22273"].set_index("commissioner_code")
    assert south_ribble.loc["00X", "member_codes"] == "P81181, P81687, P81692"
    assert south_ribble.loc["01E", "practices"] == 4
    assert bool(south_ribble.loc["01E", "home_side"]) and not south_ribble.loc["00X",
                                                                               "home_side"]
    totals = sides.groupby("network_code")["patients"].sum()
    registered = networks.set_index("network_code")["registered"]
    assert totals.to_dict() == pytest.approx(registered[totals.index].to_dict())


def test_epcn_flag_disagreement_is_listed(snapshot_2019) -> None:
    practices, networks = snapshot_2019
    # Claim a single-commissioner network crosses: the table must show it and
    # say the two sources disagree.
    tampered = networks.copy()
    tampered.loc[tampered["network_code"] == "U79408", "epcn_cross_commissioner"] = True
    crossing = coverage.cross_commissioner_networks(practices, tampered).set_index(
        "network_code")
    assert not crossing.loc["U79408", "crosses_commissioners"]
    assert not crossing.loc["U79408", "agrees_with_epcn"]


def test_practices_outside_their_networks_commissioner(snapshot_2019) -> None:
    practices, _ = snapshot_2019
    outside = coverage.practices_outside_network_commissioner(practices)
    assert set(outside["practice_code"]) == {"P81181", "P81687", "P81692", "P81185",
                                             "P81073", "P81092"}


def test_unaligned_practice_gets_nearest_network_and_patients_balance(snapshot_2019) -> None:
    practices, _ = snapshot_2019
    # Take Runcorn's largest practice out of its network.
    left = practices.copy()
    runcorn = left[left["network_code"] == "U09643"].sort_values("registered").index[-1]
    left.loc[runcorn, ["network_code", "network_name", "network_commissioner_code"]] = None
    gaps = coverage.unaligned_practices(left)
    assert gaps["practice_code"].tolist() == [left.at[runcorn, "practice_code"]]
    gap = gaps.iloc[0]
    assert gap["nearest_network_code"] in {"U09643", "U79408"}  # Halton's two networks
    assert 0 <= gap["nearest_network_km"] < 10  # 0 where practices share a building
    balance = coverage.patient_balance(left)
    assert balance["in_network"] + balance["in_gaps"] == pytest.approx(balance["all"])
    assert balance["in_gaps"] == left.at[runcorn, "registered"]


def test_size_check_bands(snapshot_2019) -> None:
    _, networks = snapshot_2019
    sizes = coverage.size_check(networks).set_index("network_code")
    assert sizes.loc["U82077", "size_band"] == "under"  # Blackpool North, 28,698
    assert sizes.loc["U09100", "size_band"] == "over"  # Greater Preston, 79,031
    assert sizes.loc["U22273", "size_band"] == "within"
    assert (sizes["single_practice"] == (sizes["member_count"] == 1)).all()


def test_commissioner_coverage_percentages(snapshot_2019) -> None:
    practices, _ = snapshot_2019
    left = practices.copy()
    halton = left["commissioner_code"] == "01F"
    one = left[halton].index[0]
    left.loc[one, "network_code"] = None
    table = coverage.commissioner_coverage(left).set_index("commissioner_code")
    row = table.loc["01F"]
    assert row["practices"] == halton.sum()
    assert row["pct_practices_in_network"] == round(100 * (halton.sum() - 1) / halton.sum(), 1)
    expected = 100 * (1 - left.at[one, "registered"] / left.loc[halton, "registered"].sum())
    assert row["pct_patients_in_network"] == round(expected, 1)


def test_uncovered_areas_and_non_contiguous(built_extract: Path) -> None:
    assignment = pd.read_parquet(built_extract / "2019-12/lsoa_networks.parquet")
    uncovered = coverage.uncovered_areas(assignment)
    assert len(uncovered) == assignment["network_code"].isna().sum()
    practices = store.read_table(built_extract, "2019-12", "practices").set_index(
        "practice_code")
    assert practices.loc[uncovered["practice_code"], "network_code"].isna().all()
    derived = store.read_geo(built_extract, "2019-12", "network_boundaries")
    groups = store.read_table(built_extract, "2019-12", "contiguity")
    pieces = store.read_table(built_extract, "2019-12", "network_pieces")
    for method in ("lsoa", "catchment"):
        split = coverage.non_contiguous(groups, derived, method, pieces)
        flagged = groups[(groups["method"] == method) & (groups["groups"] > 1)]
        assert set(split.loc[split["flagged"], "network_code"]) == set(flagged["network_code"])
        assert split.loc[split["flagged"], "group_practices"].str.contains("|").all()
    # The Voronoi method, with no practice areas on the LSOA graph, flags a
    # network whose practices stand in two or more of its pieces.
    split = coverage.non_contiguous(groups, derived, "voronoi", pieces)
    holding = pieces[(pieces["method"] == "voronoi") & (pieces["members"] != "")]
    counted = holding.groupby("network_code").size()
    assert set(split.loc[split["flagged"], "network_code"]) == set(counted[counted > 1].index)
    assert (split["significant_parts"] > 1).all() or split["flagged"].all()
