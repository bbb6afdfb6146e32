"""Presentation mode, for a projector: large type, high contrast, and one
slim bar at the top of the page in place of the sidebar (URL parameter
``present=1``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import streamlit as st

from ui.urlstate import fell_back, param

# Streamlit sizes its type in rem: a larger root size enlarges everything in
# proportion; titles are set to 2 times and metric figures to 2.4
# times the body text. The sidebar is hidden; the bar at the top of the page
# holds what it held. Maps fill the height below the bar and the title.
CSS = """
<style>
  html { font-size: 22px !important; }
  h1 { font-size: 2rem !important; line-height: 1.15 !important; padding: 0.2rem 0 !important; }
  h2, h3 { font-size: 1.9rem !important; }
  [data-testid="stMetricValue"] { font-size: 2.4rem !important; }
  [data-testid="stMetricValue"] > div { font-size: inherit !important; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stToolbar"], header, [data-testid="stHeader"] { display: none !important; }
  .block-container, [data-testid="stMainBlockContainer"] {
    max-width: 100% !important; padding: 3.7rem 1.2rem 1rem !important; }
  .st-key-presentation-bar { position: fixed; top: 0; left: 0; right: 0; z-index: 999990;
    background: #ffffff; border-bottom: 2px solid #000000; padding: 0.3rem 1.2rem; }
  /* Fixed only where there is room: on a narrow or short screen (a phone,
     or 300% zoom on a laptop) it stays at the top of the page and scrolls
     away, never covering the content or the focus. */
  @media (max-width: 900px), (max-height: 560px) {
    .st-key-presentation-bar { position: static; }
    .block-container, [data-testid="stMainBlockContainer"] { padding-top: 0.5rem !important; }
  }
  .st-key-presentation-bar * { font-size: 0.8rem !important; }
  .st-key-presentation-bar [data-testid="stWidgetLabel"] { display: none !important; }
  body, .stApp { background: #ffffff !important; color: #000000 !important; }
</style>
"""
# Inside a map's own frame, for a projector: its names (layers.js scales
# them with the map's type), tooltips, layer list, legend, sources and
# scale at 20 px. The legend as tall as the map leaves between its zoom
# buttons (75 px and a 10 px gap above) and its scale (75 px below), less its
# padding, and wide enough that a row rarely wraps: every row in view on the
# short map under a page's figures at 1366x768, none scrolled out of sight.
MAP_CSS = (
    "<style>:root {--pcnmap-label-scale: 1.7;}"
    " .leaflet-container, .leaflet-tooltip, .leaflet-control-layers,"
    " .leaflet-control-scale-line, .leaflet-popup-content, .leaflet-control-attribution,"
    " .pcnmap-legend, .pcnmap-legend * {font-size: 20px !important;"
    " line-height: 1.3 !important;}"
    " .pcnmap-legend, .pcnmap-legend * {line-height: 1.2 !important;}"
    " .pcnmap-legend {max-width: min(640px, 60vw) !important;"
    " max-height: calc(100vh - 172px) !important;}"
    " .leaflet-control-layers-selector {width: 18px; height: 18px;}</style>")


def presenting() -> bool:
    """Whether the page is in presentation mode (URL parameter ``present=1``)."""
    return param("present") == "1"


def check_address() -> None:
    """Say so once when the address's ``present`` is neither 1 nor absent."""
    value = param("present")
    if value not in (None, "1"):
        fell_back("present", value, "the page as usual ('1' is presentation mode)")


def toggle() -> bool:
    """The sidebar's switch: large type, high contrast, the sidebar hidden."""
    # A new switch each time the mode is left by the bar, so the one switched
    # on before does not switch it on again.
    key = f"present-toggle-{st.session_state.get('_presentations_left', 0)}"
    on = st.sidebar.toggle("Presentation mode", value=presenting(), key=key,
                           help="Large type and high contrast for a projector; the bar at "
                                "the top of the page changes page, snapshot and place, "
                                "and leaves the mode.")
    if on and not presenting():
        # The bar replaces the sidebar from the top of the page: run it again.
        st.query_params["present"] = "1"
        st.rerun()
    if on:
        st.html(CSS)
    else:
        st.query_params.pop("present", None)
    return on


def _leave() -> None:
    st.query_params.pop("present", None)
    st.session_state["_presentations_left"] = st.session_state.get("_presentations_left", 0) + 1


@dataclass(frozen=True)
class Bar:
    """Presentation mode's bar: where its snapshot picker goes, and its
    place pop-over (:meth:`place`)."""

    snapshot: object
    place_column: object

    def place(self, label: str):
        """The pop-over holding the place pickers, labelled with the place."""
        from pcnmap.words import plain

        return self.place_column.popover(plain(label), width="stretch")


def bar(shared_keys: Iterable[str]) -> Bar:
    """The one slim bar, always at the top: the page, the snapshot, the place
    (in a pop-over: region, STP/ICB, commissioner) and the way out."""
    from ui.pages import PAGES

    holder = st.container(key="presentation-bar")
    page_column, snapshot_column, place_column, leave_column = holder.columns(
        [3, 2, 4, 2], vertical_alignment="center")
    here = st.session_state.get("_page", "")
    titles = {page.url_path: page.title for page in PAGES}
    chosen = page_column.selectbox("Page", list(titles), format_func=titles.get,
                                   index=list(titles).index(here) if here in titles else 0,
                                   key=f"present-page-{here}", label_visibility="collapsed")
    if chosen != here:
        st.switch_page(next(page.path for page in PAGES if page.url_path == chosen),
                       query_params={key: st.query_params[key] for key in shared_keys
                                     if key in st.query_params})
    leave_column.button("Leave presentation", on_click=_leave, key="leave-presentation",
                        width="stretch")
    st.html(CSS)
    return Bar(snapshot_column, place_column)
