"""The network panel's benchmarks, rurality, age bands and sheet; the
cross-commissioner page's place filter. (The downloads' file names are
checked in the browser tests, where a download is saved.)"""

from __future__ import annotations

from pcnmap import store
from pcnmap.model import coverage, lookup
from tests.screen import downloads, run


def test_the_network_panel_sets_the_network_against_its_commissioner_and_england() -> None:
    networks = store.read_table(store.DATA_DIR, "2026-07", "networks")
    largest = networks.sort_values(["member_count", "network_code"]).iloc[-1]
    app = run("pages/1_Network_map.py", snapshot="2026-07", network=largest["network_code"])
    assert not app.exception
    tables = [frame.value for frame in app.dataframe]
    benchmarks = next(t for t in tables if "Decile (England)" in t.columns)
    assert list(benchmarks["Measure"]) == ["Registered patients", "£ per patient",
                                           "Member practices"]
    assert benchmarks.at[0, "This network"] == f"{largest['registered']:,.0f}"
    assert benchmarks.at[2, "This network"] == str(largest["member_count"])
    areas = next(t for t in tables if "ONS rural-urban class" in t.columns)
    assert areas["LSOAs"].sum() > 0
    assert any("not recorded in this snapshot" in c.value for c in app.caption)
    assert app.get("arrow_vega_lite_chart") or app.get("vega_lite_chart")  # the age chart
    assert "Download the network sheet (one page, print-ready HTML)" in downloads(app)


def test_a_snapshot_without_age_bands_shows_no_age_chart() -> None:
    app = run("pages/1_Network_map.py", snapshot="2019-12", network="U22273")
    assert not app.exception
    assert not app.get("arrow_vega_lite_chart") and not app.get("vega_lite_chart")
    assert any("Urban" in c.value or "Rural" in c.value for c in app.caption)


def test_the_cross_commissioner_page_filters_by_place() -> None:
    practices = store.read_table(store.DATA_DIR, "2019-12", "practices")
    networks = store.read_table(store.DATA_DIR, "2019-12", "networks")
    crossing = coverage.cross_commissioner_networks(practices, networks)
    here = lookup.networks_in_place(practices, "01E", None, None)
    app = run("pages/3_Cross_commissioner_networks.py", snapshot="2019-12",
              commissioner="01E")
    assert not app.exception
    assert app.selectbox(key="commissioner").value == "01E"
    expected = crossing[crossing["network_code"].isin(here) & crossing["crosses_commissioners"]]
    assert app.metric[0].value == str(len(expected))
    assert 0 < len(expected) < int(crossing["crosses_commissioners"].sum())

