"""What-if configurations on the real extract (2023-01 memberships, 2022/23 money)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pcnmap import export, store, uploads
from pcnmap.model import funding, whatif
from pcnmap.model import proposal as proposals
from pcnmap.model.proposal import Proposal
from pcnmap.problems import QualityLog

KEY, YEAR = "2023-01", "2022/23"


@pytest.fixture(scope="module")
def snapshot(built_extract: Path) -> dict:
    return {
        "practices": store.read_table(built_extract, KEY, "practices"),
        "networks": store.read_table(built_extract, KEY, "networks"),
        "lists": store.read_root_table(built_extract, "funding_lists"),
        "book": funding.load_rates(),
        "lsoa_networks": store.read_table(built_extract, KEY, "lsoa_networks"),
        "graph": store.read_graph(built_extract, KEY),
    }


def compare(snapshot: dict, proposal: Proposal) -> pd.DataFrame:
    practices, networks = snapshot["practices"], snapshot["networks"]
    checked, problems = proposals.check(proposal, practices, networks)
    assert problems == []
    return whatif.compare(
        whatif.current_scenario(practices, networks), whatif.apply(practices, networks, checked),
        lists=snapshot["lists"], book=snapshot["book"], year=YEAR,
        lsoa_networks=snapshot["lsoa_networks"], graph=snapshot["graph"])


def a_move(practices: pd.DataFrame) -> tuple[pd.Series, str]:
    """A member practice with a list, and another network of its commissioner."""
    members = practices.dropna(subset=["network_code"])
    members = members[members["registered"] > 5_000].sort_values("practice_code")
    for _, practice in members.iterrows():
        others = members[(members["commissioner_code"] == practice["commissioner_code"])
                         & (members["network_code"] != practice["network_code"])]
        if len(others):
            return practice, others["network_code"].iloc[0]
    raise AssertionError("the extract has no two networks in one commissioner")


def own_entitlement(snapshot: dict, practice: pd.Series) -> float:
    """What the practice's list alone is worth to a network in the year."""
    alone = snapshot["practices"][snapshot["practices"]["practice_code"]
                                  == practice["practice_code"]].assign(network_code="ALONE")
    table = funding.network_funding(alone, snapshot["lists"], snapshot["book"], YEAR).networks
    return float(table["total"].iloc[0])


def test_moving_one_practice_changes_exactly_two_networks_by_its_list(snapshot) -> None:
    practice, target = a_move(snapshot["practices"])
    table = compare(snapshot, Proposal({practice["practice_code"]: target}))
    assert sorted(table["network_code"]) == sorted([practice["network_code"], target])
    by_network = table.set_index("network_code")
    patients = practice["registered"]
    assert by_network.at[practice["network_code"], "population_change"] == pytest.approx(-patients)
    assert by_network.at[target, "population_change"] == pytest.approx(patients)
    worth = own_entitlement(snapshot, practice)
    assert worth > 0
    assert by_network.at[practice["network_code"], "funding_change"] == pytest.approx(-worth)
    assert by_network.at[target, "funding_change"] == pytest.approx(worth)
    assert by_network.at[target, "member_count_after"] == \
        by_network.at[target, "member_count_before"] + 1


def test_a_practice_not_signing_up_is_covered_by_a_neighbour(snapshot) -> None:
    practice, _ = a_move(snapshot["practices"])
    practices, networks = snapshot["practices"], snapshot["networks"]
    proposal, _ = proposals.check(Proposal({practice["practice_code"]: None}), practices,
                               networks)
    after = whatif.apply(practices, networks, proposal)
    row = after.practices.set_index("practice_code").loc[practice["practice_code"]]
    assert pd.isna(row["network_code"]) and row["covered_by"]
    summary = whatif.coverage_summary(after)
    before = whatif.coverage_summary(whatif.current_scenario(practices, networks))
    assert summary["patients_covered_by_neighbour"] == pytest.approx(practice["registered"])
    assert summary["patients_in_gaps"] == before["patients_in_gaps"]
    covering = after.networks.set_index("network_code").loc[row["covered_by"]]
    assert covering["covered_registered"] == pytest.approx(practice["registered"])
    # Its own participation payment stops; network money follows its patients.
    paid = funding.practice_payments(after.practices, snapshot["lists"], snapshot["book"], YEAR)
    assert practice["practice_code"] not in set(paid["practice_code"])
    table = compare(snapshot, proposal)
    assert table["population_change"].sum() == pytest.approx(0.0)


def test_a_new_network_from_practices_of_two_commissioners(snapshot) -> None:
    practices = snapshot["practices"].dropna(subset=["network_code"])
    chosen = practices.sort_values("registered", ascending=False).groupby(
        "commissioner_code").head(1).head(2)
    assert chosen["commissioner_code"].nunique() == 2
    proposal = Proposal(dict.fromkeys(chosen["practice_code"], "NEW1"),
                               {"NEW1": "Riverside <b>PCN</b>"})
    table = compare(snapshot, proposal).set_index("network_code")
    new = table.loc["NEW1"]
    assert new["status"] == "new" and new["member_count_after"] == 2
    assert new["population_after"] == pytest.approx(chosen["registered"].sum())
    assert bool(new["crosses_commissioners_after"])
    assert new["commissioner_code_after"] == chosen["commissioner_code"].iloc[0]
    assert new["network_name"] == "Riverside <b>PCN</b>"
    assert new["significant_parts_after"] >= 1
    assert set(chosen["network_code"]) <= set(table.index)


def test_no_change_compares_equal(snapshot) -> None:
    assert compare(snapshot, Proposal()).empty


def test_proposal_survives_the_url_and_drops_what_it_cannot_apply(snapshot) -> None:
    practice, _target = a_move(snapshot["practices"])
    proposal = Proposal({practice["practice_code"]: "NEW1", "Y99999": None},
                               {"NEW1": "A, name: with 100% & commas"})
    text = proposal.to_text()
    assert Proposal.from_text(*text) == proposal
    assert Proposal.from_text("junk,,P1:2;", "NEW1:,X:y") == Proposal()
    elsewhere = snapshot["practices"]["practice_code"].iloc[-1]
    checked, problems = proposals.check(
        proposal.with_changes({elsewhere: "U00000"}), snapshot["practices"],
        snapshot["networks"])
    assert checked.memberships == {practice["practice_code"]: "NEW1"}
    assert any("Y99999" in p for p in problems) and any("U00000" in p for p in problems)
    # Moving a practice to the network it is in changes nothing.
    same, _ = proposals.check(Proposal({practice["practice_code"]:
                                            practice["network_code"]}),
                           snapshot["practices"], snapshot["networks"])
    assert not same


def test_configuration_round_trip(snapshot, tmp_path: Path) -> None:
    practices, networks = snapshot["practices"], snapshot["networks"]
    practice, _ = a_move(practices)
    leaving = practices.dropna(subset=["network_code"]).iloc[-1]
    proposal, _ = proposals.check(Proposal(
        {practice["practice_code"]: "NEW1", leaving["practice_code"]: None},
        {"NEW1": "=HYPERLINK(\"http://x\")"}), practices, networks)
    table = proposals.configuration_table(whatif.apply(practices, networks, proposal))
    assert len(table) == len(practices)
    path = tmp_path / "configuration.csv"
    path.write_bytes(export.csv_bytes(table[list(proposals.CONFIGURATION_COLUMNS)]))
    log = QualityLog()
    loaded = uploads.read_configuration(path, log)
    again = proposals.proposal_from_configuration(loaded, practices, networks, path, log)
    assert again == proposal
    assert [f.check for f in log.findings] == ["active_text"]
