"""What the search reads: England's postcodes and districts, and the
commissioners of other snapshots (see :mod:`ui.data`)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pcnmap import store
from pcnmap.model import (
    lookup,
    places,
)
from ui.data.tables import (
    commissioner_labels,
    network_boundaries,
    networks,
    place_shapes,
    practices,
    snapshot,
    snapshot_keys,
)

__all__ = [
    "districts",
    "other_commissioner_matches",
    "other_commissioners",
    "postcode_answer",
    "postcode_index",
    "search_matches",
]


@st.cache_resource(show_spinner="Loading England's postcodes…")
def postcode_index() -> lookup.PostcodeIndex:
    """England's live postcodes, ready to look up (about 10 MB)."""
    return lookup.PostcodeIndex.from_table(store.read_root_table(store.DATA_DIR, "postcodes"))


@st.cache_resource(show_spinner=False)
def districts() -> pd.DataFrame:
    """England's local authority districts: names, label points and bounds."""
    shapes = place_shapes()
    bounds = shapes.geometry.bounds
    return pd.DataFrame(shapes.drop(columns="geometry")).assign(
        min_longitude=bounds["minx"], min_latitude=bounds["miny"],
        max_longitude=bounds["maxx"], max_latitude=bounds["maxy"])


@st.cache_resource(show_spinner=False, max_entries=256)
def search_matches(snapshot: str, query: str) -> list[lookup.Match]:
    """What the search finds for ``query`` in the snapshot (every kind)."""
    return lookup.search(practices(snapshot), networks(snapshot), commissioner_labels(snapshot),
                         districts(), postcode_index(), query)


@st.cache_resource(show_spinner="Finding who covers this postcode…", max_entries=256)
def postcode_answer(snapshot: str, key: str) -> lookup.PostcodeAnswer | None:
    """The networks covering a postcode by each method, and its nearest practices."""
    return lookup.answer_postcode(key, postcode_index(), network_boundaries(snapshot),
                                  practices(snapshot))


@st.cache_resource(show_spinner=False)
def other_commissioners(key: str) -> dict[str, places.OtherCommissioner]:
    """The commissioners of the other shipped snapshots that snapshot ``key``
    lacks (former ones and later ones), with where their practices are in it."""
    keys = snapshot_keys()
    at = keys.index(key)
    ccg_names = places.predecessor_names([practices(other) for other in reversed(keys)
                                          if snapshot(other).commissioner_word == "CCG"])
    nearest = [*reversed(keys[:at]), *keys[at + 1:]]
    return places.other_commissioners(practices(key), [
        places.SnapshotNames(snapshot(other).label, keys.index(other) < at,
                             snapshot(other).commissioner_word, practices(other),
                             places.labels_from_practices(practices(other), ccg_names))
        for other in nearest])


@st.cache_resource(show_spinner=False, max_entries=256)
def other_commissioner_matches(key: str, query: str) -> list[lookup.Match]:
    """Commissioners of other snapshots that ``query`` finds, each with those
    of snapshot ``key`` that hold its practices now."""
    return lookup.other_commissioner_matches(other_commissioners(key),
                                             commissioner_labels(key), query)
