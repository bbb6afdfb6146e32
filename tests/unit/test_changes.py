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


def placed(frame: pd.DataFrame, where: dict[str, tuple[str, str, float, float, float]]
           ) -> pd.DataFrame:
    """``frame`` with each practice's ICB, region, position and list."""
    values = frame["practice_code"].map(where)
    return frame.assign(stp_code=[v[0] for v in values], region_code=[v[1] for v in values],
                        easting=[v[2] for v in values], northing=[v[3] for v in values],
                        registered=[v[4] for v in values])


# 00Y is split between 00X and 00Z; A00007 (00Y) and A00009 (00X) close.
WHERE = {"A00001": ("Q1", "R1", 0, 0, 100), "A00002": ("Q1", "R1", 10, 0, 200),
         "A00003": ("Q1", "R1", 20, 0, 300), "A00004": ("Q1", "R1", 30, 0, 400),
         "A00005": ("Q2", "R1", 1000, 0, 500), "A00006": ("Q2", "R1", 1100, 0, 600),
         "A00007": ("Q2", "R1", 40, 0, float("nan")), "A00008": ("Q2", "R1", 1200, 0, 800),
         "A00009": ("Q1", "R1", 5, 0, 900)}
MOVES_BEFORE = placed(pd.concat([BEFORE, practices([("A00009", "U00001", "00X")])]), WHERE)
MOVES_AFTER = placed(AFTER.assign(commissioner_code=lambda f: f["commissioner_code"].where(
    f["practice_code"] != "A00004", "00X")), WHERE)


def test_practice_moves_place_a_practice_no_longer_listed_where_it_counts_now() -> None:
    moves = changes.practice_moves(MOVES_BEFORE, MOVES_AFTER, {"A00009"}).set_index(
        "practice_code")
    # A00009's commissioner is still there: it counts there; ODS lists it as active.
    assert moves.loc["A00009", "now_commissioner_code"] == "00X"
    assert moves["closed_in_ods"].dtype == "boolean"
    assert not moves.loc["A00009", "closed_in_ods"]
    # A00007's commissioner (00Y) is gone: it counts where its nearest former
    # neighbour still listed (A00005, 00Y then, 00Z now) is now.
    assert moves.loc["A00007", "now_commissioner_code"] == "00Z"
    assert moves.loc["A00007", "now_stp_code"] == "Q2"
    assert moves.loc["A00007", "closed_in_ods"]
    assert moves.loc["A00007", "change"] == changes.GONE_PRACTICE
    # A listed practice counts by its own codes, and its move is named.
    assert moves.loc["A00002", "now_commissioner_code"] == "00X"
    assert moves.loc["A00002", "change"] == changes.MOVED
    assert pd.isna(moves.loc["A00002", "closed_in_ods"])
    assert moves.loc["A00008", "change"] == changes.NEW_PRACTICE
    assert not moves.loc["A00008", "listed_before"]


def test_homes_fall_back_on_most_of_the_commissioners_practices_without_a_position() -> None:
    before = MOVES_BEFORE.assign(easting=lambda f: f["easting"].where(
        f["practice_code"] != "A00007"))
    found = changes.homes(before, MOVES_AFTER)
    assert list(found.index) == ["A00007", "A00009"]
    assert found.loc["A00007", "commissioner_code"] == "00Z"  # both of 00Y's listed went there
    assert found.loc["A00009", "commissioner_code"] == "00X"


def test_codes_in_one_snapshot_only_say_what_became_of_them() -> None:
    found = {change.code: change for change in changes.code_changes(
        MOVES_BEFORE, MOVES_AFTER, "commissioner_code")}
    assert set(found) == {"00Y", "00Z"}
    # 00Y's listed practices (A00005, A00006) are all under 00Z, which is new
    # and holds nothing else but a new practice: merged, not recoded.
    assert found["00Y"].change == changes.CODE_MERGED
    assert found["00Y"].counts == (("00Z", 2),)
    assert found["00Y"].unlisted == 1 and found["00Y"].practices == 3
    assert found["00Z"].change == changes.CODE_NEW
    assert found["00Z"].counts == (("00Y", 2),) and found["00Z"].unlisted == 1
    split = placed(MOVES_AFTER.assign(commissioner_code=lambda f: f["commissioner_code"].where(
        f["practice_code"] != "A00005", "00X")), WHERE)
    gone = {c.code: c for c in changes.code_changes(MOVES_BEFORE, split, "commissioner_code")}
    assert gone["00Y"].change == changes.CODE_SPLIT
    assert set(gone["00Y"].counts) == {("00X", 1), ("00Z", 1)}
    # Split two ways, A00007 (closed) counts with its nearest former
    # neighbour's commissioner: A00005 (960 m, now 00X), not A00006 (1,060 m).
    assert changes.homes(MOVES_BEFORE, split).loc["A00007", "commissioner_code"] == "00X"
    recoded = MOVES_AFTER[MOVES_AFTER["practice_code"] != "A00008"]
    again = {c.code: c for c in changes.code_changes(MOVES_BEFORE, recoded, "commissioner_code")}
    assert again["00Y"].change == changes.CODE_RECODED


def test_declared_dates_are_read_from_the_catalogues_words() -> None:
    text = ("# A 2023 location that no\n# practice names any more (D4U1Y, split on 1 April\n"
            "# 2026) is cut by the April 2026 ICBs.\nnote = \"X1Y2Z, merged on 2 May 2025\"")
    assert changes.declared_dates(text) == {"D4U1Y": "2026-04-01", "X1Y2Z": "2025-05-02"}
    assert changes.load_declared_dates()["D4U1Y"] == "2026-04-01"
