"""What changed between snapshots, on small frames."""

from __future__ import annotations

import pandas as pd

from pcnmap.model import changes


def practices(rows: list[tuple[str, str | None, str]]) -> pd.DataFrame:
    return pd.DataFrame({
        "practice_code": [r[0] for r in rows], "practice_name": [f"{r[0]} SURGERY" for r in rows],
        "network_code": [r[1] for r in rows],
        "network_name": [r[1] and f"{r[1]} PCN" for r in rows],
        "commissioner_code": [r[2] for r in rows],
        "commissioner_name": [f"Commissioner {r[2]}" for r in rows]})


def networks(names: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"network_code": list(names), "network_name": list(names.values())})


BEFORE = practices([("A00001", "U00001", "00X"), ("A00002", "U00001", "00X"),
                    ("A00003", "U00002", "00X"), ("A00004", "U00002", "00X"),
                    ("A00005", "U00003", "00Y"), ("A00006", None, "00Y"),
                    ("A00007", "U00004", "00Y")])
AFTER = practices([("A00001", "U00001", "00X"), ("A00002", "U00005", "00X"),
                   ("A00003", "U00005", "00X"), ("A00004", "U00006", "00X"),
                   ("A00005", "U00003", "00Z"), ("A00006", "U00003", "00Z"),
                   ("A00008", "U00003", "00Z")])
NETWORKS_BEFORE = networks({"U00001": "North PCN", "U00002": "South PCN",
                            "U00003": "East PCN", "U00004": "West PCN"})
NETWORKS_AFTER = networks({"U00001": "NORTH  PCN", "U00003": "East and Coast PCN",
                           "U00005": "Middle PCN", "U00006": "Far South PCN"})


def test_each_practice_change_is_named() -> None:
    table = changes.practice_changes(BEFORE, AFTER).set_index("practice_code")
    assert table.loc["A00002", "change"] == changes.MOVED
    assert (table.loc["A00002", "network_code_before"],
            table.loc["A00002", "network_code_after"]) == ("U00001", "U00005")
    assert table.loc["A00006", "change"] == changes.JOINED
    assert table.loc["A00007", "change"] == changes.GONE_PRACTICE
    assert table.loc["A00008", "change"] == changes.NEW_PRACTICE
    assert "A00001" not in table.index and "A00005" not in table.index


def test_networks_opened_closed_split_renamed_and_explained() -> None:
    table = changes.network_changes(BEFORE, NETWORKS_BEFORE, AFTER,
                                    NETWORKS_AFTER).set_index("network_code")
    # North PCN lost A00002 (the name differs only in case and spacing).
    assert table.loc["U00001", "status"] == changes.CHANGED
    assert table.loc["U00001", "left"] == "A00002"
    # South PCN's practices went two ways: a split, and where they went is said.
    assert table.loc["U00002", "status"] == changes.SPLIT
    assert table.loc["U00002", "went_to"] == "U00005 (1), U00006 (1)"
    assert table.loc["U00003", "status"] == changes.RENAMED
    assert table.loc["U00003", "joined"] == "A00006, A00008"
    # West PCN's only practice is no longer listed: closed, nowhere to go.
    assert table.loc["U00004", "status"] == changes.CLOSED
    assert table.loc["U00005", "status"] == changes.OPENED
    assert table.loc["U00005", "came_from"] == "U00001 (1), U00002 (1)"


def test_a_code_in_one_snapshot_only_is_explained() -> None:
    table = changes.commissioner_changes(BEFORE, AFTER).set_index("commissioner_code")
    assert table.loc["00Y", "status"] == "gone"
    assert table.loc["00Y", "explanation"] == "now under 00Z (2)"
    assert table.loc["00Z", "status"] == "new"
    assert table.loc["00Z", "explanation"] == "before under 00Y (2)"
    assert "00X" not in table.index


def test_previous_snapshot() -> None:
    keys = ["2019-12", "2022-04", "2026-07"]
    assert changes.previous_snapshot(keys, "2026-07") == "2022-04"
    assert changes.previous_snapshot(keys, "2019-12") is None
