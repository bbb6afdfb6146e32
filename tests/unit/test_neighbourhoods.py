"""Footprints drafted from a small hand-made network graph whose answer is
known, the same draft twice, and the changes' and file's rules."""

from __future__ import annotations

import pandas as pd
import pytest

from pcnmap.model import neighbourhoods as nb
from pcnmap.model.contiguity import PartGraph
from pcnmap.problems import QualityLog

# A grid of networks, U00001 at the top left, each 100,000 patients:
#   U00001 U00002 U00003
#   U00004 U00005 U00006
# The top row's practices are in district AAA, the bottom row's in BBB.
GRID = [["U00001", "U00002", "U00003"], ["U00004", "U00005", "U00006"]]


def grid_graph(sizes: dict[str, float] | None = None, islands: dict[str, tuple] = (),
               districts: dict[str, str] | None = None) -> nb.NetworkGraph:
    """The grid (plus ``islands``: code -> (patients, easting, northing),
    touching nothing), one practice per network at its cell's centre."""
    sizes = sizes or {}
    rows, pairs = [], []
    for r, line in enumerate(GRID):
        for c, code in enumerate(line):
            district = (districts or {}).get(code, "AAA" if r == 0 else "BBB")
            rows.append((code, sizes.get(code, 100_000.0), c * 5_000.0, -r * 5_000.0,
                         district))
            if c:
                pairs.append((line[c - 1], code))
            if r:
                pairs.append((GRID[r - 1][c], code))
    for code, (patients, x, y) in dict(islands).items():
        rows.append((code, patients, x, y, "CCC"))
    members = pd.DataFrame(rows, columns=["network_code", "registered", "easting", "northing",
                                          "district_code"])
    members["practice_code"] = [f"P{i:05d}" for i in range(len(members))]
    members["commissioner_code"] = "00X"
    networks = members[["network_code", "registered"]].assign(
        network_name=members["network_code"] + " PCN")
    touching = pd.DataFrame(pairs, columns=["network_a", "network_b"]).assign(edges=1)
    return nb.place_graph(networks, members, touching)


def groups(drafted: nb.Draft) -> set[frozenset[str]]:
    found = drafted.footprints
    return {frozenset(found.members(code)) for code in found.codes}


def test_the_grid_splits_into_its_two_districts() -> None:
    # 600,000 patients: at most two footprints of 250,000. Several pairs of
    # contiguous threes exist; only the rows keep each district whole.
    drafted = nb.draft(grid_graph())
    assert groups(drafted) == {frozenset(GRID[0]), frozenset(GRID[1])}
    assert drafted.note == ""
    assert drafted.footprints.names == {"F1": "Around AAA", "F2": "Around BBB"}


def test_the_districts_decide_the_split() -> None:
    # The same grid with its districts in columns: the left column and the
    # middle one's top, against the rest.
    columns = {"U00001": "AAA", "U00004": "AAA", "U00002": "AAA", "U00005": "BBB",
               "U00003": "BBB", "U00006": "BBB"}
    drafted = nb.draft(grid_graph(districts=columns))
    assert groups(drafted) == {frozenset({"U00001", "U00004", "U00002"}),
                               frozenset({"U00005", "U00003", "U00006"})}


def test_as_many_footprints_as_the_floor_allows() -> None:
    # 900,000 patients: three footprints of 300,000 are the most possible.
    sizes = dict.fromkeys([c for line in GRID for c in line], 150_000.0)
    drafted = nb.draft(grid_graph(sizes))
    assert len(drafted.footprints.codes) == 3
    for code in drafted.footprints.codes:
        members = drafted.footprints.members(code)
        assert len(members) == 2
        assert nb.contiguity(drafted.graph, members)[0] == nb.CONTIGUOUS


def test_two_runs_one_draft() -> None:
    sizes = {"U00001": 180_000.0, "U00002": 90_000.0, "U00003": 130_000.0,
             "U00004": 70_000.0, "U00005": 160_000.0, "U00006": 120_000.0}
    first = nb.draft(grid_graph(sizes))
    second = nb.draft(grid_graph(sizes))
    assert first.footprints == second.footprints


def test_an_island_under_the_floor_is_linked_to_the_nearest_network() -> None:
    graph = grid_graph(islands={"U00009": (120_000.0, 12_000.0, 3_000.0)})
    assert graph.links == (nb.Link("U00003", "U00009", 3.6),)
    drafted = nb.draft(graph)
    island = drafted.footprints.assignment["U00009"]
    members = drafted.footprints.members(island)
    status, cut_off, used = nb.contiguity(graph, members)
    assert status == nb.LINKED and cut_off == () and used == graph.links
    assert sum(graph.networks.set_index("network_code").loc[members, "patients"]) >= 250_000


