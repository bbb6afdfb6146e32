"""The What changed page and the search for former commissioners, run as
the app runs them: the exact figures and tables a small place of the
extract shows, and the facts of the national data issue 26 names."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.screen import downloads, metrics, run, shown

PAGE = "pages/8_What_changed.py"
MAP = "pages/1_Network_map.py"


def no_missing_words(app) -> None:
    """No table on the page holds None, nan, True or False as text, nor a
    missing value where a number belongs."""
    for frame in app.dataframe:
        table = frame.value
        for column in table.columns:
            values = table[column]
            assert not values.isna().any(), column
            assert not values.astype(str).isin(["None", "nan", "NaN", "<NA>", "True",
                                                "False"]).any(), column


def test_chorley_since_january_2023_shows_its_exact_tables() -> None:
    app = run(PAGE, snapshot="2024-10", commissioner="00X", since="2023-01")
    assert not app.exception and not app.error
    assert [title.value for title in app.title] == [
        "What changed: Chorley and South Ribble (00X)"]
    assert metrics(app) == {
        "Networks opened": "1", "Networks closed, merged or split": "1",
        "Networks renamed": "0", "Practices moved network": "3",
        "Practices no longer listed": "1",
        "Practices moved in": "0",
        "Practices moved out": "0"}
    networks, practices, unlisted, codes = (frame.value for frame in app.dataframe)
    assert networks[["Network", "What changed", "Practices in January 2023",
                     "Practices in October 2024"]].values.tolist() == [
        ["BRIDGEDALE SOUTH RIBBLE PCN (U34632)", "members changed", 3, 5],
        ["CHORLEY TOGETHER PCN (U57096)", "members changed", 7, 6],
        # Kingsfold Medical Centre (00X) joined it: the network is 00X's now.
        ["GREATER PRESTON PCN (U09100)",
         "members changed; moved into Chorley and South Ribble (00X)", 9, 10],
        ["PRESTON & SOUTH RIBBLE PCN (U49070)", "opened", 0, 4],
        ["SOUTH RIBBLE MEDICAL GROUP PCN (U22273)", "split", 7, 0]]
    assert networks.loc[2, "Joined"] == (
        "KINGSFOLD MEDICAL CENTRE (P81181) from SOUTH RIBBLE MEDICAL GROUP PCN (U22273)")
    assert networks.loc[1, "Left"] == (
        "LEYLAND SURGERY (Y03656), 5,866 patients before: closed or no longer listed "
        "(closed in ODS)")
    label = "00X · Chorley and South Ribble (Lancashire and South Cumbria ICB)"
    expected = pd.DataFrame({
        "Practice": ["BEECHES MEDICAL CENTRE", "KINGSFOLD MEDICAL CENTRE",
                     "NEW LONGTON SURGERY"],
        "What changed": ["moved to another network"] * 3,
        "Network in January 2023": ["SOUTH RIBBLE MEDICAL GROUP PCN (U22273)"] * 3,
        "Network in October 2024": ["PRESTON & SOUTH RIBBLE PCN (U49070)",
                                    "GREATER PRESTON PCN (U09100)",
                                    "BRIDGEDALE SOUTH RIBBLE PCN (U34632)"],
        "Patients in October 2024": [2054, 5291, 2087],
        "Practice code": ["P81692", "P81181", "P81687"],
        "Commissioner in January 2023": [label] * 3,
        "Commissioner in October 2024": [label] * 3})
    pd.testing.assert_frame_equal(practices.astype(object), expected.astype(object))
    assert unlisted.values.tolist() == [
        ["LEYLAND SURGERY", 5866, "CHORLEY TOGETHER PCN (U57096)", "Yes", "Y03656", label]]
    assert codes.empty
    no_missing_words(app)
    assert downloads(app) == ["Download table (CSV)"] * 4


def test_the_first_snapshot_has_nothing_before_it() -> None:
    app = run(PAGE, snapshot="2019-12", commissioner="00X")
    assert not app.exception
    assert app.title[0].value == "What changed: Chorley and South Ribble CCG (00X)"
    assert "is the first snapshot" in app.info[0].value


@pytest.mark.shipped_data
def test_chorley_july_2026_names_park_view_surgery() -> None:
    app = run(PAGE, snapshot="2026-07", commissioner="00X", since="2024-10")
    assert not app.exception and not app.error
    networks = app.dataframe[0].value.set_index("Network code")
    assert networks.loc["U09100", "Left"] == (
        "PARK VIEW SURGERY (P81046), 6,591 patients before: closed or no longer listed "
        "(ODS still lists it as active)")


@pytest.mark.shipped_data
def test_u2g6b_says_on_its_first_screen_where_its_practices_came_from() -> None:
    app = run(PAGE, snapshot="2026-07", commissioner="U2G6B", since="2024-10")
    assert not app.exception and not app.error
    said = shown(app.info[0].value)
    assert said.startswith(
        "- Frimley (D4U1Y) split on 1 April 2026: 41 practices to the Sub-ICB location around "
        "Windsor and Maidenhead and Slough (U2G6B), 14 to Hampshire, Southampton and Isle of "
        "Wight (D9Y0V), 11 to Surrey Heartlands (92A); 3 no longer listed\n")
    assert "its 41 practices were all under Frimley (D4U1Y)" in said
    found = metrics(app)
    assert found["Practices moved in"] == "41"


@pytest.mark.shipped_data
def test_lancashire_and_south_cumbria_shows_the_icbs_own_figures() -> None:
    icb = metrics(run(PAGE, snapshot="2026-07", area="QE1", since="2024-10"))
    england = metrics(run(PAGE, snapshot="2026-07", since="2024-10"))
    assert icb == {
        "Networks opened": "3", "Networks closed, merged or split": "1",
        "Networks renamed": "0", "Practices moved network": "5",
        "Practices no longer listed": "5",
        "Practices moved in": "0",
        "Practices moved out": "0"}
    assert england == {
        "Networks opened": "25", "Networks closed, merged or split": "12",
        "Networks renamed": "15", "Practices moved network": "119",
        "Practices no longer listed": "257"}


@pytest.mark.shipped_data
def test_frimley_in_search_finds_d4u1y_and_where_its_practices_are() -> None:
    app = run(MAP, snapshot="2026-07")
    app.text_input(key="search").input("Frimley").run()
    assert not app.exception
    box = app.selectbox(key="pick")
    assert box.options[:4] == [
        "Former commissioner · Frimley (D4U1Y) · Sub-ICB location until October 2024, not in "
        "this snapshot",
        "Commissioner · U2G6B · around Windsor and Maidenhead and Slough (Thames Valley ICB) · "
        "now has 41 of Frimley (D4U1Y)'s practices",
        "Commissioner · D9Y0V · Hampshire, Southampton and Isle of Wight (Hampshire and Isle "
        "of Wight ICB) · now has 14 of Frimley (D4U1Y)'s practices",
        "Commissioner · 92A · Surrey Heartlands (Surrey and Sussex ICB) · now has 11 of "
        "Frimley (D4U1Y)'s practices"]
    box.set_value("former:D4U1Y").run()
    assert not app.exception
    said = shown(app.info[0].value)
    assert said.startswith("Frimley (D4U1Y) is not in July 2026: it was a Sub-ICB location "
                           "until October 2024 (published as “NHS Frimley ICB - D4U1Y”). Of "
                           "the 69 practices it had then, 41 are now under U2G6B")
    assert said.endswith("; 3 are not listed.")
    practices = app.dataframe[0].value
    assert len(practices) == 69
    assert practices["Commissioner now"].value_counts().to_dict() == {
        "U2G6B · around Windsor and Maidenhead and Slough (Thames Valley ICB)": 41,
        "D9Y0V · Hampshire, Southampton and Isle of Wight (Hampshire and Isle of Wight ICB)":
            14, "92A · Surrey Heartlands (Surrey and Sussex ICB)": 11, "no longer listed": 3}
    app.button(key="show-commissioner-U2G6B").click().run()
    assert app.query_params["commissioner"] in ("U2G6B", ["U2G6B"])
