"""Controls every page shares. Selections live in the URL so a link opens the
same view, and errors reach the screen as plain sentences, never tracebacks.

Streamlit renders Markdown in st.markdown, st.caption, st.warning and the
rest: any text from a user, a link, a file or the data goes through
:func:`plain` on its way there, so it shows as the characters it is."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from pcnmap import export, links, store
from pcnmap.maps import elements
from pcnmap.model import figures, lookup, methods, places
from ui import data
from ui.assets import map_assets

LOG = logging.getLogger("pcnmap")

# For a projector. Streamlit sizes its type in rem: a larger root size
# enlarges everything in proportion, so titles stay 2.75 times and metric
# figures are set to 2.4 times the body text. The sidebar is hidden; the bar
# at the top of the page (presentation_bar) holds what it held. Maps fill
# the height below the bar and the title.
PRESENTATION_CSS = """
<style>
  html { font-size: 22px !important; }
  h1 { font-size: 2.75rem !important; line-height: 1.15 !important; padding: 0.2rem 0 !important; }
  h2, h3 { font-size: 1.9rem !important; }
  [data-testid="stMetricValue"] { font-size: 2.4rem !important; }
  [data-testid="stMetricValue"] > div { font-size: inherit !important; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stToolbar"], header, [data-testid="stHeader"] { display: none !important; }
  .block-container, [data-testid="stMainBlockContainer"] {
    max-width: 100% !important; padding: 3.7rem 1.2rem 1rem !important; }
  iframe[title="streamlit_folium.st_folium"] {
    height: calc(100vh - 16.2rem) !important; min-height: 360px !important; }
  .st-key-presentation-bar { position: fixed; top: 0; left: 0; right: 0; z-index: 999990;
    background: #ffffff; border-bottom: 2px solid #000000; padding: 0.3rem 1.2rem; }
  .st-key-presentation-bar * { font-size: 0.8rem !important; }
  .st-key-presentation-bar [data-testid="stWidgetLabel"] { display: none !important; }
  body, .stApp { background: #ffffff !important; color: #000000 !important; }
</style>
"""
# Inside a map's own frame, for a projector: its labels, tooltips, layer list
# and scale at 20 px.
PRESENTATION_MAP_CSS = (
    "<style>.leaflet-container, .leaflet-tooltip, .leaflet-control-layers,"
    " .leaflet-control-scale-line, .leaflet-popup-content {font-size: 20px !important;}"
    " .leaflet-control-layers-selector {width: 18px; height: 18px;}</style>")




# Every ASCII punctuation character: CommonMark lets a backslash escape any.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# GitHub's Markdown turns addresses in the text into links after escapes are
# read (https://..., www...., a@b.c): an invisible word joiner where each
# would start ("http" + "://", "www" + ".", a name + "@") leaves none to find.
_ADDRESS = re.compile(r"(?<=[a-z])(?=://)|(?<=www)(?=\.)|(?<=[\w.+-])(?=@)", re.IGNORECASE)
JOINER = "\u2060"


def plain(text: object) -> str:
    """``text`` as Markdown that shows exactly its characters: every ASCII
    punctuation character escaped, so no link, image, emphasis, heading,
    HTML tag, colour or formula can form, and a word joiner (invisible)
    inside anything that looks like an address so none becomes a link; runs
    of white space (line breaks too) become one space."""
    text = _ADDRESS.sub(JOINER, " ".join(str(text).split()))
    return _PUNCTUATION.sub(r"\\\1", text)


def code_span(text: object) -> str:
    """``text`` in a Markdown code span (shown as written) that it cannot end."""
    return "`" + " ".join(str(text).replace("`", "'").replace("|", "/").split()) + "`"


def param(name: str) -> str | None:
    """The URL parameter ``name`` within its cap (:mod:`pcnmap.links`).

    What is over is cut or ignored, and taken out of the address too, so
    the one sentence saying so is shown once.
    """
    value, problem = links.capped(name, st.query_params.get(name))
    if problem:
        st.warning(plain(problem))
        if value is None:
            st.query_params.pop(name, None)
        else:
            st.query_params[name] = value
    return value


def url_choice(key: str, options: list, default) -> None:
    """Before a widget keyed ``key``: take the URL's value when the URL changed
    from outside (a shared link, the back or forward button), or when the
    widget holds what is no longer an option (its options changed with the
    snapshot: Streamlit can then hand back an option's label, not the option),
    or on another page than it was set on (a change of page resets widgets
    to their first option while their keys stay)."""
    wanted = param(key)
    held = st.session_state.get(key, default)
    page = st.session_state.get("_page")
    if (key not in st.session_state or wanted != st.session_state.get(f"_url_{key}")
            or held not in options or st.session_state.get(f"_page_{key}") != page):
        st.session_state[key] = wanted if wanted in options else default
        st.session_state[f"_url_{key}"] = wanted if wanted in options else None
    st.session_state[f"_page_{key}"] = page


def url_store(key: str, value, default=None) -> None:
    """After a widget: write its value to the URL (the default leaves no trace)."""
    if value is None or value == default:
        st.query_params.pop(key, None)
        st.session_state[f"_url_{key}"] = None
    else:
        st.query_params[key] = str(value)
        st.session_state[f"_url_{key}"] = str(value)


def url_tabs(labels: dict[str, str], key: str) -> list:
    """Tabs whose choice lives in the URL under ``key`` as a code of
    ``labels`` (code -> the tab's name; the first tab leaves no trace)."""
    codes = list(labels)
    wanted = param(key)
    tabs = st.tabs(list(labels.values()), key=key, on_change="rerun",
                   default=labels.get(wanted, labels[codes[0]]))
    shown = st.session_state.get(key)
    code = next((c for c, label in labels.items() if label == shown), wanted
                if wanted in labels else codes[0])
    url_store(key, code, codes[0])
    return tabs


def url_multi(label: str, key: str, options: dict[str, str], where=st.sidebar) -> list[str]:
    """A multiselect of ``options`` (code -> name) kept in the URL under
    ``key`` as comma-separated codes (all chosen leaves no trace; none: "none").

    Its widget is keyed by the names too: Streamlit matches a multiselect's
    value to its options by their names, so names that change with the
    snapshot ("CCG boundaries", "Sub-ICB location boundaries") would break it.
    """
    every = list(options)
    wanted = param(key)
    if wanted is None:
        chosen = every
    else:
        chosen = [] if wanted == "none" else [c for c in wanted.split(",") if c in options]
    widget = f"{key}-{'|'.join(options.values())}"
    page = st.session_state.get("_page")
    if (widget not in st.session_state or wanted != st.session_state.get(f"_url_{key}")
            or st.session_state.get(f"_page_{key}") != page):
        st.session_state[widget] = chosen
    st.session_state[f"_page_{key}"] = page
    picked = [c for c in where.multiselect(label, every, format_func=options.get, key=widget)
              if c in options]
    url_store(key, None if picked == every else ",".join(picked) or "none")
    return picked


def snapshot_picker(where=st.sidebar) -> str:
    """Choose a snapshot (URL parameter ``snapshot``)."""
    keys = data.snapshot_keys()
    if not keys:
        raise store.DataMissing(store.DATA_DIR / "manifest.json", "lists no snapshots")
    labels = {key: data.snapshot(key).label for key in keys}
    url_choice("snapshot", keys, keys[-1])
    key = where.selectbox("Snapshot", keys, format_func=labels.get, key="snapshot")
    st.query_params["snapshot"] = key  # always shown, so a link names its snapshot
    st.session_state["_url_snapshot"] = key
    return key


# The place chosen last (snapshot, region, area, commissioner codes): what a
# change of snapshot carries over, and how a change of the address from
# outside (a link, the back button) is told from the app's own writing.
_PLACE = "_place"
_ALL = {"region": "all", "area": "all", "commissioner": "England"}


def _place_codes() -> dict[str, str | None]:
    """The address's region, area and commissioner codes (None: all)."""
    codes = {}
    for key, every in _ALL.items():
        value = param(key)
        codes[key] = None if value in (None, "", every) else value
    return codes


def _source_snapshot(snapshot: str, wanted: dict[str, str | None]) -> str | None:
    """The snapshot a place choice was made in: the session's last, or (a
    link naming a code this snapshot lacks) the nearest snapshot holding it."""
    last = st.session_state.get(_PLACE)
    if last and last[0] != snapshot:
        return last[0]
    code = wanted["commissioner"]
    if code is None:
        return None
    keys = data.snapshot_keys()
    here = keys.index(snapshot)
    for other in sorted(keys, key=lambda k: abs(keys.index(k) - here)):
        if other != snapshot and (data.practices(other)["commissioner_code"] == code).any():
            return other
    return None


def _pick(label: str, key: str, options: list[str], names: dict[str, str], wanted: str,
          fresh: bool, where) -> str:
    """A place picker whose choice is a code; ``fresh``: set it to ``wanted``
    (the snapshot, the page or the address changed), so no value of another
    list of options lingers in it."""
    widget = key
    if fresh or widget not in st.session_state or st.session_state[widget] not in options:
        st.session_state[widget] = wanted if wanted in options else options[0]
    choice = where.selectbox(label, options, key=widget,
                             format_func=lambda c: names.get(c, c))
    if choice not in options:  # a label handed back: its code
        choice = next((code for code, name in names.items() if name == choice), options[0])
    url_store(key, choice, options[0])
    return choice


def commissioner_picker(snapshot: str, where=st.sidebar) -> str | None:
    """Narrow by NHS region, then STP/ICB, then choose a commissioner (or all of
    England). Each choice lives in the URL as a code (``region``, ``area``,
    ``commissioner``); a code another snapshot lacks is carried over by
    :func:`pcnmap.model.places.carry_over` (its successor, or all), and the
    page says what happened."""
    words = data.snapshot(snapshot)
    wanted = _place_codes()
    last = st.session_state.get(_PLACE)
    # Fresh: a new session, snapshot or page (a widget of the same key on
    # another page can come back holding its old value), or an address
    # changed from outside.
    fresh = (last is None or last[0] != snapshot or tuple(wanted.values()) != last[1:4]
             or last[4] != st.session_state.get("_page"))
    note = ""
    if fresh:
        source = _source_snapshot(snapshot, wanted)
        carried = places.carry_over(
            wanted["region"], wanted["area"], wanted["commissioner"],
            data.practices(source) if source else None, data.practices(snapshot),
            {"commissioner": words.commissioner_word, "area": words.area_word})
        wanted = {"region": carried.region, "area": carried.area,
                  "commissioner": carried.commissioner}
        note = carried.note
    regions = {"all": "All regions", **data.place_names(snapshot, "region")}
    region = _pick("NHS region", "region", list(regions), regions,
                   wanted["region"] or "all", fresh, where)
    areas = {"all": f"All {words.area_word}s", **data.place_names(snapshot, "stp", region)}
    area = _pick(words.area_word, "area", list(areas), areas, wanted["area"] or "all",
                 fresh, where)
    names = {"England": "All" if region != "all" or area != "all" else "All of England",
             **data.place_names(snapshot, "commissioner", region, area)}
    code = _pick(words.commissioner_word, "commissioner", list(names), names,
                 wanted["commissioner"] or "England", fresh, where)
    if code != "England":
        # The picker cuts long names short: the choice in full below it.
        where.caption(plain(names[code]))
    if note:
        st.info(plain(note))
    st.session_state[_PLACE] = (snapshot, None if region == "all" else region,
                                None if area == "all" else area,
                                None if code == "England" else code,
                                st.session_state.get("_page"))
    return None if code == "England" else code


def method_picker(where=st.sidebar) -> str:
    """Choose how network boundaries are derived (URL parameter ``method``;
    the catchment method by default). Says the method's assumption."""
    options = list(methods.METHODS)
    url_choice("method", options, options[0])
    method = where.radio("Network boundaries (indicative)", options,
                         format_func=methods.METHODS.get, key="method")
    url_store("method", method, options[0])
    if method == "catchment":
        where.caption(methods.CATCHMENT_NOTE)
    return method


def in_chosen_area(practices: pd.DataFrame) -> pd.DataFrame:
    """The practices inside the region and STP/ICB chosen in the sidebar."""
    return lookup.within_area(practices, param("region"), param("area"))


def presenting() -> bool:
    """Whether the page is in presentation mode (URL parameter ``present=1``)."""
    return param("present") == "1"


def presentation_toggle() -> bool:
    """Large type, high contrast, the sidebar hidden (URL parameter ``present=1``)."""
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
        st.html(PRESENTATION_CSS)
    else:
        st.query_params.pop("present", None)
    return on


def _leave_presentation() -> None:
    st.query_params.pop("present", None)
    st.session_state["_presentations_left"] = st.session_state.get("_presentations_left", 0) + 1


def presentation_bar(place: bool) -> tuple[str, str | None]:
    """Presentation mode's one slim bar, always at the top: the page, the
    snapshot, the place (in a pop-over: region, STP/ICB, commissioner) and
    the way out. Returns the snapshot and the commissioner."""
    from ui.pages import PAGES

    bar = st.container(key="presentation-bar")
    page_column, snapshot_column, place_column, leave_column = bar.columns(
        [3, 2, 4, 2], vertical_alignment="center")
    here = st.session_state.get("_page", "")
    titles = {page.url_path: page.title for page in PAGES}
    chosen = page_column.selectbox("Page", list(titles), format_func=titles.get,
                                   index=list(titles).index(here) if here in titles else 0,
                                   key=f"present-page-{here}", label_visibility="collapsed")
    if chosen != here:
        st.switch_page(next(page.path for page in PAGES if page.url_path == chosen),
                       query_params={key: st.query_params[key] for key in SHARED_KEYS
                                     if key in st.query_params})
    snapshot = snapshot_picker(snapshot_column)
    commissioner = None
    if place:
        labels = data.commissioner_labels(snapshot)
        chosen_place = param("commissioner")
        # The place chosen, at whatever level: a page drafting an ICB's
        # footprints would otherwise say "all of England" here.
        where = place_title(snapshot, None)
        shown = labels.get(chosen_place) or (
            "Place: all of England" if where == "England" else f"Place: {where}")
        with place_column.popover(plain(shown),
                                  width="stretch"):
            commissioner = commissioner_picker(snapshot, st)
    leave_column.button("Leave presentation", on_click=_leave_presentation,
                        key="leave-presentation", width="stretch")
    st.html(PRESENTATION_CSS)
    return snapshot, commissioner


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


def page_start(*, place: bool = True) -> tuple[str, str | None]:
    """The sidebar every page begins with (below the navigation): the
    snapshot, the place (region, STP/ICB, commissioner) when the page filters
    by it, and the presentation switch. Returns the snapshot and the
    commissioner."""
    _through_the_entry_point()
    if presenting():
        snapshot, commissioner = presentation_bar(place)
        presentation_toggle()
        return snapshot, commissioner
    snapshot = snapshot_picker()
    commissioner = commissioner_picker(snapshot) if place else None
    presentation_toggle()
    return snapshot, commissioner


def list_note(snapshot: str) -> None:
    """Say where the list sizes are of another date than the memberships."""
    note = data.snapshot(snapshot).list_note
    if note:
        st.caption(note)


def csv_download(frame: pd.DataFrame | Callable[[], pd.DataFrame], name: str,
                 label: str = "Download table (CSV)", key: str | None = None) -> None:
    """A button downloading ``frame`` (or what it makes, only when clicked)
    as a CSV that spreadsheets open safely, with no float noise (patients
    whole, pounds to the penny: :func:`pcnmap.model.figures.rounded`)."""
    st.download_button(label, lambda: export.csv_bytes(figures.rounded(
        frame() if callable(frame) else frame)), file_name=name, mime="text/csv",
        key=key or f"download-{name}")


def table(frame: pd.DataFrame, *, first: tuple[str, ...] = (), hide: tuple[str, ...] = (),
          download: str | None = None, height: int | str = "auto") -> pd.DataFrame:
    """A table as people read it: headings in words, the ``first`` columns
    (names, the figure that matters) leftmost so they show at 1366 px,
    patient counts whole with separators, pounds with £. ``download``: the
    CSV's file name (the same headings, rounded). Returns what is shown."""
    shown = figures.human(frame[[*[c for c in first if c in frame.columns],
                                 *[c for c in frame.columns if c not in first]]], hide)
    config = {}
    for column in figures.numeric_columns(shown):
        if figures.is_patients(column):
            config[column] = st.column_config.NumberColumn(format="%,.0f")
        elif figures.is_money(column):
            config[column] = st.column_config.NumberColumn(
                format="£%.2f" if "per" in column else "£%,.0f")
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config, height=height)
    if download:
        csv_download(shown, download)
    return shown


# The choices every page shares: a change of page keeps them in the address.
SHARED_KEYS = ("snapshot", "region", "area", "commissioner", "method", "present")
# What Your own data keeps of a session's uploads (tens of megabytes for
# national files): let go when the person leaves the page, as its file
# uploader lets go of the files themselves.
LEFT_BEHIND = ("own_files_result", "own_files_beside", "upload_space")


def keep_shared_choices(page_path: str) -> None:
    """Before a page runs: when the page changed (the navigation drops the
    address's parameters) and the address names none of the shared choices,
    put back the ones the last page had, so the place, snapshot, method and
    presentation mode follow from page to page. What the last page kept
    of uploads (:data:`LEFT_BEHIND`) is let go."""
    last_page = st.session_state.get("_page")
    shared = st.session_state.get("_shared") or {}
    if last_page is not None and last_page != page_path:
        for key in LEFT_BEHIND:
            st.session_state.pop(key, None)
    if last_page is not None and last_page != page_path and shared and not any(
            key in st.query_params for key in SHARED_KEYS):
        for key, value in shared.items():
            st.query_params[key] = value
    st.session_state["_page"] = page_path


def remember_shared_choices() -> None:
    """After a page ran: what the address holds of the shared choices."""
    st.session_state["_shared"] = {key: st.query_params[key] for key in SHARED_KEYS
                                   if key in st.query_params}


def show_map(fmap: folium.Map, **options: object) -> dict | None:
    """:func:`streamlit_folium.st_folium` (its ``options``), then the map
    taken apart (:func:`pcnmap.maps.elements.take_apart`): each run's map
    is freed when the page ends, not at the next full collection."""
    shown = st_folium(fmap, **options)
    elements.take_apart(fmap)
    return shown


def guarded(page: Callable[[], None]) -> None:
    """Run a page; show a plain message instead of any error's traceback."""
    try:
        page()
        remember_shared_choices()
        data.release_memory()
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


def new_map(snapshot: str, bounds) -> folium.Map:
    """A map that draws with no internet: local Leaflet, a plain England basemap."""
    fmap = elements.base_map(tuple(bounds) if bounds is not None else None,
                             assets=map_assets(), england=data.england(snapshot))
    if presenting():
        fmap.get_root().header.add_child(folium.Element(PRESENTATION_MAP_CSS))
    return fmap


def place_title(snapshot: str, commissioner: str | None) -> str:
    """The place the sidebar has chosen, in words (for titles of maps and files)."""
    if commissioner:
        return data.place_names(snapshot, "commissioner").get(commissioner, commissioner)
    region, area = param("region"), param("area")
    if area:
        return data.place_names(snapshot, "stp", region or "all").get(area, area)
    if region:
        return data.place_names(snapshot, "region").get(region, region)
    return "England"


def finish_map(fmap: folium.Map) -> folium.Map:
    """The legend (every layer named, the attribution lines behind a switch)
    and the layer control, once every layer is on ``fmap``."""
    return elements.finish_map(fmap, attribution=store.ATTRIBUTION)