def test_a_small_place_is_one_footprint_and_says_so() -> None:
    sizes = dict.fromkeys([c for line in GRID for c in line], 60_000.0)
    drafted = nb.draft(grid_graph(sizes))
    assert len(drafted.footprints.codes) == 1
    assert drafted.note == ("This place's networks hold 360,000 registered patients, fewer "
                            "than two footprints' worth (500,000): one footprint.")
    smaller = nb.draft(grid_graph(dict.fromkeys(sizes, 30_000.0)))
    assert "fewer than 250,000: one footprint, under the floor" in smaller.note


def test_a_footprint_cut_in_two_names_the_networks_cut_off() -> None:
    graph = grid_graph()
    assert nb.contiguity(graph, ["U00001", "U00003", "U00002"])[0] == nb.CONTIGUOUS
    status, cut_off, _ = nb.contiguity(graph, ["U00001", "U00002", "U00006"])
    assert status == nb.CUT_OFF and cut_off == ("U00006",)


def test_networks_touch_where_their_lsoa_pieces_share_an_edge() -> None:
    graph = PartGraph(pd.DataFrame({"lsoa_code": ["L1", "L2", "L3", "L4"],
                                    "area_km2": [1.0] * 4}),
                      pd.DataFrame({"part_a": [0, 1, 2, 0], "part_b": [1, 2, 3, 3]}))
    lsoa_network = pd.Series({"L1": "U00001", "L2": "U00001", "L3": "U00002", "L4": None})
    pairs = nb.lsoa_touching_pairs(graph, lsoa_network)
    assert pairs.to_dict("records") == [
        {"network_a": "U00001", "network_b": "U00002", "edges": 1}]


def test_changes_round_trip_through_the_address() -> None:
    changes = nb.Changes().with_move("U00002", "F2").with_move("U00005", None).with_name(
        "F2", "North & West <b>Lancs</b>")
    moves, names = changes.to_text()
    assert moves == "U00002:F2,U00005:"
    assert nb.Changes.from_text(moves, names) == changes
    # A hand-edited link cannot break the page: malformed pieces are skipped.
    assert nb.Changes.from_text("U00002:F2,junk,U1:F1,U00003:X9,:::", "F1:%zz,X:y") == \
        nb.Changes({"U00002": "F2"}, {"F1": "%zz"})


def test_moves_apply_to_the_draft_and_come_back_as_the_same_changes() -> None:
    drafted = nb.draft(grid_graph())
    changes = nb.Changes({"U00003": "F2", "U00099": "F1"}, {"F2": "South"})
    proposal, problems = nb.apply_changes(drafted.footprints, changes)
    assert problems == ["network U00099 is not a network of this place; change ignored"]
    assert proposal.members("F2") == ["U00003", "U00004", "U00005", "U00006"]
    assert nb.changes_between(drafted.footprints, proposal) == nb.Changes(
        {"U00003": "F2"}, {"F2": "South"})


def test_a_configuration_file_makes_the_proposal_and_reports_its_rows() -> None:
    graph = grid_graph()
    table = pd.DataFrame({
        "network_code": ["U00001", "U00002", "U00003", "U77777", "U00004"],
        "footprint": ["F1", "F1", "F3", "F1", ""],
        "footprint_name": ["North", "Nord", "East", "", ""],
        "source_row": [2, 3, 4, 5, 6]})
    log = QualityLog()
    proposal = nb.footprints_from_configuration(table, graph, "footprints.csv", log)
    assert proposal.assignment == {"U00001": "F1", "U00002": "F1", "U00003": "F3",
                                   "U00004": None, "U00005": None, "U00006": None}
    assert proposal.names == {"F1": "North", "F3": "East"}
    assert proposal.left_out == ["U00004", "U00005", "U00006"]
    found = [(f.file, f.row, f.column) for f in log.findings]
    assert found == [("footprints.csv", 3, "footprint_name"),
                     ("footprints.csv", 5, "network_code")]
    assert nb.configuration_table(proposal, graph)["footprint"].tolist() == [
        "F1", "F1", "F3", "", "", ""]


@pytest.mark.parametrize(("shares", "words"), [
    ({"Preston": 0.62, "Chorley": 0.38}, "Preston 62% · Chorley 38%"),
    ({"Preston": 1.0}, "all in Preston"),
    ({c: 0.2 for c in "ABCDE"}, "A 20% · B 20% · C 20% · D 20% · 1 more")])
def test_shares_in_words(shares: dict, words: str) -> None:
    assert nb.shares_text(pd.Series(shares)) == words


def test_an_annealing_that_never_settles_is_stopped_by_its_moves() -> None:
    """spopt's annealing can trade a network between two regions for ever;
    past its moves the construction's partition stands, the same each run."""
    import numpy as np

    from pcnmap.model.neighbourhoods import drafting

    def forever(label, regions, totals, *rest):
        from spopt.region import maxp

        while True:  # as spopt's loop does when every move counts an improvement
            maxp.np.random.randint(2)

    assert drafting._annealed(forever, [0], {0: [0]}, {0: 1.0}, np.ones(1), None, None, 1.0, 1) \
        is None
    from spopt.region import maxp

    assert maxp.np is np  # put back
