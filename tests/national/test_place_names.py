"""Commissioner names people recognise, place choices carried between
snapshots, search and postcodes, on the shipped snapshots' real practices and
England's postcodes (data/)."""

from __future__ import annotations

import pandas as pd
import pytest
import shapely

from pcnmap import store
from pcnmap.model import places

pytestmark = pytest.mark.national


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


# Search and postcodes: the shipped tables (England's postcodes, its districts).
@pytest.fixture(scope="module")
def postcodes():
    from pcnmap.model import lookup

    return lookup.PostcodeIndex.from_table(store.read_root_table(store.DATA_DIR, "postcodes"))


@pytest.fixture(scope="module")
def districts():
    return pd.DataFrame(store.read_root_table(store.DATA_DIR, "places").drop(
        columns="geometry"))


def found(practices, postcodes, districts, query: str):
    from pcnmap.model import lookup

    snapshot = practices["2023-01"]
    networks = store.read_table(store.DATA_DIR, "2023-01", "networks")
    return lookup.search(snapshot, networks, labels(practices, "2023-01"), districts,
                         postcodes, query)


def test_search_lists_matches_of_every_kind(practices, postcodes, districts) -> None:
    matches = found(practices, postcodes, districts, "Chorley")
    kinds = {match.kind for match in matches}
    assert {"practice", "network", "commissioner", "place"} <= kinds
    assert "00X · Chorley and South Ribble (Lancashire and South Cumbria ICB)" in [
        m.label for m in matches if m.kind == "commissioner"]
    assert "Chorley" in [m.label for m in matches if m.kind == "place"]
    # More than one practice: a list to pick from, not one arbitrary match.
    assert sum(m.kind == "practice" for m in matches) > 1
    assert len({m.key for m in matches}) == len(matches)


def test_a_postcode_district_lists_its_practices(practices, postcodes, districts) -> None:
    matches = found(practices, postcodes, districts, "PR5")
    codes = [m.code for m in matches if m.kind == "practice"]
    assert "P81185" in codes and len(codes) >= 4


def test_any_england_postcode_is_found_not_only_a_practices(practices, postcodes,
                                                            districts) -> None:
    resident = "PR5 6DT"  # no practice has it
    assert not (practices["2023-01"]["postcode"] == resident).any()
    matches = found(practices, postcodes, districts, resident.lower())
    assert matches[0].kind == "postcode" and matches[0].code == "PR56DT"
    assert 53.7 < matches[0].latitude < 53.8 and -2.7 < matches[0].longitude < -2.6
    assert found(practices, postcodes, districts, "ZZ9 9ZZ") == []
    assert found(practices, postcodes, districts, "   ") == []


def test_a_postcode_is_answered_by_every_method_with_its_nearest_practices(
        practices, postcodes) -> None:
    from pcnmap.model import lookup, methods

    boundaries = store.read_geo(store.DATA_DIR, "2023-01", "network_boundaries")
    answer = lookup.answer_postcode("PR56DT", postcodes, boundaries, practices["2023-01"])
    assert set(answer.networks) == set(methods.METHODS)
    for method, (code, _name) in answer.networks.items():
        shape = boundaries[(boundaries["method"] == method)
                           & (boundaries["network_code"] == code)].geometry.iloc[0]


        assert shape.contains(shapely.Point(answer.longitude, answer.latitude))
    nearest = answer.nearest
    assert len(nearest) == 5 and nearest["distance_km"].is_monotonic_increasing
    assert nearest["distance_km"].iloc[0] < 1.0
    assert lookup.answer_postcode("ZZ99ZZ", postcodes, boundaries, practices["2023-01"]) is None


def test_postcode_keys_are_checked_before_lookup(postcodes) -> None:
    from pcnmap.model import lookup

    for bad in ("", "PR5", "PR5 6DT", "PR56DT!", "ÅR56DT", "PR56DTXX"):
        assert lookup.postcode_position(postcodes, bad) is None
    easting, northing = lookup.postcode_position(postcodes, "PR56DT")
    assert 350_000 < easting < 360_000 and 420_000 < northing < 430_000


def test_matches_in_the_chosen_place_come_first(practices, postcodes, districts) -> None:
    from pcnmap.model import lookup

    matches = found(practices, postcodes, districts, "riverside")
    local = set(lookup.serving(practices["2023-01"], "00X")["practice_code"])
    assert matches[0].code not in local  # alphabetical: DR JUDE'S PRACTICE - RIVERSIDE
    ordered = lookup.nearby_first(matches, local)
    assert ordered[0].code == "P81185"
    assert sorted(m.key for m in ordered) == sorted(m.key for m in matches)


def test_a_practices_postcode_finds_the_practice_first(practices, postcodes, districts) -> None:
    matches = found(practices, postcodes, districts, "PR5 4AY")
    assert [(m.kind, m.code) for m in matches[:2]] == [("practice", "P81185"),
                                                       ("postcode", "PR54AY")]
