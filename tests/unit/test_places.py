"""Commissioner names people recognise, and place choices carried between
snapshots, on the shipped snapshots' real practices."""

from __future__ import annotations

import pandas as pd
import pytest

from pcnmap import store
from pcnmap.model import places


@pytest.fixture(scope="module")
def practices() -> dict[str, pd.DataFrame]:
    return {key: store.read_table(store.DATA_DIR, key, "practices")
            for key in ("2019-12", "2022-04", "2023-01", "2026-07")}


def labels(practices, key: str) -> dict[str, str]:
    table = practices[key][["commissioner_code", "commissioner_name"]].drop_duplicates(
        "commissioner_code")
    older = places.predecessor_names([practices["2022-04"], practices["2019-12"]])
    return places.commissioner_labels(table, older, places.main_districts(practices[key]))


def test_a_ccg_shows_its_code_and_place(practices) -> None:
    assert labels(practices, "2022-04")["00X"] == "00X · Chorley and South Ribble CCG"


def test_a_sub_icb_location_shows_its_predecessor_ccgs_place(practices) -> None:
    shown = labels(practices, "2023-01")
    assert shown["00X"] == "00X · Chorley and South Ribble (Lancashire and South Cumbria ICB)"
    # The eight "NHS Lancashire and South Cumbria ICB - 0xx" now all differ.
    lancashire = [label for label in shown.values() if "Lancashire and South Cumbria" in label]
    assert len(lancashire) == len(set(lancashire)) >= 5
    assert len(set(shown.values())) == len(shown)


def test_a_sub_icb_location_without_a_ccg_is_named_by_its_districts(practices) -> None:
    shown = labels(practices, "2026-07")
    new = [code for code, label in shown.items() if "around" in label]
    assert new, "2026's merged Sub-ICB locations have codes no CCG had"
    assert all(code not in places.predecessor_names([practices["2022-04"]]) for code in new)


def test_names_match_by_code_or_place() -> None:
    label = "00X · Chorley and South Ribble (Lancashire and South Cumbria ICB)"
    assert places.matches_label(label, "chorley")
    assert places.matches_label(label, "00x")
    assert places.matches_label(label, "south ribble lancashire")
    assert not places.matches_label(label, "preston")
    assert not places.matches_label(label, "  ")


def test_place_of_and_icb_short() -> None:
    assert places.place_of("NHS  Chorley and South Ribble CCG ") == "Chorley and South Ribble"
    assert places.icb_short("NHS Lancashire and South Cumbria Integrated Care Board") == (
        "Lancashire and South Cumbria ICB")
    assert places.is_sub_icb_name("NHS Lancashire and South Cumbria ICB - 00X")
    assert not places.is_sub_icb_name("NHS Chorley and South Ribble CCG")


def test_a_commissioner_both_snapshots_have_keeps_its_code_and_gets_its_own_area(
        practices) -> None:
    # April 2022's STP QE1 is not an area in 2019 (NHS England areas then).
    carried = places.carry_over(None, "QE1", "00X", practices["2022-04"], practices["2019-12"])
    assert carried.commissioner == "00X"
    assert carried.area == "Q84" and carried.region is None
    assert carried.note == ""


def test_a_commissioner_gone_maps_to_the_successor_holding_its_practices(practices) -> None:
    gone = sorted(set(practices["2019-12"]["commissioner_code"].dropna())
                  - set(practices["2022-04"]["commissioner_code"].dropna()))
    code = gone[0]
    carried = places.carry_over(None, None, code, practices["2019-12"], practices["2022-04"],
                                {"commissioner": "CCG"})
    old = practices["2019-12"].loc[practices["2019-12"]["commissioner_code"] == code,
                                   "practice_code"]
    now = practices["2022-04"].loc[practices["2022-04"]["practice_code"].isin(old),
                                   "commissioner_code"].value_counts()
    assert carried.commissioner == now.index[0]
    assert f"CCG {code} is not in this snapshot" in carried.note
    assert carried.commissioner in carried.note


def test_an_unknown_code_is_dropped_and_said(practices) -> None:
    carried = places.carry_over("Y62", None, "ZZZ", None, practices["2023-01"])
    assert carried.commissioner is None and carried.region == "Y62"
    assert "ZZZ is not in this snapshot; showing all instead" in carried.note
