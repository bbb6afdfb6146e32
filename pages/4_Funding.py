"""Funding: the place's networks' entitlements by stream, year by year, and
the practices' own payments (pcnmap.views.funding works them out)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pcnmap.model import funding
from pcnmap.views.funding import SORTS, VIEWS, FundingView
from pcnmap.words import plain
from ui import data, display, frame, pickers, planning, uploading, urlstate


def year_picker(snapshot: str) -> str:
    years = sorted(data.rates().years)
    urlstate.url_choice("year", years, data.default_year(snapshot))
    year = st.sidebar.selectbox("Financial year", years, key="year")
    st.query_params["year"] = year  # always shown, so a link names its year
    st.session_state["_url_year"] = year
    return year


def weighted_upload(year: str) -> pd.DataFrame | None:
    """A year's NHS Payments file in place of estimated weighted lists (the one upload path)."""
    if not data.rates().years[year].estimate_weighted:
        return None
    files = uploading.file_input(
        "Weighted lists for this year (an NHS Payments to General Practice CSV)",
        f"weighted-{year}", (".csv",), where=st.sidebar,
        help="Replaces the estimated weighted lists.")
    if not files:
        return None
    result = uploading.read(files, ("payments",), "weighted_result")
    with st.sidebar:
        planning.upload_report(result)
    return None if result.payments is None else \
        result.payments[["practice_code", "weighted"]].dropna()


def care_home_beds(snapshot: str) -> dict[str, float]:
    """Beds a person enters per network (not in the data), checked row by row."""
    st.sidebar.caption("Care home beds aligned to a network are not in the data: enter "
                       "them here (network code, beds) to add the care home premium.")
    entered = st.sidebar.data_editor(
        pd.DataFrame({"network_code": pd.Series(dtype=str), "care_home_beds": pd.Series(
            dtype=float)}), num_rows="dynamic", key="beds", column_config={
            "care_home_beds": st.column_config.NumberColumn(
                min_value=0, max_value=funding.MAX_BEDS, step=1, format="%d")})
    beds, problems = funding.care_home_beds(entered, data.networks(snapshot)["network_code"])
    for problem in problems:
        st.sidebar.error(plain(problem))
    return beds


def url_choice(key: str, label: str, options: dict[str, str], widget) -> str:
    """A choice of ``options`` kept in the address (its first option the default)."""
    urlstate.url_choice(key, list(options), next(iter(options)))
    chosen = widget(label, list(options), format_func=options.get, key=key)
    urlstate.url_store(key, chosen, next(iter(options)))
    return chosen


def network_detail(view: FundingView) -> None:
    """One network's streams, amounts and change from the year before."""
    if not view.choices:
        return
    urlstate.url_choice("network", list(view.choices), next(iter(view.choices)))
    code = st.selectbox("A network's streams", list(view.choices),
                        format_func=view.choices.get, key="network")
    urlstate.url_store("network", code)
    detail = view.detail(code)
    display.figures(detail.figures)
    st.caption(detail.caption)  # the view's own words and figures
    st.caption(plain(f"Its commissioner: {detail.commissioner}"))
    display.table(detail.table, label="Download this network's streams (CSV)")


def funding_map(view: FundingView, snapshot: str) -> None:
    """The place's networks coloured by their £ per patient."""
    if view.map is None:
        return
    fmap = display.new_map(snapshot, view.map.layer.bounds,
                           f"Map of £ per registered patient: {view.title}")
    for layer in view.map.layers():
        layer.add_to(fmap)
    display.finish_map(fmap)
    st.caption(view.map.caption)
    display.show_map(fmap, height=460, use_container_width=True, returned_objects=[],
                     key=view.map.key)


def page() -> None:
    snapshot, place = frame.page_start()
    method = pickers.method_picker()
    year = year_picker(snapshot)
    beds = care_home_beds(snapshot)
    weighted = weighted_upload(year)
    view = data.funding_page_with(place.key, year, method, beds, weighted)
    st.title(view.title)
    for note in view.notes:
        st.caption(plain(note))
    if view.unverified:
        st.warning(view.unverified)  # the view's own words and counts
    if view.compared:
        st.info(plain(view.compared))
    if view.estimated:
        st.info(view.estimated)
    display.figures(view.figures)
    if view.shared:
        st.caption(plain(view.shared))
    shown = url_choice("view", "View", VIEWS, lambda *a, **k: st.radio(*a, horizontal=True,
                                                                         **k))
    order = url_choice("sort", "Sort by", SORTS, st.selectbox)
    chart = view.bars(order, shown == "per_patient")
    st.plotly_chart(chart.figure(), width="stretch",
                    config={"toImageButtonOptions": {"format": "svg"}})
    if chart.note:
        st.caption(chart.note)
    display.table(view.ordered(order))
    network_detail(view)
    funding_map(view, snapshot)
    if view.practices is not None:
        st.header("Paid to practices")
        display.figures(view.practices.figures)
        display.table(view.practices.averages, download=False)
        display.table(view.practices.table, label="Download practice payments (CSV)")
    with st.expander("Rates and their sources"):
        display.table(view.rates, label="Download the rates (CSV)")
    frame.about_the_data(snapshot)


page()
