"""The Neighbourhoods page in AppTest on the built extract: the exact
footprint table of a small place, a move made with the page's own form and
kept in the address, a proposal's round trip through its file, and hostile
files answered with file, row and column."""

from __future__ import annotations

import pandas as pd
import pytest

from pcnmap import export, store
from pcnmap.model import figures, funding
from pcnmap.model import neighbourhoods as nb
from pcnmap.model.methods import DEFAULT
from tests.screen import run, shown

PAGE = "pages/10_Neighbourhoods.py"
SNAPSHOT = "2026-07"
YEAR = "2026/27"
LINK = "[Sign in](https://evil.example/login)"


def tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    practices = store.read_table(store.DATA_DIR, SNAPSHOT, "practices")
    networks = store.read_table(store.DATA_DIR, SNAPSHOT, "networks").set_index("network_code")
    money = funding.network_funding(practices, store.read_root_table(
        store.DATA_DIR, "funding_lists"), funding.load_rates(), YEAR).networks
    return practices, networks, money.set_index("network_code")


def footprint_table(app) -> pd.DataFrame:
    return next(d.value for d in app.dataframe if "Footprint" in d.value.columns
                and "Contiguity" in d.value.columns)


def members(app) -> dict[str, list[str]]:
    """Each footprint's networks, as the networks' table shows them."""
    table = next(d.value for d in app.dataframe if "Against 50,000" in d.value.columns)
    found: dict[str, list[str]] = {}
    for network, footprint in zip(table["Network"], table["Footprint"], strict=True):
        found.setdefault(footprint.split(" · ")[0], []).append(network[-7:-1])
    return {code: sorted(codes) for code, codes in found.items()}


def test_the_exact_table_of_a_small_place() -> None:
    """Cheshire and Merseyside in the extract: Runcorn and Widnes, 135,746
    patients, one footprint under the floor, said; the Mersey lies between
    them, so they are linked across it."""
    practices, networks, money = tables()
    app = run(PAGE, snapshot=SNAPSHOT, area="QYG")
    assert not app.exception and not app.error
    mine = ["U09643", "U79408"]
    assert sorted(practices.loc[practices["stp_code"] == "QYG", "network_code"].unique()) == mine
    patients = networks.loc[mine, "registered"].sum()
    assert patients == 135_746
    ages = store.read_table(store.DATA_DIR, SNAPSHOT, "age_bands")
    ages = ages[ages["practice_code"].isin(practices.loc[practices["network_code"].isin(mine),
                                                         "practice_code"])]
    older = ages.loc[ages["age_band"].map(lambda b: int(b.split("_")[0].rstrip("+")) >= 65),
                     "registered"].sum() / ages["registered"].sum()
    expected = pd.DataFrame([{
        "Footprint": "F1 · Around Halton",
        "Patients": 135_746,
        "Against 250,000": "under: 114,254 short",
        "Networks": 2,
        "Practices": int(practices["network_code"].isin(mine).sum()),
        "Contiguity": "contiguous with a link across a gap: RUNCORN PCN (U09643) with "
                      "WIDNES PCN (U79408), nearest practices 2.3 km apart",
        "Local authority districts": "all in Halton",
        "Sub-ICB locations": "all in Halton (01F)",
        "ICBs": "all in Cheshire and Merseyside ICB",
        "Aged 65 and over": f"{older:.0%}",
        "Rural (share of its LSOAs)": "0%",
        f"DES entitlements {YEAR}, sum of its networks' (£)":
            round(money.loc[mine, "total"].sum(), 2),
    }])
    pd.testing.assert_frame_equal(footprint_table(app), expected, check_dtype=False)
    assert expected.at[0, "Practices"] == 14 and expected.at[0, "Aged 65 and over"] == "19%"
    notes = [shown(i.value) for i in app.info]
    assert ("This place's networks hold 135,746 registered patients, fewer than 250,000: one "
            "footprint, under the floor.") in notes
    warnings = [shown(w.value) for w in app.warning]
    assert warnings == ["Every footprint at least 250,000 patients: F1 · Around Halton "
                        "(135,746) fall short."]


