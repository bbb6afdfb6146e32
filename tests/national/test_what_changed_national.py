"""What changed on the shipped national data (data/): the facts issue 26
names, each place's own figures, and every ICB's counts adding up over its
Sub-ICB locations."""

from __future__ import annotations

import pytest

from pcnmap import store
from pcnmap.model.place import parts_of
from pcnmap.views import what_changed
from tests import changes_data as cd

pytestmark = pytest.mark.national


@pytest.fixture(scope="module")
def data() -> dict:
    return {key: cd.snapshot_data(store.DATA_DIR, key)
            for key in ("2023-01", "2024-10", "2026-07")}


def view(data: dict, since: str, key: str, **codes: str) -> what_changed.WhatChangedView:
    return what_changed.what_changed(data[since], data[key], cd.place(data[key], **codes))


def test_chorley_sees_park_view_surgery_leave_greater_preston(data: dict) -> None:
    """Greater Preston PCN is 00X's through Kingsfold Medical Centre (P81181,
    00X); its row names Park View Surgery (P81046, 01E), gone from the July
    2026 lists with its 6,591 patients, though ODS still lists it as active."""
    after = data["2026-07"].practices.set_index("practice_code")
    assert after.loc["P81181", ["commissioner_code", "network_code"]].tolist() == [
        "00X", "U09100"]
    found = view(data, "2024-10", "2026-07", commissioner="00X")
    networks = cd.shown(found, "networks").set_index("Network code")
    assert networks.loc["U09100", "Network"] == "GREATER PRESTON PCN (U09100)"
    assert networks.loc["U09100", "Left"] == (
        "PARK VIEW SURGERY (P81046), 6,591 patients before: closed or no longer listed "
        "(ODS still lists it as active)")
    assert networks.loc["U09100", ["Practices in October 2024",
                                   "Practices in July 2026"]].tolist() == [10, 9]
    # P81046 is 01E's: listed there among the practices no longer listed.
    preston = cd.shown(view(data, "2024-10", "2026-07", commissioner="01E"), "unlisted")
    row = preston.set_index("Practice code").loc["P81046"]
    assert row[["Practice", "Patients in October 2024", "Network in October 2024",
                "Closed in ODS"]].tolist() == ["PARK VIEW SURGERY", 6591,
                                               "GREATER PRESTON PCN (U09100)", "No"]


def test_u2g6b_says_where_its_41_practices_came_from(data: dict) -> None:
    found = view(data, "2024-10", "2026-07", commissioner="U2G6B")
    slough = "the Sub-ICB location around Windsor and Maidenhead and Slough (U2G6B)"
    assert found.reorganised[:2] == (
        f"Frimley (D4U1Y) split on 1 April 2026: 41 practices to {slough}, 14 to Hampshire, "
        "Southampton and Isle of Wight (D9Y0V), 11 to Surrey Heartlands (92A); 3 no longer "
        "listed",
        f"{slough[:1].upper()}{slough[1:]} is new since October 2024: its 41 practices were "
        "all under Frimley (D4U1Y)")
    assert cd.figure(found, "Practices moved in") == 41
    assert set(found.tables["practices"].frame["commissioner_before_label"]) == {
        "D4U1Y · Frimley (Frimley ICB)"}
    # Ragstone Road Surgery closed (ODS: 30 April 2025): it counts here, where
    # its nearest former neighbour is now, with its network then.
    unlisted = cd.shown(found, "unlisted").set_index("Practice code")
    assert unlisted.loc["K81089", ["Practice", "Network in October 2024",
                                   "Closed in ODS"]].tolist() == [
        "RAGSTONE ROAD SURGERY", "SHAPE PCN (U31305)", "Yes"]


def test_lancashire_and_south_cumbria_shows_its_own_figures(data: dict) -> None:
    icb = {f.label: f.text for f in view(data, "2024-10", "2026-07", area="QE1").figures}
    england = {f.label: f.text for f in view(data, "2024-10", "2026-07").figures}
    assert icb == {
        "Networks opened": "3", "Networks closed, merged or split": "1",
        "Networks renamed": "0", "Practices moved network": "5",
        "Practices no longer listed": "5",
        "Practices moved in": "0", "Practices moved out": "0"}
    # England's include two networks of the October 2024 ePCN with no practice
    # listed (Norwich PCN, West Twickenham PCN), closed since.
    assert england == {
        "Networks opened": "25", "Networks closed, merged or split": "12",
        "Networks renamed": "15", "Practices moved network": "119",
        "Practices no longer listed": "257"}


@pytest.mark.parametrize(("since", "key"), [("2024-10", "2026-07"), ("2023-01", "2024-10")])
def test_each_icbs_counts_are_the_sum_of_its_sub_icb_locations(data: dict, since: str,
                                                                key: str) -> None:
    """Every ICB of the later snapshot counts the practices its Sub-ICB
    locations count between them (networks: the union of theirs), England
    those of its regions, and no table of a place holds another's row."""
    before, after = data[since], data[key]
    england = cd.place(after)
    regions = parts_of(england, after.practices)
    icbs = [icb for region in regions for icb in parts_of(region, after.practices)]
    assert len(icbs) > 30
    cd.sums_hold(before, after, [england, *icbs])
