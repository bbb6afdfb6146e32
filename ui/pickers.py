"""The sidebar's choices every page shares: the snapshot, the place (NHS
region, then ICB/STP, then commissioner) and the boundary method, each kept
in the address as a code.

The place pickers agree with one another: choosing a commissioner sets its
ICB and region, choosing an ICB its region, and each level lists only what
lies inside the level above; a level left open reads "All of <the level
above>". What they choose is a :class:`pcnmap.model.place.Place`."""

from __future__ import annotations

import streamlit as st

from pcnmap import columns as c
from pcnmap import store
from pcnmap.model import methods, places
from pcnmap.model.place import Place, settled
from pcnmap.words import plain
from ui import data
from ui.urlstate import param, url_choice, url_store

ALL = "all"  # the option meaning every one of a level
LEVELS = ("region", "area", "commissioner")
# An older address wrote all of England's commissioners as "England".
_EVERY = (None, "", ALL, "England")
# The place chosen last (snapshot, region, area, commissioner codes, page):
# what a change of snapshot carries over, and how a change of the address
# from outside (a link, the back button) is told from the app's own writing.
_PLACE = "_place"


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


def _address_codes() -> dict[str, str | None]:
    """The address's region, area and commissioner codes (None: all)."""
    return {level: None if param(level) in _EVERY else param(level) for level in LEVELS}


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
        if other != snapshot and (data.practices(other)[c.COMMISSIONER_CODE] == code).any():
            return other
    return None


def _chosen() -> dict[str, str | None]:
    """The pickers' codes as the session holds them (None: all)."""
    return {level: None if st.session_state.get(level) in _EVERY else st.session_state[level]
            for level in LEVELS}


def _hold(region: str | None, area: str | None, commissioner: str | None) -> None:
    """Set the three pickers (before they are drawn)."""
    for level, code in zip(LEVELS, (region, area, commissioner), strict=True):
        st.session_state[level] = code or ALL


def _cascade(level: str, snapshot: str) -> None:
    """After a picker changed (before the page runs again): the others agree.

    A region keeps the ICB and commissioner inside it; an ICB sets its
    region and keeps a commissioner inside it; a commissioner sets its ICB
    and region. A level opened ("All regions", "All of North West") opens
    every level below it: the place is then the level above (England, the
    region), not the commissioner chosen before, which would set it back."""
    practices = data.practices(snapshot)
    chosen = _chosen()
    region, area, commissioner = chosen["region"], chosen["area"], chosen["commissioner"]

    def inside(column: str, code: str | None, within: str, value: str | None) -> bool:
        return code is None or value is None or bool(
            ((practices[column] == code) & (practices[within] == value)).any())

    if level == "region":
        area = area if region and inside(c.STP_CODE, area, c.REGION_CODE, region) else None
        commissioner = commissioner if region and inside(
            c.COMMISSIONER_CODE, commissioner, c.REGION_CODE, region) else None
    elif level == "area":
        commissioner = commissioner if area and inside(
            c.COMMISSIONER_CODE, commissioner, c.STP_CODE, area) else None
        region = None if area else region
    _hold(*settled(practices, region, area, commissioner))


def _pick(label: str, level: str, options: dict[str, str], snapshot: str, where) -> str:
    """One level's picker: its choice a code of ``options`` (code -> name)."""
    if st.session_state.get(level) not in options:
        st.session_state[level] = ALL
    choice = where.selectbox(label, list(options), key=level, format_func=options.get,
                             on_change=_cascade, args=(level, snapshot))
    if choice not in options:  # a label handed back: its code
        choice = next((code for code, name in options.items() if name == choice), ALL)
    url_store(level, choice, ALL)
    return choice


def place_picker(snapshot: str, where=st.sidebar) -> Place:
    """Narrow by NHS region, then STP/ICB, then choose a commissioner (or all
    of the level above). Each choice lives in the URL as a code; a code
    another snapshot lacks is carried over by
    :func:`pcnmap.model.places.carry_over` (its successor, or all), and the
    page says what happened."""
    words = data.snapshot(snapshot)
    wanted = _address_codes()
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
        _hold(*settled(data.practices(snapshot), carried.region, carried.area,
                       carried.commissioner))
        note = carried.note
    regions = {ALL: "All regions", **data.place_names(snapshot, "region")}
    region = _pick("NHS region", "region", regions, snapshot, where)
    areas = {ALL: f"All of {regions[region]}" if region != ALL else
             f"All {words.area_word}s", **data.place_names(snapshot, "stp", region)}
    area = _pick(words.area_word, "area", areas, snapshot, where)
    above = areas[area] if area != ALL else regions[region] if region != ALL else "England"
    names = {ALL: f"All of {above}",
             **data.place_names(snapshot, "commissioner", region, area)}
    code = _pick(words.commissioner_word, "commissioner", names, snapshot, where)
    if code != ALL:
        # The picker cuts long names short: the choice in full below it.
        where.caption(plain(names[code]))
    if note:
        st.info(plain(note))
    codes = [None if value == ALL else value for value in (region, area, code)]
    st.session_state[_PLACE] = (snapshot, *codes, st.session_state.get("_page"))
    return data.place(snapshot, *codes)


def method_picker(where=st.sidebar) -> str:
    """Choose how network boundaries are derived (URL parameter ``method``;
    :data:`pcnmap.model.methods.DEFAULT` by default). Says the method's assumption."""
    options = list(methods.METHODS)
    url_choice("method", options, methods.DEFAULT)
    method = where.radio("Network boundaries (indicative)", options,
                         format_func=methods.title, key="method")
    url_store("method", method, methods.DEFAULT)
    if method == methods.CATCHMENT:
        where.caption(methods.CATCHMENT_NOTE)
    return method
