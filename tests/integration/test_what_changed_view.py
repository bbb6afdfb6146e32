"""The What changed page view on the built extract: a place's figures and
tables, the commissioners reorganised in words, and the place's counts
adding up over its parts."""

from __future__ import annotations

from pathlib import Path

import pytest

from pcnmap.model.place import parts_of
from pcnmap.views import what_changed
from tests import changes_data as cd

# Every pair of snapshots a place can be compared across (the previous one by default).
PAIRS = [("2019-12", "2022-04"), ("2022-04", "2023-01"), ("2023-01", "2024-10"),
         ("2024-10", "2026-07"), ("2019-12", "2026-07")]


@pytest.fixture(scope="module")
def data(built_extract: Path) -> dict:
    keys = {key for pair in PAIRS for key in pair}
    return {key: cd.snapshot_data(built_extract, key) for key in keys}


def test_chorley_since_january_2023_names_every_change(data: dict) -> None:
    """South Ribble Medical Group PCN split: its 00X practices moved, named
    with both networks; a practice that closed is listed with its list."""
    before, after = data["2023-01"], data["2024-10"]
    view = what_changed.what_changed(before, after, cd.place(after, commissioner="00X"))
    assert view.title == "What changed: 00X"
    assert {f.label: f.text for f in view.figures} == {
        "Networks opened": "1", "Networks closed, merged or split": "1",
        "Networks renamed": "0", "Practices moved network": "3",
        "Practices no longer listed": "1",
        "Practices moved in": "0", "Practices moved out": "0"}
    networks = cd.shown(view, "networks").set_index("Network code")
    assert list(networks.index) == ["U34632", "U57096", "U09100", "U49070", "U22273"]
    split = networks.loc["U22273"]
    assert split["What changed"] == "split"
    assert (split["Practices in January 2023"], split["Practices in October 2024"]) == (7, 0)
    assert split["Its practices went to or came from"] == (
        "went to PRESTON & SOUTH RIBBLE PCN (U49070): 4 practices, BRIDGEDALE SOUTH RIBBLE "
        "PCN (U34632): 2 practices, GREATER PRESTON PCN (U09100): 1 practice")
    assert "KINGSFOLD MEDICAL CENTRE (P81181) to GREATER PRESTON PCN (U09100)" in split["Left"]
    assert networks.loc["U09100", "What changed"] == "members changed; moved into 00X"
    assert networks.loc["U57096", "Left"] == (
        "LEYLAND SURGERY (Y03656), 5,866 patients before: closed or no longer listed "
        "(closed in ODS)")
    practices = cd.shown(view, "practices")
    assert practices[["Practice", "What changed", "Network in January 2023",
                      "Network in October 2024"]].values.tolist() == [
        ["BEECHES MEDICAL CENTRE", "moved to another network",
         "SOUTH RIBBLE MEDICAL GROUP PCN (U22273)", "PRESTON & SOUTH RIBBLE PCN (U49070)"],
        ["KINGSFOLD MEDICAL CENTRE", "moved to another network",
         "SOUTH RIBBLE MEDICAL GROUP PCN (U22273)", "GREATER PRESTON PCN (U09100)"],
        ["NEW LONGTON SURGERY", "moved to another network",
         "SOUTH RIBBLE MEDICAL GROUP PCN (U22273)", "BRIDGEDALE SOUTH RIBBLE PCN (U34632)"]]
    unlisted = cd.shown(view, "unlisted")
    assert unlisted[["Practice", "Practice code", "Patients in January 2023",
                     "Network in January 2023", "Closed in ODS"]].values.tolist() == [
        ["LEYLAND SURGERY", "Y03656", 5866, "CHORLEY TOGETHER PCN (U57096)", "Yes"]]
    assert view.reorganised == () and len(view.tables["codes"]) == 0
    assert view.tables["networks"].file_name == \
        "pcnmap-changes-networks-2023-01-to-2024-10-00X.csv"


def test_frimleys_split_is_said_in_words_for_its_successor(data: dict) -> None:
    """U2G6B is new in July 2026: the first screen says where its 41 practices
    came from (D4U1Y, split on the date the catalogue declares). The
    extract has no CCG snapshot holding D4U1Y (Frimley CCG), so the label
    rule names it by its districts; it holds none of 15A's practices in
    July 2026, so those that closed count with the nearest practice listed,
    here."""
    before, after = data["2024-10"], data["2026-07"]
    view = what_changed.what_changed(before, after, cd.place(after, commissioner="U2G6B"))
    slough = "the Sub-ICB location around Windsor and Maidenhead and Slough"
    assert view.reorganised == (
        "15A ended between October 2024 and July 2026: none of its 4 practices is listed in "
        "July 2026",
        f"The Sub-ICB location around Windsor and Maidenhead and Slough (D4U1Y) split on 1 "
        f"April 2026: 41 practices to {slough} (U2G6B), 14 to the Sub-ICB location around "
        "Rushmoor (D9Y0V), 11 to the Sub-ICB location around Surrey Heath and Waverley (92A); "
        "3 no longer listed",
        f"The Sub-ICB location around Windsor and Maidenhead and Slough (U2G6B) is new since "
        f"October 2024: its 41 practices were all under {slough} (D4U1Y)",
        "Frimley ICB (QNQ) split between October 2024 and July 2026: 41 practices to Thames "
        "Valley ICB (S0E4D), 14 to Hampshire and Isle of Wight ICB (QRL), 11 to Surrey and "
        "Sussex ICB (S9B9J); 3 no longer listed",
        "QU9 ended between October 2024 and July 2026: none of its 4 practices is listed in "
        "July 2026",
        "Thames Valley ICB (S0E4D) is new since October 2024: its 41 practices were all under "
        "Frimley ICB (QNQ)")
    assert cd.figure(view, "Practices moved in") == 41
    assert cd.figure(view, "Practices moved out") == 0
    assert len(view.tables["practices"]) == 41
    assert set(view.tables["practices"].frame["change_words"]) == {"moved into U2G6B"}
    # D4U1Y's three practices no longer listed count where their nearest
    # former neighbours are now, 15A's four with the nearest practice: here.
    unlisted = cd.shown(view, "unlisted").set_index("Practice code")
    assert unlisted["Closed in ODS"].to_dict() == {
        "K81005": "Yes", "K81089": "Yes", "Y01253": "No", "K81048": "Yes", "K81633": "Yes",
        "K81636": "Yes", "K81651": "Yes"}
    # D4U1Y's networks came with its practices; 15A's (New Reading PCN) closed.
    networks = cd.shown(view, "networks").set_index("Network code")["What changed"]
    assert networks["U62501"] == "closed"
    assert set(networks.drop("U62501")) == {"moved into U2G6B",
                                            "members changed; moved into U2G6B"}
    assert cd.shown(view, "codes")["Code"].tolist() == ["15A", "D4U1Y", "U2G6B", "QNQ", "QU9",
                                                        "S0E4D"]


@pytest.mark.parametrize(("since", "key"), PAIRS)
def test_an_icbs_practices_are_the_sum_of_its_commissioners(data: dict, since: str,
                                                            key: str) -> None:
    """For every ICB (and England over its regions) the practices counted
    equal the sum over its parts, the networks the union of theirs, and no
    table holds a row of another place."""
    before, after = data[since], data[key]
    england = cd.place(after)
    regions = parts_of(england, after.practices)
    icbs = [icb for region in regions for icb in parts_of(region, after.practices)]
    cd.sums_hold(before, after, [england, *regions, *icbs])
