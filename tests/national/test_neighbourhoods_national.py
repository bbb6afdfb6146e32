"""Every ICB of July 2026 drafted as the Neighbourhoods page drafts it (the
default boundary method): every network in exactly one footprint, every
footprint contiguous and at least 250,000 patients, or the ICB one
footprint, said."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pcnmap import store
from pcnmap.model import benchmarks, methods
from pcnmap.model import neighbourhoods as nb

DATA = Path(__file__).resolve().parents[2] / "data"
SNAPSHOT = "2026-07"
METHOD = next(iter(methods.METHODS))  # the page's default

pytestmark = pytest.mark.national


@pytest.fixture(scope="module")
def snapshot() -> dict:
    lsoas = store.read_table(DATA, SNAPSHOT, "lsoa_networks").set_index("lsoa_code")
    practices = store.read_table(DATA, SNAPSHOT, "practices")
    return {"practices": practices, "networks": store.read_table(DATA, SNAPSHOT, "networks"),
            "pairs": nb.lsoa_touching_pairs(store.read_graph(DATA, SNAPSHOT),
                                            lsoas[benchmarks.LSOA_NETWORK_COLUMN[METHOD]]),
            "icbs": sorted(practices["stp_code"].dropna().unique())}


def test_july_2026_has_36_icbs(snapshot: dict) -> None:
    assert len(snapshot["icbs"]) == 36


def test_every_icb_drafts_whole_contiguous_footprints_of_250000(snapshot: dict) -> None:
    practices = snapshot["practices"]
    for icb in snapshot["icbs"]:
        drafted = nb.draft_place(practices, snapshot["networks"], snapshot["pairs"], "area", icb)
        footprints, graph = drafted.footprints, drafted.graph
        # The place's networks: every network with a member practice in the ICB.
        expected = set(practices.loc[practices["stp_code"] == icb, "network_code"].dropna())
        assert set(footprints.assignment) == expected, icb
        assert footprints.left_out == [], icb
        placed = [n for code in footprints.codes for n in footprints.members(code)]
        assert sorted(placed) == sorted(expected), icb  # each exactly once
        patients = graph.networks.set_index("network_code")["patients"]
        if len(footprints.codes) == 1:
            if patients.sum() < 2 * nb.FOOTPRINT_FLOOR:
                assert "one footprint" in drafted.note, icb
            continue
        for code in footprints.codes:
            members = footprints.members(code)
            assert patients[members].sum() >= nb.FOOTPRINT_FLOOR, (icb, code)
            assert nb.contiguity(graph, members)[0] in (nb.CONTIGUOUS, nb.LINKED), (icb, code)


def test_only_islands_and_enclaves_need_a_link(snapshot: dict) -> None:
    """Two ICBs need a link, each for a reason the map shows. Hampshire and
    the Isle of Wight: the island's networks touch no mainland network, and
    are linked across the Solent. Cheshire and Merseyside: by the default
    method (areas by where most of their patients are registered) the
    farmland between Formby and Maghull is West Lancashire's, so Southport
    and Formby's area touches only Lancashire networks, an enclave of its
    ICB linked to South Sefton."""
    found = {}
    for icb in snapshot["icbs"]:
        drafted = nb.draft_place(snapshot["practices"], snapshot["networks"],
                                 snapshot["pairs"], "area", icb)
        if drafted.graph.links:
            found[icb] = drafted.graph.links
    names = snapshot["practices"].drop_duplicates("stp_code").set_index("stp_code")["stp_name"]
    assert set(found) == {"QRL", "QYG"}, {icb: names[icb] for icb in found}
    assert "Hampshire and Isle of Wight" in names["QRL"]
    (solent,) = found["QRL"]
    assert 3 < solent.distance_km < 15  # across the Solent
    (sefton,) = found["QYG"]
    assert {sefton.network_a, sefton.network_b} == {"U18460", "U37618"}
    # Southport and Formby's area touches networks of another ICB only.
    pairs, practices = snapshot["pairs"], snapshot["practices"]
    touching = set(pairs.loc[pairs["network_a"] == "U18460", "network_b"]) | set(
        pairs.loc[pairs["network_b"] == "U18460", "network_a"])
    their_icbs = set(practices.loc[practices["network_code"].isin(touching), "stp_code"])
    assert touching and "QYG" not in their_icbs


def test_the_same_data_gives_the_same_draft(snapshot: dict) -> None:
    args = (snapshot["practices"], snapshot["networks"], snapshot["pairs"], "area", "QE1")
    assert nb.draft_place(*args).footprints == nb.draft_place(*args).footprints


def test_a_region_is_drafted_whole(snapshot: dict) -> None:
    practices = snapshot["practices"]
    region = practices.loc[practices["stp_code"] == "QE1", "region_code"].iloc[0]
    drafted = nb.draft_place(practices, snapshot["networks"], snapshot["pairs"], "region",
                             region)
    expected = set(practices.loc[practices["region_code"] == region, "network_code"].dropna())
    assert set(drafted.footprints.assignment) == expected
    sizes = pd.Series({code: drafted.graph.networks.set_index("network_code").loc[
        drafted.footprints.members(code), "patients"].sum() for code in drafted.footprints.codes})
    assert (sizes >= nb.FOOTPRINT_FLOOR).all()
