"""Commissioners of other snapshots found by search, on small frames."""

from __future__ import annotations

import pandas as pd

from pcnmap.model import lookup, places


def practices(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame({
        "practice_code": [r[0] for r in rows], "practice_name": [f"{r[0]} SURGERY" for r in rows],
        "commissioner_code": [r[1] for r in rows], "commissioner_name": [r[2] for r in rows],
        "network_code": ["U00001"] * len(rows), "network_name": ["NORTH PCN"] * len(rows),
        "district_name": ["Slough"] * len(rows)})


CCGS = practices([("A1", "D4U1Y", "NHS Frimley CCG"), ("A2", "D4U1Y", "NHS Frimley CCG")])
BEFORE = practices([("A1", "D4U1Y", "NHS Frimley ICB - D4U1Y"),
                    ("A2", "D4U1Y", "NHS Frimley ICB - D4U1Y"),
                    ("A3", "D4U1Y", "NHS Frimley ICB - D4U1Y"),
                    ("A4", "92A", "NHS Surrey Heartlands ICB - 92A")])
NOW = practices([("A1", "U2G6B", "NHS Thames Valley ICB - U2G6B"),
                 ("A2", "92A", "NHS Surrey and Sussex ICB - 92A"),
                 ("A4", "92A", "NHS Surrey and Sussex ICB - 92A")])
LABELS_NOW = {"U2G6B": "U2G6B · around Slough (Thames Valley ICB)",
              "92A": "92A · Surrey Heartlands (Surrey and Sussex ICB)"}


def others() -> dict[str, places.OtherCommissioner]:
    ccg_names = places.predecessor_names([CCGS])
    return places.other_commissioners(NOW, [
        places.SnapshotNames("October 2024", True, "Sub-ICB location", BEFORE,
                             places.labels_from_practices(BEFORE, ccg_names)),
        places.SnapshotNames("April 2022", True, "CCG", CCGS,
                             places.labels_from_practices(CCGS, ccg_names))])


def test_a_former_commissioner_is_named_from_the_snapshot_that_had_it() -> None:
    found = others()
    assert set(found) == {"D4U1Y"}  # 92A is in the snapshot searched
    frimley = found["D4U1Y"]
    assert frimley.label == "D4U1Y · Frimley (Frimley ICB)"  # the CCG's place, its ICB
    assert frimley.name == "Frimley (D4U1Y)"
    assert (frimley.seen, frimley.earlier, frimley.word) == ("October 2024", True,
                                                             "Sub-ICB location")
    assert frimley.published == "NHS Frimley ICB - D4U1Y"
    assert frimley.members == ("A1", "A2", "A3")
    assert frimley.now == (("92A", 1), ("U2G6B", 1))  # most first, then by code
    assert frimley.unlisted == 1


def test_search_finds_it_and_its_successors_after_todays_commissioners() -> None:
    found = lookup.other_commissioner_matches(others(), LABELS_NOW, "frimley")
    assert found[0].key == "former:D4U1Y"
    assert {match.key for match in found[1:]} == {"commissioner:U2G6B", "commissioner:92A"}
    assert found[0].label == ("Frimley (D4U1Y) · Sub-ICB location until October 2024, not in "
                              "this snapshot")
    assert lookup.other_commissioner_matches(others(), LABELS_NOW, "d4u1y")[0].code == "D4U1Y"
    assert lookup.other_commissioner_matches(others(), LABELS_NOW, "nowhere") == []
    today = [lookup.Match("practice", "A1", "A1 SURGERY"),
             lookup.Match("commissioner", "92A", LABELS_NOW["92A"]),
             lookup.Match("place", "E1", "Slough")]
    merged = lookup.with_other_commissioners(today, found)
    assert [m.key for m in merged] == ["practice:A1", "commissioner:92A", "former:D4U1Y",
                                       "commissioner:U2G6B", "place:E1"]


def test_where_its_practices_are_now_is_said_and_listed() -> None:
    frimley = others()["D4U1Y"]
    said = places.where_now_words(frimley, LABELS_NOW, "July 2026")
    assert said == (
        "Frimley (D4U1Y) is not in July 2026: it was a Sub-ICB location until October 2024 "
        "(published as “NHS Frimley ICB - D4U1Y”). Of the 3 practices it had then, 1 is now "
        "under 92A · Surrey Heartlands (Surrey and Sussex ICB), 1 under U2G6B · around Slough "
        "(Thames Valley ICB); 1 is not listed.")
    table = places.where_now(frimley, NOW, LABELS_NOW)
    assert table.values.tolist() == [
        ["A1 SURGERY (A1)", LABELS_NOW["U2G6B"], "NORTH PCN (U00001)"],
        ["A2 SURGERY (A2)", LABELS_NOW["92A"], "NORTH PCN (U00001)"],
        ["A3 SURGERY (A3)", "no longer listed", ""]]
