"""The frame around every page: its start (the sidebar's snapshot and place,
or presentation mode's bar), the guard that turns any error into a
sentence, and "About the data" with the attribution lines."""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st

from pcnmap import store
from pcnmap.model.place import Place
from pcnmap.words import code_span, plain
from ui import data, memory, presentation
from ui.pickers import place_picker, snapshot_picker
from ui.urlstate import SHARED_KEYS, remember_shared_choices

LOG = logging.getLogger("pcnmap")
# Every page, both modes. Captions at full strength: Streamlit draws them at
# 60% opacity (3.9:1 on white, under WCAG AA's 4.5:1); #4b5563 is 7.6:1. The
# title block compact, so a map starts high on a 768-pixel screen. Labels,
# metric labels and buttons wrap rather than end in "…". A focused control
# is ringed in NHS blue (6.3:1 on white, 5.6:1 on the sidebar's grey), so a
# keyboard shows where it is: a switch's label (its input is hidden, and its
# own mark a grey at 1.2:1), a text box's or picker's whole box (a ring on
# the input inside is clipped by its wrapper); small buttons, and a date's year, month and day,
# at least 24 pixels (WCAG 2.2's target size).
PAGE_CSS = """
<style>
  [data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * {
    opacity: 1 !important; color: #4b5563 !important; }
  .block-container, [data-testid="stMainBlockContainer"] { padding-top: 2.4rem !important; }
  h1 { font-size: 2rem !important; line-height: 1.2 !important;
       padding: 0.1rem 0 0.4rem !important; }
  h2 { font-size: 1.45rem !important; padding: 0.6rem 0 0.3rem !important; }
  [data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *,
  [data-testid="stWidgetLabel"] *, .stButton button *, .stDownloadButton button *,
  [data-testid="stPopover"] button * {
    white-space: normal !important; overflow: visible !important;
    text-overflow: clip !important; }
  [data-testid="stMetricLabel"] { height: auto !important; min-height: 1.5rem; }
  :focus-visible { outline: 3px solid #005EB8 !important; outline-offset: 2px !important; }
  [data-testid="stSidebarNav"] a:focus-visible, [role="radio"]:focus-visible,
  [role="tab"]:focus-visible { outline: 3px solid #005EB8 !important; }
  button { min-height: 24px; min-width: 24px; }
  [data-testid="stCheckbox"] label:has(input:focus-visible),
  [data-testid="stTextInputRootElement"]:has(input:focus-visible),
  .react-aria-ComboBox > div:has(input:focus-visible) {
    outline: 3px solid #005EB8 !important; outline-offset: 2px !important; }
  [data-testid="stTextInputRootElement"] input:focus-visible,
  .react-aria-ComboBox input:focus-visible { outline: none !important; }
  [data-testid="stDateInputFieldsScroller"] [role="spinbutton"] {
    display: inline-block; min-width: 24px; min-height: 24px; line-height: 24px;
    text-align: center; }
</style>
"""


def _through_the_entry_point() -> None:
    """Rerun through ``dashboard.py`` when a page was run without it.

    Until some session has run the entry point (which calls st.navigation),
    Streamlit treats an app with a ``pages/`` folder as an old-style
    multipage app and runs a linked page's file by itself: a fresh server's
    first visitor following a link to a page got no page configuration, no
    guard and Streamlit's own page names. The flag Streamlit keeps for that
    is switched off, once for the server, and a session that never ran the
    entry point (``_page`` is its mark) starts its run again.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        if "_page" not in st.session_state:
            st.rerun()


def page_start(*, place: bool = True) -> tuple[str, Place]:
    """The sidebar every page begins with (below the navigation): the
    snapshot, the place (region, STP/ICB, commissioner) when the page filters
    by it, and the presentation switch; in presentation mode, the bar at the
    top instead. Returns the snapshot and the place (all of England when the
    page does not filter by place)."""
    _through_the_entry_point()
    st.html(PAGE_CSS)
    presentation.check_address()
    if presentation.presenting():
        bar = presentation.bar(SHARED_KEYS)
        snapshot = snapshot_picker(bar.snapshot)
        chosen = data.place(snapshot)
        if place:
            with bar.place(_place_label_now(snapshot)):
                chosen = place_picker(snapshot, st)
        presentation.toggle()
        return snapshot, chosen
    snapshot = snapshot_picker()
    chosen = place_picker(snapshot) if place else data.place(snapshot)
    presentation.toggle()
    return snapshot, chosen


def _place_label_now(key: str) -> str:
    """The place the address names, for presentation mode's pop-over."""
    codes_now = [None if st.query_params.get(level) in (None, "", "all", "England")
                 else st.query_params.get(level) for level in ("region", "area", "commissioner")]
    chosen = data.place(key, *codes_now) if any(codes_now) else None
    return f"Place: {chosen.name}" if chosen else "Place: all of England"


def list_note(snapshot: str) -> None:
    """Say where the list sizes are of another date than the memberships."""
    note = data.snapshot(snapshot).list_note
    if note:
        st.caption(note)


def guarded(page: Callable[[], None]) -> None:
    """Run a page; show a plain message instead of any error's traceback."""
    try:
        page()
        remember_shared_choices()
        memory.release_memory()
    except store.DataMissing as error:
        st.error(f"Some of the app's data is missing: {plain(error)}")
    except Exception:  # the user sees a sentence; the log keeps the detail
        LOG.exception("page failed")
        st.error("Something went wrong drawing this page. The details are in the app's log; "
                 "please report what you selected.")


def about_the_data(snapshot: str) -> None:
    """Sources, dates and the attribution lines the licences require."""
    info = data.snapshot(snapshot)
    with st.expander("About the data", expanded=False):
        notes = " ".join(note for note in info.notes.values() if note)
        st.markdown(
            f"**{plain(info.label)}**: practices and memberships as published for "
            f"{plain(info.as_of)}; commissioners are {plain(info.commissioner_kind)}s. "
            f"{plain(notes)}")
        # A Markdown table, not st.dataframe: the data grid's script (over a
        # megabyte) would load on every page just for this short list.
        st.markdown("| Source file | Vintage | SHA-256 (first 16) |\n|---|---|---|\n" + "\n".join(
            f"| {code_span(source['name'])} | {plain(source['vintage'])} | "
            f"{code_span(source['sha256'][:16] + '…')} |" for source in info.sources))
        st.markdown("\n".join(f"- {line}" for line in store.ATTRIBUTION))
