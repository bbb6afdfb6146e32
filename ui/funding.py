"""The Funding page's parts: its year, the care home beds and weighted
lists a person adds, one network's streams and the place's map."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pcnmap import columns as c
from pcnmap.model import funding
from pcnmap.views.funding import FundingView
from pcnmap.words import plain
from ui import data, display, planning, uploading, urlstate


def year_picker(snapshot: str) -> str:
    """The financial year, always in the address so a link names its year."""
    years = sorted(data.rates().years)
    urlstate.url_choice("year", years, data.default_year(snapshot))
    year = st.sidebar.selectbox("Financial year", years, key="year")
    st.query_params["year"] = year
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
        result.payments[[c.PRACTICE_CODE, c.WEIGHTED]].dropna()


def care_home_beds(snapshot: str) -> dict[str, float]:
    """Beds a person enters per network (not in the data), checked row by row."""
    st.sidebar.caption("Care home beds aligned to a network are not in the data: enter "
                       "them here (network code, beds) to add the care home premium.")
    entered = st.sidebar.data_editor(
        pd.DataFrame({c.NETWORK_CODE: pd.Series(dtype=str),
                      c.CARE_HOME_BEDS: pd.Series(dtype=float)}),
        num_rows="dynamic", key="beds", column_config={
            c.CARE_HOME_BEDS: st.column_config.NumberColumn(
                min_value=0, max_value=funding.MAX_BEDS, step=1, format="%d")})
    beds, problems = funding.care_home_beds(entered, data.networks(snapshot)[c.NETWORK_CODE])
    for problem in problems:
        st.sidebar.error(plain(problem))
    return beds


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