def test_a_place_of_two_footprints_adds_up() -> None:
    practices, networks, money = tables()
    app = run(PAGE, snapshot=SNAPSHOT, area="QE1")
    assert not app.exception and not app.error
    table = footprint_table(app).set_index("Footprint")
    groups = members(app)
    assert sorted(groups) == ["F1", "F2"]
    every = sorted(practices.loc[practices["stp_code"] == "QE1", "network_code"].dropna().unique())
    assert sorted(groups["F1"] + groups["F2"]) == every  # each network once
    for label, row in table.iterrows():
        code = label.split(" · ")[0]
        assert row["Patients"] == networks.loc[groups[code], "registered"].sum()
        assert row["Patients"] >= 250_000 and row["Against 250,000"] == "at least 250,000"
        assert row["Networks"] == len(groups[code])
        assert row[f"DES entitlements {YEAR}, sum of its networks' (£)"] == pytest.approx(
            money.loc[groups[code], "total"].sum(), abs=0.01)
    assert any(shown(m.value) == (
        "**Checks met**: every network in exactly one footprint; every footprint at least "
        "250,000 patients; every footprint contiguous; footprints within one ICB; practices "
        "in no network.") for m in app.markdown)
    assert not app.warning


def move(app, network: str, target: str):
    box = app.selectbox(key="fp_network")
    box.set_value(network)
    app.selectbox(key="fp_target").set_value(
        next(o for o in app.selectbox(key="fp_target").options if o.startswith(target)))
    return next(b for b in app.button if b.label == "Move the network").click().run()


def test_a_move_changes_both_footprints_and_lives_in_the_address() -> None:
    _, networks, _ = tables()
    app = run(PAGE, snapshot=SNAPSHOT, area="QE1")
    before = footprint_table(app).set_index("Footprint")["Patients"]
    network = members(app)["F2"][0]
    move(app, network, "F1")
    assert not app.exception
    assert app.query_params["fp"] == [f"{network}:F1"] or app.query_params["fp"] == \
        f"{network}:F1"
    after = footprint_table(app).set_index("Footprint")["Patients"]
    patients = networks.at[network, "registered"]
    assert list(after - before) == [patients, -patients]
    # The same address opens the same proposal in a new session.
    again = run(PAGE, snapshot=SNAPSHOT, area="QE1", fp=f"{network}:F1")
    pd.testing.assert_frame_equal(footprint_table(again), footprint_table(app))
    # A new footprint and a name, in the address too.
    move(app, members(app)["F1"][0], "A new footprint")
    app.selectbox(key="fp_rename").set_value("F3")
    app.text_input(key="fp_name").input("Fylde <b>coast</b> [x](https://evil.example)")
    next(b for b in app.button if b.label == "Rename the footprint").click().run()
    assert "F3 · Fylde <b>coast</b> [x](https://evil.example)" in list(
        footprint_table(app)["Footprint"])
    assert str(app.query_params["fpn"]).startswith("F3:Fylde")


def configuration_csv(area: str, fp: str = "", fpn: str = "") -> bytes:
    """The proposal's file as the page's download makes it."""
    from ui import data

    place = data.place_names(SNAPSHOT, "stp").get(area, area)
    view = data.neighbourhood_view(SNAPSHOT, DEFAULT, "area", area, place, fp, fpn)
    return export.csv_bytes(figures.rounded(nb.configuration_table(view.proposal,
                                                                   view.graph)))


def upload(app, name: str, data: bytes):
    app.get("file_uploader")[0].set_value((name, data, "text/csv"))
    return app.run()


def test_a_proposal_round_trips_through_its_file() -> None:
    app = run(PAGE, snapshot=SNAPSHOT, area="QE1")
    network = members(app)["F2"][0]
    move(app, network, "A new footprint")
    app.selectbox(key="fp_rename").set_value("F3")
    app.text_input(key="fp_name").input("=HYPERLINK(\"https://evil.example\")")
    next(b for b in app.button if b.label == "Rename the footprint").click().run()
    fp, fpn = str(app.query_params["fp"]), str(app.query_params["fpn"])
    text = configuration_csv("QE1", fp, fpn)
    assert b"'=HYPERLINK" in text  # a spreadsheet will not run it
    fresh = run(PAGE, snapshot=SNAPSHOT, area="QE1")
    loaded = upload(fresh, "footprint-proposal.csv", text)
    assert not loaded.exception and not loaded.error
    assert str(loaded.query_params["fp"]) == fp and str(loaded.query_params["fpn"]) == fpn
    pd.testing.assert_frame_equal(footprint_table(loaded), footprint_table(app))


