"""An AppTest for every page: loads, filters, search, URL state, exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from pcnmap import store
from pcnmap.model import coverage, funding
from tests.screen import downloads, metrics, run, shown
from ui import pages

ROOT = Path(__file__).resolve().parents[2]
PAGES = [page.path for page in pages.PAGES]





@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("query", [{}, {"snapshot": "2019-12", "commissioner": "01E"}])
def test_every_page_loads_without_error(page: str, query: dict) -> None:
    app = run(page, **query)
    assert not app.exception
    assert not app.error
    if query:
        assert app.selectbox(key="snapshot").value == "2019-12"


def test_network_map_search_and_url_state() -> None:
    app = run("pages/1_Network_map.py", snapshot="2023-01", commissioner="00X")
    assert app.selectbox(key="commissioner").value == "00X"
    app.text_input(key="search").input("P81185").run()
    assert "RIVERSIDE MEDICAL CENTRE" in app.success[0].value
    assert app.query_params["network"] == ["U34632"] or "U34632" in str(
        app.query_params["network"])
    assert app.selectbox(key="network").value == "U34632"
    panel = [m.value for m in app.metric]
    assert panel[1] == "3"
    assert any("Sub-ICB locations: Chorley and South Ribble (00X); Greater Preston (01E)."
               in shown(c.value) for c in app.caption)
    assert "Download boundaries (GeoJSON)" in downloads(app)
    assert "Download this map (HTML, works offline)" in downloads(app)
    app.text_input(key="search").input("no such practice anywhere").run()
    assert "Nothing matches" in app.warning[0].value


def test_network_link_opens_the_panel() -> None:
    app = run("pages/1_Network_map.py", snapshot="2019-12", network="U22273")
    assert app.selectbox(key="network").value == "U22273"
    assert any("SOUTH RIBBLE MEDICAL GROUP PCN" in h.value for h in app.header)


def test_coverage_gaps_figures_match_the_analysis() -> None:
    app = run("pages/2_Coverage_gaps.py", snapshot="2019-12")
    practices = store.read_table(store.DATA_DIR, "2019-12", "practices")
    gaps = coverage.unaligned_practices(practices)
    shown_metrics = metrics(app)
    assert shown_metrics["Practices with patients in no network"] == f"{len(gaps):,}"
    assert len(downloads(app)) == 5  # one CSV per table
    app.radio(key="band").set_value("single practice").run()
    assert not app.exception


def test_cross_ccg_page_lists_networks_and_sides() -> None:
    app = run("pages/3_Cross_commissioner_networks.py", snapshot="2019-12")
    practices = store.read_table(store.DATA_DIR, "2019-12", "practices")
    networks = store.read_table(store.DATA_DIR, "2019-12", "networks")
    crossing = coverage.cross_commissioner_networks(practices, networks)
    assert app.metric[0].value == str(int(crossing["crosses_commissioners"].sum()))
    disagree = crossing.loc[crossing["agrees_with_epcn"].eq(False), "network_code"]
    assert len(app.warning) == (len(disagree) > 0)
    for code in disagree:  # the ePCN flag disagreements, named
        assert code in app.warning[0].value
    outside = coverage.practices_outside_network_commissioner(practices)
    assert any(len(frame.value) == len(outside) for frame in app.dataframe)
    app.selectbox(key="network").set_value("U22273").run()
    assert "U22273" in str(app.query_params["network"])


def test_funding_after_the_network_map_shows_a_network() -> None:
    """The Network map leaves its network picker empty (none chosen); the
    Funding page's picker of the same name then shows one of its own
    networks, not nothing (the load run found the page failing)."""
    app = run("pages/1_Network_map.py", snapshot="2023-01", commissioner="00X")
    assert app.session_state["network"] is None
    app.switch_page("pages/4_Funding.py").run()
    assert not app.exception and not app.error
    networks = store.read_table(store.DATA_DIR, "2023-01", "networks")
    assert app.selectbox(key="network").value in set(networks["network_code"])


def test_funding_page_year_filter_and_views() -> None:
    import json

    app = run("pages/4_Funding.py", snapshot="2023-01", commissioner="00X", year="2023/24")
    assert app.selectbox(key="year").value == "2023/24"
    book = funding.load_rates()
    rates = book.for_year("2023/24") + book.for_year("2023/24", "practice")
    unverified = sum(rate.status != "sourced" for rate in rates)
    assert app.warning[0].value.startswith(f"{unverified} of this year's {len(rates)} rates")
    app.radio(key="view").set_value("per_patient").run()
    app.selectbox(key="sort").set_value("network_name").run()
    # Both kept in the address.
    assert app.query_params["view"] in ("per_patient", ["per_patient"])
    assert app.query_params["sort"] in ("network_name", ["network_name"])
    assert not app.exception and not app.error
    practices = store.read_table(store.DATA_DIR, "2023-01", "practices")
    lists = store.read_root_table(store.DATA_DIR, "funding_lists")
    payments = funding.practice_payments(practices, lists, book, "2023/24")
    assert any(m.value == f"£{payments['total'].mean():,.0f}" for m in app.metric)
    # The chart has every stream of the year, each in its declared colour,
    # the "up to" ones hatched.
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    bars = {bar["name"]: bar["marker"] for bar in figure["data"]}
    for stream in book.streams_of("2023/24"):
        assert bars[stream.label]["color"] == stream.colour
        assert bool(bars[stream.label]["pattern"]["shape"]) == (
            stream.key in book.up_to("2023/24"))
    # A network's own streams, with England's and its commissioner's medians.
    app.selectbox(key="network").set_value("U34632").run()
    assert any("England's median per patient" in c.value for c in app.caption)
    # 2026/27's weighted lists are estimated, and the page says so.
    app.selectbox(key="year").set_value("2026/27").run()
    assert any(i.value.startswith("Estimated:") for i in app.info)
    assert not app.exception


def test_data_quality_page_filters_by_check() -> None:
    app = run("pages/5_Data_quality.py", snapshot="2022-04")
    every = app.dataframe[1].value
    app.multiselect(key="checks").set_value(["outside_england"]).run()
    assert not app.exception
    findings = app.dataframe[1].value
    assert len(findings) == (every["Check code"] == "outside_england").sum() > 0
    assert set(findings["Check code"]) == {"outside_england"}
    assert "Download table (CSV)" in downloads(app)
    # The manifest in words: every table built with its rows, every source
    # with its date and checksum.
    outputs, sources = app.dataframe[2].value, app.dataframe[3].value
    assert list(outputs.columns) == ["Table built", "Rows"]
    assert list(sources.columns) == ["Source file", "Dated", "SHA-256 checksum"]
    record = store.read_manifest(store.DATA_DIR)["snapshots"]["2022-04"]
    assert dict(zip(outputs["Table built"], outputs["Rows"], strict=True)) == {
        name: output["rows"] for name, output in record["outputs"].items()}
    assert list(sources["Source file"]) == [source["name"] for source in record["sources"]]


def test_data_quality_says_so_where_no_check_found_anything() -> None:
    app = run("pages/5_Data_quality.py", snapshot="2022-04")
    label = store.snapshot_info(store.read_manifest(store.DATA_DIR), "2022-04").label
    pages_of = {code.split(" ")[0]: run("pages/5_Data_quality.py", snapshot="2022-04",
                                        commissioner=code.split(" ")[0])
                for code in app.selectbox(key="commissioner").options[1:]}
    quiet = [code for code, page in pages_of.items()
             if metrics(page) == {"Findings about its records": "0"}]
    assert quiet and len(quiet) < len(pages_of), "the extract has places with and without"
    for code, page in pages_of.items():
        assert not page.exception
        place = page.title[0].value.removeprefix("Data quality: ")
        if code in quiet:
            # Words in place of two empty tables and a picker with nothing to pick.
            assert not page.multiselect
            assert [shown(s.value) for s in page.success] == [
                f"The build's checks found nothing about the practices, networks or "
                f"commissioners of {place} in the {label} snapshot."]
            assert len(page.dataframe) == 2  # the manifest's two tables only
        else:
            assert not page.success and page.multiselect(key="checks")
            assert len(page.dataframe[0].value) and len(page.dataframe) == 4


def test_presentation_mode_is_in_the_url() -> None:
    app = run(pages.PAGES[0].path, present="1")
    assert app.toggle[0].value is True
    app.toggle[0].set_value(False).run()
    assert "present" not in app.query_params


def test_boundary_methods_page_compares_the_three() -> None:
    from pcnmap.model import methods

    app = run("pages/9_Boundary_methods.py", snapshot="2026-07")
    assert not app.exception and not app.error
    table = app.dataframe[0].value.set_index("Method")
    assert list(table.index) == [methods.title(m) + (" (default)" if m == methods.DEFAULT
                                                     else "") for m in methods.METHODS]
    groups = store.read_table(store.DATA_DIR, "2026-07", "contiguity")
    flagged = groups[(groups["method"] == "catchment") & (groups["groups"] > 1)]
    assert table.loc[methods.title("catchment"), "Flagged non-contiguous"] == len(flagged)
    assert any(shown(i.value).startswith("The default is LSOAs to the nearest practice's "
                                         "network. On the measures above") for i in app.info)


def test_coverage_gaps_flags_each_network_whose_practices_areas_do_not_touch() -> None:
    app = run("pages/2_Coverage_gaps.py", snapshot="2026-07", method="catchment")
    assert app.radio(key="method").value == "catchment"
    groups = store.read_table(store.DATA_DIR, "2026-07", "contiguity")
    flagged = groups[(groups["method"] == "catchment") & (groups["groups"] > 1)]
    shown_metrics = metrics(app)
    assert shown_metrics["Non-contiguous networks (indicative)"] == f"{len(flagged):,}"
    table = next(frame.value for frame in app.dataframe
                 if "The groups of practices" in frame.value.columns)
    assert set(table.loc[table["Flagged non-contiguous"] == "Yes", "Network code"]) == set(
        flagged["network_code"])
    # Every other network drawn in pieces is listed unflagged, its pieces named.
    boundaries = store.read_table(store.DATA_DIR, "2026-07", "network_boundaries")
    several = boundaries[(boundaries["method"] == "catchment")
                         & (boundaries["significant_parts"] > 1)
                         & (boundaries["network_code"] != "NONE")]
    assert set(several["network_code"]) <= set(table["Network code"])
    unflagged = table[table["Flagged non-contiguous"] == "No"]
    assert unflagged["Its pieces (of at least 0.1 km²)"].str.contains(
        "no member practice of its own").all()
    app.radio(key="method").set_value("voronoi").run()
    assert "method" in app.query_params and not app.exception


def test_the_page_list_is_the_pages_folder() -> None:
    """One file and one line in ui/pages.py make a page; nothing else lists them."""
    files = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "pages").glob("*.py"))
    assert sorted(PAGES) == files
    assert len({page.url_path for page in pages.PAGES}) == len(pages.PAGES)
    for path in files:
        text = (ROOT / path).read_text()
        assert "set_page_config" not in text and "guarded" not in text


def test_a_postcode_is_answered_in_words_and_headed_tables() -> None:
    import numpy as np
    from pyproj import Transformer

    from pcnmap.model import methods

    app = run("pages/1_Network_map.py", snapshot="2023-01")
    app.text_input(key="search").input("pr0 2aa").run()
    assert not app.exception
    frames = [shown_table.value for shown_table in app.dataframe]
    by_method = next(frame for frame in frames if "Method" in frame.columns)
    nearest = next(frame for frame in frames if "Distance (km)" in frame.columns)
    assert list(by_method.columns) == ["Method", "Network"]
    assert list(by_method["Method"]) == [methods.SHORT_NAMES[m] + (
        " (the map's)" if m == methods.DEFAULT else "") for m in methods.METHODS]
    lsoa = by_method["Network"].iloc[0]
    assert [shown(s.value) for s in app.success] == [
        f"PR0 2AA: covered by {lsoa} by the map's boundary method"]
    # Its five nearest practices, worked out here from the postcode's grid
    # reference (Code-Point Open, 10 m) and the practices' positions.
    postcodes = store.read_root_table(store.DATA_DIR, "postcodes")
    here = postcodes[postcodes["postcode"] == "PR02AA"].iloc[0]
    practices = store.read_table(store.DATA_DIR, "2023-01", "practices").dropna(
        subset=["longitude"])
    east, north = Transformer.from_crs(4326, 27700, always_xy=True).transform(
        practices["longitude"].to_numpy(), practices["latitude"].to_numpy())
    km = np.hypot(east - here["easting_10m"] * 10, north - here["northing_10m"] * 10) / 1000
    closest = practices.assign(km=km).nsmallest(5, "km")
    assert list(nearest.columns) == ["Practice", "Network", "Distance (km)", "Postcode",
                                     "Practice code"]
    assert list(nearest["Practice code"]) == list(closest["practice_code"])
    assert np.allclose(nearest["Distance (km)"], closest["km"], atol=0.02)
