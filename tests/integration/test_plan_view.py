"""The Plan a change and Your own data views on the built extract (July 2026):
a place's own figures, the networks that change for it (the network covering
a practice not signing up among them, with what it gains), its practices to
edit and draw, and its files' names."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pcnmap.model import funding, whatif
from pcnmap.model.place import Place, parts_of
from pcnmap.model.proposal import Proposal, check
from pcnmap.views import comparison, own_data, plan
from pcnmap.views.source import SnapshotData

KEY = "2026-07"
LEAVING, ITS_NETWORK, COVERING = "P81687", "U34632", "U09100"  # New Longton Surgery (00X)
CHORLEY = Place(KEY, "Y62", "QE1", "00X", "Chorley and South Ribble (00X)")
ICB = Place(KEY, "Y62", "QE1", None, "Lancashire and South Cumbria ICB")


@pytest.fixture(scope="module")
def data(built_extract: Path) -> SnapshotData:
    return SnapshotData.from_folder(built_extract, KEY)


def proposed(data: SnapshotData, changes: dict[str, str | None]) -> Proposal:
    checked, problems = check(Proposal(changes), data.practices, data.networks)
    assert problems == []
    return checked


def test_the_network_covering_a_practice_not_signing_up_gains_its_list_and_money(data) -> None:
    view = plan.plan_a_change(data, CHORLEY, proposed(data, {LEAVING: None}), "catchment")
    rows = view.comparison.changes.frame.set_index("network_code")
    assert list(rows.index) == [ITS_NETWORK, COVERING]  # by name: Bridgedale, Greater Preston
    patients = float(data.practices.set_index("practice_code").at[LEAVING, "registered"])
    assert patients == 2_091
    assert rows.at[COVERING, "covered_registered_after"] == patients
    assert rows.at[COVERING, "population_after"] - rows.at[COVERING, "population_before"] \
        == patients
    # Its money, from the funding model with the list paid to the covering network.
    year = plan.year_of(data)
    moved = data.practices.assign(network_code=data.practices["network_code"].where(
        data.practices["practice_code"] != LEAVING, COVERING))
    money = {}
    for name, practices in (("before", data.practices), ("after", moved)):
        table = funding.network_funding(practices, data.funding_lists, data.rates, year).networks
        money[name] = table.set_index("network_code")["total"]
    gain = money["after"][COVERING] - money["before"][COVERING]
    assert gain > 0
    assert rows.at[COVERING, "funding_after"] == pytest.approx(money["after"][COVERING])
    assert rows.at[ITS_NETWORK, "funding_after"] == pytest.approx(money["after"][ITS_NETWORK])
    words = view.comparison.changes.shown().set_index("Network code")
    assert words.at[COVERING, "What changes"] == (
        "covers NEW LONGTON SURGERY (P81687), not signing up (2,091 patients)")
    assert words.at[COVERING, "Patients change"] == "↑ +2,091 patients"
    assert words.at[COVERING, "Entitlement change"] == f"↑ +£{round(gain):,}"
    assert words.at[ITS_NETWORK, "Entitlement change"] == f"↓ −£{round(gain):,}"
    covered = {f.label: f for f in view.comparison.figures}[
        "Patients covered by a neighbouring network"]
    assert (covered.text, covered.change) == ("2,091", "↑ +2,091")


def test_a_network_covering_a_practice_of_the_place_is_listed_without_a_member_there(
        data) -> None:
    """The Thornton Practice, 02M's one practice, moved to Blackpool South
    PCN, then not signing up: the network covering it (its nearest member
    practice's, Torentum PCN) has no member in 02M before or after, and is
    listed all the same."""
    place = Place(KEY, "Y62", "QE1", "02M", "02M")
    before = whatif.apply(data.practices, data.networks, proposed(data, {"P81079": "U45809"}))
    after = whatif.apply(data.practices, data.networks, proposed(data, {"P81079": None}))
    covering = after.practices.set_index("practice_code").at["P81079", "covered_by"]
    assert covering not in place.network_codes(before.practices) | place.network_codes(
        after.practices)
    assert comparison.place_networks(before, after, place) == {"U45809", covering}


def test_a_places_figures_are_its_own_and_add_up_over_its_parts(data) -> None:
    proposal = proposed(data, {LEAVING: None, "P81071": "U92975"})
    found = plan.outcome(data, proposal, "catchment")

    def figures(place: Place) -> dict[str, object]:
        view = plan.plan_a_change(data, place, proposal, "catchment", found)
        return {f.label: f for f in view.comparison.figures}

    icb = figures(ICB)
    england = figures(Place(KEY))
    assert icb["Networks"].value < england["Networks"].value
    assert icb["Networks"].codes == ICB.network_codes(found.after.practices)
    parts = [figures(part) for part in parts_of(ICB, data.practices)]
    assert len(parts) == 4  # 00R, 00X, 01E, 02M
    for label in ("Patients in no network", "Patients covered by a neighbouring network"):
        assert icb[label].value == sum(part[label].value for part in parts)
    for label in ("Networks", "Networks under 30,000 patients",
                  "Networks crossing Sub-ICB locations"):
        assert icb[label].value == len(icb[label].codes)
        assert icb[label].codes == frozenset().union(*(p[label].codes for p in parts)), label
    regions = [figures(part) for part in parts_of(Place(KEY), data.practices)]
    assert england["Networks"].codes == frozenset().union(*(r["Networks"].codes
                                                            for r in regions))


def test_the_editor_map_and_files_are_the_places(data) -> None:
    proposal = proposed(data, {LEAVING: None})
    view = plan.plan_a_change(data, ICB, proposal, "catchment")
    inside = ICB.practices(data.practices)
    assert len(inside) < len(data.practices)
    assert sorted(view.editor["practice_code"]) == sorted(inside["practice_code"])
    assert list(view.practice_labels) == view.editor["practice_code"].tolist()
    assert set(view.map_practices["practice_code"]) <= set(inside["practice_code"])
    leaving = view.map_practices.set_index("practice_code").loc[LEAVING]
    assert leaving["network_code"] == f"{COVERING}*"
    assert leaving["network_name"] == "Not signing up; covered by GREATER PRESTON PCN (U09100)"
    assert set(view.configuration["practice_code"]) == set(inside["practice_code"])
    assert view.configuration.set_index("practice_code").at[LEAVING, "network_code"] == ""
    targets = {code for code in view.choices.values() if code}
    assert targets == ICB.network_codes(data.practices)
    assert view.choices[plan.NOT_SIGNING] is None
    assert view.configuration_file == "pcnmap-configuration-2026-07-QE1.csv"
    assert view.comparison.changes.file_name == "pcnmap-plan-comparison-2026-07-QE1.csv"
    assert view.title == "Plan a change: Lancashire and South Cumbria ICB"


def test_no_change_shows_no_changes(data) -> None:
    view = plan.plan_a_change(data, CHORLEY, Proposal(), "catchment")
    assert len(view.comparison.changes) == 0
    assert all(figure.change is None for figure in view.comparison.figures)
    assert view.comparison.changes.title == "Networks that change (0), 2026/27 entitlements"


def test_uploaded_practices_belong_to_places_by_their_commissioner(data) -> None:
    """An uploaded epraccur's practices may carry no region or ICB (or those
    of its own date): they belong by their commissioner's, as the snapshot
    has them; the comparison is Plan a change's with its own words."""
    found = plan.outcome(data, proposed(data, {LEAVING: None}), "catchment")
    bare = whatif.Scenario(found.after.practices.drop(columns=["region_code", "stp_code"]),
                           found.after.networks)
    view = own_data.own_data(data, ICB, bare, found.table, "2026-07-01")
    planned = plan.plan_a_change(data, ICB, proposed(data, {LEAVING: None}), "catchment", found)
    assert view.comparison.changes.frame.equals(planned.comparison.changes.frame)
    assert "Patients in your files" in view.comparison.changes.headings
    assert [f.text for f in view.comparison.figures] == [
        f.text for f in planned.comparison.figures]
    assert view.title == "Your own data: Lancashire and South Cumbria ICB"
    assert view.configuration_file == "pcnmap-configuration-own-2026-07-QE1-2026-07-01.csv"
    assert set(view.configuration["practice_code"]) == set(
        ICB.practices(data.practices)["practice_code"])
    shown = view.comparison.changes.csv_frame().astype(str)
    assert not {"None", "nan", "<NA>", "True", "False"} & set(shown.to_numpy().ravel())
    assert isinstance(shown, pd.DataFrame)