def findings(app) -> pd.DataFrame:
    return next(d.value for d in app.dataframe if "message" in d.value.columns)


def test_hostile_files_are_answered_with_file_row_and_column() -> None:
    app = run(PAGE, snapshot=SNAPSHOT, area="QE1")
    good = configuration_csv("QE1").decode("utf-8-sig").splitlines()
    rows = [good[0], good[1].replace(good[1].split(",")[2], "=cmd|' /C calc'!A0", 1),
            good[2].replace(good[2].split(",")[2], f"<img src=x onerror=alert(1)> {LINK}", 1),
            "U99999,F1,Elsewhere,,", "U1,F1,Bad code,,", "U10791,Q7,Bad footprint,,",
            "U10791,F1,Too few fields", *good[3:]]
    hostile = upload(app, "hostile.csv", ("\n".join(rows) + "\n").encode())
    assert not hostile.exception
    table = findings(hostile)
    found = set(zip(table["file"], table["row"], table["column"], strict=True))
    assert ("hostile.csv", 4, "network_code") in found  # U99999: not of this place
    assert ("hostile.csv", 5, "network_code") in found  # U1: not a network code
    assert ("hostile.csv", 6, "footprint") in found  # Q7: not a footprint code
    assert ("hostile.csv", 7, "field 4") in found  # a line of 3 fields, not 5
    assert ("hostile.csv", 2, "footprint_name") in found  # a formula, kept as text
    assert ("hostile.csv", 3, "footprint_name") in found  # HTML, kept as text
    assert ("hostile.csv", 9, "network_code") in found  # U10791 again: the first row counts
    # The first name given to F2 (a formula) is its name, shown as text; the
    # HTML one, given to F2 later, is not used and is listed as text.
    names = list(footprint_table(hostile)["Footprint"])
    assert "F2 · =cmd|' /C calc'!A0" in names
    assert any("<img src=x" in value for value in table["value"])
    # U10791's only good row was a repeat: it is in no footprint, and said.
    assert any(shown(w.value).startswith("Every network in exactly one footprint: 1 of 14 "
                                         "networks are in no footprint: CHORLEY AND SOUTH "
                                         "RIBBLE NETWORK PCN (U10791)") for w in hostile.warning)
    for element in (*hostile.markdown, *hostile.caption, *hostile.warning, *hostile.info,
                    *hostile.success, *hostile.error):
        assert "](" not in element.value.replace("\\]\\(", "") and "<img" not in element.value

    million = upload(run(PAGE, snapshot=SNAPSHOT, area="QE1"), "million.csv",
                     b"network_code,footprint,footprint_name\n" + b"U1,F1,x\n" * 1_000_000)
    [error] = million.error
    assert shown(error.value).startswith("Not used: million.csv, row 100001: goes on past "
                                         "line 100,000")
    wrong = upload(run(PAGE, snapshot=SNAPSHOT, area="QE1"), "wrong.csv",
                   b"network,footprint_code,name\nU10791,F1,x\n")
    [error] = wrong.error
    assert shown(error.value).startswith("Not used: wrong.csv, row 1: is not a file pcnmap "
                                         "knows")
    other = upload(run(PAGE, snapshot=SNAPSHOT, area="QE1"), "practices.csv",
                   b"practice_code,network_code,network_name\nP81185,U10791,x\n")
    [error] = other.error
    assert shown(error.value) == (
        "Not used: practices.csv: is a file of another kind (A network configuration "
        "(practice_code, network_code, network_name)), which this page does not use "
        "(expected one of: A neighbourhood footprint proposal (network_code, footprint, "
        "footprint_name), for the Neighbourhoods page)")


def test_with_no_place_chosen_the_page_says_so_and_offers_one() -> None:
    app = run(PAGE, snapshot=SNAPSHOT)
    assert not app.exception and not app.error
    assert shown(app.info[0].value).startswith("Choose an ICB to draft its footprints")
    app.selectbox(key="neighbourhood-area").set_value("QYG").run()
    assert app.query_params["area"] in ("QYG", ["QYG"])
    assert footprint_table(app)["Footprint"].tolist() == ["F1 · Around Halton"]
